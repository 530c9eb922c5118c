// Introspection and serialization: OBJECT (ENCODING, FREQ, IDLETIME, REFCOUNT, HELP), DUMP, RESTORE, RESTORE-ASKING.
import * as E from '../protocol/errors';
import { dumpValue, restoreValue } from '../store/dump';
import { connectionOwner, originOwner } from '../store/staging';
import { lfuDecayed, lfuMinutes } from '../store/lfu';
import { stringPayload, type Value } from '../store/value';
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

/** RESTORE's options, and RESTORE-PIECE's LAST and ORIGIN. */
interface RestoreOptions {
  replace: boolean;
  absTtl: boolean;
  /** IDLETIME seconds, -1 when not given. */
  idle: number;
  /** FREQ counter, -1 when not given. */
  freq: number;
  /** RESTORE-PIECE: the last piece (the value is restored). */
  last: boolean;
  /** RESTORE-PIECE from the replication link: the owner on the primary whose pieces these are. */
  origin: string | null;
}

/**
 * Parses [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f] from argv[from] on (with `piece`, also LAST, and ORIGIN
 * id from the replication link only). Null after writing Redis's error: syntax error (unknown option,
 * IDLETIME with FREQ), not an integer, Invalid IDLETIME / FREQ value.
 */
function restoreOptions(c: Client, argv: string[], from: number, piece: boolean): RestoreOptions | null {
  const o: RestoreOptions = { replace: false, absTtl: false, idle: -1, freq: -1, last: false, origin: null };
  for (let j = from; j < argv.length; j++) {
    const a = argv[j];
    const more = j + 1 < argv.length;
    if (is(a, 'replace')) o.replace = true;
    else if (is(a, 'absttl')) o.absTtl = true;
    else if (is(a, 'idletime') && more && o.freq === -1) {
      const n = parseInt64(argv[++j]);
      if (n === null) return (c.out.error(E.ERR_NOT_INTEGER), null);
      if (n < 0) return (c.out.error(E.ERR_INVALID_IDLETIME), null);
      o.idle = Number(n);
    } else if (is(a, 'freq') && more && o.idle === -1) {
      const n = parseInt64(argv[++j]);
      if (n === null) return (c.out.error(E.ERR_NOT_INTEGER), null);
      if (n < 0 || n > 255) return (c.out.error(E.ERR_INVALID_FREQ), null);
      o.freq = Number(n);
    } else if (piece && is(a, 'last')) o.last = true;
    else if (piece && c.master && is(a, 'origin') && more) o.origin = argv[++j];
    else return (c.out.error(E.ERR_SYNTAX), null);
  }
  return o;
}

/**
 * RESTORE's work after its options: BUSYKEY without REPLACE, the TTL (not an integer / Invalid TTL
 * value), then `load()` gives the value (DUMP payload version or checksum are wrong, Bad data format,
 * RESTORE-PIECE's out of order);
 * REPLACE removes the old key, an expiry already past creates nothing. Writes OK or the error; returns
 * 'created', 'none' (OK, nothing created) or 'error' (load() not called when the error came before it).
 */
function restoreKey(c: Client, key: string, ttlText: string, o: RestoreOptions, load: () => Value | 'checksum' | 'format' | 'order'): 'created' | 'none' | 'error' {
  const db = c.db;
  if (!o.replace && db.lookup(key) >= 0) return (c.out.error(E.ERR_BUSYKEY), 'error');
  const ttlArg = parseInt64(ttlText);
  if (ttlArg === null) return (c.out.error(E.ERR_NOT_INTEGER), 'error');
  if (ttlArg < 0) return (c.out.error(E.ERR_INVALID_TTL), 'error');
  const value = load();
  if (value === 'order') return (c.out.error(E.ERR_PIECE_ORDER), 'error');
  if (value === 'checksum') return (c.out.error(E.ERR_DUMP_PAYLOAD), 'error');
  if (value === 'format') return (c.out.error(E.ERR_BAD_DATA_FORMAT), 'error');
  // As Redis's dbDelete: an expired key is removed without counting as an expiry (or telling onRemoved).
  let removed = false;
  if (o.replace) {
    const old = db.peek(key);
    if (old >= 0) {
      db.deleteSlot(old);
      removed = true;
    }
  }
  const now = c.clock.now();
  let ttl = Math.min(Number(ttlArg), MAX_EXPIRE_MS);
  if (ttl !== 0 && !o.absTtl) ttl = Math.min(ttl + now, MAX_EXPIRE_MS);
  if (ttl !== 0 && ttl <= now) {
    if (removed) c.effects.key(key);
    c.out.ok();
    return 'none';
  }
  const s = db.add(key, value);
  if (ttl !== 0) db.setExpireAt(s, ttl);
  if (db.env.lfu) {
    if (o.freq >= 0) db.setAccessField(s, (lfuMinutes(now) << 8) | o.freq);
  } else if (o.idle >= 0) {
    db.setAccessField(s, Math.max(0, db.lruNow() - o.idle));
  }
  c.out.ok();
  return 'created';
}

/**
 * RESTORE (and RESTORE-ASKING) key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]: OK. ttl 0 = no expiry; an expiry
 * already past answers OK without creating the key (but REPLACE still removed the old one). Errors in
 * Redis's order: syntax error (unknown option, IDLETIME with FREQ), not an integer, Invalid IDLETIME /
 * FREQ value, BUSYKEY without REPLACE, not an integer / Invalid TTL value, DUMP payload version or
 * checksum are wrong, Bad data format. Pieces of key this connection staged (RESTORE-PIECE) are dropped.
 */
function restore(c: Client, argv: string[]): void {
  const o = restoreOptions(c, argv, 4, false);
  if (o === null) return;
  const key = argv[1];
  c.node.staging.drop(connectionOwner(c.id), c.db.id, key);
  if (restoreKey(c, key, argv[2], o, () => restoreValue(argv[3], c.config)) === 'created') c.effects.key(key);
}

/**
 * RESTORE-PIECE key ttl piece seq [LAST] [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f], and RESTORE-PIECE key
 * DISCARD (ours; slot migration of large values, cluster/migrator.ts): a value's DUMP payload in pieces
 * (store/dump.ts DumpWriter), staged by this connection outside the keyspace (store/staging.ts) until the
 * LAST one, which restores the whole value as RESTORE would (its ttl and options; before it the ttl is
 * not looked at). seq 0 starts a value (replacing anything the connection staged), then 1, 2, ...
 * OK for a piece staged; errors as RESTORE's, and ERR ... out of order for an unexpected seq; any error
 * drops what the connection staged. DISCARD drops the connection's staged pieces of key (OK either way).
 * From the replication link, a trailing ORIGIN id names the primary's connection the pieces came from.
 * Replicas get the pieces as they are staged (ORIGIN the connection's id), so that they stage and restore
 * the value at the same point of the stream, in pieces too.
 */
function restorePiece(c: Client, argv: string[]): void {
  const key = argv[1];
  const staging = c.node.staging;
  if (is(argv[2], 'discard')) {
    const o = restoreOptions(c, argv, 3, true);
    if (o === null) return;
    if (o.last || o.replace || o.absTtl || o.idle >= 0 || o.freq >= 0) return c.out.error(E.ERR_SYNTAX);
    staging.drop(o.origin === null ? connectionOwner(c.id) : originOwner(o.origin), c.db.id, key);
    return c.out.ok();
  }
  if (argv.length < 5) return c.out.error(E.ERR_WRONG_ARITY('restore-piece'));
  const o = restoreOptions(c, argv, 5, true);
  const seq = parseInt64(argv[4]);
  const who = o?.origin == null ? connectionOwner(c.id) : originOwner(o.origin);
  if (o === null || seq === null || seq < 0 || seq > Number.MAX_SAFE_INTEGER) {
    if (o !== null) c.out.error(E.ERR_NOT_INTEGER);
    staging.drop(who);
    return;
  }
  const origin = o.origin ?? connectionOwner(c.id);
  const n = Number(seq);
  const piece = argv[3];
  if (!o.last) {
    const r = staging.piece(who, c.db.id, key, n, piece, false, c.config);
    if (r !== 'staged') return c.out.error(r === 'order' ? E.ERR_PIECE_ORDER : E.ERR_BAD_DATA_FORMAT);
    c.effects.command(['RESTORE-PIECE', key, '0', piece, argv[4], 'ORIGIN', origin]);
    return c.out.ok();
  }
  const done = restoreKey(c, key, argv[2], o, () => staging.piece(who, c.db.id, key, n, piece, true, c.config) as Value | 'checksum' | 'format' | 'order');
  if (done === 'error') staging.drop(who); // an error before the value was loaded (else nothing is staged)
  else if (done === 'created') {
    const s = c.db.peek(key);
    const at = c.db.expireAt(s);
    c.effects.command(['RESTORE-PIECE', key, String(at), piece, argv[4], 'LAST', 'REPLACE', 'ABSTTL', 'ORIGIN', origin]);
  } else if (done === 'none') c.effects.command(['RESTORE-PIECE', key, 'DISCARD', 'ORIGIN', origin]);
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
  {
    // Ours: RESTORE-ASKING in pieces for large values (cluster/migrator.ts); 'asking' as RESTORE-ASKING.
    name: 'restore-piece',
    group: 'server',
    summary: 'Internal: a piece of a large value migrating to this node, restored whole with its last piece.',
    since: '7.0.0',
    arity: -3,
    flags: ['write', 'denyoom', 'asking', 'skip_monitor'],
    acl: ['keyspace', 'write', 'slow', 'dangerous'],
    keys: ONE_KEY,
    handler: restorePiece,
  },
];
