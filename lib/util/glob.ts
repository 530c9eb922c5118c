// Glob-style matching as Redis's stringmatchlen (util.c): * ? [abc] [^a] [a-z] and \ escapes, used by
// KEYS, SCAN MATCH and CONFIG GET.

/** True when `s` matches `pattern`. nocase compares ASCII letters case-insensitively. */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  skipLonger = false;
  return matchAt(pattern, 0, s, 0, nocase, 0);
}

/**
 * Set once the rest of a pattern after some '*' matched nowhere in the rest of the subject: then no
 * earlier '*' can help by matching more, and every pending '*' gives up (Redis's skipLongerMatches).
 * Without it `*a*a*a...` against a long subject takes exponential time. Module state: matching is
 * synchronous, and globMatch resets it.
 */
let skipLonger = false;

const MAX_NESTING = 1000;

function lower(c: string, nocase: boolean): string {
  return nocase ? c.toLowerCase() : c;
}

function matchAt(p: string, pi: number, s: string, si: number, nocase: boolean, depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  while (pi < p.length) {
    const c = p[pi];
    switch (c) {
      case '*': {
        while (pi + 1 < p.length && p[pi + 1] === '*') pi++;
        if (pi + 1 === p.length) return true;
        for (let k = si; k <= s.length; k++) {
          if (matchAt(p, pi + 1, s, k, nocase, depth + 1)) return true;
          if (skipLonger) return false;
        }
        skipLonger = true;
        return false;
      }
      case '?':
        if (si >= s.length) return false;
        si++;
        break;
      case '[': {
        if (si >= s.length) return false;
        pi++;
        const not = p[pi] === '^';
        if (not) pi++;
        let matched = false;
        for (;;) {
          if (pi >= p.length) {
            pi--; // unterminated class: Redis treats the end as the class end
            break;
          }
          if (p[pi] === '\\' && pi + 1 < p.length) {
            pi++;
            if (lower(p[pi], nocase) === lower(s[si], nocase)) matched = true;
          } else if (p[pi] === ']') {
            break;
          } else if (pi + 2 < p.length && p[pi + 1] === '-') {
            let start = lower(p[pi], nocase);
            let end = lower(p[pi + 2], nocase);
            if (start > end) [start, end] = [end, start];
            const ch = lower(s[si], nocase);
            pi += 2;
            if (ch >= start && ch <= end) matched = true;
          } else if (lower(p[pi], nocase) === lower(s[si], nocase)) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default:
        if (c === '\\' && pi + 1 < p.length) pi++; // an escaped char matches literally
        if (si >= s.length || lower(p[pi], nocase) !== lower(s[si], nocase)) return false;
        si++;
    }
    pi++;
  }
  return si === s.length;
}
