// INFO: the node's figures, by Redis's section and field names. Each section is a function of the Node
// returning its fields as [name, value] pairs, so that Prometheus (later) reads the same figures the INFO
// text shows; infoText() renders the sections a client asked for as Redis does:
// `# Name\r\nfield:value\r\n...`, sections separated by an empty line.
import * as os from 'os';
import * as path from 'path';
import type { ClusterAgent } from '../cluster/agent';
import type { Replication } from '../replication/replication';
import type { Node } from '../server/node';

/** The node INFO reads: the server with its replication plug-in (lib/create-node.ts). */
export type InfoNode = Node<Replication, ClusterAgent>;
import { REDIS_VERSION, SHARDCACHE_VERSION } from '../util/version';

export type InfoValue = string | number;
export type InfoFields = Array<[string, InfoValue]>;

export interface InfoSection {
  /** Lower-case name, as INFO's arguments spell it ('commandstats'). */
  name: string;
  /** Title after '# ' in the text ('Commandstats'). */
  title: string;
  /** Part of plain `INFO` / `INFO default`. */
  isDefault: boolean;
  fields(node: InfoNode): InfoFields;
}

/** Redis's bytesToHuman: 1023B, 1.00K, 894.99K, 6.29M, ... (binary units, two decimals). */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P', 'E'];
  let d = n / 1024;
  let i = 0;
  while (d >= 1024 && i < units.length - 1) {
    d /= 1024;
    i++;
  }
  return `${d.toFixed(2)}${units[i]}`;
}

/** Seconds with six decimals (used_cpu_*), from microseconds. */
function seconds6(usec: number): string {
  return (usec / 1e6).toFixed(6);
}

function server(node: InfoNode): InfoFields {
  const now = node.clock.now();
  const uptime = Math.floor((now - node.startedAt) / 1000);
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.machine()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['multiplexing_api', 'libuv'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', node.runId],
    ['tcp_port', node.port || node.config.num('port')],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', node.config.num('hz')],
    ['configured_hz', node.config.num('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', path.resolve(process.argv[1] ?? process.execPath)],
    ['config_file', node.configFile],
    ['io_threads_active', 0],
    ['shardcache_version', SHARDCACHE_VERSION],
  ];
}

function clients(node: InfoNode): InfoFields {
  let maxIn = 0;
  let maxOut = 0;
  for (const c of node.clients.values()) {
    if (c.queryBufferBytes > maxIn) maxIn = c.queryBufferBytes;
    const o = c.outputBytes;
    if (o > maxOut) maxOut = o;
  }
  return [
    ['connected_clients', node.clients.size],
    ['cluster_connections', 0],
    ['maxclients', node.config.num('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', node.blocking.size],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', node.blocking.withDeadline],
    ['total_blocking_keys', node.blocking.keyCount],
  ];
}

function memory(node: InfoNode): InfoFields {
  const used = node.env.memory.used;
  node.stats.notePeak(used);
  const peak = node.stats.memoryPeak;
  const mu = process.memoryUsage();
  const rss = mu.rss;
  const total = os.totalmem();
  const max = node.config.num('maxmemory');
  // Redis's allocator figures, for this process: allocated = what is in use (V8's live heap, the
  // keyspaces' live arena entries and tables), active = what holds it (V8's heap pages, the arenas'
  // slabs, the tables), resident = V8's heap pages + every buffer outside it (slabs, tables, sockets').
  let offAllocated = 0;
  let offActive = 0;
  for (const db of node.dbs) {
    const f = db.memoryFigures();
    offAllocated += f.allocated;
    offActive += f.active;
  }
  const allocated = mu.heapUsed + offAllocated;
  const active = mu.heapTotal + offActive;
  const resident = Math.max(active, mu.heapTotal + mu.external);
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : '0.00');
  return [
    ['used_memory', used],
    ['used_memory_human', bytesToHuman(used)],
    ['used_memory_rss', rss],
    ['used_memory_rss_human', bytesToHuman(rss)],
    ['used_memory_peak', peak],
    ['used_memory_peak_human', bytesToHuman(peak)],
    ['used_memory_peak_perc', `${(peak > 0 ? (used * 100) / peak : 100).toFixed(2)}%`],
    ['used_memory_dataset', used],
    ['total_system_memory', total],
    ['total_system_memory_human', bytesToHuman(total)],
    ['maxmemory', max],
    ['maxmemory_human', bytesToHuman(max)],
    ['maxmemory_policy', node.config.str('maxmemory-policy')],
    ['allocator_allocated', allocated],
    ['allocator_active', active],
    ['allocator_resident', resident],
    ['allocator_frag_ratio', ratio(active, allocated)],
    ['allocator_frag_bytes', active - allocated],
    ['allocator_rss_ratio', ratio(resident, active)],
    ['allocator_rss_bytes', resident - active],
    ['rss_overhead_ratio', ratio(rss, resident)],
    ['rss_overhead_bytes', rss - resident],
    ['mem_fragmentation_ratio', ratio(rss, used)],
    ['mem_fragmentation_bytes', rss - used],
    ['mem_allocator', 'v8+slabs'],
    ['shardcache_full_gcs', node.reclaimer.runs],
    ['shardcache_heap_tight', node.heapTight ? 1 : 0],
    ['lazyfree_pending_objects', 0],
  ];
}

function persistence(node: InfoNode): InfoFields {
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', 0],
    ['rdb_bgsave_in_progress', 0],
    ['rdb_last_save_time', Math.floor(node.startedAt / 1000)],
    ['rdb_last_bgsave_status', 'ok'],
    ['rdb_last_bgsave_time_sec', -1],
    ['rdb_current_bgsave_time_sec', -1],
    ['aof_enabled', 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_rewrite_time_sec', -1],
    ['aof_current_rewrite_time_sec', -1],
    ['aof_last_bgrewrite_status', 'ok'],
    ['aof_last_write_status', 'ok'],
  ];
}

function stats(node: InfoNode): InfoFields {
  const s = node.stats;
  const ks = node.env.stats;
  let errors = 0;
  for (const n of s.errorCodes.values()) errors += n;
  return [
    ['total_connections_received', s.connectionsReceived],
    ['total_commands_processed', s.totalCommands],
    ['instantaneous_ops_per_sec', s.instantaneousOps],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', node.repl.inputBytes],
    ['total_net_repl_output_bytes', node.repl.outputBytes],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', node.repl.primary.syncFull],
    ['sync_partial_ok', node.repl.primary.syncPartialOk],
    ['sync_partial_err', node.repl.primary.syncPartialErr],
    ['expired_keys', ks.expired],
    ['expired_time_cap_reached_count', ks.expireCycleCapped],
    ['evicted_keys', ks.evicted],
    ['evicted_clients', 0],
    ['keyspace_hits', ks.hits],
    ['keyspace_misses', ks.misses],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    ['pubsubshard_channels', 0],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['unexpected_error_replies', s.internalErrors],
    ['total_error_replies', errors],
    ['client_query_buffer_limit_disconnections', s.clientQueryLimitDisconnections],
    ['client_output_buffer_limit_disconnections', s.clientOutputLimitDisconnections],
  ];
}

function replication(node: InfoNode): InfoFields {
  const repl = node.repl;
  const now = node.clock.now();
  const fields: InfoFields = [['role', repl.role === 'master' ? 'master' : 'slave']];
  if (repl.role === 'replica') {
    const link = repl.masterLink;
    const up = repl.masterLinkUp;
    fields.push(
      ['master_host', link?.host ?? ''],
      ['master_port', link?.port ?? 0],
      ['master_link_status', up ? 'up' : 'down'],
      ['master_last_io_seconds_ago', link !== null && link.lastIoMs > 0 ? Math.floor((now - link.lastIoMs) / 1000) : -1],
      ['master_sync_in_progress', link?.state === 'sync' ? 1 : 0],
      ['slave_read_repl_offset', repl.offset],
      ['slave_repl_offset', repl.offset],
    );
    if (!up) fields.push(['master_link_down_since_seconds', link !== null && link.downSinceMs > 0 ? Math.floor((now - link.downSinceMs) / 1000) : -1]);
    fields.push(['slave_priority', 100], ['slave_read_only', 1], ['replica_announced', 1]);
  }
  const reps = repl.role === 'master' ? repl.primary.states() : [];
  fields.push(['connected_slaves', reps.length]);
  reps.forEach((r, i) => fields.push([`slave${i}`, `ip=${r.ip},port=${r.port},state=${r.state},offset=${r.offset},lag=${r.lag}`]));
  const b = repl.history;
  fields.push(
    ['master_failover_state', 'no-failover'],
    ['master_replid', repl.replid],
    ['master_replid2', repl.replid2],
    ['master_repl_offset', repl.offset],
    ['second_repl_offset', repl.secondOffset],
    ['repl_backlog_active', b !== null ? 1 : 0],
    ['repl_backlog_size', b !== null ? b.size : node.config.num('repl-backlog-size')],
    ['repl_backlog_first_byte_offset', b !== null ? b.firstByteOffset : 0],
    ['repl_backlog_histlen', b !== null ? b.histlen : 0],
  );
  return fields;
}

function cpu(): InfoFields {
  const u = process.cpuUsage();
  return [
    ['used_cpu_sys', seconds6(u.system)],
    ['used_cpu_user', seconds6(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
}

/** cmdstat_<fullname>: calls, usec, usec_per_call, rejected_calls, failed_calls, for commands ever called. */
function commandstats(node: InfoNode): InfoFields {
  const out: InfoFields = [];
  for (const cmd of node.commands.all()) {
    const st = cmd.stat;
    if (st.calls === 0 && st.rejected === 0 && st.failed === 0) continue;
    const usec = Math.floor(st.usec);
    const perCall = st.calls > 0 ? usec / st.calls : 0;
    out.push([
      `cmdstat_${cmd.fullName}`,
      `calls=${st.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${st.rejected},failed_calls=${st.failed}`,
    ]);
  }
  return out;
}

/** errorstat_<CODE>:count=N, codes in byte order (Redis keeps them in a radix tree). */
function errorstats(node: InfoNode): InfoFields {
  const codes = [...node.stats.errorCodes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map((code) => [`errorstat_${code}`, `count=${node.stats.errorCodes.get(code)}`]);
}

/** db<N>:keys=..,expires=..,avg_ttl=0 for every non-empty database (avg_ttl is not estimated). */
/**
 * cluster_enabled as Redis; in cluster mode also ours: node id, shard, epoch, state, whether this node is
 * the coordinator, whether its etcd lease is being renewed (other nodes' outage polls read it), slots its controller reassigned from dead nodes, keys and slots its migrations moved.
 */
function cluster(node: InfoNode): InfoFields {
  const a = node.cluster;
  if (a === null) return [['cluster_enabled', 0]];
  return [
    ['cluster_enabled', 1],
    ['cluster_node_id', a.myId],
    ['cluster_shard', a.myShard ?? ''],
    ['cluster_state', a.stateOk ? 'ok' : 'fail'],
    ['cluster_current_epoch', a.view.version],
    ['cluster_coordinator', a.coordinator ? 1 : 0],
    ['cluster_etcd_reachable', a.etcdReachable],
    ['cluster_etcd_lease_age_ms', a.etcdLeaseAgeMs],
    ['cluster_slots_reassigned', a.slotsReassigned],
    ['cluster_keys_migrated', a.migrator?.stats.keysMoved ?? 0],
    ['cluster_slots_migrated', a.migrator?.stats.slotsCommitted ?? 0],
  ];
}

function keyspace(node: InfoNode): InfoFields {
  const out: InfoFields = [];
  for (const db of node.dbs) {
    if (db.size === 0) continue;
    out.push([`db${db.id}`, `keys=${db.size},expires=${db.volatileCount},avg_ttl=0`]);
  }
  return out;
}

/** Every section, in Redis's order. */
export const INFO_SECTIONS: readonly InfoSection[] = [
  { name: 'server', title: 'Server', isDefault: true, fields: server },
  { name: 'clients', title: 'Clients', isDefault: true, fields: clients },
  { name: 'memory', title: 'Memory', isDefault: true, fields: memory },
  { name: 'persistence', title: 'Persistence', isDefault: true, fields: persistence },
  { name: 'stats', title: 'Stats', isDefault: true, fields: stats },
  { name: 'replication', title: 'Replication', isDefault: true, fields: replication },
  { name: 'cpu', title: 'CPU', isDefault: true, fields: cpu },
  { name: 'modules', title: 'Modules', isDefault: true, fields: () => [] },
  { name: 'commandstats', title: 'Commandstats', isDefault: false, fields: commandstats },
  { name: 'errorstats', title: 'Errorstats', isDefault: true, fields: errorstats },
  { name: 'cluster', title: 'Cluster', isDefault: true, fields: cluster },
  { name: 'keyspace', title: 'Keyspace', isDefault: true, fields: keyspace },
];

/**
 * The sections INFO's arguments select: none or 'default' = the default ones, 'all' / 'everything' =
 * every one, otherwise the named ones (any case). Unknown names select nothing. Redis's order.
 */
export function selectSections(args: readonly string[]): InfoSection[] {
  if (args.length === 0) return INFO_SECTIONS.filter((s) => s.isDefault);
  const wanted = new Set(args.map((a) => a.toLowerCase()));
  const all = wanted.has('all') || wanted.has('everything');
  const dflt = wanted.has('default');
  return INFO_SECTIONS.filter((s) => all || (dflt && s.isDefault) || wanted.has(s.name));
}

/** One section's text: `# Title\r\n` then `name:value\r\n` per field. */
export function sectionText(node: InfoNode, section: InfoSection): string {
  let out = `# ${section.title}\r\n`;
  for (const [k, v] of section.fields(node)) out += `${k}:${v}\r\n`;
  return out;
}

/** INFO's reply text for its arguments (argv after 'INFO'); '' when no known section was asked for. */
export function infoText(node: InfoNode, args: readonly string[]): string {
  return selectSections(args)
    .map((s) => sectionText(node, s))
    .join('\r\n');
}
