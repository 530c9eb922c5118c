// What a connection (client.ts), the dispatcher (dispatcher.ts) and the idle reclaimer (reclaim.ts) need
// from their node, declared apart from node.ts so that none of them imports the Node class: node.ts
// imports them, and Node implements this interface.
import type { CommandTableView, ServerHost, Session } from '../commands/types';
import type { Frame } from '../protocol/parser';
import type { Evictor } from '../store/evict';
import type { Clock } from '../util/clock';
import type { BlockingKeys } from './blocking';
import type { Logger } from './log';
import type { ClusterPort, ReplicationPort } from './ports';
import type { ServerStats } from './stats';

export interface NodeCore extends ServerHost {
  readonly clock: Clock;
  readonly commands: CommandTableView;
  readonly stats: ServerStats;
  readonly log: Logger;
  readonly evictor: Evictor;
  readonly repl: ReplicationPort;
  readonly cluster: ClusterPort | null;
  readonly monitors: Set<Session>;
  /** Next client id (CLIENT ID). */
  nextClientId: number;
  /** proto-max-bulk-len in bytes (read for every request argument). */
  readonly protoMaxBulkLen: number;
  /** V8's heap is near its limit: writes get OOM. */
  readonly heapTight: boolean;
  /** Runs one command for c (dispatcher.ts). */
  execute(c: Session, argv: string[]): void;
  /** Runs the command c's parser holds as a Frame (the byte fast path, dispatcher.ts executeFrame). */
  executeFrame(c: Session, f: Frame): void;
  /** Runs a frame of the replication stream on its fast path (dispatcher.ts executeMasterFrame); false: run it as strings. */
  executeMasterFrame(c: Session, f: Frame): boolean;
  /** Writes c's replies at the end of this event-loop turn. */
  flushLater(c: Session): void;
  /**
   * performance.now() at the end of the last command of the batch a client is running (dispatcher.ts
   * run(): the next command's start, one clock read per command instead of two); 0 at the start of a
   * batch, -1 outside one (each command reads the clock twice).
   */
  cmdChain: number;
  /** Counts event-loop turns in which commands ran (a client's fair share is per turn). */
  readonly turn: number;
  /** Forgets a closed client. */
  forget(c: Session): void;
  /** Sends a command to every MONITOR client. */
  feedMonitors(c: Session, argv: readonly string[]): void;
  /** Clients blocked on keys (BLPOP & co). */
  readonly blocking: BlockingKeys;
}
