// What the server layer needs from the replication plug-in, declared here so that lib/server imports
// nothing above it: lib/replication implements it, lib/create-node.ts plugs it in.
import type { ReplicationHost, Session } from '../commands/types';
import type { Effects } from '../store/effects';

export interface ReplicationPort extends ReplicationHost {
  /** Writes from ordinary clients need a check (a read-only replica, min-replicas-to-write). */
  readonly gate: boolean;
  readonly primary: ReplicationHost['primary'] & {
    /** Replicas that acknowledged within maxLagS seconds (min-replicas-to-write). */
    goodReplicas(maxLagS: number): number;
  };
  /** True while this node holds a whole dataset: it synced at least once and no full sync is under way. */
  hasWholeDataset(): boolean;
  /** A command recorded effects: append them to the stream as one batch and clear the record. */
  applyEffects(fx: Effects): void;
  /** Client c closed: forget it as a replica link. */
  forget(c: Session): void;
  /** Stops timers and links (node shutdown). */
  close(): void;
}
