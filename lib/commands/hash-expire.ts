// Hash-field expiration as Redis 7.4 (t_hash.c hexpireGenericCommand, httlGenericCommand, hpersistCommand):
// HEXPIRE HPEXPIRE HEXPIREAT HPEXPIREAT HTTL HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST, with Redis 7.4's
// replies and error texts. Effects: HPEXPIREAT with the absolute time and the fields actually set, HDEL
// for the fields a past time deleted, HPERSIST with the fields changed.
import * as E from '../protocol/errors';
import { is, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import { expiryArg } from './expiry';
import { hashAt, lookupRead, lookupWrite, READ_FAST_HASH, settle, WRITE_FAST_HASH } from './hash';
import { WRONG_TYPE } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

/** Redis's HFE_MAX_ABS_TIME_MSEC (EB_EXPIRE_TIME_MAX >> 2): the latest field expiry, ms since the epoch. */
const HFE_MAX_ABS_TIME_MS = 70368744177663; // (2^48 - 1) >> 2

/** Field expiry conditions (HEXPIRE NX|XX|GT|LT). */
const COND_NX = 1;
const COND_XX = 2;
const COND_GT = 4;
const COND_LT = 8;

/**
 * The fields of a `... FIELDS numfields field...` tail whose FIELDS keyword is at argv[at]: the index of
 * the first field, or -1 after writing the error (FIELDS missing or misplaced; numfields not a positive
 * integer: `badCount`; numfields not matching the arguments).
 */
function parseFields(c: Client, argv: string[], at: number, badCount: string): number {
  if (!is(argv[at], 'fields')) {
    c.out.error(E.ERR_FIELDS_MISSING);
    return -1;
  }
  const n = parseInt64(argv[at + 1] ?? '');
  if (n === null || n < 1) {
    c.out.error(badCount);
    return -1;
  }
  if (n !== argv.length - at - 2) {
    c.out.error(E.ERR_NUMFIELDS_MISMATCH);
    return -1;
  }
  return at + 2;
}

/**
 * HEXPIRE / HPEXPIRE / HEXPIREAT / HPEXPIREAT key time [NX|XX|GT|LT] FIELDS numfields field...: per
 * field -2 (no such field), 0 (condition not met), 1 (expiry set), 2 (deleted: the time is not in the
 * future). A field without TTL meets NX and LT, not XX or GT. Errors in Redis's order: WRONGTYPE; not an
 * integer; invalid expire time, must be >= 0; invalid expire time in '<cmd>' command (beyond 2^46 ms);
 * the FIELDS errors of parseFields.
 */
function hexpireGeneric(c: Client, argv: string[], cmd: string, seconds: boolean, relative: boolean): void {
  const key = argv[1];
  const s = lookupWrite(c, key);
  if (s === WRONG_TYPE) return;
  const now = c.clock.now();
  const base = relative ? now : 0;
  const at = expiryArg(argv[2], seconds ? 1000 : 1, base, cmd);
  // Redis checks the sign before the range: a negative time says so even when it would overflow.
  if (at === E.ERR_NOT_INTEGER) return c.out.error(at);
  if (argv[2].charCodeAt(0) === 0x2d /* '-' */) return c.out.error(E.ERR_FIELD_EXPIRE_NEGATIVE);
  if (typeof at === 'string' || at > HFE_MAX_ABS_TIME_MS) return c.out.error(E.ERR_INVALID_EXPIRE(cmd));
  let cond = 0;
  const opt = argv[3].toLowerCase();
  if (opt === 'nx') cond = COND_NX;
  else if (opt === 'xx') cond = COND_XX;
  else if (opt === 'gt') cond = COND_GT;
  else if (opt === 'lt') cond = COND_LT;
  const first = parseFields(c, argv, cond === 0 ? 3 : 4, E.ERR_NUMFIELDS_GT0);
  if (first < 0) return;
  c.out.array(argv.length - first);
  if (s < 0) {
    for (let i = first; i < argv.length; i++) c.out.int(-2);
    return;
  }
  const h = hashAt(c, s);
  const deleteNow = at <= now && !c.db.env.replica;
  const set: string[] = [];
  const deleted: string[] = [];
  for (let i = first; i < argv.length; i++) {
    const f = argv[i];
    const e = h.find(f, now);
    if (e < 0) {
      c.out.int(-2);
      continue;
    }
    const prev = h.expiryAt(e);
    if (prev === 0 ? cond & (COND_XX | COND_GT) : (cond === COND_GT && prev >= at) || (cond === COND_LT && prev <= at) || cond === COND_NX) {
      c.out.int(0);
      continue;
    }
    if (deleteNow) {
      h.delete(f, now);
      deleted.push(f);
      c.out.int(2);
    } else {
      h.setExpiry(e, at);
      set.push(f);
      c.out.int(1);
    }
  }
  settle(c, s, h);
  c.db.env.stats.expiredFields += deleted.length;
  if (deleted.length > 0) c.effects.command(['HDEL', key, ...deleted]);
  if (set.length > 0) c.effects.command(['HPEXPIREAT', key, String(at), 'FIELDS', String(set.length), ...set]);
}

function hexpire(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, 'hexpire', true, true);
}

function hpexpire(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, 'hpexpire', false, true);
}

function hexpireat(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, 'hexpireat', true, false);
}

function hpexpireat(c: Client, argv: string[]): void {
  hexpireGeneric(c, argv, 'hpexpireat', false, false);
}

/**
 * HTTL / HPTTL / HEXPIRETIME / HPEXPIRETIME key FIELDS numfields field...: per field -2 (no such
 * field), -1 (no TTL), else the remaining time or the absolute time, in seconds (rounded up, as Redis)
 * or ms. Errors: WRONGTYPE, then the FIELDS errors.
 */
function httlGeneric(c: Client, argv: string[], seconds: boolean, relative: boolean): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const first = parseFields(c, argv, 2, E.ERR_NUMFIELDS_POSITIVE);
  if (first < 0) return;
  c.out.array(argv.length - first);
  const now = c.clock.now();
  const base = relative ? now : 0;
  const h = s < 0 ? null : hashAt(c, s);
  for (let i = first; i < argv.length; i++) {
    const at = h === null ? -2 : h.fieldExpiry(argv[i], now);
    if (at < 0) c.out.int(at);
    else c.out.int(seconds ? Math.floor((at + 999 - base) / 1000) : at - base);
  }
}

function httl(c: Client, argv: string[]): void {
  httlGeneric(c, argv, true, true);
}

function hpttl(c: Client, argv: string[]): void {
  httlGeneric(c, argv, false, true);
}

function hexpiretime(c: Client, argv: string[]): void {
  httlGeneric(c, argv, true, false);
}

function hpexpiretime(c: Client, argv: string[]): void {
  httlGeneric(c, argv, false, false);
}

/** HPERSIST key FIELDS numfields field...: per field -2 (no such field), -1 (no TTL), 1 (TTL removed). */
function hpersist(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = lookupWrite(c, key);
  if (s === WRONG_TYPE) return;
  const first = parseFields(c, argv, 2, E.ERR_NUMFIELDS_POSITIVE);
  if (first < 0) return;
  c.out.array(argv.length - first);
  if (s < 0) {
    for (let i = first; i < argv.length; i++) c.out.int(-2);
    return;
  }
  const h = hashAt(c, s);
  const now = c.clock.now();
  const changed: string[] = [];
  for (let i = first; i < argv.length; i++) {
    const e = h.find(argv[i], now);
    if (e < 0) c.out.int(-2);
    else if (h.expiryAt(e) === 0) c.out.int(-1);
    else {
      h.setExpiry(e, 0);
      changed.push(argv[i]);
      c.out.int(1);
    }
  }
  settle(c, s, h);
  if (changed.length > 0) c.effects.command(['HPERSIST', key, 'FIELDS', String(changed.length), ...changed]);
}

const cmd = declarer('hash', { keys: ONE_KEY });
const READ_FAST = READ_FAST_HASH;
const WRITE_FAST = WRITE_FAST_HASH;

export const hashExpireCommands: readonly CommandSpec[] = [
  cmd({ name: 'hexpire', summary: 'Set expiry for hash field using relative time to expire (seconds)', since: '7.4.0', arity: -6, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hexpire }),
  cmd({ name: 'hpexpire', summary: 'Set expiry for hash field using relative time to expire (milliseconds)', since: '7.4.0', arity: -6, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hpexpire }),
  cmd({ name: 'hexpireat', summary: 'Set expiry for hash field using an absolute Unix timestamp (seconds)', since: '7.4.0', arity: -6, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hexpireat }),
  cmd({ name: 'hpexpireat', summary: 'Set expiry for hash field using an absolute Unix timestamp (milliseconds)', since: '7.4.0', arity: -6, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: hpexpireat }),
  cmd({ name: 'httl', summary: 'Returns the TTL in seconds of a hash field.', since: '7.4.0', arity: -5, flags: ['readonly', 'fast'], acl: READ_FAST, handler: httl }),
  cmd({ name: 'hpttl', summary: 'Returns the TTL in milliseconds of a hash field.', since: '7.4.0', arity: -5, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hpttl }),
  cmd({ name: 'hexpiretime', summary: 'Returns the expiration time of a hash field as a Unix timestamp, in seconds.', since: '7.4.0', arity: -5, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hexpiretime }),
  cmd({ name: 'hpexpiretime', summary: 'Returns the expiration time of a hash field as a Unix timestamp, in msec.', since: '7.4.0', arity: -5, flags: ['readonly', 'fast'], acl: READ_FAST, handler: hpexpiretime }),
  cmd({ name: 'hpersist', summary: 'Removes the expiration time for each specified field', since: '7.4.0', arity: -5, flags: ['write', 'fast'], acl: WRITE_FAST, handler: hpersist }),
];
