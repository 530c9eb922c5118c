// The replication stream's encoding: RESP multibulk commands, byte strings (latin1). A write's effects
// (store/effects.ts) are either literal commands (HSET key f v ...) or key states: a string key's state is
// `SET key value [PXAT ms]` when it exists (alive), else `DEL key`, so applying a key's latest state gives
// the primary's whatever came before it; a collection's whole state is `RESTORE key ms payload REPLACE
// ABSTTL` (rare: RENAME, COPY, MOVE, RESTORE of a collection).
import { dumpValue } from '../store/dump';
import type { Keyspace } from '../store/keyspace';

/** `*N\r\n$len\r\narg\r\n...` for argv (byte strings). */
export function encodeCommand(argv: readonly string[]): string {
  let s = '*' + argv.length + '\r\n';
  for (let i = 0; i < argv.length; i++) s += '$' + argv[i].length + '\r\n' + argv[i] + '\r\n';
  return s;
}

const SET3 = '*3\r\n$3\r\nSET\r\n$';
const SET5 = '*5\r\n$3\r\nSET\r\n$';
const PXAT = '$4\r\nPXAT\r\n$';
const DEL2 = '*2\r\n$3\r\nDEL\r\n$';

/**
 * `SET key value` or `SET key value PXAT ms` (expireAt > 0). `valueBulk` is the stored value in its
 * bulk form (`$len\r\n...\r\n`), copied as is.
 */
export function setEffect(key: string, valueBulk: string, expireAt: number): string {
  if (expireAt === 0) return SET3 + key.length + '\r\n' + key + '\r\n' + valueBulk;
  const at = String(expireAt);
  return SET5 + key.length + '\r\n' + key + '\r\n' + valueBulk + PXAT + at.length + '\r\n' + at + '\r\n';
}

/** `DEL key`. */
export function delEffect(key: string): string {
  return DEL2 + key.length + '\r\n' + key + '\r\n';
}

/**
 * The effect giving key its current state in db: for a string SET (with PXAT when it has a TTL); for a
 * collection RESTORE ... REPLACE ABSTTL of its DUMP payload; DEL when absent or expired.
 */
export function keyState(db: Keyspace, key: string): string {
  const s = db.peek(key);
  if (s < 0 || db.isExpired(s)) return delEffect(key);
  const v = db.valueAt(s);
  if (typeof v === 'string') return setEffect(key, v, db.expireAt(s));
  return encodeCommand(['RESTORE', key, String(db.expireAt(s)), dumpValue(v), 'REPLACE', 'ABSTTL']);
}

/**
 * The effect giving key its current expiry: a string's whole state (keyState); for a collection
 * `PEXPIREAT key ms` or `PERSIST key` (its contents are not resent); DEL when absent or expired.
 */
export function expiryState(db: Keyspace, key: string): string {
  const s = db.peek(key);
  if (s < 0 || db.isExpired(s)) return delEffect(key);
  const v = db.valueAt(s);
  if (typeof v === 'string') return setEffect(key, v, db.expireAt(s));
  const at = db.expireAt(s);
  return at === 0 ? encodeCommand(['PERSIST', key]) : encodeCommand(['PEXPIREAT', key, String(at)]);
}

/** `SELECT n`. */
export function selectCommand(db: number): string {
  return encodeCommand(['SELECT', String(db)]);
}

/** Heartbeat (counted in offsets, as Redis's PING to replicas). */
export const PING = '*1\r\n$4\r\nPING\r\n';

/**
 * `REPLSNAP key <expireAt ms or 0> <DUMP payload> <db>` for the key in slot s of db (snapshot; not
 * counted in offsets). The expiry is absolute, as in the live stream's PXAT.
 */
export function snapEntry(db: Keyspace, slot: number): string {
  return encodeCommand(['REPLSNAP', db.keyAt(slot), String(db.expireAt(slot)), dumpValue(db.valueAt(slot)), String(db.id)]);
}

export const SNAP_END = '*1\r\n$12\r\nREPLSNAP-END\r\n';

/** Offset-counting length of a received command (its canonical encoding: what the primary produced). */
export function encodedLength(argv: readonly string[]): number {
  let n = 3 + String(argv.length).length;
  for (let i = 0; i < argv.length; i++) n += 5 + String(argv[i].length).length + argv[i].length;
  return n;
}
