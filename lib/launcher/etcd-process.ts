// The launcher's own etcd: `etcd` from PATH on 127.0.0.1 (free client and peer ports), data in D/etcd,
// output to D/etcd.log, detached so that it outlives the launcher.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { freePort } from './ports';
import { processAlive, ETCD_MARK, type EtcdState } from './state';
import { sleep, signalAndWait } from './proc';

/** GET http://127.0.0.1:port/health; resolves true only on 200 with "health":"true". Never rejects. */
export function etcdHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 1000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts etcd for cluster directory `dir` and resolves once it is healthy. Rejects with one line
 * ("etcd not found on PATH", "etcd exited with code N: <its last log line>", "etcd not healthy in 15 s")
 * after killing what it started. Retries on other ports (3 attempts) when a port was taken meanwhile.
 */
export async function startEtcd(dir: string): Promise<EtcdState & { url: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(dir);
    } catch (e) {
      if (attempt >= 3 || !/address already in use/.test(String(e))) throw e;
    }
  }
}

async function startOnce(dir: string): Promise<EtcdState & { url: string }> {
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const dataDir = path.join(path.resolve(dir), 'etcd');
  // A fresh cluster each start: an old data dir would still hold a previous run's topology.
  fs.rmSync(dataDir, { recursive: true, force: true });
  const logFile = path.join(path.resolve(dir), 'etcd.log');
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'shardcache-cluster',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `shardcache-cluster=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-outputs', 'stderr',
    '--log-level', 'warn',
  ];
  const out = fs.openSync(logFile, 'a');
  const logStart = fs.fstatSync(out).size;
  const proc = spawn('etcd', args, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let failure: string | null = null;
  proc.once('error', (e: NodeJS.ErrnoException) => (failure = e.code === 'ENOENT' ? 'etcd not found on PATH (install etcd 3.4+, or pass --etcd URL)' : `cannot run etcd: ${e.message}`));
  proc.once('exit', (code, sig) => (failure ??= `etcd exited with ${sig ?? `code ${code}`}: ${lastLine(logFile, logStart)} (see ${logFile})`));
  proc.unref();
  const state: EtcdState & { url: string } = { url: client, pid: proc.pid ?? null, dataDir, clientPort, peerPort };
  const deadline = Date.now() + 15000;
  for (;;) {
    if (failure !== null) throw new Error(failure);
    if (await etcdHealthy(clientPort)) return state;
    if (Date.now() > deadline) {
      await stopEtcd(state);
      throw new Error(`etcd not healthy in 15 s (see ${logFile})`);
    }
    await sleep(50);
  }
}

/** The last non-empty line written to `file` after byte `from` ('' when none). */
function lastLine(file: string, from: number): string {
  try {
    const text = fs.readFileSync(file, 'utf8').slice(from).trim();
    return text.split('\n').pop() ?? '';
  } catch {
    return '';
  }
}

/** SIGTERM (SIGKILL after 5 s) and waits for exit; does nothing when it is already gone. */
export async function stopEtcd(e: EtcdState): Promise<void> {
  if (!processAlive(e.pid, ETCD_MARK)) return;
  await signalAndWait(e.pid!, ETCD_MARK, 'SIGTERM', 5000);
}
