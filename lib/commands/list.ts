// List commands (Redis 7.2 t_list.c) with Redis's replies and error texts, in RESP2 and RESP3; values are
// ListValue (store/list.ts). Arguments are checked in Redis's order (some before the key lookup, some
// after: LINDEX and LSET look the key up first). The encoding follows list-max-listpack-size as Redis
// 7.2 does: a write converts a listpack that would outgrow it before adding, and a quicklist that
// shrank under half of it after removing.
// Effects: pushes, LSET, LINSERT, LREM, LTRIM, LMOVE and RPOPLPUSH replay as sent; LPOP/RPOP as the pop
// performed (`LPOP key` or `LPOP key n` with the number actually popped); LMPOP as that LPOP/RPOP. A
// failed or no-op command records nothing. The blocking commands are in list-blocking.ts.
import * as E from '../protocol/errors';
import { ListValue, elementEquals } from '../store/list';
import { INT64_MIN, is, parseInt64 } from './args';
import type { Frame } from '../protocol/parser';
import type { CommandContext as Client } from './context';
import { frameStrings, keyArg, keyHash } from './frame-args';
import { readTyped, readTypedBytes, WRONG_TYPE, writeTyped, writeTypedBytes } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

export const FILL = 'list-max-listpack-size';
/** LONG_MAX as a JS number (counts beyond 2^53 behave the same: no list is that long). */
const LONG_MAX = Number.MAX_SAFE_INTEGER;

// ---- helpers ----

export function listAt(c: Client, s: number): ListValue {
  return c.db.valueAt(s) as ListValue;
}

/** A 64-bit integer argument as a number (beyond 2^53 rounded: only compared with lengths); null when malformed. */
export function longArg(s: string): number | null {
  const n = parseInt64(s);
  return n === null ? null : Number(n);
}

/** A count in 0..LONG_MAX (getPositiveLongFromObjectOrReply): the number, or null after writing `msg`. */
export function positiveArg(c: Client, s: string, msg: string): number | null {
  const n = longArg(s);
  if (n === null || n < 0) {
    c.out.error(msg);
    return null;
  }
  return Math.min(n, LONG_MAX);
}

/** LEFT / RIGHT (any case): true for LEFT (the head), false for RIGHT; null after a syntax error. */
export function whereArg(c: Client, s: string): boolean | null {
  if (is(s, 'left')) return true;
  if (is(s, 'right')) return false;
  c.out.error(E.ERR_SYNTAX);
  return null;
}

/** After removing elements: the shrink conversion, then settles the keyspace (deletes an emptied list). */
export function afterRemove(c: Client, s: number, l: ListValue): void {
  if (l.size > 0) l.shrinking(c.config.num(FILL));
  c.db.written(s);
}

/** Writes `count` elements from the head (or the tail, in pop order) as an array. */
function replyEnds(c: Client, l: ListValue, count: number, head: boolean): void {
  const out = c.out;
  out.array(count);
  l.visit(head ? 0 : l.size - 1, count, !head, (b, from, to) => {
    out.bulkBytes(b, from, to);
  });
}

/**
 * Pops up to `count` elements from one end of the list in slot s, replying them as an array (in pop
 * order), and records `LPOP key n` / `RPOP key n`; settles the keyspace. Returns how many it popped.
 */
export function popRange(c: Client, s: number, key: string, count: number, head: boolean): number {
  const l = listAt(c, s);
  const n = Math.min(count, l.size);
  replyEnds(c, l, n, head);
  l.removeRange(head ? 0 : l.size - n, n);
  afterRemove(c, s, l);
  c.effects.command([head ? 'LPOP' : 'RPOP', key, String(n)]);
  return n;
}

/**
 * Pops one element from the list in slot s (LPOP/RPOP/BLPOP, LMOVE's source) and settles nothing: the
 * caller settles (LMOVE pushes before, so that a list moved onto itself stays).
 */
export function popOne(c: Client, s: number, head: boolean): string {
  const l = listAt(c, s);
  return (head ? l.popHead() : l.popTail()) as string;
}

/**
 * Pushes one element onto the list `key` (creating it), as LMOVE's destination: `srcQuicklist` says the
 * element came from a quicklist, whose integer elements Redis hands over int-encoded (not counted in
 * the conversion check). `dst` is the destination's slot, -1 when absent.
 */
export function pushMoved(c: Client, key: string, dst: number, value: string, head: boolean, srcQuicklist: boolean): void {
  const s = dst < 0 ? c.db.add(key, new ListValue()) : dst;
  const l = listAt(c, s);
  const counted = srcQuicklist && parseInt64(value) !== null ? 0 : value.length;
  l.growing(c.config.num(FILL), counted, 1);
  if (head) l.pushHead(value);
  else l.pushTail(value);
  c.db.written(s);
}

// ---- pushes ----

/**
 * LPUSH / RPUSH key element [element ...]: the length after; LPUSHX / RPUSHX push only onto an existing
 * list (0 when absent). Errors: WRONGTYPE.
 */
function pushGeneric(c: Client, argv: string[], head: boolean, xx: boolean): void {
  let s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) {
    if (xx) return c.out.int(0);
    s = c.db.add(argv[1], new ListValue());
  }
  const l = listAt(c, s);
  let bytes = 0;
  for (let i = 2; i < argv.length; i++) bytes += argv[i].length;
  l.growing(c.config.num(FILL), bytes, argv.length - 2);
  if (head) for (let i = 2; i < argv.length; i++) l.pushHead(argv[i]);
  else for (let i = 2; i < argv.length; i++) l.pushTail(argv[i]);
  c.db.written(s);
  c.effects.command(argv);
  c.out.int(l.size);
}

/** LPUSH / RPUSH's byte fast path: pushGeneric() with the key and elements as request bytes. */
function pushFast(c: Client, f: Frame, head: boolean): boolean {
  const db = c.db;
  const key = keyArg(f, 1);
  const h = keyHash(db, f, 1);
  let s = writeTypedBytes(c, key, h, 'list');
  if (s === WRONG_TYPE) return true;
  if (s < 0) s = db.addBytes(key, h, new ListValue());
  const l = listAt(c, s);
  const argc = f.argc;
  const buf = f.buf;
  const off = f.off;
  const len = f.len;
  let bytes = 0;
  for (let k = 2; k < argc; k++) bytes += len[k];
  l.growing(c.config.num(FILL), bytes, argc - 2);
  if (head) for (let k = 2; k < argc; k++) l.pushHeadBytes(buf, off[k], len[k]);
  else for (let k = 2; k < argc; k++) l.pushTailBytes(buf, off[k], len[k]);
  db.written(s);
  if (c.effects.on) c.effects.command(frameStrings(f));
  c.out.int(l.size);
  return true;
}

function lpush(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, false);
}

function rpush(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, false);
}

function lpushx(c: Client, argv: string[]): void {
  pushGeneric(c, argv, true, true);
}

function rpushx(c: Client, argv: string[]): void {
  pushGeneric(c, argv, false, true);
}

// ---- pops ----

/**
 * LPOP / RPOP key [count]: without count the element (nil when the key is missing); with count an array
 * of up to count elements (a null array when the key is missing, an empty one for count 0). Errors:
 * wrong number of arguments (more than one count), value is out of range, must be positive (count not
 * an integer or negative), WRONGTYPE.
 */
function popGeneric(c: Client, argv: string[], head: boolean): void {
  if (argv.length > 3) return c.out.error(E.ERR_WRONG_ARITY(head ? 'lpop' : 'rpop'));
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const n = positiveArg(c, argv[2], E.ERR_MUST_BE_POSITIVE);
    if (n === null) return;
    count = n;
  }
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return hasCount ? c.out.nilArray() : c.out.nil();
  if (hasCount && count === 0) return c.out.array(0);
  if (!hasCount) {
    const v = popOne(c, s, head);
    afterRemove(c, s, listAt(c, s));
    c.effects.command([head ? 'LPOP' : 'RPOP', argv[1]]);
    return c.out.bulk(v);
  }
  popRange(c, s, argv[1], count, head);
}

/**
 * LPOP / RPOP's byte fast path: popGeneric() with the key as request bytes; a count that is not a
 * non-negative integer (and more than one) goes to popGeneric() for its error.
 */
function popFast(c: Client, f: Frame, head: boolean): boolean {
  if (f.argc > 3) return false;
  const hasCount = f.argc === 3;
  let count = 0;
  if (hasCount) {
    const n = longArg(f.str(2));
    if (n === null || n < 0) return false;
    count = Math.min(n, LONG_MAX);
  }
  const db = c.db;
  const s = writeTypedBytes(c, keyArg(f, 1), keyHash(db, f, 1), 'list');
  if (s === WRONG_TYPE) return true;
  if (s < 0) {
    if (hasCount) c.out.nilArray();
    else c.out.nil();
    return true;
  }
  if (hasCount && count === 0) {
    c.out.array(0);
    return true;
  }
  const key = c.effects.on ? f.str(1) : '';
  if (hasCount) {
    popRange(c, s, key, count, head);
    return true;
  }
  const v = popOne(c, s, head);
  afterRemove(c, s, listAt(c, s));
  c.effects.command([head ? 'LPOP' : 'RPOP', key]);
  c.out.bulk(v);
  return true;
}

function lpop(c: Client, argv: string[]): void {
  popGeneric(c, argv, true);
}

function rpop(c: Client, argv: string[]): void {
  popGeneric(c, argv, false);
}

/**
 * The non-blocking part of LMPOP/BLMPOP: pops from the first non-empty list of `keys` and replies
 * [key, [elements]]; returns false (having written nothing) when every key is missing. WRONGTYPE for the
 * first key of another type met before a list (returns true: it replied).
 */
export function mpop(c: Client, keys: readonly string[], head: boolean, count: number): boolean {
  for (const key of keys) {
    const s = writeTyped(c, key, 'list');
    if (s === WRONG_TYPE) return true;
    if (s < 0) continue;
    c.out.array(2);
    c.out.bulk(key);
    popRange(c, s, key, count, head);
    return true;
  }
  return false;
}

/**
 * The arguments of LMPOP (numkeys at argv[from]) and BLMPOP (from 2): keys, LEFT/RIGHT, [COUNT count];
 * null after writing the error: numkeys should be greater than 0, syntax error, count should be greater
 * than 0.
 */
export function parseMpop(c: Client, argv: readonly string[], from: number): { keys: string[]; head: boolean; count: number } | null {
  const numkeys = longArg(argv[from]);
  if (numkeys === null || numkeys < 1) {
    c.out.error(E.ERR_NUMKEYS_GT0);
    return null;
  }
  const whereAt = from + numkeys + 1;
  if (whereAt >= argv.length) {
    c.out.error(E.ERR_SYNTAX);
    return null;
  }
  const head = whereArg(c, argv[whereAt]);
  if (head === null) return null;
  let count = -1;
  for (let i = whereAt + 1; i < argv.length; i++) {
    if (count === -1 && is(argv[i], 'count') && i + 1 < argv.length) {
      const n = longArg(argv[++i]);
      if (n === null || n < 1) {
        c.out.error(E.ERR_COUNT_GT0);
        return null;
      }
      count = Math.min(n, LONG_MAX);
    } else {
      c.out.error(E.ERR_SYNTAX);
      return null;
    }
  }
  return { keys: argv.slice(from + 1, whereAt), head, count: count === -1 ? 1 : count };
}

/** The key positions of LMPOP / BLMPOP (numkeys at argv[from]): none when numkeys is not valid. */
export function mpopKeys(argv: readonly string[], from: number): number[] {
  const n = longArg(argv[from] ?? '');
  if (n === null || n < 1 || from + n >= argv.length) return [];
  const out: number[] = [];
  for (let i = 1; i <= n; i++) out.push(from + i);
  return out;
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: [key, [elements]] from the first non-empty list, a null array when none. */
function lmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a === null) return;
  if (!mpop(c, a.keys, a.head, a.count)) c.out.nilArray();
}

// ---- reads ----

/** LLEN key: the length, 0 when missing. */
function llen(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  c.out.int(s < 0 ? 0 : listAt(c, s).size);
}

/** LLEN's byte fast path. */
function llenFast(c: Client, f: Frame): boolean {
  const db = c.db;
  const s = readTypedBytes(c, keyArg(f, 1), keyHash(db, f, 1), 'list');
  if (s !== WRONG_TYPE) c.out.int(s < 0 ? 0 : listAt(c, s).size);
  return true;
}

/**
 * A [start, stop] range (negative from the end) of a list of `len` as (first index, count); count 0 when
 * empty (addListRangeReply's rules).
 */
function rangeOf(start: number, stop: number, len: number): [number, number] {
  if (start < 0) start = len + start;
  if (stop < 0) stop = len + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return [0, 0];
  if (stop >= len) stop = len - 1;
  return [start, stop - start + 1];
}

/** LRANGE key start stop: the elements in [start, stop]; empty when missing. Errors: not an integer, WRONGTYPE. */
function lrange(c: Client, argv: string[]): void {
  const start = longArg(argv[2]);
  const stop = start === null ? null : longArg(argv[3]);
  if (start === null || stop === null) return c.out.error(E.ERR_NOT_INTEGER);
  const s = readTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.array(0);
  const l = listAt(c, s);
  const [from, count] = rangeOf(start, stop, l.size);
  const out = c.out;
  out.array(count);
  l.visit(from, count, false, (b, f, t) => {
    out.bulkBytes(b, f, t);
  });
}

/** LRANGE's byte fast path (indexes that are not integers go to lrange() for the error). */
function lrangeFast(c: Client, f: Frame): boolean {
  const start = longArg(f.str(2));
  const stop = start === null ? null : longArg(f.str(3));
  if (start === null || stop === null) return false;
  const db = c.db;
  const s = readTypedBytes(c, keyArg(f, 1), keyHash(db, f, 1), 'list');
  if (s === WRONG_TYPE) return true;
  const out = c.out;
  if (s < 0) {
    out.array(0);
    return true;
  }
  const l = listAt(c, s);
  const [from, count] = rangeOf(start, stop, l.size);
  out.array(count);
  l.visit(from, count, false, (b, fr, t) => {
    out.bulkBytes(b, fr, t);
  });
  return true;
}

/** LINDEX key index: the element (negative from the end), nil when missing or out of range. Errors: WRONGTYPE, not an integer. */
function lindex(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  let i = longArg(argv[2]);
  if (i === null) return c.out.error(E.ERR_NOT_INTEGER);
  const l = listAt(c, s);
  if (i < 0) i += l.size;
  if (i < 0 || i >= l.size) return c.out.nil();
  const out = c.out;
  l.visit(i, 1, false, (b, f, t) => {
    out.bulkBytes(b, f, t);
  });
}

/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]: the index of the rank-th match (from
 * the tail for a negative rank), nil when none; with COUNT an array of up to num-matches indexes (0 =
 * all). MAXLEN caps the elements compared. Errors: not an integer / out of range (RANK), RANK can't be
 * zero, COUNT / MAXLEN can't be negative, syntax error, WRONGTYPE.
 */
function lpos(c: Client, argv: string[]): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const more = j + 1 < argv.length;
    if (is(argv[j], 'rank') && more) {
      const n = parseInt64(argv[++j]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n === INT64_MIN) return c.out.error(E.ERR_LONG_RANGE);
      if (n === 0) return c.out.error(E.ERR_LPOS_RANK_ZERO);
      rank = Number(n);
    } else if (is(argv[j], 'count') && more) {
      const n = positiveArg(c, argv[++j], E.ERR_LPOS_COUNT_NEGATIVE);
      if (n === null) return;
      count = n;
    } else if (is(argv[j], 'maxlen') && more) {
      const n = positiveArg(c, argv[++j], E.ERR_LPOS_MAXLEN_NEGATIVE);
      if (n === null) return;
      maxlen = n;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const s = readTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return count !== -1 ? c.out.array(0) : c.out.nil();
  const l = listAt(c, s);
  const len = l.size;
  const needle = Buffer.from(argv[2], 'latin1');
  const found: number[] = [];
  let matches = 0;
  let index = 0;
  const limit = maxlen === 0 ? len : Math.min(maxlen, len);
  l.visit(fromTail ? len - 1 : 0, limit, fromTail, (b, from, to) => {
    const at = index++;
    if (!elementEquals(b, from, to, needle)) return true;
    matches++;
    if (matches < rank) return true;
    found.push(fromTail ? len - at - 1 : at);
    if (count === -1) return false;
    return !(count !== 0 && matches - rank + 1 >= count);
  });
  if (count !== -1) {
    c.out.array(found.length);
    for (const i of found) c.out.int(i);
  } else if (found.length > 0) c.out.int(found[0]);
  else c.out.nil();
}

// ---- edits ----

/**
 * LSET key index element: OK. Errors: no such key, WRONGTYPE, not an integer, index out of range. As
 * Redis, the listpack check for the new element runs before the index is checked.
 */
function lset(c: Client, argv: string[]): void {
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.error(E.ERR_NO_SUCH_KEY);
  let i = longArg(argv[2]);
  if (i === null) return c.out.error(E.ERR_NOT_INTEGER);
  const l = listAt(c, s);
  const fill = c.config.num(FILL);
  l.growing(fill, argv[3].length, 1);
  if (i < 0) i += l.size;
  if (i < 0 || i >= l.size) {
    c.db.written(s);
    return c.out.error(E.ERR_INDEX_OUT_OF_RANGE);
  }
  l.set(i, argv[3]);
  l.shrinking(fill);
  c.db.written(s);
  c.effects.command(argv);
  c.out.ok();
}

/**
 * LINSERT key BEFORE|AFTER pivot element: the length after, -1 when the pivot is not found, 0 when the
 * key is missing. Errors: syntax error, WRONGTYPE.
 */
function linsert(c: Client, argv: string[]): void {
  let after: boolean;
  if (is(argv[2], 'after')) after = true;
  else if (is(argv[2], 'before')) after = false;
  else return c.out.error(E.ERR_SYNTAX);
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const l = listAt(c, s);
  l.growing(c.config.num(FILL), argv[4].length, 1);
  const pivot = Buffer.from(argv[3], 'latin1');
  let at = -1;
  let i = 0;
  l.visit(0, l.size, false, (b, from, to) => {
    if (elementEquals(b, from, to, pivot)) {
      at = i;
      return false;
    }
    i++;
    return true;
  });
  if (at < 0) {
    c.db.written(s);
    return c.out.int(-1);
  }
  l.insert(after ? at + 1 : at, argv[4]);
  c.db.written(s);
  c.effects.command(argv);
  c.out.int(l.size);
}

/**
 * LREM key count element: removes the first count matches (count > 0), the last -count (count < 0) or
 * all (0); the number removed, 0 when missing. Errors: not an integer, WRONGTYPE.
 */
function lrem(c: Client, argv: string[]): void {
  const count = longArg(argv[2]);
  if (count === null) return c.out.error(E.ERR_NOT_INTEGER);
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const l = listAt(c, s);
  const removed = l.removeMatching(argv[3], count);
  if (removed > 0) {
    afterRemove(c, s, l);
    c.effects.command(argv);
  }
  c.out.int(removed);
}

/** LTRIM key start stop: keeps [start, stop] (the key goes when that is empty); OK. Errors: not an integer, WRONGTYPE. */
function ltrim(c: Client, argv: string[]): void {
  const start = longArg(argv[2]);
  const stop = start === null ? null : longArg(argv[3]);
  if (start === null || stop === null) return c.out.error(E.ERR_NOT_INTEGER);
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.ok();
  const l = listAt(c, s);
  const len = l.size;
  const [from, count] = rangeOf(start, stop, len);
  const right = count === 0 ? 0 : len - from - count;
  const left = count === 0 ? len : from;
  if (left + right > 0) {
    l.removeRange(len - right, right);
    l.removeRange(0, left);
    afterRemove(c, s, l);
    c.effects.command(argv);
  }
  c.out.ok();
}

// ---- moves ----

/**
 * The move of LMOVE / RPOPLPUSH / BLMOVE once the source exists: pops from src (slot s) and pushes onto
 * dst, replying the element; false (having written WRONGTYPE and changed nothing) when dst holds another
 * type. Records nothing: the caller records the command.
 */
export function moveOne(c: Client, s: number, src: string, dst: string, fromHead: boolean, toHead: boolean): boolean {
  const d = writeTyped(c, dst, 'list');
  if (d === WRONG_TYPE) return false;
  const l = listAt(c, s);
  const srcQuicklist = !l.isListpack;
  const v = popOne(c, s, fromHead);
  pushMoved(c, dst, d, v, toHead, srcQuicklist);
  afterRemove(c, s, l);
  c.out.bulk(v);
  return true;
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT: the element moved, nil when the source is missing. Errors: syntax error, WRONGTYPE. */
function lmove(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  moveGeneric(c, argv, from, to);
}

/** RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT. */
function rpoplpush(c: Client, argv: string[]): void {
  moveGeneric(c, argv, false, true);
}

function moveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean): void {
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  if (moveOne(c, s, argv[1], argv[2], fromHead, toHead)) c.effects.command(argv);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const WRITE_FAST = ['write', 'list', 'fast'] as const;
const WRITE_SLOW = ['write', 'list', 'slow'] as const;
const READ_FAST = ['read', 'list', 'fast'] as const;
const READ_SLOW = ['read', 'list', 'slow'] as const;
const TWO_KEYS = { first: 1, last: 2, step: 1 };

const cmd = declarer('list', { keys: ONE_KEY });

export const listCommands: readonly CommandSpec[] = [
  cmd({ name: 'lpush', summary: 'Prepends one or more elements to a list. Creates the key if it doesn\'t exist.', since: '1.0.0', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: lpush, fast: (c, f) => pushFast(c, f, true) }),
  cmd({ name: 'rpush', summary: 'Appends one or more elements to a list. Creates the key if it doesn\'t exist.', since: '1.0.0', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: rpush, fast: (c, f) => pushFast(c, f, false) }),
  cmd({ name: 'lpushx', summary: 'Prepends one or more elements to a list only when the list exists.', since: '2.2.0', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: lpushx }),
  cmd({ name: 'rpushx', summary: 'Appends an element to a list only when the list exists.', since: '2.2.0', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: rpushx }),
  cmd({ name: 'lpop', summary: 'Returns the first elements in a list after removing it. Deletes the list if the last element was popped.', since: '1.0.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: lpop, fast: (c, f) => popFast(c, f, true) }),
  cmd({ name: 'rpop', summary: 'Returns and removes the last elements of a list. Deletes the list if the last element was popped.', since: '1.0.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: rpop, fast: (c, f) => popFast(c, f, false) }),
  cmd({ name: 'lmpop', summary: 'Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.', since: '7.0.0', arity: -4, flags: ['write'], acl: WRITE_SLOW, keys: { first: 0, last: 0, step: 0 }, getKeys: (argv) => mpopKeys(argv, 1), handler: lmpop }),
  cmd({ name: 'llen', summary: 'Returns the length of a list.', since: '1.0.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: llen, fast: llenFast }),
  cmd({ name: 'lrange', summary: 'Returns a range of elements from a list.', since: '1.0.0', arity: 4, flags: ['readonly'], acl: READ_SLOW, handler: lrange, fast: lrangeFast }),
  cmd({ name: 'lindex', summary: 'Returns an element from a list by its index.', since: '1.0.0', arity: 3, flags: ['readonly'], acl: READ_SLOW, handler: lindex }),
  cmd({ name: 'lpos', summary: 'Returns the index of matching elements in a list.', since: '6.0.6', arity: -3, flags: ['readonly'], acl: READ_SLOW, handler: lpos }),
  cmd({ name: 'lset', summary: 'Sets the value of an element in a list by its index.', since: '1.0.0', arity: 4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: lset }),
  cmd({ name: 'linsert', summary: 'Inserts an element before or after another element in a list.', since: '2.2.0', arity: 5, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: linsert }),
  cmd({ name: 'lrem', summary: 'Removes elements from a list. Deletes the list if the last element was removed.', since: '1.0.0', arity: 4, flags: ['write'], acl: WRITE_SLOW, handler: lrem }),
  cmd({ name: 'ltrim', summary: 'Removes elements from both ends a list. Deletes the list if all elements were trimmed.', since: '1.0.0', arity: 4, flags: ['write'], acl: WRITE_SLOW, handler: ltrim }),
  cmd({ name: 'lmove', summary: 'Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.', since: '6.2.0', arity: 5, flags: ['write', 'denyoom'], acl: WRITE_SLOW, keys: TWO_KEYS, handler: lmove }),
  cmd({ name: 'rpoplpush', summary: 'Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.', since: '1.2.0', arity: 3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, keys: TWO_KEYS, handler: rpoplpush }),
];
