// What a command handler sees: the client's reply writer and database, the clock, the configuration and
// the effect recorder. Declared here so handlers depend on this narrow interface, not on the server's
// classes; the server's Client implements it.
import type { Reply } from '../protocol/reply';
import type { Effects } from '../store/effects';
import type { Keyspace } from '../store/keyspace';
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
}
