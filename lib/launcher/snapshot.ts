// What etcd says about a cluster right now: the topology and the nodes' registrations (contract layout:
// P/topology, P/nodes/<id> = {"addr":{ip,port},"state":"up"|"leaving","pid":N} on the node's lease).
import type { Etcd3 } from 'etcd3';
import { nodeKey, readTopology } from '../cluster/etcd';
import { plan } from '../cluster/planner';
import { DEFAULT_VNODES } from '../cluster/ring';
import { SLOTS } from '../util/slots';
import { parseTopology, type Topology } from '../cluster/topology';

export interface Registration {
  ip: string;
  port: number;
  state: 'up' | 'leaving';
  pid: number | null;
}

export interface Snapshot {
  /** null while no node has written a topology yet. */
  topology: Topology | null;
  /** Node id -> its live registration (nodes without a lease are absent). */
  registrations: Map<string, Registration>;
}

/** Decodes a registration value; null when it is not the contract's JSON. */
export function parseRegistration(text: string): Registration | null {
  try {
    const v = JSON.parse(text) as { addr?: { ip?: unknown; port?: unknown }; state?: unknown; pid?: unknown };
    if (typeof v.addr?.ip !== 'string' || typeof v.addr.port !== 'number') return null;
    const state = v.state === 'leaving' ? 'leaving' : 'up';
    return { ip: v.addr.ip, port: v.addr.port, state, pid: typeof v.pid === 'number' ? v.pid : null };
  } catch {
    return null;
  }
}

/** Reads the topology and registrations under `prefix`. Rejects on etcd errors or an invalid topology. */
export async function readSnapshot(client: Etcd3, prefix: string): Promise<Snapshot> {
  const [topo, regs] = await Promise.all([readTopology(client, prefix), client.getAll().prefix(nodeKey(prefix, '')).strings()]);
  const registrations = new Map<string, Registration>();
  for (const [key, value] of Object.entries(regs)) {
    const r = parseRegistration(value);
    if (r !== null) registrations.set(key.slice(nodeKey(prefix, '').length), r);
  }
  return { topology: topo.value === null ? null : parseTopology(topo.value), registrations };
}

/** Number of slots owned by `shard` in `t`. */
export function shardSlotCount(t: Topology, shard: string): number {
  let n = 0;
  for (const [s, e, sid] of t.slots) if (sid === shard) n += e - s + 1;
  return n;
}

/** Number of slots with an owner in `t`. */
export function assignedSlots(t: Topology): number {
  let n = 0;
  for (const [s, e] of t.slots) n += e - s + 1;
  return n;
}

/** The topology node id listed at 127.0.0.1:port (null when none). */
export function nodeIdAtPort(t: Topology, port: number): string | null {
  for (const [id, n] of Object.entries(t.nodes)) if (n.addr.port === port && n.addr.ip === '127.0.0.1') return id;
  return null;
}

/**
 * null when the cluster has settled for the nodes on `ports` with `replicas` wanted per shard: each one
 * is in the topology, in a shard that owns slots, as its primary or as one of its in-sync replicas; every
 * replica of the topology is in its shard's in-sync set; all 16384 slots are assigned, no slot is
 * migrating, every topology node holds an `up` registration, and the coordinator's planner (run with
 * the same `replicas`) has nothing left to change. Otherwise a short reason (for the timeout message).
 */
export function unsettledReason(s: Snapshot, ports: readonly number[], replicas = 0): string | null {
  const t = s.topology;
  if (t === null) return 'no topology in etcd yet';
  for (const port of ports) {
    const id = nodeIdAtPort(t, port);
    if (id === null) return `node on port ${port} not in the topology yet`;
    const n = t.nodes[id];
    if (n.shard === null || shardSlotCount(t, n.shard) === 0) return `node on port ${port} owns no slots yet`;
  }
  const assigned = assignedSlots(t);
  if (assigned !== SLOTS) return `${SLOTS - assigned} slots unassigned`;
  if (t.migrating.length > 0) return `${t.migrating.length} slots migrating`;
  for (const [id, n] of Object.entries(t.nodes)) {
    const r = s.registrations.get(id);
    if (r === undefined) return `node ${id.slice(0, 8)} at ${n.addr.ip}:${n.addr.port} has no lease (failed)`;
    if (r.state !== 'up') return `node ${id.slice(0, 8)} at ${n.addr.ip}:${n.addr.port} is leaving`;
    if (n.role === 'replica' && !t.shards[n.shard!].inSync.includes(id)) return `replica ${id.slice(0, 8)} at ${n.addr.ip}:${n.addr.port} not in sync yet`;
  }
  // No migration right now is not enough: the coordinator plans the next moves once earlier ones end
  // (a node that joined during a migration). Settled means its planner has nothing left to do.
  const live = new Map([...s.registrations].map(([id, r]) => [id, { addr: { ip: r.ip, port: r.port }, state: r.state }] as const));
  if (plan(t, live, DEFAULT_VNODES, { replicas }) !== null) return 'the coordinator has more to change (slots to move or nodes to place)';
  return null;
}
