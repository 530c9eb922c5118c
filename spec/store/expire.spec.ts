import { expect } from 'chai';
import { activeExpireCycle, expireCycleState } from '../../lib/store/expire';
import type { Keyspace } from '../../lib/store/keyspace';
import { stringValue } from '../../lib/store/value';
import { UnitNode } from '../helpers/unit-node';

/** A timer for the cycle's time budget that moves `stepMs` every time it is read. */
function steppingTimer(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

/** Keys of db that are present although their expiry has passed. */
function stalePresent(db: Keyspace, now: number): number {
  let n = 0;
  for (let s = 0; s < db.slotLimit; s++) if (db.occupied(s) && db.isExpired(s, now)) n++;
  return n;
}

describe('active expiry (activeExpireCycle)', () => {
  it('brings expired-but-present keys under 10% of the keys with a TTL, removing no live key', () => {
    const n = new UnitNode();
    const db = n.node.dbs[0];
    const now0 = n.clock.now();
    const N = 100_000;
    const v = stringValue('x');
    // TTLs 1..100 s, spread evenly; plus keys without TTL that the collector must never touch.
    for (let i = 0; i < N; i++) db.set(`k${i}`, v, now0 + 1000 + i);
    for (let i = 0; i < 1000; i++) db.set(`p${i}`, v, 0);
    const removed: string[] = [];
    n.node.env.onRemoved = (_db, key, why) => {
      if (why === 'expired') removed.push(key);
    };
    n.clock.advance(1000 + N / 2); // past half of the TTLs: keys k0..k50000 are expired
    const now = n.clock.now();
    const staleBefore = stalePresent(db, now);
    expect(staleBefore).to.equal(N / 2 + 1);

    let cycles = 0;
    let total = 0;
    while (cycles < 20_000 && stalePresent(db, now) >= 0.1 * db.volatileCount) {
      for (let i = 0; i < 100; i++, cycles++) total += activeExpireCycle(n.node.dbs, n.config);
    }
    const stale = stalePresent(db, now);
    expect(stale / db.volatileCount).to.be.below(0.1);
    // Only expired keys went; every live key and every key without a TTL is still there.
    for (let i = N / 2 + 1; i < N; i++) expect(db.peek(`k${i}`), `k${i}`).to.be.at.least(0);
    for (let i = 0; i < 1000; i++) expect(db.peek(`p${i}`)).to.be.at.least(0);
    for (const k of removed) expect(Number(k.slice(1))).to.be.at.most(N / 2);
    // Counted once each.
    expect(total).to.equal(staleBefore - stale);
    expect(removed.length).to.equal(total);
    expect(n.node.env.stats.expired).to.equal(total);
    expect(db.size).to.equal(N + 1000 - total);
    expect(db.volatileCount).to.equal(N - total);
    expect(expireCycleState(n.node.dbs).stalePerc).to.be.within(0, 1);
  });

  it('removes nothing while no key has expired and updates the average TTL', () => {
    const n = new UnitNode();
    const db = n.node.dbs[3];
    for (let i = 0; i < 100; i++) db.set(`k${i}`, stringValue('v'), n.clock.now() + 60_000);
    for (let i = 0; i < 50; i++) expect(activeExpireCycle(n.node.dbs, n.config)).to.equal(0);
    expect(db.size).to.equal(100);
    expect(n.node.env.stats.expired).to.equal(0);
    expect(expireCycleState(n.node.dbs).avgTtl[3]).to.be.within(1, 60_000);
  });

  it('stops when its time budget runs out and continues with the next database on the next call', () => {
    const n = new UnitNode({ hz: '500' }); // budget 25% of 2 ms = 500 us
    const [db0, db1] = n.node.dbs;
    const v = stringValue('v');
    for (let i = 0; i < 5000; i++) {
      db0.set(`a${i}`, v, n.clock.now() + 1);
      db1.set(`b${i}`, v, n.clock.now() + 1);
    }
    n.clock.advance(10);
    const timer = steppingTimer(1); // 1 ms per read: the budget is gone at the first check (16 loops)
    const first = activeExpireCycle(n.node.dbs, n.config, { timer });
    expect(first).to.equal(16 * 20); // every sampled key had expired
    expect(db0.size).to.equal(5000 - first);
    expect(db1.size).to.equal(5000);
    expect(n.node.env.stats.expireCycleCapped).to.equal(1);
    expect(expireCycleState(n.node.dbs).timelimitExit).to.equal(true);

    const second = activeExpireCycle(n.node.dbs, n.config, { timer });
    expect(second).to.equal(16 * 20);
    expect(db1.size).to.equal(5000 - second);
    expect(db0.size).to.equal(5000 - first);
    expect(n.node.env.stats.expireCycleCapped).to.equal(2);
    expect(n.node.env.stats.expired).to.equal(first + second);
  });

  it('samples more keys per loop at a higher active-expire-effort', () => {
    const n = new UnitNode({ hz: '500', 'active-expire-effort': '10' });
    const db = n.node.dbs[0];
    for (let i = 0; i < 5000; i++) db.set(`a${i}`, stringValue('v'), n.clock.now() + 1);
    n.clock.advance(10);
    // effort 10: 20 + 5*9 = 65 keys per loop; the stepping timer stops the cycle after 16 loops.
    expect(activeExpireCycle(n.node.dbs, n.config, { timer: steppingTimer(1) })).to.equal(16 * 65);
  });

  it('runs a fast cycle only when the last cycle ran out of time, and not twice within its duration', () => {
    const n = new UnitNode({ hz: '500' });
    const db = n.node.dbs[0];
    for (let i = 0; i < 5000; i++) db.set(`a${i}`, stringValue('v'), n.clock.now() + 1);
    n.clock.advance(10);
    // No slow cycle behind and no stale estimate yet: the fast cycle does nothing.
    expect(activeExpireCycle(n.node.dbs, n.config, { fast: true, timer: steppingTimer(0.001) })).to.equal(0);
    expect(db.size).to.equal(5000);
    let t = 0;
    const timer = (): number => (t += 1);
    expect(activeExpireCycle(n.node.dbs, n.config, { timer })).to.be.above(0); // capped
    const fast = activeExpireCycle(n.node.dbs, n.config, { fast: true, timer });
    expect(fast).to.be.above(0);
    // The fast cycle (started at t = 4 ms) ran out of time too: another within 2 ms is skipped, later one runs.
    t = 4;
    expect(activeExpireCycle(n.node.dbs, n.config, { fast: true, timer })).to.equal(0);
    t = 6;
    expect(activeExpireCycle(n.node.dbs, n.config, { fast: true, timer })).to.be.above(0);
  });

  it('keeps its state per node', () => {
    const a = new UnitNode({ hz: '500' });
    const b = new UnitNode({ hz: '500' });
    for (let i = 0; i < 1000; i++) a.node.dbs[0].set(`k${i}`, stringValue('v'), a.clock.now() + 1);
    a.clock.advance(10);
    activeExpireCycle(a.node.dbs, a.config, { timer: steppingTimer(1) });
    expect(expireCycleState(a.node.dbs).currentDb).to.equal(1);
    expect(expireCycleState(b.node.dbs).currentDb).to.equal(0);
  });
});
