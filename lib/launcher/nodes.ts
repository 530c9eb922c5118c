// Node processes: bin/shardcache-server of this checkout, one per port, each in its own D/node-PORT,
// detached with stdout/stderr appended to D/node-PORT/console.log so that the launcher can exit.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { command } from './resp';
import { nodeDir, processAlive, NODE_MARK, type NodeState } from './state';
import { signalAndWait, sleep, waitGone } from './proc';

/** bin/shardcache-server next to this file's checkout (dist/lib/launcher/ -> ../../../bin). */
export const SERVER_BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'shardcache-server');

export interface NodeOptions {
  etcd: string;
  name: string;
  nodeTimeoutMs: number;
  /** cluster-replicas: replicas per shard the coordinator fills before it opens a new shard. */
  replicas: number;
}

/** The shardcache-server arguments of the node on `port` with working directory `dir`. */
export function nodeArgs(port: number, dir: string, o: NodeOptions): string[] {
  return [
    '--bind', '127.0.0.1',
    '--port', String(port),
    '--dir', dir,
    '--logfile', 'node.log',
    '--pidfile', 'node.pid',
    '--cluster-etcd', o.etcd,
    '--cluster-name', o.name,
    '--cluster-node-timeout', String(o.nodeTimeoutMs),
    '--cluster-replicas', String(o.replicas),
  ];
}

export interface StartedNode extends NodeState {
  /** Resolves with a one-line reason if the process exits while the launcher still runs. */
  exited: Promise<string>;
}

/** Starts the node on `port` under cluster directory `clusterDir` (creating D/node-PORT). */
export function spawnNode(clusterDir: string, port: number, o: NodeOptions): StartedNode {
  const dir = nodeDir(clusterDir, port);
  fs.mkdirSync(dir, { recursive: true });
  const consoleLog = path.join(dir, 'console.log');
  const out = fs.openSync(consoleLog, 'a');
  const logStart = fs.fstatSync(out).size;
  const proc = spawn(SERVER_BIN, nodeArgs(port, dir, o), { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const exited = new Promise<string>((resolve) => {
    proc.once('error', (e) => resolve(`cannot run ${SERVER_BIN}: ${e.message}`));
    proc.once('exit', (code, sig) => {
      let said = '';
      try {
        said = fs.readFileSync(consoleLog, 'utf8').slice(logStart).trim().split('\n').pop() ?? '';
      } catch {
        // nothing written
      }
      resolve(`node on port ${port} exited with ${sig ?? `code ${code}`}${said ? `: ${said}` : ''} (see ${dir})`);
    });
  });
  proc.unref();
  return { port, pid: proc.pid ?? null, dir, exited };
}

/** Resolves once the node answers PING with PONG; rejects with the exit reason or after ms. */
export async function waitReady(n: StartedNode, ms: number): Promise<void> {
  let exitReason: string | null = null;
  void n.exited.then((r) => (exitReason = r));
  const until = Date.now() + ms;
  for (;;) {
    if (exitReason !== null) throw new Error(exitReason);
    try {
      if ((await command(n.port, ['PING'], 1000)) === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`node on port ${n.port} did not answer PING in ${ms} ms (see ${n.dir}/node.log)`);
    await sleep(50);
  }
}

/**
 * Stops the node: sends SHUTDOWN with `how` (['NOW'] skips the slot hand-off; [] hands slots off first),
 * or SIGTERM when it does not answer, then waits up to graceMs for the process to exit and SIGKILLs it
 * after. Resolves true when it exited on its own, false when it was killed.
 */
export async function stopNode(n: NodeState, how: string[], graceMs: number): Promise<boolean> {
  if (!processAlive(n.pid, NODE_MARK)) return true;
  let asked = false;
  try {
    // No reply (the connection closes) means it is going; an error reply means it refused.
    asked = (await command(n.port, ['SHUTDOWN', ...how], 2000)) === undefined;
  } catch {
    // not answering: fall back to a signal
  }
  return signalAndWait(n.pid!, NODE_MARK, asked ? null : 'SIGTERM', graceMs);
}

/** Waits for the node's process to be gone; false after ms. */
export const waitNodeGone = (n: NodeState, ms: number) => (n.pid === null ? Promise.resolve(true) : waitGone(n.pid, NODE_MARK, ms));
