// Commands are declared as data: each family file exports an array of CommandSpec beside its handlers.
// The dispatcher, COMMAND's replies, the README's table and the specs all read these declarations.
// Handlers see the connection and the node only through the interfaces declared here (Session,
// ServerHost, ReplicationHost, ClusterHost): the server, replication and cluster layers implement them,
// so this layer imports none of them.
import type { Frame } from '../protocol/parser';
import type { Reply } from '../protocol/reply';
import type { Config } from '../config/config';
import type { Keyspace, StoreEnv } from '../store/keyspace';
import type { Staging } from '../store/staging';
import type { CommandContext } from './context';

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
export type CommandGroup = 'string' | 'hash' | 'list' | 'set' | 'sorted-set' | 'bitmap' | 'hyperloglog' | 'geo' | 'generic' | 'connection' | 'server' | 'cluster';

/**
 * A handler writes exactly one reply to c.out (or none for QUIT-like commands that close). argv[0] is
 * the command name as sent; for a subcommand, argv[1] is the subcommand. Arity, auth, memory and routing
 * were checked before it runs. Data-type handlers take the narrower CommandContext.
 */
export type Handler = (c: Session, argv: string[]) => void;

/**
 * The byte fast path of a hot command (GET, SET, ...): runs it from the request bytes in `f` (no
 * argument strings) and returns true; or returns false having done and written nothing, and the
 * dispatcher runs `handler` on the string arguments instead (options, rare forms). Runs after every
 * check of the gatekeeper, as `handler` does.
 */
export type FastHandler = (c: Session, f: Frame) => boolean;

/** One connection as the connection-level commands (CLIENT, HELLO, AUTH, MONITOR, ...) see it. */
export interface Session extends CommandContext {
  readonly id: number;
  name: string;
  libName: string;
  libVer: string;
  authenticated: boolean;
  /** READONLY was sent (replica reads, cluster mode). */
  readonly: boolean;
  /** ASKING was sent: the next command may run on a slot this node imports. */
  asking: boolean;
  /** The connection closes once pending replies are written. */
  closeAfterReply: boolean;
  monitor: boolean;
  /** The replication link's client on a replica. */
  readonly master: boolean;
  /** A replica's link on its primary (CLIENT LIST flags=S). */
  readonly replicaLink: boolean;
  /** Peer and local address as ip:port ('' without a socket). */
  readonly addr: string;
  readonly laddr: string;
  /** False for a client with no socket (specs, the master client). */
  readonly connected: boolean;
  /** The CLIENT LIST / CLIENT INFO line of this connection. */
  describe(now?: number): string;
  /** Closes the connection now. */
  close(): void;
  /** The node this connection belongs to. */
  readonly node: ServerHost;
  /** True once the connection closed. */
  readonly closed: boolean;
  /** Stops running this connection's commands: the running one replies later, then calls unblock(). */
  block(): void;
  /** Resumes after block(), once the blocked command's reply was written. */
  unblock(): void;
}

/** The node as handlers see it. */
export interface ServerHost {
  readonly dbs: readonly Keyspace[];
  readonly env: StoreEnv;
  /** Values arriving in pieces (RESTORE-PIECE, REPLSNAP-PIECE), held outside the keyspace until their last piece. */
  readonly staging: Staging;
  readonly config: Config;
  readonly commands: CommandTableView;
  /** Cluster mode: the cluster plug-in; null for a standalone node. */
  readonly cluster: ClusterHost | null;
  readonly repl: ReplicationHost;
  readonly clients: ReadonlyMap<number, Session>;
  readonly monitors: Set<Session>;
  readonly log: { notice(msg: string): void; warning(msg: string): void };
  readonly stats: { reset(): void };
  /** maxmemory in bytes. */
  readonly maxmemory: number;
  /** Active expiry on (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire: boolean;
  /** SHUTDOWN: close the node (and exit, when running as a process). */
  requestShutdown(now: boolean): void;
  /** MEMORY PURGE: a full garbage collection now. */
  purgeMemory(): void;
  /** The text of INFO for the given section arguments (lower-case). */
  info(sections: readonly string[]): string;
  /** Clients blocked on keys (server/blocking.ts), as CLIENT UNBLOCK sees them. */
  readonly blocking: {
    /** Ends c's wait with its timeout reply, or the UNBLOCKED error; false when c is not blocked on keys. */
    unblock(c: Session, error: boolean): boolean;
  };
}

/** The command table as COMMAND and the dispatcher read it (commands/registry.ts). */
export interface CommandTableView {
  readonly list: readonly Command[];
  lookup(name: string): Command | undefined;
  /** The command with a byte fast path named by buf[off, off + len) (any case), or undefined. */
  lookupFast(buf: Uint8Array, off: number, len: number): Command | undefined;
  all(): IterableIterator<Command>;
}

/** A replica link as ROLE and WAIT see it, from the primary's side. */
export interface ReplicaState {
  ip: string;
  port: number;
  offset: number;
  state: string;
}

/** Replication as its commands (PSYNC, REPLCONF, ROLE, WAIT, REPLICAOF) see it (lib/replication/). */
export interface ReplicationHost {
  readonly role: 'master' | 'replica';
  readonly offset: number;
  readonly masterLink: { readonly host: string; readonly port: number; readonly state: string; ack(): void } | null;
  readonly primary: {
    isLink(c: Session): boolean;
    announcedId(c: Session): string;
    isStale(c: Session): boolean;
    psync(c: Session, replid: string, offset: number): void;
    ack(c: Session, offset: number): void;
    /** REPLCONF listening-port / node-id / epoch: null, or an error reply. */
    announce(c: Session, opt: string, value: string): string | null;
    states(): ReplicaState[];
    wait(c: Session, replicas: number, timeoutMs: number): void;
  };
  /** True while this node holds a whole dataset: it synced at least once and no full sync is under way. */
  hasWholeDataset(): boolean;
  /** ms (node clock) of the last bytes from this replica's primary over a synced link; -Infinity without one. */
  primaryHeardAt(): number;
  follow(host: string, port: number, epoch: number): void;
  unfollow(): void;
  becomePrimary(): void;
}

/** Cluster mode as its commands (CLUSTER ..., COPY/MOVE/SELECT checks, PSYNC) see it (lib/cluster/). */
export interface ClusterHost {
  readonly myId: string;
  /** CLUSTER SLOTS / SHARDS written from the view this node routes by. */
  writeSlots(out: Reply): void;
  writeShards(out: Reply): void;
  /** CLUSTER NODES and CLUSTER INFO texts. */
  nodesText(nowMs: number): string;
  infoText(): string;
  /** Why CLUSTER FAILOVER cannot run here (its error reply), or null. */
  failoverRefusal(): string | null;
  /** A restarted primary waiting to be replaced: it serves nothing. */
  readonly unavailable: boolean;
  /**
   * PSYNC from node `id`: true unless this node's view makes it this node's shard's primary and `id` a
   * replica of that shard. A node that left its shard (and dropped its keys) must not give its emptied
   * dataset to the replicas still following it from an older epoch.
   */
  refusesReplica(id: string): boolean;
  /** CLUSTER FAILOVER: promotes this replica by a topology transaction; false when not done. */
  failover(): Promise<boolean>;
  /**
   * CLUSTER FORGET <id>: removes the shard whose primary `id` is down (no registration) from the topology
   * in etcd by a transaction, so that its slots go to the other shards, empty. Resolves the outcome read
   * from the latest topology and registrations; rejects on etcd errors.
   */
  forget(id: string): Promise<ForgetStatus>;
}

/**
 * CLUSTER FORGET's outcome: done; unknown node; this node itself; registered (not lost); not a shard's
 * primary; its shard has a live in-sync replica (it is being replaced); it answers PING on its address
 * (cut from etcd, not lost).
 */
export type ForgetStatus =
  | { readonly status: 'ok'; readonly shard: string; readonly slots: number }
  | { readonly status: 'unknown' | 'myself' | 'live' | 'not-primary' | 'heir' | 'answers' };

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
  /** The byte fast path (a command whose name is letters only, at most 11 of them: CommandTable.lookupFast). */
  fast?: FastHandler;
  subcommands?: readonly CommandSpec[];
}

export const NO_KEYS: KeyPositions = { first: 0, last: 0, step: 0 };
export const ONE_KEY: KeyPositions = { first: 1, last: 1, step: 1 };
export const ALL_KEYS: KeyPositions = { first: 1, last: -1, step: 1 };

/** A declaration's named fields; group, keys, flags and ACL categories may come from the family's defaults. */
export type CommandFields = Omit<CommandSpec, 'group' | 'keys' | 'flags' | 'acl'> & Partial<Pick<CommandSpec, 'group' | 'keys' | 'flags' | 'acl'>>;

/**
 * The one helper to declare commands by named fields: `const cmd = declarer('generic', { acl: [...] })`,
 * then `cmd({ name: 'del', summary, since, arity: -2, flags: ['write'], keys: ALL_KEYS, handler: del })`.
 * Fields left out take the family's defaults, then: no keys, no flags, no ACL categories.
 */
export function declarer(group: CommandGroup, defaults: Partial<CommandFields> = {}): (fields: CommandFields) => CommandSpec {
  return (fields) => ({ group, keys: NO_KEYS, flags: [], acl: [], ...defaults, ...fields });
}

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
  /** Flags the gatekeeper reads for every command, looked up once. */
  readonly write: boolean;
  readonly denyoom: boolean;
  readonly noAuth: boolean;
  /** Not shown to MONITOR (admin or skip_monitor). */
  readonly unmonitored: boolean;
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
