import { expect } from 'chai';
import { evictionTimeLimitUs, MAX_SAMPLES } from '../../lib/store/evict';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
const VALUE = 'x'.repeat(100);

/** A node with `keys` keys k0..k{keys-1} (TTL `ex` seconds when given) and maxmemory just above their size. */
function filledNode(policy: string, keys: number, ex?: (i: number) => number, extra: Record<string, string> = {}): UnitNode {
  const n = new UnitNode({ 'maxmemory-policy': policy, ...extra });
  for (let i = 0; i < keys; i++) {
    const r = ex ? n.run('SET', `k${i}`, VALUE, 'EX', String(ex(i))) : n.run('SET', `k${i}`, VALUE);
    expect(r).to.equal('OK');
  }
  n.config.set('maxmemory', String(n.node.env.memory.used + 10));
  return n;
}

/** Records the keys evicted from now on. */
function recordEvictions(n: UnitNode): string[] {
  const evicted: string[] = [];
  n.node.env.onRemoved = (_db, key, why) => {
    if (why === 'evicted') evicted.push(key);
  };
  return evicted;
}

/**
 * Writes `count` new keys; after each write, checks that used_memory exceeds maxmemory by at most that
 * write (eviction runs before each command, as in Redis) and is back under it before the next command.
 */
function overflow(n: UnitNode, count: number, prefix = 'new'): void {
  const max = n.config.num('maxmemory');
  for (let i = 0; i < count; i++) {
    const before = n.node.env.memory.used;
    expect(n.run('SET', `${prefix}${i}`, VALUE)).to.equal('OK');
    const written = n.node.env.memory.used - before;
    expect(n.node.env.memory.used).to.be.at.most(max + Math.max(written, 0) + 200);
    expect(n.run('PING')).to.equal('PONG');
    expect(n.node.env.memory.used).to.be.at.most(max);
  }
}

function index(key: string): number {
  return Number(key.slice(1));
}

describe('maxmemory eviction (Evictor)', () => {
  it('noeviction: writes over the limit get OOM, GET and DEL keep working, writes resume after DEL', () => {
    const n = filledNode('noeviction', 100);
    expect(n.run('SET', 'a', VALUE)).to.equal('OK'); // used <= maxmemory before this write
    const r = n.run('SET', 'b', VALUE);
    expect(r).to.be.instanceOf(ReplyError);
    expect((r as Error).message).to.equal(OOM);
    expect(n.run('GET', 'k1')).to.equal(VALUE);
    expect(n.run('GET', 'b')).to.equal(null);
    expect(n.run('DBSIZE')).to.equal(101);
    expect(n.node.env.stats.evicted).to.equal(0);
    expect(n.run('DEL', 'a', 'k2')).to.equal(2);
    expect(n.run('SET', 'b', VALUE)).to.equal('OK');
    expect(n.run('DBSIZE')).to.equal(100);
  });

  it('no limit (maxmemory 0): makeRoom() always succeeds', () => {
    const n = new UnitNode({ 'maxmemory-policy': 'noeviction' });
    for (let i = 0; i < 100; i++) n.run('SET', `k${i}`, VALUE);
    expect(n.node.evictor.makeRoom()).to.equal(true);
  });

  for (const policy of ['allkeys-lru', 'volatile-lru']) {
    it(`${policy}: evicts mostly keys not accessed recently`, () => {
      const n = filledNode(policy, 1000, policy.startsWith('volatile') ? () => 3600 : undefined);
      n.clock.advance(10_000);
      for (let i = 0; i < 1000; i += 2) n.run('GET', `k${i}`); // touch the even half
      n.clock.advance(10_000);
      const evicted = recordEvictions(n);
      if (policy.startsWith('volatile')) {
        for (let i = 0; i < 200; i++) expect(n.run('SET', `new${i}`, VALUE, 'EX', '3600')).to.equal('OK');
      } else {
        overflow(n, 200);
      }
      expect(evicted.length).to.be.within(190, 210);
      expect(n.node.env.stats.evicted).to.equal(evicted.length);
      const untouched = evicted.filter((k) => k.startsWith('k') && index(k) % 2 === 1).length;
      expect(untouched / evicted.length).to.be.at.least(0.9);
    });
  }

  for (const policy of ['allkeys-lfu', 'volatile-lfu']) {
    it(`${policy}: keeps frequently read keys`, () => {
      const n = filledNode(policy, 1000, policy.startsWith('volatile') ? () => 3600 : undefined);
      for (let r = 0; r < 100; r++) for (let i = 0; i < 1000; i += 2) n.run('GET', `k${i}`); // the even half is hot
      const evicted = recordEvictions(n);
      const ex = policy.startsWith('volatile') ? ['EX', '3600'] : [];
      for (let i = 0; i < 200; i++) expect(n.run('SET', `new${i}`, VALUE, ...ex)).to.equal('OK');
      expect(evicted.length).to.be.within(190, 210);
      const hot = evicted.filter((k) => k.startsWith('k') && index(k) % 2 === 0).length;
      expect(hot / evicted.length).to.be.at.most(0.05);
    });
  }

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy}: evicts only keys with a TTL, then answers OOM`, () => {
      // Odd keys have a TTL, even keys none.
      const n = new UnitNode({ 'maxmemory-policy': policy });
      for (let i = 0; i < 200; i++) {
        if (i % 2) n.run('SET', `k${i}`, VALUE, 'EX', String(1000 + i));
        else n.run('SET', `k${i}`, VALUE);
      }
      n.config.set('maxmemory', String(n.node.env.memory.used + 10));
      const evicted = recordEvictions(n);
      let i = 0;
      let r: unknown = 'OK';
      for (; i < 500 && r === 'OK'; i++) r = n.run('SET', `new${i}`, VALUE);
      // 100 keys with a TTL made room for about 100 writes; then nothing is left to evict.
      expect(i).to.be.within(95, 105);
      expect(r).to.be.instanceOf(ReplyError);
      expect((r as Error).message).to.equal(OOM);
      expect(evicted.length).to.equal(100);
      for (const k of evicted) expect(index(k) % 2, k).to.equal(1);
      expect(n.node.dbs[0].volatileCount).to.equal(0);
      expect(n.run('GET', 'k0')).to.equal(VALUE);
    });
  }

  it('volatile-lru with no key having a TTL answers OOM at once', () => {
    const n = filledNode('volatile-lru', 50);
    n.run('SET', 'a', VALUE);
    const r = n.run('SET', 'b', VALUE);
    expect((r as Error).message).to.equal(OOM);
    expect(n.node.env.stats.evicted).to.equal(0);
  });

  it('volatile-ttl: evicts the nearest expiry first', () => {
    // Key i expires in 1000 + i seconds; keys are written in a shuffled order.
    const order = Array.from({ length: 1000 }, (_, i) => i).sort(() => Math.random() - 0.5);
    const n = new UnitNode({ 'maxmemory-policy': 'volatile-ttl' });
    for (const i of order) n.run('SET', `k${i}`, VALUE, 'EX', String(1000 + i));
    n.config.set('maxmemory', String(n.node.env.memory.used + 10));
    const evicted = recordEvictions(n);
    for (let i = 0; i < 100; i++) n.run('SET', `new${i}`, VALUE, 'EX', '100000');
    expect(evicted.length).to.be.within(95, 105);
    const near = evicted.filter((k) => index(k) < 300).length;
    expect(near / evicted.length).to.be.at.least(0.9);
    expect(n.node.env.memory.used).to.be.at.most(n.config.num('maxmemory') + 300);
  });

  it('allkeys-random: evicts something and keeps used_memory under maxmemory', () => {
    const n = filledNode('allkeys-random', 300);
    const evicted = recordEvictions(n);
    overflow(n, 100);
    expect(evicted.length).to.be.within(95, 105);
    expect(n.node.env.stats.evicted).to.equal(evicted.length);
    expect(n.run('DBSIZE')).to.equal(400 - evicted.length);
  });

  it('evicts across databases', () => {
    const n = new UnitNode({ 'maxmemory-policy': 'allkeys-lru' });
    const other = n.newClient();
    n.runAs(other, 'SELECT', '5');
    for (let i = 0; i < 100; i++) n.runAs(other, 'SET', `k${i}`, VALUE);
    n.config.set('maxmemory', String(n.node.env.memory.used + 10));
    n.clock.advance(5000);
    overflow(n, 50);
    expect(n.node.dbs[5].size).to.be.within(45, 55);
    expect(n.node.dbs[0].size).to.equal(50);
  });

  it('switching maxmemory-policy at run time keeps evicting sanely', () => {
    const n = filledNode('allkeys-lru', 300);
    overflow(n, 20, 'a');
    n.config.set('maxmemory-policy', 'allkeys-lfu');
    const evicted = recordEvictions(n);
    overflow(n, 20, 'b');
    // Keys written under LRU hold an access time, read as a long-idle LFU field: they go before new keys.
    expect(evicted.length).to.be.within(18, 22);
    expect(evicted.filter((k) => k.startsWith('b'))).to.deep.equal([]);
    n.config.set('maxmemory-policy', 'volatile-ttl');
    expect((n.run('SET', 'c', VALUE) as unknown)).to.equal('OK'); // used <= max before this write
    expect((n.run('SET', 'd', VALUE) as Error).message).to.equal(OOM); // no key has a TTL
    n.config.set('maxmemory-policy', 'allkeys-lru');
    overflow(n, 20, 'e');
    expect(n.node.env.stats.evicted).to.be.within(55, 65);
  });

  it('lowering maxmemory evicts down to the new limit from the next command on', async () => {
    const n = filledNode('allkeys-random', 200);
    const max = Math.floor(n.node.env.memory.used / 2);
    n.config.set('maxmemory', String(max));
    expect(n.run('GET', 'nothing')).to.equal(null);
    expect(n.node.env.stats.evicted).to.be.above(0);
    // Past its time budget (maxmemory-eviction-tenacity) eviction goes on in the next event-loop turns.
    for (let turn = 0; turn < 1000 && n.node.evictor.running; turn++) await new Promise((r) => setImmediate(r));
    expect(n.node.env.memory.used).to.be.at.most(max);
    expect(n.run('DBSIZE')).to.be.within(95, 100);
  });

  it('with tenacity 0 a call evicts 16 keys, lets the command run, and finishes on the next turn', async () => {
    const n = filledNode('allkeys-random', 300, undefined, { 'maxmemory-eviction-tenacity': '0' });
    const max = Math.floor(n.node.env.memory.used / 3);
    n.config.set('maxmemory', String(max));
    expect(n.run('SET', 'a', VALUE)).to.equal('OK');
    expect(n.node.env.stats.evicted).to.be.within(16, 17);
    expect(n.node.evictor.running).to.equal(true);
    for (let turn = 0; turn < 1000 && n.node.evictor.running; turn++) await new Promise((r) => setImmediate(r));
    expect(n.node.env.memory.used).to.be.at.most(max);
    expect(n.node.evictor.running).to.equal(false);
  });

  it('maxmemory-samples 2147483647 (Redis\'s max) samples at most MAX_SAMPLES keys per round', () => {
    const n = filledNode('allkeys-lru', 100, undefined, { 'maxmemory-samples': '2147483647' });
    const db = n.node.dbs[0];
    const real = db.randomSlot.bind(db);
    let calls = 0;
    db.randomSlot = () => {
      if (++calls > 100000) throw new Error('sampling does not stop');
      return real();
    };
    n.config.set('maxmemory', String(n.node.env.memory.used - 1000));
    expect(n.run('SET', 'a', VALUE)).to.equal('OK');
    const evicted = n.node.env.stats.evicted;
    expect(evicted).to.be.at.least(1);
    expect(calls).to.be.at.most(MAX_SAMPLES * evicted);
  });

  it('maxmemory-eviction-tenacity maps to time as Redis', () => {
    expect(evictionTimeLimitUs(0)).to.equal(0);
    expect(evictionTimeLimitUs(10)).to.equal(500);
    expect(evictionTimeLimitUs(11)).to.equal(575);
    expect(evictionTimeLimitUs(100)).to.equal(Infinity);
  });
});
