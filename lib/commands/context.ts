// What a command handler sees: the client's reply writer and database, the clock, the configuration and
// the effect recorder. Declared here so handlers depend on this narrow interface, not on the server's
// classes; the server's Client implements it.
import type { Reply } from '../protocol/reply';
import type { Effects } from '../store/effects';
import type { Keyspace } from '../store/keyspace';
import type { CollectionType } from '../store/value';
import type { Clock } from '../util/clock';

/** Read access to the configuration (directive values by name). */
export interface ConfigReader {
  num(name: string): number;
  str(name: string): string;
}

export interface CommandContext {
  /** The reply writer: a handler writes exactly one reply. */
  readonly out: Reply;
  /** The client's selected database. */
  db: Keyspace;
  readonly clock: Clock;
  readonly config: ConfigReader;
  /** Where a write handler records what it changed (store/effects.ts). */
  readonly effects: Effects;
  /** Argument i of the running command in RESP bulk form (a string value stored as sent). */
  bulkArg(argv: readonly string[], i: number): string;
  /**
   * False where a command must not block: the replication link's client (and, once they exist, commands
   * inside MULTI/EXEC and scripts: set it false there). A blocking command then answers at once as on a
   * timeout, as Redis does for CLIENT_DENY_BLOCKING.
   */
  readonly canBlock: boolean;
  /**
   * Blocks the running command on keys (server/blocking.ts): it writes no reply now; the connection runs
   * no further command until `wait` is served, times out, or is unblocked (CLIENT UNBLOCK).
   */
  blockOnKeys(wait: KeyWait): void;
}

/**
 * What a command blocked on keys waits for (BLPOP and friends, BZPOPMIN/BZPOPMAX/BZMPOP). Redis's model (7.2 blocked.c): after any command that made one of the keys hold a value
 * of `type`, the blocked clients of that key are tried in the order they blocked; each retries its
 * command (serve), which pops and replies, or finds nothing and keeps waiting.
 */
export interface KeyWait {
  /** The value type that can serve it: a key of another type appearing does not wake it. */
  readonly type: CollectionType;
  /** The keys, in the client's database (as it was when the command blocked). */
  readonly keys: readonly string[];
  /** Absolute deadline, ms on the node's clock; 0 = wait forever. */
  readonly deadline: number;
  /**
   * Tries to serve the command now: writes its whole reply, records its effects (as the non-blocking
   * command it amounts to: LPOP, LMOVE, ...) and returns true; or returns false having written and
   * changed nothing, to wait on. May reply an error (WRONGTYPE: a key changed type), which ends the wait.
   */
  serve(): boolean;
  /** Writes the reply for a passed deadline (and for CLIENT UNBLOCK id TIMEOUT). */
  timedOut(): void;
}
