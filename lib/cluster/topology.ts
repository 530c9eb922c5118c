// The cluster topology: ONE versioned JSON value kept in etcd. Every node parses it into a Topology
// (this file) and builds an immutable ClusterView from it (view.ts). This file is pure data:
// validation and canonical serialisation, no I/O.
//
// JSON shape (all keys required unless marked optional; unknown keys are ignored so that an older
// node can still read a value written by a newer one):
// {
//   "version": 7,                         // cluster epoch, integer >= 0 (CLUSTER INFO current_epoch)
//   "nodes": { "<40 hex id>": { "addr": { "ip": "127.0.0.1", "port": 7000,
//                                          "cport"?: 17000, "hostname"?: "a.example" },
//                               "shard": "s1" | null, "role": "primary" | "replica", "epoch": 3 } },
//   "shards": { "s1": { "primary": "<id>", "replicas": ["<id>"], "inSync": ["<id>"] } },
//   "slots": [[0, 5460, "s1"], ...],      // inclusive ranges, no overlap; uncovered slots are unassigned
//   "migrating": [{ "slot": 100, "from": "s1", "to": "s2" }]
// }
// Invariants checked by parseTopology: a shard's primary is a node with role primary and that shard;
// its replicas are nodes with role replica and that shard; inSync is a subset of replicas; every node
// whose shard is not null is listed by that shard; a replica always has a shard; a migrating slot is
// owned by `from`, `to` is another known shard, and each slot migrates at most once.
import { SLOTS } from '../util/slots';

export type NodeRole = 'primary' | 'replica';

export interface NodeAddr {
  readonly ip: string;
  readonly port: number;
  /** Cluster bus port shown by CLUSTER NODES (`ip:port@cport`); absent means port + 10000. */
  readonly cport?: number;
  /** Shown by CLUSTER SHARDS / SLOTS when present (Redis's cluster-announce-hostname). */
  readonly hostname?: string;
}

export interface TopologyNode {
  readonly addr: NodeAddr;
  readonly shard: string | null;
  readonly role: NodeRole;
  /** Config epoch (CLUSTER NODES column 7 for a primary; a replica shows its primary's). */
  readonly epoch: number;
}

export interface TopologyShard {
  readonly primary: string;
  readonly replicas: readonly string[];
  /** Replicas fully caught up with the primary (the ones a failover may promote). */
  readonly inSync: readonly string[];
}

/** [start, end, shardId], both ends inclusive. */
export type SlotRange = readonly [number, number, string];

export interface Migration {
  readonly slot: number;
  readonly from: string;
  readonly to: string;
}

export interface Topology {
  readonly version: number;
  readonly nodes: Readonly<Record<string, TopologyNode>>;
  readonly shards: Readonly<Record<string, TopologyShard>>;
  readonly slots: readonly SlotRange[];
  readonly migrating: readonly Migration[];
}

/** Thrown by parseTopology / validateTopology; the message names the offending path. */
export class TopologyError extends Error {
  constructor(path: string, problem: string) {
    super(`invalid topology: ${path}: ${problem}`);
    this.name = 'TopologyError';
  }
}

const NODE_ID = /^[0-9a-f]{40}$/;

/** True when `id` is a cluster node id: 40 lowercase hex characters, as Redis's. */
export function isNodeId(id: unknown): id is string {
  return typeof id === 'string' && NODE_ID.test(id);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new TopologyError(path, `expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new TopologyError(path, `expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (!isObject(v)) throw new TopologyError(path, 'expected an object');
  return v;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new TopologyError(path, 'expected an array');
  return v;
}

function nodeIdList(v: unknown, path: string): string[] {
  const ids = arr(v, path).map((id, i) => {
    if (!isNodeId(id)) throw new TopologyError(`${path}[${i}]`, `bad node id ${JSON.stringify(id)}`);
    return id;
  });
  if (new Set(ids).size !== ids.length) throw new TopologyError(path, 'duplicate node id');
  return ids;
}

function parseAddr(v: unknown, path: string): NodeAddr {
  const o = obj(v, path);
  const addr: { ip: string; port: number; cport?: number; hostname?: string } = { ip: str(o.ip, `${path}.ip`), port: int(o.port, `${path}.port`, 1, 65535) };
  if (o.cport !== undefined) addr.cport = int(o.cport, `${path}.cport`, 1, 65535);
  if (o.hostname !== undefined) addr.hostname = str(o.hostname, `${path}.hostname`);
  return addr;
}

/**
 * Checks a value already decoded from JSON and returns a fresh, normalised Topology (slot ranges and
 * migrations sorted by slot, only known keys). Throws TopologyError on the first problem found.
 */
export function validateTopology(value: unknown): Topology {
  const o = obj(value, '$');
  const version = int(o.version, '$.version', 0, Number.MAX_SAFE_INTEGER);

  const nodes: Record<string, TopologyNode> = {};
  for (const [id, raw] of Object.entries(obj(o.nodes, '$.nodes'))) {
    const path = `$.nodes.${id}`;
    if (!isNodeId(id)) throw new TopologyError(path, 'bad node id (expected 40 lowercase hex characters)');
    const n = obj(raw, path);
    const shard = n.shard === null ? null : str(n.shard, `${path}.shard`);
    if (n.role !== 'primary' && n.role !== 'replica') throw new TopologyError(`${path}.role`, `expected "primary" or "replica", got ${JSON.stringify(n.role)}`);
    if (n.role === 'replica' && shard === null) throw new TopologyError(`${path}.shard`, 'a replica must belong to a shard');
    nodes[id] = { addr: parseAddr(n.addr, `${path}.addr`), shard, role: n.role, epoch: int(n.epoch, `${path}.epoch`, 0, Number.MAX_SAFE_INTEGER) };
  }

  const shards: Record<string, TopologyShard> = {};
  for (const [sid, raw] of Object.entries(obj(o.shards, '$.shards'))) {
    const path = `$.shards.${sid}`;
    if (sid === '') throw new TopologyError(path, 'empty shard id');
    const s = obj(raw, path);
    if (!isNodeId(s.primary)) throw new TopologyError(`${path}.primary`, `bad node id ${JSON.stringify(s.primary)}`);
    const p = nodes[s.primary];
    if (p === undefined) throw new TopologyError(`${path}.primary`, `unknown node ${s.primary}`);
    if (p.role !== 'primary' || p.shard !== sid) throw new TopologyError(`${path}.primary`, `node ${s.primary} is not a primary of shard ${sid}`);
    const replicas = nodeIdList(s.replicas, `${path}.replicas`);
    replicas.forEach((id, i) => {
      const r = nodes[id];
      if (r === undefined) throw new TopologyError(`${path}.replicas[${i}]`, `unknown node ${id}`);
      if (r.role !== 'replica' || r.shard !== sid) throw new TopologyError(`${path}.replicas[${i}]`, `node ${id} is not a replica of shard ${sid}`);
    });
    const inSync = nodeIdList(s.inSync, `${path}.inSync`);
    inSync.forEach((id, i) => {
      if (!replicas.includes(id)) throw new TopologyError(`${path}.inSync[${i}]`, `node ${id} is not a replica of shard ${sid}`);
    });
    shards[sid] = { primary: s.primary, replicas, inSync };
  }
  for (const [id, n] of Object.entries(nodes)) {
    if (n.shard === null) continue;
    const s = shards[n.shard];
    if (s === undefined) throw new TopologyError(`$.nodes.${id}.shard`, `unknown shard ${n.shard}`);
    if (s.primary !== id && !s.replicas.includes(id)) throw new TopologyError(`$.nodes.${id}.shard`, `shard ${n.shard} does not list this node`);
  }

  const slots: SlotRange[] = arr(o.slots, '$.slots').map((raw, i) => {
    const path = `$.slots[${i}]`;
    const r = arr(raw, path);
    if (r.length !== 3) throw new TopologyError(path, 'expected [start, end, shardId]');
    const start = int(r[0], `${path}[0]`, 0, SLOTS - 1);
    const end = int(r[1], `${path}[1]`, start, SLOTS - 1);
    const sid = str(r[2], `${path}[2]`);
    if (shards[sid] === undefined) throw new TopologyError(`${path}[2]`, `unknown shard ${sid}`);
    return [start, end, sid] as const;
  });
  slots.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < slots.length; i++) {
    if (slots[i][0] <= slots[i - 1][1]) throw new TopologyError('$.slots', `ranges ${slots[i - 1][0]}-${slots[i - 1][1]} and ${slots[i][0]}-${slots[i][1]} overlap`);
  }

  // One lookup table, not a scan of the ranges per migration (fragmented slots x many migrations was quadratic).
  const owner = new Array<string | null>(SLOTS).fill(null);
  for (const [s, e, sid] of slots) owner.fill(sid, s, e + 1);
  const ownerOf = (slot: number): string | null => owner[slot];
  const seen = new Set<number>();
  const migrating: Migration[] = arr(o.migrating, '$.migrating').map((raw, i) => {
    const path = `$.migrating[${i}]`;
    const m = obj(raw, path);
    const slot = int(m.slot, `${path}.slot`, 0, SLOTS - 1);
    const from = str(m.from, `${path}.from`);
    const to = str(m.to, `${path}.to`);
    if (seen.has(slot)) throw new TopologyError(`${path}.slot`, `slot ${slot} migrates twice`);
    seen.add(slot);
    if (ownerOf(slot) !== from) throw new TopologyError(`${path}.from`, `slot ${slot} is not owned by shard ${from}`);
    if (shards[to] === undefined) throw new TopologyError(`${path}.to`, `unknown shard ${to}`);
    if (to === from) throw new TopologyError(`${path}.to`, 'a slot cannot migrate to its own shard');
    return { slot, from, to };
  });
  migrating.sort((a, b) => a.slot - b.slot);

  return { version, nodes, shards, slots, migrating };
}

/** Parses the JSON text stored in etcd. Throws TopologyError on bad JSON or an invalid topology. */
export function parseTopology(text: string): Topology {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TopologyError('$', `not JSON (${(e as Error).message})`);
  }
  return validateTopology(value);
}

function sortedRecord<T>(rec: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(rec).sort()) out[k] = rec[k];
  return out;
}

/**
 * The canonical JSON text of a topology (keys sorted, ranges and migrations in slot order), so that
 * equal topologies serialise to equal strings. Throws TopologyError when `t` is invalid: nothing
 * invalid is ever written to etcd. parseTopology(serializeTopology(t)) deep-equals t once normalised.
 */
export function serializeTopology(t: Topology): string {
  const v = validateTopology(JSON.parse(JSON.stringify(t)));
  return JSON.stringify({ version: v.version, nodes: sortedRecord(v.nodes), shards: sortedRecord(v.shards), slots: v.slots, migrating: v.migrating });
}
