// Set algebra (Redis 7.2 t_set.c sinterGenericCommand, sunionDiffGenericCommand): SINTER SINTERCARD
// SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE. A missing key is an empty set. Results are built as
// Redis builds them, so that a stored result has the encoding Redis would report and a reply the order
// Redis's temporary set would give (for the intset and listpack encodings, which have an order):
// - SINTER walks the smallest set (ties: the earlier key) in its order and keeps the members every other
//   set has; SINTERSTORE's result starts as an intset when that set is one, else as a listpack, and ends
//   as an intset when it holds only integers that fit one.
// - SUNION and SDIFF add to a set that starts as an intset. SDIFF picks Redis's algorithm by the same
//   estimate (1: each member of the first set checked against the others; 2: the first set copied, then
//   the others' members removed), which matters for the encoding: a copy keeps the size it reached.
// Effects: the STORE forms as the destination's resulting state (DEL + RESTORE, or DEL when the result is
// empty and the destination existed); nothing when the destination was missing and stays so.
import * as E from '../protocol/errors';
import { ENC_INTSET, ENC_LISTPACK, SET_MAX_MEMBERS, SetValue, isInt64, setLimits, type SetLimits } from '../store/set';
import { is, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import { readTyped, WRONG_TYPE } from './typed';
import { declarer, ALL_KEYS, type CommandSpec } from './types';

/** The sets named by keys (null for a missing key), or null after writing WRONGTYPE. */
function lookupSets(c: Client, keys: readonly string[]): (SetValue | null)[] | null {
  const sets: (SetValue | null)[] = [];
  for (const key of keys) {
    const s = readTyped(c, key, 'set');
    if (s === WRONG_TYPE) return null;
    sets.push(s < 0 ? null : (c.db.valueAt(s) as SetValue));
  }
  return sets;
}

/**
 * Redis's sunionDiffGenericCommand without the reply: the union or difference of `sets` (null: empty) in
 * a new set that started as an intset, or 'too big' when the union would pass SET_MAX_MEMBERS.
 */
export function unionDiff(sets: readonly (SetValue | null)[], op: 'union' | 'diff', L: SetLimits): SetValue | 'too big' {
  const dst = new SetValue(ENC_INTSET);
  const first = sets[0];
  if (op === 'union') {
    for (const v of sets) {
      if (v === null) continue;
      const over = v.some((m) => {
        if (dst.size >= SET_MAX_MEMBERS && !dst.has(m)) return true;
        dst.add(m, L);
        return false;
      });
      if (over) return 'too big';
    }
    return dst;
  }
  if (first === null || sets.some((v, j) => j > 0 && v === first)) return dst;
  let one = 0;
  let two = 0;
  for (const v of sets) {
    if (v === null) continue;
    one += first.size;
    two += v.size;
  }
  if (Math.floor(one / 2) <= two) {
    // Algorithm 1: the first set's members that no other set has (others by decreasing size: Redis's
    // order, which changes nothing but the work).
    const others = (sets.slice(1).filter((v) => v !== null) as SetValue[]).sort((a, b) => b.size - a.size);
    first.forEach((m) => {
      for (const o of others) if (o.has(m)) return;
      dst.add(m, L);
    });
    return dst;
  }
  // Algorithm 2: copy the first set, remove the others' members; stop once empty.
  for (let j = 0; j < sets.length; j++) {
    const v = sets[j];
    if (v === null) continue;
    if (j === 0) v.forEach((m) => dst.add(m, L));
    else v.forEach((m) => dst.remove(m));
    if (dst.size === 0) break;
  }
  return dst;
}

/** Writes a set reply (RESP3 `~`) of v's members in its order. */
function replySet(c: Client, v: SetValue): void {
  const out = c.out;
  out.set(v.size);
  v.forEach((m) => out.bulk(m));
}

/**
 * Stores `v` at dst (replacing any value and its TTL) when non-empty, else deletes dst; records the
 * effect when something changed; replies the new size.
 */
function store(c: Client, dst: string, v: SetValue | null): void {
  if (v !== null && v.size > 0) {
    c.db.set(dst, v, 0);
    c.effects.key(dst);
    return c.out.int(v.size);
  }
  if (c.db.delete(dst)) c.effects.key(dst);
  c.out.int(0);
}

/**
 * SINTER / SINTERSTORE / SINTERCARD: the members every set has. dst: store there (reply the size);
 * cardOnly: reply the count, stopping at `limit` (0: none); else reply the members as a set.
 */
function sinterGeneric(c: Client, keys: readonly string[], dst: string | null, cardOnly: boolean, limit: number): void {
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  if (sets.includes(null)) {
    if (dst !== null) return store(c, dst, null);
    return cardOnly ? c.out.int(0) : c.out.set(0);
  }
  const order = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const first = order[0];
  const others = order.slice(1).filter((v) => v !== first);
  const L = setLimits(c.config);
  const found: string[] = [];
  let card = 0;
  const result = dst === null ? null : new SetValue(first.encodingId === ENC_INTSET ? ENC_INTSET : ENC_LISTPACK);
  let onlyInts = true;
  first.some((m) => {
    for (const o of others) if (!o.has(m)) return false;
    if (cardOnly) {
      card++;
      return limit > 0 && card >= limit;
    }
    if (result === null) found.push(m);
    else {
      if (onlyInts && !isInt64(m)) onlyInts = false;
      result.add(m, L);
    }
    return false;
  });
  if (cardOnly) return c.out.int(card);
  if (result === null) {
    c.out.set(found.length);
    for (const m of found) c.out.bulk(m);
    return;
  }
  if (onlyInts) result.maybeConvertToIntset(L);
  store(c, dst as string, result);
}

/** SINTER key [key ...]: the intersection (a RESP3 set), in the smallest set's order. */
function sinter(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(1), null, false, 0);
}

/** SINTERSTORE destination key [key ...]: the intersection's size, stored (an empty one deletes destination). */
function sinterstore(c: Client, argv: string[]): void {
  sinterGeneric(c, argv.slice(2), argv[1], false, 0);
}

/**
 * SINTERCARD numkeys key [key ...] [LIMIT limit]: the intersection's size, counting stops at limit (0: no
 * limit). Errors: numkeys should be greater than 0 (also not an integer); Number of keys can't be greater
 * than number of args; LIMIT can't be negative (also not an integer); syntax error; WRONGTYPE.
 */
function sintercard(c: Client, argv: string[]): void {
  const n = parseInt64(argv[1]);
  if (n === null || n < 1) return c.out.error(E.ERR_NUMKEYS_GT0);
  if (n > argv.length - 2) return c.out.error(E.ERR_NUMKEYS_TOO_MANY);
  const numkeys = Number(n);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (is(argv[j], 'limit') && j + 1 < argv.length) {
      const l = parseInt64(argv[++j]);
      if (l === null || l < 0) return c.out.error(E.ERR_LIMIT_NEGATIVE);
      limit = typeof l === 'number' ? l : Number.MAX_SAFE_INTEGER;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), null, true, limit);
}

/** SUNION / SDIFF and their STORE forms. */
function unionDiffCommand(c: Client, keys: readonly string[], dst: string | null, op: 'union' | 'diff'): void {
  const sets = lookupSets(c, keys);
  if (sets === null) return;
  const v = unionDiff(sets, op, setLimits(c.config));
  if (v === 'too big') return c.out.error(E.ERR_SET_TOO_BIG(SET_MAX_MEMBERS));
  if (dst === null) replySet(c, v);
  else store(c, dst, v);
}

function sunion(c: Client, argv: string[]): void {
  unionDiffCommand(c, argv.slice(1), null, 'union');
}

function sunionstore(c: Client, argv: string[]): void {
  unionDiffCommand(c, argv.slice(2), argv[1], 'union');
}

function sdiff(c: Client, argv: string[]): void {
  unionDiffCommand(c, argv.slice(1), null, 'diff');
}

function sdiffstore(c: Client, argv: string[]): void {
  unionDiffCommand(c, argv.slice(2), argv[1], 'diff');
}

/** C's atoi: leading blanks, a sign, digits; 0 when there are none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : parseInt(m[1], 10);
}

/** SINTERCARD's keys (Redis's genericGetKeys): numkeys keys from argv[2]; none when numkeys is out of range. */
export function sintercardKeys(argv: readonly string[]): number[] {
  const num = atoi(argv[1] ?? '');
  if (num < 1 || num > argv.length - 2) return [];
  const out: number[] = [];
  for (let i = 0; i < num; i++) out.push(2 + i);
  return out;
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const READ_SLOW = ['read', 'set', 'slow'] as const;
const WRITE_SLOW = ['write', 'set', 'slow'] as const;

const cmd = declarer('set', { keys: ALL_KEYS });

export const setOpCommands: readonly CommandSpec[] = [
  cmd({ name: 'sinter', summary: 'Returns the intersect of multiple sets.', since: '1.0.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: sinter }),
  cmd({ name: 'sintercard', summary: 'Returns the number of members of the intersect of multiple sets.', since: '7.0.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: { first: 0, last: 0, step: 0 }, getKeys: sintercardKeys, handler: sintercard }),
  cmd({ name: 'sinterstore', summary: 'Stores the intersect of multiple sets in a key.', since: '1.0.0', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: sinterstore }),
  cmd({ name: 'sunion', summary: 'Returns the union of multiple sets.', since: '1.0.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: sunion }),
  cmd({ name: 'sunionstore', summary: 'Stores the union of multiple sets in a key.', since: '1.0.0', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: sunionstore }),
  cmd({ name: 'sdiff', summary: 'Returns the difference of multiple sets.', since: '1.0.0', arity: -2, flags: ['readonly'], acl: READ_SLOW, handler: sdiff }),
  cmd({ name: 'sdiffstore', summary: 'Stores the difference of multiple sets in a key.', since: '1.0.0', arity: -3, flags: ['write', 'denyoom'], acl: WRITE_SLOW, handler: sdiffstore }),
];
