// SORT and SORT_RO (Redis 7.2 sort.c): sort the elements of a list, a set or a sorted set numerically or
// (ALPHA) by bytes, by the elements themselves or by keys made from a pattern (BY weight_* and hash fields
// BY h_*->field; BY without a '*' does not sort), with LIMIT, ASC/DESC, GET patterns (# for the element
// itself) and STORE (the result as a list).
//
// The types are reached through sortElements(): the elements of a value of each sortable type in its
// native order (lists head to tail, sets in their iteration order, sorted sets by score).
//
// Redis details kept: a set sorted with BY <constant> for STORE is sorted ALPHA instead (so that the stored
// result is deterministic); a list or sorted set with BY <constant> keeps its own order (DESC reverses it,
// LIMIT takes a range of it); a set with BY <constant> comes in its iteration order (DESC ignored);
// numeric ties are broken by comparing the elements' bytes; a missing BY key weighs 0 (numeric) or sorts
// first (ALPHA); a BY value that is not a number (C's strtod with nothing left over) fails the whole
// command with "One or more scores can't be converted into double"; GET of a missing key gives nil (an
// empty string in a STORE result). In cluster mode a BY with a '*' and any GET are refused, with Redis
// 7.2's texts. ALPHA without STORE compares like strcoll in the C locale (bytes, up to a NUL byte); with
// STORE it compares whole binary strings, as Redis.
import * as E from '../protocol/errors';
import { HashValue } from '../store/hash';
import { ListValue } from '../store/list';
import { SetValue } from '../store/set';
import { ZSetValue } from '../store/zset';
import { stringPayload, type Collection, type Value } from '../store/value';
import { is, parseInt64 } from './args';
import type { Session as Client } from './types';
import { declarer, type CommandSpec } from './types';

// ---- the sortable types ----

/** A list's elements head to tail. */
function listElements(v: Collection): string[] {
  return (v as ListValue).toArray();
}
/**
 * A sorted set's members by ascending score; as Redis's SORT, the value becomes a skiplist for good
 * (zsetConvert).
 */
function zsetElements(v: Collection): string[] {
  const z = v as ZSetValue;
  z.toSkiplist();
  const items: string[] = [];
  z.forEach((m) => void items.push(m));
  return items;
}
/**
 * The list SORT ... STORE stores: pushed as Redis pushes them into a new list, with the encoding that
 * gives (listpack while it fits one node of list-max-listpack-size).
 */
function makeList(items: string[], config: Client['config']): Collection {
  const l = new ListValue();
  let bytes = 0;
  for (const e of items) bytes += e.length;
  l.growing(config.num('list-max-listpack-size'), bytes, items.length);
  for (const e of items) l.pushTail(e);
  return l;
}

type SortKind = 'list' | 'set' | 'zset';

/** The elements of a sortable value in its native order, or null when its type cannot be sorted (WRONGTYPE). */
export function sortElements(v: Value): { kind: SortKind; items: string[] } | null {
  if (typeof v === 'string') return null;
  switch (v.type) {
    case 'set':
      return { kind: 'set', items: (v as SetValue).toArray() };
    case 'list':
      return { kind: 'list', items: listElements(v) };
    case 'zset':
      return { kind: 'zset', items: zsetElements(v) };
    default:
      return null;
  }
}

// ---- numbers and comparisons as C does them ----

const DEC_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)([pP][+-]?\d+)?$/;
const INF_RE = /^[+-]?(inf|infinity)$/i;
const NAN_RE = /^[+-]?nan(\([0-9A-Za-z_]*\))?$/i;
/** Smallest normal double: a nonzero result below it is an underflow (ERANGE) for glibc's strtod. */
const DBL_MIN = 2.2250738585072014e-308;

/**
 * The double SORT weighs a value by: C's strtod over the whole string (up to a NUL byte, as C sees it),
 * leading blanks allowed, nothing left over. null where Redis flags "can't be converted": trailing bytes,
 * no number, NaN, or out of range (overflow to infinity, underflow below the smallest normal double).
 * The empty string is 0 (strtod stops at once on the terminating NUL).
 */
export function sortScore(raw: string): number | null {
  const nul = raw.indexOf('\x00');
  const s = nul >= 0 ? raw.slice(0, nul) : raw;
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  if (INF_RE.test(t)) return t[0] === '-' ? -Infinity : Infinity;
  if (NAN_RE.test(t)) return null;
  let v: number;
  const hex = HEX_RE.exec(t);
  if (hex !== null) v = hexFloat(hex[1] === '-', hex[2], hex[3]);
  else if (DEC_RE.test(t)) v = Number(t);
  else return null;
  if (!Number.isFinite(v)) return null;
  if (v !== 0 && Math.abs(v) < DBL_MIN) return null;
  if (v === 0 && /[1-9a-fA-F]/.test(hex !== null ? hex[2] : t.replace(/[eE].*$/, ''))) return null;
  return v;
}

/** A hexadecimal float (mantissa digits with an optional point, optional binary exponent). */
function hexFloat(neg: boolean, mant: string, exp: string | undefined): number {
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const frac = dot < 0 ? 0 : mant.length - dot - 1;
  let e = (exp === undefined ? 0 : parseInt(exp.slice(1), 10)) - 4 * frac;
  // Exact digits as a BigInt, then scaled: Number(bigint) rounds to nearest like strtod.
  let m = digits === '' ? 0n : BigInt('0x' + digits);
  if (m === 0n) return neg ? -0 : 0;
  // Keep 64 significant bits plus a sticky bit so the final rounding is right.
  const bits = m.toString(2).length;
  if (bits > 64) {
    const drop = BigInt(bits - 64);
    const sticky = (m & ((1n << drop) - 1n)) !== 0n ? 1n : 0n;
    m = (m >> drop) | sticky;
    e += Number(drop);
  }
  const v = Number(m) * Math.pow(2, e);
  return neg ? -v : v;
}

/** memcmp, then length: Redis's compareStringObjects (binary). */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: bytes up to the first NUL. */
function compareC(a: string, b: string): number {
  const na = a.indexOf('\x00');
  const nb = b.indexOf('\x00');
  return compareBytes(na >= 0 ? a.slice(0, na) : a, nb >= 0 ? b.slice(0, nb) : b);
}

// ---- patterns ----

/**
 * Redis's lookupKeyByPattern: '#' is the element itself; otherwise the first '*' of the pattern is
 * replaced by the element to name a key, and a '->' after that '*' (with a field after it) names a field of
 * a hash there. The value, or null when the pattern has no '*', the key is missing, is not a string (no
 * field) or not a hash (a field), or the field is missing.
 */
function byPattern(c: Client, pattern: string, elem: string): string | null {
  if (pattern === '#') return elem;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow >= 0 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const key = pattern.slice(0, star) + elem + pattern.slice(star + 1, field !== null ? arrow : pattern.length);
  const s = c.db.lookupRead(key);
  if (s < 0) return null;
  const v = c.db.valueAt(s);
  if (field === null) return typeof v === 'string' ? stringPayload(v) : null;
  if (!(v instanceof HashValue)) return null;
  return v.get(field, c.clock.now()) ?? null;
}

// ---- the command ----

/** A LIMIT argument clamped to what matters (|n| beyond any length): Redis's long, without overflow. */
function clampLong(n: number | bigint): number {
  if (typeof n === 'number') return n;
  return n > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
 * (SORT_RO: without STORE). The elements (or, with GET, the values the patterns give, nil when missing),
 * or with STORE the number of values stored as a list at destination (none: destination deleted). Errors,
 * in Redis's order: syntax error (unknown or incomplete option; STORE in SORT_RO), value is not an
 * integer (LIMIT), BY / GET option of SORT denied in Cluster mode, WRONGTYPE (a string or hash),
 * One or more scores can't be converted into double.
 */
function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  const cluster = c.node.cluster !== null;
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (is(a, 'asc')) desc = false;
    else if (is(a, 'desc')) desc = true;
    else if (is(a, 'alpha')) alpha = true;
    else if (is(a, 'limit') && left >= 2) {
      const start = parseInt64(argv[j + 1]);
      const count = start === null ? null : parseInt64(argv[j + 2]);
      if (start === null || count === null) return c.out.error(E.ERR_NOT_INTEGER);
      limitStart = clampLong(start);
      limitCount = clampLong(count);
      j += 2;
    } else if (!readonly && is(a, 'store') && left >= 1) {
      storekey = argv[++j];
    } else if (is(a, 'by') && left >= 1) {
      sortby = argv[j + 1];
      // A pattern without '*' is constant: nothing to sort by (and this stays so, even after another BY).
      if (!sortby.includes('*')) dontsort = true;
      else if (cluster) return c.out.error(E.ERR_SORT_BY_CLUSTER);
      j++;
    } else if (is(a, 'get') && left >= 1) {
      if (cluster) return c.out.error(E.ERR_SORT_GET_CLUSTER);
      gets.push(argv[++j]);
    } else return c.out.error(E.ERR_SYNTAX);
  }

  let kind: SortKind = 'list';
  let items: string[] = [];
  const s = c.db.lookupRead(argv[1]);
  if (s >= 0) {
    const got = sortElements(c.db.valueAt(s));
    if (got === null) return c.out.error(E.ERR_WRONGTYPE);
    kind = got.kind;
    items = got.items;
  }
  // A set has no order of its own: sorted ALPHA for STORE, so that the stored list is deterministic.
  if (dontsort && kind === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  const n = items.length;
  let start = Math.min(Math.max(limitStart, 0), n);
  const count = Math.min(Math.max(limitCount, -1), n);
  let end = count < 0 ? n - 1 : start + count - 1;
  if (start >= n) {
    start = n - 1;
    end = n - 2;
  }
  if (end >= n) end = n - 1;

  let vector = items;
  let scoreError = false;
  if (dontsort) {
    // A list or sorted set keeps its order, reversed by DESC; a set its iteration order.
    if (kind !== 'set' && desc) vector = items.slice().reverse();
  } else {
    const scores = new Float64Array(n);
    const cmp: (string | null)[] | null = alpha && sortby !== null ? new Array<string | null>(n).fill(null) : null;
    if (!alpha || sortby !== null) {
      for (let i = 0; i < n; i++) {
        const by = sortby !== null ? byPattern(c, sortby, items[i]) : items[i];
        if (by === null) continue;
        if (cmp !== null) cmp[i] = by;
        else {
          const v = sortScore(by);
          if (v === null) scoreError = true;
          else scores[i] = v;
        }
      }
    }
    const order = Array.from({ length: n }, (_, i) => i);
    const sign = desc ? -1 : 1;
    const bytes = storekey !== null;
    let compare: (x: number, y: number) => number;
    if (!alpha) {
      compare = (x, y) => sign * (scores[x] > scores[y] ? 1 : scores[x] < scores[y] ? -1 : compareBytes(items[x], items[y]));
    } else if (cmp !== null) {
      compare = (x, y) => {
        const p = cmp[x];
        const q = cmp[y];
        const r = p === null || q === null ? (p === q ? 0 : p === null ? -1 : 1) : bytes ? compareBytes(p, q) : compareC(p, q);
        return sign * r;
      };
    } else {
      compare = (x, y) => sign * (bytes ? compareBytes(items[x], items[y]) : compareC(items[x], items[y]));
    }
    order.sort(compare);
    vector = order.map((i) => items[i]);
  }

  const span = Math.max(0, end - start + 1);
  const outputLen = gets.length > 0 ? gets.length * span : span;
  if (scoreError) return c.out.error(E.ERR_SORT_SCORE);
  if (storekey === null) {
    const out = c.out;
    out.array(outputLen);
    for (let j = start; j <= end; j++) {
      if (gets.length === 0) out.bulk(vector[j]);
      for (const g of gets) {
        const v = byPattern(c, g, vector[j]);
        if (v === null) out.nil();
        else out.bulk(v);
      }
    }
    return;
  }
  const result: string[] = [];
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) result.push(vector[j]);
    for (const g of gets) result.push(byPattern(c, g, vector[j]) ?? '');
  }
  if (outputLen > 0) {
    c.db.set(storekey, makeList(result, c.config), 0);
    c.effects.key(storekey);
  } else if (c.db.delete(storekey)) c.effects.key(storekey);
  c.out.int(outputLen);
}

function sort(c: Client, argv: string[]): void {
  sortGeneric(c, argv, false);
}

function sortRo(c: Client, argv: string[]): void {
  sortGeneric(c, argv, true);
}

/**
 * SORT's keys as Redis's sortGetKeys: the sorted key and the destination of the last STORE, found by
 * skipping LIMIT's two arguments and GET's and BY's one (other words are read as options, as Redis does).
 */
export function sortKeys(argv: readonly string[]): number[] {
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const w = argv[i];
    if (is(w, 'limit')) i += 2;
    else if (is(w, 'get') || is(w, 'by')) i += 1;
    else if (is(w, 'store') && i + 1 < argv.length) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

const cmd = declarer('generic', { keys: { first: 1, last: 1, step: 1 } });

export const sortCommands: readonly CommandSpec[] = [
  cmd({
    name: 'sort',
    summary: 'Sorts the elements in a list, a set, or a sorted set, optionally storing the result.',
    since: '1.0.0',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    getKeys: sortKeys,
    handler: sort,
  }),
  cmd({
    name: 'sort_ro',
    summary: 'Returns the sorted elements of a list, a set, or a sorted set.',
    since: '7.0.0',
    arity: -2,
    flags: ['readonly'],
    acl: ['read', 'set', 'sortedset', 'list', 'slow', 'dangerous'],
    getKeys: () => [1],
    handler: sortRo,
  }),
];
