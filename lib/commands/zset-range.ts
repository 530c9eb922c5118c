// Sorted-set ranges (Redis 7.2 t_zset.c): ZRANGE with BYSCORE / BYLEX / REV / LIMIT / WITHSCORES, its
// older forms (ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX), ZRANGESTORE, ZCOUNT, ZLEXCOUNT and
// ZREMRANGEBYRANK / BYSCORE / BYLEX, with Redis's argument order, errors and replies.
//
// Score bounds are read as zslParseRange reads them ("(" for exclusive, strtod: "inf", "-inf", even ""
// as 0); lex bounds as zslParseLexRangeItem ("[a" inclusive, "(a" exclusive, "-" and "+" the ends). Lex
// ranges assume, as Redis does, that the members in range share one score: where they do not, a set that
// Redis keeps in a listpack is searched as Redis searches a listpack (linearly, from the ends), a larger
// one by bisection on the member (Redis's skiplist answer then depends on its random levels).
// Effects: ZREMRANGEBY* as sent when they removed something; ZRANGESTORE as the destination's resulting
// state (RESTORE ... REPLACE, or DEL when the range was empty and the destination existed).
import * as E from '../protocol/errors';
import { ZSetValue } from '../store/zset';
import { parseRangeDouble } from '../util/double';
import { is } from './args';
import type { CommandContext as Client } from './context';
import type { CommandSpec } from './types';
import { argLong, limits, lookupRead, lookupWrite, READ_FAST, READ_SLOW, replyScore, WRITE_SLOW, WRONG_TYPE, zsetAt, zsetCmd as cmd } from './zset-common';

// ---- bounds ----

/** A score range: min and max, each inclusive or exclusive (zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** zslParseRange: both bounds, or null (the caller answers "min or max is not a float"). */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange | null {
  const minex = minArg.charCodeAt(0) === 40; // '('
  const maxex = maxArg.charCodeAt(0) === 40;
  const min = parseRangeDouble(minArg, minex ? 1 : 0);
  const max = parseRangeDouble(maxArg, maxex ? 1 : 0);
  if (min === null || max === null) return null;
  return { min, max, minex, maxex };
}

export const gteMin = (r: ScoreRange, v: number): boolean => (r.minex ? v > r.min : v >= r.min);
export const lteMax = (r: ScoreRange, v: number): boolean => (r.maxex ? v < r.max : v <= r.max);

/** One end of a lex range: "-" (below everything), "+" (above everything), or a member, [ or (. */
export interface LexBound {
  /** -1: "-", 1: "+", 0: the string `s`. */
  inf: number;
  s: string;
  ex: boolean;
}

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

function parseLexItem(a: string): LexBound | null {
  switch (a.charCodeAt(0)) {
    case 43: // '+'
      return a.length === 1 ? { inf: 1, s: '', ex: true } : null;
    case 45: // '-'
      return a.length === 1 ? { inf: -1, s: '', ex: true } : null;
    case 40: // '('
      return { inf: 0, s: a.slice(1), ex: true };
    case 91: // '['
      return { inf: 0, s: a.slice(1), ex: false };
    default:
      return null;
  }
}

/** zslParseLexRange: both bounds, or null (the caller answers "min or max not valid string range item"). */
export function parseLexRange(minArg: string, maxArg: string): LexRange | null {
  const min = parseLexItem(minArg);
  const max = parseLexItem(maxArg);
  return min === null || max === null ? null : { min, max };
}

/** sdscmplex between two bounds: the same end compares equal; "-" is below and "+" above anything. */
function cmpBounds(a: LexBound, b: LexBound): number {
  if (a.inf !== 0 && a.inf === b.inf) return 0;
  if (a.inf === -1 || b.inf === 1) return -1;
  if (a.inf === 1 || b.inf === -1) return 1;
  return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
}

/** sdscmplex(member, bound). */
function cmpLex(v: string, b: LexBound): number {
  if (b.inf !== 0) return -b.inf;
  return v < b.s ? -1 : v > b.s ? 1 : 0;
}

export const lexGteMin = (r: LexRange, v: string): boolean => (r.min.ex ? cmpLex(v, r.min) > 0 : cmpLex(v, r.min) >= 0);
export const lexLteMax = (r: LexRange, v: string): boolean => (r.max.ex ? cmpLex(v, r.max) < 0 : cmpLex(v, r.max) <= 0);

function memberAt(z: ZSetValue, rank: number): string {
  const c = z.at(rank);
  return c.leaf!.mem[c.pos] as string;
}

function scoreAt(z: ZSetValue, rank: number): number {
  const c = z.at(rank);
  return c.leaf!.sc[c.pos];
}

// ---- finding the ends of a range (ranks; -1 when nothing is in range) ----

/** zslFirstInRange / zzlFirstInRange. */
export function firstInScore(z: ZSetValue, r: ScoreRange): number {
  const f = z.countBefore((s) => gteMin(r, s));
  return f < z.size && lteMax(r, scoreAt(z, f)) ? f : -1;
}

/** zslLastInRange / zzlLastInRange. */
export function lastInScore(z: ZSetValue, r: ScoreRange): number {
  const l = z.countBefore((s) => !lteMax(r, s)) - 1;
  return l >= 0 && gteMin(r, scoreAt(z, l)) ? l : -1;
}

/** zslIsInLexRange / zzlIsInLexRange: the range is not empty and overlaps the set's ends. */
function inLexRange(z: ZSetValue, r: LexRange): boolean {
  const c = cmpBounds(r.min, r.max);
  if (c > 0 || (c === 0 && (r.min.ex || r.max.ex))) return false;
  if (z.size === 0 || !lexGteMin(r, memberAt(z, z.size - 1))) return false;
  return lexLteMax(r, memberAt(z, 0));
}

/** zslFirstInLexRange / zzlFirstInLexRange (a listpack-encoded set is scanned from its start, as Redis does). */
export function firstInLex(z: ZSetValue, r: LexRange): number {
  if (!inLexRange(z, r)) return -1;
  let f = -1;
  if (z.isListpack) {
    let i = 0;
    for (let c = z.first(); c !== null && c.leaf !== null; i++) {
      if (lexGteMin(r, c.leaf.mem[c.pos] as string)) {
        f = i;
        break;
      }
      if (++c.pos >= c.leaf.n) {
        c.leaf = c.leaf.next;
        c.pos = 0;
      }
    }
  } else f = z.countBefore((_s, m) => lexGteMin(r, m));
  return f >= 0 && f < z.size && lexLteMax(r, memberAt(z, f)) ? f : -1;
}

/** zslLastInLexRange / zzlLastInLexRange (a listpack-encoded set is scanned from its end). */
export function lastInLex(z: ZSetValue, r: LexRange): number {
  if (!inLexRange(z, r)) return -1;
  let l = -1;
  if (z.isListpack) {
    let i = z.size - 1;
    for (let c = z.last(); c !== null && c.leaf !== null; i--) {
      if (lexLteMax(r, c.leaf.mem[c.pos] as string)) {
        l = i;
        break;
      }
      if (--c.pos < 0) {
        c.leaf = c.leaf.prev;
        c.pos = c.leaf === null ? 0 : c.leaf.n - 1;
      }
    }
  } else l = z.countBefore((_s, m) => !lexLteMax(r, m)) - 1;
  return l >= 0 && lexGteMin(r, memberAt(z, l)) ? l : -1;
}

// ---- collecting a range ----

/** A range's pairs in reply order. */
export interface Picked {
  members: string[];
  scores: number[];
}

/**
 * Walks from rank `start` (forward, or backward when `reverse`), skipping `offset` pairs (a negative one
 * skips everything, as Redis's loop does), then taking up to `limit` pairs (negative: no limit) while
 * `inRange` holds.
 */
function walk(z: ZSetValue, start: number, reverse: boolean, offset: number, limit: number, inRange: (s: number, m: string) => boolean): Picked {
  const out: Picked = { members: [], scores: [] };
  if (start < 0) return out;
  if (offset < 0) return out;
  let r = reverse ? start - offset : start + offset;
  if (r < 0 || r >= z.size) return out;
  const c = z.at(r);
  for (let left = limit; left !== 0 && c.leaf !== null; left--) {
    const m = c.leaf.mem[c.pos] as string;
    const s = c.leaf.sc[c.pos];
    if (!inRange(s, m)) break;
    out.members.push(m);
    out.scores.push(s);
    if (reverse) {
      if (--c.pos < 0) {
        c.leaf = c.leaf.prev;
        c.pos = c.leaf === null ? 0 : c.leaf.n - 1;
      }
    } else if (++c.pos >= c.leaf.n) {
      c.leaf = c.leaf.next;
      c.pos = 0;
    }
    r += reverse ? -1 : 1;
  }
  return out;
}

/** genericZrangebyrankCommand's range: ranks start..end after Redis's sanitizing, in reply order. */
function pickRank(z: ZSetValue, start: number, end: number, reverse: boolean): Picked {
  const llen = z.size;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return { members: [], scores: [] };
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  return walk(z, reverse ? llen - 1 - start : start, reverse, 0, n, () => true);
}

function pickScore(z: ZSetValue, r: ScoreRange, reverse: boolean, offset: number, limit: number): Picked {
  if (offset > 0 && offset >= z.size) return { members: [], scores: [] };
  if (reverse) return walk(z, lastInScore(z, r), true, offset, limit, (s) => gteMin(r, s));
  return walk(z, firstInScore(z, r), false, offset, limit, (s) => lteMax(r, s));
}

function pickLex(z: ZSetValue, r: LexRange, reverse: boolean, offset: number, limit: number): Picked {
  if (reverse) return walk(z, lastInLex(z, r), true, offset, limit, (_s, m) => lexGteMin(r, m));
  return walk(z, firstInLex(z, r), false, offset, limit, (_s, m) => lexLteMax(r, m));
}

// ---- ZRANGE and its forms ----

const RANK = 0;
const SCORE = 1;
const LEX = 2;
const AUTO = -1;

/** Writes a range to the client: members, or with scores (pairs in RESP3, flat in RESP2). */
function replyPicked(c: Client, p: Picked, withScores: boolean): void {
  const n = p.members.length;
  if (!withScores) return c.out.bulks(p.members);
  c.out.pairs(n);
  for (let i = 0; i < n; i++) {
    c.out.pair();
    c.out.bulk(p.members[i]);
    replyScore(c, p.scores[i]);
  }
}

/**
 * Stores a range in `dst` as ZRANGESTORE does (zsetTypeCreate with the range's length when known, then
 * zsetAdd pair by pair, converting as Redis would on the way) and answers its size; an empty range
 * deletes `dst` and answers 0.
 */
function storePicked(c: Client, dst: string, p: Picked, lengthHint: number): void {
  const n = p.members.length;
  if (n === 0) {
    if (c.db.delete(dst)) c.effects.key(dst);
    return c.out.int(0);
  }
  const lim = limits(c);
  const z = ZSetValue.create(lengthHint, 0, lim.entries, lim.value);
  for (let i = 0; i < n; i++) z.add(p.scores[i], p.members[i], 0, lim.entries, lim.value);
  c.db.set(dst, z);
  c.effects.key(dst);
  c.out.int(n);
}

/**
 * zrangeGenericCommand: `at` is the index of the source key; `store` the destination for ZRANGESTORE.
 * Order of checks as Redis: options (syntax error; LIMIT's integers), LIMIT without BYSCORE/BYLEX,
 * WITHSCORES with BYLEX, the bounds (not an integer / min or max is not a float / not valid string
 * range item), then the key (WRONGTYPE).
 */
function zrangeGeneric(c: Client, argv: string[], at: number, store: string | null, type: number, reverse: boolean | null): void {
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j];
    if (store === null && is(a, 'withscores')) withScores = true;
    else if (is(a, 'limit') && left >= 2) {
      const o = argLong(c, argv[j + 1]);
      if (o === null) return;
      const l = argLong(c, argv[j + 2]);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (reverse === null && is(a, 'rev')) reverse = true;
    else if (type === AUTO && is(a, 'bylex')) type = LEX;
    else if (type === AUTO && is(a, 'byscore')) type = SCORE;
    else return c.out.error(E.ERR_SYNTAX);
  }
  const rev = reverse === true;
  if (type === AUTO) type = RANK;
  if (limit !== -1 && type === RANK) return c.out.error(E.ERR_ZRANGE_LIMIT_RANK);
  if (withScores && type === LEX) return c.out.error(E.ERR_ZRANGE_WITHSCORES_BYLEX);
  let minAt = at + 1;
  let maxAt = at + 2;
  if (rev && type !== RANK) [minAt, maxAt] = [maxAt, minAt];
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (type === RANK) {
    const a = argLong(c, argv[minAt]);
    if (a === null) return;
    const b = argLong(c, argv[maxAt]);
    if (b === null) return;
    start = a;
    end = b;
  } else if (type === SCORE) {
    score = parseScoreRange(argv[minAt], argv[maxAt]);
    if (score === null) return c.out.error(E.ERR_MIN_MAX_NOT_FLOAT);
  } else {
    lex = parseLexRange(argv[minAt], argv[maxAt]);
    if (lex === null) return c.out.error(E.ERR_MIN_MAX_NOT_LEX);
  }
  const s = lookupRead(c, argv[at]);
  if (s === WRONG_TYPE) return;
  if (s < 0) {
    if (store !== null) return storePicked(c, store, { members: [], scores: [] }, 0);
    return c.out.array(0);
  }
  const z = zsetAt(c, s);
  let p: Picked;
  if (type === RANK) p = pickRank(z, start, end, rev);
  else if (type === SCORE) p = pickScore(z, score as ScoreRange, rev, offset, limit);
  else p = pickLex(z, lex as LexRange, rev, offset, limit);
  if (store !== null) return storePicked(c, store, p, type === RANK ? p.members.length : 0);
  replyPicked(c, p, withScores);
}

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]. */
function zrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, AUTO, null);
}

/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]: the stored size. */
function zrangestore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, argv[1], AUTO, null);
}

function zrevrange(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, RANK, true);
}

function zrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, SCORE, false);
}

function zrevrangebyscore(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, SCORE, true);
}

function zrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, LEX, false);
}

function zrevrangebylex(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, null, LEX, true);
}

// ---- counting ----

/** ZCOUNT key min max: members with scores in range. Errors: min or max is not a float, WRONGTYPE. */
function zcount(c: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2], argv[3]);
  if (r === null) return c.out.error(E.ERR_MIN_MAX_NOT_FLOAT);
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const z = zsetAt(c, s);
  const f = firstInScore(z, r);
  if (f < 0) return c.out.int(0);
  const l = lastInScore(z, r);
  c.out.int(l < f ? 0 : l - f + 1);
}

/** ZLEXCOUNT key min max: members in the lex range. Errors: min or max not valid string range item, WRONGTYPE. */
function zlexcount(c: Client, argv: string[]): void {
  const r = parseLexRange(argv[2], argv[3]);
  if (r === null) return c.out.error(E.ERR_MIN_MAX_NOT_LEX);
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const z = zsetAt(c, s);
  const f = firstInLex(z, r);
  if (f < 0) return c.out.int(0);
  if (z.isListpack) return c.out.int(walk(z, f, false, 0, -1, (_s, m) => lexLteMax(r, m)).members.length);
  // The skiplist's arithmetic: from the first in range to the last in range.
  let count = z.size - f;
  const l = lastInLex(z, r);
  if (l >= 0) count -= z.size - 1 - l;
  c.out.int(count);
}

// ---- removing ranges ----

/**
 * ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min max, ZREMRANGEBYLEX key min max: how many
 * were removed; the key goes with its last member. The bounds are checked before the key (not an
 * integer / min or max is not a float / not valid string range item), then WRONGTYPE.
 */
function zremrangeGeneric(c: Client, argv: string[], type: number): void {
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (type === RANK) {
    const a = argLong(c, argv[2]);
    if (a === null) return;
    const b = argLong(c, argv[3]);
    if (b === null) return;
    start = a;
    end = b;
  } else if (type === SCORE) {
    score = parseScoreRange(argv[2], argv[3]);
    if (score === null) return c.out.error(E.ERR_MIN_MAX_NOT_FLOAT);
  } else {
    lex = parseLexRange(argv[2], argv[3]);
    if (lex === null) return c.out.error(E.ERR_MIN_MAX_NOT_LEX);
  }
  const s = lookupWrite(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const z = zsetAt(c, s);
  let from = -1;
  let n = 0;
  if (type === RANK) {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.out.int(0);
    if (end >= llen) end = llen - 1;
    from = start;
    n = end - start + 1;
  } else if (type === SCORE) {
    const r = score as ScoreRange;
    from = z.countBefore((v) => gteMin(r, v));
    n = walk(z, from, false, 0, -1, (v) => lteMax(r, v)).members.length;
  } else {
    const r = lex as LexRange;
    from = z.isListpack ? firstInLex(z, r) : z.countBefore((_v, m) => lexGteMin(r, m));
    n = walk(z, from, false, 0, -1, (_v, m) => lexLteMax(r, m)).members.length;
  }
  if (n > 0) {
    z.removeRange(from, from + n - 1);
    c.db.written(s);
    c.effects.command(argv);
  }
  c.out.int(n);
}

function zremrangebyrank(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANK);
}

function zremrangebyscore(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, SCORE);
}

function zremrangebylex(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, LEX);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

export const zsetRangeCommands: readonly CommandSpec[] = [
  cmd({ name: 'zrange', summary: 'Returns members in a sorted set within a range of indexes.', since: '1.2.0', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrange }),
  cmd({ name: 'zrangestore', summary: 'Stores a range of members from sorted set in a key.', since: '6.2.0', arity: -5, flags: ['write', 'denyoom'], acl: WRITE_SLOW, keys: { first: 1, last: 2, step: 1 }, handler: zrangestore }),
  cmd({ name: 'zrevrange', summary: 'Returns members in a sorted set within a range of indexes in reverse order.', since: '1.2.0', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrevrange }),
  cmd({ name: 'zrangebyscore', summary: 'Returns members in a sorted set within a range of scores.', since: '1.0.5', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrangebyscore }),
  cmd({ name: 'zrevrangebyscore', summary: 'Returns members in a sorted set within a range of scores in reverse order.', since: '2.2.0', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrevrangebyscore }),
  cmd({ name: 'zrangebylex', summary: 'Returns members in a sorted set within a lexicographical range.', since: '2.8.9', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrangebylex }),
  cmd({ name: 'zrevrangebylex', summary: 'Returns members in a sorted set within a lexicographical range in reverse order.', since: '2.8.9', arity: -4, flags: ['readonly'], acl: READ_SLOW, handler: zrevrangebylex }),
  cmd({ name: 'zcount', summary: 'Returns the count of members in a sorted set that have scores within a range.', since: '2.0.0', arity: 4, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zcount }),
  cmd({ name: 'zlexcount', summary: 'Returns the number of members in a sorted set within a lexicographical range.', since: '2.8.9', arity: 4, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zlexcount }),
  cmd({ name: 'zremrangebyrank', summary: 'Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.', since: '2.0.0', arity: 4, flags: ['write'], acl: WRITE_SLOW, handler: zremrangebyrank }),
  cmd({ name: 'zremrangebyscore', summary: 'Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.', since: '1.2.0', arity: 4, flags: ['write'], acl: WRITE_SLOW, handler: zremrangebyscore }),
  cmd({ name: 'zremrangebylex', summary: 'Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.', since: '2.8.9', arity: 4, flags: ['write'], acl: WRITE_SLOW, handler: zremrangebylex }),
];
