// Keyspace (generic) commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, TOUCH,
// COPY, MOVE here; the EXPIRE and TTL families in keyspace-expire.ts; OBJECT, DUMP and RESTORE in
// keyspace-object.ts.
import * as E from '../protocol/errors';
import type { Frame } from '../protocol/parser';
import { keyArg, keyHash } from './frame-args';
import type { Keyspace } from '../store/keyspace';
import { copyValue, typeName } from '../store/value';
import type { Session as Client } from './types';
import { globMatch } from '../util/glob';
import { is, parseInt64 } from './args';
import { expireCommands, lookupReadNoTouch } from './keyspace-expire';
import { objectCommands } from './keyspace-object';
import { ALL_KEYS, declarer, ONE_KEY, type CommandSpec, type KeyPositions } from './types';

/** SCAN's default COUNT. */
const SCAN_DEFAULT_COUNT = 10;
/** Largest cursor a client may send (strtoull's range). */
const CURSOR_MAX = 2n ** 64n - 1n;
const CURSOR_RE = /^[+-]?\d+$/;

/** DEL key [key ...] and UNLINK: the number of keys removed. */
function del(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (c.db.delete(argv[i])) {
      n++;
      c.effects.key(argv[i]);
    }
  }
  c.out.int(n);
}

/** DEL's byte fast path (types.ts FastHandler). */
function delFast(c: Client, f: Frame): boolean {
  const db = c.db;
  let n = 0;
  for (let k = 1; k < f.argc; k++) {
    if (db.deleteBytes(keyArg(f, k), keyHash(db, f, k))) {
      n++;
      if (c.effects.on) c.effects.key(f.str(k));
    }
  }
  c.out.int(n);
  return true;
}

/** EXISTS key [key ...]: how many of the keys exist, a key named twice counting twice. */
function exists(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (lookupReadNoTouch(c.db, argv[i]) >= 0) n++;
  c.out.int(n);
}

/** EXISTS's byte fast path: no touch, hits and misses counted (as exists()). */
function existsFast(c: Client, f: Frame): boolean {
  const db = c.db;
  const stats = db.env.stats;
  let n = 0;
  for (let k = 1; k < f.argc; k++) {
    if (db.lookupBytes(keyArg(f, k), keyHash(db, f, k), true) >= 0) {
      n++;
      stats.hits++;
    } else stats.misses++;
  }
  c.out.int(n);
  return true;
}

/** TOUCH key [key ...]: how many of the keys exist; marks each as accessed. */
function touch(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.lookupRead(argv[i]) >= 0) n++;
  c.out.int(n);
}

/** TYPE key: the type name as a status reply, `none` when the key is absent. */
function type(c: Client, argv: string[]): void {
  const s = lookupReadNoTouch(c.db, argv[1]);
  c.out.simple(s < 0 ? 'none' : typeName(c.db.valueAt(s)));
}

/** KEYS pattern: every live key matching the glob pattern, in no particular order. */
function keys(c: Client, argv: string[]): void {
  const db = c.db;
  const pattern = argv[1];
  const all = pattern === '*';
  const found: string[] = [];
  db.forEachLive((s) => {
    const k = db.keyAt(s);
    if (all || globMatch(pattern, k)) found.push(k);
  });
  c.out.bulks(found);
}

/**
 * A SCAN cursor as Redis's strtoull reads it: optional sign, decimal digits, at most 2^64-1 (a negative
 * one wraps, so it lies past the end); the empty string is 0. null: ERR invalid cursor.
 */
export function parseCursor(arg: string): number | null {
  if (arg === '') return 0;
  if (!CURSOR_RE.test(arg)) return null;
  const digits = arg[0] === '+' || arg[0] === '-' ? arg.slice(1) : arg;
  if (digits.length > 20) return null;
  const v = BigInt(digits);
  if (v > CURSOR_MAX) return null;
  if (arg[0] === '-' && v !== 0n) return Number(CURSOR_MAX - v + 1n);
  return Number(v);
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: [next cursor, keys]. The cursor is a slot
 * number: a key keeps its slot while it exists, so a key present for the whole scan is returned (once),
 * keys added or removed meanwhile may or may not be. Expired keys met are removed, never returned.
 * Errors: invalid cursor; not an integer (COUNT); syntax error (COUNT < 1, unknown or incomplete option).
 */
function scan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[1]);
  if (cursor === null) return c.out.error(E.ERR_INVALID_CURSOR);
  let count = SCAN_DEFAULT_COUNT;
  let pattern: string | null = null;
  let wantType: string | null = null;
  for (let i = 2; i < argv.length; i += 2) {
    const a = argv[i];
    const more = i + 1 < argv.length;
    if (is(a, 'count') && more) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n < 1) return c.out.error(E.ERR_SYNTAX);
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
    } else if (is(a, 'match') && more) {
      pattern = argv[i + 1] === '*' ? null : argv[i + 1];
    } else if (is(a, 'type') && more) {
      wantType = argv[i + 1].toLowerCase();
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const db = c.db;
  const slots: number[] = [];
  const next = db.scan(cursor, count, (s) => slots.push(s));
  const found: string[] = [];
  const now = c.clock.now();
  for (const s of slots) {
    if (db.isExpired(s, now)) {
      db.expireSlot(s);
      continue;
    }
    const k = db.keyAt(s);
    if (pattern !== null && !globMatch(pattern, k)) continue;
    if (wantType !== null && typeName(db.valueAt(s)) !== wantType) continue;
    found.push(k);
  }
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(found);
}

/** RANDOMKEY: a random live key, nil when the database is empty. Expired keys drawn are removed. */
function randomkey(c: Client): void {
  const db = c.db;
  // A replica removes nothing: after many expired draws it answers one of them (as Redis's dbRandomKey).
  for (let tries = 100; ; tries--) {
    const s = db.randomSlot();
    if (s < 0) return c.out.nil();
    if (!db.isExpired(s) || (db.env.replica && tries <= 0)) return c.out.bulk(db.keyAt(s));
    db.expireSlot(s);
  }
}

/**
 * Moves the value, expiry and access field of slot `s` of `from` to the absent key `key` of `to`, then
 * removes slot `s`.
 */
function moveSlot(from: Keyspace, s: number, to: Keyspace, key: string): void {
  const value = from.valueAt(s);
  const exp = from.expireAt(s);
  const field = from.accessField(s);
  from.deleteSlot(s);
  const t = to.add(key, value);
  to.setAccessField(t, field);
  if (exp !== 0) to.setExpireAt(t, exp);
}

/**
 * RENAME key newkey (OK) and RENAMENX (1, or 0 when newkey exists). The value keeps its TTL and access
 * time; an existing newkey is overwritten (RENAME). Error: no such key. Renaming a key to itself is a
 * no-op (OK / 0).
 */
function rename(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const s = db.lookup(src);
  if (s < 0) return c.out.error(E.ERR_NO_SUCH_KEY);
  if (src === dst) return nx ? c.out.int(0) : c.out.ok();
  const d = db.lookup(dst);
  if (d >= 0) {
    if (nx) return c.out.int(0);
    db.deleteSlot(d);
  }
  moveSlot(db, s, db, dst);
  c.effects.key(src);
  c.effects.key(dst);
  if (nx) c.out.int(1);
  else c.out.ok();
}

/**
 * A DB argument (COPY, MOVE): the database, or null with an error written, as Redis's
 * getIntFromObjectOrReply then its index check: not an integer, out of int32 range, DB index.
 */
function dbArg(c: Client, arg: string): Keyspace | null {
  const n = parseInt64(arg);
  if (n === null) {
    c.out.error(E.ERR_NOT_INTEGER);
    return null;
  }
  if (n < -2147483648 || n > 2147483647) {
    c.out.error(E.ERR_INT32_RANGE);
    return null;
  }
  const dbs = c.node.dbs;
  if (typeof n !== 'number' || n < 0 || n >= dbs.length) {
    c.out.error(E.ERR_DB_INDEX);
    return null;
  }
  return dbs[n];
}

/**
 * COPY source destination [DB n] [REPLACE]: 1 when copied (with its TTL), 0 when source is absent or
 * destination exists without REPLACE. Errors: syntax error, not an integer, value is out of range (int32),
 * DB index is out of range, source and destination objects are the same.
 */
function copy(c: Client, argv: string[]): void {
  const db = c.db;
  let to = db;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    if (is(argv[j], 'replace')) replace = true;
    else if (is(argv[j], 'db') && j + 1 < argv.length) {
      const d = dbArg(c, argv[++j]);
      if (d === null) return;
      to = d;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  if (c.node.cluster !== null && (db !== c.node.dbs[0] || to !== db)) return c.out.error(E.ERR_COPY_CLUSTER);
  if (to === db && argv[1] === argv[2]) return c.out.error(E.ERR_SAME_OBJECT);
  const s = db.lookupRead(argv[1]);
  if (s < 0) return c.out.int(0);
  const d = to.lookup(argv[2]);
  if (d >= 0) {
    if (!replace) return c.out.int(0);
    to.deleteSlot(d);
  }
  const t = to.add(argv[2], copyValue(db.valueAt(s)));
  const exp = db.expireAt(s);
  if (exp !== 0) to.setExpireAt(t, exp);
  c.effects.key(argv[2], to.id);
  c.out.int(1);
}

/**
 * MOVE key db: 1 when moved (with its TTL and access time), 0 when the key is absent here or exists
 * there. Errors: not an integer, DB index is out of range, source and destination objects are the same.
 */
function move(c: Client, argv: string[]): void {
  if (c.node.cluster !== null) return c.out.error(E.ERR_MOVE_CLUSTER);
  const to = dbArg(c, argv[2]);
  if (to === null) return;
  const db = c.db;
  if (to === db) return c.out.error(E.ERR_SAME_OBJECT);
  const s = db.lookup(argv[1]);
  if (s < 0 || to.lookup(argv[1]) >= 0) return c.out.int(0);
  moveSlot(db, s, to, argv[1]);
  c.effects.key(argv[1]);
  c.effects.key(argv[1], to.id);
  c.out.int(1);
}

const FIRST_TWO: KeyPositions = { first: 1, last: 2, step: 1 };

const cmd = declarer('generic');

const W_SLOW = ['keyspace', 'write', 'slow'];
const W_FAST = ['keyspace', 'write', 'fast'];
const R_FAST = ['keyspace', 'read', 'fast'];
const R_SLOW = ['keyspace', 'read', 'slow'];

export const keyspaceCommands: readonly CommandSpec[] = [
  cmd({ name: 'del', summary: 'Deletes one or more keys.', since: '1.0.0', arity: -2, flags: ['write'], acl: W_SLOW, keys: ALL_KEYS, handler: del, fast: delFast }),
  cmd({ name: 'unlink', summary: 'Asynchronously deletes one or more keys.', since: '4.0.0', arity: -2, flags: ['write', 'fast'], acl: W_FAST, keys: ALL_KEYS, handler: del, fast: delFast }),
  cmd({ name: 'exists', summary: 'Determines whether one or more keys exist.', since: '1.0.0', arity: -2, flags: ['readonly', 'fast'], acl: R_FAST, keys: ALL_KEYS, handler: exists, fast: existsFast }),
  cmd({ name: 'type', summary: 'Determines the type of value stored at a key.', since: '1.0.0', arity: 2, flags: ['readonly', 'fast'], acl: R_FAST, keys: ONE_KEY, handler: type }),
  ...expireCommands,
  cmd({ name: 'keys', summary: 'Returns all key names that match a pattern.', since: '1.0.0', arity: 2, flags: ['readonly'], acl: [...R_SLOW, 'dangerous'], handler: keys }),
  cmd({ name: 'scan', summary: 'Iterates over the key names in the database.', since: '2.8.0', arity: -2, flags: ['readonly'], acl: R_SLOW, handler: scan }),
  cmd({ name: 'randomkey', summary: 'Returns a random key name from the database.', since: '1.0.0', arity: 1, flags: ['readonly'], acl: R_SLOW, handler: randomkey }),
  cmd({ name: 'rename', summary: 'Renames a key and overwrites the destination.', since: '1.0.0', arity: 3, flags: ['write'], acl: W_SLOW, keys: FIRST_TWO, handler: (c, a) => rename(c, a, false) }),
  cmd({ name: 'renamenx', summary: "Renames a key only when the target key name doesn't exist.", since: '1.0.0', arity: 3, flags: ['write', 'fast'], acl: W_FAST, keys: FIRST_TWO, handler: (c, a) =>
    rename(c, a, true) }),
  cmd({ name: 'touch', summary: 'Returns the number of existing keys out of those specified after updating the time they were last accessed.', since: '3.2.1', arity: -2, flags: ['readonly', 'fast'], acl: R_FAST, keys: ALL_KEYS, handler: touch }),
  cmd({ name: 'copy', summary: 'Copies the value of a key to a new key.', since: '6.2.0', arity: -3, flags: ['write', 'denyoom'], acl: W_SLOW, keys: FIRST_TWO, handler: copy }),
  cmd({ name: 'move', summary: 'Moves a key to another database.', since: '1.0.0', arity: 3, flags: ['write', 'fast'], acl: W_FAST, keys: ONE_KEY, handler: move }),
  ...objectCommands,
];
