// A write/read load with monotonic counters, for failure and partition specs: it records every
// acknowledged write and catches lost writes and stale reads.
//
// Writers: `keys` keys `<prefix>:<i>`, each owned by one writer loop, which writes SET key <seq> with seq
// strictly increasing per key, one write in flight per key. acked[i] = the highest seq that got OK.
// A write that errors or times out is not acknowledged (its value may or may not be there: a later value
// is never a violation). Its outcome is unknown, so it may also take effect LATER than writes acknowledged
// after it (ioredis re-sends a command whose connection closed under it to the slot's new owner): a read
// of such a value below acked[i] is counted in `late`, not as stale.
// Readers: GET a random key through the cluster client, or through plain connections to chosen nodes
// (READONLY first when asked). A reply lower than acked[i] *as it was when the GET was sent* is a stale
// read (a missing key counts as 0); a value that was never sent is a phantom. Errors are counted, not
// judged (refusing to answer is always allowed).
// Write-once keys: every ONCE_EVERY-th write of a writer goes to a fresh key `<prefix>:once:<w>:<n>` instead;
// a later write can never hide its loss (a counter key that lost its value and was written again after the
// fault reads back fine: only the stale reads meanwhile tell).
// lost(): after the load stopped, every key read back; lost = counter keys whose value is below acked[i],
// and write-once keys acknowledged but missing.
import Redis, { Cluster } from 'ioredis';
import type { TestCluster } from './cluster';

import { keySlot } from '../../lib/util/slots';

/** One write in this many (per writer) goes to a fresh write-once key. */
const ONCE_EVERY = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

export interface Violation {
  key: string;
  got: string;
  /** The highest seq acknowledged before the read was sent. */
  want: number;
  /** When the read was sent / answered (performance.now()). */
  sent: number;
  at: number;
  via: string;
  /** The key's latest acknowledged write when the violation was seen. */
  lastAck: string;
}

export interface LoadOptions {
  keys?: number;
  writers?: number;
  readers?: number;
  prefix?: string;
  /** Per-command timeout of the cluster client (ms); default 3000. */
  commandTimeoutMs?: number;
}

/** An ioredis Cluster client that rides through failovers and never waits forever on one command. */
export function loadClient(c: TestCluster, commandTimeoutMs = 3000): Cluster {
  const client = new Cluster([{ host: '127.0.0.1', port: c.seed }], {
    retryDelayOnClusterDown: 50,
    retryDelayOnFailover: 50,
    retryDelayOnTryAgain: 50,
    maxRedirections: 60,
    slotsRefreshTimeout: 500,
    slotsRefreshInterval: 1000,
    redisOptions: { connectTimeout: 500, maxRetriesPerRequest: 1, commandTimeout: commandTimeoutMs },
  });
  client.on('error', () => undefined);
  return client;
}

export class Load {
  readonly keys: string[];
  /** Highest seq sent / acknowledged per key. */
  readonly sent: number[];
  readonly acked: number[];
  /** Every acknowledgement: key index, when its write was sent and when OK came back. */
  readonly acks: Array<{ key: number; sent: number; at: number }> = [];
  /** Per key, where its highest acknowledged write was routed (the client's slot map when sent) and when. */
  readonly lastAck: Array<{ route: string; sent: number; at: number } | undefined> = [];
  /** Write-once keys acknowledged, with their value. */
  readonly onceAcked: Array<[string, string]> = [];
  readonly stale: Violation[] = [];
  /** Reads of a value whose write was not acknowledged (error or timeout) and that took effect late. */
  readonly late: Violation[] = [];
  /** Per key, the seqs whose write errored or timed out (outcome unknown). */
  private readonly unknown = new Map<number, Set<number>>();
  readonly phantom: Violation[] = [];
  writeErrors = 0;
  /** When each failed write was sent (performance.now()). */
  readonly writeErrorTimes: number[] = [];
  readErrors = 0;
  /** Read errors per reader (`cluster`, or `[READONLY ]<port>` for direct readers). */
  readonly readErrorsVia = new Map<string, number>();
  reads = 0;
  readonly errorSamples = new Map<string, number>();
  readonly client: Cluster;
  private readonly slotOf: number[];
  private readonly prefix: string;
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private readonly direct: Redis[] = [];

  constructor(
    private readonly cluster: TestCluster,
    opts: LoadOptions = {},
  ) {
    const n = opts.keys ?? 300;
    const prefix = (this.prefix = opts.prefix ?? 'p');
    this.keys = Array.from({ length: n }, (_, i) => `${prefix}:${i}`);
    this.slotOf = this.keys.map((k) => keySlot(k));
    this.sent = new Array<number>(n).fill(0);
    this.acked = new Array<number>(n).fill(0);
    this.client = loadClient(cluster, opts.commandTimeoutMs);
    const writers = opts.writers ?? 12;
    for (let w = 0; w < writers; w++) this.loops.push(this.writer(w, writers));
    for (let r = 0; r < (opts.readers ?? 4); r++) this.loops.push(this.reader((i) => this.client.get(this.keys[i]), () => Math.floor(Math.random() * n), 'cluster'));
  }

  private noteError(kind: string, e: unknown): void {
    const msg = `${kind}: ${String((e as Error)?.message ?? e).split('\n')[0].replace(/\d+\.\d+\.\d+\.\d+:\d+|\b\d{3,}\b/g, 'N')}`;
    this.errorSamples.set(msg, (this.errorSamples.get(msg) ?? 0) + 1);
  }

  private async writer(w: number, writers: number): Promise<void> {
    const mine = this.keys.map((_, i) => i).filter((i) => i % writers === w);
    for (let j = 0, n = 0; this.running; j = (j + 1) % mine.length) {
      if (++n % ONCE_EVERY === 0) {
        const k = `${this.prefix}:once:${w}:${n}`;
        const v = String(n);
        try {
          if ((await this.client.set(k, v)) === 'OK') this.onceAcked.push([k, v]);
        } catch (e) {
          this.writeErrors++;
          this.writeErrorTimes.push(now());
          this.noteError('SET', e);
          await sleep(20);
        }
        continue;
      }
      const i = mine[j];
      const seq = ++this.sent[i];
      const sent = now();
      const route = this.route(i);
      try {
        const r = await this.client.set(this.keys[i], String(seq));
        if (r === 'OK') {
          if (seq > this.acked[i]) this.acked[i] = seq;
          this.lastAck[i] = { route, sent, at: now() };
          this.acks.push({ key: i, sent, at: now() });
        } else {
          this.writeErrors++;
          this.writeErrorTimes.push(sent);
          this.noteError('SET reply', r);
        }
      } catch (e) {
        this.writeErrors++;
        this.writeErrorTimes.push(sent);
        this.noteError('SET', e);
        let u = this.unknown.get(i);
        if (u === undefined) this.unknown.set(i, (u = new Set()));
        u.add(seq);
        await sleep(20);
      }
    }
  }

  /** Where the cluster client sends key i now ('cluster->host:port'), from its slot map. */
  private route(i: number): string {
    const slots = (this.client as unknown as { slots?: string[][] }).slots;
    return `cluster->${slots?.[this.slotOf[i]]?.[0] ?? '?'}`;
  }

  private judge(i: number, got: string | null, want: number, sent: number, via: string): void {
    const v = got === null ? 0 : Number(got);
    const last = this.lastAck[i];
    const violation = { key: this.keys[i], got: String(got), want, sent, at: now(), via, lastAck: last ? `seq ${this.acked[i]} sent to ${last.route} acked ${Math.round(sent - last.at)} ms before this read` : '' };
    if (!Number.isInteger(v) || v > this.sent[i]) this.phantom.push(violation);
    else if (v < want && this.unknown.get(i)?.has(v) === true) this.late.push(violation);
    else if (v < want) this.stale.push(violation);
  }

  private async reader(get: (i: number) => Promise<string | null>, pick: () => number, via: string): Promise<void> {
    while (this.running) {
      const i = pick();
      const want = this.acked[i];
      const sent = now();
      const where = via === 'cluster' ? this.route(i) : via;
      try {
        const got = await get(i);
        this.reads++;
        this.judge(i, got, want, sent, where);
      } catch (e) {
        this.readErrors++;
        this.readErrorsVia.set(via, (this.readErrorsVia.get(via) ?? 0) + 1);
        this.noteError(`GET ${via}`, e);
        await sleep(10);
      }
    }
  }

  /**
   * Adds `loops` readers on a plain connection to `port` (READONLY first when `readonly`), reading the keys
   * whose indices are in `keyIdx`. Redirects and refusals count as read errors; old values as stale.
   * A long `commandTimeoutMs` lets GETs sent to a frozen node wait for it to thaw, and be judged then.
   */
  async readDirect(port: number, keyIdx: number[], readonly: boolean, loops = 2, commandTimeoutMs = 1000): Promise<void> {
    const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, commandTimeout: commandTimeoutMs, retryStrategy: () => 100 });
    r.on('error', () => undefined);
    this.direct.push(r);
    await r.connect();
    // READONLY is sent again after every reconnect: ioredis replays nothing of the sort by itself.
    if (readonly) {
      await r.call('READONLY');
      r.on('ready', () => void r.call('READONLY').catch(() => undefined));
    }
    const via = `${readonly ? 'READONLY ' : ''}${port}`;
    for (let l = 0; l < loops; l++) this.loops.push(this.reader((i) => r.get(this.keys[i]), () => keyIdx[Math.floor(Math.random() * keyIdx.length)], via));
  }

  /** Acknowledgements so far. */
  get ackCount(): number {
    return this.acks.length;
  }

  /** Waits until `n` more writes have been acknowledged (rejects after timeoutMs). */
  async waitAcks(n: number, timeoutMs: number): Promise<void> {
    const want = this.acks.length + n;
    const until = now() + timeoutMs;
    while (this.acks.length < want) {
      if (now() > until) throw new Error(`only ${this.acks.length - want + n} of ${n} writes acknowledged in ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /**
   * Resolves once every key in `keyIdx` (default all) had a write sent after `since` acknowledged, with the
   * time that took from `since` (ms). Rejects after timeoutMs.
   */
  async waitAllWritten(since: number, timeoutMs: number, keyIdx?: number[]): Promise<number> {
    const want = new Set(keyIdx ?? this.keys.map((_, i) => i));
    const until = now() + timeoutMs;
    let scanned = 0;
    let last = since;
    for (;;) {
      for (; scanned < this.acks.length; scanned++) {
        const a = this.acks[scanned];
        if (a.sent > since && want.delete(a.key)) last = Math.max(last, a.at);
      }
      if (want.size === 0) return last - since;
      if (now() > until) throw new Error(`${want.size} keys had no write acknowledged in ${timeoutMs} ms after the heal, e.g. ${[...want].slice(0, 5).map((i) => this.keys[i]).join(', ')}`);
      await sleep(20);
    }
  }

  /** Acknowledgements of writes to keys in `keyIdx` (default all) acknowledged in [from, to). */
  acksBetween(from: number, to: number, keyIdx?: number[]): number {
    const want = keyIdx ? new Set(keyIdx) : null;
    return this.acks.filter((a) => a.at >= from && a.at < to && (want === null || want.has(a.key))).length;
  }

  /** The longest time (ms) in [from, to] without an acknowledgement of a write to a key in `keyIdx`. */
  longestGap(from: number, to: number, keyIdx: number[]): number {
    const want = new Set(keyIdx);
    const times = this.acks.filter((a) => want.has(a.key) && a.at >= from && a.at <= to).map((a) => a.at).sort((a, b) => a - b);
    let prev = from;
    let gap = 0;
    for (const t of [...times, to]) {
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    return gap;
  }

  /** Stops every loop (bounded: a loop stuck on a command is abandoned after 10 s) and closes direct connections. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.race([Promise.all(this.loops), sleep(10000)]);
    for (const r of this.direct) r.disconnect();
  }

  /**
   * Reads every key back through the cluster client (after stop()), each up to 5 attempts 200 ms apart on
   * errors; returns the lost keys (value below the highest acknowledged seq) and the keys never answered.
   */
  async lost(): Promise<{ lost: string[]; lostOnce: string[]; unreadable: string[] }> {
    const lost: string[] = [];
    const lostOnce: string[] = [];
    const unreadable: string[] = [];
    const checks: Array<[string, (got: string | null) => void]> = [
      ...this.keys.map((k, i): [string, (got: string | null) => void] => [
        k,
        (got) => {
          if ((got === null ? 0 : Number(got)) < this.acked[i]) lost.push(`${k}=${String(got)} (acked ${this.acked[i]})`);
        },
      ]),
      ...this.onceAcked.map(([k, v]): [string, (got: string | null) => void] => [
        k,
        (got) => {
          if (got !== v) lostOnce.push(`${k}=${String(got)} (acked ${v})`);
        },
      ]),
    ];
    await Promise.all(
      checks.map(async ([k, check]) => {
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            check(await this.client.get(k));
            return;
          } catch {
            await sleep(200);
          }
        }
        unreadable.push(k);
      }),
    );
    return { lost, lostOnce, unreadable };
  }

  /** The most frequent error texts, for the figures line. */
  topErrors(n = 4): string {
    return [...this.errorSamples.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([m, c]) => `${c}x ${m}`)
      .join('; ');
  }

  close(): void {
    this.client.disconnect();
    for (const r of this.direct) r.disconnect();
  }
}
