// Introspection and serialization: OBJECT (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP), DUMP, RESTORE, RESTORE-ASKING.
import * as E from '../protocol/errors';
import { dumpValue, restoreValue } from '../store/dump';
import { lfuDecayed, lfuMinutes } from '../store/lfu';
import { stringPayload } from '../store/value';
import type { Session as Client } from './types';
import { replyHelp } from './help';
import { is, parseInt64 } from './args';
import { MAX_EXPIRE_MS, lookupReadNoTouch } from './keyspace-expire';
import { declarer, NO_KEYS, ONE_KEY, type CommandSpec, type Handler, type KeyPositions } from './types';

/** Redis keeps strings of up to this many bytes in one allocation with their header (embstr). */
const EMBSTR_MAX_BYTES = 44;
/** Redis shares the integer objects 0..9999 (OBJ_SHARED_INTEGERS) ... */
const SHARED_INTEGERS = 10000;
/** ... and reports their refcount as INT_MAX (OBJ_SHARED_REFCOUNT). */
const SHARED_REFCOUNT = 2147483647;

/**
 * The encoding Redis would report for a string set by SET: 'int' for a 64-bit integer in canonical form
 * (no sign '+', no leading zeros, not "-0"), 'embstr' up to 44 bytes, else 'raw'. (Redis reports 'raw'
 * for some short strings built by APPEND or SETRANGE; we go by the content only.)
 */
export function stringEncoding(v: string): 'int' | 'embstr' | 'raw' {
  const p = stringPayload(v);
  if (p.length <= 20 && p !== '-0' && parseInt64(p) !== null) return 'int';
  return p.length <= EMBSTR_MAX_BYTES ? 'embstr' : 'raw';
}

/** OBJECT ENCODING key: the encoding name, nil when the key is absent. */
function objectEncoding(c: Client, argv: string[]): void {
  const s = lookupReadNoTouch(c.db, argv[2]);
  if (s < 0) return c.out.nil();
  const v = c.db.valueAt(s);
  c.out.bulk(typeof v === 'string' ? stringEncoding(v) : v.encoding(c.node.config));
}

/**
 * OBJECT REFCOUNT key: as Redis, INT_MAX for the small integers it shares (0..9999, unless an LRU/LFU
 * policy is set with maxmemory), 1 otherwise; nil when the key is absent.
 */
function objectRefcount(c: Client, argv: string[]): void {
  const s = lookupReadNoTouch(c.db, argv[2]);
  if (s < 0) return c.out.nil();
  const v = c.db.valueAt(s);
  let shared = false;
  if (typeof v === 'string' && stringEncoding(v) === 'int') {
    const n = Number(stringPayload(v));
    const policy = c.node.config.str('maxmemory-policy');
    const noSharing = c.node.maxmemory > 0 && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
    shared = n >= 0 && n < SHARED_INTEGERS && !noSharing;
  }
  c.out.int(shared ? SHARED_REFCOUNT : 1);
}

/** OBJECT IDLETIME key: seconds since the last access; nil when absent; an error under an LFU policy. */
function objectIdletime(c: Client, argv: string[]): void {
  const db = c.db;
  const s = lookupReadNoTouch(db, argv[2]);
  if (s < 0) return c.out.nil();
  if (db.env.lfu) return c.out.error(E.ERR_LFU_SELECTED);
  c.out.int(Math.max(0, db.lruNow() - db.accessField(s)));
}

/** OBJECT FREQ key: the decayed LFU counter; nil when absent; an error unless the policy is LFU. */
function objectFreq(c: Client, argv: string[]): void {
  const db = c.db;
  const s = lookupReadNoTouch(db, argv[2]);
  if (s < 0) return c.out.nil();
  if (!db.env.lfu) return c.out.error(E.ERR_LFU_NOT_SELECTED);
  c.out.int(lfuDecayed(db.accessField(s), c.clock.now(), db.env.lfuParams));
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

/** OBJECT HELP: the help lines as status replies. */
function objectHelp(c: Client): void {
  replyHelp(c, 'OBJECT', OBJECT_HELP);
}

/** DUMP key: the payload (see store/dump.ts), nil when the key is absent. */
function dump(c: Client, argv: string[]): void {
  const s = c.db.lookupRead(argv[1]);
  if (s < 0) return c.out.nil();
  c.out.bulk(dumpValue(c.db.valueAt(s)));
}

/**
 * RESTORE (and RESTORE-ASKING) key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]: OK. ttl 0 = no expiry; an expiry
 * already past answers OK without creating the key (but REPLACE still removed the old one). Errors in
 * Redis's order: syntax error (unknown option, IDLETIME with FREQ), not an integer, Invalid IDLETIME /
 * FREQ value, BUSYKEY without REPLACE, not an integer / Invalid TTL value, DUMP payload version or
 * checksum are wrong, Bad data format.
 */
function restore(c: Client, argv: string[]): void {
  let replace = false;
  let absTtl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const a = argv[j];
    const more = j + 1 < argv.length;
    if (is(a, 'replace')) replace = true;
    else if (is(a, 'absttl')) absTtl = true;
    else if (is(a, 'idletime') && more && freq === -1) {
      const n = parseInt64(argv[++j]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n < 0) return c.out.error(E.ERR_INVALID_IDLETIME);
      idle = Number(n);
    } else if (is(a, 'freq') && more && idle === -1) {
      const n = parseInt64(argv[++j]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n < 0 || n > 255) return c.out.error(E.ERR_INVALID_FREQ);
      freq = Number(n);
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const db = c.db;
  const key = argv[1];
  if (!replace && db.lookup(key) >= 0) return c.out.error(E.ERR_BUSYKEY);
  const ttlArg = parseInt64(argv[2]);
  if (ttlArg === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (ttlArg < 0) return c.out.error(E.ERR_INVALID_TTL);
  const value = restoreValue(argv[3], c.config);
  if (value === 'checksum') return c.out.error(E.ERR_DUMP_PAYLOAD);
  if (value === 'format') return c.out.error(E.ERR_BAD_DATA_FORMAT);
  // As Redis's dbDelete: an expired key is removed without counting as an expiry (or telling onRemoved).
  let removed = false;
  if (replace) {
    const old = db.peek(key);
    if (old >= 0) {
      db.deleteSlot(old);
      removed = true;
    }
  }
  const now = c.clock.now();
  let ttl = Math.min(Number(ttlArg), MAX_EXPIRE_MS);
  if (ttl !== 0 && !absTtl) ttl = Math.min(ttl + now, MAX_EXPIRE_MS);
  if (ttl !== 0 && ttl <= now) {
    if (removed) c.effects.key(key);
    return c.out.ok();
  }
  const s = db.add(key, value);
  c.effects.key(key);
  if (ttl !== 0) db.setExpireAt(s, ttl);
  if (db.env.lfu) {
    if (freq >= 0) db.setAccessField(s, (lfuMinutes(now) << 8) | freq);
  } else if (idle >= 0) {
    db.setAccessField(s, Math.max(0, db.lruNow() - idle));
  }
  c.out.ok();
}

const KEY_AT_2: KeyPositions = { first: 2, last: 2, step: 1 };

const cmd = declarer('generic', { keys: ONE_KEY });

function objectSub(name: string, summary: string, since: string, handler: Handler): CommandSpec {
  return cmd({ name, summary, since, arity: 3, flags: ['readonly'], acl: ['keyspace', 'read', 'slow'], keys: KEY_AT_2, handler });
}

export const objectCommands: readonly CommandSpec[] = [
  {
    name: 'object',
    group: 'generic',
    summary: 'A container for object introspection commands.',
    since: '2.2.3',
    arity: -2,
    flags: [],
    acl: ['slow'],
    keys: NO_KEYS,
    subcommands: [
      objectSub('encoding', 'Returns the internal encoding of a Redis object.', '2.2.3', objectEncoding),
      objectSub('freq', 'Returns the logarithmic access frequency counter of a Redis object.', '4.0.0', objectFreq),
      objectSub('idletime', 'Returns the time since the last access to a Redis object.', '2.2.3', objectIdletime),
      objectSub('refcount', 'Returns the reference count of a value of a key.', '2.2.3', objectRefcount),
      {
        name: 'help',
        group: 'generic',
        summary: 'Returns helpful text about the different subcommands.',
        since: '6.2.0',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['keyspace', 'slow'],
        keys: NO_KEYS,
        handler: objectHelp,
      },
    ],
  },
  {
    name: 'dump',
    group: 'generic',
    summary: 'Returns a serialized representation of the value stored at a key.',
    since: '2.6.0',
    arity: 2,
    flags: ['readonly'],
    acl: ['keyspace', 'read', 'slow'],
    keys: ONE_KEY,
    handler: dump,
  },
  {
    name: 'restore',
    group: 'generic',
    summary: 'Creates a key from the serialized representation of a value.',
    since: '2.6.0',
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    keys: ONE_KEY,
    handler: restore,
  },
  {
    // Node-to-node RESTORE for slot migration: the 'asking' flag lets it run on the importing node without
    // a preceding ASKING. A past expiry with REPLACE deletes the key (the migrator's way to send a delete).
    name: 'restore-asking',
    group: 'server',
    summary: 'An internal command for migrating keys in a cluster.',
    since: '3.0.0',
    arity: -4,
    flags: ['write', 'denyoom', 'asking'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    keys: ONE_KEY,
    handler: restore,
  },
];
