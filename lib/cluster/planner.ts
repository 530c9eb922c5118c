// The cluster planner: given the stored topology and the live registrations (etcd `P/nodes/*`), computes
// the next topology. Pure: no I/O, no clock; the coordinator runs it and writes the result with a CAS.
// The rules (README: "How slots are assigned") are applied in order:
// 1. dead nodes (no live registration) are removed with their shard; its slots become unowned and the
//    migrations from or to it are dropped; 2. live `up` nodes not in the topology join as new shards;
// 3. changed addresses are updated; 4. leaving shards are left out of the ring and removed once empty
//    (at once when no other shard is left); 5. slots are moved towards assignSlots(non-leaving shards):
//    unowned slots directly, owned ones through a migration, slots already migrating are left alone;
// 6. version + 1, epoch = the new version for new shards and shards that gained slots directly.
// Every topology returned passes validateTopology (checked here: a planner bug throws, never writes).
import { assignSlots, ownerOf } from './ring';
import { SLOTS } from './slots';
import { Migration, NodeAddr, NodeRole, SlotRange, Topology, validateTopology } from './topology';

/** A node's liveness record, from the value of `P/nodes/<id>`. */
export interface Registration {
  readonly addr: NodeAddr;
  readonly state: 'up' | 'leaving';
}

export interface PlanResult {
  readonly topology: Topology;
  /** Slots that went from a dead shard directly to a surviving shard. */
  readonly reassigned: number;
  /** One human-readable line per change, for the log. */
  readonly changes: string[];
}

/** Version 0: no nodes, shards, slots or migrations. */
export const EMPTY_TOPOLOGY: Topology = Object.freeze({
  version: 0,
  nodes: Object.freeze({}),
  shards: Object.freeze({}),
  slots: Object.freeze([]) as readonly SlotRange[],
  migrating: Object.freeze([]) as readonly Migration[],
});

interface MNode { addr: NodeAddr; shard: string | null; role: NodeRole; epoch: number }
interface MShard { primary: string; replicas: string[]; inSync: string[] }

/** owners[slot] = shard id or null, from slot ranges. */
function expandSlots(ranges: readonly SlotRange[]): (string | null)[] {
  const owners = new Array<string | null>(SLOTS).fill(null);
  for (const [start, end, sid] of ranges) owners.fill(sid, start, end + 1);
  return owners;
}

/** The maximal ranges of equal, non-null owners, in slot order. */
function compressSlots(owners: readonly (string | null)[]): SlotRange[] {
  const out: SlotRange[] = [];
  for (let s = 0; s < SLOTS; ) {
    const sid = owners[s];
    let e = s;
    while (e + 1 < SLOTS && owners[e + 1] === sid) e++;
    if (sid !== null) out.push([s, e, sid]);
    s = e + 1;
  }
  return out;
}

function copyAddr(a: NodeAddr): NodeAddr {
  const out: { ip: string; port: number; cport?: number; hostname?: string } = { ip: a.ip, port: a.port };
  if (a.cport !== undefined) out.cport = a.cport;
  if (a.hostname !== undefined) out.hostname = a.hostname;
  return out;
}

const sameAddr = (a: NodeAddr, b: NodeAddr): boolean => a.ip === b.ip && a.port === b.port && a.cport === b.cport && a.hostname === b.hostname;
const showAddr = (a: NodeAddr): string => `${a.ip}:${a.port}`;

/**
 * The topology that follows `current` given the live registrations (node id -> Registration) and the
 * ring's virtual nodes per shard, with the number of slots reassigned from dead shards and one log
 * line per change; null when nothing changes. Throws on an impossible input (a joining node's full id
 * already used as a shard id) or when the result would not pass validateTopology (a planner bug).
 */
export function plan(current: Topology, live: ReadonlyMap<string, Registration>, vnodes: number): PlanResult | null {
  const version = current.version + 1;
  const changes: string[] = [];
  const nodes: Record<string, MNode> = {};
  for (const [id, n] of Object.entries(current.nodes)) nodes[id] = { ...n, addr: copyAddr(n.addr) };
  const shards: Record<string, MShard> = {};
  for (const [sid, s] of Object.entries(current.shards)) shards[sid] = { primary: s.primary, replicas: [...s.replicas], inSync: [...s.inSync] };
  const owners = expandSlots(current.slots);
  const migrating = new Map<number, Migration>(current.migrating.map((m) => [m.slot, m]));
  const fromDead = new Uint8Array(SLOTS); // 1 = the slot was owned by a shard removed as dead

  /** Removes a shard, its nodes, its slot ownership and every migration from or to it; returns its slot count. */
  const removeShard = (sid: string, dead: boolean): number => {
    const s = shards[sid];
    for (const id of [s.primary, ...s.replicas]) delete nodes[id];
    delete shards[sid];
    for (const [slot, m] of migrating) if (m.from === sid || m.to === sid) migrating.delete(slot);
    let n = 0;
    for (let slot = 0; slot < SLOTS; slot++) if (owners[slot] === sid) (owners[slot] = null), (fromDead[slot] = dead ? 1 : 0), n++;
    return n;
  };

  // 1. Dead nodes. A dead primary takes its shard (and any replica) with it; a dead replica leaves its shard.
  for (const id of Object.keys(nodes).sort()) {
    const n = nodes[id];
    if (n === undefined || live.has(id)) continue; // undefined: already removed with its shard
    const s = n.shard === null ? undefined : shards[n.shard];
    if (s !== undefined && s.primary === id) {
      const sid = n.shard as string;
      const count = removeShard(sid, true);
      changes.push(`node ${id} is dead: shard ${sid} removed, its ${count} slots unowned`);
    } else {
      delete nodes[id];
      if (s !== undefined) (s.replicas = s.replicas.filter((r) => r !== id)), (s.inSync = s.inSync.filter((r) => r !== id));
      changes.push(`node ${id} is dead: removed`);
    }
  }

  // 2. Joins, in id order so that a shard id collision always resolves the same way.
  for (const id of [...live.keys()].sort()) {
    const reg = live.get(id) as Registration;
    if (reg.state !== 'up' || nodes[id] !== undefined) continue;
    let sid = id.slice(0, 12);
    if (shards[sid] !== undefined) sid = id;
    if (shards[sid] !== undefined) throw new Error(`planner: node ${id} cannot join, shard id ${sid} is taken`);
    nodes[id] = { addr: copyAddr(reg.addr), shard: sid, role: 'primary', epoch: version };
    shards[sid] = { primary: id, replicas: [], inSync: [] };
    changes.push(`node ${id} joined at ${showAddr(reg.addr)} as shard ${sid}`);
  }

  // 3. Address changes.
  for (const [id, n] of Object.entries(nodes)) {
    const reg = live.get(id) as Registration;
    if (sameAddr(n.addr, reg.addr)) continue;
    changes.push(`node ${id} moved from ${showAddr(n.addr)} to ${showAddr(reg.addr)}`);
    n.addr = copyAddr(reg.addr);
  }

  // 4. Leaving shards: out of the ring; removed once they own nothing and take part in no migration.
  const leaving = (sid: string): boolean => live.get(shards[sid].primary)?.state === 'leaving';
  const active = Object.keys(shards).filter((sid) => !leaving(sid));
  for (const sid of Object.keys(shards).sort()) {
    if (!leaving(sid)) continue;
    const busy = owners.includes(sid) || [...migrating.values()].some((m) => m.from === sid || m.to === sid);
    if (busy && active.length > 0) continue;
    const primary = shards[sid].primary;
    const count = removeShard(sid, false);
    changes.push(`node ${primary} left: shard ${sid} removed${count > 0 ? `, its ${count} slots unowned (no other shard)` : ''}`);
  }

  // 5. Towards the ring's assignment.
  const desired = assignSlots(active, vnodes);
  const direct = new Map<string, number>();
  const moves = new Map<string, number>(); // "from -> to" -> count
  let reassigned = 0;
  for (let slot = 0; slot < SLOTS; slot++) {
    const c = owners[slot];
    const d = ownerOf(desired, slot);
    if (c === d || migrating.has(slot)) continue;
    if (d === null) throw new Error(`planner: slot ${slot} owned by ${c} with no shard left to own it`);
    if (c === null) {
      owners[slot] = d;
      direct.set(d, (direct.get(d) ?? 0) + 1);
      reassigned += fromDead[slot];
    } else {
      migrating.set(slot, { slot, from: c, to: d });
      moves.set(`${c} -> ${d}`, (moves.get(`${c} -> ${d}`) ?? 0) + 1);
    }
  }
  for (const [sid, n] of direct) {
    nodes[shards[sid].primary].epoch = version;
    changes.push(`${n} unowned slots assigned to shard ${sid}`);
  }
  for (const [pair, n] of moves) changes.push(`${n} slots start migrating ${pair}`);

  // 6. Nothing changed: no new version.
  if (changes.length === 0) return null;
  const migrations = [...migrating.values()].sort((a, b) => a.slot - b.slot);
  const topology = validateTopology({ version, nodes, shards, slots: compressSlots(owners), migrating: migrations });
  return { topology, reassigned, changes };
}

/**
 * `current` with every listed slot that still migrates from shard `from` owned by its target and its
 * migration removed; version + 1 and the receiving primaries' epoch = the new version. Slots not
 * migrating from `from` (finished, cancelled, never started) are ignored; null when none applied.
 */
export function finalizeMigrations(current: Topology, from: string, slots: readonly number[]): Topology | null {
  const wanted = new Set(slots);
  const owners = expandSlots(current.slots);
  const receivers = new Set<string>();
  const keep = current.migrating.filter((m) => {
    if (m.from !== from || !wanted.has(m.slot)) return true;
    owners[m.slot] = m.to;
    receivers.add(m.to);
    return false;
  });
  if (receivers.size === 0) return null;
  const version = current.version + 1;
  const nodes: Record<string, MNode> = {};
  for (const [id, n] of Object.entries(current.nodes)) nodes[id] = { ...n, addr: copyAddr(n.addr) };
  for (const sid of receivers) nodes[current.shards[sid].primary].epoch = version;
  return validateTopology({ version, nodes, shards: current.shards, slots: compressSlots(owners), migrating: keep });
}
