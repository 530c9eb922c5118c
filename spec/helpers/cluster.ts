// A real cluster for integration specs: one etcd (spec/helpers/etcd.ts) and n node processes
// (spec/helpers/server-process.ts), each in a fresh temporary dir, all under one random cluster name.
// Nothing outlives the mocha process: stop() and a process 'exit' hook SIGKILL every node and etcd and
// remove the temporary dirs.
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Cluster } from 'ioredis';
import { connectEtcd, readTopology } from '../../lib/cluster/etcd';
import { plan, type Registration } from '../../lib/cluster/planner';
import { DEFAULT_VNODES } from '../../lib/cluster/ring';
import { parseTopology, type Topology } from '../../lib/cluster/topology';
import { SLOTS } from '../../lib/util/slots';
import { startEtcd, type EtcdProcess } from './etcd';
import { ReplyError } from './resp';
import { allocateUid, chownTree, ensureMarked } from './nft';
import { startServer, type ServerProcess } from './server-process';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const RedisParser = require('redis-parser');

export interface ClusterNode {
  port: number;
  /** CLUSTER MYID. */
  id: string;
  proc: ChildProcess;
  server: ServerProcess;
  dir: string;
  /** The uid the process runs as (isolatable clusters only; kept across restartNode). */
  uid?: number;
  /** False once shutdownNode / killNode ended it (or it exited by itself). */
  alive(): boolean;
}

export interface StartClusterOptions {
  nodes: number;
  /** --cluster-node-timeout (ms); default 2000. */
  nodeTimeoutMs?: number;
  /** Extra flags for every node. */
  args?: string[];
  /**
   * --cluster-replicas (default 0). With replicas, stable() also wants every shard's replicas in sync and
   * cluster_size = the shards owning slots (not the live count).
   */
  replicas?: number;
  /**
   * Run each node under a uid of its own (root only) with its connections marked by nftables, so that
   * spec/helpers/partition.ts can cut chosen processes apart. Off by default: other specs are unchanged.
   */
  isolatable?: boolean;
}

export interface TestCluster {
  etcd: EtcdProcess;
  name: string;
  /** The etcd key prefix, `/shardcache/<name>`. */
  prefix: string;
  nodeTimeoutMs: number;
  /** Every node ever started, in start order; indices never change (check alive()). */
  nodes: ClusterNode[];
  /** The port of the first node still alive. */
  readonly seed: number;
  /** The nodes still alive. */
  live(): ClusterNode[];
  /** Starts one more node (same flags) and resolves once it answers CLUSTER MYID. Does not wait for slots. */
  addNode(): Promise<ClusterNode>;
  /**
   * Starts node i again (it must be gone) with its --dir (so its node id) and its port; replaces
   * nodes[i] and resolves once it answers CLUSTER MYID. Does not wait for it to join.
   */
  restartNode(i: number): Promise<ClusterNode>;
  /** Sends SHUTDOWN on a client connection and resolves when the process has exited (it hands its slots off first). */
  shutdownNode(i: number, timeoutMs?: number): Promise<void>;
  /** SIGKILL (a crash); resolves when the process is gone. */
  killNode(i: number): Promise<void>;
  /** Polls pred every 50 ms until it returns true; a throw counts as false. Rejects after timeoutMs naming `what`. */
  waitUntil(pred: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void>;
  /** Resolves once stable() holds (see there). */
  waitStable(timeoutMs?: number): Promise<void>;
  /**
   * True when every live node's CLUSTER INFO says cluster_state:ok, cluster_slots_assigned:16384,
   * cluster_known_nodes and cluster_size = the live count, all with the same cluster_current_epoch, and
   * no node's CLUSTER NODES shows a migration (`[`).
   */
  stable(): Promise<boolean>;
  /** CLUSTER INFO of the node on `port` as a field -> value map. */
  clusterInfo(port: number): Promise<Record<string, string>>;
  /** CLUSTER NODES text of the node on `port`. */
  clusterNodes(port: number): Promise<string>;
  /** owners[slot] = the port of the primary owning it per CLUSTER SLOTS of `port` (0: none). */
  slotOwners(port: number): Promise<Int32Array>;
  /** The topology as stored in etcd now. */
  /** True when the coordinator's planner, fed etcd's topology and registrations, has nothing left to do. */
  settledInEtcd(): Promise<boolean>;
  topology(): Promise<Topology>;
  /** One command on a fresh connection; error replies come back as ReplyError values (not thrown). */
  command(port: number, ...args: Array<string | number>): Promise<unknown>;
  /** The last `lines` lines of every node's output, for failure messages. */
  logs(lines?: number): string;
  /** SIGKILLs every node, stops etcd, removes every temporary dir. Idempotent. */
  stop(): Promise<void>;
}

const tempDirs = new Set<string>();
const liveProcs = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of liveProcs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function encode(args: ReadonlyArray<string | number>): Buffer {
  const parts = [`*${args.length}\r\n`];
  for (const a of args) {
    const s = String(a);
    parts.push(`$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

function toLatin1(r: unknown): unknown {
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(toLatin1);
  return r;
}

/** Sends one command to 127.0.0.1:port on a new connection; resolves with the decoded reply. Rejects on socket errors or after timeoutMs. */
export function command(port: number, args: ReadonlyArray<string | number>, timeoutMs = 2000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (err: Error | null, v?: unknown) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(v);
    };
    const timer = setTimeout(() => done(new Error(`no reply from ${port} to ${args[0]} in ${timeoutMs} ms`)), timeoutMs);
    const parser = new RedisParser({
      returnReply: (r: unknown) => done(null, toLatin1(r)),
      returnError: (e: Error) => done(null, new ReplyError(e.message)),
      returnFatalError: (e: Error) => done(e),
      returnBuffers: true,
    });
    sock.on('data', (d: Buffer) => parser.execute(d));
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error(`connection to ${port} closed before a reply to ${args[0]}`)));
    sock.write(encode(args));
  });
}

async function ok(port: number, args: ReadonlyArray<string | number>): Promise<unknown> {
  const r = await command(port, args);
  if (r instanceof Error) throw r;
  return r;
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Starts etcd and `nodes` nodes, then waits (30 s at most) until the cluster is stable (TestCluster.stable). */
export async function startCluster(opts: StartClusterOptions): Promise<TestCluster> {
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 2000;
  const replicas = opts.replicas ?? 0;
  const name = `t${Math.random().toString(36).slice(2, 10)}`;
  const etcd = await startEtcd();
  const nodes: ClusterNode[] = [];
  let stopped = false;

  const spawnNode = async (reuse?: { index: number; dir: string; port: number; uid?: number }): Promise<ClusterNode> => {
    const dir = reuse?.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'shardcache-node-'));
    tempDirs.add(dir);
    const uid = opts.isolatable ? reuse?.uid ?? allocateUid() : undefined;
    if (uid !== undefined) {
      chownTree(dir, uid);
      await ensureMarked(uid); // before the node opens any connection
    }
    const args = ['--cluster-etcd', etcd.endpoint, '--cluster-name', name, '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-replicas', String(replicas), '--dir', dir, ...(opts.args ?? [])];
    // A later --port overrides the free one startServer picks.
    const server = await startServer(reuse ? [...args, '--port', String(reuse.port)] : args, undefined, { uid });
    liveProcs.add(server.proc);
    server.proc.once('exit', () => liveProcs.delete(server.proc));
    const node: ClusterNode = {
      port: reuse?.port ?? server.port,
      id: '',
      proc: server.proc,
      server,
      dir,
      uid,
      alive: () => server.proc.exitCode === null && server.proc.signalCode === null,
    };
    if (reuse) nodes[reuse.index] = node;
    else nodes.push(node);
    await c.waitUntil(
      async () => {
        const id = await ok(node.port, ['CLUSTER', 'MYID']);
        node.id = String(id);
        return /^[0-9a-f]{40}$/.test(node.id);
      },
      10000,
      `CLUSTER MYID of the node on ${node.port}`,
    );
    return node;
  };

  const exited = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

  const c: TestCluster = {
    etcd,
    name,
    prefix: `/shardcache/${name}`,
    nodeTimeoutMs,
    nodes,
    get seed() {
      const n = nodes.find((x) => x.alive());
      if (n === undefined) throw new Error(`no live node:\n${c.logs()}`);
      return n.port;
    },
    live: () => nodes.filter((n) => n.alive()),
    addNode: () => spawnNode(),
    restartNode: (i) => {
      const old = nodes[i];
      if (old.alive()) throw new Error(`node ${old.port} is still running`);
      return spawnNode({ index: i, dir: old.dir, port: old.port, uid: old.uid });
    },
    async shutdownNode(i, timeoutMs = 60000) {
      const n = nodes[i];
      const gone = exited(n.proc);
      command(n.port, ['SHUTDOWN'], timeoutMs).catch(() => undefined); // the connection closes as it exits
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`node ${n.port} did not exit in ${timeoutMs} ms after SHUTDOWN:\n${c.logs()}`)), timeoutMs)));
      try {
        await Promise.race([gone, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async killNode(i) {
      const n = nodes[i];
      const gone = exited(n.proc);
      if (n.alive()) n.proc.kill('SIGKILL');
      await gone;
    },
    async waitUntil(pred, timeoutMs, what) {
      const until = Date.now() + timeoutMs;
      let last: unknown = 'false';
      for (;;) {
        try {
          if (await pred()) return;
          last = 'false';
        } catch (e) {
          last = e;
        }
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})\n${c.logs()}`);
        await sleep(50);
      }
    },
    async stable() {
      const live = c.live();
      const want = String(live.length);
      let size = want;
      if (replicas > 0) {
        const t = await c.topology();
        if (Object.keys(t.nodes).length !== live.length || live.some((n) => t.nodes[n.id] === undefined)) return false;
        if (Object.values(t.shards).some((s) => s.inSync.length !== s.replicas.length)) return false;
        size = String(new Set(t.slots.map((r) => r[2])).size);
      }
      let epoch: string | undefined;
      for (const n of live) {
        const info = await c.clusterInfo(n.port);
        if (info.cluster_state !== 'ok' || info.cluster_slots_assigned !== String(SLOTS)) return false;
        if (info.cluster_known_nodes !== want || info.cluster_size !== size) return false;
        if (epoch !== undefined && info.cluster_current_epoch !== epoch) return false;
        epoch = info.cluster_current_epoch;
        if ((await c.clusterNodes(n.port)).includes('[')) return false;
      }
      // No migration at this instant is not enough: the coordinator plans further moves once earlier
      // ones end. Stable means its planner (fed what etcd holds) has nothing left to do.
      return await c.settledInEtcd();
    },
    waitStable: (timeoutMs = 30000) => c.waitUntil(() => c.stable(), timeoutMs, 'a stable cluster (all live nodes ok, 16384 slots, every node owning slots, no migration)'),
    clusterInfo: async (port) => parseInfo(String(await ok(port, ['CLUSTER', 'INFO']))),
    clusterNodes: async (port) => String(await ok(port, ['CLUSTER', 'NODES'])),
    async slotOwners(port) {
      const owners = new Int32Array(SLOTS);
      const ranges = (await ok(port, ['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number, string]]>;
      for (const [start, end, primary] of ranges) owners.fill(primary[1], start, end + 1);
      return owners;
    },
    async settledInEtcd() {
      const client = connectEtcd([etcd.endpoint]);
      try {
        const t = await readTopology(client, c.prefix);
        if (t.value === null) return false;
        const live = new Map<string, Registration>();
        for (const [key, value] of Object.entries(await client.getAll().prefix(`${c.prefix}/nodes/`).strings())) {
          const r = JSON.parse(value) as { addr: { ip: string; port: number }; state: 'up' | 'leaving' };
          live.set(key.slice(`${c.prefix}/nodes/`.length), { addr: { ip: r.addr.ip, port: r.addr.port }, state: r.state });
        }
        // plan() keeps migrations in progress untouched (null while they run): none may be left either.
        const topology = parseTopology(t.value);
        return topology.migrating.length === 0 && plan(topology, live, DEFAULT_VNODES, { replicas }) === null;
      } finally {
        client.close();
      }
    },
    async topology() {
      const client = connectEtcd([etcd.endpoint]);
      try {
        const t = await readTopology(client, c.prefix);
        if (t.value === null) throw new Error('no topology in etcd');
        return parseTopology(t.value);
      } finally {
        client.close();
      }
    },
    command: (port, ...args) => command(port, args),
    logs(lines = 25) {
      return nodes.map((n) => `--- node ${n.port} ${n.id} (${n.alive() ? 'alive' : `gone: exit ${n.proc.exitCode} signal ${n.proc.signalCode}`}):\n${n.server.output().split('\n').slice(-lines).join('\n')}`).join('\n');
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(nodes.map((_, i) => c.killNode(i)));
      await etcd.stop();
      for (const n of nodes) {
        fs.rmSync(n.dir, { recursive: true, force: true });
        tempDirs.delete(n.dir);
      }
    },
  };

  try {
    const started = await Promise.allSettled(Array.from({ length: opts.nodes }, () => spawnNode()));
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    await c.waitStable(30000);
  } catch (e) {
    await c.stop();
    throw e;
  }
  return c;
}

/**
 * An ioredis Cluster client on c's seed, tuned to ride through failovers (short retry delays, many
 * redirections, fast slot refreshes); its error events are ignored (callers look at command results).
 */
export function failoverClient(c: TestCluster): Cluster {
  const client = new Cluster([{ host: '127.0.0.1', port: c.seed }], {
    retryDelayOnClusterDown: 50,
    retryDelayOnFailover: 50,
    retryDelayOnTryAgain: 50,
    maxRedirections: 100,
    slotsRefreshTimeout: 500,
    redisOptions: { connectTimeout: 500, maxRetriesPerRequest: 1 },
  });
  client.on('error', () => undefined);
  return client;
}
