// IEEE doubles as Redis 7.2 reads and prints them (sorted-set scores, GEO distances and coordinates).
//
// Reading: glibc's strtod, which Redis calls in two ways: string2d (ZADD scores, weights, increments:
// the whole string, no leading space, no overflow to an infinity or underflow to zero, no NaN) and
// zslParseRange (ZRANGEBYSCORE bounds: leading spaces allowed, overflow and underflow allowed, the
// string may end at a NUL byte, no NaN). Decimal text goes through Number(), which rounds correctly as
// strtod does; hexadecimal floats (0x1.8p3) are rounded here.
//
// Printing: util.c d2string, which addReplyDouble uses for every score reply: "inf", "-inf", "0", "-0",
// an integer printed as one when the double holds one within +-2^62, anything else by fpconv_dtoa (Grisu2,
// deps/fpconv in Redis 7.2). Grisu2 usually gives the shortest text that reads back exactly, but not
// always: its digits are reproduced here step by step (64-bit integer arithmetic on two 32-bit halves,
// checked against the C code on millions of random doubles by spec/util/double.spec.ts), so the bytes
// are Redis's. formatG17 is C's "%.17g" (ZSCAN of a skiplist-encoded sorted set, GEOPOS).

// ---------------------------------------------------------------------------------------------------------
// Reading

/** What strtod read from a string: the value, where it stopped, and whether it set ERANGE. */
export interface Strtod {
  value: number;
  /** Index after the last character used; `from` when nothing was converted (the value is then 0). */
  end: number;
  /** errno would be ERANGE: a finite literal overflowed to an infinity or a non-zero one underflowed to 0. */
  range: boolean;
}

const SPACE = /[ \t\n\v\f\r]/;
const DEC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?/;
const INF = /^[+-]?inf(?:inity)?/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?/i;
const NONZERO_DIGIT = /[1-9]/;

/** glibc strtod from index `from` of s (latin1): leading white space, sign, decimal, hex, inf/infinity, nan. */
export function strtod(s: string, from = 0): Strtod {
  let i = from;
  while (i < s.length && SPACE.test(s[i])) i++;
  const rest = s.slice(i);
  let m = HEX.exec(rest);
  if (m !== null) return hexFloat(m, i);
  m = DEC.exec(rest);
  if (m !== null) {
    const text = m[0];
    const value = Number(text);
    const mantissa = text.replace(/[eE].*$/, '');
    const range = (!Number.isFinite(value)) || (value === 0 && NONZERO_DIGIT.test(mantissa));
    return { value, end: i + text.length, range };
  }
  m = INF.exec(rest);
  if (m !== null) return { value: m[0][0] === '-' ? -Infinity : Infinity, end: i + m[0].length, range: false };
  m = NAN.exec(rest);
  if (m !== null) return { value: NaN, end: i + m[0].length, range: false };
  return { value: 0, end: from, range: false };
}

/** A hexadecimal float matched by HEX, rounded to the nearest double (ties to even, subnormals). */
function hexFloat(m: RegExpExecArray, at: number): Strtod {
  const neg = m[1] === '-';
  const [intPart, fracPart = ''] = m[2].split('.');
  const digits = (intPart + fracPart).replace(/^0+/, '');
  let exp2 = m[3] === undefined ? 0 : Number(m[3]);
  if (!Number.isFinite(exp2) || Math.abs(exp2) > 1e6) exp2 = exp2 > 0 ? 1e6 : -1e6;
  exp2 -= 4 * fracPart.length;
  const end = at + m[0].length;
  if (digits.length === 0) return { value: neg ? -0 : 0, end, range: false };
  const value = roundToDouble(BigInt('0x' + digits), exp2);
  const range = value === 0 || value === Infinity;
  return { value: neg ? -value : value, end, range };
}

function bitLength(x: bigint): number {
  return x.toString(2).length;
}

/** m * 2^e2 (m > 0) rounded to the nearest double, ties to even; Infinity when it overflows. */
export function roundToDouble(m: bigint, e2: number): number {
  const top = e2 + bitLength(m) - 1;
  if (top > 1024) return Infinity;
  if (top < -1080) return 0;
  const lsb = Math.max(top - 52, -1074);
  const shift = lsb - e2;
  let q: bigint;
  if (shift <= 0) q = m << BigInt(-shift);
  else {
    const s = BigInt(shift);
    q = m >> s;
    const rem = m & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  }
  if (q === 0n) return 0;
  if (lsb + bitLength(q) - 1 > 1023) return Infinity;
  return Number(q) * 2 ** lsb;
}

/**
 * A double as Redis's string2d (getDoubleFromObject: ZADD scores, ZINCRBY, WEIGHTS, GEO arguments):
 * null when empty, starting with white space, not wholly a number, NaN, or out of range (overflow to an
 * infinity, underflow to zero). "inf", "-inf", "infinity" are accepted.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || SPACE.test(s[0])) return null;
  const r = strtod(s);
  if (r.end !== s.length || r.range || Number.isNaN(r.value)) return null;
  return r.value;
}

/**
 * A bound of ZRANGEBYSCORE & co. as zslParseRange reads it: strtod from `from`, which may skip leading
 * white space and read nothing at all (the empty string is 0), followed by the end of the string or a NUL
 * byte (C stops there); null when something else follows or the value is NaN. Overflow gives an infinity.
 */
export function parseRangeDouble(s: string, from: number): number | null {
  const r = strtod(s, from);
  if ((r.end !== s.length && s.charCodeAt(r.end) !== 0) || Number.isNaN(r.value)) return null;
  return r.value;
}

// ---------------------------------------------------------------------------------------------------------
// Printing

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** Index of the high word in U32 (little-endian machines: 1). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;
/** 2^62 as a double: d2string prints integers up to LLONG_MAX/2 as integers. */
const LL_HALF = 4611686018427387904;

/**
 * A double as Redis 7.2's d2string prints it (every RESP2 score bulk and RESP3 double): "inf", "-inf",
 * "-0", integers within +-2^62 in full, else Grisu2's digits as fpconv_dtoa lays them out ("0.1",
 * "1.5e-7", "1e+300", "3.0000000000000004"). NaN prints "nan" (never stored).
 */
export function formatDouble(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && d >= -LL_HALF && d <= LL_HALF) {
    return Number.isSafeInteger(d) ? String(d) : BigInt(d).toString();
  }
  return fpconv(d);
}

/** C's printf("%.17g", d): ZSCAN's scores of a skiplist-encoded sorted set, GEOPOS. */
export function formatG17(d: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const a = neg ? -d : d;
  // 17 significant digits correctly rounded; V8 rounds an exact tie away from zero where glibc rounds
  // it to even, so a tie (digits 18+ exactly "5") is settled on the exact value.
  const e = a.toExponential(16);
  const at = e.indexOf('e');
  let digits = e.slice(0, at).replace('.', '');
  let x = Number(e.slice(at + 1));
  const wide = a.toExponential(30);
  if (wide[18] === '5' && /^0*$/.test(wide.slice(19, wide.indexOf('e')))) {
    const r = roundExact(a, 17);
    digits = r.digits;
    x = r.exp;
  }
  return (neg ? '-' : '') + layoutG(digits, x, 17);
}

/** The exact decimal value of a positive finite double rounded to `n` significant digits, ties to even. */
function roundExact(a: number, n: number): { digits: string; exp: number } {
  F64[0] = a;
  const hi = U32[HI];
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(U32[LO]);
  let e2 = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    e2 = biased - 1075;
  }
  // a = m * 2^e2 = num * 10^-scale exactly
  let num: bigint;
  let scale: number;
  if (e2 >= 0) {
    num = m << BigInt(e2);
    scale = 0;
  } else {
    num = m * 5n ** BigInt(-e2);
    scale = -e2;
  }
  const all = num.toString();
  const exp = all.length - 1 - scale;
  if (all.length <= n) return { digits: all.padEnd(n, '0'), exp };
  let head = BigInt(all.slice(0, n));
  const rest = all.slice(n);
  const firstDropped = rest.charCodeAt(0) - 48;
  const beyond = /[1-9]/.test(rest.slice(1));
  if (firstDropped > 5 || (firstDropped === 5 && (beyond || (head & 1n) === 1n))) head++;
  let digits = head.toString();
  let e = exp;
  if (digits.length > n) {
    digits = digits.slice(0, n);
    e++;
  }
  return { digits, exp: e };
}

/** %g's layout of `p` significant digits d.ddd x 10^x: trailing zeros dropped, exponent form below 1e-4 or from 10^p. */
function layoutG(digits: string, x: number, p: number): string {
  if (x < -4 || x >= p) {
    let mant = digits[0];
    const frac = digits.slice(1).replace(/0+$/, '');
    if (frac.length > 0) mant += '.' + frac;
    const ax = Math.abs(x);
    return `${mant}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' : ''}${ax}`;
  }
  if (x >= 0) {
    const int = digits.slice(0, x + 1);
    const frac = digits.slice(x + 1).replace(/0+$/, '');
    return frac.length > 0 ? `${int}.${frac}` : int;
  }
  return '0.' + ('0'.repeat(-x - 1) + digits).replace(/0+$/, '');
}

// Grisu2 (fpconv_dtoa.c) on unsigned 64-bit integers held as two 32-bit halves (hi, lo), each in [0, 2^32).

/** Cached powers of ten: 87 normalized 64-bit mantissas (hi, lo halves) and binary exponents, 10^-348 ... 10^340 step 8. */
const POW_HI = new Uint32Array(87);
const POW_LO = new Uint32Array(87);
const POW_E = new Int32Array(87);
{
  const pairs: [string, number][] = [
    ['18054884314459144840', -1220], ['13451937075301367670', -1193], ['10022474136428063862', -1166], ['14934650266808366570', -1140],
    ['11127181549972568877', -1113], ['16580792590934885855', -1087], ['12353653155963782858', -1060], ['18408377700990114895', -1034],
    ['13715310171984221708', -1007], ['10218702384817765436', -980], ['15227053142812498563', -954], ['11345038669416679861', -927],
    ['16905424996341287883', -901], ['12595523146049147757', -874], ['9384396036005875287', -847], ['13983839803942852151', -821],
    ['10418772551374772303', -794], ['15525180923007089351', -768], ['11567161174868858868', -741], ['17236413322193710309', -715],
    ['12842128665889583758', -688], ['9568131466127621947', -661], ['14257626930069360058', -635], ['10622759856335341974', -608],
    ['15829145694278690180', -582], ['11793632577567316726', -555], ['17573882009934360870', -529], ['13093562431584567480', -502],
    ['9755464219737475723', -475], ['14536774485912137811', -449], ['10830740992659433045', -422], ['16139061738043178685', -396],
    ['12024538023802026127', -369], ['17917957937422433684', -343], ['13349918974505688015', -316], ['9946464728195732843', -289],
    ['14821387422376473014', -263], ['11042794154864902060', -236], ['16455045573212060422', -210], ['12259964326927110867', -183],
    ['18268770466636286478', -157], ['13611294676837538539', -130], ['10141204801825835212', -103], ['15111572745182864684', -77],
    ['11258999068426240000', -50], ['16777216000000000000', -24], ['12500000000000000000', 3], ['9313225746154785156', 30],
    ['13877787807814456755', 56], ['10339757656912845936', 83], ['15407439555097886824', 109], ['11479437019748901445', 136],
    ['17105694144590052135', 162], ['12744735289059618216', 189], ['9495567745759798747', 216], ['14149498560666738074', 242],
    ['10542197943230523224', 269], ['15709099088952724970', 295], ['11704190886730495818', 322], ['17440603504673385349', 348],
    ['12994262207056124023', 375], ['9681479787123295682', 402], ['14426529090290212157', 428], ['10748601772107342003', 455],
    ['16016664761464807395', 481], ['11933345169920330789', 508], ['17782069995880619868', 534], ['13248674568444952270', 561],
    ['9871031767461413346', 588], ['14708983551653345445', 614], ['10959046745042015199', 641], ['16330252207878254650', 667],
    ['12166986024289022870', 694], ['18130221999122236476', 720], ['13508068024458167312', 747], ['10064294952495520794', 774],
    ['14996968138956309548', 800], ['11173611982879273257', 827], ['16649979327439178909', 853], ['12405201291620119593', 880],
    ['9242595204427927429', 907], ['13772540099066387757', 933], ['10261342003245940623', 960], ['15290591125556738113', 986],
    ['11392378155556871081', 1013], ['16975966327722178521', 1039], ['12648080533535911531', 1066],
  ];
  pairs.forEach(([frac, e], i) => {
    const b = BigInt(frac);
    POW_HI[i] = Number(b >> 32n);
    POW_LO[i] = Number(b & 0xffffffffn);
    POW_E[i] = e;
  });
}

const TWO32 = 4294967296;
/** Registers the 64-bit helpers return through (typed: no boxed numbers): S hi/lo, P hi/lo, R hi/lo, K. */
const REG = new Float64Array(7);

/** 64x64 -> 64: the high half of a*b rounded (fpconv's multiply), into REG[4]/REG[5]. */
function mulHigh(ah: number, al: number, bh: number, bl: number): void {
  // Products of 32-bit halves, each split into 32-bit halves exactly (16-bit limbs keep them below 2^53).
  mul32(ah, bl);
  const ahblH = REG[2];
  const ahblL = REG[3];
  mul32(al, bh);
  const albhH = REG[2];
  const albhL = REG[3];
  mul32(al, bl);
  const albl_H = REG[2];
  mul32(ah, bh);
  const ahbhH = REG[2];
  const ahbhL = REG[3];
  const tmp = ahblL + albhL + albl_H + 2147483648; // < 2^34
  const carry = Math.floor(tmp / TWO32);
  // ah_bh + (ah_bl >> 32) + (al_bh >> 32) + (tmp >> 32), as a 64-bit value (ahbh is hi:lo).
  let lo = ahbhL + ahblH + albhH + carry; // < 2^35
  const c2 = Math.floor(lo / TWO32);
  lo -= c2 * TWO32;
  let hi = ahbhH + c2;
  if (hi >= TWO32) hi -= TWO32;
  REG[4] = hi;
  REG[5] = lo;
}

/** a*b for 32-bit unsigned a and b as a 64-bit (REG[2], REG[3]). */
function mul32(a: number, b: number): void {
  const bh = b >>> 16;
  const bl = b & 0xffff;
  const x = a * bl; // < 2^48
  const y = a * bh; // < 2^48, weight 2^16
  // total = x + y * 2^16
  const yh = Math.floor(y / 65536); // < 2^32
  const yl = (y - yh * 65536) * 65536; // low 16 bits of y, shifted: < 2^32
  let lo = x + yl; // < 2^49
  const c = Math.floor(lo / TWO32);
  lo -= c * TWO32;
  REG[2] = yh + c;
  REG[3] = lo;
}

/** Shift a 64-bit (hi, lo) left by n (0..63), keeping 64 bits: into REG[0]/REG[1]. */
function shl(hi: number, lo: number, n: number): void {
  if (n === 0) {
    REG[0] = hi;
    REG[1] = lo;
  } else if (n >= 32) {
    REG[0] = n === 32 ? lo : (lo << (n - 32)) >>> 0;
    REG[1] = 0;
  } else {
    REG[0] = ((hi << n) | (lo >>> (32 - n))) >>> 0;
    REG[1] = (lo << n) >>> 0;
  }
}

const DIGITS: number[] = new Array<number>(24).fill(0);

/** Grisu2 on a finite non-zero double: fills DIGITS, returns its length; REG[6] is the decimal exponent. */
function grisu2(d: number): number {
  F64[0] = d;
  const bhi = U32[HI];
  const blo = U32[LO];
  const biased = (bhi >>> 20) & 0x7ff;
  // build_fp: frac (53 bits as hi:lo, hi < 2^21), exp
  let fhi = bhi & 0xfffff;
  const flo = blo;
  let exp: number;
  if (biased !== 0) {
    fhi += 0x100000;
    exp = biased - 1075;
  } else exp = -1074;
  const isHidden = fhi === 0x100000 && flo === 0;
  // get_normalized_boundaries: upper = (frac << 1) + 1, exp - 1, shifted until bit 53 is set, then << 10.
  shl(fhi, flo, 1);
  let uhi = REG[0];
  let ulo = REG[1] + 1; // low bit was 0: no carry
  let ue = exp - 1;
  while ((uhi & 0x200000) === 0) {
    shl(uhi, ulo, 1);
    uhi = REG[0];
    ulo = REG[1];
    ue--;
  }
  shl(uhi, ulo, 10);
  uhi = REG[0];
  ulo = REG[1];
  ue -= 10;
  const lshift = isHidden ? 2 : 1;
  shl(fhi, flo, lshift);
  let lhi = REG[0];
  let llo = REG[1];
  // minus one
  if (llo === 0) {
    llo = 0xffffffff;
    lhi = (lhi - 1) >>> 0;
  } else llo -= 1;
  const le = exp - lshift;
  shl(lhi, llo, le - ue);
  lhi = REG[0];
  llo = REG[1];
  // normalize(w): shift until bit 52 is set, then << 11
  let whi = fhi;
  let wlo = flo;
  let we = exp;
  while ((whi & 0x100000) === 0) {
    shl(whi, wlo, 1);
    whi = REG[0];
    wlo = REG[1];
    we--;
  }
  shl(whi, wlo, 11);
  whi = REG[0];
  wlo = REG[1];
  we -= 11;
  // find_cachedpow10(upper.exp)
  const approx = Math.trunc(-(ue + 87) * 0.30102999566398114);
  let idx = Math.trunc((approx + 348) / 8);
  for (;;) {
    const current = ue + POW_E[idx] + 64;
    if (current < -60) idx++;
    else if (current > -32) idx--;
    else break;
  }
  const k = -348 + idx * 8;
  const ph = POW_HI[idx];
  const pl = POW_LO[idx];
  const pe = POW_E[idx];
  mulHigh(whi, wlo, ph, pl);
  whi = REG[4];
  wlo = REG[5];
  we = we + pe + 64;
  mulHigh(uhi, ulo, ph, pl);
  uhi = REG[4];
  ulo = REG[5];
  ue = ue + pe + 64;
  mulHigh(lhi, llo, ph, pl);
  lhi = REG[4];
  llo = REG[5];
  // lower.frac++ ; upper.frac--
  if (llo === 0xffffffff) {
    llo = 0;
    lhi = (lhi + 1) >>> 0;
  } else llo += 1;
  if (ulo === 0) {
    ulo = 0xffffffff;
    uhi = (uhi - 1) >>> 0;
  } else ulo -= 1;
  REG[6] = -k;
  void we;
  return generateDigits(whi, wlo, uhi, ulo, ue, lhi, llo);
}

// The digit loop on 64-bit values as (hi, lo) pairs; arithmetic wraps modulo 2^64 as C's uint64_t does.

/** 10^i as (hi, lo) pairs, i = 0..19 (fpconv's `tens`, read from the end). */
const TEN_HI = new Uint32Array(20);
const TEN_LO = new Uint32Array(20);
for (let i = 0; i < 20; i++) {
  const b = 10n ** BigInt(i);
  TEN_HI[i] = Number(b >> 32n);
  TEN_LO[i] = Number(b & 0xffffffffn);
}

/** Compares (ah, al) with (bh, bl): negative, 0 or positive. */
function cmp64(ah: number, al: number, bh: number, bl: number): number {
  return ah !== bh ? ah - bh : al - bl;
}

/** (ah, al) - (bh, bl) mod 2^64 into REG[0]/REG[1]. */
function sub64(ah: number, al: number, bh: number, bl: number): void {
  let lo = al - bl;
  let hi = ah - bh;
  if (lo < 0) {
    lo += TWO32;
    hi -= 1;
  }
  REG[0] = hi < 0 ? hi + TWO32 : hi;
  REG[1] = lo;
}

/** (ah, al) + (bh, bl) mod 2^64 into REG[0]/REG[1]. */
function add64(ah: number, al: number, bh: number, bl: number): void {
  let lo = al + bl;
  let hi = ah + bh;
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  REG[0] = hi >= TWO32 ? hi - TWO32 : hi;
  REG[1] = lo;
}

/** (ah, al) * (bh, bl) mod 2^64 into REG[0]/REG[1]. */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  mul32(al, bl);
  REG[0] = (Math.imul(ah, bl) + Math.imul(al, bh) + REG[2]) >>> 0;
  REG[1] = REG[3];
}

/** (hi, lo) * 10 mod 2^64 into REG[0]/REG[1]. */
function mul10(hi: number, lo: number): void {
  const l = lo * 10;
  const carry = Math.floor(l / TWO32);
  REG[1] = l - carry * TWO32;
  const h = hi * 10 + carry;
  REG[0] = h - Math.floor(h / TWO32) * TWO32;
}

function generateDigits(whi: number, wlo: number, uhi: number, ulo: number, ue: number, lhi: number, llo: number): number {
  sub64(uhi, ulo, whi, wlo);
  const wfH = REG[0];
  const wfL = REG[1];
  sub64(uhi, ulo, lhi, llo);
  let dH = REG[0];
  let dL = REG[1];
  const sh = -ue - 32; // one.exp = ue in [-60, -32]: the binary point sits sh bits into the high word
  const oneH = 1 << sh; // sh <= 28
  const fracMaskH = oneH - 1;
  let part1 = Math.floor(uhi / oneH); // upper >> -ue: < 2^32
  let p2H = uhi & fracMaskH;
  let p2L = ulo;
  let n = 0;
  let kappa = 10;
  for (let di = 9; kappa > 0; di--) {
    const div = TEN_LO[di]; // 10^9 .. 10^0, all below 2^32
    const digit = Math.floor(part1 / div);
    if (digit !== 0 || n > 0) DIGITS[n++] = digit;
    part1 -= digit * div;
    kappa--;
    const tH = part1 * oneH + p2H; // (part1 << -ue) + part2: below upper, so below 2^64
    if (cmp64(tH, p2L, dH, dL) <= 0) {
      REG[6] += kappa;
      roundDigit(n, dH, dL, tH, p2L, (div << sh) >>> 0, 0, wfH, wfL);
      return n;
    }
  }
  let unit = 1;
  for (;;) {
    mul10(p2H, p2L);
    p2H = REG[0];
    p2L = REG[1];
    mul10(dH, dL);
    dH = REG[0];
    dL = REG[1];
    kappa--;
    const digit = Math.floor(p2H / oneH);
    if (digit !== 0 || n > 0) DIGITS[n++] = digit;
    p2H = p2H & fracMaskH;
    if (cmp64(p2H, p2L, dH, dL) < 0) {
      REG[6] += kappa;
      mul64(wfH, wfL, TEN_HI[unit], TEN_LO[unit]);
      roundDigit(n, dH, dL, p2H, p2L, oneH, 0, REG[0], REG[1]);
      return n;
    }
    unit++;
  }
}

/** fpconv's round_digit: moves the last digit down while that brings the result closer to w. */
function roundDigit(n: number, dH: number, dL: number, rH: number, rL: number, kH: number, kL: number, fH: number, fL: number): void {
  for (;;) {
    if (cmp64(rH, rL, fH, fL) >= 0) return;
    sub64(dH, dL, rH, rL);
    if (cmp64(REG[0], REG[1], kH, kL) < 0) return;
    add64(rH, rL, kH, kL);
    const rkH = REG[0];
    const rkL = REG[1];
    if (cmp64(rkH, rkL, fH, fL) >= 0) {
      sub64(fH, fL, rH, rL);
      const aH = REG[0];
      const aL = REG[1];
      sub64(rkH, rkL, fH, fL);
      if (cmp64(aH, aL, REG[0], REG[1]) <= 0) return;
    }
    DIGITS[n - 1]--;
    rH = rkH;
    rL = rkL;
  }
}

/** fpconv_dtoa for a finite, non-zero double. */
function fpconv(d: number): string {
  const neg = d < 0;
  const n = grisu2(neg ? -d : d);
  let digits = '';
  for (let i = 0; i < n; i++) digits += String.fromCharCode(48 + DIGITS[i]);
  return (neg ? '-' : '') + emitDigits(digits, n, REG[6], neg);
}

function emitDigits(digits: string, ndigits: number, K: number, neg: boolean): string {
  let exp = Math.abs(K + ndigits - 1);
  if (K >= 0 && exp < ndigits + 7) return digits + '0'.repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = ndigits - Math.abs(K);
    if (offset <= 0) return '0.' + '0'.repeat(-offset) + digits;
    return digits.slice(0, offset) + '.' + digits.slice(offset);
  }
  ndigits = Math.min(ndigits, 18 - (neg ? 1 : 0));
  let out = digits[0];
  if (ndigits > 1) out += '.' + digits.slice(1, ndigits);
  out += 'e' + (K + ndigits - 1 < 0 ? '-' : '+');
  let cent = 0;
  if (exp > 99) {
    cent = Math.floor(exp / 100);
    out += String(cent);
    exp -= cent * 100;
  }
  if (exp > 9) {
    const dec = Math.floor(exp / 10);
    out += String(dec);
    exp -= dec * 10;
  } else if (cent) out += '0';
  return out + String(exp % 10);
}

// ---------------------------------------------------------------------------------------------------------
// Fixed-point printing (GEO replies, the invalid longitude,latitude error)

/**
 * C's printf("%.<n>f", d): n decimals of the exact value, an exact tie rounded to even (glibc), where
 * V8's toFixed would round it away from zero. A tie happens only for an odd multiple of 2^-(n+1).
 */
export function formatFixed(d: number, n: number): string {
  if (d !== d) return d < 0 ? '-nan' : 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  let out: string;
  if (a >= 1e21) out = BigInt(a).toString() + (n > 0 ? '.' + '0'.repeat(n) : '');
  else {
    const scaled = a * 2 ** (n + 1);
    if (Number.isInteger(scaled) && scaled % 2 === 1) {
      // An exact tie: n + 1 decimals are exact, the last one a 5; keep or round up to make the last even.
      const exact = a.toFixed(n + 1);
      const kept = exact.slice(0, -1).replace(/\.$/, '');
      const last = kept.charCodeAt(kept.length - 1) - 48;
      out = last % 2 === 0 ? kept : a.toFixed(n);
    } else out = a.toFixed(n);
  }
  return neg ? '-' + out : out;
}

/**
 * ld2string(LD_STR_HUMAN) of a double, as addReplyHumanLongDouble prints GEOPOS and WITHCOORD: "%.17Lf"
 * with trailing zeros (and a trailing '.') dropped, "-0" printed "0".
 */
export function formatHuman(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d !== d) return 'nan';
  let s = formatFixed(d, 17);
  if (s.indexOf('.') >= 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** rint: to the nearest integer, ties to even (C's llrint in the default rounding mode). */
function rintEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * fixedpoint_d2string(d, digits) of Redis 7.2 (util.c), as GEODIST and WITHDIST print distances:
 * llrint(d * 10^digits) written with `digits` decimals ("0.0000" for 0).
 */
export function formatFixedPoint(d: number, digits: number): string {
  if (d === 0) return '0.' + '0'.repeat(digits);
  const v = rintEven(d * 10 ** digits);
  const neg = v < 0;
  let s = (Number.isSafeInteger(Math.abs(v)) ? String(Math.abs(v)) : BigInt(Math.abs(v)).toString()).padStart(digits + 1, '0');
  s = s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
  return neg ? '-' + s : s;
}
