// Membership and fencing: this node's registration in etcd on a lease (its liveness), kept until stop()
// and renewed or made again whenever it is lost; the fences that stop a primary's writes and reads when
// its slots may belong to another node; the 'leaving' state and the hand-off on SHUTDOWN; and the withdrawal of a restarted
// process that the topology still names a primary.
import type { Clock } from '../util/clock';
import { registerNode, type NodeRegistration } from './etcd';
import { RETRY_MS, sleep, type EtcdSession } from './etcd-session';
import type { ClusterLog, GateLike } from './host';
import { OutageQuorum, type QuorumMember } from './outage-quorum';
import { registrationValue } from './registration';
import { parseTopology, type NodeAddr } from './topology';
import type { ClusterView } from './view';

/** Fencing stops writes this long before the earliest moment etcd could let this node's lease end, ms. */
const FENCE_MARGIN_MS = 500;
/** How often membership checks whether its lease is troubled (and starts the outage poll), ms. */
const TROUBLE_CHECK_MS = 100;

/** What membership reads of the view keeper (view-keeper.ts ViewKeeper has these). */
export interface MembershipViews {
  readonly view: ClusterView;
  readonly isPrimary: boolean;
  readonly myShard: string | null;
  /** The registered nodes, by id. */
  readonly live: ReadonlyMap<string, unknown>;
  scheduleRebuild(): void;
  /** Resolves after the next view swap or after timeoutMs. */
  nextView(timeoutMs: number): Promise<void>;
}

/** What membership needs of the agent it serves. */
export interface MembershipHost {
  readonly myId: string;
  readonly node: {
    readonly log: ClusterLog;
    readonly clock: Clock;
    readonly config?: { str(name: string): string };
    /** streamGapAt: when this replica's stream resumed after a silence (replication.ts); 0: never. */
    readonly repl?: { readonly streamGapAt: number };
  };
  readonly session: EtcdSession;
  readonly views: MembershipViews;
  /** The address to register (read at each registration: the node sets its port once it listens). */
  announce(): NodeAddr;
  gate(): GateLike | null;
  /** The coordinator, if this node is it, plans now. */
  poke(): void;
  /** Takes a topology value read from etcd at mod revision `rev` (view-keeper.ts adoptTopology). */
  adopt?(text: string, rev: bigint): void;
}

export class Membership {
  /** True while a restarted process waits for an in-sync replica to replace it as primary (yieldStalePrimaryRole). */
  unavailable = false;
  /** Set while SHUTDOWN/SIGTERM hands this node's slots off (registered as state 'leaving'). */
  leaving = false;
  private reg: NodeRegistration | null = null;
  private registeredOnce = false;
  /** writesFenced's and readsFenced's last answers (their changes are logged). */
  private fenced = false;
  private readsWereFenced = false;
  /** Whether a majority agrees etcd is down for everyone (outage-quorum.ts). */
  readonly quorum: OutageQuorum;
  private troubleTimer: NodeJS.Timeout | null = null;
  /**
   * When (node clock) the lease was last seen in doubt (leaseMayEnd), and when the last topology read that
   * succeeded started. While doubtAt >= viewReadAt the view is stale: a node cut from etcd may have been
   * deposed meanwhile, and its watch may deliver that after its registration is back. Until a topology
   * read made after the doubt, it serves nothing (a primary unless an outage is agreed), as if its lease
   * were still in doubt. A replica's view is also stale after its primary's stream resumed from a silence
   * (streamGapAt): bytes held up in the network renew its read lease while its primary may have dropped
   * it from the in-sync set meanwhile.
   */
  private doubtAt = 0;
  /** When the lease was last renewed, as far as this node saw (leaseAgeMs), ms on the node clock. */
  private renewedAt = 0;
  private viewReadAt = 1;
  private refreshing = false;

  constructor(
    private readonly host: MembershipHost,
    ask?: (m: QuorumMember) => Promise<number | null>,
  ) {
    this.quorum = new OutageQuorum(
      {
        myId: host.myId,
        clock: host.node.clock,
        log: host.node.log,
        members: () => {
          const view = host.views.view;
          const out: QuorumMember[] = [];
          for (const id of view.nodeIds) {
            const a = view.addrOf(id);
            if (a !== undefined) out.push({ id, ip: a.ip, port: a.port });
          }
          return out;
        },
        troubled: () => this.leaseTroubled(),
        running: () => !host.session.stopped,
        leaseAgeMs: () => this.leaseAgeMs(),
        renewMs: (host.session.ttl * 1000) / 3,
        ask,
      },
      () => host.node.config?.str('requirepass') ?? '',
    );
  }

  /** True while this node holds a registration (its lease is being renewed). */
  get registered(): boolean {
    return this.reg !== null;
  }

  /**
   * Fencing: true when this primary must refuse writes because its lease may end before it can renew it
   * (FENCE_MARGIN_MS before the earliest expiry etcd could apply, or no registration at all) and a
   * majority of the topology's nodes does not agree that etcd
   * is down for them too (outage-quorum.ts). A node cut off from etcd alone, or with a minority, thus stops
   * acknowledging before anyone can take its slots, even when its in-sync replicas (cut off with it) would
   * still acknowledge; an etcd outage seen by most of the cluster keeps the data plane writing. Before the
   * lease is in doubt, a planned or heartbeat failover is fenced by the in-sync replicas' acknowledgements
   * (a promoted replica stops acknowledging the old primary: ack-gate.ts), not here.
   */
  writesFenced(): boolean {
    const v = this.host.views;
    if (!v.isPrimary || v.myShard === null) return false;
    const fenced = this.inDoubt() && !this.quorum.agreed();
    if (fenced !== this.fenced) {
      this.fenced = fenced;
      if (fenced) this.host.node.log.warning('Lease not renewed in time and no majority sees etcd down: refusing writes until it is (fencing)');
      else this.host.node.log.notice('Lease renewed (or etcd down for a majority): accepting writes again');
    }
    return fenced;
  }

  /**
   * Read fencing (issue 10): true when this node must refuse reads (a primary: CLUSTERDOWN; a replica's
   * READONLY reads: MOVED to its primary) because its slots may already belong to another node, which may
   * have acknowledged writes this one never saw:
   * - its lease may end (as for writes) and no majority agrees that etcd is down for everyone
   *   (outage-quorum.ts): cut off alone or with a minority (a whole shard cut together included), it
   *   stops before the coordinator can promote a replica or hand its slots on;
   * - a primary whose in-sync replicas are required (replication-ack sync): also unless every one of them
   *   acknowledged this primary's stream within PRIMARY_READ_VOUCH_MS (ack-gate.ts readsVouched). A
   *   successor is always one of them (the coordinator and CLUSTER FAILOVER promote only an in-sync
   *   replica, and one leaves this primary's required set only once its removal committed), and a promoted
   *   replica acknowledges no write until PROMOTION_HOLD_MS after it last heard this primary, by when its
   *   vouch here has run out. This covers the failovers that do not wait for the lease (CLUSTER FAILOVER,
   *   a silent primary replaced on heartbeat suspicion).
   * A primary of a shard without replicas is fenced too: under cluster-lost-slots reassign its slots go to
   * the others once its lease ended, and under keep an operator may give them away (CLUSTER FORGET).
   */
  readsFenced(): boolean {
    const v = this.host.views;
    if (v.myShard === null) return false;
    let fenced: boolean;
    // A replica's reads are fenced whenever its lease or view is in doubt, agreed outage or not: its
    // primary may have been replaced by a node that still reaches etcd, while the stream of the old one
    // (alive, agreeing) keeps renewing its read lease. Its READONLY reads then go to its primary (MOVED).
    if (!v.isPrimary) fenced = this.inDoubt() || this.replicaStreamGap();
    else if (this.inDoubt() && !this.quorum.agreed()) fenced = true;
    else {
      const gate = this.host.gate();
      fenced = gate !== null && !gate.readsVouched() && (gate.hasRequired?.() ?? gate.required().length > 0);
    }
    if (fenced !== this.readsWereFenced) {
      this.readsWereFenced = fenced;
      if (fenced) this.host.node.log.warning(v.isPrimary ? 'Neither a lease renewed in time nor every in-sync replica following: refusing reads (fencing)' : 'Lease or view in doubt: refusing READONLY reads until the topology is read again (fencing)');
      else this.host.node.log.notice('Serving reads again');
    }
    return fenced;
  }

  /**
   * INFO cluster_etcd_reachable: 1 while the lease is renewed in time, 0 while it is troubled (after this
   * node registered once: etcd is unreachable for it), -1 when it does not know (never registered yet,
   * stopping, or waiting to be replaced after a restart).
   */
  etcdReachable(): 1 | 0 | -1 {
    if (!this.registeredOnce || this.host.session.stopped || this.unavailable) return -1;
    return this.leaseTroubled() ? 0 : 1;
  }

  /**
   * INFO cluster_etcd_lease_age_ms: ms since this node's lease was last renewed (the send time of the last
   * keepalive etcd confirmed), also after the registration was lost; -1 when it does not know (as
   * etcdReachable). Other nodes' outage polls compare it with their own (outage-quorum.ts).
   */
  leaseAgeMs(): number {
    if (this.etcdReachable() === -1) return -1;
    const reg = this.reg;
    const until = reg === null ? 0 : reg.validUntil();
    if (until > 0) this.renewedAt = Math.max(this.renewedAt, until - this.host.session.ttl * 1000);
    return Math.max(0, Math.round(this.host.node.clock.now() - this.renewedAt));
  }

  /** Stops the outage poll and the trouble check (the agent stopped). */
  close(): void {
    if (this.troubleTimer !== null) clearInterval(this.troubleTimer);
    this.troubleTimer = null;
    this.quorum.close();
  }

  /**
   * True when this node's registration lease was not renewed for half its TTL (or it holds none): etcd may
   * be unreachable for it. INFO cluster says cluster_etcd_reachable:0 then (the other nodes' outage polls
   * read it), and this node starts its own poll.
   */
  leaseTroubled(): boolean {
    const reg = this.reg;
    return reg === null || this.host.node.clock.now() > reg.validUntil() - (this.host.session.ttl * 1000) / 2;
  }

  /** Checks every TROUBLE_CHECK_MS whether the lease is troubled, and starts the outage poll if so (until stop). */
  private watchTrouble(): void {
    if (this.troubleTimer !== null) return;
    this.troubleTimer = setInterval(() => {
      if (this.host.session.stopped) {
        clearInterval(this.troubleTimer!);
        this.quorum.close();
        return;
      }
      this.leaseAgeMs(); // notes the last renewal while the registration still holds it
      if (this.leaseTroubled() && this.host.views.myShard !== null) this.quorum.wake();
      if (this.leaseMayEnd()) this.doubtAt = this.host.node.clock.now();
      else if ((this.doubtAt >= this.viewReadAt || this.replicaStreamGap()) && !this.refreshing && this.host.adopt !== undefined) void this.refreshView();
    }, TROUBLE_CHECK_MS);
    this.troubleTimer.unref();
  }

  /** The lease may end before it is renewed, or the view has not been read again since it was in doubt. */
  private inDoubt(): boolean {
    if (this.leaseMayEnd()) {
      this.doubtAt = this.host.node.clock.now();
      return true;
    }
    return this.doubtAt >= this.viewReadAt && this.host.adopt !== undefined;
  }

  /** True while this node's replication stream resumed after a silence and no topology read started since. */
  private replicaStreamGap(): boolean {
    const gap = this.host.node.repl?.streamGapAt ?? 0;
    return gap >= this.viewReadAt && this.host.adopt !== undefined;
  }

  /** True when this node's lease may end before it renews it (FENCE_MARGIN_MS before etcd could end it), or it holds none. */
  private leaseMayEnd(): boolean {
    const reg = this.reg;
    return reg === null || this.host.node.clock.now() > reg.validUntil() - FENCE_MARGIN_MS;
  }

  /**
   * Reads the topology (linearizable) and adopts it; once the view is rebuilt, viewReadAt = when the read
   * started (a doubt or stream gap after that start still counts). Never rejects.
   */
  private async refreshView(): Promise<void> {
    const { session, node } = this.host;
    this.refreshing = true;
    try {
      const started = node.clock.now();
      const kv = (await session.etcd.get(session.topologyKey).exec()).kvs[0];
      if (kv !== undefined) this.host.adopt?.(kv.value.toString('utf8'), BigInt(kv.mod_revision));
      await new Promise<void>((r) => setImmediate(r)); // the view is rebuilt later in the turn
      // Strictly after any doubt seen before the read started (same-millisecond ties stay stale).
      if (started > this.doubtAt) this.viewReadAt = Math.max(this.viewReadAt, started);
    } catch (e) {
      session.failed('topology read', e);
    } finally {
      this.refreshing = false;
    }
  }

  /** Registers on a lease, and again whenever the registration is lost, until stop(). Never rejects. */
  async registerLoop(): Promise<void> {
    const { session, myId } = this.host;
    this.watchTrouble();
    while (!session.stopped && this.reg === null) {
      try {
        if (!this.registeredOnce) await this.yieldStalePrimaryRole();
        const reg = await registerNode(session.etcd, session.prefix, myId, this.value(), session.ttl, this.host.node.clock);
        if (session.stopped) {
          await reg.revoke();
          return;
        }
        this.reg = reg;
        this.registeredOnce = true;
        session.ok();
        const a = this.host.announce();
        this.host.node.log.notice(`Registered in etcd as ${myId} (${a.ip}:${a.port}, lease ${session.ttl} s)`);
        reg.onLost((err) => {
          if (this.reg !== reg) return;
          this.reg = null;
          session.failed('registration lost', err);
          void this.registerLoop();
        });
      } catch (e) {
        session.failed('registration', e);
        await sleep(RETRY_MS);
      }
    }
  }

  /**
   * A process that starts with an empty dataset while the topology still names this node the primary of a
   * shard with replicas (it was restarted faster than its death was noticed) must not act as that
   * primary: its replicas would copy its empty dataset. It withdraws the dead process's registration, so
   * the coordinator promotes a replica, and waits (unavailable: key commands get CLUSTERDOWN, replicas'
   * PSYNC is refused) until it is no longer that primary or no replica that could take over is alive.
   * Then it registers, and joins again as a replica. It also writes P/withdrawn/<id>: its old process is
   * gone, as a refused connection would prove, so that the coordinator replaces it at once: by a live
   * in-sync replica when there is one (no acknowledged write lost), else by the live replica holding the
   * most of the data (cluster-lost-slots keep would otherwise keep the shard for a silent primary, and this
   * process would come back as that primary, empty). The marker goes once it was replaced (the
   * coordinator also deletes markers of registered nodes). Rejects on etcd errors (the
   * caller retries).
   */
  async yieldStalePrimaryRole(): Promise<void> {
    const { session, views, myId } = this.host;
    const kv = (await session.etcd.get(session.topologyKey).exec()).kvs[0];
    if (kv === undefined) return;
    const t = parseTopology(kv.value.toString('utf8'));
    const me = t.nodes[myId];
    if (me === undefined || me.role !== 'primary' || me.shard === null || t.shards[me.shard].replicas.length === 0) return;
    const shard = me.shard;
    this.unavailable = true;
    views.scheduleRebuild();
    this.host.node.log.warning(
      `Restarted while still the primary of shard ${shard} in the topology, with no data: withdrawing so that a replica (in sync if one is alive) takes over`,
    );
    const marker = session.withdrawnPrefix + myId;
    try {
      await session.etcd.put(marker).value(String(this.host.node.clock.now())).exec();
      await session.etcd.delete().key(session.nodesPrefix + myId).exec();
      while (!session.stopped) {
        const v = views.view.node(myId);
        if (views.view.version > 0 && (v === undefined || v.role !== 'primary')) break;
        const s = views.view.shard(shard);
        const heirs = s?.replicas.filter((id) => views.live.has(id)) ?? [];
        if (views.view.version > 0 && heirs.length === 0) break;
        await views.nextView(500);
      }
    } finally {
      this.unavailable = false;
      views.scheduleRebuild();
      await session.etcd.delete().key(marker).exec().catch(() => undefined);
    }
  }

  /**
   * SHUTDOWN / SIGTERM: marks this node leaving (in its registration), then waits until the coordinator has
   * handed its slots to the others and removed it from the topology, or timeoutMs passed (on the node's
   * clock), or etcd became unreachable (no one could take the slots then). Resolves true when the hand-off
   * completed; never rejects (etcd errors are logged and end the wait).
   */
  async handOff(timeoutMs: number): Promise<boolean> {
    const { session, views, myId, node } = this.host;
    this.leaving = true;
    const deadline = node.clock.now() + timeoutMs;
    try {
      await this.updateRegistration();
      if (this.reg !== null) session.ok(); // it just wrote: an older error (e.g. the election's) is over
      this.host.poke();
      while (node.clock.now() < deadline && !session.down) {
        if (views.view.node(myId) === undefined && this.reg !== null) return true;
        await views.nextView(Math.min(1000, Math.max(1, deadline - node.clock.now())));
      }
    } catch (e) {
      session.failed('leave', e);
    }
    return false;
  }

  /** Deletes the registration (revokes its lease): a promise that never rejects, or null when there is none. */
  revoke(): Promise<void> | null {
    return this.reg === null ? null : this.reg.revoke();
  }

  private value(): string {
    return registrationValue(this.host.announce(), this.leaving);
  }

  /** Re-writes the registration value (state change), on the same lease. Rejects on etcd errors. */
  private async updateRegistration(): Promise<void> {
    const reg = this.reg;
    if (reg === null) return; // the register loop writes the current value when it succeeds
    await reg.lease.put(reg.key).value(this.value()).exec();
  }
}
