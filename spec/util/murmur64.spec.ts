// MurmurHash64A on 32-bit halves (lib/util/murmur64.ts) against a BigInt transcription of Redis's C code.
import { expect } from 'chai';
import fc from 'fast-check';
import { murmurHash64A, murmurOut } from '../../lib/util/murmur64';

const MASK = 2n ** 64n - 1n;

/** hyperloglog.c's MurmurHash64A, word for word, in BigInt. */
function model(s: string, seed: number): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const r = 47n;
  const len = s.length;
  let h = (BigInt(seed) ^ (BigInt(len) * m)) & MASK;
  const whole = len - (len & 7);
  for (let i = 0; i < whole; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
    k = (k * m) & MASK;
    k ^= k >> r;
    k = (k * m) & MASK;
    h ^= k;
    h = (h * m) & MASK;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(s.charCodeAt(whole + j)) << BigInt(8 * j);
    h = (h * m) & MASK;
  }
  h ^= h >> r;
  h = (h * m) & MASK;
  h ^= h >> r;
  return h;
}

function hash(s: string, seed: number): bigint {
  murmurHash64A(s, seed);
  return (BigInt(murmurOut.hi) << 32n) | BigInt(murmurOut.lo);
}

describe('MurmurHash64A', () => {
  it('equals the BigInt model on any bytes and seed (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.oneof(fc.constant(0xadc83b19), fc.integer({ min: 0, max: 0xffffffff })), (bytes, seed) => {
        const s = Buffer.from(bytes).toString('latin1');
        expect(hash(s, seed)).to.equal(model(s, seed));
      }),
      { numRuns: 2000 },
    );
  });

  it("known values with Redis's seed, from hyperloglog.c's function compiled with gcc", () => {
    const want: Array<[string, bigint]> = [
      ['', 0xd8dfea6585bc9732n],
      ['a', 0x53d2470a9b43b1a7n],
      ['hello world', 0xa919bc3051f624b7n],
      ['\x00\xff\x80abcdefgh', 0xb1044e0a78e72601n],
    ];
    for (const [s, h] of want) {
      expect(hash(s, 0xadc83b19), JSON.stringify(s)).to.equal(h);
      expect(model(s, 0xadc83b19), JSON.stringify(s)).to.equal(h);
    }
  });
});
