// The real redis-cli (-c, --cluster check) and redis-benchmark --cluster against a 3-node cluster on a
// real etcd: the tools find the slot map by themselves and follow MOVED.
import { expect } from 'chai';
import { spawn } from 'child_process';
import { keySlot } from '../../lib/util/slots';
import { startCluster, type TestCluster } from '../helpers/cluster';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion (timeoutMs at most; then SIGKILL and reject). */
function run(bin: string, args: string[], timeoutMs = 20000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')} did not finish in ${timeoutMs} ms; said:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('integration: cluster with redis-cli and redis-benchmark', function () {
  this.timeout(60000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster({ nodes: 3 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('redis-cli -c follows MOVED: SET through a node that does not own the key, GET through a third', async () => {
    const [a, b, c] = cluster.live();
    const owners = await cluster.slotOwners(a.port);
    // A key owned by b: a answers MOVED to b, c as well.
    let key = '';
    for (let i = 0; key === ''; i++) if (owners[keySlot(`cli:${i}`)] === b.port) key = `cli:${i}`;
    const moved = await run('redis-cli', ['-p', String(a.port), 'SET', key, 'v1']);
    expect(moved.stdout + moved.stderr).to.contain(`MOVED ${keySlot(key)} 127.0.0.1:${b.port}`);
    const set = await run('redis-cli', ['-c', '-p', String(a.port), 'SET', key, 'hello cluster']);
    expect(set, JSON.stringify(set)).to.include({ code: 0, stdout: 'OK\n' });
    const get = await run('redis-cli', ['-c', '-p', String(c.port), 'GET', key]);
    expect(get, JSON.stringify(get)).to.include({ code: 0, stdout: 'hello cluster\n' });
    expect(await cluster.command(b.port, 'GET', key)).to.equal('hello cluster');
  });

  it('redis-cli --cluster check exits 0 and reports all 16384 slots covered', async () => {
    const r = await run('redis-cli', ['--cluster', 'check', `127.0.0.1:${cluster.seed}`]);
    const seen = `redis-cli said: ${JSON.stringify(r)}\n${cluster.logs(15)}`;
    expect(r.code, seen).to.equal(0);
    expect(r.stdout, seen).to.contain('[OK] All 16384 slots covered.');
    expect(r.stdout, seen).to.contain('[OK] All nodes agree about slots configuration.');
    expect(r.stdout, seen).to.not.match(/\[ERR\]|\[WARNING\]/);
    for (const n of cluster.live()) expect(r.stdout, seen).to.contain(`127.0.0.1:${n.port}`);
  });

  it('redis-benchmark --cluster -t set,get -n 100000 runs to the end', async () => {
    const r = await run('redis-benchmark', ['--cluster', '-h', '127.0.0.1', '-p', String(cluster.seed), '-c', '8', '-t', 'set,get', '-n', '100000', '-q'], 90000);
    const seen = `redis-benchmark said: ${JSON.stringify({ ...r, stdout: r.stdout.replace(/[^\n]*\r/g, '') })}\n${cluster.logs(15)}`;
    expect(r.code, seen).to.equal(0);
    expect(r.stdout, seen).to.match(/SET: [\d.]+ requests per second/);
    expect(r.stdout, seen).to.match(/GET: [\d.]+ requests per second/);
    expect(r.stdout + r.stderr, seen).to.not.match(/error|ERR/i);
    // It wrote through every node: each holds some of the benchmark's keys.
    for (const n of cluster.live()) expect(Number(await cluster.command(n.port, 'DBSIZE')), `DBSIZE of ${n.port}`).to.be.greaterThan(0);
  });
});
