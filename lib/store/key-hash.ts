// Keyed 32-bit hash of keys for the keyspace's off-heap index (hash-index.ts).
//
// Keys are binary-safe latin1 strings (one char = one byte, 0..255), so hashing a string and hashing its
// bytes must give the same number: a key read from a socket buffer and the same key held as a string land
// in the same bucket. Both functions read 4 bytes per step, little-endian.
//
// The function is HalfSipHash-1-3 (Aumasson & Bernstein; the hsiphash of the Linux kernel on 32-bit
// machines, built for exactly this job: hash tables fed by an attacker). Why not MurmurHash3-32, which is
// a little faster: its seed is only the initial state and its block step has differentials that hold for
// every state (a difference at bit 18 of one mixed block becomes bit 31 after the rotate, and multiplying
// by 5 keeps a bit-31 difference as it is, so the next block can cancel it), so anyone can build
// thousands of keys with the same hash under every seed (spec/store/hash-index.spec.ts builds them). A
// per-process random seed is only a defence with a keyed function; HalfSipHash is one (Redis uses SipHash
// for the same reason), for 10-20 ns more per 16-40 byte key than Murmur3 (bench/index-micro.ts).
//
// The key is 64 bits (k0, k1); the keyspace's seed is 32 random bits, spread into k1 by seedKey1().
// Output: an unsigned 32-bit integer with good avalanche in every bit (the index uses the low bits).
import { randomBytes } from 'crypto';

const C2 = 0x6c796765; // "lyge"
const C3 = 0x74656462; // "tedb"

/** The second key word derived from a 32-bit seed (k0 is the seed itself). */
function seedKey1(seed: number): number {
  return Math.imul(seed ^ (seed >>> 16), 0x45d9f3b) ^ 0x9e3779b9;
}

/** hashString(s, seed): the keyed hash of a latin1 string (char codes 0..255), unsigned 32-bit. */
export function hashString(s: string, seed: number): number {
  return halfSipString(s, seed, seedKey1(seed));
}

/** The same hash over b[off, off+len): hashBytes(Buffer.from(s, 'latin1'), 0, s.length, seed) === hashString(s, seed). */
export function hashBytes(b: Uint8Array, off: number, len: number, seed: number): number {
  return halfSipBytes(b, off, len, seed, seedKey1(seed));
}

/** A random 32-bit seed, to choose once per process: who does not know it cannot choose colliding keys. */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

// The two functions below differ only in how they read a byte; the SipRound is written out inline (twice
// in each: per block and in the finalization) because a helper returning four words would allocate or go
// through module variables, both slower than locals.

/** HalfSipHash-1-3 with the full 64-bit key, 32-bit output (exported for the reference vectors in specs). */
export function halfSipString(s: string, k0: number, k1: number): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = (k0 ^ C2) | 0;
  let v3 = (k1 ^ C3) | 0;
  const len = s.length;
  const end = len & ~3;
  let i = 0;
  for (;;) {
    let m: number;
    if (i < end) {
      m = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    } else {
      // Last block: the 0..3 remaining bytes and the length's low byte on top.
      m = len << 24;
      const r = len - i;
      if (r > 0) m |= s.charCodeAt(i);
      if (r > 1) m |= s.charCodeAt(i + 1) << 8;
      if (r > 2) m |= s.charCodeAt(i + 2) << 16;
    }
    v3 ^= m;
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
    if (i >= end) break;
    i += 4;
  }
  return finish(v0, v1, v2, v3);
}

/** halfSipString over b[off, off+len). */
export function halfSipBytes(b: Uint8Array, off: number, len: number, k0: number, k1: number): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = (k0 ^ C2) | 0;
  let v3 = (k1 ^ C3) | 0;
  const end = off + (len & ~3);
  let i = off;
  for (;;) {
    let m: number;
    if (i < end) {
      m = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    } else {
      m = len << 24;
      const r = off + len - i;
      if (r > 0) m |= b[i];
      if (r > 1) m |= b[i + 1] << 8;
      if (r > 2) m |= b[i + 2] << 16;
    }
    v3 ^= m;
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
    if (i >= end) break;
    i += 4;
  }
  return finish(v0, v1, v2, v3);
}

/** HalfSipHash's finalization (shared by both inputs): 0xff into v2, three rounds, v1 ^ v3. */
function finish(v0: number, v1: number, v2: number, v3: number): number {
  v2 ^= 0xff;
  for (let r = 0; r < 3; r++) {
    v0 = (v0 + v1) | 0; v1 = (v1 << 5) | (v1 >>> 27); v1 ^= v0; v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0; v3 = (v3 << 8) | (v3 >>> 24); v3 ^= v2;
    v0 = (v0 + v3) | 0; v3 = (v3 << 7) | (v3 >>> 25); v3 ^= v0;
    v2 = (v2 + v1) | 0; v1 = (v1 << 13) | (v1 >>> 19); v1 ^= v2; v2 = (v2 << 16) | (v2 >>> 16);
  }
  return (v1 ^ v3) >>> 0;
}
