// The keyspace's hash-slot index (cluster mode): counts, listing and deletion by Redis Cluster hash slot,
// kept right through add / delete / expiry / flush / swapWith / array growth, and checked against a naive model.
import { expect } from 'chai';
import { keySlot } from '../../lib/util/slots';
import { Keyspace, newStoreEnv } from '../../lib/store/keyspace';
import { stringValue } from '../../lib/store/value';
import { ManualClock } from '../../lib/util/clock';
import { prng } from '../helpers/prng';

function newDb() {
  const clock = new ManualClock();
  const env = newStoreEnv(clock);
  return { clock, env, db: new Keyspace(0, env) };
}

/** Keys with the hash tag {t} all land in keySlot('t'). */
const TAG_SLOT = keySlot('t');

describe('Keyspace hash-slot index', () => {
  it('is off by default: counts 0 and lists nothing', () => {
    const { db } = newDb();
    db.set('{t}a', stringValue('1'));
    expect(db.slotIndexEnabled).to.equal(false);
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(0);
    expect(db.keysInSlot(TAG_SLOT, 10)).to.deep.equal([]);
    expect(db.deleteKeysInSlot(TAG_SLOT)).to.equal(0);
    expect(db.size).to.equal(1);
  });

  it('enableSlotIndex indexes keys already present; later adds and deletes keep it right', () => {
    const { db } = newDb();
    db.set('{t}a', stringValue('1'));
    db.set('{t}b', stringValue('2'));
    db.set('other', stringValue('3'));
    db.enableSlotIndex();
    db.enableSlotIndex(); // idempotent
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(2);
    expect(db.keysInSlot(TAG_SLOT, 10).sort()).to.deep.equal(['{t}a', '{t}b']);
    expect(db.countKeysInSlot(keySlot('other'))).to.equal(1);
    db.set('{t}c', stringValue('4'));
    expect(db.keysInSlot(TAG_SLOT, 1)).to.deep.equal(['{t}c']); // newest first, count respected
    expect(db.delete('{t}a')).to.equal(true);
    expect(db.keysInSlot(TAG_SLOT, 10).sort()).to.deep.equal(['{t}b', '{t}c']);
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(2);
  });

  it('counts expired keys not yet collected (as COUNTKEYSINSLOT) and drops them once collected', () => {
    const { db, clock, env } = newDb();
    db.enableSlotIndex();
    db.set('{t}a', stringValue('1'), clock.now() + 10);
    db.set('{t}b', stringValue('2'));
    clock.advance(20);
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(2);
    expect(db.keysInSlot(TAG_SLOT, 10)).to.include('{t}a');
    expect(db.lookup('{t}a')).to.equal(-1); // lazy expiry
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(1);
    expect(env.stats.expired).to.equal(1);
  });

  it('deleteKeysInSlot removes only that slot, uncounted, and frees memory', () => {
    const { db, clock, env } = newDb();
    const removed: string[] = [];
    env.onRemoved = (_db, key) => removed.push(key);
    db.enableSlotIndex();
    db.set('{t}a', stringValue('1'), clock.now() + 10);
    db.set('{t}b', stringValue('2'));
    db.set('other', stringValue('3'));
    const before = env.memory.used;
    clock.advance(20);
    expect(db.deleteKeysInSlot(TAG_SLOT)).to.equal(2);
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(0);
    expect(db.size).to.equal(1);
    expect(db.exists('other')).to.equal(true);
    expect(env.stats.expired).to.equal(0);
    expect(removed).to.deep.equal([]);
    expect(env.memory.used).to.be.below(before);
    expect(db.deleteKeysInSlot(TAG_SLOT)).to.equal(0);
  });

  it('survives growth past the initial capacity and flush (which keeps it enabled)', () => {
    const { db } = newDb();
    db.enableSlotIndex();
    for (let i = 0; i < 5000; i++) db.set(`{t}${i}`, stringValue('v'));
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(5000);
    expect(new Set(db.keysInSlot(TAG_SLOT, 10000)).size).to.equal(5000);
    expect(db.flush()).to.equal(5000);
    expect(db.slotIndexEnabled).to.equal(true);
    expect(db.countKeysInSlot(TAG_SLOT)).to.equal(0);
    db.set('{t}x', stringValue('v'));
    expect(db.keysInSlot(TAG_SLOT, 10)).to.deep.equal(['{t}x']);
  });

  it('swapWith carries the index with the data', () => {
    const { env } = newDb();
    const a = new Keyspace(0, env);
    const b = new Keyspace(1, env);
    a.enableSlotIndex();
    a.set('{t}a', stringValue('1'));
    b.set('{t}b', stringValue('2'));
    a.swapWith(b);
    expect([a.slotIndexEnabled, b.slotIndexEnabled]).to.deep.equal([false, true]);
    expect(b.keysInSlot(TAG_SLOT, 10)).to.deep.equal(['{t}a']);
    b.set('{t}c', stringValue('3'));
    expect(b.countKeysInSlot(TAG_SLOT)).to.equal(2);
  });

  it('matches a naive model through random adds, deletes, expiries, slot deletions and flushes', () => {
    const { db, clock } = newDb();
    const rnd = prng(42);
    const model = new Map<string, number>(); // key -> hash slot
    // Few hash slots (tags a..e) so lists get long and deletes hit heads, middles and tails.
    const tags = ['a', 'b', 'c', 'd', 'e'];
    const slots = tags.map((t) => keySlot(t));
    let enabled = false;
    for (let step = 0; step < 20000; step++) {
      const r = rnd();
      const tag = tags[Math.floor(rnd() * tags.length)];
      const key = `{${tag}}${Math.floor(rnd() * 400)}`;
      if (r < 0.5) {
        const ttl = rnd() < 0.2 ? clock.now() + 1 + Math.floor(rnd() * 5) : 0;
        db.set(key, stringValue('v'), ttl);
        model.set(key, keySlot(key));
      } else if (r < 0.85) {
        db.delete(key);
        model.delete(key);
      } else if (r < 0.95) {
        clock.advance(1);
        // Lazy expiry of one random key, as a read would do.
        if (db.lookup(key) < 0) model.delete(key);
      } else if (r < 0.995) {
        if (!enabled) continue;
        const hs = keySlot(tag);
        let m = 0;
        for (const [k, s] of model) if (s === hs) (model.delete(k), m++);
        expect(db.deleteKeysInSlot(hs), `step ${step}`).to.equal(m);
      } else {
        db.flush();
        model.clear();
      }
      if (!enabled && step === 3000) {
        db.enableSlotIndex();
        enabled = true;
      }
      if (enabled && step % 97 === 0) {
        for (const hs of slots) {
          const want = [...model].filter(([, s]) => s === hs).map(([k]) => k).sort();
          expect(db.countKeysInSlot(hs), `count step ${step}`).to.equal(want.length);
          expect(db.keysInSlot(hs, 1 << 20).sort(), `keys step ${step}`).to.deep.equal(want);
        }
      }
    }
    expect(enabled).to.equal(true);
  });
});
