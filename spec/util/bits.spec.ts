// The bit helpers (lib/util/bits.ts) against a naive model: the range as an array of bits, most
// significant bit of each byte first. Ranges sit at random offsets of a larger buffer so that the word
// paths meet every alignment.
import { expect } from 'chai';
import fc from 'fast-check';
import { bitpos, getBits, popcount, setBits } from '../../lib/util/bits';

/** The bits of b[from, to). */
function bitsOf(b: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) for (let k = 7; k >= 0; k--) out.push((b[i] >> k) & 1);
  return out;
}

/** A buffer holding `bytes` at offset `pad` (with other bytes around it) and the range's bounds. */
const placed = fc
  .record({
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // Long runs of 0x00 or 0xff with a few other bytes: the word-skipping paths.
      fc.record({ n: fc.integer({ min: 0, max: 400 }), fill: fc.constantFrom(0, 0xff), pokes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }) }).map(({ n, fill, pokes }) => {
        const a = new Uint8Array(n).fill(fill);
        for (const [i, v] of pokes) if (n > 0) a[i % n] = v;
        return a;
      }),
    ),
    pad: fc.integer({ min: 0, max: 9 }),
    junk: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ bytes, pad, junk }) => {
    const buf = Buffer.alloc(pad + bytes.length + 9, junk);
    buf.set(bytes, pad);
    return { buf, from: pad, to: pad + bytes.length };
  });

describe('bit helpers', () => {
  it('popcount counts the set bits of the range (property)', () => {
    fc.assert(
      fc.property(placed, ({ buf, from, to }) => {
        expect(popcount(buf, from, to)).to.equal(bitsOf(buf, from, to).filter((x) => x === 1).length);
      }),
      { numRuns: 500 },
    );
  });

  it('bitpos finds the first 1 (-1 when none) or the first 0 (the first bit past the range when none) (property)', () => {
    fc.assert(
      fc.property(placed, fc.constantFrom(0, 1), ({ buf, from, to }, bit) => {
        const bits = bitsOf(buf, from, to);
        const i = bits.indexOf(bit);
        expect(bitpos(buf, from, to, bit)).to.equal(i >= 0 ? i : bit === 1 ? -1 : bits.length);
      }),
      { numRuns: 500 },
    );
  });

  it('getBits reads a field of 1..64 bits, zeros past the range; setBits writes one and nothing else (property)', () => {
    fc.assert(
      fc.property(placed, fc.integer({ min: 1, max: 64 }), fc.nat(), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), ({ buf, from, to }, bits, at, value) => {
        const len = to - from;
        const offset = len === 0 ? 0 : at % (len * 8 + 16);
        const model = bitsOf(buf, from, to);
        let want = 0n;
        for (let j = 0; j < bits; j++) want = (want << 1n) | BigInt(model[offset + j] ?? 0);
        expect(getBits(buf, from, to, offset, bits)).to.equal(want);
        // Write within the range only (the commands grow the string first).
        if (offset + bits > len * 8) return;
        const before = Buffer.from(buf);
        setBits(buf, from, offset, bits, value);
        const u = BigInt.asUintN(bits, value);
        expect(getBits(buf, from, to, offset, bits)).to.equal(u);
        const after = bitsOf(buf, from, to);
        for (let j = 0; j < model.length; j++) if (j < offset || j >= offset + bits) expect(after[j], `bit ${j}`).to.equal(model[j]);
        expect(buf.subarray(0, from).equals(before.subarray(0, from))).to.equal(true);
        expect(buf.subarray(to).equals(before.subarray(to))).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });
});
