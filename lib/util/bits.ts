// Bit helpers over byte ranges, in Redis's bit order (bitops.c): bit 0 is the most significant bit of the
// first byte. Each takes a byte array and a range [from, to) of it, so the commands run them in place on a
// string value's bytes in the keyspace. Bytes past `to` count as zero where Redis pads with zeros.

/** Set bits per byte value. */
const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1];

/** Set bits of a 32-bit word. */
function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of set bits in b[from, to) (redisPopcount). */
export function popcount(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  let i = from;
  // Byte by byte up to a 4-byte boundary of the underlying memory, then whole words.
  while (i < to && ((b.byteOffset + i) & 3) !== 0) n += BITS_IN_BYTE[b[i++]];
  const words = (to - i) >>> 2;
  if (words > 8) {
    const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const x = w[k];
      if (x !== 0) n += popcount32(x);
    }
    i += words * 4;
  }
  while (i < to) n += BITS_IN_BYTE[b[i++]];
  return n;
}

/**
 * Position (from the start of the range, in bits) of the first bit equal to `bit` in b[from, to), as
 * Redis's redisBitpos: looking for a 0 in bytes that are all ones gives the first bit past the range
 * ((to - from) * 8, the string counts as zero padded); looking for a 1 where there is none gives -1.
 */
export function bitpos(b: Uint8Array, from: number, to: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  let i = from;
  while (i < to && ((b.byteOffset + i) & 3) !== 0 && b[i] === skip) i++;
  if (i < to && b[i] === skip) {
    // Aligned: whole words.
    const words = (to - i) >>> 2;
    if (words > 0) {
      const w = new Uint32Array(b.buffer, b.byteOffset + i, words);
      const wskip = bit ? 0 : 0xffffffff;
      let k = 0;
      while (k < words && w[k] === wskip) k++;
      i += k * 4;
    }
    while (i < to && b[i] === skip) i++;
  }
  if (i >= to) return bit ? -1 : (to - from) * 8;
  const x = bit ? b[i] : ~b[i] & 0xff;
  return (i - from) * 8 + Math.clz32(x) - 24;
}

/**
 * The `bits`-wide (1..64) unsigned field at bit `offset` of b[from, to) (getUnsignedBitfield), bits
 * past `to` reading as zero.
 */
export function getBits(b: Uint8Array, from: number, to: number, offset: number, bits: number): bigint {
  // The first up to 32 bits in `hi`, the rest in `lo` (each a plain number), joined once.
  const hiBits = bits > 32 ? bits - 32 : bits;
  let hi = 0;
  let lo = 0;
  let pos = offset;
  for (let j = 0; j < hiBits; j++, pos++) {
    const byte = from + Math.floor(pos / 8);
    const v = byte < to ? (b[byte] >> (7 - (pos & 7))) & 1 : 0;
    hi = hi * 2 + v;
  }
  if (bits <= 32) return BigInt(hi);
  for (let j = 0; j < 32; j++, pos++) {
    const byte = from + Math.floor(pos / 8);
    const v = byte < to ? (b[byte] >> (7 - (pos & 7))) & 1 : 0;
    lo = lo * 2 + v;
  }
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Writes the low `bits` bits of `value` (two's complement for a negative one) at bit `offset` of the
 * bytes from `from` on (setUnsignedBitfield); the bytes must exist.
 */
export function setBits(b: Uint8Array, from: number, offset: number, bits: number, value: bigint): void {
  const u = BigInt.asUintN(64, value);
  const vhi = Number(u >> 32n);
  const vlo = Number(u & 0xffffffffn);
  let pos = offset;
  for (let j = 0; j < bits; j++, pos++) {
    const k = bits - 1 - j; // the value's bit written here
    const v = k >= 32 ? (vhi >>> (k - 32)) & 1 : (vlo >>> k) & 1;
    const byte = from + Math.floor(pos / 8);
    const mask = 1 << (7 - (pos & 7));
    b[byte] = v ? b[byte] | mask : b[byte] & ~mask;
  }
}
