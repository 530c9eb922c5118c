// HyperLogLog in Redis's exact representation (hyperloglog.c, Redis 7.2), so that a value made here is
// byte for byte the string Redis makes from the same commands, and either side reads the other's:
//
//   header (16 bytes): "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, cached cardinality as a
//   little-endian u64 whose most significant bit set means "stale, recompute".
//   dense: 16384 registers of 6 bits, packed from the least significant bit of each byte on (12288 bytes).
//   sparse: run-length opcodes: ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx yyyyyyyy
//   (1..16384 zero registers), VAL 1vvvvvxx (1..4 registers of value 1..32).
//
// An element's register and value come from MurmurHash64A (seed 0xadc83b19) of its bytes: the low 14 bits
// pick the register, the value is 1 + the trailing zeros of the remaining 50 bits. A sparse HLL becomes
// dense when a register exceeds 32 or the sparse form would exceed hll-sparse-max-bytes. The estimate is
// Ertl's improved estimator (hllTau / hllSigma) as Redis computes it, in doubles.
//
// Functions read an HLL from a byte range in place (a string value in the keyspace); the sparse updates
// work on an HllWork copy, whose length changes.
import { murmurHash64A, murmurOut } from '../util/murmur64';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + Math.floor((HLL_REGISTERS * HLL_BITS + 7) / 8);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;
/** Offset of the encoding byte and of the cached cardinality's most significant byte in the header. */
const ENC = 4;
const CARD = 8;
const HASH_SEED = 0xadc83b19;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** 0.5 / ln(2) */
const HLL_ALPHA_INF = 0.72134752044448170368;

/** An HLL being changed: bytes [0, len) of buf (header included); buf may be replaced to grow. */
export interface HllWork {
  buf: Uint8Array;
  len: number;
}

/** Register and value of an element, packed as register * 64 + value (hllPatLen). */
export function hllPatLen(ele: string): number {
  murmurHash64A(ele, HASH_SEED);
  const lo = murmurOut.lo;
  const hi = murmurOut.hi;
  const index = lo & HLL_P_MASK;
  // Trailing zeros of hash >> 14 with bit 50 forced on, plus one.
  const low = ((lo >>> HLL_P) | (hi << (32 - HLL_P))) >>> 0; // bits 14..45
  let count: number;
  if (low !== 0) count = 32 - Math.clz32(low & -low);
  else count = 32 + 32 - Math.clz32(((hi >>> HLL_P) | (1 << (HLL_Q - 32))) & -((hi >>> HLL_P) | (1 << (HLL_Q - 32))));
  return index * 64 + count;
}

// ---- the header ----

/**
 * True when the bytes b[off, off + len) are an HLL Redis accepts (isHLLObjectOrReply): at least a header,
 * the magic, a known encoding, and a dense one of the exact size.
 */
export function isHll(b: Uint8Array, off: number, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (b[off] !== 72 || b[off + 1] !== 89 || b[off + 2] !== 76 || b[off + 3] !== 76) return false; // "HYLL"
  const enc = b[off + ENC];
  if (enc > HLL_MAX_ENCODING) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

export function encodingOf(b: Uint8Array, off: number): number {
  return b[off + ENC];
}

/** Marks the cached cardinality stale. */
export function invalidateCache(b: Uint8Array, off: number): void {
  b[off + CARD + 7] |= 0x80;
}

/** The cached cardinality, or -1 when stale. As Redis, a cached value is a u64 replied as a signed one. */
export function cachedCard(b: Uint8Array, off: number): number | bigint {
  if (b[off + CARD + 7] & 0x80) return -1;
  const lo = (b[off + CARD] | (b[off + CARD + 1] << 8) | (b[off + CARD + 2] << 16) | (b[off + CARD + 3] << 24)) >>> 0;
  const hi = (b[off + CARD + 4] | (b[off + CARD + 5] << 8) | (b[off + CARD + 6] << 16) | (b[off + CARD + 7] << 24)) >>> 0;
  if (hi < 1 << 21) return hi * 4294967296 + lo;
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Stores a cardinality (a u64, as cardinality() gives it) as the cached one. */
export function setCachedCard(b: Uint8Array, off: number, card: number | bigint): void {
  const u = BigInt.asUintN(64, BigInt(card));
  let lo = Number(u & 0xffffffffn);
  let hi = Number(u >> 32n);
  for (let i = 0; i < 4; i++, lo = Math.floor(lo / 256)) b[off + CARD + i] = lo & 0xff;
  for (let i = 4; i < 8; i++, hi = Math.floor(hi / 256)) b[off + CARD + i] = hi & 0xff;
}

/**
 * The u64 Redis makes of an estimate (llroundl then a cast): the estimate itself, exact, up to 2^63; beyond
 * it (and for an infinite one: all registers above 51 leave nothing to sum) llroundl overflows to
 * LLONG_MIN on x86, which is 2^63 as a u64 (cached with the stale bit set, replied as -2^63).
 */
export function cardinality(estimate: number): number | bigint {
  if (!(estimate < 2 ** 63)) return 2n ** 63n;
  return estimate < 2 ** 53 ? estimate : BigInt(estimate);
}

/** A new, empty HLL (createHLLObject): sparse, XZERO:16384, cached cardinality 0. */
export function newHll(): Uint8Array {
  const b = new Uint8Array(HLL_HDR_SIZE + 2);
  b[0] = 72;
  b[1] = 89;
  b[2] = 76;
  b[3] = 76;
  b[ENC] = HLL_SPARSE;
  xzeroSet(b, HLL_HDR_SIZE, HLL_REGISTERS);
  return b;
}

// ---- dense registers (r: offset of the first register byte) ----

/** Register i of the dense registers at b[r...]. */
export function denseGet(b: Uint8Array, r: number, i: number): number {
  const byte = r + ((i * HLL_BITS) >>> 3);
  const fb = (i * HLL_BITS) & 7;
  const b1 = i === HLL_REGISTERS - 1 ? 0 : b[byte + 1];
  return ((b[byte] >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSet(b: Uint8Array, r: number, i: number, v: number): void {
  const byte = r + ((i * HLL_BITS) >>> 3);
  const fb = (i * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte] & ~(HLL_REGISTER_MAX << fb)) | (v << fb);
  // The last register ends inside its byte: nothing spills into the next one (which may not exist).
  if (i !== HLL_REGISTERS - 1) b[byte + 1] = (b[byte + 1] & ~(HLL_REGISTER_MAX >>> fb8)) | (v >>> fb8);
}

/** Raises register `index` to `count` when lower (hllDenseSet): 1 when it changed, else 0. */
function denseSetMax(b: Uint8Array, r: number, index: number, count: number): number {
  if (count > denseGet(b, r, index)) {
    denseSet(b, r, index, count);
    return 1;
  }
  return 0;
}

/** Adds an element to the dense HLL at b[off...] in place (hllDenseAdd): 1 when a register changed. */
export function denseAdd(b: Uint8Array, off: number, ele: string): number {
  const p = hllPatLen(ele);
  return denseSetMax(b, off + HLL_HDR_SIZE, p >>> 6, p & 63);
}

// ---- sparse opcodes ----

function isZero(v: number): boolean {
  return (v & 0xc0) === 0;
}
function isXzero(v: number): boolean {
  return (v & 0xc0) === 0x40;
}
function zeroLen(v: number): number {
  return (v & 0x3f) + 1;
}
/** The run of the XZERO at p; a truncated one (its second byte at `end`) reads it as 0, as the C string's terminator. */
function xzeroLen(b: Uint8Array, p: number, end: number): number {
  return (((b[p] & 0x3f) << 8) | (p + 1 < end ? b[p + 1] : 0)) + 1;
}
function valValue(v: number): number {
  return ((v >>> 2) & 0x1f) + 1;
}
function valLen(v: number): number {
  return (v & 3) + 1;
}
function valOp(val: number, len: number): number {
  return (((val - 1) << 2) | (len - 1)) | 0x80;
}
function xzeroSet(b: Uint8Array, p: number, len: number): void {
  const l = len - 1;
  b[p] = (l >>> 8) | 0x40;
  b[p + 1] = l & 0xff;
}

/** Room for `n` bytes in w.buf (keeping its content). */
function ensure(w: HllWork, n: number): void {
  if (w.buf.length >= n) return;
  const nb = new Uint8Array(Math.max(n, 2 * w.buf.length));
  nb.set(w.buf.subarray(0, w.len));
  w.buf = nb;
}

/**
 * Makes the sparse HLL in w dense (hllSparseToDense); a dense one is left as is. Returns false, leaving
 * w unchanged, when the sparse form is corrupt (its runs do not cover exactly 16384 registers).
 */
export function sparseToDense(w: HllWork): boolean {
  const s = w.buf;
  if (s[ENC] === HLL_DENSE) return true;
  const d = new Uint8Array(HLL_DENSE_SIZE);
  d.set(s.subarray(0, HLL_HDR_SIZE)); // magic and cached cardinality
  d[ENC] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = w.len;
  while (p < end) {
    const op = s[p];
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      idx += xzeroLen(s, p, end);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + idx > HLL_REGISTERS) break; // overflow
      while (runlen--) denseSet(d, HLL_HDR_SIZE, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  w.buf = d;
  w.len = HLL_DENSE_SIZE;
  return true;
}

/** Scratch for the opcodes replacing one (at most XZERO VAL XZERO: 5 bytes). */
const seq = new Uint8Array(5);

/**
 * Raises register `index` of the sparse HLL in w to `count` when lower (hllSparseSet), promoting it to
 * dense when `count` exceeds what the sparse form holds or the result would exceed maxBytes. Returns 1 when
 * a register changed, 0 when not, -1 when the HLL is corrupt.
 */
export function sparseSet(w: HllWork, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(w, index, count);
  ensure(w, w.len + 3);
  const b = w.buf;
  // Step 1: the opcode covering the register.
  let p = HLL_HDR_SIZE;
  let end = w.len;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p];
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (op & 0x80) span = valLen(op);
    else {
      span = xzeroLen(b, p, end);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  let next = isXzero(b[p]) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const op = b[p];
  const zero = isZero(op);
  const xzero = isXzero(op);
  const runlen = zero ? zeroLen(op) : xzero ? xzeroLen(b, p, end) : valLen(op);
  // Step 2: trivial cases, then the split.
  let done = false;
  if (!zero && !xzero) {
    if (valValue(op) >= count) return 0; // A
    if (runlen === 1) {
      b[p] = valOp(count, 1); // B
      done = true;
    }
  }
  if (!done && zero && runlen === 1) {
    b[p] = valOp(count, 1); // C
    done = true;
  }
  if (!done) {
    // D: split the opcode into up to three.
    let n = 0;
    const last = first + span - 1;
    if (zero || xzero) {
      if (index !== first) {
        const len = index - first;
        if (len > SPARSE_ZERO_MAX_LEN) {
          xzeroSet(seq, n, len);
          n += 2;
        } else seq[n++] = len - 1;
      }
      seq[n++] = valOp(count, 1);
      if (index !== last) {
        const len = last - index;
        if (len > SPARSE_ZERO_MAX_LEN) {
          xzeroSet(seq, n, len);
          n += 2;
        } else seq[n++] = len - 1;
      }
    } else {
      const curval = valValue(op);
      if (index !== first) seq[n++] = valOp(curval, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) seq[n++] = valOp(curval, last - index);
    }
    // Step 3: the new opcodes in place of the old one.
    const oldlen = xzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && w.len + delta > maxBytes) return promote(w, index, count);
    if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
    w.len += delta;
    b.set(seq.subarray(0, n), p);
    end += delta;
  }
  // Step 4: merge adjacent VAL opcodes of the same value, scanning up to 5 opcodes from the previous one.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const op1 = b[p];
    if (isXzero(op1)) {
      p += 2;
      continue;
    } else if (isZero(op1)) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1] & 0x80) {
      const v1 = valValue(op1);
      const v2 = valValue(b[p + 1]);
      if (v1 === v2) {
        const len = valLen(op1) + valLen(b[p + 1]);
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          w.len--;
          end--;
          continue; // try to merge the merged one with the next, without moving on
        }
      }
    }
    p++;
  }
  invalidateCache(b, 0);
  return 1;
}

/** Promotes w to dense and sets the register there (the promote: label of hllSparseSet). */
function promote(w: HllWork, index: number, count: number): number {
  if (!sparseToDense(w)) return -1;
  denseSetMax(w.buf, HLL_HDR_SIZE, index, count);
  return 1;
}

/** Adds an element to the HLL in w (hllAdd): 1 when a register changed, 0 when not, -1 when corrupt. */
export function addTo(w: HllWork, ele: string, maxBytes: number): number {
  const p = hllPatLen(ele);
  const enc = w.buf[ENC];
  if (enc === HLL_DENSE) return denseSetMax(w.buf, HLL_HDR_SIZE, p >>> 6, p & 63);
  if (enc === HLL_SPARSE) return sparseSet(w, p >>> 6, p & 63, maxBytes);
  return -1;
}

/** Raises register i of w (dense or sparse) to v when lower (PFMERGE's write of the merged registers). */
export function setRegisterMax(w: HllWork, i: number, v: number, maxBytes: number): void {
  if (w.buf[ENC] === HLL_DENSE) denseSetMax(w.buf, HLL_HDR_SIZE, i, v);
  else sparseSet(w, i, v, maxBytes);
}

// ---- merging and counting ----

/**
 * max[i] = MAX(max[i], register i) for the HLL at b[off, off + len) (hllMerge), already checked with
 * isHll(). Returns false when a sparse one is corrupt.
 */
export function mergeInto(max: Uint8Array, b: Uint8Array, off: number, len: number): boolean {
  if (b[off + ENC] === HLL_DENSE) {
    const r = off + HLL_HDR_SIZE;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, r, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  let p = off + HLL_HDR_SIZE;
  const end = off + len;
  let i = 0;
  while (p < end) {
    const op = b[p];
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      i += xzeroLen(b, p, end);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen--) {
        if (regval > max[i]) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** Ertl's sigma (hllSigma). */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau (hllTau). */
function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The estimate from a register histogram (the end of hllCount). */
function estimate(reghisto: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j];
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0] / m);
  return Math.round((HLL_ALPHA_INF * m * m) / z);
}

const histo = new Float64Array(64);

/**
 * The estimate of the HLL at b[off, off + len) (hllCount; rounded, possibly past 2^53 or infinite for
 * planted registers: cardinality() makes Redis's u64 of it), or -1 when it is a corrupt sparse one (its
 * runs do not cover exactly 16384 registers).
 */
export function count(b: Uint8Array, off: number, len: number): number {
  histo.fill(0);
  let invalid = false;
  if (b[off + ENC] === HLL_DENSE) {
    const r = off + HLL_HDR_SIZE;
    for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(b, r, i)]++;
  } else {
    let idx = 0;
    let p = off + HLL_HDR_SIZE;
    const end = off + len;
    while (p < end) {
      const op = b[p];
      if (isZero(op)) {
        const n = zeroLen(op);
        idx += n;
        histo[0] += n;
        p++;
      } else if (isXzero(op)) {
        const n = xzeroLen(b, p, end);
        idx += n;
        histo[0] += n;
        p += 2;
      } else {
        const n = valLen(op);
        idx += n;
        histo[valValue(op)] += n;
        p++;
      }
    }
    invalid = idx !== HLL_REGISTERS;
  }
  const e = estimate(histo);
  return invalid ? -1 : e;
}

/** The estimate of 16384 registers given one per byte (PFCOUNT of several keys); see count(). */
export function countRaw(registers: Uint8Array): number {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[registers[i]]++;
  return estimate(histo);
}

/** PFDEBUG DECODE's text of a sparse HLL: `Z:n` XZERO, `z:n` ZERO, `v:value,len` VAL, space separated. */
export function decodeSparse(b: Uint8Array, off: number, len: number): string {
  const parts: string[] = [];
  let p = off + HLL_HDR_SIZE;
  const end = off + len;
  while (p < end) {
    const op = b[p];
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${xzeroLen(b, p, end)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}
