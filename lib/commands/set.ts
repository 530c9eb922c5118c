// Set commands (Redis 7.2 t_set.c): SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE
// SSCAN here; SINTER SINTERCARD SUNION SDIFF and their STORE forms in set-ops.ts. Values are SetValue
// (store/set.ts), whose encodings (intset, listpack, hashtable) move exactly as Redis's; replies and
// error texts are Redis's, sets reply as RESP3 sets (`~`) where Redis does (SMEMBERS, SPOP with a count,
// SINTER, SUNION, SDIFF) and as arrays where it does not (SRANDMEMBER, SSCAN).
// Effects: SADD as SADD of the members it added; SREM as SREM of the members it removed; SPOP as SREM of
// the members it popped (at most 1024 a command), or DEL when it took the whole set, as Redis 7
// replicates it; SMOVE as sent when it moved. Failed or no-op commands record nothing.
import * as E from '../protocol/errors';
import { ENC_INTSET, ENC_LISTPACK, SET_MAX_MEMBERS, SetValue, setLimits } from '../store/set';
import { globMatch } from '../util/glob';
import { INT64_MIN, is, parseInt64 } from './args';
import type { Frame } from '../protocol/parser';
import type { CommandContext as Client } from './context';
import { keyArg, keyHash } from './frame-args';
import { parseCursor } from './keyspace';
import { setOpCommands, unionDiff } from './set-ops';
import { readTyped, readTypedBytes, WRONG_TYPE, writeTyped, writeTypedBytes } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

/**
 * SRANDMEMBER with a negative count repeats members: beyond this many we answer "value is out of range"
 * (ours, as HRANDFIELD's: Redis would build the whole reply, and -9223372036854775807 would never finish).
 */
export const SRANDMEMBER_MAX_REPEATS = 10_000_000;
/** SPOP with a count replicates as SREM commands of at most this many members (Redis's batch). */
const SPOP_BATCH = 1024;
/** SPOP's "create a new set" strategy when the set is this many times the members left (SPOP_MOVE_STRATEGY_MUL). */
const SPOP_MOVE_MUL = 5;
const SCAN_DEFAULT_COUNT = 10;

export function setAt(c: Client, s: number): SetValue {
  return c.db.valueAt(s) as SetValue;
}

/** True (after writing the error) when adding argv[from..] to `v` (null: a new set) would pass SET_MAX_MEMBERS. */
function tooManyMembers(c: Client, v: SetValue | null, argv: readonly string[], from: number): boolean {
  const size = v === null ? 0 : v.size;
  if (size + argv.length - from <= SET_MAX_MEMBERS) return false;
  const fresh = new Set<string>();
  for (let i = from; i < argv.length; i++) if (v === null || !v.has(argv[i])) fresh.add(argv[i]);
  if (size + fresh.size <= SET_MAX_MEMBERS) return false;
  c.out.error(E.ERR_SET_TOO_BIG(SET_MAX_MEMBERS));
  return true;
}

/**
 * SADD key member [member ...]: how many members were added. A new set starts in the encoding Redis's
 * setTypeCreate picks for the first member and the argument count; an existing one becomes a hashtable
 * first when the argument count passes its limit (setTypeMaybeConvert), as Redis. Errors: WRONGTYPE, too
 * many members.
 */
function sadd(c: Client, argv: string[]): void {
  const key = argv[1];
  let s = writeTyped(c, key, 'set');
  if (s === WRONG_TYPE) return;
  const L = setLimits(c.config);
  const hint = argv.length - 2;
  let v: SetValue;
  if (s < 0) {
    if (tooManyMembers(c, null, argv, 2)) return;
    v = SetValue.create(argv[2], hint, L);
    s = c.db.add(key, v);
  } else {
    v = setAt(c, s);
    if (tooManyMembers(c, v, argv, 2)) return;
    v.maybeConvert(hint, L);
  }
  const added: string[] = ['SADD', key];
  for (let i = 2; i < argv.length; i++) if (v.add(argv[i], L)) added.push(argv[i]);
  c.db.written(s);
  if (added.length > 2) c.effects.command(added);
  c.out.int(added.length - 2);
}

/**
 * SADD's byte fast path: the key as request bytes, members as strings (SetValue keeps strings). A write
 * that could pass SET_MAX_MEMBERS goes to sadd() for the check and its error.
 */
function saddFast(c: Client, f: Frame): boolean {
  const db = c.db;
  const key = keyArg(f, 1);
  const h = keyHash(db, f, 1);
  let s = writeTypedBytes(c, key, h, 'set');
  if (s === WRONG_TYPE) return true;
  const hint = f.argc - 2;
  if ((s < 0 ? 0 : setAt(c, s).size) + hint > SET_MAX_MEMBERS) return false;
  const L = setLimits(c.config);
  let v: SetValue;
  if (s < 0) {
    v = SetValue.create(f.str(2), hint, L);
    s = db.addBytes(key, h, v);
  } else {
    v = setAt(c, s);
    v.maybeConvert(hint, L);
  }
  const on = c.effects.on;
  const added: string[] | null = on ? ['SADD', f.str(1)] : null;
  let n = 0;
  for (let k = 2; k < f.argc; k++) {
    const m = f.str(k);
    if (v.add(m, L)) {
      n++;
      if (added !== null) added.push(m);
    }
  }
  db.written(s);
  if (added !== null && n > 0) c.effects.command(added);
  c.out.int(n);
  return true;
}

/** SREM key member [member ...]: how many members were removed; the key goes with its last member. */
function srem(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = writeTyped(c, key, 'set');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const v = setAt(c, s);
  const removed: string[] = ['SREM', key];
  for (let i = 2; i < argv.length && v.size > 0; i++) if (v.remove(argv[i])) removed.push(argv[i]);
  c.db.written(s);
  if (removed.length > 2) c.effects.command(removed);
  c.out.int(removed.length - 2);
}

/** SMEMBERS key: every member (a RESP3 set), in the set's order; empty when missing. */
function smembers(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'set');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.set(0);
  const v = setAt(c, s);
  const out = c.out;
  out.set(v.size);
  v.forEach((m) => out.bulk(m));
}

/** SISMEMBER key member: 1 or 0. */
function sismember(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'set');
  if (s === WRONG_TYPE) return;
  c.out.int(s >= 0 && setAt(c, s).has(argv[2]) ? 1 : 0);
}

/** SISMEMBER's byte fast path. */
function sismemberFast(c: Client, f: Frame): boolean {
  const s = readTypedBytes(c, keyArg(f, 1), keyHash(c.db, f, 1), 'set');
  if (s !== WRONG_TYPE) c.out.int(s >= 0 && setAt(c, s).has(f.str(2)) ? 1 : 0);
  return true;
}

/** SMISMEMBER key member [member ...]: 1 or 0 per member (all 0 when the key is missing). */
function smismember(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'set');
  if (s === WRONG_TYPE) return;
  const v = s < 0 ? null : setAt(c, s);
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.int(v !== null && v.has(argv[i]) ? 1 : 0);
}

/** SCARD key: the number of members (0 when missing). */
function scard(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'set');
  if (s === WRONG_TYPE) return;
  c.out.int(s < 0 ? 0 : setAt(c, s).size);
}

/** SCARD's byte fast path. */
function scardFast(c: Client, f: Frame): boolean {
  const s = readTypedBytes(c, keyArg(f, 1), keyHash(c.db, f, 1), 'set');
  if (s !== WRONG_TYPE) c.out.int(s < 0 ? 0 : setAt(c, s).size);
  return true;
}

// ---- random members ----

/** Records `SREM key m...` for the popped members, SPOP_BATCH a command. */
function recordPops(c: Client, key: string, popped: readonly string[]): void {
  for (let i = 0; i < popped.length; i += SPOP_BATCH) c.effects.command(['SREM', key, ...popped.slice(i, i + SPOP_BATCH)]);
}

/**
 * SPOP key [count]. Without count: a random member, removed (nil when missing). With count: up to count
 * random members, removed, as a RESP3 set (empty when missing or count is 0). Redis's three cases are
 * kept for what they leave behind: the whole set (the reply in SUNION's order, then the key deleted);
 * few members (popped one by one; a listpack gives them in its order); most of the set (the members that
 * stay are drawn into a new set, whose encoding Redis builds from scratch: an intset stays one, a
 * listpack or hashtable becomes a listpack if they fit one). Errors: syntax error (more arguments),
 * value is out of range, must be positive (count negative or not an integer), WRONGTYPE.
 */
function spop(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.out.error(E.ERR_SYNTAX);
  if (argv.length === 3) return spopCount(c, argv);
  const key = argv[1];
  const s = writeTyped(c, key, 'set');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  const m = setAt(c, s).pop();
  c.db.written(s);
  c.effects.command(['SREM', key, m]);
  c.out.bulk(m);
}

/** SPOP key's byte fast path (with a count: spop()). */
function spopFast(c: Client, f: Frame): boolean {
  if (f.argc !== 2) return false;
  const s = writeTypedBytes(c, keyArg(f, 1), keyHash(c.db, f, 1), 'set');
  if (s === WRONG_TYPE) return true;
  if (s < 0) {
    c.out.nil();
    return true;
  }
  const m = setAt(c, s).pop();
  c.db.written(s);
  if (c.effects.on) c.effects.command(['SREM', f.str(1), m]);
  c.out.bulk(m);
  return true;
}

function spopCount(c: Client, argv: string[]): void {
  const n = parseInt64(argv[2]);
  if (n === null || n < 0) return c.out.error(E.ERR_MUST_BE_POSITIVE);
  const key = argv[1];
  const s = writeTyped(c, key, 'set');
  if (s === WRONG_TYPE) return;
  if (s < 0 || n === 0) return c.out.set(0);
  const v = setAt(c, s);
  const size = v.size;
  const out = c.out;
  if (n >= size) {
    // CASE 1: the whole set, in the order SUNION of it gives; propagated as DEL.
    const all = unionDiff([v], 'union', setLimits(c.config)) as SetValue;
    out.set(all.size);
    all.forEach((m) => out.bulk(m));
    c.db.delete(key);
    c.effects.command(['DEL', key]);
    return;
  }
  const count = Number(n);
  const remaining = size - count;
  const L = setLimits(c.config);
  let popped: string[];
  if (remaining * SPOP_MOVE_MUL > count) {
    // CASE 2: pop one by one (a listpack: its picks in its order).
    if (v.encodingId === ENC_LISTPACK) {
      popped = v.sample(count, true);
      for (const m of popped) v.remove(m);
    } else {
      popped = [];
      for (let i = 0; i < count; i++) popped.push(v.pop());
    }
    c.db.written(s);
  } else {
    // CASE 3: the members that stay go to a new set; the old one, now the popped members, is the reply.
    let rest: SetValue;
    if (v.encodingId === ENC_LISTPACK) {
      rest = new SetValue(ENC_LISTPACK);
      for (const m of v.sample(remaining, true)) {
        v.remove(m);
        rest.add(m, L);
      }
    } else {
      rest = new SetValue(v.encodingId === ENC_INTSET ? ENC_INTSET : ENC_LISTPACK);
      for (let i = 0; i < remaining; i++) rest.add(v.pop(), L);
    }
    popped = v.toArray();
    c.db.replaceValue(s, rest);
  }
  out.set(popped.length);
  for (const m of popped) out.bulk(m);
  recordPops(c, key, popped);
}

/**
 * SRANDMEMBER key [count]. Without count: a random member (nil when missing). With count > 0: min(count,
 * SCARD) distinct members (the whole set in its order when count covers it; a listpack's picks in its
 * order); count < 0: |count| members, repeats allowed; 0 or a missing key: empty array. Errors: syntax
 * error (more arguments), not an integer, value is out of range, must between -LONG_MAX and LONG_MAX
 * (-2^63), value is out of range (more than SRANDMEMBER_MAX_REPEATS repeats, ours), WRONGTYPE.
 */
function srandmember(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.out.error(E.ERR_SYNTAX);
  if (argv.length === 2) {
    const s = readTyped(c, argv[1], 'set');
    if (s === WRONG_TYPE) return;
    if (s < 0) return c.out.nil();
    return c.out.bulk(setAt(c, s).random());
  }
  const n = parseInt64(argv[2]);
  if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (n === INT64_MIN) return c.out.error(E.ERR_LONG_RANGE);
  const s = readTyped(c, argv[1], 'set');
  if (s === WRONG_TYPE) return;
  if (s < 0 || n === 0) return c.out.array(0);
  const v = setAt(c, s);
  const out = c.out;
  const unique = n > 0;
  const count = unique ? Number(n) : -Number(n);
  if (!unique || count === 1) {
    if (count > SRANDMEMBER_MAX_REPEATS) return out.error(E.ERR_OUT_OF_RANGE);
    out.array(count);
    for (let i = 0; i < count; i++) out.bulk(v.random());
    return;
  }
  if (count >= v.size) {
    out.array(v.size);
    v.forEach((m) => out.bulk(m));
    return;
  }
  out.bulks(v.sample(count, v.encodingId === ENC_LISTPACK));
}

/**
 * SMOVE source destination member: 1 when moved (or when source and destination are the same set holding
 * it), 0 when the source is missing or lacks the member. A missing destination is created as Redis's
 * setTypeCreate would for one member. Errors: WRONGTYPE (source, then destination; none when the source
 * is missing), too many members.
 */
function smove(c: Client, argv: string[]): void {
  const [, src, dst, m] = argv;
  const ss = c.db.lookupTyped(src, 'set', false);
  const ds = c.db.lookupTyped(dst, 'set', false);
  if (ss === -1) return c.out.int(0);
  if (ss === WRONG_TYPE || ds === WRONG_TYPE) return c.out.error(E.ERR_WRONGTYPE);
  const from = setAt(c, ss);
  if (ss === ds) return c.out.int(from.has(m) ? 1 : 0);
  if (!from.has(m)) return c.out.int(0);
  const to = ds < 0 ? null : setAt(c, ds);
  if (to !== null && to.size >= SET_MAX_MEMBERS && !to.has(m)) return c.out.error(E.ERR_SET_TOO_BIG(SET_MAX_MEMBERS));
  from.remove(m);
  c.db.written(ss);
  const L = setLimits(c.config);
  if (to === null) {
    const v = SetValue.create(m, 1, L);
    v.add(m, L);
    c.db.add(dst, v);
  } else {
    to.add(m, L);
    c.db.written(ds);
  }
  c.effects.command(argv);
  c.out.int(1);
}

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]: [next cursor, members]. An intset or listpack comes
 * whole with cursor 0; a hashtable by position (store/set.ts: a member present for the whole scan is
 * returned at least once). Errors: invalid cursor; WRONGTYPE; not an integer (COUNT); syntax error (COUNT
 * < 1, unknown or incomplete option). A missing key answers [0, []] before the options are read, as Redis.
 */
function sscan(c: Client, argv: string[]): void {
  const cursor = parseCursor(argv[2]);
  if (cursor === null) return c.out.error(E.ERR_INVALID_CURSOR);
  const s = readTyped(c, argv[1], 'set');
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
      const k = parseInt64(argv[++i]);
      if (k === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (k < 1) return c.out.error(E.ERR_SYNTAX);
      count = typeof k === 'number' ? k : Number.MAX_SAFE_INTEGER;
    } else if (is(a, 'match') && more) {
      pattern = argv[++i] === '*' ? null : argv[i];
    } else return c.out.error(E.ERR_SYNTAX);
  }
  const found: string[] = [];
  const next = setAt(c, s).scan(cursor, count, (m) => {
    if (pattern === null || globMatch(pattern, m)) found.push(m);
  });
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(found);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const READ_FAST = ['read', 'set', 'fast'] as const;
const READ_SLOW = ['read', 'set', 'slow'] as const;
const WRITE_FAST = ['write', 'set', 'fast'] as const;

const cmd = declarer('set', { keys: ONE_KEY });

export const setCommands: readonly CommandSpec[] = [
  cmd({ name: 'sadd', summary: "Adds one or more members to a set. Creates the key if it doesn't exist.", since: '1.0.0', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: WRITE_FAST, handler: sadd, fast: saddFast }),
  cmd({ name: 'srem', summary: 'Removes one or more members from a set. Deletes the set if the last member was removed.', since: '1.0.0', arity: -3, flags: ['write', 'fast'], acl: WRITE_FAST, handler: srem }),
  cmd({ name: 'smembers', summary: 'Returns all members of a set.', since: '1.0.0', arity: 2, flags: ['readonly'], acl: READ_SLOW, handler: smembers }),
  cmd({ name: 'sismember', summary: 'Determines whether a member belongs to a set.', since: '1.0.0', arity: 3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: sismember, fast: sismemberFast }),
  cmd({ name: 'smismember', summary: 'Determines whether multiple members belong to a set.', since: '6.2.0', arity: -3, flags: ['readonly', 'fast'], acl: READ_FAST, handler: smismember }),
  cmd({ name: 'scard', summary: 'Returns the number of members in a set.', since: '1.0.0', arity: 2, flags: ['readonly', 'fast'], acl: READ_FAST, handler: scard, fast: scardFast }),
  cmd({ name: 'spop', summary: 'Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.', since: '1.0.0', arity: -2, flags: ['write', 'fast'], acl: WRITE_FAST, handler: spop, fast: spopFast }),
  cmd({ name: 'srandmember', summary: 'Get one or multiple random members from a set', since: '1.0.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: srandmember }),
  cmd({ name: 'smove', summary: 'Moves a member from one set to another.', since: '1.0.0', arity: 4, flags: ['write', 'fast'], acl: WRITE_FAST, keys: { first: 1, last: 2, step: 1 }, handler: smove }),
  ...setOpCommands,
  cmd({ name: 'sscan', summary: 'Iterates over members of a set.', since: '2.8.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, handler: sscan }),
];

