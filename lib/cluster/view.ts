// ClusterView: an immutable snapshot built once from a Topology plus the set of live nodes (those whose
// etcd lease exists). A node routes by its current view and answers CLUSTER SLOTS / SHARDS / NODES /
// INFO from that same view; when etcd reports a change it builds a new view and swaps it in whole.
// Per-slot lookups are O(1) (Int32Array indexed by slot); everything else is precomputed.
import { SLOTS } from '../util/slots';
import type { NodeAddr, Topology, TopologyNode, TopologyShard } from './topology';

/** A contiguous run of slots [start, end], both inclusive. */
export type SlotRun = readonly [number, number];

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

export class ClusterView {
  /** The topology this view was built from (deep-frozen copy). */
  readonly topology: Topology;
  /** The cluster epoch: topology.version. */
  readonly version: number;
  /** Shard ids, sorted ascending. */
  readonly shardIds: readonly string[];
  /** Node ids, sorted ascending. */
  readonly nodeIds: readonly string[];
  /** Nodes whose lease exists; any other node of the topology is shown as `fail`. */
  readonly liveNodes: ReadonlySet<string>;
  /** Number of slots that have an owner. */
  readonly assignedSlots: number;

  readonly #owner: Int32Array; // slot -> index in shardIds, -1 unassigned
  readonly #migTo: Int32Array; // slot -> destination shard index, -1 not migrating
  readonly #migFrom: Int32Array; // slot -> source shard index, -1 not migrating
  readonly #runs: ReadonlyMap<string, readonly SlotRun[]>;

  /** Builds the view; `topology` must come from parseTopology/validateTopology (it is not re-checked). */
  constructor(topology: Topology, liveNodes: Iterable<string>) {
    this.topology = deepFreeze(JSON.parse(JSON.stringify(topology)) as Topology);
    this.version = topology.version;
    this.shardIds = Object.freeze(Object.keys(topology.shards).sort());
    this.nodeIds = Object.freeze(Object.keys(topology.nodes).sort());
    const live = new Set<string>();
    for (const id of liveNodes) if (topology.nodes[id] !== undefined) live.add(id);
    this.liveNodes = live;
    const index = new Map<string, number>();
    this.shardIds.forEach((s, i) => index.set(s, i));

    this.#owner = new Int32Array(SLOTS).fill(-1);
    let assigned = 0;
    for (const [start, end, sid] of topology.slots) {
      this.#owner.fill(index.get(sid)!, start, end + 1);
      assigned += end - start + 1;
    }
    this.assignedSlots = assigned;
    this.#migTo = new Int32Array(SLOTS).fill(-1);
    this.#migFrom = new Int32Array(SLOTS).fill(-1);
    for (const m of topology.migrating) {
      this.#migTo[m.slot] = index.get(m.to)!;
      this.#migFrom[m.slot] = index.get(m.from)!;
    }

    const runs = new Map<string, SlotRun[]>();
    for (const s of this.shardIds) runs.set(s, []);
    for (let slot = 0; slot < SLOTS; ) {
      const k = this.#owner[slot];
      let end = slot;
      while (end + 1 < SLOTS && this.#owner[end + 1] === k) end++;
      if (k >= 0) runs.get(this.shardIds[k])!.push(Object.freeze([slot, end] as const));
      slot = end + 1;
    }
    for (const r of runs.values()) Object.freeze(r);
    this.#runs = runs;
    Object.freeze(this);
  }

  /** The shard owning `slot`, or null when unassigned (or `slot` is out of range). */
  ownerOfSlot(slot: number): string | null {
    const k = this.#owner[slot];
    return k === undefined || k < 0 ? null : this.shardIds[k];
  }

  /** The primary node id of `shard`, or null for an unknown shard. */
  primaryOf(shard: string): string | null {
    return this.topology.shards[shard]?.primary ?? null;
  }

  /** The shard record, or undefined. */
  shard(shard: string): TopologyShard | undefined {
    return this.topology.shards[shard];
  }

  /** The node record, or undefined. */
  node(id: string): TopologyNode | undefined {
    return this.topology.nodes[id];
  }

  /** The address of node `id`, or undefined for an unknown node. */
  addrOf(id: string): NodeAddr | undefined {
    return this.topology.nodes[id]?.addr;
  }

  /** True when node `id` is in the topology and its lease exists. */
  isLive(id: string): boolean {
    return this.liveNodes.has(id);
  }

  /** The primary serving `slot` (the owner shard's primary), or null when unassigned. */
  primaryOfSlot(slot: number): string | null {
    const s = this.ownerOfSlot(slot);
    return s === null ? null : this.primaryOf(s);
  }

  /** The contiguous slot runs owned by `shard`, in slot order (empty for none / unknown shard). */
  slotRanges(shard: string): readonly SlotRun[] {
    return this.#runs.get(shard) ?? [];
  }

  /** The destination shard when `slot` is migrating away from its owner, else null. */
  migratingOut(slot: number): string | null {
    const k = this.#migTo[slot];
    return k === undefined || k < 0 ? null : this.shardIds[k];
  }

  /** The source shard (the current owner) when `slot` is being imported by another shard, else null. */
  importingIn(slot: number): string | null {
    const k = this.#migFrom[slot];
    return k === undefined || k < 0 ? null : this.shardIds[k];
  }

  /** Config epoch shown for a node: its own for a primary, its primary's for a replica (as Redis). */
  configEpochOf(id: string): number {
    const n = this.topology.nodes[id];
    if (n === undefined) return 0;
    if (n.role === 'replica' && n.shard !== null) {
      const p = this.topology.nodes[this.topology.shards[n.shard].primary];
      return p.epoch;
    }
    return n.epoch;
  }
}
