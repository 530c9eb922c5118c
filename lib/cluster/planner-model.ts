// The planner's mutable working copy of a Topology (planner.ts, planner-replicas.ts): plain records the
// planning steps edit in place, and slot-table conversions. Pure helpers, no I/O.
import { SLOTS } from '../util/slots';
import type { NodeAddr, NodeRole, SlotRange, Topology } from './topology';

export interface MNode { addr: NodeAddr; shard: string | null; role: NodeRole; epoch: number }
export interface MShard { primary: string; replicas: string[]; inSync: string[] }

/** owners[slot] = shard id or null, from slot ranges. */
export function expandSlots(ranges: readonly SlotRange[]): (string | null)[] {
  const owners = new Array<string | null>(SLOTS).fill(null);
  for (const [start, end, sid] of ranges) owners.fill(sid, start, end + 1);
  return owners;
}

/** The maximal ranges of equal, non-null owners, in slot order. */
export function compressSlots(owners: readonly (string | null)[]): SlotRange[] {
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

export function copyAddr(a: NodeAddr): NodeAddr {
  const out: { ip: string; port: number; cport?: number; hostname?: string } = { ip: a.ip, port: a.port };
  if (a.cport !== undefined) out.cport = a.cport;
  if (a.hostname !== undefined) out.hostname = a.hostname;
  return out;
}

/** Fresh mutable copies of a topology's nodes. */
export function copyNodes(t: Topology): Record<string, MNode> {
  const nodes: Record<string, MNode> = {};
  for (const [id, n] of Object.entries(t.nodes)) nodes[id] = { ...n, addr: copyAddr(n.addr) };
  return nodes;
}

/** Fresh mutable copies of a topology's shards. */
export function copyShards(t: Topology): Record<string, MShard> {
  const shards: Record<string, MShard> = {};
  for (const [sid, s] of Object.entries(t.shards)) shards[sid] = { primary: s.primary, replicas: [...s.replicas], inSync: [...s.inSync] };
  return shards;
}

/** Removes replica `id` from shard `s` (replicas and inSync); the node record is left to the caller. */
export function dropReplica(s: MShard, id: string): void {
  s.replicas = s.replicas.filter((r) => r !== id);
  s.inSync = s.inSync.filter((r) => r !== id);
}
