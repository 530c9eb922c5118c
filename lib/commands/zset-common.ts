// What the sorted-set command files share: typed lookups, the listpack limits, score replies, Redis's
// integer argument readers (getLongFromObjectOrReply and friends) and the declaration helpers.
import * as E from '../protocol/errors';
import { ZSET_MAX_MEMBERS, ZSetValue } from '../store/zset';
import { formatDouble } from '../util/double';
import { INT64_MAX, INT64_MIN, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import type { KeyBytes } from '../store/keyspace';
import { createTyped, readTyped, readTypedBytes, WRONG_TYPE, writeTyped, writeTypedBytes } from './typed';
import { declarer } from './types';

export { WRONG_TYPE };

export const LP_ENTRIES = 'zset-max-listpack-entries';
export const LP_VALUE = 'zset-max-listpack-value';

/** zset-max-listpack-entries and -value as numbers. */
export function limits(c: Client): { entries: number; value: number } {
  return { entries: c.config.num(LP_ENTRIES), value: c.config.num(LP_VALUE) };
}

/** A restored sorted set meets the limits at its first use (ZSetValue.applyLimits). */
function settleLimits(c: Client, s: number): number {
  if (s >= 0) (c.db.valueAt(s) as ZSetValue).applyLimits(c.config.num(LP_ENTRIES), c.config.num(LP_VALUE));
  return s;
}

/** A sorted set for a read: its slot, -1 when missing (a miss), WRONG_TYPE after the error. */
export function lookupRead(c: Client, key: string): number {
  return settleLimits(c, readTyped(c, key, 'zset'));
}

/** A sorted set for a write that needs it: as lookupRead without hit/miss counting. */
export function lookupWrite(c: Client, key: string): number {
  return settleLimits(c, writeTyped(c, key, 'zset'));
}

/** lookupRead() of a key given as request bytes (the byte fast path), with its index hash. */
export function lookupReadBytes(c: Client, key: KeyBytes, hash: number): number {
  return settleLimits(c, readTypedBytes(c, key, hash, 'zset'));
}

/** lookupWrite() of a key given as request bytes (the byte fast path), with its index hash. */
export function lookupWriteBytes(c: Client, key: KeyBytes, hash: number): number {
  return settleLimits(c, writeTypedBytes(c, key, hash, 'zset'));
}

/**
 * A sorted set for a write that creates it: its slot, a new empty one (zsetTypeCreate with `sizeHint`
 * members of `lenHint` bytes) when missing, or WRONG_TYPE after the error.
 */
export function lookupCreate(c: Client, key: string, sizeHint: number, lenHint: number): number {
  const s = createTyped(c, key, 'zset', () => ZSetValue.create(sizeHint, lenHint, c.config.num(LP_ENTRIES), c.config.num(LP_VALUE)));
  return settleLimits(c, s);
}

export function zsetAt(c: Client, s: number): ZSetValue {
  return c.db.valueAt(s) as ZSetValue;
}

/** A score reply: a RESP3 double, a RESP2 bulk, as Redis 7.2's addReplyDouble prints it. */
export function replyScore(c: Client, score: number): void {
  c.out.double(formatDouble(score));
}

/** True (after the error) when `fresh` new members would take a sorted set of `size` past ZSET_MAX_MEMBERS. */
export function tooBig(c: Client, size: number, fresh: number): boolean {
  if (size + fresh <= ZSET_MAX_MEMBERS) return false;
  c.out.error(E.ERR_ZSET_TOO_BIG(ZSET_MAX_MEMBERS));
  return true;
}

/**
 * getLongFromObjectOrReply: a 64-bit integer (beyond 2^53 clamped to +-MAX_SAFE_INTEGER, which no rank
 * or count can tell apart), or null after the error (`msg`, or "value is not an integer or out of range").
 */
export function argLong(c: Client, arg: string, msg: string = E.ERR_NOT_INTEGER): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.out.error(msg);
    return null;
  }
  if (typeof v === 'bigint') return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
  return v;
}

/**
 * getRangeLongFromObjectOrReply: an integer in [min, max] or null after the error: `msg` for both
 * failures when given, else "not an integer" / "value is out of range, value must between min and max".
 */
export function argRangeLong(c: Client, arg: string, min: bigint, max: bigint, msg?: string): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.out.error(msg ?? E.ERR_NOT_INTEGER);
    return null;
  }
  const b = BigInt(v);
  if (b < min || b > max) {
    c.out.error(msg ?? E.errLongRange(min, max));
    return null;
  }
  if (typeof v === 'bigint') return v > 0n ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
  return v;
}

/** getPositiveLongFromObjectOrReply: 0..LONG_MAX, else null after `msg` (default "must be positive"). */
export function argPositive(c: Client, arg: string, msg: string = E.ERR_MUST_BE_POSITIVE): number | null {
  return argRangeLong(c, arg, 0n, INT64_MAX, msg);
}

export { INT64_MAX, INT64_MIN };

// ---- declarations (Redis 7.2 COMMAND INFO / COMMAND DOCS) ----

export const READ_FAST = ['read', 'sortedset', 'fast'] as const;
export const READ_SLOW = ['read', 'sortedset', 'slow'] as const;
export const WRITE_FAST = ['write', 'sortedset', 'fast'] as const;
export const WRITE_SLOW = ['write', 'sortedset', 'slow'] as const;

export const zsetCmd = declarer('sorted-set', { keys: { first: 1, last: 1, step: 1 } });

/**
 * Keys of a command with `numkeys` at argv[at] followed by that many keys (ZUNION, ZMPOP, ...), plus
 * argv[1] when `dest` (the *STORE forms). A numkeys that is not a positive integer, or more keys than
 * arguments, gives none (COMMAND GETKEYS then says the arguments are invalid; the command itself answers
 * the precise error).
 */
export function numkeysKeys(at: number, dest: boolean): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = parseInt64(argv[at] ?? '');
    if (typeof n !== 'number' || n < 1 || at + n >= argv.length) return dest && argv.length > 1 ? [1] : [];
    const out: number[] = dest ? [1] : [];
    for (let i = 0; i < n; i++) out.push(at + 1 + i);
    return out;
  };
}
