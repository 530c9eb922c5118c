// What bench.ts and memory-rows.ts share: a real redis-server or a shardcache node on a free loopback
// port, its RSS from /proc, and loading keys through redis-cli --pipe.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { freePort } from '../spec/helpers/server-process';

export const ROOT = path.resolve(__dirname, '..', '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export interface Server {
  name: 'redis' | 'shardcache';
  port: number;
  proc: ChildProcess;
  /** The last few KB the process wrote to stdout and stderr (its log, a fatal error). */
  outputTail(): string;
}

export const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

async function waitPing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = spawnSync('redis-cli', ['-p', String(port), 'ping']);
    if (r.stdout?.toString().trim() === 'PONG') return;
    await sleep(50);
  }
  throw new Error(`server on ${port} did not answer PING`);
}

const SERVER_BIN = path.join(ROOT, 'bin', 'shardcache-server');
/** The node flags on bin/shardcache-server's `#!/usr/bin/env -S node ...` line. */
const SHEBANG_FLAGS = fs.readFileSync(SERVER_BIN, 'utf8').split('\n')[0].split(/\s+/).filter((w) => w.startsWith('--'));
const TAIL_CHARS = 4096;

/** Starts a server; `nodeFlags` (shardcache only) run the node under extra flags, e.g. --cpu-prof. */
export async function startServer(name: Server['name'], nodeFlags: string[] = []): Promise<Server> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1'];
  // Output is read (and dropped but for its tail) so that a chatty log can never block the server.
  const stdio: ['ignore', 'pipe', 'pipe'] = ['ignore', 'pipe', 'pipe'];
  const proc =
    name === 'redis'
      ? spawn('redis-server', [...args, '--save', '', '--appendonly', 'no'], { stdio })
      : nodeFlags.length === 0
        ? spawn(SERVER_BIN, args, { stdio })
        : spawn(process.execPath, [...SHEBANG_FLAGS, ...nodeFlags, SERVER_BIN, ...args], { stdio });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-TAIL_CHARS));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  await waitPing(port);
  return { name, port, proc, outputTail: () => tail };
}

export async function stopServer(s: Server): Promise<void> {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  await new Promise<void>((res) => {
    s.proc.once('exit', () => res());
    s.proc.kill('SIGTERM');
  });
}

/** How the process ended, or null while it runs. */
export function exitStatus(s: Server): string | null {
  if (s.proc.signalCode !== null) return `killed by ${s.proc.signalCode}`;
  if (s.proc.exitCode !== null) return `exited with code ${s.proc.exitCode}`;
  return null;
}

/** VmRSS of a process, in bytes (NaN once it is gone). */
export function rssBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** key:%012d, the keys redis-benchmark's __rand_int__ names and every row loads. */
export function keyName(i: number): string {
  return 'key:' + String(i).padStart(12, '0');
}

/**
 * Loads `keys` keys key:%012d with values of valueBytes bytes through redis-cli --pipe; with hashFields,
 * hashes h:%012d of fields f0..f<hashFields-1> (the keys redis-benchmark's __rand_int__ names).
 */
export function preload(port: number, keys: number, valueBytes: number, hashFields = 0): void {
  const value = 'x'.repeat(valueBytes);
  const bulk = (w: string) => `$${w.length}\r\n${w}\r\n`;
  const chunks: string[] = [];
  for (let i = 0; i < keys; i++) {
    if (hashFields > 0) {
      let cmd = `*${2 + 2 * hashFields}\r\n$4\r\nHSET\r\n` + bulk('h:' + String(i).padStart(12, '0'));
      for (let f = 0; f < hashFields; f++) cmd += bulk('f' + f) + bulk(value);
      chunks.push(cmd);
      continue;
    }
    const key = keyName(i);
    chunks.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
  }
  const r = spawnSync('redis-cli', ['-p', String(port), '--pipe'], { input: chunks.join(''), maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`preload failed: ${r.stderr?.toString()}`);
}

/** SET key:%012d for i in [from, to), values of valueBytes bytes, as RESP in batches of about 1 MB. */
export function* setCommands(from: number, to: number, valueBytes: number): Generator<Buffer> {
  const value = `$${valueBytes}\r\n${'x'.repeat(valueBytes)}\r\n`;
  const perBatch = Math.max(1, Math.floor((1 << 20) / (40 + value.length)));
  for (let start = from; start < to; start += perBatch) {
    let s = '';
    for (let i = start; i < Math.min(to, start + perBatch); i++) s += `*3\r\n$3\r\nSET\r\n$16\r\n${keyName(i)}\r\n${value}`;
    yield Buffer.from(s, 'latin1');
  }
}

export interface PipeResult {
  /** redis-cli's own count of replies and of error replies; -1 when it did not get to print them. */
  replies: number;
  errors: number;
  /** redis-cli's exit code (null when killed at the deadline). */
  status: number | null;
  timedOut: boolean;
  ms: number;
  /** The first and last lines redis-cli wrote (error replies, connection errors). */
  output: string;
}

/**
 * Sends commands to port through `redis-cli --pipe` (as many in flight as the socket takes, which is
 * as fast as a client can load keys), reading them from a file (redis-cli alone then does the work) or
 * writing the given batches to its stdin. Kills it after deadlineMs. Never rejects.
 */
export async function pipeLoad(port: number, input: { file: string } | Iterable<Buffer>, deadlineMs = 0): Promise<PipeResult> {
  const started = performance.now();
  const fd = 'file' in input ? fs.openSync(input.file, 'r') : null;
  const cli = spawn('redis-cli', ['-p', String(port), '--pipe', '--pipe-timeout', '0'], { stdio: [fd ?? 'pipe', 'pipe', 'pipe'] });
  if (fd !== null) fs.closeSync(fd);
  let head = '';
  let tail = '';
  let written = 0;
  const keep = (d: Buffer) => {
    written += d.length;
    if (head.length < 1000) head += d.toString().slice(0, 1000 - head.length);
    tail = (tail + d.toString()).slice(-1000);
  };
  cli.stdout?.on('data', keep);
  cli.stderr?.on('data', keep);
  let timedOut = false;
  const timer = deadlineMs > 0 ? setTimeout(() => ((timedOut = true), cli.kill('SIGKILL')), deadlineMs) : null;
  const exited = new Promise<number | null>((res) => cli.once('close', (code) => res(code)));
  if (fd === null) {
    const stdin = cli.stdin as NonNullable<typeof cli.stdin>;
    stdin.on('error', () => undefined); // redis-cli died: its exit status tells
    for (const batch of input as Iterable<Buffer>) {
      if (cli.exitCode !== null || cli.signalCode !== null) break;
      if (!stdin.write(batch)) await Promise.race([new Promise((res) => stdin.once('drain', res)), exited]);
    }
    stdin.end();
  }
  const status = await exited;
  if (timer) clearTimeout(timer);
  const m = /errors: (\d+), replies: (\d+)/.exec(tail);
  const output = written <= 1000 ? tail : `${head.trim()}\n...\n${tail.trim()}`;
  return { replies: m ? Number(m[2]) : -1, errors: m ? Number(m[1]) : -1, status, timedOut, ms: performance.now() - started, output: output.trim() };
}

/** One command through redis-cli; its reply, or null when it failed (server gone). */
export function cli(port: number, ...argv: string[]): string | null {
  const r = spawnSync('redis-cli', ['-p', String(port), ...argv]);
  return r.status === 0 ? r.stdout.toString().trim() : null;
}

export function dbsize(port: number): number {
  return Number(cli(port, 'dbsize') ?? NaN);
}

export function median(xs: number[]): number {
  const s = [...xs].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
