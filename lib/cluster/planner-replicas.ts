// Replica promotion and in-sync bookkeeping (issue 5): used by plan() for failovers and planned
// switches, and exported as promote() (CLUSTER FAILOVER) and setInSync() (a primary's in-sync set).
// Pure: no I/O, no clock. Every topology returned passes validateTopology.
import { MNode, MShard, copyNodes, copyShards, dropReplica } from './planner-model';
import { Topology, validateTopology } from './topology';

/**
 * The in-sync replica of `s` that a failover promotes among those `eligible` accepts: the highest
 * offset (missing = 0), ties broken by the smallest id; undefined when there is none.
 */
export function pickPromotion(s: MShard, eligible: (id: string) => boolean, offsets?: ReadonlyMap<string, number>): string | undefined {
  return pickHighest(s.inSync, eligible, offsets);
}

/**
 * Among `ids`, the one `eligible` accepts with the highest offset (missing = 0), ties broken by the
 * smallest id; undefined when none is eligible.
 */
export function pickHighest(ids: readonly string[], eligible: (id: string) => boolean, offsets?: ReadonlyMap<string, number>): string | undefined {
  let best: string | undefined;
  let bestOffset = -Infinity;
  for (const id of ids) {
    if (!eligible(id)) continue;
    const off = offsets?.get(id) ?? 0;
    if (off > bestOffset || (off === bestOffset && id < (best as string))) (best = id), (bestOffset = off);
  }
  return best;
}

/**
 * In place: replica `id` of shard `sid` becomes its primary (role primary, epoch = `version`); it leaves
 * replicas and inSync, the other replicas keep their place and in-sync state. Returns the old primary
 * id; its node record is untouched (the caller removes or demotes it).
 */
export function promoteIn(nodes: Record<string, MNode>, shards: Record<string, MShard>, sid: string, id: string, version: number): string {
  const s = shards[sid];
  const old = s.primary;
  dropReplica(s, id);
  s.primary = id;
  nodes[id].role = 'primary';
  nodes[id].epoch = version;
  return old;
}

/**
 * CLUSTER FAILOVER: `current` with in-sync replica `replicaId` of `shard` promoted to primary (epoch =
 * the new version, slots and migrations unchanged) and the old primary demoted to a replica of the same
 * shard, not in sync (it resynchronises from its successor, as Redis's). Version + 1. Throws an Error
 * when `shard` is unknown or `replicaId` is not in its inSync (liveness is the caller's to check).
 */
export function promote(current: Topology, shard: string, replicaId: string): Topology {
  const s = current.shards[shard];
  if (s === undefined) throw new Error(`promote: unknown shard ${shard}`);
  if (!s.inSync.includes(replicaId)) throw new Error(`promote: node ${replicaId} is not an in-sync replica of shard ${shard}`);
  const version = current.version + 1;
  const nodes = copyNodes(current);
  const shards = copyShards(current);
  const old = promoteIn(nodes, shards, shard, replicaId, version);
  nodes[old].role = 'replica';
  nodes[old].epoch = version;
  shards[shard].replicas.push(old);
  return validateTopology({ version, nodes, shards, slots: current.slots, migrating: current.migrating });
}

/**
 * `current` with the inSync set of `shard` replaced by `ids` (duplicates ignored, kept in the order of
 * the shard's replicas), version + 1; null when the set is unchanged. Throws an Error when `shard` is
 * unknown or an id is not one of its replicas.
 */
export function setInSync(current: Topology, shard: string, ids: readonly string[]): Topology | null {
  const s = current.shards[shard];
  if (s === undefined) throw new Error(`setInSync: unknown shard ${shard}`);
  const wanted = new Set(ids);
  for (const id of wanted) if (!s.replicas.includes(id)) throw new Error(`setInSync: node ${id} is not a replica of shard ${shard}`);
  if (wanted.size === s.inSync.length && s.inSync.every((id) => wanted.has(id))) return null;
  const shards = copyShards(current);
  shards[shard].inSync = s.replicas.filter((id) => wanted.has(id));
  return validateTopology({ version: current.version + 1, nodes: copyNodes(current), shards, slots: current.slots, migrating: current.migrating });
}
