// A node's part in a cluster, as one object for the rest of the node (router, ack gate, CLUSTER commands,
// INFO, SHUTDOWN). It wires four parts, each behind the narrow host interface it declares:
// - membership.ts: the registration on a lease, fencing, the hand-off on leave;
// - view-keeper.ts: the etcd watch and the immutable ClusterView swapped in whole, this node's role;
// - coordinator.ts: the election, the controller loop that plans the topology, the prober;
// - topology-tx.ts: compare-and-swap writes of the topology (plans, slot commits, in-sync set, failover);
// sharing one etcd-session.ts (client, key layout, etcd health, the stopped flag).
//
// etcd unreachable: the node keeps serving with the view it has; registration, controller and commits
// retry every RETRY_MS; the log says it once when etcd goes and once when it is back.
import type { AckGate } from './ack-gate';
import { Coordinator } from './coordinator';
import { EtcdSession, sleep } from './etcd-session';
import type { ClusterNodeHost, MigratorLike } from './host';
import { Membership } from './membership';
import { leaseTtlSeconds } from './registration';
import { TopologyTx } from './topology-tx';
import type { NodeAddr } from './topology';
import type { ClusterView } from './view';
import { ViewKeeper } from './view-keeper';
import { route, servesHere, type RoutedClient } from './router';
import type { CommandSpec, ForgetStatus } from '../commands/types';
import * as E from '../protocol/errors';
import type { Reply } from '../protocol/reply';
import { clusterInfo, clusterNodes, clusterShards, clusterSlots, writeClusterReply } from './replies';

export type { MigratorLike } from './host';
export { leaseTtlSeconds } from './registration';

/** How long stop() waits for etcd to take the revocation, resignation and watch cancel, ms. */
const STOP_WAIT_MS = 2000;

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

export class ClusterAgent {
  readonly myId: string;
  readonly prefix: string;
  /** replication-ack sync: holds replies until the in-sync replicas acknowledged (set at start-up). */
  gate: AckGate | null = null;
  /** The migration engine (set by the node at start-up). */
  migrator: MigratorLike | null = null;
  /** cluster-require-full-coverage (kept current by the node). */
  requireFullCoverage = true;

  private readonly session: EtcdSession;
  private readonly keeper: ViewKeeper;
  private readonly membership: Membership;
  private readonly controller: Coordinator;
  private readonly tx: TopologyTx;
  private started = false;

  constructor(
    readonly node: ClusterNodeHost,
    readonly opts: AgentOptions,
  ) {
    const myId = (this.myId = opts.myId);
    const session = (this.session = new EtcdSession(opts.endpoints, opts.clusterName, leaseTtlSeconds(opts.nodeTimeoutMs), {
      log: node.log,
      clock: node.clock,
      epoch: () => this.keeper.view.version,
    }));
    this.prefix = session.prefix;
    const keeper = (this.keeper = new ViewKeeper({
      myId,
      node,
      session,
      unavailable: () => this.membership.unavailable,
      migrator: () => this.migrator,
      gate: () => this.gate,
      changed: () => this.controller.poke(),
      probeTargetsChanged: () => this.controller.updateProber(),
    }));
    this.tx = new TopologyTx({ myId, node, session, adopt: (text, rev) => keeper.adoptTopology(text, rev) });
    this.membership = new Membership({
      myId,
      node,
      session,
      views: keeper,
      announce: () => this.opts.announce,
      gate: () => this.gate,
      poke: () => this.controller.poke(),
      adopt: (text, rev) => keeper.adoptTopology(text, rev),
    });
    this.controller = new Coordinator({
      myId,
      node,
      session,
      views: keeper,
      planning: opts,
      cas: (rev, t) => this.tx.cas(rev, t),
    });
  }

  /** The view the node routes by and answers CLUSTER commands from. */
  get view(): ClusterView {
    return this.keeper.view;
  }
  /** cluster_state:ok in `view` (every slot has an owner; a primary not live takes only its slots down). */
  get stateOk(): boolean {
    return this.keeper.stateOk;
  }
  /** The shard this node belongs to in `view`, or null. */
  get myShard(): string | null {
    return this.keeper.myShard;
  }
  /** True when this node is its shard's primary in `view` (false for a replica or outside the topology). */
  get isPrimary(): boolean {
    return this.keeper.isPrimary;
  }
  /** Slots seen going from a removed (dead) shard to a survivor since start (INFO cluster_slots_reassigned). */
  get slotsReassigned(): number {
    return this.keeper.slotsReassigned;
  }
  /** True while this node is the coordinator. */
  get coordinator(): boolean {
    return this.controller.elected;
  }
  /** True while a restarted process waits for an in-sync replica to replace it as primary (membership.ts). */
  get unavailable(): boolean {
    return this.membership.unavailable;
  }
  /** PSYNC from node `id` is refused unless the view makes it a replica of this node's shard, led by this node. */
  refusesReplica(id: string): boolean {
    return this.keeper.refusesReplica(id);
  }
  /** Set while SHUTDOWN/SIGTERM hands this node's slots off. */
  get leaving(): boolean {
    return this.membership.leaving;
  }

  /** Starts registration, watch and campaign in the background; never rejects (etcd may be down). */
  start(): void {
    this.started = true;
    void this.membership.registerLoop();
    void this.keeper.watchLoop();
    this.controller.start();
  }

  /** Fencing: true when this primary must refuse writes (membership.ts writesFenced). */
  writesFenced(): boolean {
    return this.membership.writesFenced();
  }

  /** INFO cluster_etcd_reachable: 1, 0 while this node's lease goes unrenewed for half its TTL, -1 not known (membership.ts). */
  get etcdReachable(): 1 | 0 | -1 {
    return this.membership.etcdReachable();
  }

  /** INFO cluster_etcd_lease_age_ms: ms since this node's lease was last renewed; -1 not known (membership.ts). */
  get etcdLeaseAgeMs(): number {
    return this.membership.leaseAgeMs();
  }

  /** Read fencing: true when this node must refuse reads (membership.ts readsFenced). */
  readsFenced(): boolean {
    return this.membership.readsFenced();
  }

  /**
   * Routing of one command by this node's current view (router.ts): null to run it here, else the
   * redirect or refusal (MOVED, ASK, TRYAGAIN, CROSSSLOT, CLUSTERDOWN).
   */
  route(c: RoutedClient, spec: CommandSpec, argv: readonly string[], asking: boolean): string | null {
    return route(this, c, spec, argv, asking);
  }
  servesHere(spec: CommandSpec, slot: number): boolean {
    return servesHere(this, spec, slot);
  }

  // ---- what the CLUSTER commands answer, from the current view (replies.ts) ----

  /** CLUSTER SLOTS. */
  writeSlots(out: Reply): void {
    writeClusterReply(out, clusterSlots(this.view));
  }

  /** CLUSTER SHARDS. */
  writeShards(out: Reply): void {
    writeClusterReply(out, clusterShards(this.view, () => 0));
  }

  /** CLUSTER NODES text at `nowMs`. */
  nodesText(nowMs: number): string {
    return clusterNodes(this.view, this.myId, nowMs);
  }

  /** CLUSTER INFO text. */
  infoText(): string {
    return clusterInfo(this.view, this.myId);
  }

  /**
   * Why CLUSTER FAILOVER cannot run here, as its error reply, or null when this node is an in-sync
   * replica: a primary; a replica outside any shard; a replica not in its shard's in-sync set.
   */
  failoverRefusal(): string | null {
    if (this.isPrimary) return E.ERR_FAILOVER_ON_PRIMARY;
    const me = this.view.node(this.myId);
    if (me === undefined || me.shard === null) return E.ERR_FAILOVER_NO_PRIMARY;
    if (!this.view.shard(me.shard)!.inSync.includes(this.myId)) return E.ERR_FAILOVER_NOT_IN_SYNC;
    return null;
  }

  /** The in-sync set of `shard` becomes fn(current set) by a topology transaction (topology-tx.ts changeInSync). */
  changeInSync(shard: string, fn: (ids: readonly string[]) => readonly string[]): Promise<boolean> {
    return this.tx.changeInSync(shard, fn);
  }

  /** CLUSTER FAILOVER on an in-sync replica (topology-tx.ts failover). */
  failover(): Promise<boolean> {
    return this.tx.failover();
  }

  /** CLUSTER FORGET `id`: removes the down primary's shard from the topology (topology-tx.ts forget). */
  forget(id: string): Promise<ForgetStatus> {
    return this.tx.forget(id);
  }

  /** Commits slots the migrator emptied (topology-tx.ts commit): true once committed, false on etcd errors. */
  commit(from: string, slots: number[]): Promise<boolean> {
    return this.tx.commit(from, slots);
  }

  /**
   * SHUTDOWN / SIGTERM: marks this node leaving, waits until the coordinator has handed its slots to
   * the others and removed it from the topology (or timeoutMs passed, or etcd became unreachable: no one
   * could take the slots then), then stop()s. Resolves true when the hand-off completed (or the agent
   * never started: nothing to hand off); never rejects.
   */
  async leave(timeoutMs: number): Promise<boolean> {
    if (!this.started) {
      await this.stop(); // never registered: nothing to hand off
      return true;
    }
    const done = await this.membership.handOff(timeoutMs);
    await this.stop();
    return done;
  }

  /** Deregisters (revokes the lease), resigns, stops watching and migrating, closes etcd. Idempotent. */
  async stop(): Promise<void> {
    const session = this.session;
    if (session.stopped) return;
    session.stopped = true;
    this.controller.halt();
    this.membership.close();
    await this.migrator?.stop();
    const tasks: Promise<unknown>[] = [];
    const revoked = this.membership.revoke();
    if (revoked) tasks.push(revoked);
    const resigned = this.controller.resign();
    if (resigned) tasks.push(resigned);
    tasks.push(this.keeper.cancel());
    await Promise.race([Promise.all(tasks), sleep(STOP_WAIT_MS)]);
    session.etcd.close();
  }
}
