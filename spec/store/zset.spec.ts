// ZSetValue (and its B+tree) against a plain model: a Map member -> score whose sorted array of pairs is
// the expected order (score, then member bytes). fast-check drives random sequences of ZADD with every
// flag, removals, rank ranges, score and lex predicates, over scores with ties, -0/+0, infinities and
// members with binary bytes, for small sets (one leaf) and sets of thousands (splits, merges, refills).
// The tree's own invariants (order, subtree sizes, separators, leaf links, index) are checked after each run.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ZADD_ADDED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NAN,
  ZADD_NOP,
  ZADD_NX,
  ZADD_UPDATED,
  ZADD_XX,
  ZSET_BASE_BYTES,
  ZSET_MEMBER_OVERHEAD_BYTES,
  ZSetValue,
} from '../../lib/store/zset';
import { ZTree } from '../../lib/store/zset-tree';

type Pair = [number, string];

function cmp(a: Pair, b: Pair): number {
  if (a[0] < b[0]) return -1;
  if (a[0] > b[0]) return 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** The model: Redis's semantics written the plain way. */
class Model {
  m = new Map<string, number>();
  listpack: boolean;
  constructor(listpack: boolean) {
    this.listpack = listpack;
  }
  sorted(): Pair[] {
    return [...this.m].map(([k, v]) => [v, k] as Pair).sort(cmp);
  }
  add(score: number, member: string, flags: number, maxEntries: number, maxValue: number): { out: number; score?: number } {
    const cur = this.m.get(member);
    const store = (s: number) => (this.listpack && s === 0 ? 0 : s);
    if (cur !== undefined) {
      if (flags & ZADD_NX) return { out: ZADD_NOP };
      if (flags & ZADD_INCR) score += cur;
      if (Number.isNaN(score)) return { out: ZADD_NAN };
      if ((flags & ZADD_LT && score >= cur) || (flags & ZADD_GT && score <= cur)) return { out: ZADD_NOP };
      if (score === cur) return { out: 0, score };
      this.m.set(member, store(score));
      return { out: ZADD_UPDATED, score };
    }
    if (flags & ZADD_XX) return { out: ZADD_NOP };
    if (this.listpack && (this.m.size + 1 > maxEntries || member.length > maxValue)) this.listpack = false;
    this.m.set(member, store(score));
    return { out: ZADD_ADDED, score };
  }
}

const MEMBERS = ['a', 'b', 'c', 'ab', 'abc', '', '\x00', '\x00\xff', '\xff', 'b\x00', 'Z', 'zz'];
const SCORES = [0, -0, 1, -1, 1.5, 0.1, 3.0000000000000004, Infinity, -Infinity, 1e300, -1e-300, 5e-324, 2];

const member = fc.oneof(fc.constantFrom(...MEMBERS), fc.string({ unit: 'binary-ascii', maxLength: 4 }).map((s) => s.replace(/[^\x00-\xff]/g, '')));
const score = fc.oneof(fc.constantFrom(...SCORES), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true }));

type Op =
  | { k: 'add'; s: number; m: string; flags: number }
  | { k: 'del'; m: string }
  | { k: 'range'; from: number; len: number; rev: boolean }
  | { k: 'maybe'; hint: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('add' as const), s: score, m: member, flags: fc.constantFrom(0, 0, ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_INCR, ZADD_XX | ZADD_GT, ZADD_INCR | ZADD_LT) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('del' as const), m: member }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('range' as const), from: fc.nat(20), len: fc.integer({ min: 1, max: 4 }), rev: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('maybe' as const), hint: fc.nat(12) }) },
);

/** Every read of the value agrees with the model. */
function agree(z: ZSetValue, model: Model): void {
  const want = model.sorted();
  expect(z.check()).to.equal(null);
  expect(z.size).to.equal(want.length);
  expect(z.isListpack).to.equal(model.listpack);
  const got: Pair[] = [];
  z.forEach((m, s) => got.push([s, m]));
  expect(got.length).to.equal(want.length);
  got.forEach((p, i) => {
    expect(p[1]).to.equal(want[i][1]);
    expect(Object.is(p[0], want[i][0]), `score of ${JSON.stringify(p[1])}: ${p[0]} vs ${want[i][0]}`).to.equal(true);
  });
  let bytes = ZSET_BASE_BYTES;
  want.forEach(([s, m], i) => {
    bytes += m.length + ZSET_MEMBER_OVERHEAD_BYTES;
    expect(Object.is(z.score(m), s)).to.equal(true);
    expect(z.rank(m)).to.equal(i);
    expect(z.rank(m, true)).to.equal(want.length - 1 - i);
    const c = z.at(i);
    expect(c.leaf!.mem[c.pos]).to.equal(m);
  });
  expect(z.bytes).to.equal(bytes);
  for (const m of MEMBERS) if (!model.m.has(m)) expect(z.score(m)).to.equal(undefined);
  // Score and lex predicates: the first pair matching is where the model says.
  for (const bound of [-Infinity, -1, -0, 0, 0.5, 1, 2, Infinity]) {
    expect(z.countBefore((s) => s >= bound)).to.equal(want.filter((p) => p[0] < bound).length);
    expect(z.countBefore((s) => s > bound)).to.equal(want.filter((p) => p[0] <= bound).length);
  }
}

describe('ZSetValue against a sorted-array model', () => {
  it('ZADD (every flag), ZREM, rank ranges: small sets, listpack rules and -0', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 3 }), fc.array(op, { maxLength: 60 }), (lp, maxEntries, maxValue, ops) => {
        const z = new ZSetValue(lp);
        const model = new Model(lp);
        for (const o of ops) {
          if (o.k === 'add') {
            const out = z.add(o.s, o.m, o.flags, maxEntries, maxValue);
            const want = model.add(o.s, o.m, o.flags, maxEntries, maxValue);
            expect(out).to.equal(want.out);
            if (want.score !== undefined) expect(Object.is(z.lastScore, want.score)).to.equal(true);
          } else if (o.k === 'del') {
            expect(z.delete(o.m)).to.equal(model.m.delete(o.m));
          } else if (o.k === 'maybe') {
            z.maybeConvert(o.hint, maxEntries);
            if (model.listpack && o.hint > maxEntries) model.listpack = false;
          } else {
            const sorted = model.sorted();
            if (o.from >= sorted.length) continue;
            const to = Math.min(sorted.length - 1, o.from + o.len - 1);
            const seen: string[] = [];
            expect(z.removeRange(o.from, to, o.rev, (m) => seen.push(m))).to.equal(to - o.from + 1);
            const wantSeen = sorted.slice(o.from, to + 1).map((p) => p[1]);
            expect(seen).to.deep.equal(o.rev ? wantSeen.reverse() : wantSeen);
            for (const m of wantSeen) model.m.delete(m);
          }
        }
        agree(z, model);
      }),
      { numRuns: 400 },
    );
  });

  it('large sets: thousands of members with ties, appends and deletions keep the tree valid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(3000), fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), fc.nat(9)), { minLength: 500, maxLength: 4000 }),
        (steps) => {
          const z = new ZSetValue(false);
          const model = new Model(false);
          let t = 0;
          for (const [k, s, what] of steps) {
            const m = `m${k}`;
            if (what < 6) {
              expect(z.add(s, m, 0, 0, 0)).to.equal(model.add(s, m, 0, 0, 0).out);
            } else if (what < 8) {
              expect(z.delete(m)).to.equal(model.m.delete(m));
            } else {
              // Time-series appends: always above everything (uneven splits at the right edge).
              t += 1;
              const big = 1e9 + t;
              expect(z.add(big, `t${t}`, 0, 0, 0)).to.equal(model.add(big, `t${t}`, 0, 0, 0).out);
            }
          }
          agree(z, model);
          // Drain from both ends and the middle.
          for (let round = 0; z.size > 0; round++) {
            const sorted = model.sorted();
            const from = round % 3 === 0 ? 0 : round % 3 === 1 ? Math.max(0, z.size - 40) : (round * 7919) % z.size;
            const to = Math.min(z.size - 1, from + 50);
            z.removeRange(from, to);
            for (const p of sorted.slice(from, to + 1)) model.m.delete(p[1]);
            expect(z.check()).to.equal(null);
          }
          expect(z.bytes).to.equal(ZSET_BASE_BYTES);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('fromSorted and clone build valid trees of every size around the leaf and inner capacities', () => {
    for (const n of [0, 1, 2, 63, 64, 65, 100, 128, 129, 4095, 4096, 4097, 4160, 5000, 20000]) {
      const members: string[] = [];
      const scores: number[] = [];
      for (let i = 0; i < n; i++) {
        members.push(`k${String(i).padStart(6, '0')}`);
        scores.push(Math.floor(i / 3));
      }
      const z = ZSetValue.fromSorted(members, scores, false);
      expect(z.check(), `n=${n}`).to.equal(null);
      expect(z.size).to.equal(n);
      const c = z.clone();
      expect(c.check()).to.equal(null);
      expect(c.bytes).to.equal(z.bytes);
      for (let i = 0; i < n; i += 97) {
        expect(c.rank(members[i])).to.equal(i);
        expect(z.score(members[i])).to.equal(scores[i]);
      }
      // The clone is independent.
      if (n > 0) {
        c.delete(members[0]);
        expect(z.rank(members[0])).to.equal(0);
      }
    }
  });

  it('a listpack stores -0 as 0; a skiplist keeps it; converting a skiplist to a listpack turns it to 0', () => {
    const lp = new ZSetValue(true);
    lp.add(-0, 'a', 0, 128, 64);
    expect(Object.is(lp.score('a'), 0)).to.equal(true);
    expect(Object.is(lp.lastScore, -0)).to.equal(true);
    const sl = new ZSetValue(false);
    sl.add(-0, 'a', 0, 128, 64);
    expect(Object.is(sl.score('a'), -0)).to.equal(true);
    sl.convertToListpackIfNeeded(128, 64, 1);
    expect(sl.isListpack).to.equal(true);
    expect(Object.is(sl.score('a'), 0)).to.equal(true);
    // A restored value decides its encoding when it first sees the limits.
    const r = ZSetValue.fromSorted(['a', 'b'], [-0, 1]);
    expect(r.encoding({ num: (n: string) => (n === 'zset-max-listpack-entries' ? 1 : 64) })).to.equal('skiplist');
    expect(Object.is(r.score('a'), -0)).to.equal(true);
    const r2 = ZSetValue.fromSorted(['a', 'b'], [-0, 1]);
    expect(r2.encoding({ num: () => 128 })).to.equal('listpack');
    expect(Object.is(r2.score('a'), 0)).to.equal(true);
  });

  it('ZTree cursors walk forward and back across leaves', () => {
    const members: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 1000; i++) {
      members.push(`m${String(i).padStart(4, '0')}`);
      scores.push(i);
    }
    const t = ZTree.fromSorted(members, scores);
    const c = t.select(0);
    let seen = 0;
    for (; c.leaf !== null; ZTree.next(c)) expect(c.leaf.mem[c.pos]).to.equal(members[seen++]);
    expect(seen).to.equal(1000);
    const b = t.last()!;
    for (; b.leaf !== null; ZTree.prev(b)) expect(b.leaf.mem[b.pos]).to.equal(members[--seen]);
    expect(seen).to.equal(0);
  });
});
