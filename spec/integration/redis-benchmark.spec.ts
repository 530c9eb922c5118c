// The real redis-benchmark's whole default suite (`redis-benchmark -q`, no -t) against a node process: every
// test runs to the end with no error reply (issue 12: it used to stop at LPUSH with "unknown command"), and
// the data it leaves behind is what those commands make.
import { expect } from 'chai';
import { spawn } from 'child_process';
import Redis from 'ioredis';
import { startServer, type ServerProcess } from '../helpers/server-process';

/** The tests of redis-benchmark 7's default suite, as it names them in -q output. */
const DEFAULT_SUITE = [
  'PING_INLINE',
  'PING_MBULK',
  'SET',
  'GET',
  'INCR',
  'LPUSH',
  'RPUSH',
  'LPOP',
  'RPOP',
  'SADD',
  'HSET',
  'SPOP',
  'ZADD',
  'ZPOPMIN',
  'LPUSH (needed to benchmark LRANGE)',
  'LRANGE_100 (first 100 elements)',
  'LRANGE_300 (first 300 elements)',
  'LRANGE_500 (first 500 elements)',
  'LRANGE_600 (first 600 elements)',
  'MSET (10 keys)',
];

function run(cmd: string, args: string[], ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('integration: redis-benchmark -q, its whole default suite', function () {
  this.timeout(120000);
  let server: ServerProcess;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('runs every test to the end without an error reply', async () => {
    const r = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(server.port), '-q', '-n', '5000', '-c', '20'], 100000);
    // -q rewrites a progress line with \r; what stays is one final line a test.
    const lines = r.stdout
      .split('\n')
      .map((l) => (l.split('\r').pop() as string).trim())
      .filter((l) => l.length > 0);
    const said = JSON.stringify({ code: r.code, stderr: r.stderr, lines });
    expect(r.code, said).to.equal(0);
    expect(r.stderr + r.stdout, said).to.not.match(/ERR|WRONGTYPE|error/i);
    const done = new Map(lines.map((l) => [l.slice(0, l.lastIndexOf(':')), l] as const));
    for (const test of DEFAULT_SUITE) {
      const line = done.get(test);
      expect(line, `${test} in ${said}`).to.be.a('string');
      expect(Number(/: ([\d.]+) requests per second/.exec(line as string)?.[1]), `${test} rate`).to.be.greaterThan(0);
    }
  });

  it('leaves what those commands make: a list, the counter, the MSET keys, the hash', async () => {
    const c = new Redis({ port: server.port, host: '127.0.0.1' });
    try {
      expect(await c.type('mylist')).to.equal('list');
      expect(await c.llen('mylist')).to.be.greaterThan(600);
      expect(await c.get('counter:__rand_int__')).to.equal('5000'); // INCR ran 5,000 times, none lost
      expect(await c.type('myset')).to.be.oneOf(['set', 'none']); // SPOP may have emptied it
      expect(await c.hget('myhash', 'element:__rand_int__')).to.be.a('string');
      expect(await c.exists('key:__rand_int__')).to.equal(1);
    } finally {
      c.disconnect();
    }
  });
});
