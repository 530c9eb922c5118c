// Topology transactions: every change this node makes to P/topology is a compare-and-swap on the key's mod
// revision, re-read and retried on conflict: the controller's plans, the commits of slots the migrator
// emptied (batched, spaced), in-sync set changes (ack-gate.ts), CLUSTER FAILOVER and CLUSTER FORGET. A successful write
// is adopted at once, without waiting for the watch to bring it back.
import type { Clock } from '../util/clock';
import { sleep, type EtcdSession } from './etcd-session';
import type { ClusterLog } from './host';
import type { ForgetStatus } from '../commands/types';
import { finalizeMigrations, forgetShard, promote, setInSync } from './planner';
import { Peer } from './peer';
import { parseTopology, serializeTopology, type NodeAddr, type Topology } from './topology';

/**
 * Least time between two migration commits of this node, ms: each commit makes every node parse the
 * topology and rebuild its view, so slots emptied meanwhile are batched into the next commit.
 */
const COMMIT_SPACING_MS = 200;

/** What topology transactions need of the agent they serve. */
export interface TopologyTxHost {
  readonly myId: string;
  readonly node: { readonly log: ClusterLog; readonly clock: Clock; readonly config?: { str(name: string): string } };
  readonly session: EtcdSession;
  /** Takes a topology this node just wrote, at etcd revision `rev` (view-keeper.ts adoptTopology). */
  adopt(text: string, rev: bigint): void;
  /** True when something answers PING at `addr` within FORGET_PROBE_MS (default: a Peer). */
  answers?(addr: NodeAddr): Promise<boolean>;
}

/** How long CLUSTER FORGET waits for the forgotten node to answer PING before it counts as lost, ms. */
const FORGET_PROBE_MS = 500;

/** True when a PING to `addr` gets any reply within FORGET_PROBE_MS. Never rejects. */
async function pingAnswers(addr: NodeAddr, password: string): Promise<boolean> {
  const peer = new Peer(addr.ip, addr.port, password, FORGET_PROBE_MS);
  try {
    const reply = await Promise.race([peer.send(['PING']), sleep(FORGET_PROBE_MS).then(() => null)]);
    return reply !== null;
  } catch {
    return false;
  } finally {
    peer.close();
  }
}

export class TopologyTx {
  private pendingCommits = new Map<string, Set<number>>();
  private committing = false;
  /** When the last commit ended (ms on the node's clock). */
  private lastCommitAt = 0;
  private commitWaiters: Array<() => void> = [];

  constructor(private readonly host: TopologyTxHost) {}

  /**
   * Writes `t` if the topology key still has mod revision `rev` ('0': if it does not exist); adopts it at
   * once on success. Resolves false when someone changed the key first; rejects on etcd errors.
   */
  async cas(rev: string, t: Topology): Promise<boolean> {
    const { etcd, topologyKey: key } = this.host.session;
    const text = serializeTopology(t);
    const res = await etcd.if(key, 'Mod', '==', rev).then(etcd.put(key).value(text)).commit();
    if (!res.succeeded) return false;
    this.host.adopt(text, BigInt(res.header.revision));
    return true;
  }

  /**
   * Replaces the in-sync set of `shard` by fn(current set) in one topology transaction (retried on
   * conflicts). Resolves true when committed (or already so), false when the shard is gone or this node is
   * no longer its primary in the latest topology; rejects on etcd errors.
   */
  async changeInSync(shard: string, fn: (ids: readonly string[]) => readonly string[]): Promise<boolean> {
    const { session, myId } = this.host;
    for (;;) {
      const kv = (await session.etcd.get(session.topologyKey).exec()).kvs[0];
      if (kv === undefined) return false;
      const t = parseTopology(kv.value.toString('utf8'));
      const s = t.shards[shard];
      if (s === undefined || s.primary !== myId) return false;
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
    const { session, myId } = this.host;
    for (;;) {
      const kv = (await session.etcd.get(session.topologyKey).exec()).kvs[0];
      if (kv === undefined) return false;
      const t = parseTopology(kv.value.toString('utf8'));
      const me = t.nodes[myId];
      if (me === undefined || me.role !== 'replica' || me.shard === null || !t.shards[me.shard].inSync.includes(myId)) return false;
      if (await this.cas(kv.mod_revision, promote(t, me.shard, myId))) {
        this.host.node.log.warning(`CLUSTER FAILOVER: this node is now the primary of shard ${me.shard}`);
        return true;
      }
    }
  }

  /**
   * CLUSTER FORGET `id`: removes the shard whose primary `id` is down from the topology (forgetShard: its
   * slots become unowned, the coordinator's next plan gives them to the other shards, empty), in one
   * transaction that also requires `id` to have no registration, so a primary that registers again
   * meanwhile keeps its shard. Checked on the latest topology and registrations: unknown node, this node,
   * registered, not a shard's primary, a registered in-sync replica in its shard (the coordinator
   * promotes it), answering PING on its address (cut from etcd only). Retried on conflicts; rejects on etcd errors. Logs a warning when done.
   */
  async forget(id: string): Promise<ForgetStatus> {
    const { session, myId, node } = this.host;
    const regKey = session.nodesPrefix + id;
    for (;;) {
      const [topo, regs] = await Promise.all([session.etcd.get(session.topologyKey).exec(), session.etcd.getAll().prefix(session.nodesPrefix).keys()]);
      const kv = topo.kvs[0];
      const t = kv === undefined ? null : parseTopology(kv.value.toString('utf8'));
      const n = t?.nodes[id];
      if (t === null || n === undefined) return { status: 'unknown' };
      if (id === myId) return { status: 'myself' };
      const registered = new Set(regs.map((k) => k.slice(session.nodesPrefix.length)));
      if (registered.has(id)) return { status: 'live' };
      if (n.role !== 'primary' || n.shard === null) return { status: 'not-primary' };
      if (t.shards[n.shard].inSync.some((r) => registered.has(r))) return { status: 'heir' };
      // Cut from etcd but reachable (a split this node's side cannot see whole): not lost.
      const answers = this.host.answers ?? ((a: NodeAddr) => pingAnswers(a, this.host.node.config?.str('requirepass') ?? ''));
      if (await answers(n.addr)) return { status: 'answers' };
      const f = forgetShard(t, id);
      const { etcd, topologyKey: key } = session;
      const res = await etcd
        .if(key, 'Mod', '==', kv!.mod_revision)
        .and(regKey, 'Version', '==', 0)
        .then(etcd.put(key).value(serializeTopology(f.topology)))
        .commit();
      if (!res.succeeded) continue;
      this.host.adopt(serializeTopology(f.topology), BigInt(res.header.revision));
      node.log.warning(`CLUSTER FORGET ${id}: shard ${f.shard} removed by the operator, its ${f.slots} slots will be reassigned EMPTY`);
      return { status: 'ok', shard: f.shard, slots: f.slots };
    }
  }

  /**
   * Makes the targets the owners of `slots` (emptied by the migrator, all migrating from shard `from`) in
   * one topology transaction; commits requested while one runs are merged into the next, and commits are
   * at least COMMIT_SPACING_MS apart. Resolves true once these slots are committed (or no longer migrating
   * from `from`), false when etcd failed (the migrator asks again); never rejects.
   */
  async commit(from: string, slots: number[]): Promise<boolean> {
    const { session, node } = this.host;
    let set = this.pendingCommits.get(from);
    if (set === undefined) this.pendingCommits.set(from, (set = new Set()));
    for (const s of slots) set.add(s);
    while (this.committing) await this.nextCommitTurn();
    if (!slots.some((s) => this.pendingCommits.get(from)?.has(s))) return true; // done by a merged commit
    this.committing = true;
    const wait = this.lastCommitAt + COMMIT_SPACING_MS - node.clock.now();
    if (wait > 0) await sleep(wait);
    const batch = this.pendingCommits;
    this.pendingCommits = new Map();
    try {
      for (;;) {
        const kv = (await session.etcd.get(session.topologyKey).exec()).kvs[0];
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
          session.ok();
          return true;
        }
      }
    } catch (e) {
      session.failed('commit', e);
      for (const [f, s] of batch) {
        const cur = this.pendingCommits.get(f) ?? new Set<number>();
        for (const x of s) cur.add(x);
        this.pendingCommits.set(f, cur);
      }
      return false;
    } finally {
      this.lastCommitAt = node.clock.now();
      this.committing = false;
      this.wakeCommitters();
    }
  }

  private nextCommitTurn(): Promise<void> {
    return new Promise((r) => this.commitWaiters.push(r));
  }

  private wakeCommitters(): void {
    const w = this.commitWaiters;
    this.commitWaiters = [];
    for (const r of w) r();
  }
}
