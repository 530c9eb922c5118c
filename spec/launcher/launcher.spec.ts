// Integration: the real bin/shardcache-cluster with a real etcd and real node processes, as a user runs it.
import { expect } from 'chai';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { portFree } from '../../lib/launcher/ports';
import { processAlive, readState } from '../../lib/launcher/state';
import { freePort, ROOT } from '../helpers/server-process';

const BIN = path.join(ROOT, 'bin', 'shardcache-cluster');

interface Run { code: number; stdout: string; stderr: string }
function run(file: string, args: string[], timeoutMs = 60000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}
const cluster = (args: string[]) => run(BIN, args);

/** A base port P with P..P+n-1 all free right now. */
async function freeRange(n: number): Promise<number> {
  for (;;) {
    const p = await freePort();
    if (p + n > 65535) continue;
    let ok = true;
    for (let i = 1; i < n && ok; i++) ok = await portFree(p + i);
    if (ok) return p;
  }
}

/** Parses the status table into rows (address, role, slots, keys, health) and the summary line. */
function parseStatus(text: string) {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).to.match(/^ID +ADDRESS +ROLE +SLOTS +KEYS +HEALTH$/);
  const rows = lines.slice(1, -1).map((l) => {
    const [id, address, role, slots, keys, health] = l.split(/ +/);
    return { id, address, role, slots: Number(slots), keys, health };
  });
  return { rows, summary: lines[lines.length - 1] };
}

const alive = (pid: number) => processAlive(pid, 'shardcache-server') || processAlive(pid, 'etcd');

describe('shardcache-cluster usage errors', () => {
  it('exits 2 for bad usage, with one line on stderr', async () => {
    const r = await cluster(['start']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('shardcache-cluster: start needs --nodes N (shardcache-cluster help for usage)\n');
    const rep = await cluster(['start', '--nodes', '3', '--replicas', '1']);
    expect(rep.code).to.equal(2);
    expect(rep.stderr).to.equal('shardcache-cluster: --nodes 3 is not a multiple of --replicas + 1 = 2 (each shard is 1 primary + 1 replica) (shardcache-cluster help for usage)\n');
    const dflt = await cluster(['start', '--nodes', '4']);
    expect(dflt.code).to.equal(2);
    expect(dflt.stderr).to.match(/^shardcache-cluster: --nodes 4 is not a multiple of 3: .* or --replicas 0 for 4 primaries without replicas \(shardcache-cluster help for usage\)\n$/);
  });

  it('exits 1 when there is no cluster in the directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-none-'));
    try {
      const r = await cluster(['status', '--dir', dir]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/^shardcache-cluster: no cluster in .*\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when a node port is taken, before starting anything', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-taken-'));
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const r = await cluster(['start', '--nodes', '1', '--replicas', '0', '--base-port', String(port), '--dir', dir]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal(`shardcache-cluster: port ${port} is already in use (choose another --base-port)\n`);
      expect(fs.existsSync(path.join(dir, 'cluster.json'))).to.equal(false);
    } finally {
      srv.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('shardcache-cluster (real etcd and nodes)', function () {
  this.timeout(60000);
  let dir: string;
  let base: number;
  const pids = new Set<number>();
  const remember = () => {
    const s = readState(dir);
    for (const n of s.nodes) if (n.pid !== null) pids.add(n.pid);
    if (s.ownEtcd?.pid) pids.add(s.ownEtcd.pid);
  };
  const status = async () => {
    const r = await cluster(['status', '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    return parseStatus(r.stdout);
  };
  const cli = (port: number, ...args: string[]) => run('redis-cli', ['-c', '-h', '127.0.0.1', '-p', String(port), ...args], 10000);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-e2e-'));
    base = await freeRange(5);
  });
  after(async () => {
    if (fs.existsSync(path.join(dir, 'cluster.json'))) await cluster(['stop', '--dir', dir]);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (!process.env.KEEP_LAUNCHER_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('start --nodes 3 --replicas 0 prints progress on stderr, the seed on stdout, and serves redis-cli -c', async () => {
    const r = await cluster(['start', '--nodes', '3', '--replicas', '0', '--base-port', String(base), '--dir', dir, '--node-timeout', '2000', '--timeout', '30000']);
    if (fs.existsSync(path.join(dir, 'cluster.json'))) remember();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`127.0.0.1:${base}\n`);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).to.match(/^etcd: up at http:\/\/127\.0\.0\.1:\d+ \(data in .*\)$/);
    expect(lines[1]).to.equal(`nodes: 3 started on 127.0.0.1:${base}-${base + 2}, for 3 shards of 1 primary + 0 replicas (logs in ${path.join(dir, 'node-PORT', 'node.log')})`);
    expect(lines).to.include('nodes: 3/3 answering PING');
    expect(lines).to.include('nodes: 3/3 registered in etcd');
    expect(lines).to.include('slots: 16384/16384 assigned');
    expect(lines.some((l) => l.startsWith('replicas:'))).to.equal(false);
    expect(lines[lines.length - 1]).to.match(/^ready: every node serves the topology of epoch \d+ \(cluster_state:ok\)$/);
    // One line per stage change: never the same line twice in a row (a stage may come back, e.g. slots
    // assigned again once a migration that started while nodes joined has ended).
    for (let i = 1; i < lines.length; i++) expect(lines[i], `line ${i} repeats`).to.not.equal(lines[i - 1]);
    expect((await cli(base, 'set', 'foo', 'bar')).stdout).to.equal('OK\n');
    expect((await cli(base + 2, 'get', 'foo')).stdout).to.equal('bar\n');
  });

  it('status lists 3 healthy primaries covering 16384 slots, with key counts', async () => {
    const { rows, summary } = await status();
    expect(rows.map((x) => x.address)).to.deep.equal([0, 1, 2].map((i) => `127.0.0.1:${base + i}`));
    expect(rows.every((x) => x.role === 'primary' && x.health === 'ok' && x.slots > 0 && /^[0-9a-f]{40}$/.test(x.id))).to.equal(true);
    expect(rows.reduce((a, x) => a + x.slots, 0)).to.equal(16384);
    expect(rows.reduce((a, x) => a + Number(x.keys), 0)).to.equal(1);
    expect(summary).to.match(/^cluster_epoch:\d+ cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:3$/);
  });

  it('refuses a second start in the same directory', async () => {
    const r = await cluster(['start', '--nodes', '1', '--replicas', '0', '--base-port', String(base + 4), '--dir', dir]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/a cluster is already running in /);
  });

  it('add-node starts a 4th node that takes over slots', async () => {
    const r = await cluster(['add-node', '--dir', dir, '--timeout', '30000']);
    remember();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`127.0.0.1:${base + 3}\n`);
    const { rows, summary } = await status();
    expect(rows).to.have.length(4);
    expect(rows.every((x) => x.slots > 0 && x.health === 'ok')).to.equal(true);
    expect(rows.reduce((a, x) => a + x.slots, 0)).to.equal(16384);
    expect(summary).to.match(/cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:4$/);
    expect((await cli(base + 3, 'get', 'foo')).stdout).to.equal('bar\n');
  });

  it('remove-node hands the node off and leaves 3 nodes', async () => {
    const gone = readState(dir).nodes.find((n) => n.port === base + 1)!;
    const r = await cluster(['remove-node', '--dir', dir, '--port', String(base + 1), '--timeout', '30000']);
    expect(r.code, r.stderr).to.equal(0);
    expect(processAlive(gone.pid, 'shardcache-server')).to.equal(false);
    expect(readState(dir).nodes.map((n) => n.port)).to.deep.equal([base, base + 2, base + 3]);
    const { rows, summary } = await status();
    expect(rows.map((x) => x.address)).to.deep.equal([base, base + 2, base + 3].map((p) => `127.0.0.1:${p}`));
    expect(rows.reduce((a, x) => a + x.slots, 0)).to.equal(16384);
    expect(summary).to.match(/cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:3$/);
    expect((await cli(base, 'get', 'foo')).stdout).to.equal('bar\n');
  });

  it('stop ends every process it started and keeps the logs', async () => {
    const before = readState(dir);
    const r = await cluster(['stop', '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('stopped 3 nodes and etcd\n');
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).to.equal(false);
    const after = readState(dir);
    expect(after.nodes.every((n) => n.pid === null) && after.ownEtcd!.pid === null).to.equal(true);
    for (const n of before.nodes) expect(fs.existsSync(path.join(n.dir, 'node.log'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'etcd.log'))).to.equal(true);
  });
});

describe('shardcache-cluster with replicas (real etcd and nodes)', function () {
  this.timeout(60000);
  let dir: string;
  let base: number;
  const pids = new Set<number>();
  const remember = () => {
    const s = readState(dir);
    for (const n of s.nodes) if (n.pid !== null) pids.add(n.pid);
    if (s.ownEtcd?.pid) pids.add(s.ownEtcd.pid);
  };
  const status = async () => {
    const r = await cluster(['status', '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    return parseStatus(r.stdout);
  };
  const cli = (port: number, ...args: string[]) => run('redis-cli', ['-c', '-h', '127.0.0.1', '-p', String(port), ...args], 10000);
  /** The primary's row, after checking the others are in-sync replicas of it. */
  const oneShard = async (n: number) => {
    const { rows, summary } = await status();
    expect(rows).to.have.length(n);
    const primaries = rows.filter((x) => x.role === 'primary');
    expect(primaries).to.have.length(1);
    const p = primaries[0];
    expect(p.slots).to.equal(16384);
    for (const x of rows) if (x !== p) expect([x.role, x.slots]).to.deep.equal([`replica(${p.address})`, 0]);
    expect(rows.every((x) => x.health === 'ok' && x.keys === '1')).to.equal(true); // in sync, with the key
    expect(summary).to.match(/cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:\d+$/);
    return p;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-repl-'));
    base = await freeRange(4);
  });
  after(async () => {
    if (fs.existsSync(path.join(dir, 'cluster.json'))) await cluster(['stop', '--dir', dir]);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (!process.env.KEEP_LAUNCHER_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('start --nodes 3 (replicas default to 2, as cluster-replicas) makes one shard of a primary and 2 in-sync replicas', async () => {
    const r = await cluster(['start', '--nodes', '3', '--base-port', String(base), '--dir', dir, '--node-timeout', '2000', '--timeout', '30000']);
    if (fs.existsSync(path.join(dir, 'cluster.json'))) remember();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`127.0.0.1:${base}\n`);
    expect(readState(dir).replicas).to.equal(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).to.include(`nodes: 3 started on 127.0.0.1:${base}-${base + 2}, for 1 shard of 1 primary + 2 replicas (logs in ${path.join(dir, 'node-PORT', 'node.log')})`);
    expect(lines).to.include('replicas: 2/2 in sync');
    expect(lines[lines.length - 1]).to.match(/^ready: /);
    expect((await cli(base + 1, 'set', 'foo', 'bar')).stdout).to.equal('OK\n');
    expect((await cli(base + 2, 'get', 'foo')).stdout).to.equal('bar\n');
    await oneShard(3);
  });

  it('remove-node of the primary promotes a replica, and the key survives', async () => {
    const p = await oneShard(3);
    const port = Number(p.address.split(':')[1]);
    const r = await cluster(['remove-node', '--dir', dir, '--port', String(port), '--timeout', '30000']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`${p.address}\n`);
    const q = await oneShard(2);
    expect(q.address).to.not.equal(p.address);
    expect((await cli(port === base ? base + 1 : base, 'get', 'foo')).stdout).to.equal('bar\n');
  });

  it('add-node fills the shard short of a replica and returns once the replica is in sync', async () => {
    const r = await cluster(['add-node', '--dir', dir, '--port', String(base + 3), '--timeout', '30000']);
    remember();
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`127.0.0.1:${base + 3}\n`);
    const p = await oneShard(3);
    expect(p.address).to.not.equal(`127.0.0.1:${base + 3}`);
  });

  it('stop ends every node and etcd', async () => {
    const r = await cluster(['stop', '--dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('stopped 3 nodes and etcd\n');
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).to.equal(false);
  });
});
