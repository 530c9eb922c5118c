// x87 80-bit long double arithmetic for INCRBYFLOAT, so that its results match Redis byte for byte.
// Redis parses with strtold (correctly rounded to a 64-bit mantissa), adds in long double and prints
// with "%.17Lf" minus trailing zeros (util.c ld2string, LD_STR_HUMAN). JavaScript doubles would print
// 0.1 + 0.2 as 0.30000000000000004 where Redis prints 0.3, so the arithmetic is emulated with BigInt.
// Not a hot path: INCRBYFLOAT only.

/** A finite long double: (-1)^neg * m * 2^e with 0 <= m < 2^64; m = 0 is zero. `inf` marks an infinity. */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
  inf: boolean;
}

/** Exponent of the least significant mantissa bit of the smallest subnormal (2^-16445). */
const MIN_E = -16445;
/** Largest exponent of a finite value: (2^64-1) * 2^16320 is LDBL_MAX. */
const MAX_E = 16320;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer strings are not valid floats. */
const MAX_CHARS = 5 * 1024;
const MANT_BITS = 64;
const TEN17 = 10n ** 17n;

const INF: LongDouble = { neg: false, m: 0n, e: 0, inf: true };
const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(inf|infinity)$/i;

function bitLength(x: bigint): number {
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/**
 * Rounds num/den * 2^exp2 (num >= 0, den > 0) to the nearest long double, ties to even, with subnormals.
 * Returns an infinity on overflow and m = 0 when it underflows to zero.
 */
function round(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  if (num === 0n) return { neg, m: 0n, e: 0, inf: false };
  // Scale so that the quotient has 66 or 67 bits: two guard bits at least.
  const sh = MANT_BITS + 2 - (bitLength(num) - bitLength(den));
  let q: bigint;
  let sticky: boolean;
  if (sh >= 0) {
    const n2 = num << BigInt(sh);
    q = n2 / den;
    sticky = q * den !== n2;
  } else {
    const d2 = den << BigInt(-sh);
    q = num / d2;
    sticky = q * d2 !== num;
  }
  let drop = bitLength(q) - MANT_BITS;
  let e = exp2 - sh + drop;
  if (e < MIN_E) {
    drop += MIN_E - e;
    e = MIN_E;
  }
  const d = BigInt(drop);
  const low = q & ((1n << d) - 1n);
  const half = 1n << (d - 1n);
  let m = q >> d;
  if (low > half || (low === half && (sticky || (m & 1n) === 1n))) m++;
  if (m === 1n << 64n) {
    m >>= 1n;
    e++;
  }
  if (e > MAX_E) return { ...INF, neg };
  return { neg, m, e, inf: false };
}

/**
 * Parses a float as Redis's string2ld: strtold syntax (decimal, hex with 'p' exponent, inf/infinity),
 * no leading space, nothing trailing, at most 5119 characters. Returns null when malformed, NaN, or
 * when a non-zero number overflows or underflows to zero (ERANGE). "inf" parses to an infinity, which
 * callers reject as Redis does ("increment would produce NaN or Infinity").
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  let mt = HEX_RE.exec(s);
  let hex = true;
  if (mt === null) {
    hex = false;
    mt = DEC_RE.exec(s);
  }
  if (mt === null) {
    const inf = INF_RE.exec(s);
    return inf === null ? null : { ...INF, neg: inf[1] === '-' };
  }
  const neg = mt[1] === '-';
  const int = mt[2];
  const frac = mt[3] ?? '';
  if (int.length + frac.length === 0) return null;
  const digits = BigInt((hex ? '0x' : '') + (int + frac || '0'));
  if (digits === 0n) return { neg, m: 0n, e: 0, inf: false };
  // The exponent, clamped: beyond +-100000 the result is an infinity or zero whatever the (at most
  // 5119) digits are.
  const expPart = Math.max(-100000, Math.min(100000, Number(mt[4] ?? '0')));
  let r: LongDouble;
  if (hex) {
    r = round(neg, digits, 1n, expPart - 4 * frac.length);
  } else {
    const exp10 = expPart - frac.length;
    // 10^(magnitude-1) <= value < 10^magnitude; LDBL_MAX is about 1.19e4932, the least subnormal 3.6e-4951.
    const magnitude = exp10 + digits.toString().length;
    if (magnitude > 5000 || magnitude < -5000) return null;
    r = exp10 >= 0 ? round(neg, digits * 10n ** BigInt(exp10), 1n, 0) : round(neg, digits, 10n ** BigInt(-exp10), 0);
  }
  return r.inf || r.m === 0n ? null : r;
}

/** a + b rounded to a long double; an infinity when either is one or the sum overflows. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) return INF;
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const emin = Math.min(a.e, b.e);
  const sa = (a.neg ? -a.m : a.m) << BigInt(a.e - emin);
  const sb = (b.neg ? -b.m : b.m) << BigInt(b.e - emin);
  const sum = sa + sb;
  if (sum === 0n) return { neg: false, m: 0n, e: 0, inf: false };
  const neg = sum < 0n;
  const abs = neg ? -sum : sum;
  return emin >= 0 ? round(neg, abs << BigInt(emin), 1n, 0) : round(neg, abs, 1n << BigInt(-emin), 0);
}

/** Formats a finite long double as Redis's LD_STR_HUMAN: "%.17Lf", trailing zeros and '.' removed, "-0" as "0". */
export function formatLongDouble(x: LongDouble): string {
  let n: bigint;
  if (x.e >= 0) {
    n = (x.m << BigInt(x.e)) * TEN17;
  } else {
    const num = x.m * TEN17;
    const k = BigInt(-x.e);
    n = num >> k;
    const low = num & ((1n << k) - 1n);
    const half = 1n << (k - 1n);
    if (low > half || (low === half && (n & 1n) === 1n)) n++;
  }
  const s = n.toString().padStart(18, '0');
  const int = s.slice(0, s.length - 17);
  let end = s.length;
  while (end > int.length && s.charCodeAt(end - 1) === 48 /* '0' */) end--;
  const frac = s.slice(int.length, end);
  const out = (x.neg ? '-' : '') + int + (frac.length > 0 ? '.' + frac : '');
  return out === '-0' ? '0' : out;
}
