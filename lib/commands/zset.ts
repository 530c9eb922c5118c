// Sorted-set commands (Redis 7.2 t_zset.c): adding, removing, scores, ranks, pops, random members and
// ZSCAN, with Redis's replies and error texts, in RESP2 and RESP3 (scores as doubles, WITHSCORES pairs
// nested in RESP3 where Redis nests them). Ranges are in zset-range.ts, ZUNION & co. in zset-setops.ts.
// Values are ZSetValue (store/zset.ts).
// Effects: ZADD and ZINCRBY as `ZADD key score member` for the members that changed, with the score
// stored (absolute: no increment replayed); ZREM as sent when it removed something; pops (ZPOPMIN,
// ZPOPMAX, ZMPOP) as `ZPOPMIN|ZPOPMAX key count` with the number popped, as Redis 7 propagates them.
// Failed or no-op commands record nothing.
import * as E from '../protocol/errors';
import { ZADD_ADDED, ZADD_GT, ZADD_INCR, ZADD_LT, ZADD_NAN, ZADD_NOP, ZADD_NX, ZADD_UPDATED, ZADD_XX, ZSET_MAX_MEMBERS, ZSetValue } from '../store/zset';
import { formatDouble, formatG17, parseDouble } from '../util/double';
import { globMatch } from '../util/glob';
import { INT64_MAX, INT64_MIN, is, parseInt64 } from './args';
import type { Frame } from '../protocol/parser';
import type { CommandContext as Client } from './context';
import { keyArg, keyHash } from './frame-args';
import { parseCursor } from './keyspace';
import {
  argPositive,
  argRangeLong,
  limits,
  lookupCreate,
  lookupRead,
  lookupReadBytes,
  lookupWrite,
  lookupWriteBytes,
  numkeysKeys,
  READ_FAST,
  READ_SLOW,
  replyScore,
  tooBig,
  WRITE_FAST,
  WRITE_SLOW,
  WRONG_TYPE,
  zsetAt,
  zsetCmd as cmd,
} from './zset-common';
import type { CommandSpec } from './types';

/** LONG_MAX / 2: ZRANDMEMBER WITHSCORES counts beyond it are refused (its reply would double them). */
const ZRANDMEMBER_HALF = INT64_MAX / 2n;
/**
 * ZRANDMEMBER with a negative count repeats members: beyond this many we answer "value is out of range"
 * (Redis would build the whole reply: -9223372036854775807 would never finish). As HRANDFIELD.
 */
export const ZRANDMEMBER_MAX_REPEATS = 10_000_000;
const SCAN_DEFAULT_COUNT = 10;
/** ZSCAN cursors of a skiplist set: rank * SCAN_MOVES + (the set's moves counter mod SCAN_MOVES). */
const SCAN_MOVES = 2 ** 20;

// ---- adding and removing ----

/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] (and ZINCRBY key increment
 * member, the same code with INCR set, as in Redis): the number of members added (CH: added or updated);
 * with INCR the new score, nil when NX/XX/GT/LT stopped it. Errors, in Redis's order: syntax error (no
 * pairs, odd count), XX and NX, GT/LT/NX, INCR with several pairs, value is not a valid float, WRONGTYPE,
 * resulting score is not a number (NaN), too many members.
 */
export function zaddGeneric(c: Client, argv: string[], incrCmd: boolean): void {
  let flags = incrCmd ? ZADD_INCR : 0;
  let ch = false;
  let at = 2;
  for (; at < argv.length; at++) {
    const o = argv[at];
    if (o.length > 4) break;
    const l = o.toLowerCase();
    if (l === 'nx') flags |= ZADD_NX;
    else if (l === 'xx') flags |= ZADD_XX;
    else if (l === 'ch') ch = true;
    else if (l === 'incr') flags |= ZADD_INCR;
    else if (l === 'gt') flags |= ZADD_GT;
    else if (l === 'lt') flags |= ZADD_LT;
    else break;
  }
  const rest = argv.length - at;
  if (rest === 0 || rest % 2 === 1) return c.out.error(E.ERR_SYNTAX);
  const pairs = rest / 2;
  const nx = (flags & ZADD_NX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const incr = (flags & ZADD_INCR) !== 0;
  if (nx && flags & ZADD_XX) return c.out.error(E.ERR_ZADD_XX_NX);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return c.out.error(E.ERR_ZADD_GT_LT_NX);
  if (incr && pairs > 1) return c.out.error(E.ERR_ZADD_INCR_PAIRS);
  const scores = new Float64Array(pairs);
  for (let j = 0; j < pairs; j++) {
    const v = parseDouble(argv[at + 2 * j]);
    if (v === null) return c.out.error(E.ERR_NOT_FLOAT);
    scores[j] = v;
  }
  const key = argv[1];
  let s = lookupWrite(c, key);
  if (s === WRONG_TYPE) return;
  const lim = limits(c);
  if (s < 0) {
    if (flags & ZADD_XX) return incr ? c.out.nil() : c.out.int(0);
    s = lookupCreate(c, key, pairs, argv[at + 1].length);
  } else zsetAt(c, s).maybeConvert(pairs, lim.entries);
  const z = zsetAt(c, s);
  if (z.size + pairs > ZSET_MAX_MEMBERS) {
    const fresh = new Set<string>();
    for (let j = 0; j < pairs; j++) if (!z.has(argv[at + 2 * j + 1])) fresh.add(argv[at + 2 * j + 1]);
    if (tooBig(c, z.size, fresh.size)) return void c.db.written(s);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  const changed: string[] = c.effects.on ? ['ZADD', key] : [];
  for (let j = 0; j < pairs; j++) {
    const member = argv[at + 2 * j + 1];
    const out = z.add(scores[j], member, flags, lim.entries, lim.value);
    if (out & ZADD_NAN) {
      c.db.written(s);
      if (changed.length > 2) c.effects.command(changed);
      return c.out.error(E.ERR_ZSCORE_NAN);
    }
    if (out & ZADD_ADDED) added++;
    if (out & ZADD_UPDATED) updated++;
    if (!(out & ZADD_NOP)) {
      processed++;
      score = z.lastScore;
    }
    if (out & (ZADD_ADDED | ZADD_UPDATED) && c.effects.on) changed.push(formatDouble(z.score(member) as number), member);
  }
  c.db.written(s);
  if (changed.length > 2) c.effects.command(changed);
  if (incr) {
    if (processed > 0) replyScore(c, score);
    else c.out.nil();
  } else c.out.int(ch ? added + updated : added);
}

/**
 * ZADD key score member [score member ...]'s byte fast path (no option: an argument that is not a valid
 * float, an option among them, goes to zaddGeneric(), as does a write that could pass ZSET_MAX_MEMBERS).
 * The key as request bytes, members as strings.
 */
function zaddFast(c: Client, f: Frame): boolean {
  const rest = f.argc - 2;
  if (rest % 2 === 1) return false;
  const pairs = rest / 2;
  const scores = new Float64Array(pairs);
  for (let j = 0; j < pairs; j++) {
    const v = parseDouble(f.str(2 + 2 * j));
    if (v === null) return false;
    scores[j] = v;
  }
  const db = c.db;
  const key = keyArg(f, 1);
  const h = keyHash(db, f, 1);
  let s = lookupWriteBytes(c, key, h);
  if (s === WRONG_TYPE) return true;
  const lim = limits(c);
  if (s < 0) {
    s = db.addBytes(key, h, ZSetValue.create(pairs, f.len[3], lim.entries, lim.value));
  } else {
    const z0 = zsetAt(c, s);
    if (z0.size + pairs > ZSET_MAX_MEMBERS) return false;
    z0.maybeConvert(pairs, lim.entries);
  }
  const z = zsetAt(c, s);
  let added = 0;
  const changed: string[] | null = c.effects.on ? ['ZADD', f.str(1)] : null;
  for (let j = 0; j < pairs; j++) {
    const member = f.str(3 + 2 * j);
    const out = z.add(scores[j], member, 0, lim.entries, lim.value);
    if (out & ZADD_NAN) {
      db.written(s);
      if (changed !== null && changed.length > 2) c.effects.command(changed);
      c.out.error(E.ERR_ZSCORE_NAN);
      return true;
    }
    if (out & ZADD_ADDED) added++;
    if (out & (ZADD_ADDED | ZADD_UPDATED) && changed !== null) changed.push(formatDouble(z.score(member) as number), member);
  }
  db.written(s);
  if (changed !== null && changed.length > 2) c.effects.command(changed);
  c.out.int(added);
  return true;
}

function zadd(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, false);
}

function zincrby(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, true);
}

/** ZREM key member [member ...]: how many were removed; the key goes with its last member. */
function zrem(c: Client, argv: string[]): void {
  const s = lookupWrite(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const z = zsetAt(c, s);
  let n = 0;
  for (let i = 2; i < argv.length && z.size > 0; i++) if (z.delete(argv[i])) n++;
  c.db.written(s);
  if (n > 0) c.effects.command(argv);
  c.out.int(n);
}

// ---- reading ----

/** ZCARD key: the number of members, 0 when missing. */
function zcard(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  c.out.int(s < 0 ? 0 : zsetAt(c, s).size);
}

/** ZSCORE key member: the score, nil when the key or member is missing. */
function zscore(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const v = s < 0 ? undefined : zsetAt(c, s).score(argv[2]);
  if (v === undefined) c.out.nil();
  else replyScore(c, v);
}

/** ZCARD's byte fast path. */
function zcardFast(c: Client, f: Frame): boolean {
  const s = lookupReadBytes(c, keyArg(f, 1), keyHash(c.db, f, 1));
  if (s !== WRONG_TYPE) c.out.int(s < 0 ? 0 : zsetAt(c, s).size);
  return true;
}

/** ZSCORE's byte fast path. */
function zscoreFast(c: Client, f: Frame): boolean {
  const s = lookupReadBytes(c, keyArg(f, 1), keyHash(c.db, f, 1));
  if (s === WRONG_TYPE) return true;
  const v = s < 0 ? undefined : zsetAt(c, s).score(f.str(2));
  if (v === undefined) c.out.nil();
  else replyScore(c, v);
  return true;
}

/** ZMSCORE key member [member ...]: a score or nil per member (all nil when the key is missing). */
function zmscore(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const z = s < 0 ? null : zsetAt(c, s);
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = z === null ? undefined : z.score(argv[i]);
    if (v === undefined) c.out.nil();
    else replyScore(c, v);
  }
}

/**
 * ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE: Redis 7.2): the rank, or [rank, score]; nil (a
 * null array with WITHSCORE) when the key or member is missing. Errors: wrong number of arguments (more
 * than one option), syntax error, WRONGTYPE.
 */
function zrankGeneric(c: Client, argv: string[], reverse: boolean): void {
  if (argv.length > 4) return c.out.error(E.ERR_WRONG_ARITY(reverse ? 'zrevrank' : 'zrank'));
  let withScore = false;
  if (argv.length === 4) {
    if (!is(argv[3], 'withscore')) return c.out.error(E.ERR_SYNTAX);
    withScore = true;
  }
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const z = s < 0 ? null : zsetAt(c, s);
  const r = z === null ? -1 : z.rank(argv[2], reverse);
  if (r < 0) return withScore ? c.out.nilArray() : c.out.nil();
  if (!withScore) return c.out.int(r);
  c.out.array(2);
  c.out.int(r);
  replyScore(c, (z as ZSetValue).score(argv[2]) as number);
}

function zrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, false);
}

function zrevrank(c: Client, argv: string[]): void {
  zrankGeneric(c, argv, true);
}

// ---- pops ----

/** Reply shapes of a pop (genericZpopCommand's emitkey / use_nested_array combinations). */
export const enum PopShape {
  /** ZPOPMIN/ZPOPMAX in RESP2, or without a count: [member, score, ...]. */
  Flat,
  /** ZPOPMIN/ZPOPMAX with a count in RESP3: [[member, score], ...]. */
  Pairs,
  /** BZPOPMIN/BZPOPMAX: [key, member, score]. */
  KeyFlat,
  /** ZMPOP/BZMPOP: [key, [[member, score], ...]] in both protocols. */
  KeyNested,
}

/**
 * Pops up to `count` members (count >= 1) from the lowest (or, `max`, highest) scores of the non-empty
 * sorted set in slot `s` under `key`, writes the reply in `shape`, deletes an emptied key and records
 * `ZPOPMIN|ZPOPMAX key n`. Shared with the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP), which call it
 * once a key they wait for has members.
 */
export function popFrom(c: Client, s: number, key: string, max: boolean, count: number, shape: PopShape): void {
  const z = zsetAt(c, s);
  const n = Math.min(count, z.size);
  const out = c.out;
  if (shape === PopShape.Flat) out.array(2 * n);
  else if (shape === PopShape.Pairs) out.array(n);
  else if (shape === PopShape.KeyFlat) {
    out.array(2 * n + 1);
    out.bulk(key);
  } else {
    out.array(2);
    out.bulk(key);
    out.array(n);
  }
  const nested = shape === PopShape.Pairs || shape === PopShape.KeyNested;
  const visit = (member: string, score: number) => {
    if (nested) out.array(2);
    out.bulk(member);
    replyScore(c, score);
  };
  if (max) z.removeRange(z.size - n, z.size - 1, true, visit);
  else z.removeRange(0, n - 1, false, visit);
  c.db.written(s);
  c.effects.command([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)]);
}

/**
 * The first of `keys` holding a sorted set, -1 when none does, WRONG_TYPE (after the error) when one met
 * before it holds another type (genericZpopCommand's key walk).
 */
export function firstZset(c: Client, keys: readonly string[]): { slot: number; key: string } | number {
  for (const key of keys) {
    const s = lookupWrite(c, key);
    if (s === WRONG_TYPE) return WRONG_TYPE;
    if (s >= 0) return { slot: s, key };
  }
  return -1;
}

/**
 * ZPOPMIN / ZPOPMAX key [count]: the popped members with their scores (flat; with a count, pairs in
 * RESP3); an empty array when the key is missing or count is 0. Errors: syntax error (more arguments),
 * value is out of range, must be positive (count), WRONGTYPE.
 */
function zpopGeneric(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) return c.out.error(E.ERR_SYNTAX);
  let count = -1;
  if (argv.length === 3) {
    const n = argPositive(c, argv[2]);
    if (n === null) return;
    count = n;
  }
  const s = lookupWrite(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0 || count === 0) return c.out.array(0);
  popFrom(c, s, argv[1], max, count === -1 ? 1 : count, count !== -1 && c.out.resp === 3 ? PopShape.Pairs : PopShape.Flat);
}

/** ZPOPMIN / ZPOPMAX's byte fast path (a count that is not a non-negative integer, or more arguments: zpopGeneric()). */
function zpopFast(c: Client, f: Frame, max: boolean): boolean {
  if (f.argc > 3) return false;
  let count = -1;
  if (f.argc === 3) {
    const n = parseInt64(f.str(2));
    if (typeof n !== 'number' || n < 0) return false;
    count = n;
  }
  const s = lookupWriteBytes(c, keyArg(f, 1), keyHash(c.db, f, 1));
  if (s === WRONG_TYPE) return true;
  if (s < 0 || count === 0) {
    c.out.array(0);
    return true;
  }
  const key = c.effects.on ? f.str(1) : '';
  popFrom(c, s, key, max, count === -1 ? 1 : count, count !== -1 && c.out.resp === 3 ? PopShape.Pairs : PopShape.Flat);
  return true;
}

function zpopmin(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, false);
}

function zpopmax(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, true);
}

/** ZMPOP's arguments after numkeys, or null after the error. */
export function parseMpop(c: Client, argv: string[], numkeysAt: number): { keys: string[]; max: boolean; count: number } | null {
  const numkeys = argRangeLong(c, argv[numkeysAt], 1n, INT64_MAX, E.ERR_NUMKEYS_GT0);
  if (numkeys === null) return null;
  const whereAt = numkeysAt + numkeys + 1;
  if (whereAt >= argv.length) {
    c.out.error(E.ERR_SYNTAX);
    return null;
  }
  let max: boolean;
  if (is(argv[whereAt], 'min')) max = false;
  else if (is(argv[whereAt], 'max')) max = true;
  else {
    c.out.error(E.ERR_SYNTAX);
    return null;
  }
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && is(argv[j], 'count') && j + 1 < argv.length) {
      const n = argRangeLong(c, argv[++j], 1n, INT64_MAX, E.ERR_COUNT_GT0);
      if (n === null) return null;
      count = n;
    } else {
      c.out.error(E.ERR_SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(numkeysAt + 1, whereAt), max, count: count === -1 ? 1 : count };
}

/**
 * ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: [key, [[member, score], ...]] from the first key
 * holding a sorted set; nil (a null array) when none does. Errors: numkeys should be greater than 0,
 * syntax error, count should be greater than 0, WRONGTYPE.
 */
function zmpop(c: Client, argv: string[]): void {
  const p = parseMpop(c, argv, 1);
  if (p === null) return;
  const found = firstZset(c, p.keys);
  if (found === WRONG_TYPE) return;
  if (found === -1) return c.out.nilArray();
  const { slot, key } = found as { slot: number; key: string };
  popFrom(c, slot, key, p.max, p.count, PopShape.KeyNested);
}

// ---- random members and scanning ----

/**
 * ZRANDMEMBER key [count [WITHSCORES]]. Without count: a random member, nil when the key is missing.
 * count > 0: min(count, ZCARD) distinct members (the whole set from the highest score down when count
 * covers it, as Redis walks it); count < 0:
 * |count| members, repeats allowed; WITHSCORES adds scores (RESP3: [member, score] pairs). Errors: not an
 * integer; value is out of range, must between -LONG_MAX and LONG_MAX; syntax error; value is out of
 * range (WITHSCORES beyond LONG_MAX/2, or more than ZRANDMEMBER_MAX_REPEATS repeats); WRONGTYPE.
 */
function zrandmember(c: Client, argv: string[]): void {
  if (argv.length < 3) {
    const s = lookupRead(c, argv[1]);
    if (s === WRONG_TYPE) return;
    if (s < 0) return c.out.nil();
    const z = zsetAt(c, s);
    const cur = z.at(Math.floor(Math.random() * z.size));
    return c.out.bulk(cur.leaf!.mem[cur.pos] as string);
  }
  const n = parseInt64(argv[2]);
  if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (n === INT64_MIN) return c.out.error(E.ERR_LONG_RANGE);
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) return c.out.error(E.ERR_SYNTAX);
  const withScores = argv.length === 4;
  if (withScores && (n > ZRANDMEMBER_HALF || n < -ZRANDMEMBER_HALF)) return c.out.error(E.ERR_OUT_OF_RANGE);
  const unique = n >= 0;
  const count = unique ? Number(n) : -Number(n);
  if (!unique && count > ZRANDMEMBER_MAX_REPEATS) return c.out.error(E.ERR_OUT_OF_RANGE);
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0 || count === 0) return c.out.array(0);
  const z = zsetAt(c, s);
  const size = z.size;
  let ranks: number[];
  if (!unique || count === 1) {
    ranks = new Array<number>(count);
    for (let i = 0; i < count; i++) ranks[i] = Math.floor(Math.random() * size);
  } else if (count >= size) {
    ranks = new Array<number>(size);
    for (let i = 0; i < size; i++) ranks[i] = i;
  } else if (count * 3 > size) {
    // Drop random ranks from all of them until count remain (Redis's CASE 3).
    const all = new Array<number>(size);
    for (let i = 0; i < size; i++) all[i] = i;
    let left = size;
    while (left > count) {
      const i = Math.floor(Math.random() * left);
      all[i] = all[--left];
    }
    all.length = count;
    ranks = all;
  } else {
    // Few of many: draw until count distinct (Redis's CASE 4).
    const picked = new Set<number>();
    ranks = [];
    while (ranks.length < count) {
      const r = Math.floor(Math.random() * size);
      if (!picked.has(r)) {
        picked.add(r);
        ranks.push(r);
      }
    }
  }
  const out = c.out;
  if (withScores) out.pairs(ranks.length);
  else out.array(ranks.length);
  // The whole set comes from the highest score down: Redis walks sorted sets backwards (zuiInitIterator).
  const whole = count >= size && unique && count !== 1;
  const cur = whole ? z.last() : null;
  for (const r of ranks) {
    const at = whole ? (cur as NonNullable<typeof cur>) : z.at(r);
    const leaf = at.leaf!;
    if (withScores) out.pair();
    out.bulk(leaf.mem[at.pos] as string);
    if (withScores) replyScore(c, leaf.sc[at.pos]);
    if (whole && --at.pos < 0) {
      at.leaf = leaf.prev;
      at.pos = at.leaf === null ? 0 : at.leaf.n - 1;
    }
  }
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, member, score, ...]. A listpack-sized set
 * comes whole with cursor 0 (scores printed as the listpack stores them); a larger one by rank (scores as
 * "%.17g", as Redis prints a skiplist's): the cursor carries the rank to resume from and how many members
 * had moved or gone by then, and resumes that many ranks earlier, so a member present for the whole scan
 * is returned at least once (unless its own score decreases meanwhile: it may move behind the cursor).
 * Errors: invalid cursor; WRONGTYPE; not an integer (COUNT); syntax error (COUNT < 1, unknown or
 * incomplete option).
 */
function zscan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) return c.out.error(E.ERR_INVALID_CURSOR);
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) {
    c.out.array(2);
    c.out.bulk('0');
    return c.out.array(0);
  }
  let count = SCAN_DEFAULT_COUNT;
  let pattern: string | null = null;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    const more = i + 1 < argv.length;
    if (is(a, 'count') && more) {
      const n = parseInt64(argv[++i]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n < 1) return c.out.error(E.ERR_SYNTAX);
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (is(a, 'match') && more) {
      pattern = argv[++i] === '*' ? null : argv[i];
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const z = zsetAt(c, s);
  const found: string[] = [];
  let next = 0;
  if (z.isListpack) {
    z.forEach((m, score) => {
      if (pattern === null || globMatch(pattern, m)) found.push(m, formatDouble(score));
    });
  } else {
    const moves = z.moves % SCAN_MOVES;
    const rank = Math.floor(cursor / SCAN_MOVES);
    const gone = (moves - (cursor % SCAN_MOVES) + SCAN_MOVES) % SCAN_MOVES;
    const from = Math.max(0, rank - gone);
    const to = Math.min(z.size, from + count);
    if (from < to) {
      const cur = z.at(from);
      for (let r = from; r < to; r++) {
        const leaf = cur.leaf!;
        const m = leaf.mem[cur.pos] as string;
        if (pattern === null || globMatch(pattern, m)) found.push(m, formatG17(leaf.sc[cur.pos]));
        if (++cur.pos >= leaf.n) {
          cur.leaf = leaf.next;
          cur.pos = 0;
        }
      }
    }
    next = to >= z.size ? 0 : to * SCAN_MOVES + moves;
  }
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(found);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

export const zsetCommands: readonly CommandSpec[] = [
  cmd({ name: 'zadd', summary: "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.", since: '1.2.0', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: zadd, fast: zaddFast }),
  cmd({ name: 'zincrby', summary: 'Increments the score of a member in a sorted set.', since: '1.2.0', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: zincrby }),
  cmd({ name: 'zrem', summary: 'Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.', since: '1.2.0', arity: -3, flags: ['write', 'fast'], acl: WRITE_FAST, handler: zrem }),
  cmd({ name: 'zcard', summary: 'Returns the number of members in a sorted set.', since: '1.2.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zcard, fast: zcardFast }),
  cmd({ name: 'zscore', summary: 'Returns the score of a member in a sorted set.', since: '1.2.0', arity: 3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zscore, fast: zscoreFast }),
  cmd({ name: 'zmscore', summary: 'Returns the score of one or more members in a sorted set.', since: '6.2.0', arity: -3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zmscore }),
  cmd({ name: 'zrank', summary: 'Returns the index of a member in a sorted set ordered by ascending scores.', since: '2.0.0', arity: -3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zrank }),
  cmd({ name: 'zrevrank', summary: 'Returns the index of a member in a sorted set ordered by descending scores.', since: '2.0.0', arity: -3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: zrevrank }),
  cmd({ name: 'zpopmin', summary: 'Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.', since: '5.0.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: zpopmin, fast: (c, f) => zpopFast(c, f, false) }),
  cmd({ name: 'zpopmax', summary: 'Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.', since: '5.0.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: zpopmax, fast: (c, f) => zpopFast(c, f, true) }),
  cmd({ name: 'zmpop', summary: 'Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.', since: '7.0.0', arity: -4, flags: ['write'], acl: WRITE_SLOW, keys: { first: 0, last: 0, step: 0 }, getKeys: numkeysKeys(1, false), handler: zmpop }),
  cmd({ name: 'zrandmember', summary: 'Returns one or more random members from a sorted set.', since: '6.2.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: zrandmember }),
  cmd({ name: 'zscan', summary: 'Iterates over members and scores of a sorted set.', since: '2.8.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, handler: zscan }),
];
