// The one parser of expiry arguments: SET EX/PX/EXAT/PXAT, GETEX, SETEX/PSETEX, the EXPIRE family and
// hash-field expiry (HEXPIRE ...). Times are absolute ms since the epoch as doubles: exact up to 2^53
// (year ~287,000), which no real TTL reaches; beyond, as large as Redis's (which accepts up to 2^63-1 ms)
// but rounded, and clamped to MAX_EXPIRE_MS so that PEXPIRETIME never answers past the 64-bit range.
import * as E from '../protocol/errors';
import { INT64_MAX, INT64_MIN, parseInt64 } from './args';

/** Largest stored expiry, ms since the epoch: the largest double below 2^63 (2^63 - 1024). */
export const MAX_EXPIRE_MS = 9223372036854774784;
/** Below this magnitude, seconds * 1000 + now stays a safe integer: no overflow checks needed. */
const SMALL_TIME = 2 ** 40;

/**
 * The absolute expiry (ms) that `arg` means: arg seconds (unitMs 1000) or ms (1) after `base` (now for a
 * relative time, 0 for the *AT forms). Returns the time, or the error text to reply:
 * - not an integer (ERR value is not an integer or out of range);
 * - with `positive` (SET, GETEX, SETEX: Redis's getExpireMillisecondsOrReply) a value <= 0 is
 *   "ERR invalid expire time in '<cmd>'";
 * - seconds * 1000 or the sum leaving the signed 64-bit range: "ERR invalid expire time in '<cmd>'"
 *   (Redis's expireGenericCommand and getExpireMillisecondsOrReply alike).
 * Past times come back as they are (EXPIRE deletes, SET ... PXAT in the past sets an expired key).
 */
export function expiryArg(arg: string, unitMs: 1 | 1000, base: number, cmd: string, positive = false): number | string {
  const n = parseInt64(arg);
  if (n === null) return E.ERR_NOT_INTEGER;
  if (positive && n <= 0) return E.ERR_INVALID_EXPIRE(cmd);
  if (typeof n === 'number' && Math.abs(n) < SMALL_TIME) return n * unitMs + base;
  let when = BigInt(n);
  if (unitMs === 1000) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return E.ERR_INVALID_EXPIRE(cmd);
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(base)) return E.ERR_INVALID_EXPIRE(cmd);
  when += BigInt(base);
  if (when > BigInt(MAX_EXPIRE_MS)) return MAX_EXPIRE_MS;
  if (when < -BigInt(MAX_EXPIRE_MS)) return -MAX_EXPIRE_MS;
  return Number(when);
}
