// The `status` table (pure): one row per node from the topology and the registrations, then a summary.
import { SLOTS } from '../util/slots';
import { assignedSlots, shardSlotCount, type Snapshot } from './snapshot';

export type Health = 'ok' | 'fail' | 'leaving' | 'joining' | 'syncing';

export interface StatusRow {
  id: string;
  address: string;
  /**
   * `primary`; `replica(IP:PORT)` with its shard primary's address; '-' for a registered node not yet
   * in the topology.
   */
  role: string;
  /** Slots of the node's shard (a primary's), 0 for a replica or a node without a shard. */
  slots: number;
  health: Health;
  port: number;
}

/**
 * Rows for every topology node plus every registered node not (yet) in the topology, sorted by port then
 * id. health: `ok` = in the topology with an `up` registration (a replica: also in its shard's in-sync
 * set); `syncing` = an `up` replica not in sync yet; `fail` = in the topology without a lease; `leaving` =
 * registration says leaving; `joining` = registered but not in the topology yet.
 */
export function statusRows(s: Snapshot): StatusRow[] {
  const rows: StatusRow[] = [];
  const t = s.topology;
  const seen = new Set<string>();
  if (t !== null) {
    for (const [id, n] of Object.entries(t.nodes)) {
      seen.add(id);
      const r = s.registrations.get(id);
      const shard = n.shard === null ? undefined : t.shards[n.shard];
      const syncing = n.role === 'replica' && shard !== undefined && !shard.inSync.includes(id);
      const health: Health = r === undefined ? 'fail' : r.state === 'leaving' ? 'leaving' : syncing ? 'syncing' : 'ok';
      const slots = n.role === 'primary' && n.shard !== null ? shardSlotCount(t, n.shard) : 0;
      // A valid topology lists every shard primary among its nodes.
      const p = n.role === 'replica' && shard !== undefined ? t.nodes[shard.primary].addr : null;
      const role = p === null ? n.role : `replica(${p.ip}:${p.port})`;
      rows.push({ id, address: `${n.addr.ip}:${n.addr.port}`, role, slots, health, port: n.addr.port });
    }
  }
  for (const [id, r] of s.registrations) {
    if (seen.has(id)) continue;
    rows.push({ id, address: `${r.ip}:${r.port}`, role: '-', slots: 0, health: r.state === 'leaving' ? 'leaving' : 'joining', port: r.port });
  }
  rows.sort((a, b) => a.port - b.port || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return rows;
}

/**
 * cluster_state as CLUSTER INFO computes it (replies.ts clusterState): ok when every slot is owned by a
 * shard. A shard whose primary has no lease takes only its own slots down (slotsDown), not the state.
 */
export function clusterState(s: Snapshot): 'ok' | 'fail' {
  const t = s.topology;
  if (t === null) return 'fail';
  return assignedSlots(t) === SLOTS ? 'ok' : 'fail';
}

/** Slots owned by a shard whose primary holds no lease (they answer CLUSTERDOWN Hash slot not served). */
export function slotsDown(s: Snapshot): number {
  const t = s.topology;
  if (t === null) return 0;
  let n = 0;
  for (const [start, end, sid] of t.slots) if (!s.registrations.has(t.shards[sid].primary)) n += end - start + 1;
  return n;
}

/**
 * The table: a header `ID ADDRESS ROLE SLOTS KEYS HEALTH`, one line per row (keys from `keys` by node id,
 * '-' when absent, i.e. unreachable), columns left-aligned and separated by two spaces, then
 * `cluster_epoch:E cluster_state:ok|fail slots_assigned:N [slots_down:D] slots_migrating:M nodes:K` (slots_down
 * only while some slots' primary holds no lease). Ends with "\n".
 */
export function formatStatus(s: Snapshot, keys: ReadonlyMap<string, number>): string {
  const rows = statusRows(s);
  const table = [['ID', 'ADDRESS', 'ROLE', 'SLOTS', 'KEYS', 'HEALTH']];
  for (const r of rows) {
    const k = keys.get(r.id);
    table.push([r.id, r.address, r.role, String(r.slots), k === undefined ? '-' : String(k), r.health]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  let out = '';
  for (const row of table) out += row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ') + '\n';
  const t = s.topology;
  const down = slotsDown(s);
  out += `cluster_epoch:${t?.version ?? 0} cluster_state:${clusterState(s)} slots_assigned:${t ? assignedSlots(t) : 0}${down > 0 ? ` slots_down:${down}` : ''} slots_migrating:${t?.migrating.length ?? 0} nodes:${rows.length}\n`;
  return out;
}
