// The coordinator: every node campaigns (etcd3's Election, on a lease); the elected one runs the controller
// loop, which reads the registrations and the topology, plans (planner.ts) and writes the plan by
// compare-and-swap. The prober wiring lets deaths be noticed before a lease runs out: the coordinator
// probes every other node, everyone else probes the coordinator. Its heartbeats also let a silent
// (frozen, cut off) primary be replaced before its lease runs out, where that is safe (silentPrimaries).
import type { Clock } from '../util/clock';
import { candidateOffsets } from './candidate-offsets';
import { RETRY_MS, sleep, type EtcdSession } from './etcd-session';
import type { ClusterLog } from './host';
import { EMPTY_TOPOLOGY, lostShards, plan, type Registration } from './planner';
import { Prober, SUSPECT_MS } from './prober';
import { parseRegistration } from './registration';
import { parseTopology, TopologyError, type Topology } from './topology';
import type { ClusterView } from './view';
import type { Campaign } from './view-keeper';

/** The controller also re-plans this often, in case a watch event was missed, ms. */
const RECONCILE_EVERY_MS = 1000;

/** What the coordinator reads of the view keeper (view-keeper.ts ViewKeeper has these). */
export interface CoordinatorViews {
  readonly view: ClusterView;
  /** The registered nodes, by id. */
  readonly live: ReadonlyMap<string, Registration>;
  /** The lease of each registration, by node id. */
  readonly leaseOf: ReadonlyMap<string, string>;
  /** Campaigns for coordinator, by etcd key. */
  readonly campaigns: ReadonlyMap<string, Campaign>;
  /** The node id of the coordinator (the oldest campaign), or null. */
  leader(): string | null;
}

/** What the coordinator needs of the agent it serves. */
export interface CoordinatorHost {
  readonly myId: string;
  readonly node: { readonly log: ClusterLog; readonly clock: Clock; readonly config: { str(name: string): string } };
  readonly session: EtcdSession;
  readonly views: CoordinatorViews;
  /** The planner's parameters: node timeout (ms), virtual nodes per shard, replicas per shard. */
  readonly planning: { readonly nodeTimeoutMs: number; readonly vnodes: number; readonly replicas: number };
  /** Writes `t` if the topology's mod revision is still `rev` (topology-tx.ts cas). */
  cas(rev: string, t: Topology): Promise<boolean>;
}

export class Coordinator {
  /** True while this node is the coordinator. */
  elected = false;
  private campaign: ReturnType<ReturnType<EtcdSession['etcd']['election']>['campaign']> | null = null;
  private reconciling = false;
  private reconcileAgain = false;
  private reconcileTimer: NodeJS.Timeout | null = null;
  /** Connections that notice a node process dying (prober.ts). */
  private prober: Prober | null = null;
  /** Nodes the prober saw die, with the lease their registration had then (deleted by the next pass). */
  private downNodes = new Map<string, string | undefined>();
  /**
   * Suspected primaries left out of the plan before their lease ended (silentPrimaries), with when
   * (performance.now() ms): kept out (no rejoin) until the prober hears from them after that, or their
   * registration ends.
   */
  private deposed = new Map<string, number>();
  /** Resolves the current campaign's wait (step down: this node's campaign was withdrawn by the others). */
  private endCampaign: (() => void) | null = null;
  /** When the coordinator first saw a topology node without registration (ms on the node's clock), by node id. */
  private missingSince = new Map<string, number>();
  /** Primaries of shards kept down (cluster-lost-slots keep) already logged, by node id -> shard id. */
  private kept = new Map<string, string>();

  constructor(private readonly host: CoordinatorHost) {}

  /** Starts campaigning, and the periodic re-plan while elected. Never rejects (etcd may be down). */
  start(): void {
    void this.campaignLoop();
    this.reconcileTimer = setInterval(() => {
      if (this.elected) void this.reconcile();
    }, RECONCILE_EVERY_MS);
    this.reconcileTimer.unref();
  }

  /** Something the plan depends on changed: plans again now if this node is the coordinator. */
  poke(): void {
    if (this.elected) void this.reconcile();
  }

  /** Stops coordinating and probing (call after the session stopped). */
  halt(): void {
    this.elected = false;
    this.updateProber();
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
  }

  /** Withdraws the campaign: a promise that never rejects, or null when none runs. */
  resign(): Promise<void> | null {
    return this.campaign === null ? null : this.campaign.resign().catch(() => undefined);
  }

  private async campaignLoop(): Promise<void> {
    const { session, node, myId } = this.host;
    while (!session.stopped) {
      try {
        const campaign = session.etcd.namespace(`${session.prefix}/`).election('coordinator', session.ttl).campaign(myId);
        this.campaign = campaign;
        await new Promise<void>((resolve) => {
          this.endCampaign = resolve;
          campaign.on('elected', () => {
            if (session.stopped) return;
            this.elected = true;
            session.calmSince = node.clock.now();
            this.missingSince.clear();
            this.downNodes.clear();
            this.deposed.clear();
            this.kept.clear();
            this.updateProber();
            node.log.notice(`This node is now the cluster coordinator (epoch ${this.host.views.view.version})`);
            void this.reconcile();
          });
          campaign.on('error', (e: Error) => {
            if (this.elected) node.log.warning(`Coordinator role lost: ${e.message}`);
            this.elected = false;
            this.updateProber();
            session.failed('election', e);
            resolve();
          });
        });
        this.campaign = null;
        this.endCampaign = null;
        campaign.resign().catch(() => undefined);
      } catch (e) {
        this.elected = false;
        session.failed('election', e);
      }
      await sleep(RETRY_MS);
    }
  }

  /**
   * One controller pass (coordinator only; passes never overlap, a request during one runs another):
   * reads the topology and the registrations, plans, writes the plan by CAS. A node without registration
   * counts as alive for a grace period (a quarter of the node timeout, at least 500 ms; a whole node
   * timeout after this node was elected or saw etcd come back) so that nodes re-registering after an
   * etcd outage are not removed. Never rejects: an etcd error is retried after RETRY_MS, a bad topology
   * value or a planner error is logged and retried after RECONCILE_EVERY_MS.
   */
  async reconcile(): Promise<void> {
    if (this.reconciling) {
      this.reconcileAgain = true;
      return;
    }
    const { session, node, planning } = this.host;
    this.reconciling = true;
    try {
      do {
        this.reconcileAgain = false;
        if (!this.elected || session.stopped) break;
        const campaignKey = this.campaign === null ? null : await this.campaign.getCampaignKey();
        const [topoRes, nodesRes, mine, withdrawnRes] = await Promise.all([
          session.etcd.get(session.topologyKey).exec(),
          session.etcd.getAll().prefix(session.nodesPrefix).exec(),
          campaignKey === null ? null : session.etcd.get(campaignKey).exec(),
          session.etcd.getAll().prefix(session.withdrawnPrefix).keys(),
        ]);
        if (mine !== null && mine.kvs.length === 0) {
          // The other nodes withdrew this node's campaign while it was silent (frozen, cut off): another
          // coordinator may be planning already, and this node's own suspicions are stale. Step down.
          this.stepDown();
          break;
        }
        const kv = topoRes.kvs[0];
        const current = kv === undefined ? EMPTY_TOPOLOGY : parseTopology(kv.value.toString('utf8'));
        const registered = new Set(nodesRes.kvs.map((n) => n.key.toString('utf8').slice(session.nodesPrefix.length)));
        for (const id of [...this.downNodes.keys()]) if (current.nodes[id] === undefined && !registered.has(id)) this.downNodes.delete(id);
        // Restarted processes that withdrew their old registration (membership.ts yieldStalePrimaryRole):
        // their old process is gone, as a refused connection would prove.
        const withdrawn = new Set<string>();
        for (const k of withdrawnRes) {
          const id = k.slice(session.withdrawnPrefix.length);
          if (!registered.has(id) && current.nodes[id] !== undefined) withdrawn.add(id);
          // Registered again, or out of the topology: the marker has served (the process deletes it too,
          // but an etcd error or a crash may leave it; a stale one must never make a later silence "proof").
          else if (registered.has(id) || current.nodes[id] === undefined) await session.etcd.delete().key(k).exec();
        }
        const live = new Map<string, Registration>();
        const dead: Array<[string, string]> = [];
        for (const n of nodesRes.kvs) {
          const reg = parseRegistration(n.value.toString('utf8'));
          if (reg === null) continue;
          const id = n.key.toString('utf8').slice(session.nodesPrefix.length);
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
          const key = session.nodesPrefix + id;
          await session.etcd.if(key, 'Lease', '==', lease).then(session.etcd.delete().key(key)).commit();
        }
        const now = node.clock.now();
        // Just elected or etcd just back: every node may be re-registering, so wait a whole node timeout.
        const grace = Math.max(500, planning.nodeTimeoutMs / 4, session.calmSince + planning.nodeTimeoutMs - now);
        for (const id of this.missingSince.keys()) if (live.has(id) || current.nodes[id] === undefined) this.missingSince.delete(id);
        for (const [id, n] of Object.entries(current.nodes)) {
          if (live.has(id) || this.downNodes.has(id) || withdrawn.has(id)) continue;
          const since = this.missingSince.get(id) ?? now;
          this.missingSince.set(id, since);
          if (now - since < grace) {
            live.set(id, { addr: n.addr, state: 'up' });
            setTimeout(() => void this.reconcile(), grace - (now - since) + 10).unref();
          }
        }
        for (const id of this.silentPrimaries(current, live)) live.delete(id);
        let result;
        const lostSlots = node.config.str('cluster-lost-slots') === 'reassign' ? 'reassign' : 'keep';
        const gone = new Set([...this.downNodes.keys(), ...withdrawn]);
        try {
          const offsets = await candidateOffsets(current, live, node.config.str('requirepass'), gone);
          result = plan(current, live, planning.vnodes, { replicas: planning.replicas, offsets, lostSlots, gone });
        } catch (e) {
          throw new TopologyError('plan', e instanceof Error ? e.message : String(e));
        }
        if (result !== null) {
          const ok = await this.host.cas(kv === undefined ? '0' : kv.mod_revision, result.topology);
          if (!ok) {
            this.reconcileAgain = true;
            continue;
          }
          for (const line of result.changes) node.log.notice(`Topology epoch ${result.topology.version}: ${line}`);
        }
        this.logKept(result?.topology ?? current, live);
      } while (this.reconcileAgain);
      session.ok();
    } catch (e) {
      if (e instanceof TopologyError) {
        // Not etcd: a bad value or a planner bug. Say so (each time) and try again later.
        node.log.warning(`Controller error: ${e.message}`);
        setTimeout(() => void this.reconcile(), RECONCILE_EVERY_MS).unref();
      } else {
        session.failed('controller', e);
        setTimeout(() => void this.reconcile(), RETRY_MS).unref();
      }
    } finally {
      this.reconciling = false;
    }
  }

  /**
   * Logs once each shard that `t` keeps with its primary down (cluster-lost-slots keep: no registration,
   * nothing proven), and once when that primary is back or its shard is gone.
   */
  private logKept(t: Topology, live: ReadonlyMap<string, Registration>): void {
    const { log } = this.host.node;
    const now = new Map<string, string>();
    for (const l of lostShards(t, live)) {
      now.set(l.primary, l.shard);
      if (this.kept.get(l.primary) === l.shard) continue;
      log.warning(
        `Node ${l.primary} is unreachable: shard ${l.shard} keeps its ${l.slots} slots (cluster-lost-slots keep); ` +
          `they answer CLUSTERDOWN until a member returns or CLUSTER FORGET ${l.primary}`,
      );
    }
    for (const [id, sid] of this.kept) {
      if (now.has(id)) continue;
      if (t.shards[sid]?.primary === id) log.notice(`Node ${id} is back: shard ${sid} serves its slots again`);
    }
    this.kept = now;
  }

  /** Coordinator: probes every other node of the topology; anyone else: the coordinator only. */
  updateProber(): void {
    const { session, views, myId } = this.host;
    if (session.stopped) {
      this.prober?.stop();
      this.prober = null;
      return;
    }
    if (this.prober === null) {
      const ms = Number(this.host.node.config.str('cluster-heartbeat-timeout'));
      this.prober = new Prober((id) => this.nodeDown(id), {
        suspectMs: Number.isFinite(ms) && ms > 0 ? ms : SUSPECT_MS,
        onSuspect: (id, silentMs) => this.nodeSuspect(id, silentMs),
        onAlive: (id) => this.nodeAlive(id),
      });
    }
    const targets = new Map<string, { ip: string; port: number }>();
    if (this.elected) {
      for (const id of views.view.nodeIds) if (id !== myId) targets.set(id, views.view.addrOf(id)!);
      // Deposed while silent: still probed, so that the first reply lets them join again (as replicas).
      for (const id of this.deposed.keys()) {
        const addr = views.live.get(id)?.addr;
        if (addr !== undefined && !targets.has(id)) targets.set(id, addr);
      }
    } else {
      // Everyone else watches the coordinator only, so that its death needs no lease to run out either.
      const leader = views.leader();
      const addr = leader === null ? undefined : views.live.get(leader)?.addr;
      if (leader !== null && leader !== myId && addr !== undefined) targets.set(leader, addr);
      // A silent coordinator whose campaign was just withdrawn stays probed: if this node is elected next,
      // its suspicion carries over (not a whole new heartbeat timeout) and its shard can fail over at once.
      for (const id of this.prober.suspects()) if (id !== myId && !targets.has(id) && views.view.addrOf(id) !== undefined) targets.set(id, views.view.addrOf(id)!);
    }
    this.prober.update(targets);
  }

  /**
   * The prober saw node `id`'s process die. The coordinator's next pass treats it as dead at once; anyone
   * else (who probes only the coordinator) withdraws the dead coordinator's campaign, so that the next
   * candidate is elected now rather than when that campaign's lease runs out.
   */
  private nodeDown(id: string): void {
    const { views, node } = this.host;
    if (!this.elected) {
      this.withdrawCampaign(id, 'refuses connections: its process is gone');
      return;
    }
    if (this.downNodes.has(id)) return;
    this.downNodes.set(id, views.leaseOf.get(id));
    const a = views.view.addrOf(id);
    node.log.warning(`Node ${id} at ${a ? `${a.ip}:${a.port}` : '?'} refuses connections: its process is gone; not waiting for its lease`);
    void this.reconcile();
  }

  /** Deletes the coordinator campaigns of node `id` (on the lease they had), so the next candidate is elected. */
  private withdrawCampaign(id: string, why: string): void {
    const { session, views, node } = this.host;
    for (const [key, c] of views.campaigns) {
      if (c.id !== id) continue;
      node.log.warning(`Coordinator ${id} ${why}; withdrawing its campaign`);
      void session.etcd
        .if(key, 'Lease', '==', c.lease)
        .then(session.etcd.delete().key(key))
        .commit()
        .catch((e: unknown) => session.failed('withdraw campaign', e));
    }
  }

  /**
   * The prober heard nothing from node `id` for silentMs (heartbeats). Anyone but the coordinator (who
   * probes only the coordinator) withdraws the silent coordinator's campaign: planning must go on, and a
   * coordinator that wakes finds its campaign gone and steps down (reconcile) before it plans anything.
   * The coordinator plans again: silentPrimaries decides whether the suspicion may be acted on.
   */
  private nodeSuspect(id: string, silentMs: number): void {
    const { node, views } = this.host;
    const a = views.view.addrOf(id) ?? views.live.get(id)?.addr;
    const where = a ? `${a.ip}:${a.port}` : '?';
    if (!this.elected) {
      if (id === views.leader()) this.withdrawCampaign(id, `at ${where} has not answered heartbeats for ${silentMs} ms`);
      return;
    }
    node.log.warning(`Node ${id} at ${where} has not answered heartbeats for ${silentMs} ms: suspected`);
    void this.reconcile();
  }

  /** A suspected node answered again. */
  private nodeAlive(id: string): void {
    if (!this.elected) return;
    this.host.node.log.notice(`Node ${id} answers heartbeats again${this.deposed.has(id) ? ' (it was replaced: it may join again as a replica)' : ''}`);
    void this.reconcile();
  }

  /** This node's campaign is gone (withdrawn by the others): stop coordinating and campaign again. */
  private stepDown(): void {
    this.host.node.log.warning('This node\'s coordinator campaign was withdrawn (it was silent): stepping down');
    this.elected = false;
    this.deposed.clear();
    this.updateProber();
    this.endCampaign?.();
  }

  /**
   * Node ids to leave out of this pass's plan, as dead, although they are registered: the primaries the
   * prober suspects (no heartbeat reply for cluster-heartbeat-timeout) that are SAFE to replace while they
   * may still be running, i.e. replication-ack is sync (this coordinator's setting: the mode is meant to be
   * the same on every node) and their shard has an in-sync replica that is registered, up and not
   * suspected. Then every acknowledged write is on that replica, and the old primary can acknowledge
   * nothing once it is promoted: a write needs every in-sync replica's acknowledgement, and a promoted
   * replica drops its link to the old primary (replication.ts becomePrimary), whose in-sync set it cannot
   * shrink either (changeInSync commits only for the topology's primary). Anything else (async mode, no
   * in-sync replica, a replica) waits for the lease as before. Also the nodes deposed that way and not
   * heard from since: they stay out (no rejoin while frozen) until they answer or their lease ends.
   * Reads on a deposed primary that still believes it serves are fenced by read leases (issue 10, item 3).
   */
  private silentPrimaries(current: Topology, live: ReadonlyMap<string, Registration>): string[] {
    const prober = this.prober;
    if (prober === null) return [];
    const { node } = this.host;
    for (const [id, at] of this.deposed) {
      const heard = prober.lastHeard(id);
      if (!live.has(id) || (heard !== undefined && heard > at)) this.deposed.delete(id);
    }
    if (node.config.str('replication-ack') === 'sync') {
      const suspects = prober.suspects();
      for (const id of suspects) {
        const n = current.nodes[id];
        if (this.deposed.has(id) || n === undefined || n.role !== 'primary' || n.shard === null || live.get(id)?.state !== 'up') continue;
        const heirs = current.shards[n.shard].inSync.filter((r) => live.get(r)?.state === 'up' && !suspects.has(r));
        if (heirs.length === 0) continue;
        this.deposed.set(id, performance.now());
        node.log.warning(`Primary ${id} of shard ${n.shard} is silent and its shard has in-sync replica(s) ${heirs.join(', ')}: replacing it without waiting for its lease`);
      }
    }
    return [...this.deposed.keys()];
  }
}
