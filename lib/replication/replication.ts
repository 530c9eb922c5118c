// A node's replication state, Redis-style (PSYNC2 names and offsets, simplified): its role, replication
// ids and offset, the backlog, its replica links when primary (primary.ts) and its link to a primary when
// replica (replica.ts). Owned by Node as `node.repl`. The stream carries effects, not requests (stream.ts).
import * as crypto from 'crypto';
import type { Client } from '../server/client';
import type { Node } from '../server/node';
import type { ReplicationPort } from '../server/ports';
import { EFFECT_COMMAND, EFFECT_STATE, type Effects } from '../store/effects';
import type { Keyspace } from '../store/keyspace';
import { isRelayedOwner, ownerOrigin } from '../store/staging';
import { Backlog } from './backlog';
import type { ReplicaInfo, ReplicationState } from './state';

export type { ReplicaInfo };
import { Primary } from './primary';
import { ReplicaLink } from './replica';
import { delEffect, encodeCommand, expiryState, keyState, selectCommand } from './stream';

export type Role = 'master' | 'replica';


export const NO_REPLID = '0'.repeat(40);

function newReplid(): string {
  return crypto.randomBytes(20).toString('hex');
}

export class Replication implements ReplicationPort, ReplicationState {
  role: Role = 'master';
  /** master_replid: the history this node's offsets belong to. */
  replid = newReplid();
  /** master_replid2: the previous history (after a promotion), NO_REPLID when none. */
  replid2 = NO_REPLID;
  /** second_repl_offset: first offset not valid for replid2 (-1 when none), as Redis. */
  secondOffset = -1;
  /** This node's topology epoch: a primary refuses replicas that announce a newer one. */
  epoch = 0;
  /** This node's id as announced to its primary (REPLCONF node-id); the run id by default. */
  nodeId: string;
  /** Dispatcher hot-path flag: a primary with a backlog; write commands produce effects. */
  feeding = false;
  /** Dispatcher flag: writes from ordinary clients need a check (read-only replica, min-replicas-to-write). */
  gate = false;
  /** A full sync started and has not finished: the data is partial, the next link must sync fully. */
  partial = false;
  /**
   * As a primary, stream a heartbeat PING whenever nothing was streamed for this long, ms (0: only
   * repl-ping-replica-period's). Cluster mode sets it (cluster/setup.ts) so that replicas' read leases
   * are renewed in an idle shard.
   */
  heartbeatMs = 0;
  /** The link to the primary this node followed before its last promotion (for oldPrimaryHeardAt). */
  private oldLink: ReplicaLink | null = null;
  /** Bytes of stream sent to replicas / received from the primary (INFO total_net_repl_*). */
  outputBytes = 0;
  inputBytes = 0;
  /** The db the stream's last command applies to (-1: the next effect starts with SELECT). */
  private seldb = -1;
  private backlog: Backlog | null = null;
  /** Offset when there is no backlog (nothing produced since). */
  private baseOffset = 0;
  readonly primary: Primary;
  private link: ReplicaLink | null = null;
  private ackListeners: ((id: string, offset: number) => void)[] = [];

  constructor(readonly node: Node) {
    this.nodeId = node.runId;
    this.primary = new Primary(this);
    node.env.onRemoved = (db, key) => {
      if (this.feeding) this.emit(db.id, delEffect(key));
    };
    node.env.onStoreWrite = (db, argv) => {
      if (this.feeding) this.emit(db.id, encodeCommand(argv));
    };
    // Pieces staged here were relayed to the replicas as they came (RESTORE-PIECE): one dropped unfinished
    // (an error, its connection gone, a full sync, a promotion) is dropped on the replicas too.
    node.staging.onDrop = (owner, db, key) => {
      const origin = ownerOrigin(owner);
      if (origin !== null) this.propagate(['RESTORE-PIECE', key, 'DISCARD', 'ORIGIN', origin], db);
    };
    node.config.onChange((name) => {
      if (name === 'repl-backlog-size') this.backlog?.resize(node.config.num('repl-backlog-size'));
      if (name.startsWith('min-replicas')) this.updateFlags();
    });
    this.updateFlags();
  }

  /** master_repl_offset: bytes of stream produced (primary) or applied (replica). */
  get offset(): number {
    return this.backlog !== null ? this.backlog.offset : this.baseOffset;
  }

  /** The backlog, null until a replica first attached (or this node first synced as a replica). */
  get history(): Backlog | null {
    return this.backlog;
  }

  /** True while this node holds a whole dataset: it synced at least once and no full sync is under way. */
  hasWholeDataset(): boolean {
    return !this.partial && this.backlog !== null;
  }

  /**
   * ms (node clock) when this replica last received bytes from its primary over a synced link (streaming,
   * not mid-handshake or full sync); -Infinity when it has no such link (not a replica, disconnected,
   * reconnecting). The cluster router grants READONLY reads a lease from it (cluster/router.ts).
   */
  primaryHeardAt(): number {
    const l = this.link;
    if (this.role !== 'replica' || l === null || l.state !== 'connected') return -Infinity;
    return l.lastIoMs;
  }

  /** ms (node clock) when this replica's stream last resumed after a silence (replica.ts); 0: never. */
  get streamGapAt(): number {
    return this.link?.streamGapAt ?? 0;
  }

  /**
   * ms (node clock) when, before its last promotion, this node last heard the primary it followed;
   * -Infinity: never, or that primary was proven gone (a connection to it refused since).
   */
  get oldPrimaryHeardAt(): number {
    const l = this.oldLink;
    return l === null || l.refusedSinceIo ? -Infinity : l.lastIoMs;
  }

  /** Creates the backlog when absent (a replica attaches; a replica syncs). */
  ensureBacklog(): Backlog {
    if (this.backlog === null) {
      this.backlog = new Backlog(this.node.config.num('repl-backlog-size'), this.baseOffset);
      this.updateFlags();
    }
    return this.backlog;
  }

  /** Replaces history: the next byte is `offset` + 1 (a replica's full resync). */
  resetHistory(offset: number): void {
    this.ensureBacklog().reset(offset);
  }

  /** Recomputes the dispatcher flags from the role, the backlog and min-replicas-to-write. */
  updateFlags(): void {
    this.feeding = this.role === 'master' && this.backlog !== null;
    this.node.env.effects.on = this.feeding;
    const c = this.node.config;
    this.gate = this.role === 'replica' || (c.num('min-replicas-to-write') > 0 && c.num('min-replicas-max-lag') > 0);
    this.node.env.replica = this.role === 'replica';
  }

  // ---- producing the stream (primary) ----

  /** Appends bytes of stream that apply to database `db` (-1: any), with a SELECT first when needed. */
  private emit(db: number, cmd: string): void {
    const b = this.backlog as Backlog;
    if (db >= 0 && db !== this.seldb) {
      const sel = selectCommand(db);
      b.append(sel);
      this.primary.queue(sel);
      this.seldb = db;
    }
    b.append(cmd);
    this.primary.queue(cmd);
  }

  /** Sends the current state of each key of db (SET ... [PXAT] or DEL). No-op without a backlog. */
  propagateKeys(db: Keyspace, keys: readonly string[]): void {
    if (!this.feeding) return;
    for (let i = 0; i < keys.length; i++) this.emit(db.id, keyState(db, keys[i]));
  }

  /** Sends a command as is (FLUSHALL, SWAPDB, ...), after a SELECT of `db` when db >= 0. */
  propagate(argv: readonly string[], db = -1): void {
    if (!this.feeding) return;
    this.emit(db, encodeCommand(argv));
  }

  /** Appends a heartbeat PING (counted in offsets). */
  ping(): void {
    if (this.feeding) this.emit(-1, encodeCommand(['PING']));
  }

  /** The next effect starts with a SELECT (a replica attached: it may be in any db). */
  forceSelect(): void {
    this.seldb = -1;
  }

  /**
   * The dispatcher's hook after a command recorded effects (store/effects.ts): appends them to the stream
   * in order, resolving key states against the databases now, and clears the record. The effects of one
   * command are appended together (no heartbeat or other command between them).
   */
  applyEffects(fx: Effects): void {
    const dbs = this.node.dbs;
    for (let i = 0; i < fx.kinds.length; i++) {
      const db = fx.dbs[i];
      const kind = fx.kinds[i];
      const item = fx.items[i];
      if (kind === EFFECT_COMMAND) this.emit(db, encodeCommand(item as readonly string[]));
      else if (kind === EFFECT_STATE) this.emit(db, keyState(dbs[db], item as string));
      else this.emit(db, expiryState(dbs[db], item as string));
    }
    fx.clear();
  }

  // ---- the primary's view of its replicas ----

  /** Replica links, attached or syncing. */
  replicas(): ReplicaInfo[] {
    return this.primary.infos();
  }

  /** The offset replica `id` acknowledged over its current link; 0 when it has none (cluster/ack-gate.ts). */
  ackOffsetOf(id: string): number {
    return this.primary.ackOffsetOf(id);
  }

  /** Calls cb(id, offset) on every REPLCONF ACK from a replica. */
  onAck(cb: (id: string, offset: number) => void): void {
    this.ackListeners.push(cb);
  }

  /** Called by the primary side on each ACK. */
  acked(id: string, offset: number): void {
    for (const cb of this.ackListeners) cb(id, offset);
  }

  // ---- role changes ----

  /**
   * Becomes (or stays) a replica of host:port for topology epoch `epoch`: drops this node's own replicas
   * and any link to another primary, enters replica mode (read-only, no expiry, no eviction) and
   * connects (handshake, PSYNC with its replid/offset, reconnect with backoff). Same primary and epoch:
   * nothing changes.
   */
  follow(host: string, port: number, epoch: number): void {
    const l = this.link;
    if (l !== null && l.host === host && l.port === port && l.epoch === epoch) return;
    l?.stop();
    if (this.role === 'master') this.primary.dropAll();
    this.role = 'replica';
    this.updateFlags();
    this.link = new ReplicaLink(this, host, port, epoch);
    this.link.start();
  }

  /** Drops the link to the primary; the node stays a replica with no primary until follow/becomePrimary. */
  unfollow(): void {
    this.link?.stop();
    this.link = null;
  }

  /**
   * Promotion (Redis's shiftReplicationId): replid2 = replid, second_repl_offset = offset + 1, a new
   * replid; offset and backlog are kept, so replicas of the old primary continue with PSYNC. Stops the
   * link to the old primary, if any (a replica whose link was dropped is promoted the same way). With
   * `freshHistory` (made primary of another shard than the one it replicated: its data is not that
   * stream's any more) the old replid is not kept as replid2, so every replica copies this node's
   * dataset in full instead of continuing a stream this node no longer matches. A primary stays
   * primary (no-op).
   */
  becomePrimary(freshHistory = false): void {
    if (this.role === 'master') return;
    // A promoted replica holds its first write acknowledgements until its old primary's reads have ended
    // (cluster/ack-gate.ts PROMOTION_HOLD_MS): not needed once the old primary is proven gone, which a
    // connection attempt made now may still prove (a refusal arriving later ends the hold then).
    const l = this.link;
    this.oldLink = l;
    this.unfollow();
    if (l !== null && !l.refusedSinceIo) l.probe();
    if (freshHistory) {
      this.replid2 = NO_REPLID;
      this.secondOffset = -1;
    } else {
      this.replid2 = this.replid;
      this.secondOffset = this.offset + 1;
    }
    this.replid = newReplid();
    this.role = 'master';
    this.seldb = -1;
    this.ensureBacklog();
    this.updateFlags();
    // Pieces the old primary relayed will never be finished (their sender starts again here from the
    // first piece); the replicas continuing with this node drop theirs too.
    this.node.staging.dropAll(isRelayedOwner);
  }

  /**
   * This node's dataset stopped matching its replication stream: keys were dropped outside the stream (it
   * left its shard, cluster/view-keeper.ts dropLostSlots). A new replid with no second history, offset 0
   * and no backlog, attached replicas dropped: every later sync with this node, either way, is a full one,
   * and a failover ranks it below any replica that still holds data. A replica kept its offset here and
   * later continued a stream with PSYNC over a dataset emptied in between; promoted, it lost the shard's
   * data (issue 10, a whole shard cut from etcd).
   */
  forgetHistory(): void {
    if (this.role === 'master') this.primary.dropAll();
    this.replid = newReplid();
    this.replid2 = NO_REPLID;
    this.secondOffset = -1;
    this.backlog = null;
    this.baseOffset = 0;
    this.updateFlags();
  }

  /** Full resync from a primary: its replid, no second history, `offset`. */
  adoptHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = NO_REPLID;
    this.secondOffset = -1;
    this.resetHistory(offset);
  }

  /** +CONTINUE with another replid: the primary was promoted; keep the old id as replid2. */
  switchReplid(replid: string): void {
    if (replid === this.replid) return;
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = replid;
  }

  /** Bytes of stream applied by a replica (as received): kept in its own backlog with the same offsets. */
  appendApplied(bytes: Buffer): void {
    this.ensureBacklog().appendBytes(bytes);
  }

  /** The link to a primary (replica role), null when none. */
  get masterLink(): ReplicaLink | null {
    return this.link;
  }

  /** master_link_status up: the replica is synced and its link connected. */
  get masterLinkUp(): boolean {
    return this.link !== null && this.link.state === 'connected';
  }

  /** ms (node clock) of the last bytes from the primary; 0 when none. */
  get lastIoMs(): number {
    return this.link?.lastIoMs ?? 0;
  }

  /** Client c closed: forget it as a replica link. */
  forget(c: Client): void {
    this.primary.forget(c);
  }

  /** Stops timers and links (node shutdown). */
  close(): void {
    this.unfollow();
    this.primary.dropAll();
  }
}
