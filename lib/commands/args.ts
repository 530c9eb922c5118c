// Argument parsing shared by the command families, with Redis's rules (util.c string2ll / string2ld).

const INT_RE = /^(0|-?[1-9]\d*)$/;
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a signed 64-bit integer as Redis's string2ll: no spaces, no '+', no leading zeros, no "-0". Returns null
 * when malformed or out of range. Values beyond 2^53 come back as bigint.
 */
export function parseInt64(s: string): number | bigint | null {
  if (s.length === 0 || s.length > 20 || !INT_RE.test(s)) return null;
  if (s.length < 16) return Number(s);
  const b = BigInt(s);
  if (b < INT64_MIN || b > INT64_MAX) return null;
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

/** parseInt64 restricted to safe integers (counts, offsets, times): null otherwise. */
export function parseSafeInt(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === 'number' ? v : null;
}

/** True when a (lower- or any-case) argument equals a keyword. */
export function is(arg: string, keyword: string): boolean {
  return arg.length === keyword.length && arg.toLowerCase() === keyword;
}

/** A C string's view of an argument: up to its first NUL byte (what Redis's strcasecmp and strlen see). */
export function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}
