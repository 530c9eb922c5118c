// What the primary side (primary.ts) and the replica side (replica.ts) read and call of their node's
// replication state (replication.ts implements it), declared apart so neither side imports the class
// that owns them.
import type { NodeCore } from '../server/host';
import type { Backlog } from './backlog';

/** A replica as its primary sees it (INFO slaveN, ROLE, the lead's in-sync bookkeeping). */
export interface ReplicaInfo {
  /** The node id it announced (REPLCONF node-id), '' when none. */
  id: string;
  ip: string;
  /** Its listening port (REPLCONF listening-port). */
  port: number;
  /** Last offset it acknowledged (REPLCONF ACK). */
  ackOffset: number;
  /** When it last acknowledged, ms (node clock). */
  lastAckMs: number;
  /** True once its snapshot was applied and acknowledged (or it continued with PSYNC). */
  online: boolean;
}

export interface ReplicationState {
  readonly node: NodeCore & { readonly port: number };
  /** master_replid, master_replid2 and second_repl_offset, as Redis. */
  readonly replid: string;
  readonly replid2: string;
  readonly secondOffset: number;
  /** This node's topology epoch. */
  readonly epoch: number;
  /** This node's id as announced to its primary. */
  readonly nodeId: string;
  /** master_repl_offset. */
  readonly offset: number;
  /** The backlog, null until a replica first attached (or this node first synced). */
  readonly history: Backlog | null;
  /** A full sync started and has not finished. */
  partial: boolean;
  /** As a primary, stream a heartbeat PING whenever nothing was streamed for this long, ms (0: off). */
  readonly heartbeatMs: number;
  outputBytes: number;
  inputBytes: number;
  ensureBacklog(): Backlog;
  /** Appends a heartbeat PING (counted in offsets). */
  ping(): void;
  /** The next effect starts with a SELECT. */
  forceSelect(): void;
  /** A replica acknowledged `offset`. */
  acked(id: string, offset: number): void;
  /** Full resync from a primary: its replid, no second history, `offset`. */
  adoptHistory(replid: string, offset: number): void;
  /** +CONTINUE with another replid. */
  switchReplid(replid: string): void;
  /** Bytes of stream applied by a replica, as received. */
  appendApplied(bytes: Buffer): void;
}
