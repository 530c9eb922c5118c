// replication-ack sync, on a shard's primary: a client's replies leave only once every replica of the
// shard's in-sync set (in the topology, in etcd) has applied the client's writes. The in-sync set changes
// only by topology transactions: a replica that has not acknowledged a held write for LAG_MS is removed by
// a transaction BEFORE any write is acknowledged without it, and a replica that has caught up is added by a
// transaction, its acknowledgements being required from the moment that transaction is sent. So every
// acknowledged write is on every replica the coordinator may promote.
import type { Clock } from '../util/clock';
import type { ClusterLog } from './host';
import type { ClusterView } from './view';

/** A held write waits this long for an in-sync replica before that replica is taken out of the set, ms. */
export const LAG_MS = 500;
/**
 * A replica answers READONLY reads only until this long after it last heard from its primary's stream
 * (router.ts), ms on its own clock. Shorter than LAG_MS: by the time the primary may acknowledge a write
 * without this replica (it waited LAG_MS for its ack, then took it out of the in-sync set), the replica
 * has stopped answering reads, even if it never learns that it left the set (cut from etcd). The 100 ms
 * between them cover the stream's transit time.
 */
export const REPLICA_READ_LEASE_MS = 400;
/** A primary streams something (a PING when idle) to its replicas at least this often in cluster mode, ms. */
export const STREAM_HEARTBEAT_MS = 100;
/**
 * A primary with in-sync replicas answers reads only while each of them vouched for it within this long,
 * ms on the primary's clock: acknowledged stream bytes that the primary produced no earlier than that
 * moment (so the replica was still following it then). A promoted replica holds its first write
 * acknowledgements until PROMOTION_HOLD_MS after it last heard its old primary: by then the old primary,
 * whatever its view or its etcd lease says, has stopped answering reads (membership.ts readsFenced).
 */
export const PRIMARY_READ_VOUCH_MS = 400;
/** See PRIMARY_READ_VOUCH_MS: the vouch plus 100 ms for the stream's transit and the clocks' rates, ms. */
export const PROMOTION_HOLD_MS = PRIMARY_READ_VOUCH_MS + 100;
/** Stream positions kept to date acknowledgements: 2 s of TICK_MS samples. */
const MAX_SAMPLES = 40;
/** How often the gate looks for laggards and caught-up replicas, ms. */
const TICK_MS = 50;
const NONE: readonly string[] = [];

/** What the gate needs of the replication layer (lib/replication). */
export interface AckSource {
  /** The primary's replication offset: bytes of effects produced so far. */
  readonly offset: number;
  /** The connected replicas, by node id, with the offset each has acknowledged. */
  replicas(): ReadonlyArray<{ id: string; ackOffset: number; online: boolean }>;
  /**
   * The offset the replica `id` has acknowledged over its current link (the last one attached, as in
   * replicas()); 0 when it has no link. Without allocating: read for every held reply.
   */
  ackOffsetOf(id: string): number;
}

/** What the gate needs of the cluster agent (agent.ts ClusterAgent has these). */
export interface GateAgent {
  readonly isPrimary: boolean;
  readonly myShard: string | null;
  readonly view: ClusterView;
  /** The node's log, and its clock (LAG_MS is measured on it); oldPrimaryHeardAt as host.ts ReplicationRole's. */
  readonly node: { readonly log: ClusterLog; readonly clock: Clock; readonly repl: { readonly oldPrimaryHeardAt: number } };
  /** True while this primary must refuse writes (agent.ts writesFenced). */
  writesFenced(): boolean;
  /**
   * Replaces the in-sync set of `shard` by fn(current set) in one topology transaction. Resolves true when
   * committed, false when the shard is gone or this node no longer its primary; rejects on etcd errors.
   */
  changeInSync(shard: string, fn: (ids: readonly string[]) => readonly string[]): Promise<boolean>;
}

/** A client whose replies the gate holds (server/client.ts Client has these). */
export interface HeldClient {
  /** The replication offset its replies wait for; 0 = nothing held. */
  waitOffset: number;
  readonly closed: boolean;
  readonly out: { take(): unknown };
  /** Writes its pending replies. */
  flush(): void;
  close(): void;
}

export class AckGate {
  private readonly waiting = new Set<HeldClient>();
  /** Replicas being added to the in-sync set: required from the moment the transaction is sent. */
  private readonly adding = new Set<string>();
  /** Replicas being removed: still required until the transaction has committed. */
  private removing = false;
  private timer: NodeJS.Timeout | null = null;
  private oldestHeldAt = 0;
  /** (stream offset, primary clock ms) once per tick: an acknowledgement beyond `offset` was sent after `at`. */
  private samples: Array<{ offset: number; at: number }> = [];
  /** Per replica: the latest moment (primary clock) it is known to have still been following this primary. */
  private vouchedAt = new Map<string, number>();
  /** replication-ack: 'sync' holds replies, 'async' does not (kept current by the node). */
  sync = true;
  /** Passes of release() that let replies go, and the clients whose replies they let go (specs count batching). */
  releases = 0;
  released = 0;

  constructor(
    private readonly agent: GateAgent,
    private readonly source: AckSource,
  ) {}

  /** The replicas whose acknowledgement a write needs now (none unless primary in sync mode). */
  required(): string[] {
    const a = this.agent;
    if (!this.sync || !a.isPrimary || a.myShard === null) return [];
    const shard = a.view.shard(a.myShard);
    const ids = new Set(shard?.inSync ?? []);
    for (const id of this.adding) ids.add(id);
    return [...ids];
  }

  /**
   * A replica acknowledged `offset`: it vouches for this primary from the latest sampled moment whose
   * stream position it has passed (those bytes were produced, so received and acknowledged, after it).
   */
  acked(id: string, offset: number): void {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i];
      if (s.offset < offset) {
        if (s.at > (this.vouchedAt.get(id) ?? -Infinity)) this.vouchedAt.set(id, s.at);
        return;
      }
    }
  }

  /** required().length > 0, without allocating (on every write, and every read of a primary whose vouches lapsed). */
  hasRequired(): boolean {
    const a = this.agent;
    if (!this.sync || !a.isPrimary || a.myShard === null) return false;
    return (a.view.shard(a.myShard)?.inSync.length ?? 0) > 0 || this.adding.size > 0;
  }

  /**
   * True while every required replica (none: false) vouched for this primary within PRIMARY_READ_VOUCH_MS.
   * Then none of them can have been promoted and acknowledged a write: a promoted replica holds its
   * acknowledgements PROMOTION_HOLD_MS after it last heard this primary, and the coordinator promotes only
   * an in-sync replica, which is required here until its removal from the set has committed.
   */
  readsVouched(): boolean {
    // On every read of a primary: no allocation (required() builds a set).
    const a = this.agent;
    if (!this.sync || !a.isPrimary || a.myShard === null) return false;
    const inSync = a.view.shard(a.myShard)?.inSync ?? [];
    if (inSync.length === 0 && this.adding.size === 0) return false;
    const since = a.node.clock.now() - PRIMARY_READ_VOUCH_MS;
    for (let i = 0; i < inSync.length; i++) if ((this.vouchedAt.get(inSync[i]) ?? -Infinity) <= since) return false;
    for (const id of this.adding) if ((this.vouchedAt.get(id) ?? -Infinity) <= since) return false;
    return true;
  }

  /**
   * True while this node, promoted in sync mode, must not acknowledge writes yet: its old primary may
   * still answer reads on the vouch this node gave it (PROMOTION_HOLD_MS after it last heard it).
   */
  private promotionHold(): boolean {
    const a = this.agent;
    return this.sync && a.isPrimary && a.node.clock.now() < a.node.repl.oldPrimaryHeardAt + PROMOTION_HOLD_MS;
  }

  /**
   * The least offset acknowledged by every required replica. None required: Infinity, or 0 while this
   * primary is fenced (its lease may be ending and no in-sync replica guards it: a write held while the
   * set was emptied must not be acknowledged, its shard may be removed or taken over meanwhile).
   */
  ackedOffset(): number {
    // Read for every held reply and on every ack: the same answer as from required(), without allocating.
    if (this.promotionHold()) return 0;
    const a = this.agent;
    const inSync = this.sync && a.isPrimary && a.myShard !== null ? (a.view.shard(a.myShard)?.inSync ?? NONE) : NONE;
    const adding = this.sync && a.isPrimary && a.myShard !== null ? this.adding.size : 0;
    if (inSync.length === 0 && adding === 0) return a.writesFenced() ? 0 : Infinity;
    const src = this.source;
    let min = Infinity;
    for (let i = 0; i < inSync.length; i++) min = Math.min(min, src.ackOffsetOf(inSync[i]));
    if (adding > 0) for (const id of this.adding) min = Math.min(min, src.ackOffsetOf(id));
    return min;
  }

  /** True when replies that follow a write at `offset` may leave. */
  passed(offset: number): boolean {
    return offset <= this.ackedOffset();
  }

  /** After a write by c: its replies wait for the current offset (no-op when nothing is required). */
  hold(c: HeldClient): void {
    if (!this.hasRequired() && !this.promotionHold()) return;
    c.waitOffset = this.source.offset;
    if (this.waiting.size === 0) this.oldestHeldAt = this.agent.node.clock.now();
    this.waiting.add(c);
    this.arm();
  }

  /**
   * Writes the replies of every client whose writes are now acknowledged (acks, view changes): one pass
   * over the held clients, the acknowledged offset computed once.
   */
  release(): void {
    if (this.waiting.size === 0) return;
    const acked = this.ackedOffset();
    let oldest = Infinity;
    const before = this.released;
    for (const c of this.waiting) {
      if (c.closed) this.waiting.delete(c);
      else if (c.waitOffset <= acked) {
        this.waiting.delete(c);
        c.waitOffset = 0;
        this.released++;
        c.flush();
      } else oldest = Math.min(oldest, c.waitOffset);
    }
    if (this.released !== before) this.releases++;
    if (this.waiting.size === 0) this.oldestHeldAt = 0;
    else if (oldest === Infinity) this.oldestHeldAt = 0;
  }

  /**
   * This node stopped being a primary (demoted, removed): its held replies must never say OK. Closes
   * those clients (they see a dropped connection, so nothing was acknowledged).
   */
  abandon(): void {
    for (const c of this.waiting) {
      c.waitOffset = 0;
      c.out.take();
      c.close();
    }
    this.waiting.clear();
    this.adding.clear();
  }

  /** After every view swap: runs while this node is a primary; abandons held replies when it stops being one. */
  onView(): void {
    if (this.agent.isPrimary) {
      this.arm();
      this.release();
    } else {
      this.stop();
      if (this.waiting.size > 0) this.abandon();
      this.adding.clear();
      this.samples = []; // a later tenure as primary dates its replicas' acknowledgements afresh
      this.vouchedAt.clear();
    }
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes `laggards` out of the in-sync set by a transaction; they stay required until it committed. */
  private removeLaggards(laggards: readonly string[], why: string): void {
    const a = this.agent;
    const sid = a.myShard as string;
    this.removing = true;
    for (const id of laggards) this.adding.delete(id);
    a.node.log.warning(`Replica(s) ${laggards.join(', ')} ${why} within ${LAG_MS} ms: taking them out of the in-sync set`);
    void a
      .changeInSync(sid, (ids) => ids.filter((id) => !laggards.includes(id)))
      .catch((e: Error) => a.node.log.warning(`Could not update the in-sync set: ${e.message}`))
      .finally(() => {
        this.removing = false;
        this.oldestHeldAt = a.node.clock.now(); // the next removal waits LAG_MS again
        this.release();
      });
  }

  /**
   * Samples the stream position (for vouches), removes laggards from, and adds caught-up replicas to, the
   * in-sync set (one transaction at a time). A laggard: a required replica that has not acknowledged a held
   * write for LAG_MS, or (even with no write held) stream bytes produced LAG_MS ago, so that a frozen
   * replica does not keep this primary's reads fenced (readsVouched) for long.
   */
  private tick(): void {
    this.release();
    const a = this.agent;
    const now = a.node.clock.now();
    this.samples.push({ offset: this.source.offset, at: now });
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    if (!a.isPrimary || a.myShard === null || !this.sync || this.removing) return;
    const shard = a.view.shard(a.myShard);
    if (shard === undefined) return;
    const links = new Map(this.source.replicas().map((r) => [r.id, r] as const));
    // Stream bytes produced LAG_MS ago (heartbeats make some every STREAM_HEARTBEAT_MS) that a required
    // replica has still not acknowledged. Measured against what was produced, not against the time of the
    // last ack: after this primary itself was frozen, its replicas are not to blame.
    let due = -1;
    for (const smp of this.samples) if (smp.at <= now - LAG_MS) due = smp.offset;
    if (due > 0) {
      const silent = this.required().filter((id) => (links.get(id)?.ackOffset ?? 0) < due);
      if (silent.length > 0) {
        this.removeLaggards(silent, 'did not acknowledge the stream');
        return;
      }
    }
    for (const id of this.adding) if (shard.inSync.includes(id) || !shard.replicas.includes(id)) this.adding.delete(id);
    if (this.waiting.size > 0 && a.node.clock.now() - this.oldestHeldAt > LAG_MS) {
      let need = Infinity;
      for (const c of this.waiting) need = Math.min(need, c.waitOffset);
      const laggards = this.required().filter((id) => (links.get(id)?.ackOffset ?? 0) < need);
      if (laggards.length > 0) {
        this.removeLaggards(laggards, 'did not acknowledge a held write');
        return;
      }
    }
    for (const id of shard.replicas) {
      if (shard.inSync.includes(id) || this.adding.has(id)) continue;
      const l = links.get(id);
      if (l === undefined || !l.online || l.ackOffset < this.source.offset) continue;
      this.adding.add(id); // required from now on
      a.node.log.notice(`Replica ${id} caught up: adding it to the in-sync set`);
      // Stays in `adding` until the view shows it in the set (then the view requires it): never a gap.
      void a.changeInSync(a.myShard, (ids) => (ids.includes(id) ? ids : [...ids, id])).then(
        (ok) => {
          if (!ok) this.adding.delete(id);
        },
        (e: Error) => {
          this.adding.delete(id);
          a.node.log.warning(`Could not add ${id} to the in-sync set: ${e.message}`);
        },
      );
    }
  }
}
