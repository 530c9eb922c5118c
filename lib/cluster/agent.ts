// A node's part in a cluster: its registration in etcd (a lease: its liveness), its view of the
// topology (watched, swapped in whole), its campaign for coordinator and, while elected, the controller
// loop that plans the topology (planner.ts) and writes it by compare-and-swap. etcd keys (P =
// /shardcache/<cluster-name>): P/nodes/<id> (registration, on the lease), P/topology (the topology JSON),
// P/election/coordinator/... (etcd3's Election).
//
// etcd unreachable: the node keeps serving with the view it has; registration, controller and commits
// retry every RETRY_MS; the log says it once when etcd goes and once when it is back.
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { SLOTS } from './slots';
import { connectEtcd, registerNode, type NodeRegistration } from './etcd';
import { EMPTY_TOPOLOGY, finalizeMigrations, plan, promote, setInSync, type Registration } from './planner';
import { parseTopology, serializeTopology, TopologyError, type NodeAddr, type Topology } from './topology';
import type { AckGate } from './ack-gate';
import type { ClusterNodeHost, MigratorLike } from './host';
import { Peer } from './peer';
import { Prober } from './prober';
import { ClusterView } from './view';

/** Pause between retries of an etcd operation that failed (registration, controller, commit), ms. */
const RETRY_MS = 250;
/**
 * Least time between two migration commits of this node, ms: each commit makes every node parse the
 * topology and rebuild its view, so slots emptied meanwhile are batched into the next commit.
 */
const COMMIT_SPACING_MS = 200;
/** Fencing stops writes this long before the earliest moment etcd could let this node's lease end, ms. */
const FENCE_MARGIN_MS = 500;
/** The controller also re-plans this often, in case a watch event was missed, ms. */
const RECONCILE_EVERY_MS = 1000;

export type { MigratorLike } from './host';

export interface AgentOptions {
  myId: string;
  endpoints: string[];
  clusterName: string;
  /** The address clients and other nodes use for this node. */
  announce: NodeAddr;
  nodeTimeoutMs: number;
  vnodes: number;
  /** cluster-replicas: replicas per shard the coordinator fills before opening a new shard. */
  replicas: number;
}

/** etcd lease TTL for a node timeout: whole seconds, at least 2 (etcd's own minimum on one member). */
export function leaseTtlSeconds(nodeTimeoutMs: number): number {
  return Math.max(2, Math.ceil(nodeTimeoutMs / 1000));
}

/** Parses a registration value; null when it is not one (ignored, as an unknown node). */
function parseRegistration(text: string): Registration | null {
  try {
    const v = JSON.parse(text) as { addr?: { ip?: unknown; port?: unknown }; state?: unknown };
    if (typeof v.addr?.ip !== 'string' || typeof v.addr.port !== 'number') return null;
    return { addr: { ip: v.addr.ip, port: v.addr.port }, state: v.state === 'leaving' ? 'leaving' : 'up' };
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export class ClusterAgent {
  readonly myId: string;
  readonly prefix: string;
  /** The view the node routes by and answers CLUSTER commands from. */
  view: ClusterView;
  /** cluster_state:ok in `view` (every slot assigned, every owning primary live). */
  stateOk = false;
  /** The shard this node belongs to in `view`, or null. */
  myShard: string | null = null;
  /** True when this node is its shard's primary in `view` (false for a replica or outside the topology). */
  isPrimary = false;
  /** replication-ack sync: holds replies until the in-sync replicas acknowledged (set at start-up). */
  gate: AckGate | null = null;
  /** The migration engine (set by the node at start-up). */
  migrator: MigratorLike | null = null;
  /** cluster-require-full-coverage (kept current by the node). */
  requireFullCoverage = true;
  /** True while this node is the coordinator. */
  coordinator = false;
  /** Slots seen going from a removed (dead) shard to a survivor since start (INFO cluster_slots_reassigned). */
  slotsReassigned = 0;
  /** True while a restarted process waits for an in-sync replica to replace it as primary (yieldStalePrimaryRole). */
  unavailable = false;
  /** Set while SHUTDOWN/SIGTERM hands this node's slots off. */
  leaving = false;

  private readonly etcd: Etcd3;
  private readonly ttl: number;
  private reg: NodeRegistration | null = null;
  private watcher: Watcher | null = null;
  private campaign: ReturnType<ReturnType<Etcd3['election']>['campaign']> | null = null;
  private live = new Map<string, Registration>();
  /** The lease of each node's registration, as last seen (etcd lease ids, decimal). */
  private leaseOf = new Map<string, string>();
  /** Coordinator only: connections that notice a node process dying (prober.ts). */
  private prober: Prober | null = null;
  /** Nodes the prober saw die, with the lease their registration had then (deleted by the next pass). */
  private downNodes = new Map<string, string | undefined>();
  /** Campaigns for coordinator, by etcd key: the campaigning node, its lease, its create revision. */
  private campaigns = new Map<string, { id: string; lease: string; rev: bigint }>();
  private topology: Topology = EMPTY_TOPOLOGY;
  private topologyRev = -1n;
  private rebuildQueued = false;
  private reconciling = false;
  private reconcileAgain = false;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private pendingCommits = new Map<string, Set<number>>();
  private committing = false;
  private lastCommitAt = 0;
  /** When the coordinator first saw a topology node without registration (ms), by node id. */
  private missingSince = new Map<string, number>();
  private etcdDown = false;
  private fenced = false;
  /** When this node last became coordinator or saw etcd come back (ms): longer grace for missing nodes. */
  private calmSince = 0;
  private stopped = false;
  private started = false;
  private registeredOnce = false;
  private viewWaiters: Array<() => void> = [];
  /** The primary this node replicates from, null when it is not a replica. */
  private following: string | null = null;

  constructor(
    readonly node: ClusterNodeHost,
    readonly opts: AgentOptions,
  ) {
    this.myId = opts.myId;
    this.prefix = `/shardcache/${opts.clusterName}`;
    this.ttl = leaseTtlSeconds(opts.nodeTimeoutMs);
    this.etcd = connectEtcd(opts.endpoints);
    this.view = new ClusterView(EMPTY_TOPOLOGY, []);
  }

  /** Starts registration, watch and campaign in the background; never rejects (etcd may be down). */
  start(): void {
    this.started = true;
    void this.registerLoop();
    void this.watchLoop();
    void this.campaignLoop();
    this.reconcileTimer = setInterval(() => {
      if (this.coordinator) void this.reconcile();
    }, RECONCILE_EVERY_MS);
    this.reconcileTimer.unref();
  }

  /**
   * Fencing: true when this primary must refuse writes because its lease may end before it can renew it
   * (FENCE_MARGIN_MS before the earliest expiry etcd could apply, or no registration at all), its shard has
   * replicas (a successor could be chosen) and no in-sync replica guards the writes. With replication-ack sync and in-sync replicas, their
   * acknowledgements are the fence instead (a promoted replica stops acknowledging the old primary), so
   * writes go on while etcd itself is down.
   */
  writesFenced(): boolean {
    if (!this.isPrimary || this.myShard === null) return false;
    // A shard without replicas has no successor to be deposed by (its slots would go to others empty,
    // as a cache's): it keeps serving while etcd is away.
    if ((this.view.shard(this.myShard)?.replicas.length ?? 0) === 0) return false;
    if (this.gate !== null && this.gate.required().length > 0) return false;
    const reg = this.reg;
    const fenced = reg === null || Date.now() > reg.validUntil() - FENCE_MARGIN_MS;
    if (fenced !== this.fenced) {
      this.fenced = fenced;
      if (fenced) this.node.log.warning('Lease not renewed in time and no in-sync replica: refusing writes until it is (fencing)');
      else this.node.log.notice('Lease renewed: accepting writes again');
    }
    return fenced;
  }

  // ---- etcd health, logged once per change ----

  private etcdFailed(what: string, e: unknown): void {
    if (this.stopped || this.etcdDown) return;
    this.etcdDown = true;
    this.node.log.warning(`etcd unreachable (${what}: ${e instanceof Error ? e.message : String(e)}): serving with the last topology (epoch ${this.view.version}); changes wait`);
  }

  private etcdOk(): void {
    if (!this.etcdDown) return;
    this.etcdDown = false;
    this.calmSince = Date.now();
    this.node.log.notice('etcd reachable again');
  }

  // ---- registration ----

  private registrationValue(): string {
    return JSON.stringify({ addr: this.opts.announce, state: this.leaving ? 'leaving' : 'up', pid: process.pid });
  }

  /** Registers on a lease, and again whenever the registration is lost, until stop(). */
  private async registerLoop(): Promise<void> {
    while (!this.stopped && this.reg === null) {
      try {
        if (!this.registeredOnce) await this.yieldStalePrimaryRole();
        const reg = await registerNode(this.etcd, this.prefix, this.myId, this.registrationValue(), this.ttl);
        if (this.stopped) {
          await reg.revoke();
          return;
        }
        this.reg = reg;
        this.registeredOnce = true;
        this.etcdOk();
        this.node.log.notice(`Registered in etcd as ${this.myId} (${this.opts.announce.ip}:${this.opts.announce.port}, lease ${this.ttl} s)`);
        reg.onLost((err) => {
          if (this.reg !== reg) return;
          this.reg = null;
          this.etcdFailed('registration lost', err);
          void this.registerLoop();
        });
      } catch (e) {
        this.etcdFailed('registration', e);
        await sleep(RETRY_MS);
      }
    }
  }

  /**
   * A process that starts with an empty dataset while the topology still names this node the primary of a
   * shard with in-sync replicas (it was restarted faster than its death was noticed) must not act as that
   * primary: its replicas would copy its empty dataset. It withdraws the dead process's registration, so
   * the coordinator promotes an in-sync replica, and waits (unavailable: key commands get CLUSTERDOWN,
   * replicas' PSYNC is refused) until it is no longer that primary or no in-sync replica is alive to
   * take over. Then it registers, and joins again as a replica. Rejects on etcd errors (the caller retries).
   */
  private async yieldStalePrimaryRole(): Promise<void> {
    const kv = (await this.etcd.get(`${this.prefix}/topology`).exec()).kvs[0];
    if (kv === undefined) return;
    const t = parseTopology(kv.value.toString('utf8'));
    const me = t.nodes[this.myId];
    if (me === undefined || me.role !== 'primary' || me.shard === null || t.shards[me.shard].inSync.length === 0) return;
    const shard = me.shard;
    this.unavailable = true;
    this.scheduleRebuild();
    this.node.log.warning(`Restarted while still the primary of shard ${shard} in the topology, with no data: withdrawing so that an in-sync replica takes over`);
    try {
      await this.etcd.delete().key(`${this.prefix}/nodes/${this.myId}`).exec();
      while (!this.stopped) {
        const v = this.view.node(this.myId);
        if (this.view.version > 0 && (v === undefined || v.role !== 'primary')) break;
        const heirs = this.view.shard(shard)?.inSync.filter((id) => this.live.has(id)) ?? [];
        if (this.view.version > 0 && heirs.length === 0) break;
        await this.nextView(500);
      }
    } finally {
      this.unavailable = false;
      this.scheduleRebuild();
    }
  }

  /** Re-writes the registration value (state change), on the same lease. */
  private async updateRegistration(): Promise<void> {
    const reg = this.reg;
    if (reg === null) return; // the register loop writes the current value when it succeeds
    await reg.lease.put(reg.key).value(this.registrationValue()).exec();
  }

  // ---- watch: registrations and topology ----

  /** Reads everything under the prefix once, then watches it from the next revision. Retries until it works. */
  private async watchLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const res = await this.etcd.getAll().prefix(`${this.prefix}/`).exec();
        this.live.clear();
        this.campaigns.clear();
        for (const kv of res.kvs) this.apply('put', kv);
        const w = await this.etcd.watch().prefix(`${this.prefix}/`).startRevision((BigInt(res.header.revision) + 1n).toString()).create();
        if (this.stopped) {
          await w.cancel();
          return;
        }
        this.watcher = w;
        w.on('put', (kv: IKeyValue) => this.apply('put', kv));
        w.on('delete', (kv: IKeyValue) => this.apply('delete', kv));
        // etcd3 resumes a watch after a disconnection on its own, but emits 'error' when etcd cancelled it
        // (e.g. its start revision was compacted) and never resumes that one: read everything again.
        w.on('error', () => {
          if (this.watcher !== w || this.stopped) return;
          this.watcher = null;
          void this.watchLoop();
        });
        this.scheduleRebuild();
        return;
      } catch (e) {
        this.etcdFailed('watch', e);
        await sleep(RETRY_MS);
      }
    }
  }

  private apply(type: 'put' | 'delete', kv: IKeyValue): void {
    const key = kv.key.toString('utf8');
    const nodes = `${this.prefix}/nodes/`;
    if (key === `${this.prefix}/topology`) {
      if (type === 'put') this.adoptTopology(kv.value.toString('utf8'), BigInt(kv.mod_revision));
    } else if (key.startsWith(`${this.prefix}/election/coordinator/`)) {
      // Campaigns for coordinator: the oldest key (smallest create revision) is the leader.
      if (type === 'put') this.campaigns.set(key, { id: kv.value.toString('utf8'), lease: kv.lease, rev: BigInt(kv.create_revision) });
      else this.campaigns.delete(key);
      this.updateProber();
    } else if (key.startsWith(nodes)) {
      const id = key.slice(nodes.length);
      const reg = type === 'put' ? parseRegistration(kv.value.toString('utf8')) : null;
      if (reg === null) {
        this.live.delete(id);
        this.leaseOf.delete(id);
      } else {
        this.live.set(id, reg);
        this.leaseOf.set(id, kv.lease);
      }
      this.scheduleRebuild();
      if (this.coordinator) void this.reconcile();
    }
  }

  /** Takes a topology value newer than the one held (by etcd mod revision); ignores an invalid one (logged). */
  private adoptTopology(text: string, rev: bigint): void {
    if (rev <= this.topologyRev) return;
    try {
      this.topology = parseTopology(text);
      this.topologyRev = rev;
    } catch (e) {
      this.node.log.warning(`Ignoring an invalid topology at revision ${rev}: ${(e as Error).message}`);
      return;
    }
    this.scheduleRebuild();
    if (this.coordinator) void this.reconcile();
  }

  private scheduleRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    setImmediate(() => {
      this.rebuildQueued = false;
      this.rebuild();
    });
  }

  /** Builds and swaps in a new view from the topology and registrations held; drops keys of slots lost. */
  private rebuild(): void {
    const prev = this.view;
    const prevShard = this.myShard;
    const view = new ClusterView(this.topology, [...this.live.keys(), this.myId]);
    const me = view.node(this.myId);
    const myShard = me === undefined ? null : me.shard;
    this.view = view;
    this.myShard = myShard;
    this.isPrimary = me !== undefined && me.role === 'primary' && !this.unavailable;
    this.stateOk = computeStateOk(view);
    this.countReassigned(prev, view);
    this.dropLostSlots(prev, prevShard, view, myShard);
    this.applyRole(view);
    this.migrator?.update(view, myShard);
    this.gate?.onView();
    this.updateProber();
    const waiters = this.viewWaiters;
    this.viewWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Makes replication match this node's role in `view`: a replica follows its shard's primary (for this
   * epoch: a primary refuses replicas that saw a newer one); a replica that became primary is promoted
   * (its replicas continue from it with PSYNC); a node outside the topology follows no one.
   */
  private applyRole(view: ClusterView): void {
    const repl = this.node.repl;
    repl.epoch = view.version;
    const me = view.node(this.myId);
    if (me !== undefined && me.role === 'replica' && me.shard !== null) {
      const primary = view.primaryOf(me.shard)!;
      const addr = view.addrOf(primary)!;
      if (this.following !== primary) {
        this.node.log.notice(`Replica of shard ${me.shard}: following ${primary} at ${addr.ip}:${addr.port} (epoch ${view.version})`);
        this.following = primary;
        repl.follow(addr.ip, addr.port, view.version);
      }
      return;
    }
    if (this.following === null) return;
    this.following = null;
    if (me !== undefined && me.role === 'primary') {
      this.node.log.warning(`Promoted to primary of shard ${me.shard} (epoch ${view.version})`);
      repl.becomePrimary();
    } else {
      repl.unfollow();
    }
  }

  /** Counts (and logs) the slots that went from a shard gone from the topology (a dead node's) to another. */
  private countReassigned(prev: ClusterView, next: ClusterView): void {
    let n = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const was = prev.ownerOfSlot(slot);
      if (was !== null && next.shard(was) === undefined && next.ownerOfSlot(slot) !== null) n++;
    }
    if (n === 0) return;
    this.slotsReassigned += n;
    this.node.log.warning(`Epoch ${next.version}: ${n} slots of removed shards were reassigned to the survivors, empty (their keys are lost)`);
  }

  /** Deletes the keys of every slot this node owned or imported in `prev` and neither owns nor imports in `next`. */
  private dropLostSlots(prev: ClusterView, prevShard: string | null, next: ClusterView, nextShard: string | null): void {
    if (prevShard === null) return;
    const db = this.node.dbs[0];
    if (db.size === 0) return;
    let dropped = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const had = prev.ownerOfSlot(slot) === prevShard || prev.migratingOut(slot) === prevShard;
      if (!had) continue;
      // Importing a slot this node owned in prev (it was removed and re-joined as the same shard id, the
      // versions between coalesced into one rebuild): what it holds is stale, the import starts empty.
      const imports = next.migratingOut(slot) === nextShard && prev.migratingOut(slot) === prevShard;
      const has = nextShard !== null && (next.ownerOfSlot(slot) === nextShard || imports);
      if (!has) dropped += db.deleteKeysInSlot(slot);
    }
    if (dropped > 0) this.node.log.notice(`Dropped ${dropped} keys of slots this node no longer serves (epoch ${next.version})`);
  }

  /** Resolves after the next view swap (specs, leave()). */
  private nextView(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.viewWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  // ---- coordinator ----

  private async campaignLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        const campaign = this.etcd.namespace(`${this.prefix}/`).election('coordinator', this.ttl).campaign(this.myId);
        this.campaign = campaign;
        await new Promise<void>((resolve) => {
          campaign.on('elected', () => {
            if (this.stopped) return;
            this.coordinator = true;
            this.calmSince = Date.now();
            this.missingSince.clear();
            this.downNodes.clear();
            this.updateProber();
            this.node.log.notice(`This node is now the cluster coordinator (epoch ${this.view.version})`);
            void this.reconcile();
          });
          campaign.on('error', (e: Error) => {
            if (this.coordinator) this.node.log.warning(`Coordinator role lost: ${e.message}`);
            this.coordinator = false;
            this.updateProber();
            this.etcdFailed('election', e);
            resolve();
          });
        });
        this.campaign = null;
        campaign.resign().catch(() => undefined);
      } catch (e) {
        this.coordinator = false;
        this.etcdFailed('election', e);
      }
      await sleep(RETRY_MS);
    }
  }

  /**
   * One controller pass (coordinator only; passes never overlap, a request during one runs another):
   * reads the topology and the registrations, plans, writes the plan by CAS. A node without registration
   * counts as alive for a grace period (a quarter of the node timeout, at least 500 ms; a whole node
   * timeout after this node was elected or saw etcd come back) so that nodes re-registering after an
   * etcd outage are not removed.
   */
  private async reconcile(): Promise<void> {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        if (!this.coordinator || this.stopped) break;
        const [topoRes, nodesRes] = await Promise.all([
          this.etcd.get(`${this.prefix}/topology`).exec(),
          this.etcd.getAll().prefix(`${this.prefix}/nodes/`).exec(),
        ]);
        const kv = topoRes.kvs[0];
        const current = kv === undefined ? EMPTY_TOPOLOGY : parseTopology(kv.value.toString('utf8'));
        const registered = new Set(nodesRes.kvs.map((n) => n.key.toString('utf8').slice(`${this.prefix}/nodes/`.length)));
        for (const id of [...this.downNodes.keys()]) if (current.nodes[id] === undefined && !registered.has(id)) this.downNodes.delete(id);
        const live = new Map<string, Registration>();
        const dead: Array<[string, string]> = [];
        for (const n of nodesRes.kvs) {
          const reg = parseRegistration(n.value.toString('utf8'));
          if (reg === null) continue;
          const id = n.key.toString('utf8').slice(`${this.prefix}/nodes/`.length);
          if (this.downNodes.has(id)) {
            const lease = this.downNodes.get(id);
            if (lease === undefined || lease === n.lease) {
              dead.push([id, n.lease]); // its process is gone: its registration is stale
              continue;
            }
            this.downNodes.delete(id); // registered again since (restarted)
          }
          live.set(id, reg);
        }
        // The dead nodes' registrations go now (only if still on the lease seen: not a restart's).
        for (const [id, lease] of dead) {
          const key = `${this.prefix}/nodes/${id}`;
          await this.etcd.if(key, 'Lease', '==', lease).then(this.etcd.delete().key(key)).commit();
        }
        const now = Date.now();
        // Just elected or etcd just back: every node may be re-registering, so wait a whole node timeout.
        const grace = Math.max(500, this.opts.nodeTimeoutMs / 4, this.calmSince + this.opts.nodeTimeoutMs - now);
        for (const id of this.missingSince.keys()) if (live.has(id) || current.nodes[id] === undefined) this.missingSince.delete(id);
        for (const [id, n] of Object.entries(current.nodes)) {
          if (live.has(id) || this.downNodes.has(id)) continue;
          const since = this.missingSince.get(id) ?? now;
          this.missingSince.set(id, since);
          if (now - since < grace) {
            live.set(id, { addr: n.addr, state: 'up' });
            setTimeout(() => void this.reconcile(), grace - (now - since) + 10).unref();
          }
        }
        let result;
        try {
          result = plan(current, live, this.opts.vnodes, { replicas: this.opts.replicas, offsets: await this.candidateOffsets(current, live) });
        } catch (e) {
          throw new TopologyError('plan', e instanceof Error ? e.message : String(e));
        }
        if (result === null) continue;
        const ok = await this.cas(kv === undefined ? '0' : kv.mod_revision, result.topology);
        if (!ok) {
          this.reconcileAgain = true;
          continue;
        }
        for (const line of result.changes) this.node.log.notice(`Topology epoch ${result.topology.version}: ${line}`);
      } while (this.reconcileAgain);
      this.etcdOk();
    } catch (e) {
      if (e instanceof TopologyError) {
        // Not etcd: a bad value or a planner bug. Say so (each time) and try again later.
        this.node.log.warning(`Controller error: ${e.message}`);
        setTimeout(() => void this.reconcile(), RECONCILE_EVERY_MS).unref();
      } else {
        this.etcdFailed('controller', e);
        setTimeout(() => void this.reconcile(), RETRY_MS).unref();
      }
    } finally {
      this.reconciling = false;
    }
  }

  /** Writes `t` if the topology key still has mod revision `rev`; adopts it at once on success. */
  private async cas(rev: string, t: Topology): Promise<boolean> {
    const key = `${this.prefix}/topology`;
    const text = serializeTopology(t);
    const res = await this.etcd.if(key, 'Mod', '==', rev).then(this.etcd.put(key).value(text)).commit();
    if (!res.succeeded) return false;
    this.adoptTopology(text, BigInt(res.header.revision));
    return true;
  }

  /**
   * For every shard whose primary is gone and that has two or more live in-sync replicas: each of those
   * replicas' replication offset (INFO replication, 300 ms at most each; a replica that does not answer counts 0), so
   * that the planner promotes the one with the most of the stream.
   */
  private async candidateOffsets(t: Topology, live: ReadonlyMap<string, Registration>): Promise<Map<string, number>> {
    const ask: string[] = [];
    for (const s of Object.values(t.shards)) {
      if (live.has(s.primary) && live.get(s.primary)!.state === 'up') continue;
      const candidates = s.inSync.filter((id) => live.has(id));
      if (candidates.length >= 2) ask.push(...candidates);
    }
    const offsets = new Map<string, number>();
    await Promise.all(
      ask.map(async (id) => {
        const a = t.nodes[id].addr;
        const peer = new Peer(a.ip, a.port, this.node.config.str('requirepass'));
        try {
          const reply = await Promise.race([peer.send(['INFO', 'replication']), sleep(300).then(() => null)]);
          // master_repl_offset: the stream this replica applied (ROLE says -1 once its link is down).
          const m = typeof reply === 'string' ? /^master_repl_offset:(\d+)/m.exec(reply) : null;
          if (m !== null) offsets.set(id, Number(m[1]));
        } catch {
          // unreachable: counts 0
        } finally {
          peer.close();
        }
      }),
    );
    return offsets;
  }

  /** Coordinator: probes every other node of the topology; anyone else: no prober. */
  private updateProber(): void {
    if (this.stopped) {
      this.prober?.stop();
      this.prober = null;
      return;
    }
    if (this.prober === null) this.prober = new Prober((id) => this.nodeDown(id));
    const targets = new Map<string, { ip: string; port: number }>();
    if (this.coordinator) {
      for (const id of this.view.nodeIds) if (id !== this.myId) targets.set(id, this.view.addrOf(id)!);
    } else {
      // Everyone else watches the coordinator only, so that its death needs no lease to run out either.
      const leader = this.leader();
      const addr = leader === null ? undefined : this.live.get(leader)?.addr;
      if (leader !== null && leader !== this.myId && addr !== undefined) targets.set(leader, addr);
    }
    this.prober.update(targets);
  }

  /** The node id of the coordinator (the oldest campaign), or null. */
  private leader(): string | null {
    let best: { id: string; rev: bigint } | null = null;
    for (const c of this.campaigns.values()) if (best === null || c.rev < best.rev) best = c;
    return best?.id ?? null;
  }

  /**
   * The prober saw node `id`'s process die. The coordinator's next pass treats it as dead at once; anyone
   * else (who probes only the coordinator) withdraws the dead coordinator's campaign, so that the next
   * candidate is elected now rather than when that campaign's lease runs out.
   */
  private nodeDown(id: string): void {
    if (!this.coordinator) {
      for (const [key, c] of this.campaigns) {
        if (c.id !== id) continue;
        this.node.log.warning(`Coordinator ${id} refuses connections: its process is gone; withdrawing its campaign`);
        void this.etcd
          .if(key, 'Lease', '==', c.lease)
          .then(this.etcd.delete().key(key))
          .commit()
          .catch((e: unknown) => this.etcdFailed('withdraw campaign', e));
      }
      return;
    }
    if (this.downNodes.has(id)) return;
    this.downNodes.set(id, this.leaseOf.get(id));
    const a = this.view.addrOf(id);
    this.node.log.warning(`Node ${id} at ${a ? `${a.ip}:${a.port}` : '?'} refuses connections: its process is gone; not waiting for its lease`);
    void this.reconcile();
  }

  /**
   * Replaces the in-sync set of `shard` by fn(current set) in one topology transaction (retried on
   * conflicts). Resolves true when committed (or already so), false when the shard is gone or this node is
   * no longer its primary in the latest topology; rejects on etcd errors.
   */
  async changeInSync(shard: string, fn: (ids: readonly string[]) => readonly string[]): Promise<boolean> {
    const key = `${this.prefix}/topology`;
    for (;;) {
      const kv = (await this.etcd.get(key).exec()).kvs[0];
      if (kv === undefined) return false;
      const t = parseTopology(kv.value.toString('utf8'));
      const s = t.shards[shard];
      if (s === undefined || s.primary !== this.myId) return false;
      const want = fn(s.inSync).filter((id) => s.replicas.includes(id));
      const next = setInSync(t, shard, want);
      if (next === null) return true;
      if (await this.cas(kv.mod_revision, next)) return true;
    }
  }

  /**
   * CLUSTER FAILOVER on an in-sync replica: promotes this node in one topology transaction (its old
   * primary becomes a replica of it, out of the in-sync set until it has resynchronised). Resolves true
   * when committed, false when this node is not (or no longer) an in-sync replica; rejects on etcd errors.
   */
  async failover(): Promise<boolean> {
    const key = `${this.prefix}/topology`;
    for (;;) {
      const kv = (await this.etcd.get(key).exec()).kvs[0];
      if (kv === undefined) return false;
      const t = parseTopology(kv.value.toString('utf8'));
      const me = t.nodes[this.myId];
      if (me === undefined || me.role !== 'replica' || me.shard === null || !t.shards[me.shard].inSync.includes(this.myId)) return false;
      if (await this.cas(kv.mod_revision, promote(t, me.shard, this.myId))) {
        this.node.log.warning(`CLUSTER FAILOVER: this node is now the primary of shard ${me.shard}`);
        return true;
      }
    }
  }

  // ---- migration commits ----

  /**
   * Makes the targets the owners of `slots` (emptied by the migrator, all migrating from shard `from`) in
   * one topology transaction; commits requested while one runs are merged into the next. Resolves true
   * once these slots are committed (or no longer migrating from `from`), false when etcd failed (the
   * migrator asks again).
   */
  async commit(from: string, slots: number[]): Promise<boolean> {
    let set = this.pendingCommits.get(from);
    if (set === undefined) this.pendingCommits.set(from, (set = new Set()));
    for (const s of slots) set.add(s);
    while (this.committing) await this.nextCommitTurn();
    if (!slots.some((s) => this.pendingCommits.get(from)?.has(s))) return true; // done by a merged commit
    this.committing = true;
    const wait = this.lastCommitAt + COMMIT_SPACING_MS - Date.now();
    if (wait > 0) await sleep(wait);
    const batch = this.pendingCommits;
    this.pendingCommits = new Map();
    try {
      for (;;) {
        const kv = (await this.etcd.get(`${this.prefix}/topology`).exec()).kvs[0];
        if (kv === undefined) return true;
        let t: Topology | null = parseTopology(kv.value.toString('utf8'));
        let changed = false;
        for (const [f, s] of batch) {
          const next = finalizeMigrations(t!, f, [...s]);
          if (next !== null) {
            t = next;
            changed = true;
          }
        }
        if (!changed) return true;
        if (await this.cas(kv.mod_revision, t!)) {
          this.etcdOk();
          return true;
        }
      }
    } catch (e) {
      this.etcdFailed('commit', e);
      for (const [f, s] of batch) {
        const cur = this.pendingCommits.get(f) ?? new Set<number>();
        for (const x of s) cur.add(x);
        this.pendingCommits.set(f, cur);
      }
      return false;
    } finally {
      this.lastCommitAt = Date.now();
      this.committing = false;
      this.wakeCommitters();
    }
  }

  private commitWaiters: Array<() => void> = [];
  private nextCommitTurn(): Promise<void> {
    return new Promise((r) => this.commitWaiters.push(r));
  }
  private wakeCommitters(): void {
    const w = this.commitWaiters;
    this.commitWaiters = [];
    for (const r of w) r();
  }

  // ---- leaving ----

  /**
   * SHUTDOWN / SIGTERM: marks this node leaving, waits until the coordinator has handed its slots to
   * the others and removed it from the topology (or timeoutMs passed, or etcd became unreachable: no one
   * could take the slots then), then
   * stop()s. Resolves true when the hand-off completed.
   */
  async leave(timeoutMs: number): Promise<boolean> {
    if (!this.started) {
      await this.stop(); // never registered: nothing to hand off
      return true;
    }
    this.leaving = true;
    const deadline = Date.now() + timeoutMs;
    let done = false;
    try {
      await this.updateRegistration();
      if (this.reg !== null) this.etcdOk(); // it just wrote: an older error (e.g. the election's) is over
      if (this.coordinator) void this.reconcile();
      while (Date.now() < deadline && !this.etcdDown) {
        if (this.view.node(this.myId) === undefined && this.reg !== null) {
          done = true;
          break;
        }
        await this.nextView(Math.min(1000, Math.max(1, deadline - Date.now())));
      }
    } catch (e) {
      this.etcdFailed('leave', e);
    }
    await this.stop();
    return done;
  }

  /** Deregisters (revokes the lease), resigns, stops watching and migrating, closes etcd. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.coordinator = false;
    this.updateProber();
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.migrator?.stop();
    const tasks: Promise<unknown>[] = [];
    if (this.reg) tasks.push(this.reg.revoke());
    if (this.campaign) tasks.push(this.campaign.resign().catch(() => undefined));
    if (this.watcher) tasks.push(this.watcher.cancel().catch(() => undefined));
    await Promise.race([Promise.all(tasks), sleep(2000)]);
    this.etcd.close();
  }
}

/** cluster_state ok: every slot has an owner whose primary is live (CLUSTER INFO's rule, replies.ts). */
function computeStateOk(view: ClusterView): boolean {
  if (view.assignedSlots !== SLOTS) return false;
  for (const sid of view.shardIds) {
    if (view.slotRanges(sid).length > 0 && !view.isLive(view.primaryOf(sid)!)) return false;
  }
  return true;
}
