// Longest common subsequence for LCS, as Redis's t_string.c lcsCommand computes it (the same table, the
// same backtracking, hence the same string and the same match ranges when several LCS exist).

export interface LcsResult {
  /** Length of the LCS. */
  len: number;
  /** The LCS itself ('' unless asked for). */
  str: string;
  /**
   * Matched ranges from the end of the strings backwards, 5 numbers each: start and end in a, start
   * and end in b, length. Only ranges of at least minMatchLen bytes; empty unless asked for.
   */
  ranges: number[];
}

/** Bytes the LCS table of two strings takes (Redis compares it with proto-max-bulk-len). */
export function lcsTableBytes(alen: number, blen: number): number {
  return (alen + 1) * (blen + 1) * 4;
}

/**
 * The LCS of byte strings a and b. `backtrack`: compute the string and the ranges (not needed for LEN).
 * Throws a RangeError when the table cannot be allocated.
 */
export function lcs(a: string, b: string, backtrack: boolean, minMatchLen: number): LcsResult {
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  const t = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) t[row + j] = t[prev + j - 1] + 1;
      else {
        const l1 = t[prev + j];
        const l2 = t[row + j - 1];
        t[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const len = t[alen * w + blen];
  const ranges: number[] = [];
  if (!backtrack) return { len, str: '', ranges };

  const out = new Array<string>(len);
  let idx = len;
  // aStart === alen means "no range open", as in Redis.
  let aStart = alen;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (minMatchLen === 0 || matchLen >= minMatchLen) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }
  return { len, str: out.join(''), ranges };
}
