// What the blocking commands of every family share (Redis 7.2 blocked.c / timeout.c): the timeout
// argument, and blocking on keys (or answering as a timeout where blocking is not allowed). The lists'
// (list-blocking.ts) and sorted sets' (zset-blocking.ts) blocking commands use them; the waiting itself is
// server/blocking.ts.
import * as E from '../protocol/errors';
import type { CollectionType } from '../store/value';
import type { CommandContext as Client, KeyWait } from './context';
import { parseLongDouble } from './longdouble';

/** 2^63 - 1 ms: the largest timeout Redis takes (LLONG_MAX). */
const LLONG_MAX_MS = 9223372036854775807;

/**
 * A timeout in seconds (a float, as Redis's getTimeoutFromObjectOrReply with UNIT_SECONDS): the absolute
 * deadline in ms on the context's clock (0 = none), or null after writing the error: timeout is not a
 * float or out of range, timeout is out of range, timeout is negative.
 */
export function parseTimeout(c: Client, s: string): number | null {
  const ld = parseLongDouble(s);
  if (ld === null) {
    c.out.error(E.ERR_TIMEOUT_NOT_FLOAT);
    return null;
  }
  let ms: number;
  if (ld.inf) ms = ld.neg ? -Infinity : Infinity;
  else {
    // ceil of the signed value, as Redis's ceill: -0.0001 s is 0 (forever), not negative.
    ms = Math.ceil((ld.neg ? -1 : 1) * Number(ld.m) * 2 ** ld.e * 1000);
    if (ms === 0 && ld.m > 0n && !ld.neg) ms = 1; // below 2^-1074 s: still "some time", 1 ms
  }
  if (ms > LLONG_MAX_MS) {
    c.out.error(E.ERR_TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  if (ms < 0) {
    c.out.error(E.ERR_TIMEOUT_NEGATIVE);
    return null;
  }
  if (ms === 0) return 0;
  const now = c.clock.now();
  if (ms > LLONG_MAX_MS - now) {
    c.out.error(E.ERR_TIMEOUT_OUT_OF_RANGE);
    return null;
  }
  return now + ms;
}

/**
 * Blocks the running command on `keys` until one of them holds a `type` value and serve() answers (a
 * timeout answers a null array, as Redis's replyToBlockedClientTimedOut for lists and sorted sets), or,
 * where blocking is not allowed (canBlock false: Redis's CLIENT_DENY_BLOCKING), answers `denied()` at once.
 */
export function blockOrDeny(c: Client, type: CollectionType, keys: readonly string[], deadline: number, serve: () => boolean, denied: () => void): void {
  if (!c.canBlock) return denied();
  const wait: KeyWait = { type, keys, deadline, serve, timedOut: () => c.out.nilArray() };
  c.blockOnKeys(wait);
}
