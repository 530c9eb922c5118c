// Hash commands (Redis 7.2 t_hash.c) and hash-field expiration (Redis 7.4: HEXPIRE ... HPERSIST), with
// Redis's replies and error texts; the field-expiry commands are in hash-expire.ts. Values are HashValue (store/hash.ts). Every command first removes the
// fields of its hash that have expired (lazy field expiry: store/field-expire.ts, propagated as HDEL; a
// replica only hides them), so a hash emptied that way answers as a missing key.
// Effects: HSET/HMSET/HSETNX/HDEL/HINCRBY/HPERSIST replay as sent (or as the fields they changed);
// HINCRBYFLOAT as HSET with the result (plus HPEXPIREAT when the field keeps a TTL: HSET would drop it);
// HEXPIRE and friends as HPEXPIREAT with the absolute time and the fields actually set, and HDEL for
// fields a past time deleted. Failed or no-op commands record nothing.
import * as E from '../protocol/errors';
import { expireHashFields } from '../store/field-expire';
import { HASH_MAX_FIELDS, HashValue } from '../store/hash';
import { globMatch } from '../util/glob';
import { INT64_MAX, INT64_MIN, is, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import { parseCursor } from './keyspace';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from './longdouble';
import { readTyped, WRONG_TYPE, writeTyped } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

const LP_ENTRIES = 'hash-max-listpack-entries';
const LP_VALUE = 'hash-max-listpack-value';
/** LONG_MAX / 2: HRANDFIELD WITHVALUES counts beyond it are refused (its reply would double them). */
const HRANDFIELD_HALF = INT64_MAX / 2n;
/**
 * HRANDFIELD with a negative count repeats fields: beyond this many we answer "value is out of range"
 * (Redis would build the whole reply: -9223372036854775807 would never finish).
 */
export const HRANDFIELD_MAX_REPEATS = 10_000_000;
const SCAN_DEFAULT_COUNT = 10;

const LD_ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

// ---- lookups ----

/** After lazy field expiry: the slot, or -1 when the key went with its last field. */
function afterFieldExpiry(c: Client, s: number): number {
  if (s < 0 || (c.db.valueAt(s) as HashValue).nextExpire === 0) return s;
  return expireHashFields(c.db, s, c.clock.now()) ? s : -1;
}

/** A hash for a read command: its slot, -1 when missing, WRONG_TYPE after the error. */
export function lookupRead(c: Client, key: string): number {
  return afterFieldExpiry(c, readTyped(c, key, 'hash'));
}

/** A hash for a write command that needs it to exist: as lookupRead, without hit/miss stats. */
export function lookupWrite(c: Client, key: string): number {
  return afterFieldExpiry(c, writeTyped(c, key, 'hash'));
}

/** A hash for a write that creates it: its slot (a new empty hash when missing), or WRONG_TYPE. */
function lookupCreate(c: Client, key: string): number {
  const s = lookupWrite(c, key);
  return s === -1 ? c.db.add(key, new HashValue()) : s;
}

export function hashAt(c: Client, s: number): HashValue {
  return c.db.valueAt(s) as HashValue;
}

/** After a write: applies the listpack limits and settles the keyspace (deletes an emptied hash). */
export function settle(c: Client, s: number, h: HashValue): void {
  h.convertIfNeeded(c.config.num(LP_ENTRIES), c.config.num(LP_VALUE));
  c.db.written(s);
}

/** True (after writing the error and settling) when adding the fields argv[from], argv[from+2], ... would pass HASH_MAX_FIELDS. */
function tooManyFields(c: Client, s: number, h: HashValue, argv: readonly string[], from: number, step: number): boolean {
  const room = HASH_MAX_FIELDS - h.size;
  if (Math.ceil((argv.length - from) / step) <= room) return false;
  const now = c.clock.now();
  const fresh = new Set<string>();
  for (let i = from; i < argv.length; i += step) if (!h.has(argv[i], now)) fresh.add(argv[i]);
  if (fresh.size <= room) return false;
  c.db.written(s);
  c.out.error(E.ERR_HASH_TOO_BIG(HASH_MAX_FIELDS));
  return true;
}

// ---- set, get, delete ----

/**
 * HSET key field value [field value ...]: the number of fields created. HMSET: OK. A field set again
 * loses its TTL. Errors: wrong number of arguments (odd pair count), WRONGTYPE, too many fields.
 */
function hsetGeneric(c: Client, argv: string[], name: 'hset' | 'hmset'): void {
  if (argv.length % 2 === 1) return c.out.error(E.ERR_WRONG_ARITY(name));
  const s = lookupCreate(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const h = hashAt(c, s);
  if (argv.length > 4 && tooManyFields(c, s, h, argv, 2, 2)) return;
  if (argv.length === 4 && h.size >= HASH_MAX_FIELDS && tooManyFields(c, s, h, argv, 2, 2)) return;
  const now = c.clock.now();
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i], argv[i + 1], now)) created++;
  settle(c, s, h);
  c.effects.command(argv);
  if (name === 'hset') c.out.int(created);
  else c.out.ok();
}

function hset(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, 'hset');
}

function hmset(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, 'hmset');
}

/** HSETNX key field value: 1 when the field was created, 0 when it exists. */
function hsetnx(c: Client, argv: string[]): void {
  const s = lookupCreate(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const h = hashAt(c, s);
  const now = c.clock.now();
  if (h.has(argv[2], now)) return c.out.int(0);
  if (tooManyFields(c, s, h, argv, 2, 2)) return;
  h.set(argv[2], argv[3], now);
  settle(c, s, h);
  c.effects.command(argv);
  c.out.int(1);
}

/** HGET key field: the value, nil when the key or field is missing. */
function hget(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  const v = hashAt(c, s).get(argv[2], c.clock.now());
  if (v === undefined) c.out.nil();
  else c.out.bulk(v);
}

/** HMGET key field [field ...]: the values, nil for each missing one (all nil when the key is missing). */
function hmget(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  c.out.array(argv.length - 2);
  const h = s < 0 ? null : hashAt(c, s);
  const now = c.clock.now();
  for (let i = 2; i < argv.length; i++) {
    const v = h === null ? undefined : h.get(argv[i], now);
    if (v === undefined) c.out.nil();
    else c.out.bulk(v);
  }
}

/** HDEL key field [field ...]: how many fields were removed; the key goes with its last field. */
function hdel(c: Client, argv: string[]): void {
  const s = lookupWrite(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const h = hashAt(c, s);
  const now = c.clock.now();
  let n = 0;
  for (let i = 2; i < argv.length; i++) if (h.delete(argv[i], now)) n++;
  c.db.written(s); // no listpack check: Redis's HDEL never converts
  if (n > 0) c.effects.command(argv);
  c.out.int(n);
}

/** HLEN key: the number of fields (0 when missing). */
function hlen(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  c.out.int(s < 0 ? 0 : hashAt(c, s).liveSize(c.clock.now()));
}

/** HSTRLEN key field: the value's length in bytes, 0 when missing. */
function hstrlen(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const v = s < 0 ? undefined : hashAt(c, s).get(argv[2], c.clock.now());
  c.out.int(v === undefined ? 0 : v.length);
}

/** HEXISTS key field: 1 or 0. */
function hexists(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  c.out.int(s >= 0 && hashAt(c, s).has(argv[2], c.clock.now()) ? 1 : 0);
}

const WANT_FIELDS = 1;
const WANT_VALUES = 2;

/** HGETALL (a map in RESP3), HKEYS, HVALS: the live fields in the hash's order; empty when missing. */
function getAll(c: Client, key: string, want: number): void {
  const s = lookupRead(c, key);
  if (s === WRONG_TYPE) return;
  const both = want === (WANT_FIELDS | WANT_VALUES);
  if (s < 0) return both ? c.out.map(0) : c.out.array(0);
  const h = hashAt(c, s);
  const now = c.clock.now();
  const n = h.liveSize(now);
  if (both) c.out.map(n);
  else c.out.array(n);
  const out = c.out;
  h.forEach(now, (e) => {
    if (want & WANT_FIELDS) out.bulk(h.fieldAt(e));
    if (want & WANT_VALUES) out.bulk(h.valueAt(e));
  });
}

function hgetall(c: Client, argv: string[]): void {
  getAll(c, argv[1], WANT_FIELDS | WANT_VALUES);
}

function hkeys(c: Client, argv: string[]): void {
  getAll(c, argv[1], WANT_FIELDS);
}

function hvals(c: Client, argv: string[]): void {
  getAll(c, argv[1], WANT_VALUES);
}

// ---- increments ----

/**
 * HINCRBY key field increment: the new value; a missing field counts as 0; the field keeps its TTL.
 * Errors: not an integer (increment), hash value is not an integer, increment or decrement would
 * overflow (64-bit), WRONGTYPE.
 */
function hincrby(c: Client, argv: string[]): void {
  const by = parseInt64(argv[3]);
  if (by === null) return c.out.error(E.ERR_NOT_INTEGER);
  const s = lookupCreate(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const h = hashAt(c, s);
  const now = c.clock.now();
  const old = h.get(argv[2], now);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const n = parseInt64(old);
    if (n === null) return c.out.error(E.ERR_HASH_NOT_INTEGER);
    cur = n;
  } else if (tooManyFields(c, s, h, argv, 2, 2)) return;
  let r: number | bigint;
  if (typeof cur === 'number' && typeof by === 'number' && Number.isSafeInteger(cur + by)) r = cur + by;
  else {
    const b = BigInt(cur) + BigInt(by);
    if (b > INT64_MAX || b < INT64_MIN) {
      c.db.written(s);
      return c.out.error(E.ERR_INCR_OVERFLOW);
    }
    r = Number.isSafeInteger(Number(b)) ? Number(b) : b;
  }
  h.set(argv[2], String(r), now, true);
  settle(c, s, h);
  c.effects.command(argv);
  if (typeof r === 'number') c.out.int(r);
  else c.out.bigint(r);
}

/**
 * HINCRBYFLOAT key field increment: the new value as Redis formats long doubles; a missing field counts
 * as 0; the field keeps its TTL. Errors: value is not a valid float (increment), value is NaN or
 * Infinity (an infinite increment), hash value is not a float, increment would produce NaN or Infinity.
 */
function hincrbyfloat(c: Client, argv: string[]): void {
  const by = parseLongDouble(argv[3]);
  if (by === null) return c.out.error(E.ERR_NOT_FLOAT);
  if (by.inf) return c.out.error(E.ERR_NAN_OR_INFINITY);
  const s = lookupCreate(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const h = hashAt(c, s);
  const now = c.clock.now();
  const old = h.get(argv[2], now);
  let cur = LD_ZERO;
  if (old !== undefined) {
    // A stored 'inf' parses (as Redis's string2ld); its sum is then not finite: ERR increment would
    // produce NaN or Infinity, below, as Redis.
    const n = parseLongDouble(old);
    if (n === null) return c.out.error(E.ERR_HASH_NOT_FLOAT);
    cur = n;
  } else if (tooManyFields(c, s, h, argv, 2, 2)) return;
  const r = addLongDouble(cur, by);
  if (r.inf) {
    c.db.written(s);
    return c.out.error(E.ERR_INCR_NAN);
  }
  const text = formatLongDouble(r);
  h.set(argv[2], text, now, true);
  const at = h.fieldExpiry(argv[2], now);
  settle(c, s, h);
  c.effects.command(['HSET', argv[1], argv[2], text]);
  if (at > 0) c.effects.command(['HPEXPIREAT', argv[1], String(at), 'FIELDS', '1', argv[2]]);
  c.out.bulk(text);
}

// ---- random fields and scanning ----

/**
 * HRANDFIELD key [count [WITHVALUES]]. Without count: a random field, nil when the key is missing. With
 * count > 0: min(count, HLEN) distinct fields; count < 0: |count| fields, repeats allowed; WITHVALUES adds
 * each value (RESP3: [field, value] pairs). Errors: not an integer; value is out of range, must between
 * -LONG_MAX and LONG_MAX (-2^63); syntax error; value is out of range (WITHVALUES with |count| > LONG_MAX/2,
 * or more than HRANDFIELD_MAX_REPEATS repeats); WRONGTYPE.
 */
function hrandfield(c: Client, argv: string[]): void {
  if (argv.length >= 3) {
    const n = parseInt64(argv[2]);
    if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
    if (n === INT64_MIN) return c.out.error(E.ERR_LONG_RANGE);
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) return c.out.error(E.ERR_SYNTAX);
    const withValues = argv.length === 4;
    if (withValues && (n > HRANDFIELD_HALF || n < -HRANDFIELD_HALF)) return c.out.error(E.ERR_OUT_OF_RANGE);
    const unique = n >= 0;
    const count = unique ? Number(n) : -Number(n);
    if (!unique && count > HRANDFIELD_MAX_REPEATS) return c.out.error(E.ERR_OUT_OF_RANGE);
    const s = lookupRead(c, argv[1]);
    if (s === WRONG_TYPE) return;
    if (s < 0 || count === 0) return c.out.array(0);
    const h = hashAt(c, s);
    const entries = h.sample(count, unique, c.clock.now());
    const out = c.out;
    if (!withValues) {
      out.array(entries.length);
      for (const e of entries) out.bulk(h.fieldAt(e));
      return;
    }
    out.pairs(entries.length);
    for (const e of entries) {
      out.pair();
      out.bulk(h.fieldAt(e));
      out.bulk(h.valueAt(e));
    }
    return;
  }
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  const h = hashAt(c, s);
  const e = h.sample(1, false, c.clock.now());
  if (e.length === 0) c.out.nil();
  else c.out.bulk(h.fieldAt(e[0]));
}

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]: [next cursor, fields and values (or fields
 * only)]. A small hash comes whole with cursor 0; a large one by entry number (store/hash.ts): a field
 * present for the whole scan is returned exactly once. Errors: invalid cursor; WRONGTYPE; not an integer
 * (COUNT); syntax error (COUNT < 1, unknown or incomplete option).
 */
function hscan(c: Client, argv: string[]): void {
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
  let noValues = false;
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
    } else if (is(a, 'novalues')) {
      noValues = true;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const h = hashAt(c, s);
  const found: number[] = [];
  const next = h.scan(cursor, count, c.clock.now(), (e) => {
    if (pattern === null || globMatch(pattern, h.fieldAt(e))) found.push(e);
  });
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.array(noValues ? found.length : 2 * found.length);
  for (const e of found) {
    c.out.bulk(h.fieldAt(e));
    if (!noValues) c.out.bulk(h.valueAt(e));
  }
}

// ---- declarations (Redis 7.2 COMMAND INFO; the field-expiry ones as Redis 7.4) ----

const READ_FAST = ['read', 'hash', 'fast'] as const;
const READ_SLOW = ['read', 'hash', 'slow'] as const;
export const READ_FAST_HASH = READ_FAST;
const WRITE_FAST = ['write', 'hash', 'fast'] as const;
export const WRITE_FAST_HASH = WRITE_FAST;

const cmd = declarer('hash', { keys: ONE_KEY });

export const hashCommands: readonly CommandSpec[] = [
  cmd({ name: 'hset', summary: 'Creates or modifies the value of a field in a hash.', since: '2.0.0', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hset }),
  cmd({ name: 'hsetnx', summary: "Sets the value of a field in a hash only when the field doesn't exist.", since: '2.0.0', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hsetnx }),
  cmd({ name: 'hmset', summary: 'Sets the values of multiple fields.', since: '2.0.0', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hmset }),
  cmd({ name: 'hget', summary: 'Returns the value of a field in a hash.', since: '2.0.0', arity: 3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hget }),
  cmd({ name: 'hmget', summary: 'Returns the values of all fields in a hash.', since: '2.0.0', arity: -3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hmget }),
  cmd({ name: 'hgetall', summary: 'Returns all fields and values in a hash.', since: '2.0.0', arity: 2, flags: ['readonly'], acl: READ_SLOW, handler: hgetall }),
  cmd({ name: 'hdel', summary: 'Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.', since: '2.0.0', arity: -3, flags: ['write', 'fast'], acl: WRITE_FAST, handler: hdel }),
  cmd({ name: 'hlen', summary: 'Returns the number of fields in a hash.', since: '2.0.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hlen }),
  cmd({ name: 'hstrlen', summary: 'Returns the length of the value of a field.', since: '3.2.0', arity: 3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hstrlen }),
  cmd({ name: 'hexists', summary: 'Determines whether a field exists in a hash.', since: '2.0.0', arity: 3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hexists }),
  cmd({ name: 'hkeys', summary: 'Returns all fields in a hash.', since: '2.0.0', arity: 2, flags: ['readonly'], acl: READ_SLOW, handler: hkeys }),
  cmd({ name: 'hvals', summary: 'Returns all values in a hash.', since: '2.0.0', arity: 2, flags: ['readonly'], acl: READ_SLOW, handler: hvals }),
  cmd({ name: 'hincrby', summary: "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.", since: '2.0.0', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hincrby }),
  cmd({ name: 'hincrbyfloat', summary: "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.", since: '2.6.0', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hincrbyfloat }),
  cmd({ name: 'hrandfield', summary: 'Returns one or more random fields from a hash.', since: '6.2.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: hrandfield }),
  cmd({ name: 'hscan', summary: 'Iterates over fields and values of a hash.', since: '2.8.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, handler: hscan }),
];
