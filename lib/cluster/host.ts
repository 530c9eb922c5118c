// What cluster mode needs of the node it runs in, and of the engines wired to it, named narrowly so that
// lib/cluster never imports lib/server: the server's Node satisfies ClusterNodeHost structurally.
import type { Clock } from '../util/clock';
import type { ClusterView } from './view';

/** The node's log (server/log.ts Logger has these). */
export interface ClusterLog {
  notice(msg: string): void;
  warning(msg: string): void;
}

/** The replication role the agent sets from the view (lib/replication Replication has these). */
export interface ReplicationRole {
  /** 'master' (writable, accepts PSYNC) or 'replica' (read-only, with or without a link to a primary). */
  readonly role: 'master' | 'replica';
  /** The cluster epoch this node replicates in (a primary refuses replicas that saw a newer one). */
  epoch: number;
  /** Replicates from host:port for `epoch` (continues with PSYNC where it can). */
  follow(host: string, port: number, epoch: number): void;
  /**
   * Stops replicating (link or not); becomes a primary that continues its primary's stream (its replicas
   * PSYNC on), or with `freshHistory` one with a new history (its replicas copy it in full). No-op on a primary.
   */
  becomePrimary(freshHistory?: boolean): void;
  /** Stops replicating, without taking over a stream. */
  unfollow(): void;
  /** The dataset no longer matches the stream (keys dropped outside it): the next sync either way is a full one. */
  forgetHistory(): void;
  /**
   * ms (node clock) when this node, before its last promotion, last received bytes from the primary it
   * followed; -Infinity when it was never promoted from a link, or a connection to that primary was
   * refused since (its process is gone: it answers no read). A promoted replica holds its first write
   * acknowledgements until the old primary's read vouch from it has run out (ack-gate.ts).
   */
  readonly oldPrimaryHeardAt: number;
  /**
   * ms (node clock) when this replica's stream last resumed after a silence longer than three heartbeats
   * (bytes held up in the network may be old); 0: never. Membership re-reads the topology before its
   * READONLY reads go on.
   */
  readonly streamGapAt: number;
}

/** What the agent needs of db 0: its size and the deletion of one slot's keys (the slot index on). */
export interface SlotKeyspace {
  readonly size: number;
  /** Deletes every key of hash slot `slot`; returns how many. */
  deleteKeysInSlot(slot: number): number;
}

/** The node as the cluster agent and its parts see it. */
export interface ClusterNodeHost {
  readonly log: ClusterLog;
  /** The node's clock: leases, grace periods, deadlines and commit spacing read it. */
  readonly clock: Clock;
  readonly config: { str(name: string): string };
  readonly repl: ReplicationRole;
  /** The node's databases; cluster mode uses db 0 only. */
  readonly dbs: ReadonlyArray<SlotKeyspace>;
}

/** What the router and the agent need of the migration engine (migrator.ts). */
export interface MigratorLike {
  update(view: ClusterView, myShard: string | null): void;
  inFlight(key: string): boolean;
  noteWrite(key: string): void;
  stop(): Promise<void>;
  readonly stats: { keysMoved: number; slotsCommitted: number };
}

/** What the agent needs of the replication-ack gate (ack-gate.ts). */
export interface GateLike {
  /** The replicas whose acknowledgement a write needs now (empty: none). */
  required(): string[];
  /** required().length > 0, without allocating. */
  hasRequired?(): boolean;
  /** True while every required replica vouched for this primary within PRIMARY_READ_VOUCH_MS (ack-gate.ts). */
  readsVouched(): boolean;
  /** Runs after every view swap. */
  onView(): void;
  /** Closes the clients whose replies wait for acknowledgements: their writes will never be acknowledged. */
  abandon(): void;
}
