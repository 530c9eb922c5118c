// Rows of `npm run bench` that measure memory and latency over time rather than redis-benchmark
// throughput, for both servers in the same run (A B A B, as bench.ts):
//   5. bytes per key: RSS right after loading 1M keys of 100 bytes, no idle wait, minus the empty process's
//   7. GET p99 while the keyspace grows from 1M to 10M keys (a probe of single GETs beside a loader)
//   8. RSS after FLUSHALL of ~1 GB: every 500 ms for 10 s, then after MEMORY PURGE
//  11. bytes per element of one 1M-element list, set and sorted set (issue 12): RSS right after loading
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { cli, dbsize, exitStatus, keyName, median, pipeLoad, preload, rssBytes, setCommands, sleep, startServer, stopServer, type PipeResult, type Server } from './servers';

export interface MemoryRowsOptions {
  names: Server['name'][];
  rounds: number;
  /** A tenth of the keys. */
  quick: boolean;
  wanted: (id: string) => boolean;
}

/** Settling time between the server answering PING and reading its empty RSS. */
const SETTLE_MS = 300;

// ---- row 5 ----

interface BytesPerKey {
  /** (RSS right after the load - empty RSS) / keys: the row's figure. */
  perKey: number;
  /** The same after 1 s without commands (what row 5 measured until 2026-12-03: shardcache's idle full GC runs in it). */
  perKeyAfterIdle: number;
}

async function bytesPerKey(name: Server['name'], keys: number, valueBytes: number): Promise<BytesPerKey> {
  const s = await startServer(name);
  try {
    await sleep(SETTLE_MS);
    const pid = s.proc.pid as number;
    const empty = rssBytes(pid);
    preload(s.port, keys, valueBytes);
    // redis-cli --pipe has had every reply: read RSS at once, before any idle-time collection can run.
    const loaded = rssBytes(pid);
    const n = dbsize(s.port);
    await sleep(1000);
    const idle = rssBytes(pid);
    return { perKey: (loaded - empty) / n, perKeyAfterIdle: (idle - empty) / n };
  } finally {
    await stopServer(s);
  }
}

// ---- row 7 ----

/** The probe's interval: it sends its next GET this long after a reply (setTimeout, so ~1-1.5 ms). */
const PROBE_INTERVAL_MS = 1;

interface KeysAt {
  ms: number;
  keys: number;
  rss: number;
}

/**
 * Single GETs of random loaded keys on its own connection, one at a time (no pipelining), one every ~1 ms;
 * records each round trip. Once a second it sends DBSIZE instead (not timed) and reads the server's RSS,
 * so the keyspace's growth is known even if the server dies.
 */
class Probe {
  readonly rtts: number[] = [];
  readonly timeline: KeysAt[] = [];
  errorReplies = 0;
  error: string | null = null;
  private sock: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private sentAt = 0;
  private sentDbsize = false;
  private lastDbsize = -Infinity;
  private t0 = 0;
  private stopping = false;
  private done!: () => void;
  private readonly finished = new Promise<void>((res) => (this.done = res));

  constructor(
    private readonly s: Server,
    private readonly keys: number,
  ) {}

  async start(): Promise<void> {
    const sock = net.connect(this.s.port, '127.0.0.1');
    sock.setNoDelay(true);
    await new Promise<void>((res, rej) => (sock.once('connect', res), sock.once('error', rej)));
    sock.on('data', (d: Buffer) => this.onData(d));
    sock.on('error', (e) => this.fail(`probe connection: ${e.message}`));
    sock.on('close', () => this.fail('probe connection closed by the server'));
    this.sock = sock;
    this.t0 = performance.now();
    this.send();
  }

  /** Stops after the reply in flight; resolves at once if the connection failed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const timer = setTimeout(() => this.fail('no reply to the last probe within 10 s'), 10000);
    await this.finished;
    clearTimeout(timer);
    this.sock?.destroy();
  }

  private fail(msg: string): void {
    if (this.stopping && this.error === null && msg.startsWith('probe connection closed')) return this.done();
    this.error ??= msg;
    this.done();
  }

  private send(): void {
    if (this.stopping) return this.done();
    const now = performance.now();
    this.sentDbsize = now - this.lastDbsize >= 1000;
    this.sentAt = now;
    if (this.sentDbsize) {
      this.lastDbsize = now;
      this.sock?.write('*1\r\n$6\r\nDBSIZE\r\n');
    } else {
      const key = keyName(Math.floor(Math.random() * this.keys));
      this.sock?.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`);
    }
  }

  private onData(d: Buffer): void {
    const now = performance.now();
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    const end = replyEnd(this.buf);
    if (end < 0) return;
    const reply = this.buf.subarray(0, end);
    this.buf = this.buf.subarray(end);
    if (reply[0] === 0x2d /* - */) this.errorReplies++;
    if (this.sentDbsize) {
      if (reply[0] === 0x3a /* : */) this.timeline.push({ ms: now - this.t0, keys: Number(reply.toString('latin1', 1, end - 2)), rss: rssBytes(this.s.proc.pid as number) });
    } else {
      this.rtts.push(now - this.sentAt);
    }
    setTimeout(() => this.send(), PROBE_INTERVAL_MS);
  }
}

/** Length of the first complete RESP reply in buf (a simple or bulk string, an integer, an error), or -1. */
function replyEnd(buf: Buffer): number {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) return -1;
  if (buf[0] !== 0x24 /* $ */) return eol + 2;
  const len = Number(buf.toString('latin1', 1, eol));
  const end = len < 0 ? eol + 2 : eol + 2 + len + 2;
  return buf.length >= end ? end : -1;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/**
 * The samples a client sending every PROBE_INTERVAL_MS would have seen: a round trip of r also stood for
 * the GETs that would have been sent during it, which would have waited r - 1, r - 2, ... ms
 * (HdrHistogram's correction for coordinated omission).
 */
function withOmitted(rtts: number[]): number[] {
  const out: number[] = [];
  for (const r of rtts) {
    out.push(r);
    for (let missed = r - PROBE_INTERVAL_MS; missed >= PROBE_INTERVAL_MS; missed -= PROBE_INTERVAL_MS) out.push(missed);
  }
  return out.sort((a, b) => a - b);
}

interface GrowthRun {
  keysStart: number;
  keysTarget: number;
  /** DBSIZE at the end, or the last the probe saw if the server is gone. */
  keysReached: number;
  loadSeconds: number;
  setsPerSecond: number;
  /** redis-cli's count of error replies to the SETs (-1: it did not say, e.g. the server died). */
  setErrors: number;
  probes: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** p99 corrected for coordinated omission (see withOmitted). */
  p99Corrected: number;
  rssEnd: number;
  /** What went wrong, if anything: the server died, the loader timed out, errors. */
  problem: string | null;
  timeline: KeysAt[];
}

/** What a dead server's output says about why: its fatal or heap lines, else its last lines. */
function lastWords(output: string): string {
  const lines = output.trim().split('\n');
  const telling = lines.filter((l) => /FATAL|out of memory|[Hh]eap at|OOM/.test(l));
  return (telling.length > 0 ? telling : lines).slice(-3).join(' | ');
}

function growthFile(from: number, to: number, valueBytes: number): string {
  const file = path.join(os.tmpdir(), `shardcache-bench-growth-${process.pid}.resp`);
  const fd = fs.openSync(file, 'w');
  try {
    for (const batch of setCommands(from, to, valueBytes)) fs.writeSync(fd, batch);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

async function growth(name: Server['name'], from: number, to: number, valueBytes: number, file: string, deadlineMs: number): Promise<GrowthRun> {
  const s = await startServer(name);
  try {
    preload(s.port, from, valueBytes);
    const probe = new Probe(s, from);
    await probe.start();
    const load: PipeResult = await pipeLoad(s.port, { file }, deadlineMs);
    await probe.stop();
    const status = exitStatus(s);
    const atEnd = status === null ? dbsize(s.port) : NaN;
    const keysReached = Number.isNaN(atEnd) ? (probe.timeline.at(-1)?.keys ?? NaN) : atEnd;
    const problems: string[] = [];
    if (status !== null) problems.push(`server ${status}: ${lastWords(s.outputTail())}`);
    if (load.timedOut) problems.push(`loader stopped at the ${deadlineMs / 1000} s deadline`);
    if (load.status !== 0 || load.errors !== 0) problems.push(`redis-cli --pipe: exit ${load.status}, ${load.errors} error replies: ${load.output.split('\n').slice(0, 3).join(' | ')}`);
    if (probe.error !== null) problems.push(probe.error);
    if (probe.errorReplies > 0) problems.push(`${probe.errorReplies} error replies to the probe`);
    const sorted = [...probe.rtts].sort((a, b) => a - b);
    return {
      keysStart: from,
      keysTarget: to,
      keysReached,
      loadSeconds: load.ms / 1000,
      setsPerSecond: (keysReached - from) / (load.ms / 1000),
      setErrors: load.errors,
      probes: sorted.length,
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted.at(-1) ?? NaN,
      p99Corrected: percentile(withOmitted(sorted), 0.99),
      rssEnd: rssBytes(s.proc.pid as number),
      problem: problems.length > 0 ? problems.join('; ') : null,
      timeline: probe.timeline,
    };
  } finally {
    await stopServer(s);
  }
}

// ---- row 8 ----

/** Row 8's target: RSS back under this multiple of the empty process's within FLUSH_WATCH_MS. */
const FLUSH_TARGET = 1.5;
const FLUSH_WATCH_MS = 10000;
const FLUSH_SAMPLE_MS = 500;

interface FlushRun {
  keys: number;
  emptyRss: number;
  loadedRss: number;
  /** RSS every FLUSH_SAMPLE_MS after FLUSHALL's reply, from 0 to FLUSH_WATCH_MS. */
  afterFlush: { ms: number; rss: number }[];
  flushMs: number;
  rssAfter10s: number;
  /** 500 ms after MEMORY PURGE's reply, sent once the 10 s are over. */
  rssAfterPurge: number;
  /** rssAfter10s / emptyRss. */
  ratio: number;
  /** First sample under FLUSH_TARGET x empty, ms after FLUSHALL (null: not within the 10 s). */
  underTargetAtMs: number | null;
  problem: string | null;
}

async function flush(name: Server['name'], keys: number, valueBytes: number): Promise<FlushRun> {
  const s = await startServer(name);
  try {
    await sleep(SETTLE_MS);
    const pid = s.proc.pid as number;
    const emptyRss = rssBytes(pid);
    const load = await pipeLoad(s.port, setCommands(0, keys, valueBytes));
    const loadedRss = rssBytes(pid);
    const loadedKeys = dbsize(s.port);
    const problem = load.status !== 0 || load.errors !== 0 ? `loading: exit ${load.status}, ${load.errors} errors: ${load.output.split('\n').slice(0, 3).join(' | ')}` : null;
    const t0 = performance.now();
    cli(s.port, 'flushall');
    const flushMs = performance.now() - t0;
    const afterFlush = [{ ms: 0, rss: rssBytes(pid) }];
    for (let t = FLUSH_SAMPLE_MS; t <= FLUSH_WATCH_MS; t += FLUSH_SAMPLE_MS) {
      await sleep(t0 + t - performance.now());
      afterFlush.push({ ms: t, rss: rssBytes(pid) });
    }
    cli(s.port, 'memory', 'purge');
    await sleep(FLUSH_SAMPLE_MS);
    const rssAfterPurge = rssBytes(pid);
    const rssAfter10s = afterFlush[afterFlush.length - 1].rss;
    return {
      keys: loadedKeys,
      emptyRss,
      loadedRss,
      afterFlush,
      flushMs,
      rssAfter10s,
      rssAfterPurge,
      ratio: rssAfter10s / emptyRss,
      underTargetAtMs: afterFlush.find((x) => x.rss < FLUSH_TARGET * emptyRss)?.ms ?? null,
      problem,
    };
  } finally {
    await stopServer(s);
  }
}

// ---- row 11 ----

export const COLLECTION_KINDS = ['list', 'set', 'zset'] as const;
type CollectionKind = (typeof COLLECTION_KINDS)[number];

/**
 * Commands adding `total` distinct elements named as redis-benchmark's (`element:` and 12 digits) to one
 * key of `kind`, 100 per command (RPUSH, SADD, ZADD with pseudo-random scores), in ~1 MB buffers.
 */
function* elementCommands(kind: CollectionKind, total: number): Generator<Buffer> {
  const head = { list: '$5\r\nRPUSH\r\n$4\r\nlist', set: '$4\r\nSADD\r\n$3\r\nset', zset: '$4\r\nZADD\r\n$4\r\nzset' }[kind];
  let seed = 12345;
  let s = '';
  for (let i = 0; i < total; i += 100) {
    const n = Math.min(100, total - i);
    s += `*${(kind === 'zset' ? 2 * n : n) + 2}\r\n${head}\r\n`;
    for (let j = 0; j < n; j++) {
      const el = 'element:' + String(i + j).padStart(12, '0');
      if (kind === 'zset') {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const score = String(seed / 1000);
        s += `$${score.length}\r\n${score}\r\n`;
      }
      s += `$${el.length}\r\n${el}\r\n`;
    }
    if (s.length > 1 << 20) {
      yield Buffer.from(s, 'latin1');
      s = '';
    }
  }
  if (s.length > 0) yield Buffer.from(s, 'latin1');
}

interface BytesPerElement {
  /** (RSS right after the load - empty RSS) / elements. */
  perElement: number;
  elements: number;
  encoding: string;
}

async function bytesPerElement(name: Server['name'], kind: CollectionKind, total: number): Promise<BytesPerElement> {
  const s = await startServer(name);
  try {
    await sleep(SETTLE_MS);
    const pid = s.proc.pid as number;
    const empty = rssBytes(pid);
    await pipeLoad(s.port, elementCommands(kind, total));
    const loaded = rssBytes(pid);
    const count = Number(cli(s.port, { list: 'LLEN', set: 'SCARD', zset: 'ZCARD' }[kind], kind));
    return { perElement: (loaded - empty) / count, elements: count, encoding: cli(s.port, 'OBJECT', 'ENCODING', kind) ?? '?' };
  } finally {
    await stopServer(s);
  }
}

// ---- running and reporting ----

export interface MemoryRowsResults {
  scale: { bytesPerKey: { keys: number; valueBytes: number }; growth: { from: number; to: number; valueBytes: number }; flush: { keys: number; valueBytes: number }; elements: number };
  bytesPerKey: Partial<Record<Server['name'], BytesPerKey[]>>;
  growth: Partial<Record<Server['name'], GrowthRun[]>>;
  flush: Partial<Record<Server['name'], FlushRun[]>>;
  elements: Partial<Record<CollectionKind, Partial<Record<Server['name'], BytesPerElement[]>>>>;
}

export async function runMemoryRows(o: MemoryRowsOptions): Promise<MemoryRowsResults> {
  const scale = o.quick ? 10 : 1;
  const res: MemoryRowsResults = {
    scale: {
      bytesPerKey: { keys: 1000000 / scale, valueBytes: 100 },
      growth: { from: 1000000 / scale, to: 10000000 / scale, valueBytes: 3 },
      flush: { keys: 1000000 / scale, valueBytes: 1000 },
      elements: 1000000 / scale,
    },
    bytesPerKey: {},
    growth: {},
    flush: {},
    elements: {},
  };
  const rounds = async (id: string, run: (name: Server['name'], round: number) => Promise<void>) => {
    if (!o.wanted(id)) return;
    for (let round = 0; round < o.rounds; round++) for (const name of o.names) await run(name, round);
  };
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);

  const b = res.scale.bytesPerKey;
  await rounds('5', async (name, round) => {
    const m = await bytesPerKey(name, b.keys, b.valueBytes);
    (res.bytesPerKey[name] ??= []).push(m);
    console.log(`row 5 round ${round + 1} ${name.padEnd(10)} ${m.perKey.toFixed(1)} bytes/key right after loading, ${m.perKeyAfterIdle.toFixed(1)} after 1 s idle`);
  });

  const g = res.scale.growth;
  if (o.wanted('7')) {
    const started = performance.now();
    const file = growthFile(g.from, g.to, g.valueBytes);
    console.log(`row 7: ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB of SETs for keys ${g.from}..${g.to - 1} written to ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    try {
      await rounds('7', async (name, round) => {
        const r = await growth(name, g.from, g.to, g.valueBytes, file, o.quick ? 60000 : 300000);
        (res.growth[name] ??= []).push(r);
        console.log(
          `row 7 round ${round + 1} ${name.padEnd(10)} ${r.keysReached} keys in ${r.loadSeconds.toFixed(1)} s (${Math.round(r.setsPerSecond)} SET/s), ` +
            `${r.probes} GETs p50 ${r.p50.toFixed(3)} p90 ${r.p90.toFixed(3)} p99 ${r.p99.toFixed(3)} p99.9 ${r.p999.toFixed(3)} max ${r.max.toFixed(1)} ms, corrected p99 ${r.p99Corrected.toFixed(3)} ms, RSS ${mb(r.rssEnd)} MB` +
            (r.problem ? `\n      problem: ${r.problem}` : ''),
        );
      });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  const f = res.scale.flush;
  await rounds('8', async (name, round) => {
    const r = await flush(name, f.keys, f.valueBytes);
    (res.flush[name] ??= []).push(r);
    console.log(
      `row 8 round ${round + 1} ${name.padEnd(10)} RSS MB: empty ${mb(r.emptyRss)}, loaded ${mb(r.loadedRss)} (${r.keys} keys), FLUSHALL ${r.flushMs.toFixed(0)} ms, ` +
        `after it ${r.afterFlush.map((x) => mb(x.rss)).join(' ')}, after MEMORY PURGE ${mb(r.rssAfterPurge)}` +
        (r.problem ? `\n      problem: ${r.problem}` : ''),
    );
  });

  for (const kind of COLLECTION_KINDS) {
    await rounds('11', async (name, round) => {
      const r = await bytesPerElement(name, kind, res.scale.elements);
      ((res.elements[kind] ??= {})[name] ??= []).push(r);
      console.log(`row 11 round ${round + 1} ${name.padEnd(10)} ${kind.padEnd(4)} ${r.perElement.toFixed(1)} bytes/element right after loading ${r.elements} (${r.encoding})`);
    });
  }
  return res;
}

type Medians<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

/** Medians over rounds of every numeric field. */
function medians<T extends object>(runs: T[]): Partial<Medians<T>> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(runs[0] ?? {})) {
    const xs = runs.map((r) => (r as Record<string, unknown>)[k]);
    if (xs.some((x) => typeof x === 'number') && xs.every((x) => typeof x === 'number' || x === null)) out[k] = median(xs.map((x) => (x === null ? NaN : (x as number))));
  }
  return out as Partial<Medians<T>>;
}

/** Prints rows 5, 7 and 8 (medians of the rounds, shardcache/redis ratios) and returns them for the JSON. */
export function reportMemoryRows(res: MemoryRowsResults, haveRedis: boolean): Record<string, unknown> {
  const fmt = (n: number | null | undefined, d = 0) => (n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(d) : '-');
  const mb = (n: number | undefined) => fmt(n === undefined ? NaN : n / 2 ** 20, 1);
  const out: Record<string, unknown> = {};
  const names = (o: object) => Object.keys(o) as Server['name'][];

  if (names(res.bytesPerKey).length > 0) {
    const { keys, valueBytes } = res.scale.bytesPerKey;
    const pick = (f: keyof BytesPerKey) => {
      const m: Record<string, number> = {};
      for (const name of names(res.bytesPerKey)) m[name] = median((res.bytesPerKey[name] ?? []).map((x) => x[f]));
      if (haveRedis) m.ratio = m.shardcache / m.redis;
      return m;
    };
    const now = pick('perKey');
    const idle = pick('perKeyAfterIdle');
    const line = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${fmt(v, k === 'ratio' ? 2 : 1)}`).join(', ');
    console.log(`5    bytes/key, RSS right after loading ${keys} keys of ${valueBytes} bytes, no idle wait: ${line(now)} (after 1 s idle: ${line(idle)})`);
    out.memory = now;
    out.memoryAfterIdle = idle;
  }

  if (names(res.growth).length > 0) {
    const { from, to } = res.scale.growth;
    console.log(`\n7    GET latency while the keyspace grows from ${from} to ${to} keys (single GETs every ~1 ms on one connection)`);
    console.log('     server      keys reached  load s    SET/s  probes   p50 ms   p90 ms   p99 ms  p99.9 ms   max ms  p99 corr. ms | ratio p99');
    const growth: Record<string, unknown> = {};
    for (const name of names(res.growth)) {
      const runs = res.growth[name] ?? [];
      const m = medians(runs);
      const ratio = haveRedis && name === 'shardcache' ? (m.p99 as number) / (medians(res.growth.redis ?? []).p99 as number) : undefined;
      console.log(
        `     ${name.padEnd(10)} ${fmt(m.keysReached).padStart(13)} ${fmt(m.loadSeconds, 1).padStart(7)} ${fmt(m.setsPerSecond).padStart(8)} ${fmt(m.probes).padStart(7)} ${fmt(m.p50, 3).padStart(8)} ${fmt(m.p90, 3).padStart(8)} ${fmt(m.p99, 3).padStart(8)} ${fmt(m.p999, 3).padStart(9)} ${fmt(m.max, 1).padStart(8)} ${fmt(m.p99Corrected, 3).padStart(13)} |` +
          (ratio !== undefined ? ` ${fmt(ratio, 2).padStart(9)}` : ''),
      );
      for (const [i, r] of runs.entries()) if (r.problem) console.log(`       round ${i + 1}: ${r.problem}`);
      growth[name] = { ...m, runs };
      if (ratio !== undefined) growth.ratioP99 = ratio;
    }
    out.growth = { ...res.scale.growth, ...growth };
  }

  if (names(res.flush).length > 0) {
    const { keys, valueBytes } = res.scale.flush;
    console.log(`\n8    RSS after FLUSHALL of ${keys} keys of ${valueBytes} bytes, MB (target: under ${FLUSH_TARGET}x empty within ${FLUSH_WATCH_MS / 1000} s)`);
    console.log('     server       empty   loaded  0 s after  10 s after  after PURGE | 10 s/empty  under target at');
    const flushOut: Record<string, unknown> = {};
    for (const name of names(res.flush)) {
      const runs = res.flush[name] ?? [];
      const m = medians(runs);
      const first = median(runs.map((r) => r.afterFlush[0].rss));
      const under = runs.map((r) => (r.underTargetAtMs === null ? 'no' : `${r.underTargetAtMs} ms`)).join(', ');
      console.log(
        `     ${name.padEnd(10)} ${mb(m.emptyRss).padStart(7)} ${mb(m.loadedRss).padStart(8)} ${mb(first).padStart(10)} ${mb(m.rssAfter10s).padStart(11)} ${mb(m.rssAfterPurge).padStart(12)} | ${fmt(m.ratio, 2).padStart(10)}  ${under}`,
      );
      for (const [i, r] of runs.entries()) if (r.problem) console.log(`       round ${i + 1}: ${r.problem}`);
      flushOut[name] = { ...m, runs };
    }
    out.flush = { ...res.scale.flush, target: FLUSH_TARGET, ...flushOut };
  }
  const kinds = Object.keys(res.elements) as CollectionKind[];
  if (kinds.length > 0) {
    const perKind: Record<string, Record<string, number>> = {};
    for (const kind of kinds) {
      const byName = res.elements[kind] ?? {};
      const m: Record<string, number> = {};
      for (const name of names(byName)) m[name] = median((byName[name] ?? []).map((x) => x.perElement));
      if (haveRedis) m.ratio = m.shardcache / m.redis;
      perKind[kind] = m;
      console.log(`11   bytes/element, RSS right after loading one ${kind} of ${res.scale.elements} elements: ` + Object.entries(m).map(([k, v]) => `${k} ${fmt(v, k === 'ratio' ? 2 : 1)}`).join(', ') + ' (target ratio <= 1.5)');
    }
    out.elements = perKind;
  }
  return out;
}
