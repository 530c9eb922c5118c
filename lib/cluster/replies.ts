// CLUSTER SLOTS / SHARDS / NODES / INFO computed from a ClusterView, in Redis 7's exact formats
// (checked against redis-server 7.0.15, see spec/cluster/replies.spec.ts). Pure: SLOTS and SHARDS
// return a small reply tree (writeClusterReply puts it on a connection), NODES and INFO return the
// text Redis sends as a bulk (RESP2) or verbatim `txt` (RESP3) string.
//
// Where Redis orders by its node dictionary (random), we order deterministically: SLOTS by start slot,
// SHARDS by shard id, NODES by node id. Liveness is the etcd lease: a node outside view.liveNodes is
// what Redis calls `fail` (no pfail state: a lease is there or not).
import type { Reply } from '../protocol/reply';
import { SLOTS } from '../util/slots';
import type { NodeAddr } from './topology';
import type { ClusterView } from './view';

/** A reply tree: integer, bulk string, array, or map (RESP3 `%`, flat key/value array in RESP2). */
export type ClusterReply = number | string | readonly ClusterReply[] | ClusterMap;
export interface ClusterMap {
  readonly map: ReadonlyArray<readonly [string, ClusterReply]>;
}

/** Writes `v` to `r` (numbers as integers, strings as bulk strings). */
export function writeClusterReply(r: Reply, v: ClusterReply): void {
  if (typeof v === 'number') r.int(v);
  else if (typeof v === 'string') r.bulk(v);
  else if (Array.isArray(v)) {
    r.array(v.length);
    for (const x of v) writeClusterReply(r, x);
  } else {
    const m = (v as ClusterMap).map;
    r.map(m.length);
    for (const [k, x] of m) {
      r.bulk(k);
      writeClusterReply(r, x);
    }
  }
}

/** `ip, port, id, metadata` as CLUSTER SLOTS lists a node (metadata: hostname when announced). */
function slotsNodeEntry(addr: NodeAddr, id: string): ClusterReply[] {
  const meta: ClusterReply = addr.hostname === undefined ? [] : { map: [['hostname', addr.hostname]] };
  return [addr.ip, addr.port, id, meta];
}

/**
 * CLUSTER SLOTS: one entry per contiguous slot run, [start, end, primary, ...replicas], each node as
 * [ip, port, id, metadata]. As Redis, a failed primary is still listed, failed replicas are skipped;
 * a replica is listed only once it is in its shard's inSync (clients may then read from it).
 */
export function clusterSlots(view: ClusterView): ClusterReply[] {
  const out: [number, ClusterReply[]][] = [];
  for (const sid of view.shardIds) {
    const shard = view.shard(sid)!;
    const nodes: ClusterReply[] = [slotsNodeEntry(view.addrOf(shard.primary)!, shard.primary)];
    for (const id of shard.inSync) if (view.isLive(id)) nodes.push(slotsNodeEntry(view.addrOf(id)!, id));
    for (const [start, end] of view.slotRanges(sid)) out.push([start, [start, end, ...nodes]]);
  }
  out.sort((a, b) => a[0] - b[0]);
  return out.map((e) => e[1]);
}

/** The replication offset of a node for CLUSTER SHARDS (0 when unknown). */
export type OffsetOf = (nodeId: string) => number;

/**
 * `online` for a live primary or in-sync replica, `loading` for a live replica still syncing, else
 * `fail`. (CLUSTER SHARDS lists in-sync replicas only, so it never shows `loading`.)
 */
export function healthOf(view: ClusterView, id: string): 'online' | 'loading' | 'fail' {
  if (!view.isLive(id)) return 'fail';
  const n = view.node(id)!;
  if (n.role === 'replica' && n.shard !== null && !view.shard(n.shard)!.inSync.includes(id)) return 'loading';
  return 'online';
}

function shardsNode(view: ClusterView, id: string, offsetOf: OffsetOf): ClusterMap {
  const n = view.node(id)!;
  const m: [string, ClusterReply][] = [
    ['id', id],
    ['port', n.addr.port],
    ['ip', n.addr.ip],
    ['endpoint', n.addr.ip],
  ];
  if (n.addr.hostname !== undefined) m.push(['hostname', n.addr.hostname]);
  m.push(['role', n.role === 'primary' ? 'master' : 'replica'], ['replication-offset', offsetOf(id)], ['health', healthOf(view, id)]);
  return { map: m };
}

/**
 * CLUSTER SHARDS (Redis 7): per shard a map {slots: [start, end, start, end, ...], nodes: [node maps]},
 * the primary first, then its in-sync replicas (live or failed; unlike Redis, a replica still syncing
 * is not listed: it appears once in the shard's inSync). Node map keys in Redis's order: id, port, ip, endpoint,
 * hostname (only when set), role (master/replica), replication-offset, health.
 */
export function clusterShards(view: ClusterView, offsetOf: OffsetOf = () => 0): ClusterReply[] {
  return view.shardIds.map((sid): ClusterReply => {
    const shard = view.shard(sid)!;
    const slots: number[] = [];
    for (const [start, end] of view.slotRanges(sid)) slots.push(start, end);
    const nodes = [shard.primary, ...shard.inSync].map((id) => shardsNode(view, id, offsetOf));
    return { map: [['slots', slots], ['nodes', nodes]] };
  });
}

/**
 * CLUSTER NODES as seen by node `myself`: one line per node of the topology (replicas too, in sync or
 * not: flag `slave` and their primary's id), each ending "\n":
 * `<id> <ip>:<port>@<cport> <flags> <primary id|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slots...>`.
 * Flags: [myself,]master|slave[,fail]. A live node shows ping-sent 0 and pong-recv `nowMs`; a failed one
 * 0 and 0, link-state `disconnected`. Slots are the owner's runs (`n` or `a-b`); only myself's line
 * adds `[slot->-<dest primary id>]` (myself primary of the source shard) and `[slot-<-<src primary id>]`
 * (myself primary of the destination shard), in slot order, as Redis.
 */
export function clusterNodes(view: ClusterView, myself: string, nowMs: number): string {
  let text = '';
  for (const id of view.nodeIds) {
    const n = view.node(id)!;
    const live = id === myself || view.isLive(id);
    const isPrimary = n.role === 'primary';
    let flags = (id === myself ? 'myself,' : '') + (isPrimary ? 'master' : 'slave');
    if (!live) flags += ',fail';
    const master = isPrimary ? '-' : view.primaryOf(n.shard!)!;
    const cport = n.addr.cport ?? n.addr.port + 10000;
    let line = `${id} ${n.addr.ip}:${n.addr.port}@${cport} ${flags} ${master} 0 ${live ? nowMs : 0} ${view.configEpochOf(id)} ${live ? 'connected' : 'disconnected'}`;
    if (isPrimary && n.shard !== null) {
      for (const [start, end] of view.slotRanges(n.shard)) line += start === end ? ` ${start}` : ` ${start}-${end}`;
      if (id === myself) {
        for (const m of view.topology.migrating) {
          if (m.from === n.shard) line += ` [${m.slot}->-${view.primaryOf(m.to)}]`;
          else if (m.to === n.shard) line += ` [${m.slot}-<-${view.primaryOf(m.from)}]`;
        }
      }
    }
    text += line + '\n';
  }
  return text;
}

/**
 * cluster_state: `ok` when every slot has an owner, else `fail` (Redis's rule with
 * cluster-require-full-coverage yes; with no, the router serves the owned slots anyway). A primary that
 * is not live does not make it fail: see view-keeper.ts computeStateOk.
 */
export function clusterState(view: ClusterView): 'ok' | 'fail' {
  return view.assignedSlots === SLOTS ? 'ok' : 'fail';
}

/**
 * CLUSTER INFO as seen by node `myself`, lines ending "\r\n" as Redis. cluster_state as clusterState().
 * slots_ok counts the assigned slots whose primary is live; slots_pfail those whose primary is not (its
 * lease is gone and the coordinator has not replaced it yet: as Redis's PFAIL, they answer CLUSTERDOWN
 * while the rest of the cluster keeps working); slots_fail is always 0 (the topology change that would
 * mark a node FAIL in Redis is the one that replaces it here). cluster_size counts shards owning at least
 * one slot; current_epoch is the topology version; my_epoch is myself's config epoch (a replica's
 * primary's). We exchange no bus messages, so the message counters are 0.
 */
export function clusterInfo(view: ClusterView, myself: string): string {
  let ok = 0;
  let size = 0;
  for (const sid of view.shardIds) {
    const runs = view.slotRanges(sid);
    if (runs.length === 0) continue;
    size++;
    const primary = view.primaryOf(sid)!;
    if (primary === myself || view.isLive(primary)) for (const [s, e] of runs) ok += e - s + 1;
  }
  const assigned = view.assignedSlots;
  const state = clusterState(view);
  const lines = [
    `cluster_state:${state}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${ok}`,
    `cluster_slots_pfail:${assigned - ok}`,
    'cluster_slots_fail:0',
    `cluster_known_nodes:${view.nodeIds.length}`,
    `cluster_size:${size}`,
    `cluster_current_epoch:${view.version}`,
    `cluster_my_epoch:${view.configEpochOf(myself)}`,
    'cluster_stats_messages_sent:0',
    'cluster_stats_messages_received:0',
    'total_cluster_links_buffer_limit_exceeded:0',
  ];
  return lines.join('\r\n') + '\r\n';
}
