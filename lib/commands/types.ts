// Commands are declared as data: each family file exports an array of CommandSpec beside its handlers.
// The dispatcher, COMMAND's replies, the README's table and the specs all read these declarations.
import type { Client } from '../server/client';

/** Redis 7 command flags (COMMAND INFO shows them lower-case). */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'allow_busy';

/** Redis's command groups (COMMAND DOCS `group`). */
export type CommandGroup = 'string' | 'generic' | 'connection' | 'server' | 'cluster';

/**
 * A handler writes exactly one reply to c.out (or none for QUIT-like commands that close). argv[0] is
 * the command name as sent; for a subcommand, argv[1] is the subcommand. Arity, auth, memory and routing
 * were checked before it runs.
 */
export type Handler = (c: Client, argv: string[]) => void;

export interface KeyPositions {
  /** Index of the first key in argv; 0 for commands with no keys. */
  first: number;
  /** Index of the last key; negative counts from the end (-1: the last argument). */
  last: number;
  /** Distance between keys (2 for MSET's key value pairs). */
  step: number;
}

export interface CommandSpec {
  /** Lower-case name ('get'; for a subcommand, 'get' under its container 'config'). */
  name: string;
  group: CommandGroup;
  summary: string;
  /** Redis version that introduced it. */
  since: string;
  /** Redis convention: N = exactly N arguments counting the name, -N = at least N. */
  arity: number;
  flags: readonly CommandFlag[];
  /** ACL categories without the '@' ('read', 'string', 'fast', ...). */
  acl: readonly string[];
  keys: KeyPositions;
  /** Only for commands whose keys are not at fixed positions: the argv indexes of the keys. */
  getKeys?: (argv: readonly string[]) => number[];
  /** Absent for containers (CLIENT, CONFIG, ...), which have subcommands instead. */
  handler?: Handler;
  subcommands?: readonly CommandSpec[];
}

export const NO_KEYS: KeyPositions = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeyPositions = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeyPositions = { first: 1, last: -1, step: 1 };

/** Live counters of one command (INFO commandstats). */
export interface CommandStat {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
}

/** A declared command as the dispatcher holds it. */
export interface Command {
  spec: CommandSpec;
  /** 'get', or 'config|get' for a subcommand (Redis's fullname, used in errors and stats). */
  fullName: string;
  /** The container, for a subcommand. */
  parent?: Command;
  subs?: Map<string, Command>;
  stat: CommandStat;
}

/** The argv indexes of the keys of a command (COMMAND GETKEYS, cluster routing). */
export function keyIndexes(spec: CommandSpec, argv: readonly string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  const { first, step } = spec.keys;
  if (first === 0) return [];
  const last = spec.keys.last < 0 ? argv.length + spec.keys.last : spec.keys.last;
  const out: number[] = [];
  for (let i = first; i <= last && i < argv.length; i += step) out.push(i);
  return out;
}
