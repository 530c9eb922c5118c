// The value model's contract with the keyspace: typed lookup, in-place collections settled into
// used_memory by written(), empty collections deleted, the field-expiry list kept, COPY's deep copy.
import { expect } from 'chai';
import { KEY_OVERHEAD_BYTES, Keyspace, newStoreEnv, WRONG_TYPE } from '../../lib/store/keyspace';
import { copyValue, stringValue, typeName, valueBytes, type Collection } from '../../lib/store/value';
import { ManualClock } from '../../lib/util/clock';

/** A minimal collection: a bag of entries of 10 bytes each, optionally with a part expiry. */
class Bag implements Collection {
  readonly type = 'set' as const;
  bytes = 0;
  charged = 0;
  stamp = 0;
  nextExpire = 0;
  items: string[] = [];
  get size(): number {
    return this.items.length;
  }
  push(x: string): void {
    this.items.push(x);
    this.bytes += 10;
  }
  pop(): void {
    this.items.pop();
    this.bytes -= 10;
  }
  clone(): Bag {
    const b = new Bag();
    b.items = [...this.items];
    b.bytes = this.bytes;
    return b;
  }
  encoding(): string {
    return 'listpack';
  }
}

function newDb() {
  const clock = new ManualClock();
  const env = newStoreEnv(clock);
  return { clock, env, db: new Keyspace(0, env) };
}

describe('value model', () => {
  it('typeName and valueBytes: strings are primitive bulk forms, collections report their own', () => {
    const b = new Bag();
    b.push('a');
    expect(typeName(stringValue('x'))).to.equal('string');
    expect(valueBytes(stringValue('xyz'))).to.equal('$3\r\nxyz\r\n'.length);
    expect(typeName(b)).to.equal('set');
    expect(valueBytes(b)).to.equal(10);
  });

  it('lookupTyped: the slot, -1 when absent or expired, WRONG_TYPE for another type', () => {
    const { db, clock, env } = newDb();
    db.add('s', stringValue('v'));
    const b = new Bag();
    b.push('a');
    db.add('b', b);
    expect(db.lookupTyped('s', 'string', true)).to.be.at.least(0);
    expect(db.lookupTyped('s', 'set', true)).to.equal(WRONG_TYPE);
    expect(db.lookupTyped('b', 'set', false)).to.be.at.least(0);
    expect(db.lookupTyped('b', 'string', false)).to.equal(WRONG_TYPE);
    expect(db.lookupTyped('none', 'string', true)).to.equal(-1);
    const hits = env.stats.hits;
    const misses = env.stats.misses;
    db.lookupTyped('s', 'string', true);
    db.lookupTyped('none', 'string', true);
    db.lookupTyped('s', 'string', false);
    expect([env.stats.hits - hits, env.stats.misses - misses]).to.deep.equal([1, 1]);
    db.setExpireAt(db.peek('b'), clock.now() + 10);
    clock.advance(10);
    expect(db.lookupTyped('b', 'set', false)).to.equal(-1);
  });

  it('written(): charges what a collection grew or shrank; used_memory follows it exactly', () => {
    const { db, env } = newDb();
    const b = new Bag();
    const s = db.add('k', b);
    expect(env.memory.used).to.equal(1 + KEY_OVERHEAD_BYTES);
    b.push('a');
    b.push('b');
    b.push('c');
    expect(db.written(s)).to.equal(true);
    expect(env.memory.used).to.equal(1 + 30 + KEY_OVERHEAD_BYTES);
    b.pop();
    db.written(s);
    expect(env.memory.used).to.equal(1 + 20 + KEY_OVERHEAD_BYTES);
    expect(db.usedBytes).to.equal(env.memory.used);
  });

  it('written(): bumps the collection\'s stamp (a value sent in pieces is known unchanged while it holds)', () => {
    const { db } = newDb();
    const b = new Bag();
    const s = db.add('k', b);
    expect(b.stamp).to.equal(0);
    b.push('a');
    db.written(s);
    db.written(s);
    expect(b.stamp).to.equal(2);
  });

  it('written(): an emptied collection deletes its key, and every byte is given back', () => {
    const { db, env } = newDb();
    const b = new Bag();
    const s = db.add('k', b);
    b.push('a');
    db.written(s);
    b.pop();
    expect(db.written(s)).to.equal(false);
    expect(db.peek('k')).to.equal(-1);
    expect(db.size).to.equal(0);
    expect(env.memory.used).to.equal(0);
  });

  it('deleting a collection that grew since it was last settled gives back what was charged', () => {
    const { db, env } = newDb();
    const b = new Bag();
    b.push('a');
    const s = db.add('k', b);
    b.push('b'); // not settled
    db.deleteSlot(s);
    expect(env.memory.used).to.equal(0);
  });

  it('keeps the list of keys whose collection has part expiries (hash fields with a TTL)', () => {
    const { db } = newDb();
    const b = new Bag();
    b.push('a');
    const s = db.add('k', b);
    expect(db.slotsWithPartTtl().size).to.equal(0);
    b.nextExpire = 1234;
    db.written(s);
    expect([...db.slotsWithPartTtl()]).to.deep.equal([s]);
    b.nextExpire = 0;
    db.written(s);
    expect(db.slotsWithPartTtl().size).to.equal(0);
    b.nextExpire = 99;
    db.written(s);
    db.deleteSlot(s);
    expect(db.slotsWithPartTtl().size).to.equal(0);
  });

  it('copyValue: a collection is deep-copied, a string shared', () => {
    const b = new Bag();
    b.push('a');
    const c = copyValue(b) as Bag;
    c.push('b');
    expect(b.size).to.equal(1);
    expect(c.size).to.equal(2);
    const v = stringValue('x');
    expect(copyValue(v)).to.equal(v);
  });
});
