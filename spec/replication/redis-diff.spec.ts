// Real processes: a shardcache primary+replica pair (REPLICAOF) against a redis-server 7 pair on free
// ports. INFO replication field names and order, ROLE shapes, WAIT and READONLY replies must match.
// Skipped when redis-server is not on PATH.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process';
import { until } from './harness';

const haveRedis = spawnSync('sh', ['-c', 'command -v redis-server']).status === 0;

interface Pair {
  p: Redis;
  r: Redis;
  pPort: number;
  stop(): Promise<void>;
}

async function redisPair(): Promise<Pair> {
  const procs: ChildProcess[] = [];
  const ports: number[] = [];
  // The replica writes the RDB it receives to its dir: keep it out of the checkout.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repl-diff-'));
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    ports.push(port);
    procs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0', '--dir', dir], { stdio: 'ignore' }));
  }
  const [p, r] = ports.map((port) => {
    const c = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 50 ? null : 50) });
    c.on('error', () => undefined); // refused until redis-server listens: ioredis retries
    return c;
  });
  return {
    p,
    r,
    pPort: ports[0],
    async stop() {
      p.disconnect();
      r.disconnect();
      for (const proc of procs) {
        const exited = new Promise((res) => proc.once('exit', res));
        proc.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function shardcachePair(): Promise<Pair> {
  const servers: ServerProcess[] = [await startServer(), await startServer()];
  const [p, r] = servers.map((s) => new Redis({ port: s.port, host: '127.0.0.1' }));
  return {
    p,
    r,
    pPort: servers[0].port,
    async stop() {
      p.disconnect();
      r.disconnect();
      for (const s of servers) await s.stop();
    },
  };
}

function fieldNames(info: string): string[] {
  return info.split('\r\n').filter((l) => l.includes(':')).map((l) => l.slice(0, l.indexOf(':')));
}

/** What is compared: field names, value shapes, replies. */
async function observe(pair: Pair): Promise<Record<string, unknown>> {
  const { p, r } = pair;
  const replicaof = await r.replicaof('127.0.0.1', String(pair.pPort));
  await until(async () => /master_link_status:up/.test(await r.info('replication')), 'link up', 20000);
  await p.set('k', 'v');
  const wait1 = await p.wait(1, 5000);
  const wait2 = await p.wait(2, 100);
  await until(async () => (await r.get('k')) === 'v', 'k replicated');
  const again = await r.replicaof('127.0.0.1', String(pair.pPort));
  const roleP = (await p.role()) as unknown[];
  const roleR = (await r.role()) as unknown[];
  const readonly = await r.set('x', '1').then(() => 'OK', (e: Error) => e.message);
  const waitOnReplica = await r.wait(1, 10).then(String, (e: Error) => e.message);
  const infoP = await p.info('replication');
  const infoR = await r.info('replication');
  const slave0 = /slave0:(.*)\r\n/.exec(infoP)?.[1] ?? '';
  const noOne = await r.replicaof('NO', 'ONE');
  const infoPromoted = await r.info('replication');
  return {
    replicaof,
    again,
    wait1,
    wait2,
    roleP: [roleP[0], typeof roleP[1], (roleP[2] as unknown[][]).map((e) => e.map((x) => typeof x))],
    roleR: [roleR[0], roleR[1], typeof roleR[2], roleR[3], typeof roleR[4]],
    readonly,
    waitOnReplica,
    slave0: slave0.replace(/\d+/g, 'N'),
    fieldsP: fieldNames(infoP),
    fieldsR: fieldNames(infoR),
    fieldsPromoted: fieldNames(infoPromoted),
    promotedReplid2: /master_replid2:(\w+)/.exec(infoPromoted)?.[1] === /master_replid:(\w+)/.exec(infoP)?.[1],
    noOne,
  };
}

(haveRedis ? describe : describe.skip)('replication replies against redis-server 7', function () {
  this.timeout(60000);
  it('INFO replication fields, ROLE, WAIT, REPLICAOF and READONLY replies match', async () => {
    const rp = await redisPair();
    let want: Record<string, unknown>;
    try {
      want = await observe(rp);
    } finally {
      await rp.stop();
    }
    const sp = await shardcachePair();
    let got: Record<string, unknown>;
    try {
      got = await observe(sp);
    } finally {
      await sp.stop();
    }
    expect(want.fieldsP).to.include('slave0');
    expect(got).to.deep.equal(want);
  });
});
