// The view keeper: mirrors what etcd holds under the cluster's prefix (registrations, the topology,
// the campaigns for coordinator) through one watch, and swaps in a new immutable ClusterView whenever it
// changes (coalesced to one rebuild per event-loop turn). Each swap drops the keys of slots this node
// stopped serving, makes replication match this node's role, and tells the migrator, the ack gate and the
// prober.
import type { IKeyValue, Watcher } from 'etcd3';
import { RETRY_MS, sleep, type EtcdSession } from './etcd-session';
import type { ClusterNodeHost, GateLike, MigratorLike } from './host';
import { EMPTY_TOPOLOGY, type Registration } from './planner';
import { parseRegistration } from './registration';
import { clusterState } from './replies';
import { SLOTS } from '../util/slots';
import { parseTopology, type Topology } from './topology';
import { ClusterView } from './view';

/** A campaign for coordinator as the watch saw it: the campaigning node, its lease, its create revision. */
export interface Campaign {
  id: string;
  lease: string;
  rev: bigint;
}

/** What the view keeper needs of the agent it serves. */
export interface ViewKeeperHost {
  readonly myId: string;
  readonly node: Pick<ClusterNodeHost, 'log' | 'repl' | 'dbs'>;
  readonly session: EtcdSession;
  /** True while a restarted process waits to be replaced as primary (membership.ts): never primary then. */
  unavailable(): boolean;
  migrator(): MigratorLike | null;
  gate(): GateLike | null;
  /** A registration or the topology changed: the coordinator (if this node is it) plans again. */
  changed(): void;
  /** The campaigns changed or a view was swapped in: whom the prober watches may have changed. */
  probeTargetsChanged(): void;
}

export class ViewKeeper {
  /** The view the node routes by and answers CLUSTER commands from. */
  view = new ClusterView(EMPTY_TOPOLOGY, []);
  /** cluster_state:ok in `view` (every slot has an owner; a primary not live takes only its slots down). */
  stateOk = false;
  /** The shard this node belongs to in `view`, or null. */
  myShard: string | null = null;
  /** True when this node is its shard's primary in `view` (false for a replica or outside the topology). */
  isPrimary = false;
  /** Slots seen going from a removed (dead) shard to a survivor since start (INFO cluster_slots_reassigned). */
  slotsReassigned = 0;
  /** The registered nodes, by id (the registrations that parse). */
  readonly live = new Map<string, Registration>();
  /** The lease of each node's registration, as last seen (etcd lease ids, decimal). */
  readonly leaseOf = new Map<string, string>();
  /** Campaigns for coordinator, by etcd key (the oldest is the coordinator). */
  readonly campaigns = new Map<string, Campaign>();

  private topology: Topology = EMPTY_TOPOLOGY;
  private topologyRev = -1n;
  private watcher: Watcher | null = null;
  private rebuildQueued = false;
  private viewWaiters: Array<() => void> = [];
  /** The primary this node replicates from, null when it is not a replica. */
  private following: string | null = null;
  /** The shard of `following` (null with it). */
  private followingShard: string | null = null;

  constructor(private readonly host: ViewKeeperHost) {}

  /**
   * Reads everything under the prefix once, then watches it from the next revision. Retries every
   * RETRY_MS until it works or the session stops; never rejects.
   */
  async watchLoop(): Promise<void> {
    const session = this.host.session;
    while (!session.stopped) {
      try {
        const res = await session.etcd.getAll().prefix(`${session.prefix}/`).exec();
        this.live.clear();
        this.campaigns.clear();
        for (const kv of res.kvs) this.apply('put', kv);
        const w = await session.etcd.watch().prefix(`${session.prefix}/`).startRevision((BigInt(res.header.revision) + 1n).toString()).create();
        if (session.stopped) {
          await w.cancel();
          return;
        }
        this.watcher = w;
        w.on('put', (kv: IKeyValue) => this.apply('put', kv));
        w.on('delete', (kv: IKeyValue) => this.apply('delete', kv));
        // etcd3 resumes a watch after a disconnection on its own, but emits 'error' when etcd cancelled it
        // (e.g. its start revision was compacted) and never resumes that one: read everything again.
        w.on('error', () => {
          if (this.watcher !== w || session.stopped) return;
          this.watcher = null;
          void this.watchLoop();
        });
        this.scheduleRebuild();
        return;
      } catch (e) {
        session.failed('watch', e);
        await sleep(RETRY_MS);
      }
    }
  }

  /** Cancels the watch (stop). Never rejects. */
  async cancel(): Promise<void> {
    await this.watcher?.cancel().catch(() => undefined);
  }

  private apply(type: 'put' | 'delete', kv: IKeyValue): void {
    const session = this.host.session;
    const key = kv.key.toString('utf8');
    if (key === session.topologyKey) {
      if (type === 'put') this.adoptTopology(kv.value.toString('utf8'), BigInt(kv.mod_revision));
    } else if (key.startsWith(session.campaignsPrefix)) {
      // Campaigns for coordinator: the oldest key (smallest create revision) is the leader.
      if (type === 'put') this.campaigns.set(key, { id: kv.value.toString('utf8'), lease: kv.lease, rev: BigInt(kv.create_revision) });
      else this.campaigns.delete(key);
      this.host.probeTargetsChanged();
    } else if (key.startsWith(session.nodesPrefix)) {
      const id = key.slice(session.nodesPrefix.length);
      const reg = type === 'put' ? parseRegistration(kv.value.toString('utf8')) : null;
      if (reg === null) {
        this.live.delete(id);
        this.leaseOf.delete(id);
      } else {
        this.live.set(id, reg);
        this.leaseOf.set(id, kv.lease);
      }
      this.scheduleRebuild();
      this.host.changed();
    }
  }

  /**
   * Takes a topology value newer than the one held (by etcd mod revision `rev`: the watch's, or a
   * transaction's that just wrote it); ignores an older or invalid one (an invalid one is logged).
   */
  adoptTopology(text: string, rev: bigint): void {
    if (rev <= this.topologyRev) return;
    try {
      this.topology = parseTopology(text);
      this.topologyRev = rev;
    } catch (e) {
      this.host.node.log.warning(`Ignoring an invalid topology at revision ${rev}: ${(e as Error).message}`);
      return;
    }
    this.scheduleRebuild();
    this.host.changed();
  }

  /** The node id of the coordinator (the oldest campaign), or null. */
  leader(): string | null {
    let best: Campaign | null = null;
    for (const c of this.campaigns.values()) if (best === null || c.rev < best.rev) best = c;
    return best?.id ?? null;
  }

  /** Rebuilds the view once, later in this event-loop turn, however often it is asked meanwhile. */
  scheduleRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    setImmediate(() => {
      this.rebuildQueued = false;
      this.rebuild();
    });
  }

  /** Resolves after the next view swap, or after timeoutMs (real time) without one. Never rejects. */
  nextView(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.viewWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Builds and swaps in a new view from the topology and registrations held; drops keys of slots lost. */
  private rebuild(): void {
    const myId = this.host.myId;
    const prev = this.view;
    const prevShard = this.myShard;
    const view = new ClusterView(this.topology, [...this.live.keys(), myId]);
    const me = view.node(myId);
    const myShard = me === undefined ? null : me.shard;
    this.view = view;
    this.myShard = myShard;
    this.isPrimary = me !== undefined && me.role === 'primary' && !this.host.unavailable();
    this.stateOk = computeStateOk(view);
    this.countReassigned(prev, view);
    this.dropLostSlots(prev, prevShard, view, myShard);
    this.applyRole(view);
    // Only a primary moves its shard's slots: a replica (or a restarted node waiting to be replaced)
    // holds a copy that may lag, and must never send keys, delete them or commit slots of its own.
    this.host.migrator()?.update(view, this.isPrimary ? myShard : null);
    this.host.gate()?.onView();
    this.host.probeTargetsChanged();
    const waiters = this.viewWaiters;
    this.viewWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Makes replication match this node's role in `view`, whatever it was before:
   * - a replica follows its shard's primary (for this epoch: a primary refuses replicas that saw a newer one);
   * - a node the view names primary is a primary (role master: writable, accepts PSYNC). A replica promoted
   *   in the shard it was following continues that stream (its replicas PSYNC on); any other replica role
   *   (following another shard's primary, or left over after it was dropped from the topology and
   *   unfollowed) starts a fresh history. Decided by the replication role itself, not by whom this node
   *   last followed: a replica dropped from the topology (it unfollows, following = null) and later made
   *   primary of a new shard used to stay a replica, so migrations into it got READONLY forever and its
   *   replicas NOMASTERLINK (issue 10);
   * - a node outside the topology follows no one (it keeps its role; it routes every key elsewhere).
   */
  private applyRole(view: ClusterView): void {
    const { log, repl } = this.host.node;
    repl.epoch = view.version;
    const me = view.node(this.host.myId);
    if (me !== undefined && me.role === 'replica' && me.shard !== null) {
      const primary = view.primaryOf(me.shard)!;
      const addr = view.addrOf(primary)!;
      if (this.following !== primary) {
        log.notice(`Replica of shard ${me.shard}: following ${primary} at ${addr.ip}:${addr.port} (epoch ${view.version})`);
        this.following = primary;
        this.followingShard = me.shard;
        repl.follow(addr.ip, addr.port, view.version);
      }
      return;
    }
    const wasFollowing = this.following !== null ? this.followingShard : null;
    this.following = null;
    this.followingShard = null;
    if (me !== undefined && me.role === 'primary') {
      if (repl.role === 'master') return;
      const inPlace = wasFollowing !== null && wasFollowing === me.shard;
      log.warning(`Promoted to primary of shard ${me.shard} (epoch ${view.version}${inPlace ? '' : ', a new replication history'})`);
      repl.becomePrimary(!inPlace);
    } else if (wasFollowing !== null) {
      repl.unfollow();
    }
  }

  /**
   * True unless `view` makes this node its shard's primary and `id` a replica of that shard. A whole shard
   * cut from etcd (issue 10): its primary, replaced while cut, dropped its keys and forgot its stream on
   * the heal; a replica that had not yet seen the new epoch reconnected to it, got a full resync of
   * nothing, and was then promoted from the newer view: the shard's data was gone.
   */
  refusesReplica(id: string): boolean {
    const me = this.view.node(this.host.myId);
    if (me === undefined || me.role !== 'primary' || me.shard === null) return true;
    const r = this.view.node(id);
    return r === undefined || r.role !== 'replica' || r.shard !== me.shard;
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
    this.host.node.log.warning(`Epoch ${next.version}: ${n} slots of removed shards were reassigned to the survivors, empty (their keys are lost)`);
  }

  /**
   * Deletes the keys of every slot this node owned or imported in `prev` and neither owns nor imports in
   * `next` as the same shard (all of them when its shard changed).
   */
  private dropLostSlots(prev: ClusterView, prevShard: string | null, next: ClusterView, nextShard: string | null): void {
    if (prevShard === null) return;
    // Left its shard: what it holds (dropped now) no longer matches the stream it followed or fed, and
    // replies held for acknowledgements of writes it dropped must never say OK.
    if (nextShard !== prevShard) {
      this.host.gate()?.abandon();
      this.host.node.repl.forgetHistory();
    }
    const db = this.host.node.dbs[0];
    if (db.size === 0) return;
    let dropped = 0;
    for (let slot = 0; slot < SLOTS; slot++) {
      const had = prev.ownerOfSlot(slot) === prevShard || prev.migratingOut(slot) === prevShard;
      if (!had) continue;
      // Importing a slot this node owned in prev (it was removed and re-joined as the same shard id, the
      // versions between coalesced into one rebuild): what it holds is stale, the import starts empty.
      const imports = next.migratingOut(slot) === nextShard && prev.migratingOut(slot) === prevShard;
      // In another shard now (released from a removed one, the versions between coalesced into one
      // rebuild, e.g. after a partition): nothing it held is valid there (a new shard's slots start empty,
      // a replica copies its primary), even where the new shard got the same slots.
      const has = nextShard !== null && nextShard === prevShard && (next.ownerOfSlot(slot) === nextShard || imports);
      if (!has) dropped += db.deleteKeysInSlot(slot);
    }
    if (dropped > 0) this.host.node.log.notice(`Dropped ${dropped} keys of slots this node no longer serves (epoch ${next.version})`);
  }
}

/**
 * cluster_state ok: every slot has an owner (CLUSTER INFO's rule, replies.ts clusterState). A shard whose
 * primary is not live (its lease ran out, the coordinator is promoting its replica or reassigning its
 * slots) does not make the state fail: only its own slots answer CLUSTERDOWN (router.ts), so the other
 * shards keep serving through a failover. This is Redis's PFAIL window: Redis, too, keeps serving while
 * a primary is only suspected, and our coordinator's one topology transaction is both Redis's FAIL
 * marking and its failover, so there is no state in which Redis would have stopped every slot waiting
 * for an election (issue 10 item 4).
 */
function computeStateOk(view: ClusterView): boolean {
  return clusterState(view) === 'ok';
}
