// The cluster planner: given the stored topology and the live registrations (etcd `P/nodes/*`), computes
// the next topology. Pure: no I/O, no clock; the coordinator runs it and writes the result with a CAS.
// The rules (README: "How slots are assigned" and "Replicas, failover and what is guaranteed") apply in order:
// 1. replicas that are dead (no live registration) or leaving are removed; a dead or leaving primary
//    whose shard has an in-sync replica is replaced by it (highest offset, ties smallest id: no slot
//    moves, the old primary leaves the topology). Any other dead primary (issue 10, cluster-lost-slots):
//    - `reassign`, or `keep` and proven gone (opts.gone: its process refused a connection, so it holds
//      nothing) without a live replica: it takes its shard with it: its slots become unowned, the
//      migrations from or to it are dropped, its replicas leave the topology (they join again in the
//      NEXT plan: a version without them marks the end of their old role, so a node never goes straight
//      from replica of a shard to primary of a shard with the same id);
//    - `keep` and proven gone with live replicas (none in sync): the one with the highest offset is
//      promoted (it holds the most of the data; some writes may be missing);
//    - `keep` and not proven gone (its lease just ran out: frozen or cut off, it may still hold the
//      data): the shard is kept DOWN: primary, slots, live replicas and migrations from and to it stay
//      (paused: keys already moved to it are only there); its slots answer CLUSTERDOWN until it registers again (then it
//      simply serves them) or an operator sends CLUSTER FORGET (forgetShard);
// 2. live `up` nodes not in the topology join, in id order: as a replica (not in sync) of the non-leaving
//    shard with the fewest replicas below opts.replicas (ties: smallest shard id; never a down shard),
//    else as a new shard;
// 3. changed addresses are updated; 4. leaving shards are left out of the ring and removed once empty
//    (at once when no other shard is left), their replicas leaving the topology as in 1;
// 5. slots are moved towards assignSlots(non-leaving shards, down ones included): owned ones through a
//    migration (never from or to a down shard), unowned slots directly (by the
//    ring of the shards that are not down, when there is one), slots already migrating are left alone
//    (also across a promotion);
// 6. version + 1, epoch = the new version for new shards, promoted primaries and shards that gained
//    slots directly. Every topology returned passes validateTopology (a planner bug throws, never writes).
import { assignSlots, ownerOf } from './ring';
import { MShard, compressSlots, copyAddr, copyNodes, copyShards, dropReplica, expandSlots } from './planner-model';
import { pickHighest, pickPromotion, promoteIn } from './planner-replicas';
import { SLOTS } from '../util/slots';
import { Migration, NodeAddr, SlotRange, Topology, validateTopology } from './topology';

export { promote, setInSync } from './planner-replicas';

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

const sameAddr = (a: NodeAddr, b: NodeAddr): boolean => a.ip === b.ip && a.port === b.port && a.cport === b.cport && a.hostname === b.hostname;
const showAddr = (a: NodeAddr): string => `${a.ip}:${a.port}`;

export interface PlanOptions {
  /** Replicas wanted per shard: joins fill every shard to this many before opening a new one (default 0). */
  readonly replicas?: number;
  /** Replication offsets by node id (missing = 0): a failover promotes the highest. */
  readonly offsets?: ReadonlyMap<string, number>;
  /**
   * cluster-lost-slots: what becomes of a shard whose primary died with no in-sync replica to replace
   * it. 'keep' (default): kept down unless the primary is in `gone`; 'reassign': removed, its slots
   * given to the other shards empty.
   */
  readonly lostSlots?: 'keep' | 'reassign';
  /** Nodes proven gone (their process refused a connection: it holds no data), by id. */
  readonly gone?: ReadonlySet<string>;
}

/**
 * The topology that follows `current` given the live registrations (node id -> Registration), the
 * ring's virtual nodes per shard and `opts`, with the number of slots reassigned from dead shards and
 * one log line per change; null when nothing changes. Throws on an impossible input (a joining node's
 * full id already used as a shard id) or when the result would not pass validateTopology (a planner bug).
 */
export function plan(current: Topology, live: ReadonlyMap<string, Registration>, vnodes: number, opts: PlanOptions = {}): PlanResult | null {
  const version = current.version + 1;
  const wantReplicas = opts.replicas ?? 0;
  const changes: string[] = [];
  const nodes = copyNodes(current);
  const shards = copyShards(current);
  const owners = expandSlots(current.slots);
  const migrating = new Map<number, Migration>(current.migrating.map((m) => [m.slot, m]));
  const fromDead = new Uint8Array(SLOTS); // 1 = the slot was owned by a shard removed as dead
  const isUp = (id: string): boolean => live.get(id)?.state === 'up';

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
  const releasedIds = new Set<string>(); // replicas of removed shards: they join in the next plan
  const released = (s: MShard): string => {
    for (const id of s.replicas) releasedIds.add(id);
    return s.replicas.length === 0 ? '' : `, replicas ${s.replicas.join(', ')} released`;
  };

  // 1a. Dead or leaving replicas, and dead nodes outside any shard.
  for (const id of Object.keys(nodes).sort()) {
    const n = nodes[id];
    if (n.role === 'primary' && n.shard !== null) continue;
    if (isUp(id)) continue;
    delete nodes[id];
    if (n.shard !== null) dropReplica(shards[n.shard], id);
    const why = live.has(id) ? 'left' : 'is dead';
    changes.push(n.shard === null ? `node ${id} ${why}: removed` : `node ${id} ${why}: replica removed from shard ${n.shard}`);
  }

  // 1b. Dead or leaving primaries: promote an in-sync replica; else (cluster-lost-slots) a dead one is
  // kept down, replaced by its best live replica, or takes its shard with it.
  const keep = (opts.lostSlots ?? 'keep') === 'keep';
  const down = new Set<string>(); // shards kept with their primary down
  for (const sid of Object.keys(shards).sort()) {
    const s = shards[sid];
    const old = s.primary;
    if (isUp(old)) continue;
    const why = live.has(old) ? 'left' : 'is dead';
    const heir = pickPromotion(s, isUp, opts.offsets);
    if (heir !== undefined) {
      promoteIn(nodes, shards, sid, heir, version);
      delete nodes[old];
      changes.push(`node ${old} ${why}: replica ${heir} promoted to primary of shard ${sid} (offset ${opts.offsets?.get(heir) ?? 0})`);
      continue;
    }
    if (why !== 'is dead') continue; // a leaving primary without an in-sync replica migrates its slots away (4.)
    if (keep && opts.gone?.has(old) !== true) {
      // Silent (lease ended, process not proven gone): it may still hold the only copy of the data.
      // Migrations to it stay (paused: its source retries): keys already moved are only on it.
      down.add(sid);
      continue;
    }
    const best = keep ? pickHighest(s.replicas, isUp, opts.offsets) : undefined;
    if (best !== undefined) {
      promoteIn(nodes, shards, sid, best, version);
      delete nodes[old];
      changes.push(
        `node ${old} is dead (its process is gone): replica ${best}, NOT in sync, promoted to primary of shard ${sid} ` +
          `(offset ${opts.offsets?.get(best) ?? 0}): it holds the most of the shard's data, but writes it had not applied are lost`,
      );
      continue;
    }
    const note = released(s);
    const count = removeShard(sid, true);
    changes.push(`node ${old} is dead: shard ${sid} removed, its ${count} slots unowned${note}`);
  }

  // 2. Joins, in id order so that a shard id collision always resolves the same way.
  const leaving = (sid: string): boolean => live.get(shards[sid].primary)?.state === 'leaving';
  for (const id of [...live.keys()].sort()) {
    const reg = live.get(id) as Registration;
    if (reg.state !== 'up' || nodes[id] !== undefined || releasedIds.has(id)) continue;
    let target: string | undefined;
    for (const sid of Object.keys(shards).sort()) {
      const n = shards[sid].replicas.length;
      if (n < wantReplicas && !leaving(sid) && !down.has(sid) && (target === undefined || n < shards[target].replicas.length)) target = sid;
    }
    if (target !== undefined) {
      nodes[id] = { addr: copyAddr(reg.addr), shard: target, role: 'replica', epoch: version };
      shards[target].replicas.push(id);
      changes.push(`node ${id} joined at ${showAddr(reg.addr)} as a replica of shard ${target}`);
      continue;
    }
    let sid = id.slice(0, 12);
    if (shards[sid] !== undefined) sid = id;
    if (shards[sid] !== undefined) throw new Error(`planner: node ${id} cannot join, shard id ${sid} is taken`);
    nodes[id] = { addr: copyAddr(reg.addr), shard: sid, role: 'primary', epoch: version };
    shards[sid] = { primary: id, replicas: [], inSync: [] };
    changes.push(`node ${id} joined at ${showAddr(reg.addr)} as shard ${sid}`);
  }

  // 3. Address changes.
  for (const [id, n] of Object.entries(nodes)) {
    const reg = live.get(id);
    if (reg === undefined || sameAddr(n.addr, reg.addr)) continue; // undefined: a down shard's primary
    changes.push(`node ${id} moved from ${showAddr(n.addr)} to ${showAddr(reg.addr)}`);
    n.addr = copyAddr(reg.addr);
  }

  // 4. Leaving shards: out of the ring; removed once they own nothing and take part in no migration.
  const active = Object.keys(shards).filter((sid) => !leaving(sid));
  for (const sid of Object.keys(shards).sort()) {
    if (!leaving(sid)) continue;
    const busy = owners.includes(sid) || [...migrating.values()].some((m) => m.from === sid || m.to === sid);
    if (busy && active.some((x) => !down.has(x))) continue; // no shard that serves is left: at once
    const primary = shards[sid].primary;
    const note = released(shards[sid]);
    const count = removeShard(sid, false);
    changes.push(`node ${primary} left: shard ${sid} removed${count > 0 ? `, its ${count} slots unowned (no other shard)` : ''}${note}`);
  }

  // 5. Towards the ring's assignment.
  const desired = assignSlots(active, vnodes);
  // Unowned slots hold nothing: they go to a shard that can serve them now, when there is one.
  const serving = active.filter((sid) => !down.has(sid));
  const activeSet = new Set(active);
  const desiredUnowned = down.size === 0 || serving.length === 0 ? desired : assignSlots(serving, vnodes);
  const direct = new Map<string, number>();
  const moves = new Map<string, number>(); // "from -> to" -> count
  let reassigned = 0;
  for (let slot = 0; slot < SLOTS; slot++) {
    const c = owners[slot];
    let d = ownerOf(c === null ? desiredUnowned : desired, slot);
    if (c === d || migrating.has(slot)) continue;
    if (d === null) throw new Error(`planner: slot ${slot} owned by ${c} with no shard left to own it`);
    if (c !== null && down.has(c)) continue; // nothing leaves a down shard: its primary cannot send the keys
    if (c !== null && down.has(d)) {
      // No migration to a shard whose primary is down: the slot stays, unless its owner is leaving,
      // which hands it to a shard that serves (the ring moves it on once the down shard is back).
      if (activeSet.has(c)) continue;
      d = ownerOf(desiredUnowned, slot);
      if (d === null || d === c || down.has(d)) continue;
    }
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
  const nodes = copyNodes(current);
  for (const sid of receivers) nodes[current.shards[sid].primary].epoch = version;
  return validateTopology({ version, nodes, shards: current.shards, slots: compressSlots(owners), migrating: keep });
}

/** A shard kept down by cluster-lost-slots keep: its primary has no registration. */
export interface LostShard {
  readonly shard: string;
  readonly primary: string;
  /** Slots it owns (they answer CLUSTERDOWN). */
  readonly slots: number;
}

/**
 * The shards of `t` whose primary has no registration in `live` (after a plan under cluster-lost-slots
 * keep: the shards kept down), sorted by shard id.
 */
export function lostShards(t: Topology, live: ReadonlyMap<string, Registration>): LostShard[] {
  const out: LostShard[] = [];
  for (const sid of Object.keys(t.shards).sort()) {
    const primary = t.shards[sid].primary;
    if (live.has(primary)) continue;
    let slots = 0;
    for (const [start, end, owner] of t.slots) if (owner === sid) slots += end - start + 1;
    out.push({ shard: sid, primary, slots });
  }
  return out;
}

/**
 * CLUSTER FORGET: `current` without the shard whose primary is `primaryId`: its nodes (primary and
 * replicas) leave the topology, its slots become unowned (the next plan gives them to the other shards,
 * empty), the migrations from or to it are dropped; version + 1. Returns the new topology with the shard
 * id and how many slots it owned. Throws an Error when `primaryId` is not a shard's primary (the caller
 * checks that first; liveness too is the caller's to check).
 */
export function forgetShard(current: Topology, primaryId: string): { topology: Topology; shard: string; slots: number } {
  const n = current.nodes[primaryId];
  if (n === undefined || n.role !== 'primary' || n.shard === null) throw new Error(`forgetShard: ${primaryId} is not the primary of a shard`);
  const sid = n.shard;
  const nodes = copyNodes(current);
  const shards = copyShards(current);
  for (const id of [shards[sid].primary, ...shards[sid].replicas]) delete nodes[id];
  delete shards[sid];
  const owners = expandSlots(current.slots);
  let slots = 0;
  for (let slot = 0; slot < SLOTS; slot++) if (owners[slot] === sid) (owners[slot] = null), slots++;
  const migrating = current.migrating.filter((m) => m.from !== sid && m.to !== sid);
  const topology = validateTopology({ version: current.version + 1, nodes, shards, slots: compressSlots(owners), migrating });
  return { topology, shard: sid, slots };
}
