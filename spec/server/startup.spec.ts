// Start-up and exit of a real node process: config errors, a port in use, signals, pidfile, dir, logfile.
import { expect } from 'chai';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePort, rawExchange, ROOT, SERVER_BIN, startServer } from '../helpers/server-process';

interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the server with args until it exits by itself (start-up failures); fails after 10 s. */
function runToExit(args: string[]): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [SERVER_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`still running after 10 s:\n${stdout}${stderr}`));
    }, 10000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves once `port` accepts a connection (polled every 50 ms, at most 10 s). */
async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} not listening after 10 s`);
}

describe('server start-up (process)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-start-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('an invalid directive exits 1 with one line naming the file, line and directive', async () => {
    const file = path.join(tmp, 'bad.conf');
    fs.writeFileSync(file, '# a comment\nport 7000\nmaxmemory 1.5gb\n');
    const r = await runToExit([file]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.equal(
      `*** FATAL CONFIG ERROR *** ${file}:3: directive 'maxmemory': argument must be a memory value (>>> 'maxmemory 1.5gb')\n`,
    );
  });

  it('an unknown directive and an invalid flag exit 1 with one line', async () => {
    const file = path.join(tmp, 'unknown.conf');
    fs.writeFileSync(file, 'maxmemroy 1gb\n');
    const a = await runToExit([file]);
    expect(a.code).to.equal(1);
    expect(a.stderr).to.equal(`*** FATAL CONFIG ERROR *** ${file}:1: unknown directive 'maxmemroy' (>>> 'maxmemroy 1gb')\n`);
    const b = await runToExit(['--port', '70000']);
    expect(b.code).to.equal(1);
    expect(b.stderr).to.equal("*** FATAL CONFIG ERROR *** command line: directive 'port': argument must be between 0 and 65535 inclusive (>>> '--port 70000')\n");
  });

  it('a port in use exits 1 with Redis\'s one line', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await runToExit(['--bind', '127.0.0.1', '--port', String(port)]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.equal(`Could not create server TCP listening socket 127.0.0.1:${port}: bind: Address already in use\n`);
    } finally {
      blocker.close();
    }
  });

  it('conf/shardcache.conf (what npm start uses) starts a node; here on a free port', async () => {
    const s = await startServer([], path.join(ROOT, 'conf', 'shardcache.conf'));
    try {
      expect(s.output()).to.include('Configuration loaded');
      expect((await rawExchange(s.port, 'PING\r\n', 300)).data).to.equal('+PONG\r\n');
    } finally {
      expect(await s.stop()).to.equal(0);
    }
  });

  it('SIGTERM exits 0', async () => {
    const s = await startServer();
    expect(await s.stop()).to.equal(0);
    expect(s.output()).to.include('Received SIGTERM scheduling shutdown...');
  });

  it('SIGINT exits 0', async () => {
    const s = await startServer();
    const exited = new Promise<number | null>((r) => s.proc.once('exit', (code) => r(code)));
    s.proc.kill('SIGINT');
    expect(await exited).to.equal(0);
    expect(s.output()).to.include('Received SIGINT scheduling shutdown...');
  });

  it('the pidfile holds the pid while running and is removed at exit', async () => {
    const pidfile = path.join(tmp, 'node.pid');
    const s = await startServer(['--pidfile', pidfile]);
    expect(fs.readFileSync(pidfile, 'utf8')).to.equal(`${s.proc.pid}\n`);
    expect(await s.stop()).to.equal(0);
    expect(fs.existsSync(pidfile)).to.equal(false);
  });

  it('flags override the file (port, databases)', async () => {
    const file = path.join(tmp, 'base.conf');
    fs.writeFileSync(file, 'port 1\ndatabases 2\n');
    const s = await startServer(['--databases', '4'], file);
    try {
      const r = await rawExchange(s.port, 'SELECT 3\r\nSELECT 4\r\n', 300);
      expect(r.data).to.equal('+OK\r\n-ERR DB index is out of range\r\n');
    } finally {
      await s.stop();
    }
  });

  it('dir: the node works there (relative pidfile and logfile), loglevel filters the log', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [SERVER_BIN, '--dir', tmp, '--port', String(port), '--pidfile', 'rel.pid', '--logfile', 'node.log', '--loglevel', 'warning'], {
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      await waitForPort(port);
      expect(fs.readFileSync(path.join(tmp, 'rel.pid'), 'utf8')).to.equal(`${proc.pid}\n`);
    } finally {
      proc.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    const log = fs.readFileSync(path.join(tmp, 'node.log'), 'utf8');
    expect(log).to.include('# Received SIGTERM scheduling shutdown...');
    expect(log).to.not.include('Ready to accept connections');
    expect(fs.existsSync(path.join(tmp, 'rel.pid'))).to.equal(false);
  });

  it('a missing dir or an unopenable logfile exits 1 with one line', async () => {
    const missing = path.join(tmp, 'nope');
    const a = await runToExit(['--dir', missing]);
    expect(a.code).to.equal(1);
    expect(a.stderr).to.equal(`*** FATAL CONFIG ERROR *** command line: directive 'dir': No such file or directory (>>> '--dir ${missing}')\n`);
    const b = await runToExit(['--logfile', path.join(missing, 'x.log')]);
    expect(b.code).to.equal(1);
    expect(b.stderr).to.equal(`*** FATAL CONFIG ERROR *** Can't open the log file '${path.join(missing, 'x.log')}': No such file or directory\n`);
  });

  it('an empty bind exits 1: nothing to listen on', async () => {
    const r = await runToExit(['--bind', '', '--port', String(await freePort())]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal('Configured to not listen anywhere, exiting.\n');
  });
});
