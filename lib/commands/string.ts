// String commands: GET, SET and their family (Redis 7 t_string.c). Values are stored in bulk form (see
// store/value.ts): a value taken as sent is c.bulkArg(argv, i), a computed one is stringValue(payload).
// Read commands count keyspace hits and misses (lookupRead); writes do not (lookup), as Redis.
import * as E from '../protocol/errors';
import type { Frame } from '../protocol/parser';
import { keyArg, keyHash, valueArg } from './frame-args';
import { KEEP_TTL, type Keyspace } from '../store/keyspace';
import { stringLength, stringPayload, stringValue } from '../store/value';
import type { CommandContext as Client } from './context';
import { readTyped, WRONG_TYPE, writeTyped } from './typed';
import { INT64_MAX, INT64_MIN, parseInt64 } from './args';
import { expiryArg } from './expiry';
import { lcs, lcsTableBytes, type LcsResult } from './lcs';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from './longdouble';
import { ALL_KEYS, declarer, ONE_KEY, type CommandSpec, type KeyPositions } from './types';

// ---- expiry options (SET, GETEX, SETEX, PSETEX) ----

const UNIT_EX = 1;
const UNIT_PX = 2;
const UNIT_EXAT = 3;
const UNIT_PXAT = 4;
/** Option flags of SET and GETEX (t_string.c parseExtendedStringArgumentsOrReply). */
const F_NX = 1;
const F_XX = 2;
const F_GET = 4;
const F_KEEPTTL = 8;
const F_PERSIST = 16;

/** Parsed options of the running SET or GETEX (one command runs at a time: no allocation). */
const opts = { flags: 0, unit: 0, arg: '' };

/**
 * Parses SET's (forSet) or GETEX's options from argv[from] on into `opts`, with Redis's rules: NX and
 * XX exclude each other, one expiry unit (repeating it is allowed, the last value wins), KEEPTTL and
 * PERSIST exclude any unit. Returns false after writing "syntax error".
 */
function parseOptions(c: Client, argv: string[], from: number, forSet: boolean): boolean {
  let flags = 0;
  let unit = 0;
  let arg = '';
  for (let i = from; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    let u = 0;
    if (a === 'ex') u = UNIT_EX;
    else if (a === 'px') u = UNIT_PX;
    else if (a === 'exat') u = UNIT_EXAT;
    else if (a === 'pxat') u = UNIT_PXAT;
    if (u !== 0) {
      if ((unit !== 0 && unit !== u) || flags & (F_KEEPTTL | F_PERSIST) || i + 1 >= argv.length) return syntaxError(c);
      unit = u;
      arg = argv[++i];
    } else if (forSet && a === 'nx' && !(flags & F_XX)) flags |= F_NX;
    else if (forSet && a === 'xx' && !(flags & F_NX)) flags |= F_XX;
    else if (forSet && a === 'get') flags |= F_GET;
    else if (forSet && a === 'keepttl' && unit === 0) flags |= F_KEEPTTL;
    else if (!forSet && a === 'persist' && unit === 0) flags |= F_PERSIST;
    else return syntaxError(c);
  }
  opts.flags = flags;
  opts.unit = unit;
  opts.arg = arg;
  return true;
}

function syntaxError(c: Client): false {
  c.out.error(E.ERR_SYNTAX);
  return false;
}

/**
 * The absolute expiry (ms) for an expiry argument in `unit` (commands/expiry.ts, positive only), or -1
 * after writing the error: not an integer, "invalid expire time in '<cmd>'" when not positive or past
 * the 64-bit range.
 */
function expireAt(c: Client, unit: number, arg: string, cmd: string): number {
  const relative = unit === UNIT_EX || unit === UNIT_PX;
  const at = expiryArg(arg, unit === UNIT_EX || unit === UNIT_EXAT ? 1000 : 1, relative ? c.clock.now() : 0, cmd, true);
  if (typeof at === 'string') {
    c.out.error(at);
    return -1;
  }
  return at;
}

// ---- GET, SET and variants ----

/** GET key: the value, nil when absent, WRONGTYPE for another type. */
function get(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  c.db.writeStringValue(s, c.out); // its stored bulk form, copied as bytes
}

/** GET's byte fast path (types.ts FastHandler): the same replies and statistics as get(). */
function getFast(c: Client, f: Frame): boolean {
  const db = c.db;
  const s = db.lookupReadBytes(keyArg(f, 1), keyHash(db, f, 1));
  if (s < 0) c.out.nil();
  else if (db.typeAt(s) !== 'string') c.out.error(E.ERR_WRONGTYPE);
  else db.writeStringValue(s, c.out);
  return true;
}

/**
 * SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. Replies OK, or nil when NX/XX
 * prevented the write; with GET, the old value (nil when none) whether or not it wrote. Errors: syntax
 * error for conflicting or unknown options, not an integer, invalid expire time (not positive or
 * overflowing), WRONGTYPE with GET on another type. Without KEEPTTL the key loses its TTL.
 */
function set(c: Client, argv: string[]): void {
  let flags = 0;
  let at = 0;
  if (argv.length > 3) {
    if (!parseOptions(c, argv, 3, true)) return;
    flags = opts.flags;
    if (opts.unit !== 0) {
      at = expireAt(c, opts.unit, opts.arg, 'set');
      if (at < 0) return;
    } else if (flags & F_KEEPTTL) at = KEEP_TTL;
  }
  const db = c.db;
  const key = argv[1];
  if ((flags & (F_NX | F_XX | F_GET)) === 0) {
    db.set(key, c.bulkArg(argv, 2), at);
    c.effects.key(key);
    return c.out.ok();
  }
  const withGet = (flags & F_GET) !== 0;
  let s: number;
  let old: string | null = null;
  if (withGet) {
    s = readTyped(c, key, 'string');
    if (s === WRONG_TYPE) return;
    if (s >= 0) old = db.valueAt(s) as string;
  } else s = db.lookup(key);
  if (!((flags & F_NX && s >= 0) || (flags & F_XX && s < 0))) {
    db.set(key, c.bulkArg(argv, 2), at);
    c.effects.key(key);
  } else if (!withGet) return c.out.nil();
  if (!withGet) return c.out.ok();
  if (old === null) return c.out.nil();
  c.out.raw(old);
}

/** SET key value (no option)'s byte fast path; any option goes to set(). */
function setFast(c: Client, f: Frame): boolean {
  if (f.argc !== 3) return false;
  const db = c.db;
  db.setBytes(keyArg(f, 1), keyHash(db, f, 1), valueArg(f, 2), 0);
  if (c.effects.on) c.effects.key(f.str(1));
  c.out.ok();
  return true;
}

/** SETNX key value: 1 when set, 0 when the key exists. */
function setnx(c: Client, argv: string[]): void {
  const db = c.db;
  if (db.lookup(argv[1]) >= 0) return c.out.int(0);
  db.add(argv[1], c.bulkArg(argv, 2));
  c.effects.key(argv[1]);
  c.out.int(1);
}

/** SETEX key seconds value / PSETEX key ms value: OK. Errors: not an integer, invalid expire time. */
function setexGeneric(c: Client, argv: string[], unit: number, cmd: string): void {
  const at = expireAt(c, unit, argv[2], cmd);
  if (at < 0) return;
  c.db.set(argv[1], c.bulkArg(argv, 3), at);
  c.effects.key(argv[1]);
  c.out.ok();
}

function setex(c: Client, argv: string[]): void {
  setexGeneric(c, argv, UNIT_EX, 'setex');
}

function psetex(c: Client, argv: string[]): void {
  setexGeneric(c, argv, UNIT_PX, 'psetex');
}

/** GETSET key value: the old value (nil when none); sets the new one and clears the TTL. */
function getset(c: Client, argv: string[]): void {
  const db = c.db;
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  const old = s >= 0 ? (db.valueAt(s) as string) : null;
  db.set(argv[1], c.bulkArg(argv, 2), 0);
  c.effects.key(argv[1]);
  if (old === null) c.out.nil();
  else c.out.raw(old);
}

/** GETDEL key: the value (nil when none), then deletes the key. */
function getdel(c: Client, argv: string[]): void {
  const db = c.db;
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  c.out.raw(db.valueAt(s) as string);
  db.deleteSlot(s);
  c.effects.key(argv[1]);
}

/**
 * GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]: the value (nil when none), then changes the TTL; a past
 * EXAT/PXAT deletes the key. Option syntax is checked first, the expiry value only when the key exists.
 */
function getex(c: Client, argv: string[]): void {
  if (!parseOptions(c, argv, 2, false)) return;
  const { flags, unit } = opts;
  const db = c.db;
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  const v = db.valueAt(s) as string;
  let at = 0;
  if (unit !== 0) {
    at = expireAt(c, unit, opts.arg, 'getex');
    if (at < 0) return;
  }
  c.out.raw(v);
  if ((unit === UNIT_EXAT || unit === UNIT_PXAT) && at <= c.clock.now()) db.deleteSlot(s);
  else if (unit !== 0) db.setExpireAt(s, at);
  else if (flags & F_PERSIST && db.expireAt(s) !== 0) db.setExpireAt(s, 0);
  else return;
  c.effects.key(argv[1]);
}

// ---- multiple keys ----

/** MGET key [key ...]: an array of values, nil for absent keys and keys of another type. */
function mget(c: Client, argv: string[]): void {
  const db = c.db;
  const out = c.out;
  out.array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const s = db.lookupRead(argv[i]);
    const v = s >= 0 ? db.valueAt(s) : null;
    if (typeof v !== 'string') out.nil();
    else out.raw(v);
  }
}

/** MGET's byte fast path. */
function mgetFast(c: Client, f: Frame): boolean {
  const db = c.db;
  const out = c.out;
  out.array(f.argc - 1);
  for (let k = 1; k < f.argc; k++) {
    const s = db.lookupReadBytes(keyArg(f, k), keyHash(db, f, k));
    if (s < 0 || db.typeAt(s) !== 'string') out.nil();
    else db.writeStringValue(s, out);
  }
  return true;
}

/** MSET key value [key value ...]: OK; every key loses its TTL. An odd count is an arity error. */
function mset(c: Client, argv: string[]): void {
  if (argv.length % 2 === 0) return c.out.error(E.ERR_WRONG_ARITY('mset'));
  for (let i = 1; i < argv.length; i += 2) {
    c.db.set(argv[i], c.bulkArg(argv, i + 1), 0);
    c.effects.key(argv[i]);
  }
  c.out.ok();
}

/** MSET's byte fast path (an odd count goes to mset() for its error). */
function msetFast(c: Client, f: Frame): boolean {
  if (f.argc % 2 === 0) return false;
  const db = c.db;
  for (let k = 1; k < f.argc; k += 2) {
    db.setBytes(keyArg(f, k), keyHash(db, f, k), valueArg(f, k + 1), 0);
    if (c.effects.on) c.effects.key(f.str(k));
  }
  c.out.ok();
  return true;
}

/** MSETNX key value [key value ...]: 1 when all were set, 0 (and nothing set) when any key exists. */
function msetnx(c: Client, argv: string[]): void {
  if (argv.length % 2 === 0) return c.out.error(E.ERR_WRONG_ARITY('msetnx'));
  const db = c.db;
  for (let i = 1; i < argv.length; i += 2) if (db.lookup(argv[i]) >= 0) return c.out.int(0);
  for (let i = 1; i < argv.length; i += 2) {
    db.set(argv[i], c.bulkArg(argv, i + 1), 0);
    c.effects.key(argv[i]);
  }
  c.out.int(1);
}

// ---- counters ----

/**
 * Stores a computed payload at key: in its live slot s (keeping TTL) or as a new key when s < 0; records
 * the effect.
 */
function store(c: Client, key: string, s: number, payload: string): void {
  if (s >= 0) c.db.replaceValue(s, stringValue(payload));
  else c.db.add(key, stringValue(payload));
  c.effects.key(key);
}

/**
 * Adds `by` to the 64-bit integer at key (0 when absent), keeping its TTL. Replies the new value.
 * Errors: not an integer (the stored value), increment or decrement would overflow.
 */
function incrBy(c: Client, key: string, by: number | bigint): void {
  const s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  let cur: number | bigint = 0;
  if (s >= 0) {
    const n = parseInt64(stringPayload(c.db.valueAt(s) as string));
    if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
    cur = n;
  }
  if (typeof cur === 'number' && typeof by === 'number') {
    const r = cur + by;
    if (Number.isSafeInteger(r)) {
      store(c, key, s, String(r));
      return c.out.int(r);
    }
  }
  const r = BigInt(cur) + BigInt(by);
  if (r > INT64_MAX || r < INT64_MIN) return c.out.error(E.ERR_INCR_OVERFLOW);
  store(c, key, s, r.toString());
  c.out.bigint(r);
}

/**
 * The INCR family's byte fast path: a result within 2^53 is computed and stored from the key's bytes;
 * anything else (a big integer, an overflow) goes through incrBy() with the key as a string, which
 * repeats the lookup (it only touches the key again).
 */
function incrByFast(c: Client, f: Frame, by: number): void {
  const db = c.db;
  const key = keyArg(f, 1);
  const h = keyHash(db, f, 1);
  const s = db.lookupBytes(key, h);
  let cur = 0;
  if (s >= 0) {
    if (db.typeAt(s) !== 'string') return c.out.error(E.ERR_WRONGTYPE);
    const n = parseInt64(stringPayload(db.valueAt(s) as string));
    if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
    if (typeof n !== 'number') return incrBy(c, f.str(1), by);
    cur = n;
  }
  const r = cur + by;
  if (!Number.isSafeInteger(r)) return incrBy(c, f.str(1), by);
  const payload = stringValue(String(r));
  if (s >= 0) db.replaceValue(s, payload);
  else db.addBytes(key, h, payload);
  if (c.effects.on) c.effects.key(f.str(1));
  c.out.int(r);
}

/** The increment argument of INCRBY/DECRBY within 2^53, else null (the string path decides). */
function smallIncrement(f: Frame): number | null {
  const n = parseInt64(f.str(2));
  return typeof n === 'number' ? n : null;
}

function incrFast(c: Client, f: Frame): boolean {
  incrByFast(c, f, 1);
  return true;
}

function decrFast(c: Client, f: Frame): boolean {
  incrByFast(c, f, -1);
  return true;
}

function incrbyFast(c: Client, f: Frame): boolean {
  const by = smallIncrement(f);
  if (by === null) return false;
  incrByFast(c, f, by);
  return true;
}

function decrbyFast(c: Client, f: Frame): boolean {
  const by = smallIncrement(f);
  if (by === null) return false;
  incrByFast(c, f, -by);
  return true;
}

function incr(c: Client, argv: string[]): void {
  incrBy(c, argv[1], 1);
}

function decr(c: Client, argv: string[]): void {
  incrBy(c, argv[1], -1);
}

/** INCRBY key increment. Errors: not an integer (argument or value), would overflow. */
function incrby(c: Client, argv: string[]): void {
  const by = parseInt64(argv[2]);
  if (by === null) return c.out.error(E.ERR_NOT_INTEGER);
  incrBy(c, argv[1], by);
}

/** DECRBY key decrement. Errors: not an integer, "decrement would overflow" for -2^63, would overflow. */
function decrby(c: Client, argv: string[]): void {
  const by = parseInt64(argv[2]);
  if (by === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (by === INT64_MIN) return c.out.error(E.ERR_DECR_OVERFLOW);
  incrBy(c, argv[1], -by);
}

const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

/**
 * INCRBYFLOAT key increment: the new value as a bulk string, formatted as Redis's long doubles (no
 * exponent, no trailing zeros); keeps the TTL. Errors: not a valid float (value or argument),
 * increment would produce NaN or Infinity.
 */
function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  let cur = LD_ZERO;
  if (s >= 0) {
    const n = parseLongDouble(stringPayload(c.db.valueAt(s) as string));
    if (n === null) return c.out.error(E.ERR_NOT_FLOAT);
    cur = n;
  }
  const by = parseLongDouble(argv[2]);
  if (by === null) return c.out.error(E.ERR_NOT_FLOAT);
  const r = addLongDouble(cur, by);
  if (r.inf) return c.out.error(E.ERR_INCR_NAN);
  const text = formatLongDouble(r);
  store(c, key, s, text);
  c.out.bulk(text);
}

// ---- ranges and lengths ----

/**
 * APPEND key value: the new length; creates the key when absent, keeps the TTL. Error: string exceeds
 * maximum allowed size when the result would exceed proto-max-bulk-len.
 */
function append(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) {
    db.add(key, c.bulkArg(argv, 2));
    c.effects.key(key);
    return c.out.int(argv[2].length);
  }
  const v = db.valueAt(s) as string;
  const len = stringLength(v) + argv[2].length;
  if (len > c.config.num('proto-max-bulk-len')) return c.out.error(E.ERR_STRING_TOO_LONG);
  if (argv[2].length > 0) {
    db.replaceValue(s, stringValue(stringPayload(v) + argv[2]));
    c.effects.key(key);
  }
  c.out.int(len);
}

/** STRLEN key: the value's length in bytes, 0 when absent. */
function strlen(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  c.out.int(stringLength(c.db.valueAt(s) as string));
}

/**
 * GETRANGE key start end (and SUBSTR): the bytes from start to end inclusive, negative indexes from the
 * end, clamped to the string; '' when absent or empty. As Redis 7 (not "fixed"): a negative end before
 * the string counts as 0, so GETRANGE k -100 -100 is the first byte. Errors: not an integer (checked
 * before the key is looked up).
 */
function getrange(c: Client, argv: string[]): void {
  const a = parseInt64(argv[2]);
  const b = parseInt64(argv[3]);
  if (a === null || b === null) return c.out.error(E.ERR_NOT_INTEGER);
  let start = Number(a);
  let end = Number(b);
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.bulk('');
  const v = c.db.valueAt(s) as string;
  const len = stringLength(v);
  if (start < 0 && end < 0 && start > end) return c.out.bulk('');
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = Math.max(0, len + end);
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return c.out.bulk('');
  const at = v.length - len - 2;
  c.out.bulk(v.slice(at + start, at + end + 1));
}

/**
 * SETRANGE key offset value: the new length. Overwrites from offset, padding with zero bytes; keeps the
 * TTL; an empty value changes nothing (and creates no key). Errors: not an integer, offset is out of
 * range (negative), string exceeds maximum allowed size (offset + length > proto-max-bulk-len).
 */
function setrange(c: Client, argv: string[]): void {
  const o = parseInt64(argv[2]);
  if (o === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (o < 0) return c.out.error(E.ERR_OFFSET_RANGE);
  const offset = Number(o);
  const val = argv[3];
  const key = argv[1];
  const s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  let cur = '';
  if (s >= 0) {
    const v = c.db.valueAt(s) as string;
    if (val.length === 0) return c.out.int(stringLength(v));
    cur = stringPayload(v);
  } else if (val.length === 0) return c.out.int(0);
  if (offset + val.length > c.config.num('proto-max-bulk-len')) return c.out.error(E.ERR_STRING_TOO_LONG);
  const next =
    offset >= cur.length
      ? cur + '\0'.repeat(offset - cur.length) + val
      : cur.slice(0, offset) + val + cur.slice(Math.min(cur.length, offset + val.length));
  store(c, key, s, next);
  c.out.int(next.length);
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence (absent
 * keys are ''); with LEN its length; with IDX a map {matches: [[[a1,a2],[b1,b2](,len)]...], len}.
 * Errors: syntax error, not an integer (MINMATCHLEN), IDX with LEN, the table exceeding
 * proto-max-bulk-len, allocation failure.
 */
function lcsCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const sa = db.lookupRead(argv[1]);
  const sb = db.lookupRead(argv[2]);
  const va = sa >= 0 ? db.valueAt(sa) : null;
  const vb = sb >= 0 ? db.valueAt(sb) : null;
  if ((va !== null && typeof va !== 'string') || (vb !== null && typeof vb !== 'string')) {
    return c.out.error(E.ERR_LCS_NOT_STRINGS);
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && i + 1 < argv.length) {
      const n = parseInt64(argv[++i]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      minMatchLen = n < 0 ? 0 : Number(n);
    } else return c.out.error(E.ERR_SYNTAX);
  }
  if (getIdx && getLen) return c.out.error(E.ERR_LCS_IDX_AND_LEN);
  const a = va === null ? '' : stringPayload(va);
  const b = vb === null ? '' : stringPayload(vb);
  if (lcsTableBytes(a.length, b.length) > c.config.num('proto-max-bulk-len')) return c.out.error(E.ERR_LCS_TOO_BIG);
  let r: LcsResult;
  try {
    r = lcs(a, b, getIdx || !getLen, minMatchLen);
  } catch (e) {
    if (e instanceof RangeError) return c.out.error(E.ERR_LCS_ALLOC);
    throw e;
  }
  const out = c.out;
  if (getLen) return out.int(r.len);
  if (!getIdx) return out.bulk(r.str);
  out.map(2);
  out.bulk('matches');
  const ranges = r.ranges;
  out.array(ranges.length / 5);
  for (let i = 0; i < ranges.length; i += 5) {
    out.array(withMatchLen ? 3 : 2);
    out.array(2);
    out.int(ranges[i]);
    out.int(ranges[i + 1]);
    out.array(2);
    out.int(ranges[i + 2]);
    out.int(ranges[i + 3]);
    if (withMatchLen) out.int(ranges[i + 4]);
  }
  out.bulk('len');
  out.int(r.len);
}

// ---- declarations (as Redis 7's COMMAND INFO) ----

const PAIRS: KeyPositions = { first: 1, last: -1, step: 2 };
const TWO_KEYS: KeyPositions = { first: 1, last: 2, step: 1 };
const READ_FAST = ['read', 'string', 'fast'] as const;
const WRITE_FAST = ['write', 'string', 'fast'] as const;
const WRITE_SLOW = ['write', 'string', 'slow'] as const;
const READ_SLOW = ['read', 'string', 'slow'] as const;
const cmd = declarer('string', { keys: ONE_KEY });

export const stringCommands: readonly CommandSpec[] = [
  cmd({ name: 'get', summary: 'Returns the string value of a key.', since: '1.0.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: get, fast: getFast }),
  cmd({ name: 'set', summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", since: '1.0.0', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: set, fast: setFast }),
  cmd({ name: 'setnx', summary: "Set the string value of a key only when the key doesn't exist.", since: '1.0.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: setnx }),
  cmd({ name: 'setex', summary: 'Sets the string value and expiration time of a key. Creates the key if it doesn\'t exist.', since: '2.0.0', arity: 4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: setex }),
  cmd({ name: 'psetex', summary: 'Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn\'t exist.', since: '2.6.0', arity: 4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: psetex }),
  cmd({ name: 'getset', summary: 'Returns the previous string value of a key after setting it to a new value.', since: '1.0.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: getset }),
  cmd({ name: 'getdel', summary: 'Returns the string value of a key after deleting the key.', since: '6.2.0', arity: 2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: getdel }),
  cmd({ name: 'getex', summary: 'Returns the string value of a key after setting its expiration time.', since: '6.2.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: getex }),
  cmd({ name: 'mget', summary: 'Atomically returns the string values of one or more keys.', since: '1.0.0', arity: -2, flags: ['readonly', 'fast'], acl: READ_FAST, keys: ALL_KEYS, handler: mget, fast: mgetFast }),
  cmd({ name: 'mset', summary: 'Atomically creates or modifies the string values of one or more keys.', since: '1.0.1', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, keys: PAIRS, handler: mset, fast: msetFast }),
  cmd({ name: 'msetnx', summary: 'Atomically modifies the string values of one or more keys only when all keys don\'t exist.', since: '1.0.1', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, keys: PAIRS, handler: msetnx }),
  cmd({ name: 'incr', summary: 'Increments the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: incr, fast: incrFast }),
  cmd({ name: 'decr', summary: 'Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: decr, fast: decrFast }),
  cmd({ name: 'incrby', summary: 'Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: incrby, fast: incrbyFast }),
  cmd({ name: 'decrby', summary: 'Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn\'t exist.', since: '1.0.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: decrby, fast: decrbyFast }),
  cmd({ name: 'incrbyfloat', summary: 'Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn\'t exist.', since: '2.6.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: incrbyfloat }),
  cmd({ name: 'append', summary: 'Appends a string to the value of a key. Creates the key if it doesn\'t exist.', since: '2.0.0', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: append }),
  cmd({ name: 'strlen', summary: 'Returns the length of a string value.', since: '2.2.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: strlen }),
  cmd({ name: 'getrange', summary: 'Returns a substring of the string stored at a key.', since: '2.4.0', arity: 4, flags: ['readonly'], acl: READ_SLOW, handler: getrange }),
  cmd({ name: 'substr', summary: 'Returns a substring from a string value.', since: '1.0.0', arity: 4, flags: ['readonly'], acl: READ_SLOW, handler: getrange }),
  cmd({ name: 'setrange', summary: 'Overwrites a part of a string value with another by an offset. Creates the key if it doesn\'t exist.', since: '2.2.0', arity: 4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: setrange }),
  cmd({ name: 'lcs', summary: 'Finds the longest common substring.', since: '7.0.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: TWO_KEYS, handler: lcsCommand }),
];
