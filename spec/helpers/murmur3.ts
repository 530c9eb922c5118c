// MurmurHash3 x86_32 over a latin1 string, and keys that collide under it for every seed: the reason
// lib/store/key-hash.ts is a keyed hash (HalfSipHash) and not Murmur3 with a random seed. Used by the
// hash-index spec (flooding) and bench/index-micro.ts (speed comparison).

const M1 = 0xcc9e2d51;
const M2 = 0x1b873593;

/** MurmurHash3 x86_32 of a latin1 string, unsigned. */
export function murmur3(s: string, seed: number): number {
  let h = seed | 0;
  const len = s.length;
  const end = len & ~3;
  for (let i = 0; i < end; i += 4) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    k = Math.imul(k, M1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, M2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const r = len & 3;
  if (r > 2) k ^= s.charCodeAt(end + 2) << 16;
  if (r > 1) k ^= s.charCodeAt(end + 1) << 8;
  if (r > 0) {
    k ^= s.charCodeAt(end);
    k = Math.imul(k, M1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, M2);
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverse(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x;
}
const M1_INV = inverse(M1);
const M2_INV = inverse(M2);

/** The 4 input bytes whose mixed block (before it meets the state) is k. */
function unmix(k: number): string {
  k = Math.imul(k, M2_INV);
  k = (k >>> 15) | (k << 17);
  const m = Math.imul(k, M1_INV);
  return String.fromCharCode(m & 0xff, (m >>> 8) & 0xff, (m >>> 16) & 0xff, m >>> 24);
}

/**
 * 2^n keys of 8n bytes with the same murmur3 under every seed. Per 8-byte chunk, two variants whose mixed
 * blocks differ by (bit 18, bit 31): after h ^= k the first difference is bit 18, rotl 13 makes it bit
 * 31, and *5 + c keeps a bit-31 difference as it is (5 * 2^31 = 2^31 mod 2^32), so the second block's
 * bit-31 difference cancels it, whatever the state (hence the seed) was. `rand` picks the chunks.
 */
export function murmur3Multicollision(n: number, rand: () => number): string[] {
  const chunks: [string, string][] = [];
  for (let c = 0; c < n; c++) {
    const a = (rand() * 2 ** 32) | 0;
    const b = (rand() * 2 ** 32) | 0;
    chunks.push([unmix(a) + unmix(b), unmix(a ^ (1 << 18)) + unmix(b ^ (1 << 31))]);
  }
  const keys: string[] = [];
  for (let bits = 0; bits < 1 << n; bits++) {
    let key = '';
    for (let c = 0; c < n; c++) key += chunks[c][(bits >>> c) & 1];
    keys.push(key);
  }
  return keys;
}
