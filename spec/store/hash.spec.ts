// The hash value (store/hash.ts): field order, field expiry, byte accounting, encodings, HSCAN paging and
// HRANDFIELD sampling; a property test drives it and a plain Map model with the same random operations.
import { expect } from 'chai';
import fc from 'fast-check';
import { FIELD_OVERHEAD_BYTES, FIELD_TTL_BYTES, HASH_BASE_BYTES, HashValue, NO_FIELD, NO_TTL } from '../../lib/store/hash';

const cfg = (entries: number, value: number) => ({
  num: (name: string) => (name === 'hash-max-listpack-entries' ? entries : value),
});

/** Live [field, value] pairs in the hash's order. */
function pairs(h: HashValue, now: number): [string, string][] {
  const out: [string, string][] = [];
  h.forEach(now, (e) => out.push([h.fieldAt(e), h.valueAt(e)]));
  return out;
}

describe('HashValue (store/hash)', () => {
  it('keeps insertion order; deleting keeps the others in order; a re-added field goes last', () => {
    const h = new HashValue();
    for (const f of ['a', 'b', 'c', 'd']) h.set(f, f.toUpperCase(), 0);
    expect(h.delete('b', 0)).to.equal(true);
    expect(h.delete('b', 0)).to.equal(false);
    h.set('b', 'B2', 0);
    h.set('a', 'A2', 0);
    expect(pairs(h, 0)).to.deep.equal([['a', 'A2'], ['c', 'C'], ['d', 'D'], ['b', 'B2']]);
  });

  it('counts bytes exactly: base + field + value + overhead, + TTL bytes per field with an expiry', () => {
    const h = new HashValue();
    expect(h.bytes).to.equal(HASH_BASE_BYTES);
    h.set('field', 'value', 0);
    h.set('f2', 'v', 0);
    const plain = HASH_BASE_BYTES + 10 + 3 + 2 * FIELD_OVERHEAD_BYTES;
    expect(h.bytes).to.equal(plain);
    h.set('f2', 'longer', 0);
    expect(h.bytes).to.equal(plain + 5);
    h.setExpiry(h.find('field', 0), 1000);
    expect(h.bytes).to.equal(plain + 5 + FIELD_TTL_BYTES);
    h.setExpiry(h.find('field', 0), 0);
    expect(h.bytes).to.equal(plain + 5);
    h.delete('field', 0);
    h.delete('f2', 0);
    expect(h.bytes).to.equal(HASH_BASE_BYTES);
    expect(h.size).to.equal(0);
  });

  it('hides an expired field from every read at once; collectExpired removes it, earliest first', () => {
    const h = new HashValue();
    h.set('a', '1', 0);
    h.set('b', '2', 0);
    h.set('c', '3', 0);
    h.setExpiry(h.find('b', 0), 200);
    h.setExpiry(h.find('a', 0), 100);
    expect(h.nextExpire).to.equal(100);
    expect(h.fieldExpiry('a', 99)).to.equal(100);
    expect(h.fieldExpiry('c', 99)).to.equal(NO_TTL);
    expect(h.get('a', 100)).to.equal(undefined);
    expect(h.has('a', 100)).to.equal(false);
    expect(h.fieldExpiry('a', 100)).to.equal(NO_FIELD);
    expect(h.liveSize(100)).to.equal(2);
    expect(h.size).to.equal(3);
    expect(pairs(h, 150)).to.deep.equal([['b', '2'], ['c', '3']]);
    const gone: string[] = [];
    expect(h.collectExpired(500, 10, (f) => gone.push(f))).to.equal(2);
    expect(gone).to.deep.equal(['a', 'b']);
    expect(h.nextExpire).to.equal(0);
    expect(h.size).to.equal(1);
  });

  it('HSET semantics: overwriting drops the TTL, keepTtl keeps it, an expired field counts as created', () => {
    const h = new HashValue();
    h.set('a', '1', 0);
    h.setExpiry(h.find('a', 0), 100);
    expect(h.set('a', '2', 50, true)).to.equal(false);
    expect(h.fieldExpiry('a', 50)).to.equal(100);
    expect(h.set('a', '3', 50)).to.equal(false);
    expect(h.fieldExpiry('a', 50)).to.equal(NO_TTL);
    h.setExpiry(h.find('a', 50), 100);
    expect(h.set('a', '4', 100, true)).to.equal(true);
    expect(h.fieldExpiry('a', 100)).to.equal(NO_TTL);
    expect(h.nextExpire).to.equal(0);
  });

  it('encoding: listpack, listpackex with TTLs, hashtable past either limit (checked by writes) and for good', () => {
    const h = new HashValue();
    h.set('a', '1', 0);
    h.convertIfNeeded(2, 8); // what a write command does after changing the hash
    expect(h.encoding(cfg(2, 8))).to.equal('listpack');
    h.set('b', 'x'.repeat(9), 0);
    h.convertIfNeeded(2, 8);
    expect(h.encoding(cfg(2, 8))).to.equal('hashtable');
    h.delete('b', 0);
    expect(h.encoding(cfg(2, 8))).to.equal('hashtable');
    const g = new HashValue();
    for (const f of ['a', 'b', 'c']) g.set(f, f, 0);
    g.setExpiry(g.find('a', 0), 10);
    g.convertIfNeeded(3, 8);
    expect(g.encoding(cfg(3, 8))).to.equal('listpackex');
    g.set('d', 'd', 0);
    g.convertIfNeeded(3, 8);
    expect(g.encoding(cfg(3, 8))).to.equal('hashtable');
    expect(g.clone().encoding(cfg(100, 100))).to.equal('hashtable');
  });

  it('encoding: lower limits apply at the next write, not at a read (as Redis); a restored hash at its first look', () => {
    const h = new HashValue();
    for (const f of ['a', 'b', 'c', 'd']) h.set(f, f, 0);
    h.convertIfNeeded(512, 64);
    expect(h.encoding(cfg(2, 64))).to.equal('listpack');
    h.set('a', 'again', 0);
    h.convertIfNeeded(2, 64);
    expect(h.encoding(cfg(2, 64))).to.equal('hashtable');
    const restored = new HashValue(); // as dump.ts builds one: no write has checked it
    for (const f of ['a', 'b', 'c', 'd']) restored.set(f, f, 0);
    expect(restored.encoding(cfg(2, 64))).to.equal('hashtable');
  });

  it('HSCAN of a large hash: every field present for the whole scan exactly once, while others come and go', () => {
    const h = new HashValue();
    for (let i = 0; i < 1000; i++) h.set(`f${i}`, 'v', 0);
    h.convertIfNeeded(128, 64);
    const seen = new Map<string, number>();
    let cursor = 0;
    let round = 0;
    do {
      cursor = h.scan(cursor, 10, 0, (e) => seen.set(h.fieldAt(e), (seen.get(h.fieldAt(e)) ?? 0) + 1));
      // Churn: delete some fields that are not part of the stable set, add new ones.
      h.delete(`f${900 + (round % 100)}`, 0);
      h.set(`new${round}`, 'v', 0);
      round++;
    } while (cursor !== 0);
    for (let i = 0; i < 900; i++) expect(seen.get(`f${i}`), `f${i}`).to.equal(1);
  });

  it('HSCAN of a small hash returns everything in one call with cursor 0', () => {
    const h = new HashValue();
    for (let i = 0; i < 50; i++) h.set(`f${i}`, 'v', 0);
    let n = 0;
    expect(h.scan(0, 1, 0, () => n++)).to.equal(0);
    expect(n).to.equal(50);
  });

  it('sample: distinct live entries when unique, count draws otherwise, nothing when empty', () => {
    const h = new HashValue();
    for (let i = 0; i < 300; i++) h.set(`f${i}`, 'v', 0);
    h.setExpiry(h.find('f0', 0), 10);
    for (const [count, now] of [[5, 0], [150, 0], [299, 20], [400, 20], [5, 20]]) {
      const s = h.sample(count, true, now);
      expect(new Set(s).size).to.equal(s.length);
      expect(s.length).to.equal(Math.min(count, h.liveSize(now)));
      if (now >= 10) expect(s.map((e) => h.fieldAt(e))).to.not.include('f0');
    }
    expect(h.sample(1000, false, 20).length).to.equal(1000);
    expect(new HashValue().sample(5, false, 0)).to.deep.equal([]);
  });

  it('clone is deep: changing the copy leaves the original', () => {
    const h = new HashValue();
    h.set('a', '1', 0);
    h.setExpiry(h.find('a', 0), 100);
    const c = h.clone();
    c.set('b', '2', 0);
    c.setExpiry(c.find('a', 0), 0);
    expect(h.size).to.equal(1);
    expect(h.fieldExpiry('a', 0)).to.equal(100);
    expect(c.bytes).to.not.equal(h.bytes);
    expect(h.clone().bytes).to.equal(h.bytes);
  });

  describe('against a Map model (property test)', () => {
    type Op =
      | { k: 'set'; f: string; v: string; keep: boolean }
      | { k: 'del'; f: string }
      | { k: 'ttl'; f: string; at: number }
      | { k: 'tick'; dt: number }
      | { k: 'collect'; max: number }
      | { k: 'convert' };
    const field = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'ab', '', '\x00\xff');
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ k: fc.constant('set' as const), f: field, v: fc.string({ maxLength: 6 }), keep: fc.boolean() }),
      fc.record({ k: fc.constant('del' as const), f: field }),
      fc.record({ k: fc.constant('ttl' as const), f: field, at: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ k: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ k: fc.constant('collect' as const), max: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ k: fc.constant('convert' as const) }),
    );

    it('reads, order, size, bytes and nextExpire agree with the model after every operation', () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
          const h = new HashValue();
          const model = new Map<string, { v: string; at: number }>();
          let now = 1;
          const alive = (x: { at: number }) => x.at === 0 || x.at > now;
          for (const o of ops) {
            if (o.k === 'set') {
              const old = model.get(o.f);
              const created = old === undefined || !alive(old);
              const at = old !== undefined && !created && o.keep ? old.at : 0;
              if (old !== undefined) {
                old.v = o.v;
                old.at = at;
              } else model.set(o.f, { v: o.v, at: 0 });
              expect(h.set(o.f, o.v, now, o.keep)).to.equal(created);
            } else if (o.k === 'del') {
              const old = model.get(o.f);
              model.delete(o.f);
              expect(h.delete(o.f, now)).to.equal(old !== undefined && alive(old));
            } else if (o.k === 'ttl') {
              const e = h.find(o.f, now);
              const old = model.get(o.f);
              expect(e >= 0).to.equal(old !== undefined && alive(old));
              if (e >= 0 && old) {
                h.setExpiry(e, o.at);
                old.at = o.at;
              }
            } else if (o.k === 'tick') now += o.dt;
            else if (o.k === 'collect') {
              const expired = [...model].filter(([, x]) => !alive(x)).sort((a, b) => a[1].at - b[1].at);
              const gone: string[] = [];
              h.collectExpired(now, o.max, (f) => gone.push(f));
              expect(gone.length).to.equal(Math.min(o.max, expired.length));
              for (const f of gone) {
                expect(alive(model.get(f) as { at: number })).to.equal(false);
                model.delete(f);
              }
            } else h.convertIfNeeded(4, 3);
            // Invariants.
            const live = [...model].filter(([, x]) => alive(x)).map(([f, x]) => [f, x.v]);
            const got = pairs(h, now);
            if (h.isLarge) expect(got.sort()).to.deep.equal(live.sort());
            else expect(got).to.deep.equal(live);
            expect(h.size).to.equal(model.size);
            expect(h.liveSize(now)).to.equal(live.length);
            let bytes = HASH_BASE_BYTES;
            let next = Infinity;
            for (const [f, x] of model) {
              bytes += f.length + x.v.length + FIELD_OVERHEAD_BYTES + (x.at ? FIELD_TTL_BYTES : 0);
              if (x.at) next = Math.min(next, x.at);
            }
            expect(h.bytes).to.equal(bytes);
            expect(h.nextExpire).to.equal(next === Infinity ? 0 : next);
            for (const [f, x] of model) {
              expect(h.get(f, now)).to.equal(alive(x) ? x.v : undefined);
              expect(h.fieldExpiry(f, now)).to.equal(!alive(x) ? NO_FIELD : x.at === 0 ? NO_TTL : x.at);
            }
            const c = h.clone();
            expect(pairs(c, now).sort()).to.deep.equal(got.sort());
            expect(c.bytes).to.equal(h.bytes);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
