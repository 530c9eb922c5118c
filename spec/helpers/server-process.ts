// Real node processes for integration specs: started on a free loopback port, stopped after.
import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const SERVER_BIN = path.join(ROOT, 'bin', 'shardcache-server');

/** A free TCP port on 127.0.0.1: the launcher's own helper, one implementation for specs and tools. */
import { freePort } from '../../lib/launcher/ports';
export { freePort };

export interface ServerProcess {
  port: number;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `bin/shardcache-server [configFile] --bind 127.0.0.1 --port P ...args` and resolves once it logs
 * "Ready to accept connections". Rejects if it exits first or does not get ready in 10 s. The free port
 * is released before the server binds it, so another socket may take it in between: then it tries again
 * on another port (3 attempts).
 */
export interface StartServerOptions {
  /**
   * Run the process as this uid (and gid of the same number): root only. The partition harness
   * (spec/helpers/partition.ts) tells nodes apart by it; its files must be writable by that uid.
   */
  uid?: number;
}

export async function startServer(args: string[] = [], configFile?: string, opts: StartServerOptions = {}): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOnce(args, configFile, opts);
    } catch (e) {
      if (attempt >= 3 || !String(e).includes('Address already in use')) throw e;
    }
  }
}

async function startServerOnce(args: string[], configFile: string | undefined, opts: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const argv = [...(configFile ? [configFile] : []), '--bind', '127.0.0.1', '--port', String(port), ...args];
  // Executed as users run it, so the node flags of its #! line apply.
  const proc = spawn(SERVER_BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}) });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in 10 s:\n${out}`)), 10000);
    const check = () => {
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before ready:\n${out}`));
    });
  });
  return {
    port,
    proc,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill('SIGTERM');
      }),
  };
}

/** Sends raw bytes on a new connection and collects what comes back until the server closes it or ms pass. */
export function rawExchange(port: number, data: Buffer | string, ms = 1000): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let got = '';
    let closed = false;
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ data: got, closed });
    }, ms);
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ data: got, closed });
    });
    sock.on('error', () => undefined);
    sock.write(data);
  });
}
