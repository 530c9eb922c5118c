import { expect } from 'chai';
import fc from 'fast-check';
import { EMPTY_STRING_VALUE, KEEP_TTL, KEY_OVERHEAD_BYTES, Keyspace, newStoreEnv, type StringView } from '../../lib/store/keyspace';
import { stringValue } from '../../lib/store/value';
import { ManualClock } from '../../lib/util/clock';
import { UnitNode } from '../helpers/unit-node';

function newDb() {
  const clock = new ManualClock();
  const env = newStoreEnv(clock);
  const removed: string[] = [];
  env.onRemoved = (_db, key, why) => removed.push(`${why}:${key}`);
  return { clock, env, removed, db: new Keyspace(0, env) };
}

/** Every key a full SCAN walk returns, in order (duplicates kept). */
function scanAll(db: Keyspace, count: number): string[] {
  const out: string[] = [];
  let cursor = 0;
  do cursor = db.scan(cursor, count, (s) => out.push(db.keyAt(s)));
  while (cursor !== 0);
  return out;
}

describe('Keyspace', () => {
  it('stringView and resizeString read, write and resize a string in place against a model (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('resize' as const), len: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.constantFrom(9, 10, 99, 100, 999, 1000), fc.integer({ min: 60000, max: 70000 })), greedy: fc.boolean(), zero: fc.boolean() }),
            fc.record({ kind: fc.constant('poke' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
            fc.record({ kind: fc.constant('other' as const), len: fc.integer({ min: 0, max: 5000 }) }),
          ),
          { maxLength: 60 },
        ),
        (ops) => {
          const { db, env, clock } = newDb();
          let model = 'ab';
          const s = db.set('k', stringValue(model), clock.now() + 5000);
          const view: StringView = { buf: Buffer.alloc(0), off: 0, len: 0 };
          let others = 0;
          for (const op of ops) {
            if (op.kind === 'resize') {
              db.resizeString(s, op.len, op.zero, op.greedy);
              const v = db.stringView(s, view);
              if (!op.zero && op.len > model.length) v.buf.fill(7, v.off + model.length, v.off + op.len);
              model = op.len <= model.length ? model.slice(0, op.len) : model + (op.zero ? '\0' : '\x07').repeat(op.len - model.length);
            } else if (op.kind === 'poke') {
              if (model.length === 0) continue;
              const i = op.at % model.length;
              const v = db.stringView(s, view);
              v.buf[v.off + i] = op.byte;
              model = model.slice(0, i) + String.fromCharCode(op.byte) + model.slice(i + 1);
            } else db.set(`o${others++}`, stringValue('x'.repeat(op.len)));
            expect(db.valueAt(s)).to.equal(stringValue(model));
            expect(db.stringView(s, view).len).to.equal(model.length);
          }
          expect(db.keyAt(s)).to.equal('k');
          expect(db.expireAt(s)).to.equal(clock.now() + 5000);
          let used = 0;
          db.forEachLive((slot) => (used += db.keyAt(slot).length + (db.valueAt(slot) as string).length + KEY_OVERHEAD_BYTES));
          expect(env.memory.used).to.equal(used);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resizeString from the empty value makes a zero-filled string', () => {
    const { db } = newDb();
    const s = db.add('k', EMPTY_STRING_VALUE);
    db.resizeString(s, 12);
    expect(db.valueAt(s)).to.equal(stringValue('\0'.repeat(12)));
  });

  it('sets, looks up and deletes keys, charging their bytes to the shared memory count', () => {
    const { db, env } = newDb();
    const v = stringValue('value');
    const s = db.set('key', v);
    expect(db.lookup('key')).to.equal(s);
    expect(db.valueAt(s)).to.equal(v);
    expect(db.size).to.equal(1);
    expect(env.memory.used).to.equal(3 + v.length + KEY_OVERHEAD_BYTES);
    expect(db.usedBytes).to.equal(env.memory.used);
    db.set('key', stringValue('longer value'));
    expect(env.memory.used).to.equal(3 + stringValue('longer value').length + KEY_OVERHEAD_BYTES);
    expect(db.delete('key')).to.equal(true);
    expect(db.delete('key')).to.equal(false);
    expect([db.size, env.memory.used, db.lookup('key')]).to.deep.equal([0, 0, -1]);
  });

  it('expires keys lazily by the clock: counted, reported to onRemoved, absent to lookups', () => {
    const { db, env, clock, removed } = newDb();
    const s = db.set('k', stringValue('v'), clock.now() + 1000);
    expect(db.volatileCount).to.equal(1);
    clock.advance(999);
    expect(db.lookup('k')).to.equal(s);
    clock.advance(1);
    expect(db.peek('k')).to.equal(s); // still stored
    expect(db.lookup('k')).to.equal(-1);
    expect(db.peek('k')).to.equal(-1);
    expect([env.stats.expired, db.volatileCount, removed]).to.deep.equal([1, 0, ['expired:k']]);
  });

  it('delete() of an expired key answers false but removes it', () => {
    const { db, clock } = newDb();
    db.set('k', stringValue('v'), clock.now() + 10);
    clock.advance(10);
    expect(db.delete('k')).to.equal(false);
    expect(db.size).to.equal(0);
  });

  it('KEEP_TTL keeps the expiry; a plain set clears it', () => {
    const { db, clock } = newDb();
    const at = clock.now() + 5000;
    const s = db.set('k', stringValue('a'), at);
    db.set('k', stringValue('b'), KEEP_TTL);
    expect(db.expireAt(s)).to.equal(at);
    db.set('k', stringValue('c'));
    expect([db.expireAt(s), db.volatileCount]).to.deep.equal([0, 0]);
  });

  it('samples volatile keys only from keys with a TTL', () => {
    const { db, clock } = newDb();
    for (let i = 0; i < 50; i++) db.set(`p${i}`, stringValue('v'));
    for (let i = 0; i < 5; i++) db.set(`v${i}`, stringValue('v'), clock.now() + 1000);
    db.setExpireAt(db.peek('v2'), 0);
    for (let i = 0; i < 200; i++) {
      const k = db.keyAt(db.randomVolatileSlot());
      expect(k).to.match(/^v[0134]$/);
    }
    expect(db.volatileCount).to.equal(4);
  });

  it('a full scan returns every key exactly once, for any COUNT', () => {
    const { db } = newDb();
    const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);
    for (const k of keys) db.set(k, stringValue('v'));
    for (let i = 0; i < 300; i += 3) db.delete(`key:${i}`);
    const live = keys.filter((_, i) => i % 3 !== 0);
    for (const count of [1, 7, 10, 1000]) {
      const seen = scanAll(db, count);
      expect(seen.length, `count ${count}`).to.equal(live.length);
      expect(new Set(seen)).to.deep.equal(new Set(live));
    }
    expect(db.scan(db.slotLimit + 5, 10, () => expect.fail('visited'))).to.equal(0);
  });

  it('scan returns every key present for the whole scan while others come and go between calls', () => {
    const { db } = newDb();
    for (let i = 0; i < 500; i++) db.set(`stable:${i}`, stringValue('v'));
    for (let i = 0; i < 500; i++) db.set(`churn:${i}`, stringValue('v'));
    const seen = new Set<string>();
    let cursor = 0;
    let round = 0;
    let added = 0;
    do {
      cursor = db.scan(cursor, 20, (s) => seen.add(db.keyAt(s)));
      // Between calls: delete some churn keys (freeing slots behind and ahead of the cursor) and add new
      // keys, which reuse freed slots or extend the slot range.
      for (let j = 0; j < 15; j++) db.delete(`churn:${(round * 37 + j * 11) % 500}`);
      for (let j = 0; j < 10; j++) db.set(`new:${added++}`, stringValue('v'));
      round++;
    } while (cursor !== 0 && round < 1000);
    expect(cursor).to.equal(0);
    for (let i = 0; i < 500; i++) expect(seen.has(`stable:${i}`), `stable:${i}`).to.equal(true);
    expect(round).to.be.greaterThan(10);
  });

  it('scan returns each key present for the whole scan exactly once while the index grows and shrinks under it', () => {
    const { db } = newDb();
    for (let i = 0; i < 3000; i++) db.set(`stable:${i}`, stringValue('v'));
    const seen: string[] = [];
    let cursor = 0;
    let round = 0;
    let added = 0;
    let resized = 0;
    const index = (db as unknown as { index: { resizing: boolean } }).index;
    do {
      cursor = db.scan(cursor, 50, (s) => seen.push(db.keyAt(s)));
      if (round < 40) for (let j = 0; j < 2000; j++) db.set(`grow:${added++}`, stringValue('v')); // 80k more: growths
      else for (let j = 0; j < 4000 && added > 0; j++) db.delete(`grow:${--added}`); // then shrinks
      if (index.resizing) resized++;
      round++;
    } while (cursor !== 0 && round < 100000);
    expect(cursor).to.equal(0);
    expect(resized, 'the index was resizing between calls').to.be.greaterThan(0);
    const stable = seen.filter((k) => k.startsWith('stable:'));
    expect(stable.length, 'no stable key twice').to.equal(3000);
    expect(new Set(stable).size).to.equal(3000);
  });

  it('forEachLive visits live keys and collects expired ones', () => {
    const { db, clock, env } = newDb();
    db.set('a', stringValue('1'));
    db.set('b', stringValue('2'), clock.now() + 1);
    db.set('c', stringValue('3'));
    clock.advance(1);
    const seen: string[] = [];
    db.forEachLive((s) => seen.push(db.keyAt(s)));
    expect(seen).to.deep.equal(['a', 'c']);
    expect([db.size, env.stats.expired]).to.deep.equal([2, 1]);
  });

  it('randomSlot returns occupied slots, -1 when empty', () => {
    const { db } = newDb();
    expect(db.randomSlot()).to.equal(-1);
    for (let i = 0; i < 20; i++) db.set(`k${i}`, stringValue('v'));
    for (let i = 0; i < 19; i++) db.delete(`k${i}`);
    for (let i = 0; i < 20; i++) expect(db.keyAt(db.randomSlot())).to.equal('k19');
  });

  it('reuses freed slots and grows its arrays past the initial capacity', () => {
    const { db, clock } = newDb();
    const s = db.set('a', stringValue('v'));
    db.delete('a');
    expect(db.set('b', stringValue('v'))).to.equal(s);
    for (let i = 0; i < 3000; i++) db.set(`k${i}`, stringValue('v'), i % 2 ? clock.now() + 1000 + i : 0);
    expect([db.size, db.volatileCount]).to.deep.equal([3001, 1500]);
    expect(db.expireAt(db.peek('k2999'))).to.equal(clock.now() + 3999);
  });

  it('flush() empties the database and its memory share; swapWith() exchanges contents', () => {
    const clock = new ManualClock();
    const env = newStoreEnv(clock);
    const a = new Keyspace(0, env);
    const b = new Keyspace(1, env);
    a.set('x', stringValue('1'), clock.now() + 100);
    b.set('y', stringValue('2'));
    b.set('z', stringValue('3'));
    const total = env.memory.used;
    a.swapWith(b);
    expect([a.size, b.size, a.lookup('y') >= 0, b.lookup('x') >= 0, b.volatileCount]).to.deep.equal([2, 1, true, true, 1]);
    expect(a.usedBytes + b.usedBytes).to.equal(total);
    expect(a.flush()).to.equal(2);
    expect([a.size, a.usedBytes, env.memory.used]).to.deep.equal([0, 0, b.usedBytes]);
  });

  it('a node keeps answering commands for keys across many index growths (binary keys too)', () => {
    const n = new UnitNode();
    const key = (i: number): string => `k\x00\xff\r\n${i}`;
    for (let i = 0; i < 3000; i++) n.run('SET', key(i), `v${i}`);
    expect(n.run('DBSIZE')).to.equal(3000);
    for (let i = 0; i < 3000; i++) expect(n.run('GET', key(i))).to.equal(`v${i}`);
    expect(n.run('DEL', key(3), key(40), 'nope')).to.equal(2);
    expect(n.run('RENAME', key(45), key(3))).to.equal('OK');
    expect(n.run('EXISTS', key(3), key(40), key(45))).to.equal(1);
    expect((n.run('KEYS', '*') as string[]).length).to.equal(2998);
    for (let i = 100; i < 3000; i++) n.run('DEL', key(i));
    expect(n.run('DBSIZE')).to.equal(98);
    expect(n.run('GET', key(3))).to.equal('v45');
    expect(n.run('GET', key(99))).to.equal('v99');
  });

  describe('writes over an expired key', () => {
    it('SET KEEPTTL over an expired, uncollected key writes a key without TTL (the old key expired first)', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'old', 'PX', '100');
      n.clock.advance(200);
      expect(n.run('SET', 'k', 'new', 'KEEPTTL')).to.equal('OK');
      expect(n.run('GET', 'k')).to.equal('new');
      expect(n.run('PTTL', 'k')).to.equal(-1);
      expect(n.node.env.stats.expired).to.equal(1);
    });

    it('DEL of an expired key reports it to the replication hook as an expiry and answers 0', () => {
      const n = new UnitNode();
      const removed: string[] = [];
      n.node.env.onRemoved = (_db, key, why) => removed.push(`${key}:${why}`);
      n.run('SET', 'k', 'v', 'PX', '100');
      n.clock.advance(200);
      expect(n.run('DEL', 'k')).to.equal(0);
      expect(removed).to.deep.equal(['k:expired']);
    });
  });
});
