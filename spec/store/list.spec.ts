// The list value (store/list.ts): packed chunks against a plain array model (fast-check, binary and empty
// elements, every byte value, long elements with multi-byte length headers), listpack entry sizes as
// Redis's listpack.c computes them, the listpack <-> quicklist conversions and node limits, byte accounting.
import { expect } from 'chai';
import fc from 'fast-check';
import { CHUNK_OVERHEAD_BYTES, LIST_BASE_BYTES, ListValue, exceedsLimit, lpEntryBytes } from '../../lib/store/list';

const lpBytesOf = (s: string): number => {
  const b = Buffer.from(s, 'latin1');
  return lpEntryBytes(b, 0, b.length);
};

function range(l: ListValue, start: number, count: number, reverse: boolean): string[] {
  const out: string[] = [];
  l.visit(start, count, reverse, (b, from, to) => {
    out.push(b.latin1Slice(from, to));
  });
  return out;
}

/** A list pushed from the array with the fill's node limits, as RPUSH does. */
function build(items: readonly string[], fill = -2): ListValue {
  const l = new ListValue();
  for (const s of items) {
    l.growing(fill, s.length, 1);
    l.pushTail(s);
  }
  return l;
}

type Op =
  | { op: 'pushHead' | 'pushTail'; s: string }
  | { op: 'popHead' | 'popTail' }
  | { op: 'insert' | 'set'; at: number; s: string }
  | { op: 'removeRange'; at: number; n: number }
  | { op: 'trim'; at: number; n: number }
  | { op: 'removeMatching'; pick: number; count: number; s: string }
  | { op: 'read'; at: number; n: number; reverse: boolean }
  | { op: 'clone' };

/** Elements: binary (every byte value), empty, integers (listpack's int encodings), long (multi-byte headers). */
const byteString = (max: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((a) => String.fromCharCode(...a));
const element = fc.oneof(
  { weight: 5, arbitrary: byteString(12) },
  { weight: 2, arbitrary: fc.constantFrom('', 'a', 'x', '0', '1') },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 300 }).map((n) => 'L'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 16380, max: 16390 }).map((n) => '\xff'.repeat(n)) },
);
const pos = fc.nat({ max: 1_000_000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('pushHead' as const, 'pushTail' as const), s: element }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('popHead' as const, 'popTail' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('insert' as const, 'set' as const), at: pos, s: element }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeRange' as const), at: pos, n: fc.nat({ max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('trim' as const), at: fc.nat({ max: 5 }), n: fc.nat({ max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeMatching' as const), pick: pos, count: fc.integer({ min: -3, max: 3 }), s: element }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('read' as const), at: pos, n: fc.nat({ max: 50 }), reverse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clone' as const) }) },
);

/** Applies one op to the list and the model (a shrink check after removals, as the commands do). */
function apply(l: ListValue, m: string[], o: Op, fill: number): ListValue {
  switch (o.op) {
    case 'pushHead':
      l.growing(fill, o.s.length, 1);
      l.pushHead(o.s);
      m.unshift(o.s);
      break;
    case 'pushTail':
      l.growing(fill, o.s.length, 1);
      l.pushTail(o.s);
      m.push(o.s);
      break;
    case 'popHead':
      expect(l.popHead()).to.equal(m.shift());
      l.shrinking(fill);
      break;
    case 'popTail':
      expect(l.popTail()).to.equal(m.pop());
      l.shrinking(fill);
      break;
    case 'insert': {
      const i = o.at % (m.length + 1);
      l.growing(fill, o.s.length, 1);
      l.insert(i, o.s);
      m.splice(i, 0, o.s);
      break;
    }
    case 'set': {
      if (m.length === 0) break;
      const i = o.at % m.length;
      l.growing(fill, o.s.length, 1);
      l.set(i, o.s);
      m[i] = o.s;
      l.shrinking(fill);
      break;
    }
    case 'removeRange': {
      if (m.length === 0) break;
      const i = o.at % m.length;
      const n = Math.min(o.n, m.length - i);
      l.removeRange(i, n);
      m.splice(i, n);
      l.shrinking(fill);
      break;
    }
    case 'trim': {
      // LTRIM: drop `at` from the head and `n` from the tail.
      const left = Math.min(o.at, m.length);
      const right = Math.min(o.n, m.length - left);
      l.removeRange(0, left);
      l.removeRange(m.length - left - right, right);
      m.splice(0, left);
      m.splice(m.length - right, right);
      l.shrinking(fill);
      break;
    }
    case 'removeMatching': {
      const needle = m.length > 0 && o.pick % 2 === 0 ? m[o.pick % m.length] : o.s;
      const limit = o.count === 0 ? Infinity : Math.abs(o.count);
      let removed = 0;
      if (o.count >= 0) {
        for (let i = 0; i < m.length && removed < limit; ) {
          if (m[i] === needle) {
            m.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = m.length - 1; i >= 0 && removed < limit; i--) {
          if (m[i] === needle) {
            m.splice(i, 1);
            removed++;
          }
        }
      }
      expect(l.removeMatching(needle, o.count)).to.equal(removed);
      l.shrinking(fill);
      break;
    }
    case 'read': {
      if (m.length === 0) {
        expect(range(l, 0, o.n, o.reverse)).to.deep.equal([]);
        break;
      }
      const i = o.at % m.length;
      const want = o.reverse ? m.slice(Math.max(0, i - o.n + 1), i + 1).reverse() : m.slice(i, i + o.n);
      expect(range(l, i, o.n, o.reverse)).to.deep.equal(want);
      expect(l.get(i)).to.equal(m[i]);
      break;
    }
    case 'clone': {
      const c = l.clone();
      expect(c.encoding()).to.equal(l.encoding());
      expect(c.nodeCounts()).to.deep.equal(l.nodeCounts());
      return c;
    }
  }
  return l;
}

describe('ListValue (store/list)', () => {
  it('computes listpack entry sizes as listpack.c: integers by magnitude, strings by length', () => {
    const cases: [string, number][] = [
      ['', 2],
      ['0', 2],
      ['127', 2],
      ['128', 3],
      ['-1', 3],
      ['4095', 3],
      ['-4096', 3],
      ['4096', 4],
      ['32767', 4],
      ['-32768', 4],
      ['32768', 5],
      ['8388607', 5],
      ['8388608', 6],
      ['2147483647', 6],
      ['-2147483648', 6],
      ['2147483648', 10],
      ['9223372036854775807', 10],
      ['-9223372036854775808', 10],
      ['9223372036854775808', 21], // beyond int64: a 19-byte string
      ['01', 4],
      ['-0', 4],
      ['+1', 4],
      [' 1', 4],
      ['1.5', 5],
      ['x'.repeat(63), 65],
      ['x'.repeat(64), 67],
      ['x'.repeat(125), 128],
      ['x'.repeat(126), 130],
      ['x'.repeat(4095), 4099],
      ['x'.repeat(4096), 4103],
    ];
    for (const [s, n] of cases) expect(lpBytesOf(s), JSON.stringify(s.length > 20 ? `${s.length} bytes` : s)).to.equal(n);
  });

  it('applies quicklist node limits: negative fills by listpack bytes, positive by count under 8 KB', () => {
    expect(exceedsLimit(-2, 8192, 1)).to.equal(false);
    expect(exceedsLimit(-2, 8193, 1)).to.equal(true);
    expect(exceedsLimit(-1, 4097, 1)).to.equal(true);
    expect(exceedsLimit(-5, 65536, 1)).to.equal(false);
    expect(exceedsLimit(-9, 65537, 1)).to.equal(true); // below -5 counts as -5
    expect(exceedsLimit(128, 100, 128)).to.equal(false);
    expect(exceedsLimit(128, 100, 129)).to.equal(true);
    expect(exceedsLimit(128, 8193, 2)).to.equal(true);
    expect(exceedsLimit(0, 10, 2)).to.equal(true); // 0 means one element per node
  });

  it('is listpack while small, quicklist once a push passes the limit, listpack again under half of it', () => {
    const l = build(Array.from({ length: 100 }, (_, i) => `element:${i}`));
    expect(l.encoding()).to.equal('listpack');
    expect(l.chunks).to.equal(1);
    // 7 + 10*3 + 90*4 bytes... push 8 KB worth of 100-byte strings.
    for (let i = 0; i < 100; i++) {
      l.growing(-2, 100, 1);
      l.pushTail('y'.repeat(100));
    }
    expect(l.encoding()).to.equal('quicklist');
    expect(l.chunks).to.be.greaterThan(1);
    while (l.size > 30) {
      l.popTail();
      l.shrinking(-2);
    }
    expect(l.chunks).to.equal(1);
    expect(l.encoding()).to.equal('listpack');
    l.checkInvariants();
  });

  it('a positive fill caps each chunk at that many elements', () => {
    const l = new ListValue();
    for (let i = 0; i < 20; i++) {
      l.growing(4, 1, 1);
      l.pushTail('v');
    }
    expect(l.encoding()).to.equal('quicklist');
    expect(l.nodeCounts()).to.deep.equal([4, 4, 4, 4, 4]);
    for (let i = 0; i < 6; i++) {
      l.growing(4, 1, 1);
      l.pushHead('h');
    }
    expect(l.nodeCounts()).to.deep.equal([2, 4, 4, 4, 4, 4, 4]);
    l.checkInvariants();
  });

  it('counts bytes: base, ring, per-chunk overhead and buffer capacity; an emptied list goes back to the base', () => {
    const l = new ListValue();
    expect(l.bytes).to.equal(LIST_BASE_BYTES);
    l.growing(-2, 3, 1);
    l.pushTail('abc');
    expect(l.bytes).to.be.at.least(LIST_BASE_BYTES + CHUNK_OVERHEAD_BYTES + 5);
    l.checkInvariants();
    expect(l.popHead()).to.equal('abc');
    expect(l.size).to.equal(0);
    expect(l.bytes).to.equal(LIST_BASE_BYTES);
  });

  it('a long list costs about its element bytes + 2 per element (packed chunks, not one object per element)', () => {
    const l = new ListValue();
    for (let i = 0; i < 100_000; i++) {
      const s = `element:${(i * 7919) % 1_000_000}`;
      l.growing(-2, s.length, 1);
      if (i % 2) l.pushTail(s);
      else l.pushHead(s);
    }
    l.checkInvariants();
    const payload = 100_000 * 'element:123456'.length;
    expect(l.bytes / 100_000).to.be.below((payload / 100_000 + 2) * 1.25);
    expect(l.encoding()).to.equal('quicklist');
  });

  it('matches an array model under random pushes, pops, inserts, sets, range removals, trims, LREM and reads', () => {
    fc.assert(
      fc.property(fc.constantFrom(-2, -1, 1, 2, 3, 5, 16), fc.array(opArb, { minLength: 10, maxLength: 250, size: 'max' }), (fill, ops) => {
        let l = new ListValue();
        const m: string[] = [];
        for (const o of ops) {
          l = apply(l, m, o, fill);
          l.checkInvariants();
          expect(l.size).to.equal(m.length);
        }
        expect(l.toArray()).to.deep.equal(m);
        if (m.length === 0) expect(l.bytes).to.equal(LIST_BASE_BYTES);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every byte value and empty elements, read both ways', () => {
    const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
    const l = build(['', ...all, '', all.join('')], 3);
    expect(l.toArray()).to.deep.equal(['', ...all, '', all.join('')]);
    expect(range(l, l.size - 1, l.size, true)).to.deep.equal(['', ...all, '', all.join('')].reverse());
    l.checkInvariants();
  });
});
