// ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD (Redis 7.2 zunionInterDiffGenericCommand),
// with WEIGHTS and AGGREGATE SUM|MIN|MAX. Inputs may be sorted sets or sets (every member scoring 1).
//
// Floating point as Redis: a weighted score is weight * score with NaN (0 * inf) read as 0; SUM adds in
// the order Redis does (inputs sorted by size, smallest first, ties kept in argument order; for ZINTER the
// smallest input's members, then each other input's score) and turns an inf + -inf into 0. The result is
// stored as Redis stores it (a listpack when small enough: zsetConvertToListpackIfNeeded).
// Effects: a *STORE records the destination's resulting state (RESTORE ... REPLACE), or DEL when the result was
// empty and the destination existed.
import * as E from '../protocol/errors';
import { ZSET_MAX_MEMBERS, ZSetValue } from '../store/zset';
import type { Collection } from '../store/value';
import { parseDouble } from '../util/double';
import { is } from './args';
import type { CommandContext as Client } from './context';
import type { CommandSpec } from './types';
import { argLong, argPositive, limits, numkeysKeys, READ_SLOW, replyScore, WRITE_SLOW, zsetCmd as cmd } from './zset-common';

const UNION = 0;
const INTER = 1;
const DIFF = 2;
const SUM = 0;
const MIN = 1;
const MAX = 2;

/** One input of a set operation: a sorted set, a set (scores 1) or a missing key (empty). */
interface Input {
  size: number;
  weight: number;
  /** The value itself (an input named twice is one value: ZINTER and ZDIFF test identity, as Redis). */
  value: Collection | null;
  /** Visits members with their scores (unweighted), in the input's order. */
  forEach(visit: (member: string, score: number) => void): void;
  /** A member's unweighted score, undefined when absent. */
  score(member: string): number | undefined;
}

const EMPTY: Omit<Input, 'weight'> = { size: 0, value: null, forEach: () => undefined, score: () => undefined };

function zsetInput(z: ZSetValue): Omit<Input, 'weight'> {
  return { size: z.size, value: z, forEach: (visit) => z.forEach(visit), score: (m) => z.score(m) };
}

/**
 * A 'set' value as an input, each member scoring 1 (Redis's zuiNext / zuiFind on a set), read through
 * the narrow shape below (size, a membership test, a member walk: store/set.ts SetValue has them).
 */
interface SetLike extends Collection {
  has(member: string): boolean;
  forEach(visit: (member: string) => void): void;
}
function setInput(v: Collection): Omit<Input, 'weight'> {
  const set = v as SetLike;
  return { size: set.size, value: set, forEach: (visit) => set.forEach((m) => visit(m, 1)), score: (m) => (set.has(m) ? 1 : undefined) };
}

/** weight * score, NaN (0 * inf) read as 0. */
function weighted(weight: number, score: number): number {
  const v = weight * score;
  return v !== v ? 0 : v;
}

/** zunionInterAggregate. */
function aggregate(target: number, val: number, how: number): number {
  if (how === SUM) {
    const v = target + val;
    return v !== v ? 0 : v;
  }
  if (how === MIN) return val < target ? val : target;
  return val > target ? val : target;
}

/**
 * The generic command: `dst` for the *STORE forms (numkeys at argv[2]), null otherwise (numkeys at
 * argv[1]); `card` for ZINTERCARD. Errors, in Redis's order: not an integer (numkeys), at least 1 input
 * key is needed, syntax error (more keys than arguments), WRONGTYPE (an input neither a sorted set nor a
 * set), then the options: weight value is not a float, syntax error, LIMIT can't be negative.
 */
function generic(c: Client, argv: string[], dst: string | null, op: number, card: boolean): void {
  const numkeysAt = dst === null ? 1 : 2;
  const setnum = argLong(c, argv[numkeysAt]);
  if (setnum === null) return;
  if (setnum < 1) return c.out.error(E.errAtLeastOneKey(argv[0].toLowerCase()));
  if (setnum > argv.length - (numkeysAt + 1)) return c.out.error(E.ERR_SYNTAX);
  const inputs: Input[] = [];
  let j = numkeysAt + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const s = c.db.lookupRead(argv[j]);
    let base = EMPTY;
    if (s >= 0) {
      const v = c.db.valueAt(s);
      if (v instanceof ZSetValue) {
        v.applyLimits(c.config.num('zset-max-listpack-entries'), c.config.num('zset-max-listpack-value'));
        base = zsetInput(v);
      } else if (typeof v !== 'string' && v.type === 'set') base = setInput(v);
      else return c.out.error(E.ERR_WRONGTYPE);
    }
    inputs.push({ ...base, weight: 1 });
  }
  let how = SUM;
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const a = argv[j];
    if (op !== DIFF && !card && remaining >= setnum + 1 && is(a, 'weights')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseDouble(argv[j]);
        if (w === null) return c.out.error(E.ERR_WEIGHT_NOT_FLOAT);
        inputs[i].weight = w;
      }
    } else if (op !== DIFF && !card && remaining >= 2 && is(a, 'aggregate')) {
      const g = argv[j + 1];
      if (is(g, 'sum')) how = SUM;
      else if (is(g, 'min')) how = MIN;
      else if (is(g, 'max')) how = MAX;
      else return c.out.error(E.ERR_SYNTAX);
      j += 2;
    } else if (remaining >= 1 && dst === null && !card && is(a, 'withscores')) {
      withScores = true;
      j++;
    } else if (card && remaining >= 2 && is(a, 'limit')) {
      const l = argPositive(c, argv[j + 1], E.ERR_LIMIT_NEGATIVE);
      if (l === null) return;
      limit = l;
      j += 2;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  // Smallest input first (a stable sort: equal sizes keep their order) for union and intersection.
  const order = op === DIFF ? inputs : [...inputs].sort((x, y) => x.size - y.size);
  if (card) return c.out.int(interCard(order, limit));
  const result = op === UNION ? union(order, how) : op === INTER ? inter(order, how) : diff(inputs);
  if (dst !== null) return store(c, dst, result);
  const n = result.members.length;
  if (withScores) {
    c.out.pairs(n);
    for (let i = 0; i < n; i++) {
      c.out.pair();
      c.out.bulk(result.members[i]);
      replyScore(c, result.scores[i]);
    }
  } else c.out.bulks(result.members);
}

/** Pairs in Redis's order (score, then member bytes). */
interface Result {
  members: string[];
  scores: number[];
}

function sorted(m: Map<string, number>): Result {
  const members = [...m.keys()];
  members.sort((a, b) => {
    const x = m.get(a) as number;
    const y = m.get(b) as number;
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  return { members, scores: members.map((k) => m.get(k) as number) };
}

function union(inputs: Input[], how: number): Result {
  const acc = new Map<string, number>();
  for (const input of inputs) {
    if (input.size === 0) continue;
    input.forEach((m, s) => {
      const score = weighted(input.weight, s);
      const cur = acc.get(m);
      acc.set(m, cur === undefined ? score : aggregate(cur, score, how));
    });
  }
  return sorted(acc);
}

function inter(inputs: Input[], how: number): Result {
  const acc = new Map<string, number>();
  const first = inputs[0];
  if (first.size === 0) return { members: [], scores: [] };
  first.forEach((m, s) => {
    let score = weighted(first.weight, s);
    for (let j = 1; j < inputs.length; j++) {
      const other = inputs[j];
      // Redis: `value = zval.score * weight` here, without the NaN check of the first input.
      const v = other.value === first.value ? s : other.score(m);
      if (v === undefined) return;
      score = aggregate(score, v * other.weight, how);
    }
    acc.set(m, score);
  });
  return sorted(acc);
}

/** ZINTERCARD: the intersection's size, counting stops at `limit` (0: no limit). */
function interCard(inputs: Input[], limit: number): number {
  const first = inputs[0];
  if (first.size === 0) return 0;
  let n = 0;
  const STOP = {};
  try {
    first.forEach((m) => {
      for (let j = 1; j < inputs.length; j++) if (inputs[j].value !== first.value && inputs[j].score(m) === undefined) return;
      n++;
      if (limit > 0 && n >= limit) throw STOP;
    });
  } catch (e) {
    if (e !== STOP) throw e;
  }
  return n;
}

/** ZDIFF: the first input's pairs (unweighted) whose member no other input has; nothing when an input repeats the first. */
function diff(inputs: Input[]): Result {
  const first = inputs[0];
  const acc = new Map<string, number>();
  if (first.size === 0) return sorted(acc);
  for (let j = 1; j < inputs.length; j++) if (inputs[j].value !== null && inputs[j].value === first.value) return sorted(acc);
  first.forEach((m, s) => {
    for (let j = 1; j < inputs.length; j++) if (inputs[j].score(m) !== undefined) return;
    acc.set(m, s);
  });
  return sorted(acc);
}

/** A *STORE's destination: the result (a listpack when it fits), its size; empty: deleted, 0. */
function store(c: Client, dst: string, r: Result): void {
  const n = r.members.length;
  if (n === 0) {
    if (c.db.delete(dst)) c.effects.key(dst);
    return c.out.int(0);
  }
  if (n > ZSET_MAX_MEMBERS) return c.out.error(E.ERR_ZSET_TOO_BIG(ZSET_MAX_MEMBERS));
  const z = ZSetValue.fromSorted(r.members, r.scores, false);
  let longest = 0;
  for (const m of r.members) if (m.length > longest) longest = m.length;
  const lim = limits(c);
  z.convertToListpackIfNeeded(lim.entries, lim.value, longest);
  c.db.set(dst, z);
  c.effects.key(dst);
  c.out.int(n);
}

function zunion(c: Client, argv: string[]): void {
  generic(c, argv, null, UNION, false);
}

function zinter(c: Client, argv: string[]): void {
  generic(c, argv, null, INTER, false);
}

function zdiff(c: Client, argv: string[]): void {
  generic(c, argv, null, DIFF, false);
}

function zunionstore(c: Client, argv: string[]): void {
  generic(c, argv, argv[1], UNION, false);
}

function zinterstore(c: Client, argv: string[]): void {
  generic(c, argv, argv[1], INTER, false);
}

function zdiffstore(c: Client, argv: string[]): void {
  generic(c, argv, argv[1], DIFF, false);
}

function zintercard(c: Client, argv: string[]): void {
  generic(c, argv, null, INTER, true);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const NO_FIXED_KEYS = { first: 0, last: 0, step: 0 };

export const zsetSetopCommands: readonly CommandSpec[] = [
  cmd({ name: 'zunion', summary: 'Returns the union of multiple sorted sets.', since: '6.2.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: NO_FIXED_KEYS, getKeys: numkeysKeys(1, false), handler: zunion }),
  cmd({ name: 'zinter', summary: 'Returns the intersect of multiple sorted sets.', since: '6.2.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: NO_FIXED_KEYS, getKeys: numkeysKeys(1, false), handler: zinter }),
  cmd({ name: 'zdiff', summary: 'Returns the difference between multiple sorted sets.', since: '6.2.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: NO_FIXED_KEYS, getKeys: numkeysKeys(1, false), handler: zdiff }),
  cmd({ name: 'zintercard', summary: 'Returns the number of members of the intersect of multiple sorted sets.', since: '7.0.0', arity: -3, flags: ['readonly'], acl: READ_SLOW, keys: NO_FIXED_KEYS, getKeys: numkeysKeys(1, false), handler: zintercard }),
  cmd({ name: 'zunionstore', summary: 'Stores the union of multiple sorted sets in a key.', since: '2.0.0', arity: -4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, getKeys: numkeysKeys(2, true), handler: zunionstore }),
  cmd({ name: 'zinterstore', summary: 'Stores the intersect of multiple sorted sets in a key.', since: '2.0.0', arity: -4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, getKeys: numkeysKeys(2, true), handler: zinterstore }),
  cmd({ name: 'zdiffstore', summary: 'Stores the difference of multiple sorted sets in a key.', since: '6.2.0', arity: -4, flags: ['write', 'denyoom'], acl: WRITE_SLOW, getKeys: numkeysKeys(2, true), handler: zdiffstore }),
];
