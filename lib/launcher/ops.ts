// The subcommands. Each resolves with what to print on stdout, or rejects with an Error whose message is
// the one line to print on stderr (exit 1). start, add-node and remove-node report their progress while
// they wait to an optional sink (main: stderr), one line per stage change.
import * as fs from 'fs';
import * as path from 'path';
import type { Etcd3 } from 'etcd3';
import { connectEtcd } from '../cluster/etcd';
import { type AddNodeCommand, type RemoveNodeCommand, type StartCommand } from './args';
import { startEtcd, stopEtcd } from './etcd-process';
import { spawnNode, stopNode, waitNodeGone, waitReady, type NodeOptions, type StartedNode } from './nodes';
import { portFree } from './ports';
import { ProgressReporter, type ProgressSink } from './progress';
import { command } from './resp';
import { readSnapshot, nodeIdAtPort, type Snapshot } from './snapshot';
import { etcdPrefix, liveProcesses, processAlive, readState, writeState, ETCD_MARK, NODE_MARK, STATE_FILE, type ClusterState, type NodeState } from './state';
import { formatStatus } from './status';
import { waitSettled } from './wait';

/** How long a node gets to answer PING after it was spawned, ms. */
const NODE_READY_MS = 15000;
/** stop: SIGKILL a node still alive this long after SHUTDOWN NOW, ms. */
const STOP_GRACE_MS = 10000;

const nodeOptions = (s: ClusterState): NodeOptions => ({ etcd: s.etcd, name: s.name, nodeTimeoutMs: s.nodeTimeoutMs, replicas: s.replicas });
const liveNodes = (s: ClusterState) => s.nodes.filter((n) => processAlive(n.pid, NODE_MARK));

/** The first sentence of an etcd/gRPC error (their messages run on with resolution notes). */
function etcdError(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].replace(/\. Last error:.*$/, '');
}

/** Runs fn with a client of the cluster's etcd; refuses at once when the launcher's own etcd is stopped. */
async function withEtcd<T>(s: ClusterState, fn: (c: Etcd3) => Promise<T>): Promise<T> {
  if (s.ownEtcd !== null && !processAlive(s.ownEtcd.pid, ETCD_MARK)) throw new Error('the cluster is not running (its etcd is stopped; start it again with shardcache-cluster start)');
  const c = connectEtcd(s.etcd.split(','));
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** The first reason any of `nodes` exits for (never resolves when none does). */
const anyExit = (nodes: StartedNode[]) => Promise.race(nodes.map((n) => n.exited));

/** Stops everything in `s` (nodes with SHUTDOWN NOW, then the own etcd), marks the pids null, saves. */
async function stopAll(dir: string, s: ClusterState): Promise<number> {
  const live = liveNodes(s);
  await Promise.all(live.map((n) => stopNode(n, ['NOW'], STOP_GRACE_MS)));
  for (const n of s.nodes) n.pid = null;
  if (s.ownEtcd) {
    await stopEtcd(s.ownEtcd);
    s.ownEtcd.pid = null;
  }
  writeState(dir, s);
  return live.length;
}

/**
 * start: refuses when D already runs a cluster or a port is taken; starts etcd (unless --etcd) and the
 * nodes (each with cluster-replicas R), writes D/cluster.json, waits until the cluster covers all slots
 * with no migration and every replica is in sync, and returns the seed `127.0.0.1:PORT`. On any failure it stops what it started (logs stay in D).
 */
export async function start(o: StartCommand, sink?: ProgressSink): Promise<string> {
  const progress = new ProgressReporter(sink);
  if (fs.existsSync(path.join(o.dir, STATE_FILE))) {
    const running = liveProcesses(readState(o.dir));
    if (running.length > 0) throw new Error(`a cluster is already running in ${o.dir} (${running.join(', ')}); stop it first: shardcache-cluster stop --dir ${o.dir}`);
  }
  const ports = Array.from({ length: o.nodes }, (_, i) => o.basePort + i);
  for (const p of ports) if (!(await portFree(p))) throw new Error(`port ${p} is already in use (choose another --base-port)`);
  fs.mkdirSync(o.dir, { recursive: true });
  const s: ClusterState = { etcd: o.etcd ?? '', ownEtcd: null, name: o.name, nodeTimeoutMs: o.nodeTimeoutMs, replicas: o.replicas, nodes: [] };
  try {
    if (o.etcd === null) {
      const e = await startEtcd(o.dir);
      s.etcd = e.url;
      s.ownEtcd = { pid: e.pid, dataDir: e.dataDir, clientPort: e.clientPort, peerPort: e.peerPort };
      progress.line('etcd', `up at ${e.url} (data in ${e.dataDir})`);
    } else {
      progress.line('etcd', `using ${o.etcd}`);
    }
    writeState(o.dir, s);
    const started = ports.map((p) => spawnNode(o.dir, p, nodeOptions(s)));
    s.nodes = started.map(({ port, pid, dir }) => ({ port, pid, dir }));
    writeState(o.dir, s);
    const shards = o.nodes / (o.replicas + 1);
    const range = o.nodes === 1 ? `${ports[0]}` : `${ports[0]}-${ports[ports.length - 1]}`;
    progress.line('nodes', `${o.nodes} started on 127.0.0.1:${range}, for ${shards} shard${shards === 1 ? '' : 's'} of 1 primary + ${o.replicas} replica${o.replicas === 1 ? '' : 's'} (logs in ${path.join(o.dir, 'node-PORT', 'node.log')})`);
    await Promise.all(started.map((n) => waitReady(n, NODE_READY_MS)));
    progress.line('nodes', `${o.nodes}/${o.nodes} answering PING`);
    const expectedReplicas = o.nodes - shards;
    await withEtcd(s, (client) => waitSettled({ client, prefix: etcdPrefix(s), ports, replicas: s.replicas, abort: anyExit(started), timeoutMs: o.timeoutMs, progress, expectedReplicas }));
  } catch (e) {
    await stopAll(o.dir, s).catch(() => undefined);
    throw new Error(`${(e as Error).message}; stopped what was started (logs in ${o.dir})`);
  }
  return `127.0.0.1:${ports[0]}`;
}

/**
 * add-node: starts one node on --port (or the first free port above the highest one in D), waits until
 * the cluster has settled with it as a primary owning slots or, when a shard is short of replicas, as
 * an in-sync replica of that shard; returns its address. On failure the new node is
 * stopped and forgotten.
 */
export async function addNode(o: AddNodeCommand, sink?: ProgressSink): Promise<string> {
  const progress = new ProgressReporter(sink);
  const s = readState(o.dir);
  const live = liveNodes(s);
  if (live.length === 0) throw new Error(`the cluster in ${o.dir} is not running`);
  let port = o.port;
  if (port === null) {
    port = Math.max(...s.nodes.map((n) => n.port)) + 1;
    while (port <= 65535 && !(await portFree(port))) port++;
    if (port > 65535) throw new Error('no free port above the cluster\'s highest one');
  } else {
    if (live.some((n) => n.port === port)) throw new Error(`port ${port} is already a node of this cluster`);
    if (!(await portFree(port))) throw new Error(`port ${port} is already in use`);
  }
  const n = spawnNode(o.dir, port, nodeOptions(s));
  s.nodes = s.nodes.filter((x) => x.port !== port);
  s.nodes.push({ port, pid: n.pid, dir: n.dir });
  writeState(o.dir, s);
  progress.line('node', `started on 127.0.0.1:${port} (log in ${path.join(n.dir, 'node.log')})`);
  try {
    await waitReady(n, NODE_READY_MS);
    progress.line('node', 'answering PING');
    const ports = [...live.map((x) => x.port), port];
    await withEtcd(s, (client) => waitSettled({ client, prefix: etcdPrefix(s), ports, replicas: s.replicas, abort: n.exited, timeoutMs: o.timeoutMs, progress }));
  } catch (e) {
    await stopNode(n, ['NOW'], STOP_GRACE_MS).catch(() => undefined);
    s.nodes = s.nodes.filter((x) => x.port !== port);
    writeState(o.dir, s);
    throw new Error(`${(e as Error).message}; stopped the new node (logs in ${n.dir})`);
  }
  return `127.0.0.1:${port}`;
}

/** The node of `s` that --port or --id names (an id may be a unique prefix), with its topology id. */
function findTarget(s: ClusterState, snap: Snapshot, o: RemoveNodeCommand): { node: NodeState; id: string | null } {
  const t = snap.topology;
  if (o.port !== null) {
    const node = s.nodes.find((n) => n.port === o.port && n.pid !== null);
    if (node === undefined) throw new Error(`no running node on port ${o.port} in this cluster`);
    return { node, id: t ? nodeIdAtPort(t, o.port) : null };
  }
  const ids = [...new Set([...Object.keys(t?.nodes ?? {}), ...snap.registrations.keys()])].filter((id) => id.startsWith(o.id!));
  if (ids.length === 0) throw new Error(`no node with id ${o.id}`);
  if (ids.length > 1) throw new Error(`id ${o.id} is ambiguous (${ids.length} nodes)`);
  const id = ids[0];
  const port = t?.nodes[id]?.addr.port ?? snap.registrations.get(id)!.port;
  const node = s.nodes.find((n) => n.port === port && n.pid !== null);
  if (node === undefined) throw new Error(`node ${id} (port ${port}) was not started by this launcher`);
  return { node, id };
}

/**
 * remove-node: SHUTDOWN (a primary hands its slots off, or the coordinator promotes one of its in-sync
 * replicas; a replica just leaves its shard), then waits for its process to exit and the topology to no
 * longer list it, with the rest settled; removes it from D/cluster.json.
 */
export async function removeNode(o: RemoveNodeCommand, sink?: ProgressSink): Promise<string> {
  const progress = new ProgressReporter(sink);
  const s = readState(o.dir);
  return withEtcd(s, async (client) => {
    const snap = await readSnapshot(client, etcdPrefix(s)).catch((e) => {
      throw new Error(`cannot read the cluster from etcd at ${s.etcd}: ${etcdError(e)}`);
    });
    const { node, id } = findTarget(s, snap, o);
    const rest = liveNodes(s).filter((n) => n !== node);
    if (rest.length === 0) throw new Error(`port ${node.port} is the last node: use shardcache-cluster stop`);
    const until = Date.now() + o.timeoutMs;
    const r = await command(node.port, ['SHUTDOWN'], 5000).catch((e: Error) => e);
    if (r instanceof Error) throw new Error(`SHUTDOWN of node on port ${node.port} failed: ${r.message}`);
    progress.line('node', `SHUTDOWN sent to 127.0.0.1:${node.port}; waiting for it to hand off and exit`);
    if (!(await waitNodeGone(node, o.timeoutMs))) throw new Error(`node on port ${node.port} still running after ${o.timeoutMs} ms (handing off its slots? see ${node.dir}/node.log)`);
    s.nodes = s.nodes.filter((n) => n !== node);
    writeState(o.dir, s);
    progress.line('node', 'exited');
    const listed = (x: Snapshot) => (x.topology && (id !== null ? x.topology.nodes[id] : nodeIdAtPort(x.topology, node.port)) ? `node on port ${node.port} still in the topology` : null);
    await waitSettled({ client, prefix: etcdPrefix(s), ports: rest.map((n) => n.port), replicas: s.replicas, extra: listed, timeoutMs: Math.max(1000, until - Date.now()), progress });
    return `127.0.0.1:${node.port}`;
  });
}

/** stop: SHUTDOWN NOW to every node (SIGKILL after 10 s), then stops the own etcd. Keeps logs and dirs. */
export async function stop(dir: string): Promise<string> {
  const s = readState(dir);
  const etcdRunning = s.ownEtcd !== null && processAlive(s.ownEtcd.pid, ETCD_MARK);
  const n = await stopAll(dir, s);
  if (n === 0 && !etcdRunning) return 'nothing was running';
  return `stopped ${n} node${n === 1 ? '' : 's'}${etcdRunning ? ' and etcd' : ''}`;
}

/** status: the table of status.ts, keys from DBSIZE of every node with a lease. */
export async function status(dir: string): Promise<string> {
  const s = readState(dir);
  return withEtcd(s, async (client) => {
    let snap: Snapshot;
    try {
      snap = await readSnapshot(client, etcdPrefix(s));
    } catch (e) {
      throw new Error(`cannot read the cluster from etcd at ${s.etcd}: ${etcdError(e)}`);
    }
    const keys = new Map<string, number>();
    await Promise.all(
      [...snap.registrations].map(async ([id, r]) => {
        const v = await command(r.port, ['DBSIZE'], 1000).catch(() => undefined);
        if (typeof v === 'number') keys.set(id, v);
      }),
    );
    return formatStatus(snap, keys);
  });
}
