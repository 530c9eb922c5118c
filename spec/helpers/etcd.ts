// A real single-member etcd (the `etcd` 3.4 binary on PATH) for integration specs: loopback only, free
// ports, a fresh temporary data dir that stop() removes.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './server-process';

export interface EtcdProcess {
  /** http://127.0.0.1:PORT, the client URL to hand to connectEtcd. */
  endpoint: string;
  dataDir: string;
  /** Everything etcd wrote to stdout and stderr so far. */
  output(): string;
  /** SIGCONT + SIGTERM (SIGKILL after 3 s), waits for exit, removes the data dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash); stop() still removes the data dir afterwards. */
  kill(): void;
  /** SIGSTOP / SIGCONT: etcd freezes (connections stay open, nothing answers) and thaws. */
  pause(): void;
  resume(): void;
}

const live = new Set<EtcdProcess>();
// mocha runs with --exit: never leave an etcd or its data dir behind.
process.on('exit', () => {
  for (const e of live) {
    e.kill();
    fs.rmSync(e.dataDir, { recursive: true, force: true });
  }
});

/** GET /health; resolves true only on 200 with "health":"true". */
function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && /"health":\s*"true"/.test(body)));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/**
 * Starts etcd and resolves once /health says true. Rejects (with etcd's output) if it exits first or is
 * not healthy in 10 s; retries up to 3 times when a picked port was taken in between.
 */
export async function startEtcd(): Promise<EtcdProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (e) {
      if (attempt >= 3 || !/address already in use/.test(String(e))) throw e;
    }
  }
}

async function startOnce(): Promise<EtcdProcess> {
  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shardcache-etcd-'));
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'n1',
    '--data-dir', dataDir,
    '--listen-client-urls', client,
    '--advertise-client-urls', client,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `n1=${peer}`,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-outputs', 'stderr',
    '--log-level', 'warn',
  ];
  const proc = spawn('etcd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  const isGone = () => gone || proc.exitCode !== null || proc.signalCode !== null;
  const kill = () => {
    if (!isGone()) proc.kill('SIGKILL');
  };
  const handle: EtcdProcess = {
    endpoint: client,
    dataDir,
    output: () => out,
    kill,
    pause: () => void (isGone() || proc.kill('SIGSTOP')),
    resume: () => void (isGone() || proc.kill('SIGCONT')),
    stop: async () => {
      if (!isGone()) {
        proc.kill('SIGCONT');
        proc.kill('SIGTERM');
        const t = setTimeout(kill, 3000);
        await exited;
        clearTimeout(t);
      }
      gone = true;
      fs.rmSync(dataDir, { recursive: true, force: true });
      live.delete(handle);
    },
  };
  live.add(handle);
  let spawnError: Error | undefined;
  proc.once('error', (e) => (spawnError = e));
  const deadline = Date.now() + 10000;
  for (;;) {
    if (spawnError || isGone()) {
      await handle.stop();
      throw new Error(`etcd failed to start (${spawnError?.message ?? `exit ${proc.exitCode}`}):\n${out}`);
    }
    if (await healthy(clientPort)) return handle;
    if (Date.now() > deadline) {
      await handle.stop();
      throw new Error(`etcd not healthy in 10 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
