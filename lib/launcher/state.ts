// D/cluster.json: what the launcher started in directory D, so that later subcommands find it again.
// Written atomically (temp file + rename). A pid is null once the launcher knows that process is gone.
import * as fs from 'fs';
import * as path from 'path';

export interface NodeState {
  port: number;
  /** The node's process id, or null when stopped. */
  pid: number | null;
  /** The node's working directory (absolute): D/node-PORT, holding node.log, node.pid, nodes.conf. */
  dir: string;
}

export interface EtcdState {
  pid: number | null;
  /** Data directory (absolute): D/etcd. */
  dataDir: string;
  clientPort: number;
  peerPort: number;
}

export interface ClusterState {
  /** Comma-separated etcd client URLs the nodes were given. */
  etcd: string;
  /** The etcd the launcher started (and stop stops), null when --etcd named an external one. */
  ownEtcd: EtcdState | null;
  /** cluster-name: the etcd prefix is /shardcache/<name>. */
  name: string;
  nodeTimeoutMs: number;
  /** Replicas per shard (start --replicas; every node, also those of add-node, gets it). */
  replicas: number;
  nodes: NodeState[];
}

export const STATE_FILE = 'cluster.json';

/** The etcd key prefix of the cluster (the contract's P). */
export const etcdPrefix = (s: Pick<ClusterState, 'name'>) => `/shardcache/${s.name}`;

export const nodeDir = (dir: string, port: number) => path.join(path.resolve(dir), `node-${port}`);

/** Thrown when D holds no cluster.json or an unreadable one; the message is one line for the user. */
export class StateError extends Error {}

/**
 * Reads D/cluster.json. Throws StateError when missing ("no cluster in D") or malformed. A file written
 * before replicas existed (no `replicas`) reads as replicas 0.
 */
export function readState(dir: string): ClusterState {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StateError(`no cluster in ${dir} (${file} not found; start one with: shardcache-cluster start --nodes 3 --dir ${dir})`);
    throw new StateError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new StateError(`${file} is not valid JSON`);
  }
  const s = v as ClusterState;
  const okPid = (p: unknown) => p === null || (typeof p === 'number' && Number.isInteger(p) && p > 0);
  const okPort = (p: unknown) => typeof p === 'number' && Number.isInteger(p) && p > 0 && p < 65536;
  const valid =
    typeof s === 'object' && s !== null &&
    typeof s.etcd === 'string' && typeof s.name === 'string' && typeof s.nodeTimeoutMs === 'number' &&
    (s.ownEtcd === null || (typeof s.ownEtcd === 'object' && okPid(s.ownEtcd.pid) && typeof s.ownEtcd.dataDir === 'string' && okPort(s.ownEtcd.clientPort) && okPort(s.ownEtcd.peerPort))) &&
    Array.isArray(s.nodes) && s.nodes.every((n) => typeof n === 'object' && n !== null && okPort(n.port) && okPid(n.pid) && typeof n.dir === 'string');
  if (s !== null && typeof s === 'object' && s.replicas === undefined) s.replicas = 0;
  if (!valid || !(Number.isInteger(s.replicas) && s.replicas >= 0)) throw new StateError(`${file} is not a shardcache-cluster state file`);
  return s;
}

/** Writes D/cluster.json (creating D if needed) via a temporary file and a rename. */
export function writeState(dir: string, s: ClusterState): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/**
 * True when process `pid` exists and (where /proc exists) its command line contains `expect`: a pid
 * recycled by an unrelated process since it was recorded counts as gone, so stop never signals it.
 */
export function processAlive(pid: number | null, expect: string): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return true; // no /proc: trust kill(0)
  }
  return cmdline.replace(/\0/g, ' ').includes(expect);
}

/** What identifies our processes in /proc/PID/cmdline. */
export const NODE_MARK = 'shardcache-server';
export const ETCD_MARK = 'etcd';

/** Ports of the nodes in `s` whose process is alive, plus 'etcd' when the own etcd is. */
export function liveProcesses(s: ClusterState): Array<number | 'etcd'> {
  const out: Array<number | 'etcd'> = s.nodes.filter((n) => processAlive(n.pid, NODE_MARK)).map((n) => n.port);
  if (s.ownEtcd && processAlive(s.ownEtcd.pid, ETCD_MARK)) out.push('etcd');
  return out;
}
