// What the server layer needs from the replication and cluster plug-ins, declared here so that lib/server imports
// nothing above it: lib/replication implements it, lib/create-node.ts plugs it in.
import type { ClusterHost, CommandSpec, ReplicationHost, Session } from '../commands/types';
import type { Effects } from '../store/effects';

/** What the server needs from the cluster plug-in (lib/cluster/agent.ts implements it). */
export interface ClusterPort extends ClusterHost {
  /**
   * Routing of one command (cluster/router.ts): null to run it here, else the redirect or refusal to
   * answer (MOVED, ASK, TRYAGAIN, CROSSSLOT, CLUSTERDOWN).
   */
  route(c: Session, spec: CommandSpec, argv: readonly string[], asking: boolean): string | null;
  /**
   * route()'s no-allocation case for a one-key command whose key hashes to `slot`: true when it runs
   * here with no further check (a primary owning the slot, not migrating it, not fenced); false when
   * route() must decide.
   */
  servesHere(spec: CommandSpec, slot: number): boolean;
  /** replication-ack sync: holds a write's reply until the in-sync replicas acknowledged it. */
  readonly gate: {
    hold(c: HeldReplies): void;
    /** True once the replicas acknowledged `offset`. */
    passed(offset: number): boolean;
  } | null;
}

/** A connection whose replies the gate may hold (server/client.ts Client). */
export interface HeldReplies {
  /** The replication offset its replies wait for; 0 = nothing held. */
  waitOffset: number;
  readonly closed: boolean;
  readonly out: { take(): unknown };
  flush(): void;
  close(): void;
}

export interface ReplicationPort extends ReplicationHost {
  /** Writes from ordinary clients need a check (a read-only replica, min-replicas-to-write). */
  readonly gate: boolean;
  readonly primary: ReplicationHost['primary'] & {
    /** Replicas that acknowledged within maxLagS seconds (min-replicas-to-write). */
    goodReplicas(maxLagS: number): number;
  };
  /** A command recorded effects: append them to the stream as one batch and clear the record. */
  applyEffects(fx: Effects): void;
  /** Client c closed: forget it as a replica link. */
  forget(c: Session): void;
  /** Stops timers and links (node shutdown). */
  close(): void;
}
