// MurmurHash64A (MurmurHash2, 64-bit version) as Redis's hyperloglog.c has it: the bytes read as
// little-endian 64-bit words whatever the machine. 64-bit arithmetic is done on two 32-bit halves, so
// hashing allocates nothing (a BigInt version is the spec's model).

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** The hash of the last call: high and low 32 bits, unsigned. */
export const murmurOut = { hi: 0, lo: 0 };

// (hi, lo) = (hi, lo) * M mod 2^64, in the module's registers.
let rHi = 0;
let rLo = 0;

function mulM(hi: number, lo: number): void {
  // lo * M_LO as a full 64-bit product, from 16-bit pieces (each partial product below 2^32).
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const b0 = M_LO & 0xffff;
  const b1 = M_LO >>> 16;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const low = a0 * b0 + (mid % 65536) * 65536; // < 2^49, exact
  const carry = Math.floor(low / 4294967296);
  rLo = low >>> 0;
  const high = a1 * b1 + Math.floor(mid / 65536) + carry;
  rHi = (high + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/**
 * MurmurHash64A of the bytes of a latin1 string (one char per byte) with a 32-bit seed; the result is in
 * murmurOut.
 */
export function murmurHash64A(s: string, seed: number): void {
  const len = s.length;
  // h = seed ^ (len * m)
  mulM(0, len);
  let hHi = rHi;
  let hLo = (rLo ^ seed) >>> 0;
  const whole = len - (len & 7);
  for (let i = 0; i < whole; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(kHi, kLo); // k *= m
    kHi = rHi;
    kLo = (rLo ^ (rHi >>> 15)) >>> 0; // k ^= k >> 47
    mulM(kHi, kLo); // k *= m
    hHi = (hHi ^ rHi) >>> 0; // h ^= k
    hLo = (hLo ^ rLo) >>> 0;
    mulM(hHi, hLo); // h *= m
    hHi = rHi;
    hLo = rLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    // h ^= tail bytes (little-endian), then h *= m
    for (let j = rest - 1; j >= 0; j--) {
      const c = s.charCodeAt(whole + j);
      if (j >= 4) hHi = (hHi ^ (c << (8 * (j - 4)))) >>> 0;
      else hLo = (hLo ^ (c << (8 * j))) >>> 0;
    }
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  // h ^= h >> 47; h *= m; h ^= h >> 47
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  murmurOut.hi = hHi;
  murmurOut.lo = hLo;
}
