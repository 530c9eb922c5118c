// The set value (store/set.ts): membership, order and encodings as Redis 7.2's t_set.c moves them, byte
// accounting, uniform random members, SSCAN's guarantee under concurrent changes, and DUMP's load rules.
// Property tests drive it and a plain JS Set model (plus the order a listpack or intset shows) with the
// same random operations, on members with every byte value, the empty member, integers in and out of
// canonical form and members longer than set-max-listpack-value.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_SET_LIMITS,
  ENC_HASHTABLE,
  ENC_INTSET,
  ENC_LISTPACK,
  MEMBER_SLOT_BYTES,
  SET_BASE_BYTES,
  SetValue,
  compareInt64,
  isInt64,
  stringBytes,
  type SetEncoding,
  type SetLimits,
} from '../../lib/store/set';

const bytesOf = (codes: number[]) => String.fromCharCode(...codes);
const byteString = (maxLength: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength }).map(bytesOf);
const member = fc.oneof(
  fc.constantFrom('', '0', '-0', '1', '-1', '007', '+5', ' 5', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '12', '3', '100'),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  byteString(3),
  byteString(40),
);
const limits: fc.Arbitrary<SetLimits> = fc.record({
  intsetEntries: fc.integer({ min: 0, max: 12 }),
  listpackEntries: fc.integer({ min: 0, max: 12 }),
  listpackValue: fc.integer({ min: 0, max: 20 }),
});

/** Numeric order of canonical integers, by BigInt (the reference for compareInt64). */
const byValue = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

function sameMembers(v: SetValue, model: Set<string>): void {
  const got = v.toArray();
  expect(got.length, 'size').to.equal(model.size);
  expect(v.size).to.equal(model.size);
  expect(new Set(got).size, 'distinct').to.equal(got.length);
  for (const m of got) expect(model.has(m), JSON.stringify(m)).to.equal(true);
  for (const m of model) expect(v.has(m)).to.equal(true);
}

type Op =
  | { k: 'add'; m: string }
  | { k: 'addMany'; ms: string[] }
  | { k: 'remove'; m: string }
  | { k: 'pop' }
  | { k: 'sample'; n: number; ordered: boolean }
  | { k: 'intset' }
  | { k: 'clone' }
  | { k: 'load' };

describe('SetValue (store/set)', () => {
  it('isInt64 accepts 64-bit integers in canonical form only (string2ll)', () => {
    for (const s of ['0', '1', '-1', '9223372036854775807', '-9223372036854775808', '1234567890123456789']) expect(isInt64(s), s).to.equal(true);
    for (const s of ['', '-0', '+1', '01', ' 1', '1 ', '9223372036854775808', '-9223372036854775809', '1e3', '0x1', '1.0', '-', '99999999999999999999']) {
      expect(isInt64(s), s).to.equal(false);
    }
  });

  it('compareInt64 orders canonical integers by value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (a, b) => {
        expect(Math.sign(compareInt64(String(a), String(b)))).to.equal(Math.sign(byValue(String(a), String(b))));
      }),
    );
  });

  describe('encodings, as t_set.c moves them', () => {
    const L: SetLimits = { intsetEntries: 4, listpackEntries: 3, listpackValue: 5 };
    const fill = (v: SetValue, ms: string[]) => ms.forEach((m) => v.add(m, L));

    it('create: intset for an integer within set-max-intset-entries, listpack within set-max-listpack-entries, else hashtable', () => {
      expect(SetValue.create('1', 4, L).encoding()).to.equal('intset');
      expect(SetValue.create('1', 5, L).encoding()).to.equal('hashtable'); // 5 > 3 listpack entries too
      expect(SetValue.create('a', 3, L).encoding()).to.equal('listpack');
      expect(SetValue.create('a', 4, L).encoding()).to.equal('hashtable');
      expect(SetValue.create('01', 1, L).encoding()).to.equal('listpack');
      expect(SetValue.create('1', 4, { ...L, listpackEntries: 10 }).encoding()).to.equal('intset');
      expect(SetValue.create('1', 5, { ...L, listpackEntries: 10 }).encoding()).to.equal('listpack');
    });

    it('an intset past set-max-intset-entries becomes a hashtable, not a listpack', () => {
      const v = SetValue.create('1', 1, { ...L, listpackEntries: 100 });
      fill(v, ['1', '2', '3', '4']);
      expect(v.encoding()).to.equal('intset');
      v.add('5', { ...L, listpackEntries: 100 });
      expect(v.encoding()).to.equal('hashtable');
    });

    it('an intset given a non-integer becomes a listpack (sorted integers first) when it fits, else a hashtable', () => {
      const v = SetValue.create('3', 1, L);
      fill(v, ['3', '1', '2']);
      expect(v.toArray()).to.deep.equal(['1', '2', '3']);
      v.add('b', L);
      expect(v.encoding()).to.equal('hashtable'); // 3 integers: not fewer than 3 listpack entries
      const w = SetValue.create('3', 1, L);
      fill(w, ['30', '1', 'a']);
      expect(w.encoding()).to.equal('listpack');
      expect(w.toArray()).to.deep.equal(['1', '30', 'a']);
      w.add('z', L); // a full listpack
      expect(w.encoding()).to.equal('hashtable');
      const tooLong = SetValue.create('123456', 1, L); // 6 digits > listpack value 5
      fill(tooLong, ['123456', 'a']);
      expect(tooLong.encoding()).to.equal('hashtable');
      const neg = SetValue.create('-1234', 1, L); // "-1234": 5 chars, fits
      fill(neg, ['-1234', 'a']);
      expect(neg.encoding()).to.equal('listpack');
      const longMember = SetValue.create('1', 1, L);
      fill(longMember, ['1', 'abcdef']);
      expect(longMember.encoding()).to.equal('hashtable');
    });

    it('a listpack becomes a hashtable when full or given a long member, and stays one when it shrinks', () => {
      const v = SetValue.create('a', 1, L);
      fill(v, ['a', 'b', 'c']);
      expect(v.encoding()).to.equal('listpack');
      v.add('d', L);
      expect(v.encoding()).to.equal('hashtable');
      for (const m of ['a', 'b', 'c']) v.remove(m);
      v.add('e', L);
      expect(v.encoding()).to.equal('hashtable');
      const w = SetValue.create('a', 1, L);
      fill(w, ['a', 'abcdef']);
      expect(w.encoding()).to.equal('hashtable');
    });

    it('maybeConvert (SADD with many arguments) makes a hashtable first', () => {
      const v = SetValue.create('a', 1, L);
      v.add('a', L);
      v.maybeConvert(3, L);
      expect(v.encoding()).to.equal('listpack');
      v.maybeConvert(4, L);
      expect(v.encoding()).to.equal('hashtable');
      const i = SetValue.create('1', 1, L);
      i.add('1', L);
      i.maybeConvert(5, L);
      expect(i.encoding()).to.equal('hashtable');
    });

    it('maybeConvertToIntset (SINTERSTORE) makes an intset of integers that fit, sorted', () => {
      const v = new SetValue(ENC_HASHTABLE);
      fill(v, ['5', '-3', '10']);
      v.maybeConvertToIntset(L);
      expect(v.encoding()).to.equal('intset');
      expect(v.toArray()).to.deep.equal(['-3', '5', '10']);
      const w = new SetValue(ENC_LISTPACK);
      fill(w, ['5', 'x']);
      w.maybeConvertToIntset(L);
      expect(w.encoding()).to.equal('listpack');
      const big = new SetValue(ENC_HASHTABLE);
      fill(big, ['1', '2', '3', '4', '5']);
      big.maybeConvertToIntset(L);
      expect(big.encoding()).to.equal('hashtable');
    });

    it('load (RESTORE): intset and listpack payloads keep their encoding unless too large; a hashtable loads as RDB_TYPE_SET', () => {
      expect(SetValue.load(ENC_INTSET, ['1', '2', '3', '4'], L)?.encoding()).to.equal('intset');
      expect(SetValue.load(ENC_INTSET, ['1', '2', '3', '4', '5'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_INTSET, ['1', 'x'], L)).to.equal(null);
      expect(SetValue.load(ENC_LISTPACK, ['b', 'abcdefgh', 'a'], L)?.toArray()).to.deep.equal(['b', 'abcdefgh', 'a']);
      expect(SetValue.load(ENC_LISTPACK, ['b', 'abcdefgh', 'a'], L)?.encoding()).to.equal('listpack');
      expect(SetValue.load(ENC_LISTPACK, ['a', 'b', 'c', 'd'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_LISTPACK, ['a', 'a'], L)).to.equal(null);
      expect(SetValue.load(ENC_HASHTABLE, ['3', '1'], L)?.encoding()).to.equal('intset');
      const lp = SetValue.load(ENC_HASHTABLE, ['3', '1', 'x'], L) as SetValue;
      expect(lp.encoding()).to.equal('listpack');
      expect(lp.toArray()).to.deep.equal(['1', '3', 'x']);
      expect(SetValue.load(ENC_HASHTABLE, ['1', '2', '3', 'x'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_HASHTABLE, ['1', '2', '3', '4', '5'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_HASHTABLE, ['123456', 'x'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_HASHTABLE, ['x', 'abcdef'], L)?.encoding()).to.equal('hashtable');
      expect(SetValue.load(ENC_HASHTABLE, ['x', 'x'], L)).to.equal(null);
    });
  });

  it('counts bytes: base + per member its string and array slot + the table', () => {
    const v = new SetValue(ENC_LISTPACK);
    expect(v.bytes).to.equal(SET_BASE_BYTES);
    v.add('abc', DEFAULT_SET_LIMITS);
    expect(v.bytes).to.equal(SET_BASE_BYTES + stringBytes(3) + MEMBER_SLOT_BYTES);
    expect(stringBytes(0)).to.equal(16);
    expect(stringBytes(15)).to.equal(32);
    for (let i = 0; i < 1000; i++) v.add(`member:${i}`, DEFAULT_SET_LIMITS);
    expect(v.bytes).to.equal(v.recount());
    for (let i = 0; i < 1000; i++) v.remove(`member:${i}`);
    v.remove('abc');
    expect(v.size).to.equal(0);
    expect(v.bytes).to.equal(v.recount());
    expect(v.bytes).to.equal(SET_BASE_BYTES);
  });

  it('matches a JS Set model under random operations (members, order, encodings, bytes)', () => {
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ k: fc.constant('add' as const), m: member }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('addMany' as const), ms: fc.array(member, { minLength: 1, maxLength: 20 }) }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('remove' as const), m: member }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('pop' as const) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('sample' as const), n: fc.integer({ min: 0, max: 25 }), ordered: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('intset' as const) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('clone' as const) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('load' as const) }) },
    );
    fc.assert(
      fc.property(limits, member, fc.integer({ min: 1, max: 20 }), fc.array(op, { maxLength: 120 }), (L, first, hint, ops) => {
        let v = SetValue.create(first, hint, L);
        const model = new Set<string>();
        /** Insertion order, as a listpack keeps it (an intset's turns into sorted order when it becomes one). */
        let order: string[] = [];
        const add = (m: string) => {
          const before = v.encodingId;
          const fresh = v.add(m, L);
          expect(fresh).to.equal(!model.has(m));
          if (!fresh) return;
          if (before === ENC_INTSET && v.encodingId === ENC_LISTPACK) order.sort(byValue);
          model.add(m);
          order.push(m);
        };
        const drop = (m: string) => {
          model.delete(m);
          order = order.filter((x) => x !== m);
        };
        for (const o of ops) {
          const before = v.encodingId;
          switch (o.k) {
            case 'add':
              add(o.m);
              break;
            case 'addMany':
              v.maybeConvert(o.ms.length, L);
              o.ms.forEach(add);
              break;
            case 'remove':
              expect(v.remove(o.m)).to.equal(model.has(o.m));
              drop(o.m);
              break;
            case 'pop':
              if (model.size === 0) break;
              {
                const m = v.pop();
                expect(model.has(m)).to.equal(true);
                drop(m);
              }
              break;
            case 'sample': {
              if (model.size === 0) break;
              const got = v.sample(o.n, o.ordered);
              expect(got.length).to.equal(Math.min(o.n, model.size));
              expect(new Set(got).size).to.equal(got.length);
              for (const m of got) expect(model.has(m)).to.equal(true);
              if (o.ordered && v.encodingId === ENC_LISTPACK) {
                const pos = got.map((m) => order.indexOf(m));
                expect(pos).to.deep.equal([...pos].sort((a, b) => a - b));
              }
              break;
            }
            case 'intset':
              v.maybeConvertToIntset(L);
              break;
            case 'clone': {
              const c = v.clone();
              expect(c.bytes).to.equal(v.bytes);
              expect(c.encoding()).to.equal(v.encoding());
              v.add('\x00only-in-original', L);
              v.remove('\x00only-in-original');
              if (!model.has('\x00only-in-original')) expect(c.has('\x00only-in-original')).to.equal(false);
              v = c;
              break;
            }
            case 'load': {
              if (model.size === 0) break;
              const enc = v.encodingId;
              const w = SetValue.load(enc, v.toArray(), L) as SetValue;
              expect(w).to.not.equal(null);
              if (enc !== ENC_HASHTABLE) expect(w.toArray()).to.deep.equal(v.toArray());
              sameMembers(w, model);
              break;
            }
          }
          sameMembers(v, model);
          expect(v.bytes, 'bytes').to.equal(v.recount());
          const enc = v.encodingId;
          // A hashtable stays one (only SINTERSTORE's maybeConvertToIntset leaves it).
          if (before === ENC_HASHTABLE && o.k !== 'intset') expect(enc).to.equal(ENC_HASHTABLE);
          if (before === ENC_LISTPACK && o.k !== 'intset') expect(enc).to.not.equal(ENC_INTSET);
          const arr = v.toArray();
          if (enc === ENC_INTSET) {
            expect(arr.every(isInt64), 'intset holds integers').to.equal(true);
            expect(arr.length).to.be.at.most(L.intsetEntries);
            expect(arr).to.deep.equal([...arr].sort(byValue));
            order = [...arr];
          } else if (enc === ENC_LISTPACK) {
            if (o.k !== 'intset') {
              expect(arr.length).to.be.at.most(Math.max(L.listpackEntries, 0));
              expect(arr.every((m) => m.length <= L.listpackValue)).to.equal(true);
            }
            expect(arr).to.deep.equal(order);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('SSCAN (a hashtable): a member present for the whole scan is returned, whatever changes meanwhile', () => {
    const HT: SetLimits = { intsetEntries: 0, listpackEntries: 0, listpackValue: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.record({ count: fc.integer({ min: 1, max: 40 }), adds: fc.integer({ min: 0, max: 30 }), removes: fc.integer({ min: 0, max: 30 }) }), { maxLength: 60 }),
        (n, steps) => {
          const v = new SetValue(ENC_HASHTABLE);
          const live = new Set<string>();
          for (let i = 0; i < n; i++) {
            v.add(`m${i}`, HT);
            live.add(`m${i}`);
          }
          const stayed = new Set(live);
          const seen = new Set<string>();
          let next = n;
          let cursor = 0;
          let calls = 0;
          do {
            const step = steps[calls % Math.max(1, steps.length)] ?? { count: 10, adds: 0, removes: 0 };
            cursor = v.scan(cursor, step.count, (m) => {
              expect(live.has(m)).to.equal(true);
              seen.add(m);
            });
            for (let i = 0; i < step.adds; i++) {
              v.add(`m${next}`, HT);
              live.add(`m${next++}`);
            }
            for (let i = 0; i < step.removes && v.size > 0; i++) {
              const m = v.pop();
              live.delete(m);
              stayed.delete(m);
            }
            calls++;
            expect(calls).to.be.below(100000);
          } while (cursor !== 0);
          for (const m of stayed) expect(seen.has(m), m).to.equal(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('SSCAN of a hashtable with no changes returns every member exactly once; a small set comes whole', () => {
    const v = new SetValue(ENC_HASHTABLE);
    for (let i = 0; i < 1000; i++) v.add(`x${i}`, DEFAULT_SET_LIMITS);
    const got: string[] = [];
    let cursor = 0;
    let calls = 0;
    do {
      cursor = v.scan(cursor, 7, (m) => got.push(m));
      calls++;
    } while (cursor !== 0);
    expect(got.length).to.equal(1000);
    expect(new Set(got).size).to.equal(1000);
    expect(calls).to.equal(Math.ceil(1000 / 7));
    const small = SetValue.create('a', 1, DEFAULT_SET_LIMITS);
    for (const m of ['a', 'b', 'c']) small.add(m, DEFAULT_SET_LIMITS);
    const all: string[] = [];
    expect(small.scan(12345, 1, (m) => all.push(m))).to.equal(0);
    expect(all).to.deep.equal(['a', 'b', 'c']);
  });

  describe('random members are uniform (chi-square, p = 1e-6 bound)', () => {
    /** Pearson's chi-square of counts against a uniform expectation; df = k - 1. */
    const chi2 = (counts: Map<string, number>, k: number, draws: number) => {
      const e = draws / k;
      let x = 0;
      for (const c of counts.values()) x += ((c - e) * (c - e)) / e;
      x += (k - counts.size) * e; // members never drawn
      return x;
    };
    // Critical values at p = 1e-6 (Wilson-Hilferty): df 19 -> 64.4, df 49 -> 111.6. Six checks at p = 0.001
    // failed about one CI run in 80 by chance; a biased draw still lands far above these.
    const cases: Array<{ name: string; enc: SetEncoding; n: number; crit: number }> = [
      { name: 'listpack with holes', enc: ENC_LISTPACK, n: 20, crit: 64.4 },
      { name: 'intset', enc: ENC_INTSET, n: 20, crit: 64.4 },
      { name: 'hashtable after swap-removes', enc: ENC_HASHTABLE, n: 50, crit: 111.6 },
    ];
    for (const t of cases) {
      it(`random() and pop() on a ${t.name}`, () => {
        const L = DEFAULT_SET_LIMITS;
        const v = new SetValue(t.enc);
        for (let i = 0; i < 2 * t.n; i++) v.add(String(i), L);
        for (let i = 0; i < 2 * t.n; i += 2) v.remove(String(i)); // holes / moved members
        expect(v.size).to.equal(t.n);
        const draws = 200 * t.n;
        const counts = new Map<string, number>();
        for (let i = 0; i < draws; i++) {
          const m = v.random();
          counts.set(m, (counts.get(m) ?? 0) + 1);
        }
        expect(chi2(counts, t.n, draws)).to.be.below(t.crit);
        const pops = new Map<string, number>();
        const rounds = 100 * t.n;
        for (let i = 0; i < rounds; i++) {
          const w = v.clone();
          const m = w.pop();
          pops.set(m, (pops.get(m) ?? 0) + 1);
        }
        expect(chi2(pops, t.n, rounds)).to.be.below(t.crit);
      });
    }

    it('sample(k) picks each member with probability k/n', () => {
      const v = new SetValue(ENC_HASHTABLE);
      for (let i = 0; i < 20; i++) v.add(`m${i}`, DEFAULT_SET_LIMITS);
      for (const k of [3, 15]) {
        const counts = new Map<string, number>();
        const rounds = 4000;
        for (let r = 0; r < rounds; r++) for (const m of v.sample(k, false)) counts.set(m, (counts.get(m) ?? 0) + 1);
        expect(chi2(counts, 20, rounds * k)).to.be.below(43.82);
      }
    });
  });
});
