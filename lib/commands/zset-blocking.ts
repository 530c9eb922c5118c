// Blocking sorted-set pops (Redis 7.2 t_zset.c blockingGenericZpopCommand): BZPOPMIN, BZPOPMAX, BZMPOP.
// Each first runs as its non-blocking pop; when no key holds a sorted set it blocks on them through the
// command context (CommandContext.blockOnKeys, served by server/blocking.ts), and its serve() retries the
// same thing when a command makes one of them a sorted set (ZADD, ZINCRBY, GEOADD, ZUNIONSTORE & co.,
// ZRANGESTORE, GEOSEARCHSTORE, RESTORE, RENAME, COPY, MOVE, SWAPDB, the replication link: the store signals
// any key that comes to hold a collection): the first key in argument order holding a sorted set is
// popped, as Redis re-executes the command; a key met before it that became another type answers
// WRONGTYPE then.
// Replies: BZPOPMIN/BZPOPMAX [key, member, score] (the score a bulk in RESP2, a double in RESP3), BZMPOP
// as ZMPOP: [key, [[member, score], ...]]. A timeout (and CLIENT UNBLOCK id TIMEOUT), or a call where
// blocking is not allowed (canBlock false), answers a null array: *-1 in RESP2, _ in RESP3.
// Timeouts as the list blocking commands (blocking-wait.ts: seconds as a float, rounded up to ms).
// Effects: the pop performed, as popFrom records it: `ZPOPMIN|ZPOPMAX key n` with the number popped.
import { blockOrDeny, parseTimeout } from './blocking-wait';
import type { CommandContext as Client } from './context';
import { firstZset, parseMpop, PopShape, popFrom } from './zset';
import { numkeysKeys, WRONG_TYPE, zsetCmd } from './zset-common';
import type { CommandSpec } from './types';

/**
 * Pops up to `count` members from the first of `keys` holding a sorted set, replying in `shape`; false
 * (nothing written, nothing changed) when none does. WRONGTYPE (a key of another type met first) replies:
 * true.
 */
function popFirst(c: Client, keys: readonly string[], max: boolean, count: number, shape: PopShape): boolean {
  const found = firstZset(c, keys);
  if (found === WRONG_TYPE) return true;
  if (found === -1) return false;
  const { slot, key } = found as { slot: number; key: string };
  popFrom(c, slot, key, max, count, shape);
  return true;
}

/** Pops at once, or blocks on `keys` until a sorted set appears among them (a null array where blocking is denied). */
function popOrBlock(c: Client, keys: readonly string[], deadline: number, max: boolean, count: number, shape: PopShape): void {
  if (popFirst(c, keys, max, count, shape)) return;
  blockOrDeny(c, 'zset', keys, deadline, () => popFirst(c, keys, max, count, shape), () => c.out.nilArray());
}

/**
 * BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score] from the first key holding a sorted
 * set; else blocks until one does, the timeout (a null array) or CLIENT UNBLOCK. Errors: the timeout's
 * (timeout is not a float or out of range, timeout is negative, timeout is out of range), WRONGTYPE.
 */
function bzpopGeneric(c: Client, argv: string[], max: boolean): void {
  const deadline = parseTimeout(c, argv[argv.length - 1]);
  if (deadline === null) return;
  popOrBlock(c, argv.slice(1, -1), deadline, max, 1, PopShape.KeyFlat);
}

function bzpopmin(c: Client, argv: string[]): void {
  bzpopGeneric(c, argv, false);
}

function bzpopmax(c: Client, argv: string[]): void {
  bzpopGeneric(c, argv, true);
}

/**
 * BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: ZMPOP, or blocks while no key holds a
 * sorted set. Errors: ZMPOP's, checked first (numkeys should be greater than 0, syntax error, count
 * should be greater than 0), then the timeout's, WRONGTYPE.
 */
function bzmpop(c: Client, argv: string[]): void {
  const p = parseMpop(c, argv, 2);
  if (p === null) return;
  const deadline = parseTimeout(c, argv[1]);
  if (deadline === null) return;
  popOrBlock(c, p.keys, deadline, p.max, p.count, PopShape.KeyNested);
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

export const zsetBlockingCommands: readonly CommandSpec[] = [
  zsetCmd({ name: 'bzpopmin', summary: 'Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', since: '5.0.0', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], acl: ['write', 'sortedset', 'fast', 'blocking'], keys: { first: 1, last: -2, step: 1 }, handler: bzpopmin }),
  zsetCmd({ name: 'bzpopmax', summary: 'Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.', since: '5.0.0', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], acl: ['write', 'sortedset', 'fast', 'blocking'], keys: { first: 1, last: -2, step: 1 }, handler: bzpopmax }),
  zsetCmd({ name: 'bzmpop', summary: 'Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.', since: '7.0.0', arity: -5, flags: ['write', 'blocking'], acl: ['write', 'sortedset', 'slow', 'blocking'], keys: { first: 0, last: 0, step: 0 }, getKeys: numkeysKeys(2, false), handler: bzmpop }),
];
