// Differential runs: the same command sequence against a real redis-server 7 and a shardcache node, each
// reply compared as raw RESP bytes (RESP2, or RESP3 after HELLO 3). Where a reply is legitimately
// nondeterministic (random members, TTLs that depend on now, server-specific texts) the sequence declares a
// normalizer beside that command; both replies go through it and are compared re-encoded.
//
// DIFF_SELF=1 points both sides at a redis-server: every sequence must then pass, which checks that the
// sequences and their normalizers are right before they are used to judge shardcache.
// REDIS_SERVER=/path/to/redis-server picks the reference binary (default: redis-server on PATH, 7.0.15 in
// CI); a spec can ask the running reference its version (redisVersion) where 7.0 and 7.2 answer apart.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePort, startServer, type ServerProcess } from './server-process';

/** The reference redis-server binary: REDIS_SERVER, or redis-server on PATH. */
export const redisBin = process.env.REDIS_SERVER || 'redis-server';
/** True when the reference redis-server exists (the differential specs skip themselves otherwise). */
export const haveRedis = spawnSync('sh', ['-c', 'command -v "$0"', redisBin]).status === 0;
/** DIFF_SELF=1: both sides are redis-server (to validate the sequences themselves). */
export const diffSelf = process.env.DIFF_SELF === '1';

// ---------------------------------------------------------------------------------------------------------
// RESP values, read and written byte for byte.

/**
 * One reply. Line types keep their text (`+` simple, `-` error, `:` integer, `,` double, `(` big number,
 * `#` boolean), bulk types their bytes (`$`, `!` blob error, `=` verbatim; null for `$-1`), aggregates their
 * items (`*`, `~` set, `>` push, `%` map as flat key/value items; null for `*-1`), `_` is the RESP3 null.
 */
export type Resp =
  | { t: '+' | '-' | ':' | ',' | '(' | '#'; s: string }
  | { t: '$' | '!' | '='; b: Buffer | null }
  | { t: '*' | '~' | '>' | '%'; a: Resp[] | null }
  | { t: '_' };

const CRLF = Buffer.from('\r\n');

/** Parses one reply at `buf[pos]`: the reply and the offset after it, or null when the bytes are incomplete. Throws on malformed RESP. */
export function readReply(buf: Buffer, pos: number): { r: Resp; end: number } | null {
  if (pos >= buf.length) return null;
  const eol = buf.indexOf(CRLF, pos);
  if (eol < 0) return null;
  const t = String.fromCharCode(buf[pos]);
  const line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  switch (t) {
    case '+':
    case '-':
    case ':':
    case ',':
    case '(':
    case '#':
      return { r: { t, s: line }, end: next };
    case '_':
      return { r: { t }, end: next };
    case '$':
    case '!':
    case '=': {
      const n = Number(line);
      if (!Number.isInteger(n) || n < -1) throw new Error(`bad bulk length ${JSON.stringify(line)}`);
      if (n === -1) return { r: { t, b: null }, end: next };
      if (buf.length < next + n + 2) return null;
      if (buf[next + n] !== 13 || buf[next + n + 1] !== 10) throw new Error('bulk not followed by CRLF');
      return { r: { t, b: Buffer.from(buf.subarray(next, next + n)) }, end: next + n + 2 };
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      const n = Number(line);
      if (!Number.isInteger(n) || n < -1) throw new Error(`bad aggregate length ${JSON.stringify(line)}`);
      if (n === -1) return { r: { t, a: null }, end: next };
      const items: Resp[] = [];
      let p = next;
      for (let i = 0; i < (t === '%' ? 2 * n : n); i++) {
        const got = readReply(buf, p);
        if (got === null) return null;
        items.push(got.r);
        p = got.end;
      }
      return { r: { t, a: items }, end: p };
    }
    default:
      throw new Error(`unknown RESP type byte ${JSON.stringify(t)} in ${JSON.stringify(buf.toString('latin1', pos, pos + 40))}`);
  }
}

/** The exact bytes of a reply: encode(readReply(x)) reproduces x. */
export function encode(r: Resp): Buffer {
  const parts: Buffer[] = [];
  const go = (v: Resp): void => {
    if (v.t === '_') parts.push(Buffer.from('_\r\n'));
    else if ('s' in v) parts.push(Buffer.from(`${v.t}${v.s}\r\n`, 'latin1'));
    else if ('b' in v) {
      if (v.b === null) parts.push(Buffer.from(`${v.t}-1\r\n`));
      else parts.push(Buffer.from(`${v.t}${v.b.length}\r\n`), v.b, CRLF);
    } else if (v.a === null) parts.push(Buffer.from(`${v.t}-1\r\n`));
    else {
      parts.push(Buffer.from(`${v.t}${v.t === '%' ? v.a.length / 2 : v.a.length}\r\n`));
      v.a.forEach(go);
    }
  };
  go(r);
  return Buffer.concat(parts);
}

/** A short readable form, redis-cli style with the type byte kept: `"OK"`, `(error) ERR ...`, `(integer) 1`, `*[...]`. */
export function show(r: Resp): string {
  switch (r.t) {
    case '+':
      return `+${JSON.stringify(r.s)}`;
    case '-':
      return `(error) ${r.s}`;
    case ':':
      return `(integer) ${r.s}`;
    case ',':
      return `(double) ${r.s}`;
    case '(':
      return `(bignum) ${r.s}`;
    case '#':
      return `(bool) ${r.s}`;
    case '_':
      return '(null _)';
    case '$':
    case '!':
    case '=':
      return r.b === null ? `(nil ${r.t}-1)` : `${r.t === '$' ? '' : r.t}${JSON.stringify(r.b.toString('latin1'))}`;
    default:
      if (r.a === null) return `(nil ${r.t}-1)`;
      if (r.t === '%') {
        const pairs: string[] = [];
        for (let i = 0; i < r.a.length; i += 2) pairs.push(`${show(r.a[i])} => ${show(r.a[i + 1])}`);
        return `%{${pairs.join(', ')}}`;
      }
      return `${r.t}[${r.a.map(show).join(', ')}]`;
  }
}

// Small constructors for normalizers.
export const int = (n: number | bigint): Resp => ({ t: ':', s: String(n) });
export const simple = (s: string): Resp => ({ t: '+', s });
export const bulk = (s: string): Resp => ({ t: '$', b: Buffer.from(s, 'latin1') });
export const arr = (a: Resp[]): Resp => ({ t: '*', a });
/** The text of a bulk or line reply (latin1), or null for anything else. */
export function text(r: Resp): string | null {
  if ('s' in r) return r.s;
  if ('b' in r && r.b !== null) return r.b.toString('latin1');
  return null;
}
/** The items of an aggregate reply (map: flat key/value), or null. */
export const items = (r: Resp): Resp[] | null => ('a' in r ? r.a : null);

// ---------------------------------------------------------------------------------------------------------
// Normalizers: applied to (redis reply, node reply) of one command before comparing.

/** Takes both replies and returns what is compared. Unary ones are wrapped with `each`. */
export type Normalizer = (redis: Resp, node: Resp) => [Resp, Resp];

/** Applies the same function to each side. */
export const each =
  (f: (r: Resp) => Resp): Normalizer =>
  (a, b) => [f(a), f(b)];

const cmpBuf = (x: Resp, y: Resp): number => Buffer.compare(encode(x), encode(y));

/** An aggregate's items in byte order (for a map: its pairs in key order); other replies unchanged. */
export const sorted: Normalizer = each((r) => {
  if (!('a' in r) || r.a === null) return r;
  if (r.t === '%') {
    const pairs: Resp[][] = [];
    for (let i = 0; i < r.a.length; i += 2) pairs.push([r.a[i], r.a[i + 1]]);
    pairs.sort((p, q) => cmpBuf(p[0], q[0]));
    return { t: r.t, a: pairs.flat() };
  }
  // RESP3 nested pairs (HRANDFIELD WITHVALUES) sort as whole items too.
  return { t: r.t, a: [...r.a].sort(cmpBuf) };
});

/**
 * A SCAN-family reply [cursor, items]: the cursor only as "0" (done) or "more", the items sorted (for HSCAN,
 * `pairs`: as field/value pairs sorted by field), since the order of a scan is each server's own.
 */
export const scanned = (pairs = false): Normalizer =>
  each((r) => {
    const top = items(r);
    if (top === null || top.length !== 2) return r;
    const list = items(top[1]);
    if (list === null) return r;
    const cursor = text(top[0]) === '0' ? '0' : 'more';
    let sortedItems: Resp[];
    if (pairs) {
      const ps: Resp[][] = [];
      for (let i = 0; i < list.length; i += 2) ps.push(list.slice(i, i + 2));
      sortedItems = ps.sort((p, q) => cmpBuf(p[0], q[0])).flat();
    } else sortedItems = [...list].sort(cmpBuf);
    return { t: r.t, a: [bulk(cursor), { t: top[1].t, a: sortedItems } as Resp] } as Resp;
  });

/**
 * Field/value replies in field order: a RESP3 map by key, a RESP2 flat array as pairs (HGETALL of a hash
 * whose order is each server's own), RESP3 nested pairs (HRANDFIELD WITHVALUES) as whole items.
 */
export const sortedPairs: Normalizer = each((r) => {
  if (!('a' in r) || r.a === null) return r;
  if (r.a.length > 0 && 'a' in r.a[0]) return { t: r.t, a: [...r.a].sort(cmpBuf) };
  const ps: Resp[][] = [];
  for (let i = 0; i < r.a.length; i += 2) ps.push(r.a.slice(i, i + 2));
  return { t: r.t, a: ps.sort((p, q) => cmpBuf(p[0], q[0]) || cmpBuf(p[1] ?? simple(''), q[1] ?? simple(''))).flat() };
});

/** Only the number of items of an aggregate reply (and its type byte); other replies unchanged. */
export const lengthOnly: Normalizer = each((r) => ('a' in r && r.a !== null ? { t: r.t, a: r.a.map(() => simple('x')) } : r));

/** Not compared at all (server-specific replies: HELLO, INFO, ...); the reply is still consumed. */
export const skip: Normalizer = () => [simple('skipped'), simple('skipped')];

/** Integers (or integer items of an array) within `delta` of each other count as equal. */
export function near(delta: number): Normalizer {
  const fix = (a: Resp, b: Resp): [Resp, Resp] => {
    if (a.t === ':' && b.t === ':' && Math.abs(Number(a.s) - Number(b.s)) <= delta) return [a, a];
    if ('a' in a && 'a' in b && a.a !== null && b.a !== null && a.a.length === b.a.length) {
      const pairs = a.a.map((x, i) => fix(x, (b.a as Resp[])[i]));
      return [{ t: a.t, a: pairs.map((p) => p[0]) }, { t: b.t, a: pairs.map((p) => p[1]) }] as [Resp, Resp];
    }
    return [a, b];
  };
  return fix;
}

/** Only the error code (first word) of an error reply; other replies unchanged. */
export const errorCode: Normalizer = each((r) => (r.t === '-' ? { t: '-', s: r.s.split(' ')[0] } : r));

/** Bulk texts replaced by a map (e.g. 'raw' -> 'embstr' where the two legitimately differ). */
export const mapText = (m: Record<string, string>): Normalizer =>
  each((r) => {
    const s = r.t === '$' ? text(r) : null;
    return s !== null && s in m ? bulk(m[s]) : r;
  });

/**
 * For a random pick from a known set: an aggregate reply becomes [count, all distinct (1/0), all members
 * of `universe` (1/0)]. `pairs`: items are field/value pairs (flat in RESP2, nested in RESP3), checked as
 * pairs against `universe` given as { field: value }.
 */
export function pick(universe: string[] | Record<string, string>, pairs = false): Normalizer {
  const isMember = (k: string, v?: string): boolean =>
    Array.isArray(universe) ? universe.includes(k) : Object.prototype.hasOwnProperty.call(universe, k) && (v === undefined || universe[k] === v);
  return each((r) => {
    if (!('a' in r) || r.a === null) return r;
    let keys: string[] = [];
    let ok = true;
    if (!pairs) {
      keys = r.a.map((x) => text(x) ?? '\0bad');
      ok = keys.every((k) => isMember(k));
    } else if (r.a.length > 0 && 'a' in r.a[0]) {
      for (const p of r.a) {
        const kv = items(p) ?? [];
        keys.push(text(kv[0]) ?? '\0bad');
        ok &&= kv.length === 2 && isMember(text(kv[0]) ?? '', text(kv[1]) ?? '');
      }
    } else {
      for (let i = 0; i < r.a.length; i += 2) {
        keys.push(text(r.a[i]) ?? '\0bad');
        ok &&= i + 1 < r.a.length && isMember(text(r.a[i]) ?? '', text(r.a[i + 1]) ?? '');
      }
    }
    const distinct = new Set(keys).size === keys.length;
    return { t: r.t, a: [int(keys.length), int(distinct ? 1 : 0), int(ok ? 1 : 0)] };
  });
}

/** A bulk reply that must be one of `members` (a random key or field): compared as "member" or itself. */
export const oneOf = (members: string[]): Normalizer =>
  each((r) => {
    const s = r.t === '$' ? text(r) : null;
    return s !== null && members.includes(s) ? bulk('member') : r;
  });

/** Several normalizers in order. */
export const chain =
  (...ns: Normalizer[]): Normalizer =>
  (a, b) =>
    ns.reduce<[Resp, Resp]>((p, n) => n(p[0], p[1]), [a, b]);

// ---------------------------------------------------------------------------------------------------------
// Sequences.

/**
 * A step: a command (compared byte for byte), a command with a normalizer, or a pause (`{ sleepMs }`,
 * for expiries that must pass on both sides).
 */
export type Step = string[] | { cmd: string[]; norm?: Normalizer } | { sleepMs: number } | ScanAll;

/**
 * A whole scan: `cmd` is sent with the cursor at `cmd[cursorAt]` (SCAN: 1, HSCAN: 2) starting from its
 * value there, again with each returned cursor until "0" (each side follows its own cursors), and the
 * replies are joined into one [0, all items] reply (or the first error reply), then normalized and compared
 * as one command. Gives up after 100,000 calls (a cursor that never ends).
 */
export interface ScanAll {
  scanAll: string[];
  cursorAt: number;
  norm?: Normalizer;
}

/** A whole HSCAN (cursor at index 2), e.g. `hscanAll(scanned(true), 'HSCAN', 'h', '0', 'COUNT', '3')`. */
export const hscanAll = (norm: Normalizer | undefined, ...cmd: string[]): ScanAll => ({ scanAll: cmd, cursorAt: 2, norm });

/** A step with a normalizer, declared beside it in a sequence. */
export const n = (norm: Normalizer, ...cmd: string[]): Step => ({ cmd, norm });

export interface Compared {
  cmd: string[];
  /** Raw reply bytes. */
  redis: Buffer;
  node: Buffer;
  /** What was compared (after the normalizer; the raw bytes when there is none). */
  redisCmp: Buffer;
  nodeCmp: Buffer;
  same: boolean;
  redisShown: string;
  nodeShown: string;
}

/** One raw connection: writes commands as multibulk and reads one reply per command. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { r: Resp; raw: Buffer } | Error) => void)[] = [];
  private ready: ({ r: Resp; raw: Buffer } | Error)[] = [];
  private err: Error | null = null;
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      for (;;) {
        let got: { r: Resp; end: number } | null;
        try {
          got = readReply(this.buf, 0);
        } catch (e) {
          this.fail(e as Error);
          return;
        }
        if (got === null) break;
        const raw = Buffer.from(this.buf.subarray(0, got.end));
        this.buf = this.buf.subarray(got.end);
        this.deliver({ r: got.r, raw });
      }
    });
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('connection closed')));
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new Conn(sock)));
      sock.once('error', reject);
    });
  }
  private deliver(x: { r: Resp; raw: Buffer } | Error): void {
    const w = this.waiting.shift();
    if (w) w(x);
    else this.ready.push(x);
  }
  private fail(e: Error): void {
    if (this.err) return;
    this.err = e;
    for (const w of this.waiting.splice(0)) w(e);
  }
  /** Sends one command and resolves with its reply (rejects after 5 s or if the connection fails). */
  call(cmd: string[]): Promise<{ r: Resp; raw: Buffer }> {
    const parts: Buffer[] = [Buffer.from(`*${cmd.length}\r\n`)];
    for (const a of cmd) {
      const b = Buffer.from(a, 'latin1');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
    }
    this.sock.write(Buffer.concat(parts));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply in 5 s to ${JSON.stringify(cmd)}`)), 5000);
      const take = (x: { r: Resp; raw: Buffer } | Error) => {
        clearTimeout(timer);
        if (x instanceof Error) reject(x);
        else resolve(x);
      };
      const early = this.ready.shift();
      if (early) take(early);
      else if (this.err) take(this.err);
      else this.waiting.push(take);
    });
  }
  close(): void {
    this.sock.destroy();
  }
}

/** Runs a whole scan on one connection (see ScanAll): one reply [cursor "0", every item in reply order]. */
async function scanWhole(c: Conn, step: ScanAll): Promise<{ r: Resp; raw: Buffer }> {
  const cmd = [...step.scanAll];
  const all: Resp[] = [];
  let top: Resp[] | null = null;
  for (let calls = 0; calls < 100000; calls++) {
    const got = await c.call(cmd);
    top = items(got.r);
    const list = top !== null && top.length === 2 ? items(top[1]) : null;
    if (top === null || list === null) return got; // an error or an unexpected shape: compared as it is
    all.push(...list);
    const cursor = text(top[0]);
    if (cursor === '0') {
      const r: Resp = { t: got.r.t as '*', a: [top[0], { t: top[1].t as '*', a: all }] };
      return { r, raw: encode(r) };
    }
    cmd[step.cursorAt] = cursor ?? '0';
  }
  throw new Error(`scan never ended: ${cmd.join(' ')}`);
}

/** A redis-server on a free loopback port, no persistence, its own temporary dir. */
export interface RedisProcess {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts redis-server (never on 6379) and resolves once it accepts connections; 3 attempts if the port is
 * taken meanwhile. `extraArgs` go after the defaults (e.g. `--cluster-enabled yes` for CLUSTER KEYSLOT).
 */
export async function startRedis(extraArgs: string[] = []): Promise<RedisProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-redis-'));
    const proc = spawn(redisBin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10000);
      proc.stdout?.on('data', () => {
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    const stop = async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise((res) => proc.once('exit', res));
        proc.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    };
    if (ok) return { port, proc, stop };
    await stop();
    if (attempt >= 3 || !out.includes('Address already in use')) throw new Error(`redis-server did not start:\n${out}`);
  }
}

/** Both sides of a differential run: a redis-server and a shardcache node (or a second redis-server with DIFF_SELF=1). */
export class DiffPair {
  private constructor(
    readonly redis: RedisProcess,
    readonly node: ServerProcess | RedisProcess,
  ) {}

  /** Starts both processes; `nodeArgs` are extra `--name value` flags for the shardcache node. */
  static async start(nodeArgs: string[] = []): Promise<DiffPair> {
    const [redis, node] = await Promise.all([startRedis(), diffSelf ? startRedis() : startServer(nodeArgs)]);
    return new DiffPair(redis, node);
  }

  async stop(): Promise<void> {
    await Promise.all([this.redis.stop(), this.node.stop()]);
  }

  /** The reference's redis_version as [major, minor, patch] (INFO server). */
  async redisVersion(): Promise<number[]> {
    const c = await Conn.open(this.redis.port);
    try {
      const got = await c.call(['INFO', 'server']);
      const m = /redis_version:([\d.]+)/.exec(text(got.r) ?? '');
      return m === null ? [0, 0, 0] : m[1].split('.').map(Number);
    } finally {
      c.close();
    }
  }

  /**
   * Runs the steps on a new connection to each side (after FLUSHALL there, unless `keep`), in RESP2 or, after
   * HELLO 3 (its reply not compared: it names the server and version), RESP3. Each command is sent to both
   * sides at once and both replies are awaited before the next, so time-dependent replies stay close.
   * Resolves with every command's replies; stops after the first difference when `stopAtFirst`.
   */
  async runBoth(steps: Step[], opts: { resp: 2 | 3; keep?: boolean; stopAtFirst?: boolean }): Promise<Compared[]> {
    const [a, b] = await Promise.all([Conn.open(this.redis.port), Conn.open(this.node.port)]);
    try {
      const setup: string[][] = [];
      if (!opts.keep) setup.push(['FLUSHALL']);
      if (opts.resp === 3) setup.push(['HELLO', '3']);
      for (const cmd of setup) {
        const [x, y] = await Promise.all([a.call(cmd), b.call(cmd)]);
        for (const [side, got] of [['redis', x], ['node', y]] as const) {
          if (got.r.t === '-') throw new Error(`${side}: ${cmd.join(' ')} failed: ${got.r.s}`);
        }
      }
      const out: Compared[] = [];
      for (const step of steps) {
        if ('sleepMs' in step) {
          await new Promise((r) => setTimeout(r, step.sleepMs));
          continue;
        }
        const cmd = Array.isArray(step) ? step : 'scanAll' in step ? step.scanAll : step.cmd;
        const norm = Array.isArray(step) ? undefined : step.norm;
        const [x, y] = await Promise.all('scanAll' in step ? [scanWhole(a, step), scanWhole(b, step)] : [a.call(cmd), b.call(cmd)]);
        // The reader must reproduce every reply byte for byte, or the comparison below would not be raw.
        for (const got of [x, y]) {
          if (!encode(got.r).equals(got.raw)) throw new Error(`RESP re-encoding differs for ${JSON.stringify(got.raw.toString('latin1'))}`);
        }
        const [nx, ny] = norm ? norm(x.r, y.r) : [x.r, y.r];
        const redisCmp = norm ? encode(nx) : x.raw;
        const nodeCmp = norm ? encode(ny) : y.raw;
        const same = redisCmp.equals(nodeCmp);
        out.push({
          cmd,
          redis: x.raw,
          node: y.raw,
          redisCmp,
          nodeCmp,
          same,
          redisShown: show(x.r) + (norm ? `   (compared as ${show(nx)})` : ''),
          nodeShown: show(y.r) + (norm ? `   (compared as ${show(ny)})` : ''),
        });
        if (!same && opts.stopAtFirst) break;
      }
      return out;
    } finally {
      a.close();
      b.close();
    }
  }

  /**
   * Runs the steps and throws, naming the first command whose replies differ with both replies readable
   * (and the raw bytes) and the commands before it, unless every reply matched. Returns the replies.
   */
  async expectSame(steps: Step[], opts: { resp: 2 | 3; keep?: boolean; label?: string }): Promise<Compared[]> {
    const got = await this.runBoth(steps, { ...opts, stopAtFirst: true });
    const i = got.findIndex((c) => !c.same);
    if (i >= 0) throw new Error(describeDiff(got, i, opts.resp, opts.label));
    return got;
  }
}

/** A readable account of the difference at index `i`: the command, both replies, the 5 commands before it. */
export function describeDiff(got: Compared[], i: number, resp: 2 | 3, label?: string): string {
  const c = got[i];
  const fmt = (cmd: string[]) => cmd.map((w) => (/^[\x21-\x7e]+$/.test(w) && w.length < 60 ? w : JSON.stringify(w.length > 60 ? `${w.slice(0, 57)}...(${w.length} bytes)` : w))).join(' ');
  const other = diffSelf ? 'redis#2' : 'node   ';
  const clip = (b: Buffer) => JSON.stringify(b.length > 300 ? `${b.toString('latin1', 0, 300)}...` : b.toString('latin1'));
  return [
    `${label ? `${label}: ` : ''}RESP${resp} reply #${i + 1} differs: ${fmt(c.cmd)}`,
    `  redis:   ${c.redisShown}`,
    `  ${other}: ${c.nodeShown}`,
    `  raw redis:   ${clip(c.redis)}`,
    `  raw ${other.trim()}: ${clip(c.node)}`,
    `  after: ${got
      .slice(Math.max(0, i - 5), i)
      .map((x) => fmt(x.cmd))
      .join(' | ')}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness for generated sequences.

/** mulberry32: a small deterministic PRNG; the same seed gives the same sequence on every run. */
export function rng(seed: number): { next(): number; int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (k) => Math.floor(next() * k),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}
