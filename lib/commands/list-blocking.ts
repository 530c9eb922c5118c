// Blocking list commands (Redis 7.2 t_list.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP. Each first runs
// as its non-blocking form; when every key is missing it blocks on them through the command context
// (CommandContext.blockOnKeys, served by server/blocking.ts), and its serve() retries the same thing when
// a push makes one of them a list: the first non-empty key in argument order is popped, as Redis
// re-executes the command. A key that became another type in the meantime answers WRONGTYPE then.
// Timeouts are seconds as a float (sub-second precision, rounded up to ms as Redis), 0 = forever; on a
// timeout (and CLIENT UNBLOCK id TIMEOUT) the reply is a null array, for BLMOVE/BRPOPLPUSH too (Redis's
// replyToBlockedClientTimedOut); where blocking is not allowed (canBlock false) the reply is the same at
// once, but BLMOVE's is a null bulk there, as Redis.
// Effects: the pops performed, as their non-blocking commands: BLPOP as `LPOP key`, BLMPOP as
// `LPOP key n`, BLMOVE as `LMOVE ...`, BRPOPLPUSH as `RPOPLPUSH src dst`.
import { blockOrDeny, parseTimeout } from './blocking-wait';
import type { CommandContext as Client } from './context';
import { afterRemove, listAt, moveOne, mpop, mpopKeys, parseMpop, popOne, whereArg } from './list';
import { WRONG_TYPE, writeTyped } from './typed';
import { declarer, type CommandSpec } from './types';

// ---- BLPOP / BRPOP ----

/** Pops from the first non-empty key, replying [key, element]; false when every key is missing. WRONGTYPE replies (true). */
function popFirst(c: Client, keys: readonly string[], head: boolean): boolean {
  for (const key of keys) {
    const s = writeTyped(c, key, 'list');
    if (s === WRONG_TYPE) return true;
    if (s < 0) continue;
    const v = popOne(c, s, head);
    afterRemove(c, s, listAt(c, s));
    c.effects.command([head ? 'LPOP' : 'RPOP', key]);
    c.out.array(2);
    c.out.bulk(key);
    c.out.bulk(v);
    return true;
  }
  return false;
}

/**
 * BLPOP / BRPOP key [key ...] timeout: [key, element] from the first non-empty list; else blocks until a
 * push, the timeout (a null array) or CLIENT UNBLOCK. Errors: the timeout's, WRONGTYPE.
 */
function bpopGeneric(c: Client, argv: string[], head: boolean): void {
  const deadline = parseTimeout(c, argv[argv.length - 1]);
  if (deadline === null) return;
  const keys = argv.slice(1, -1);
  if (popFirst(c, keys, head)) return;
  blockOrDeny(c, 'list', keys, deadline, () => popFirst(c, keys, head), () => c.out.nilArray());
}

function blpop(c: Client, argv: string[]): void {
  bpopGeneric(c, argv, true);
}

function brpop(c: Client, argv: string[]): void {
  bpopGeneric(c, argv, false);
}

// ---- BLMOVE / BRPOPLPUSH ----

/** The move when the source exists (replies the element or WRONGTYPE, records the command); false when it is missing. */
function moveIfAny(c: Client, argv: readonly string[], fromHead: boolean, toHead: boolean, record: string[]): boolean {
  const s = writeTyped(c, argv[1], 'list');
  if (s === WRONG_TYPE) return true;
  if (s < 0) return false;
  if (moveOne(c, s, argv[1], argv[2], fromHead, toHead)) c.effects.command(record);
  return true;
}

function bmoveGeneric(c: Client, argv: string[], fromHead: boolean, toHead: boolean, deadline: number, record: string[]): void {
  if (moveIfAny(c, argv, fromHead, toHead, record)) return;
  blockOrDeny(c, 'list', [argv[1]], deadline, () => moveIfAny(c, argv, fromHead, toHead, record), () => c.out.nil());
}

/**
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout: LMOVE, or blocks while the source is missing.
 * Errors: syntax error, the timeout's, WRONGTYPE (the destination only once there is something to move).
 */
function blmove(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  const deadline = parseTimeout(c, argv[5]);
  if (deadline === null) return;
  bmoveGeneric(c, argv, from, to, deadline, ['LMOVE', argv[1], argv[2], argv[3], argv[4]]);
}

/** BRPOPLPUSH source destination timeout: BLMOVE source destination RIGHT LEFT timeout. */
function brpoplpush(c: Client, argv: string[]): void {
  const deadline = parseTimeout(c, argv[3]);
  if (deadline === null) return;
  bmoveGeneric(c, argv, false, true, deadline, ['RPOPLPUSH', argv[1], argv[2]]);
}

// ---- BLMPOP ----

/**
 * BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: LMPOP, or blocks while every key is
 * missing. Errors: LMPOP's (checked first), then the timeout's, WRONGTYPE.
 */
function blmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  const deadline = parseTimeout(c, argv[1]);
  if (deadline === null) return;
  if (mpop(c, a.keys, a.head, a.count)) return;
  blockOrDeny(c, 'list', a.keys, deadline, () => mpop(c, a.keys, a.head, a.count), () => c.out.nilArray());
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const ACL = ['write', 'list', 'slow', 'blocking'] as const;
const cmd = declarer('list', { acl: ACL });

export const listBlockingCommands: readonly CommandSpec[] = [
  cmd({ name: 'blpop', summary: 'Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.0.0', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 }, handler: blpop }),
  cmd({ name: 'brpop', summary: 'Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.0.0', arity: -3, flags: ['write', 'noscript', 'blocking'], keys: { first: 1, last: -2, step: 1 }, handler: brpop }),
  cmd({ name: 'blmove', summary: 'Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.', since: '6.2.0', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: { first: 1, last: 2, step: 1 }, handler: blmove }),
  cmd({ name: 'brpoplpush', summary: 'Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.', since: '2.2.0', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], keys: { first: 1, last: 2, step: 1 }, handler: brpoplpush }),
  cmd({ name: 'blmpop', summary: 'Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.', since: '7.0.0', arity: -5, flags: ['write', 'blocking'], keys: { first: 0, last: 0, step: 0 }, getKeys: (argv) => mpopKeys(argv, 2), handler: blmpop }),
];
