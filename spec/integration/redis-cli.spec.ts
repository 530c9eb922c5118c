// The real redis-cli and redis-benchmark (Debian redis-tools) against a node process. Expected outputs
// were taken from the same redis-cli talking to redis-server 7.0.15.
import { expect } from 'chai';
import { execFile, spawn } from 'child_process';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { needs } from './needs';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a tool to completion (10 s at most), optionally writing `input` to its stdin. */
function run(bin: string, args: string[], input?: string, timeoutMs = 10000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${bin} ${args.join(' ')} did not finish in ${timeoutMs} ms`));
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
    // A tool given its command as arguments may exit before reading stdin: EPIPE there is not a failure.
    p.stdin.on('error', () => undefined);
    p.stdin.end(Buffer.from(input ?? '', 'latin1'));
  });
}

describe('integration: redis-cli and redis-benchmark', function () {
  this.timeout(30000);
  let server: ServerProcess;
  const cli = (...args: string[]) => run('redis-cli', ['-p', String(server.port), ...args]);
  const cliIn = (input: string, ...args: string[]) => run('redis-cli', ['-p', String(server.port), ...args], input);

  before(async function () {
    const found = await new Promise<boolean>((r) => execFile('redis-cli', ['--version'], (e) => r(e === null)));
    if (!found) throw new Error('redis-cli not found: install redis-tools (bash .ci/run does)');
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('ping', async () => {
    expect(await cli('ping')).to.deep.equal({ code: 0, stdout: 'PONG\n', stderr: '' });
  });

  it('set, then get (raw output when not a tty)', async () => {
    expect((await cli('set', 'cli:k', 'hello world')).stdout).to.equal('OK\n');
    expect((await cli('get', 'cli:k')).stdout).to.equal('hello world\n');
    expect((await cli('get', 'cli:missing')).stdout).to.equal('\n');
  });

  it('--no-raw shows the reply types as a terminal would', async () => {
    await cli('set', 'cli:nr', 'v');
    expect((await cli('--no-raw', 'get', 'cli:nr')).stdout).to.equal('"v"\n');
    expect((await cli('--no-raw', 'get', 'cli:missing')).stdout).to.equal('(nil)\n');
    expect((await cli('--no-raw', 'del', 'cli:nr', 'cli:missing')).stdout).to.equal('(integer) 1\n');
    expect((await cli('--no-raw', 'get')).stdout).to.equal("(error) ERR wrong number of arguments for 'get' command\n");
  });

  it('commands from stdin, one per line, quotes and escapes included', async () => {
    const r = await cliIn('SET cli:in "a b\\x41"\nGET cli:in\nDEL cli:in\nGET cli:in\n');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal('OK\na bA\n1\n\n');
  });

  it('binary values survive the round trip through -x (stdin as last argument)', async () => {
    const payload = 'line1\r\nline2\x00\xff';
    expect((await cliIn(payload, '-x', 'set', 'cli:bin')).stdout).to.equal('OK\n');
    expect((await cli('--no-raw', 'get', 'cli:bin')).stdout).to.equal('"line1\\r\\nline2\\x00\\xff"\n');
  });

  needs(['hello'])('-3 (RESP3 via HELLO 3)', () => {
    it('negotiates RESP3 and prints the HELLO map', async () => {
      const r = await cli('-3', '--no-raw', 'hello', '3');
      const seen = `redis-cli said: ${JSON.stringify(r)}`; // a failure shows everything the tool printed
      expect(r.stderr, seen).to.equal('');
      expect(r.stdout, seen).to.contain('"proto" => (integer) 3');
      await cli('set', 'cli:r3', 'v');
      expect(await cli('-3', '--no-raw', 'get', 'cli:r3')).to.deep.equal({ code: 0, stdout: '"v"\n', stderr: '' });
      expect((await cli('-3', '--no-raw', 'get', 'cli:missing')).stdout).to.equal('(nil)\n');
    });
  });

  needs(['scan'])('--scan', () => {
    it('lists every key, and only the matching ones with --pattern', async () => {
      const keys = Array.from({ length: 300 }, (_, i) => `scan:${i}`);
      const input = keys.map((k) => `SET ${k} x`).join('\n') + '\nSET other:1 x\n';
      await cliIn(input);
      const all = (await cli('--scan')).stdout.split('\n').filter((l) => l !== '');
      expect(all).to.include.members([...keys, 'other:1']);
      expect(new Set(all).size).to.equal(all.length);
      const some = (await cli('--scan', '--pattern', 'scan:1*')).stdout.split('\n').filter((l) => l !== '');
      expect(some.sort()).to.deep.equal(keys.filter((k) => k.startsWith('scan:1')).sort());
    });
  });

  needs(['info'])('info', () => {
    it('prints the INFO sections', async () => {
      const r = await cli('info');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^# Server\r?\n/);
      expect(r.stdout).to.match(/\bredis_version:7\./);
      expect(r.stdout).to.contain('# Keyspace');
      const section = await cli('info', 'server');
      expect(section.stdout).to.contain(`tcp_port:${server.port}`);
      expect(section.stdout).to.not.contain('# Keyspace');
    });
  });

  describe('redis-benchmark', () => {
    /** `-q` prints `NAME: N requests per second, p50=...` per test (after carriage-return progress lines). */
    function rates(stdout: string): Map<string, number> {
      const out = new Map<string, number>();
      for (const m of stdout.matchAll(/([A-Z_]+(?: \([^)]*\))?): ([\d.]+) requests per second/g)) out.set(m[1], Number(m[2]));
      return out;
    }

    it('ping, set, get: exits 0 with a requests-per-second line per test', async () => {
      const r = await run('redis-benchmark', ['-p', String(server.port), '-t', 'ping,set,get', '-n', '10000', '-q'], undefined, 60000);
      expect(r.code).to.equal(0);
      const got = rates(r.stdout);
      expect([...got.keys()]).to.deep.equal(['PING_INLINE', 'PING_MBULK', 'SET', 'GET']);
      for (const v of got.values()) expect(v).to.be.greaterThan(0);
    });

    needs(['incr', 'mset', 'config|get'])('with incr and mset', () => {
      it('-t ping,set,get,incr,mset exits 0 with a line per test and no warning', async () => {
        const r = await run(
          'redis-benchmark',
          ['-p', String(server.port), '-t', 'ping,set,get,incr,mset', '-n', '10000', '-q'],
          undefined,
          60000,
        );
        expect(r.code).to.equal(0);
        expect(r.stderr).to.not.contain('Could not fetch server CONFIG');
        expect([...rates(r.stdout).keys()]).to.deep.equal(['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR', 'MSET (10 keys)']);
      });
    });

    needs(['hset'])('with hset', () => {
      it('-t hset exits 0 with its line; the benchmark hash holds the field it set', async () => {
        const r = await run('redis-benchmark', ['-p', String(server.port), '-t', 'hset', '-n', '10000', '-q'], undefined, 60000);
        expect(r.code).to.equal(0);
        const got = rates(r.stdout);
        expect([...got.keys()]).to.deep.equal(['HSET']);
        expect(got.get('HSET')).to.be.greaterThan(0);
        expect((await cli('hstrlen', 'myhash', 'element:__rand_int__')).stdout.trim()).to.equal('3'); // -d 3 by default
      });
    });
  });
});
