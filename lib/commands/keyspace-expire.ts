// Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.
// Times are absolute ms since the epoch read from the node's clock (arguments: commands/expiry.ts).
import * as E from '../protocol/errors';
import type { Keyspace } from '../store/keyspace';
import type { Session as Client } from './types';
import { expiryArg } from './expiry';
export { MAX_EXPIRE_MS } from './expiry';
import { declarer, ONE_KEY, type CommandSpec, type FastHandler, type Handler } from './types';
import type { Frame } from '../protocol/parser';
import { keyArg, keyHash } from './frame-args';

/** The slot of a live key without touching it, counting a keyspace hit or miss (TTL, TYPE, EXISTS, OBJECT). */
export function lookupReadNoTouch(db: Keyspace, key: string): number {
  const s = db.lookup(key, true);
  if (s < 0) db.env.stats.misses++;
  else db.env.stats.hits++;
  return s;
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/**
 * key time [NX|XX|GT|LT]: 1 when the expiry was set (a time at or before now deletes the key, also 1),
 * 0 when the key is absent or a condition failed. Errors: Unsupported option, NX with XX/GT/LT, GT with
 * LT (checked before the time), not an integer, invalid expire time.
 */
function expireGeneric(c: Client, argv: string[], unitMs: 1 | 1000, absolute: boolean): void {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'nx') flags |= NX;
    else if (a === 'xx') flags |= XX;
    else if (a === 'gt') flags |= GT;
    else if (a === 'lt') flags |= LT;
    else return c.out.error(E.ERR_UNSUPPORTED_OPTION(argv[i]));
  }
  if (flags & NX && flags & (XX | GT | LT)) return c.out.error(E.ERR_EXPIRE_NX_CONFLICT);
  if (flags & GT && flags & LT) return c.out.error(E.ERR_EXPIRE_GT_LT);
  const now = c.clock.now();
  const when = expiryArg(argv[2], unitMs, absolute ? 0 : now, argv[0].toLowerCase());
  if (typeof when === 'string') return c.out.error(when);
  const db = c.db;
  const s = db.lookup(argv[1]);
  if (s < 0) return c.out.int(0);
  if (flags !== 0) {
    const cur = db.expireAt(s); // 0: no expiry, an infinite TTL for GT and LT
    if (flags & NX && cur !== 0) return c.out.int(0);
    if (flags & XX && cur === 0) return c.out.int(0);
    if (flags & GT && (cur === 0 || when <= cur)) return c.out.int(0);
    if (flags & LT && cur !== 0 && when >= cur) return c.out.int(0);
  }
  if (when <= now) db.deleteSlot(s);
  else db.setExpireAt(s, when);
  c.effects.expiry(argv[1]);
  c.out.int(1);
}

/**
 * TTL family: -2 when the key is absent, -1 when it has no expiry, else the remaining time (or, `abs`,
 * the expiry time) in ms or in seconds rounded to nearest, never below 0.
 */
function ttlGeneric(c: Client, key: string, ms: boolean, abs: boolean): void {
  ttlReply(c, lookupReadNoTouch(c.db, key), ms, abs);
}

/** The TTL family's reply for the key in slot s (-1: absent). */
function ttlReply(c: Client, s: number, ms: boolean, abs: boolean): void {
  const db = c.db;
  if (s < 0) return c.out.int(-2);
  const exp = db.expireAt(s);
  if (exp === 0) return c.out.int(-1);
  let t = abs ? exp : exp - c.clock.now();
  if (t < 0) t = 0;
  c.out.int(ms ? t : Math.floor((t + 500) / 1000));
}

/** The EXPIRE family's byte fast path, without options (any goes to expireGeneric). */
function expireFast(c: Client, f: Frame, unitMs: 1 | 1000, absolute: boolean, name: string): boolean {
  if (f.argc !== 3) return false;
  const now = c.clock.now();
  const when = expiryArg(f.str(2), unitMs, absolute ? 0 : now, name);
  if (typeof when === 'string') {
    c.out.error(when);
    return true;
  }
  const db = c.db;
  const s = db.lookupBytes(keyArg(f, 1), keyHash(db, f, 1));
  if (s < 0) {
    c.out.int(0);
    return true;
  }
  if (when <= now) db.deleteSlot(s);
  else db.setExpireAt(s, when);
  if (c.effects.on) c.effects.expiry(f.str(1));
  c.out.int(1);
  return true;
}

/** The TTL family's byte fast path. */
function ttlFast(c: Client, f: Frame, ms: boolean, abs: boolean): boolean {
  const db = c.db;
  const s = db.lookupBytes(keyArg(f, 1), keyHash(db, f, 1), true);
  if (s < 0) db.env.stats.misses++;
  else db.env.stats.hits++;
  ttlReply(c, s, ms, abs);
  return true;
}

/** PERSIST key: 1 when a TTL was removed, 0 when the key is absent or had none. */
function persist(c: Client, argv: string[]): void {
  const db = c.db;
  const s = db.lookup(argv[1]);
  if (s < 0 || db.expireAt(s) === 0) return c.out.int(0);
  db.setExpireAt(s, 0);
  c.effects.expiry(argv[1]);
  c.out.int(1);
}

const cmd = declarer('generic', { keys: ONE_KEY });

function expireSpec(name: string, summary: string, since: string, unitMs: 1 | 1000, absolute: boolean): CommandSpec {
  const handler: Handler = (c, argv) => expireGeneric(c, argv, unitMs, absolute);
  const fast: FastHandler = (c, f) => expireFast(c, f, unitMs, absolute, name);
  return cmd({ name, summary, since, arity: -3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], handler, fast });
}

function ttlSpec(name: string, summary: string, since: string, ms: boolean, abs: boolean): CommandSpec {
  const handler: Handler = (c, argv) => ttlGeneric(c, argv[1], ms, abs);
  const fast: FastHandler = (c, f) => ttlFast(c, f, ms, abs);
  return cmd({ name, summary, since, arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], handler, fast });
}

export const expireCommands: readonly CommandSpec[] = [
  expireSpec('expire', 'Sets the expiration time of a key in seconds.', '1.0.0', 1000, false),
  expireSpec('pexpire', 'Sets the expiration time of a key in milliseconds.', '2.6.0', 1, false),
  expireSpec('expireat', 'Sets the expiration time of a key to a Unix timestamp.', '1.2.0', 1000, true),
  expireSpec('pexpireat', 'Sets the expiration time of a key to a Unix milliseconds timestamp.', '2.6.0', 1, true),
  ttlSpec('ttl', 'Returns the expiration time in seconds of a key.', '1.0.0', false, false),
  ttlSpec('pttl', 'Returns the expiration time in milliseconds of a key.', '2.6.0', true, false),
  ttlSpec('expiretime', 'Returns the expiration time of a key as a Unix timestamp.', '7.0.0', false, true),
  ttlSpec('pexpiretime', 'Returns the expiration time of a key as a Unix milliseconds timestamp.', '7.0.0', true, true),
  cmd({ name: 'persist', summary: 'Removes the expiration time of a key.', since: '2.2.0', arity: 2, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast'], handler: persist }),
];
