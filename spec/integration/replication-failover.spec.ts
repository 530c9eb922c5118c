// Replicas and failover (issue 5) on real clusters: one etcd and 3 node processes with cluster-replicas 2,
// i.e. ONE shard of a primary and two replicas (the fewest processes that give a primary with two
// replicas; every slot lives on that shard). Each describe starts its own cluster so a failure in one
// does not cascade. Writes go through ioredis Cluster; replica reads through plain connections after
// READONLY. Skipped until ROLE, WAIT, PSYNC and READONLY are declared (the replication wiring).
// The etcd outage lasts 30 s as the issue asks; SHARDCACHE_SHORT_TESTS=1 makes it 6 s for quick local runs.
import { expect } from 'chai';
import Redis, { Cluster } from 'ioredis';
import { connectEtcd, watchTopology } from '../../lib/cluster/etcd';
import { parseTopology } from '../../lib/cluster/topology';
import { failoverClient, parseInfo, startCluster, type ClusterNode, type TestCluster } from '../helpers/cluster';
import { needs } from './needs';

const REPLICAS = 2;
const NODE_TIMEOUT = 2000;
const LONG = process.env.SHARDCACHE_SHORT_TESTS !== "1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

const start = () => startCluster({ nodes: 1 + REPLICAS, replicas: REPLICAS, nodeTimeoutMs: NODE_TIMEOUT, args: ['--cluster-replicas', String(REPLICAS)] });

const newCluster = failoverClient;

/** A plain connection to `port`; READONLY first when `readonly`. */
async function direct(port: number, readonly = false): Promise<Redis> {
  const r = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
  r.on('error', () => undefined);
  await r.connect();
  if (readonly) expect(await r.call('READONLY')).to.equal('OK');
  return r;
}

/** The only shard's primary port and its in-sync replicas' ports, per CLUSTER SLOTS of `port`. */
async function shardOf(c: TestCluster, port: number): Promise<{ primary: number; replicas: number[] }> {
  const ranges = (await c.command(port, 'CLUSTER', 'SLOTS')) as Array<[number, number, ...Array<[string, number, string]>]>;
  if (!Array.isArray(ranges) || ranges.length === 0) throw new Error(`CLUSTER SLOTS of ${port}: ${String(ranges)}`);
  const [, , primary, ...replicas] = ranges[0];
  for (const r of ranges) if (r[2][1] !== primary[1]) throw new Error(`more than one shard: ${JSON.stringify(ranges)}`);
  return { primary: primary[1], replicas: replicas.map((x) => x[1]).sort((a, b) => a - b) };
}

const nodeAt = (c: TestCluster, port: number): ClusterNode => {
  const n = c.nodes.find((x) => x.port === port && x.alive());
  if (n === undefined) throw new Error(`no live node on ${port}`);
  return n;
};
const indexOf = (c: TestCluster, port: number) => c.nodes.findIndex((x) => x.port === port && x.alive());
const role = async (c: TestCluster, port: number) => (await c.command(port, 'ROLE')) as unknown[];
const info = async (c: TestCluster, port: number, section: string) => parseInfo(String(await c.command(port, 'INFO', section)));

/** True when ROLE on `port` says slave of `primary`, link connected. */
async function followsConnected(c: TestCluster, port: number, primary: number): Promise<boolean> {
  const r = await role(c, port);
  return r[0] === 'slave' && Number(r[2]) === primary && r[3] === 'connected';
}

/** Every replica's slave_repl_offset equals the primary's master_repl_offset (writes must be quiet). */
async function offsetsEqual(c: TestCluster, primary: number, replicas: number[]): Promise<boolean> {
  const want = (await info(c, primary, 'replication')).master_repl_offset;
  for (const r of replicas) if ((await info(c, r, 'replication')).slave_repl_offset !== want) return false;
  return want !== undefined;
}

interface Write {
  key: string;
  value: string;
  sent: number;
  acked?: number;
  error?: string;
}

/** `loops` sequential writers of unique keys through `client` until stop(); every write is recorded. */
class Writers {
  readonly writes: Write[] = [];
  private running = true;
  private readonly done: Promise<void>[];
  constructor(client: Cluster, prefix: string, loops: number, onAck?: (w: Write) => Promise<void>) {
    this.done = Array.from({ length: loops }, async (_, l) => {
      for (let i = 0; this.running; i++) {
        const w: Write = { key: `${prefix}:{${l}}:${i}`, value: `${i}:${Math.random().toString(36).slice(2)}`, sent: now() };
        this.writes.push(w);
        try {
          const r = await client.set(w.key, w.value);
          if (r === 'OK') w.acked = now();
          else w.error = `reply ${String(r)}`;
          if (w.acked !== undefined && onAck) await onAck(w);
        } catch (e) {
          w.error = (e as Error).message;
          await sleep(10);
        }
      }
    });
  }
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.done);
  }
  acked(): Write[] {
    return this.writes.filter((w) => w.acked !== undefined);
  }
  errors(): Write[] {
    return this.writes.filter((w) => w.error !== undefined);
  }
}

/** Keys among `writes` whose value on `port` differs (GETs pipelined, READONLY when `readonly`). */
async function missing(port: number, writes: Write[], readonly: boolean): Promise<string[]> {
  const r = await direct(port, readonly);
  try {
    const bad: string[] = [];
    for (let i = 0; i < writes.length; i += 500) {
      const chunk = writes.slice(i, i + 500);
      const p = r.pipeline();
      for (const w of chunk) p.get(w.key);
      const res = (await p.exec()) ?? [];
      chunk.forEach((w, j) => {
        const [err, v] = res[j] ?? [new Error('no reply'), null];
        if (err || v !== w.value) bad.push(`${w.key}=${err ? err.message : String(v)} (want ${w.value})`);
      });
    }
    return bad;
  } finally {
    r.disconnect();
  }
}

/** Asserts every acknowledged write reads back from `primary` and (READONLY) from every port in `replicas`. */
async function expectAllReadBack(primary: number, replicas: number[], acked: Write[]): Promise<void> {
  expect(await missing(primary, acked, false), `acked writes missing on the primary ${primary}`).to.deep.equal([]);
  for (const r of replicas) expect(await missing(r, acked, true), `acked writes missing on the replica ${r}`).to.deep.equal([]);
}

needs(['role', 'wait', 'psync', 'readonly'])('integration: replication and failover (1 primary + 2 replicas, real etcd)', function () {
  this.timeout(120000);

  describe('a healthy shard (sync mode)', () => {
    let c: TestCluster;
    before(async () => {
      c = await start();
    });
    after(async () => c?.stop());

    it('lists both replicas in CLUSTER SLOTS, ROLE and INFO replication once in sync', async () => {
      const s = await shardOf(c, c.seed);
      expect(s.replicas).to.have.length(REPLICAS);
      expect((await role(c, s.primary))[0]).to.equal('master');
      for (const r of s.replicas) expect(await followsConnected(c, r, s.primary), `ROLE of replica ${r}`).to.equal(true);
      const inf = await info(c, s.primary, 'replication');
      expect(inf.role).to.equal('master');
      expect(inf.connected_slaves).to.equal(String(REPLICAS));
      expect(await c.command(s.primary, 'CONFIG', 'GET', 'replication-ack')).to.deep.equal(['replication-ack', 'sync']);
    });

    it('(3) 10,000 times: SET on the primary, then GET through READONLY on each replica returns the new value', async () => {
      const s = await shardOf(c, c.seed);
      const primary = await direct(s.primary);
      const replicas = await Promise.all(s.replicas.map((p) => direct(p, true)));
      const CHAINS = 10;
      const ROUNDS = 1000;
      const bad: string[] = [];
      const t0 = now();
      try {
        // Ten keys in parallel; on each key every GET is sent only after its SET was acknowledged.
        await Promise.all(
          Array.from({ length: CHAINS }, async (_, k) => {
            const key = `rw:{x}:${k}`;
            for (let i = 0; i < ROUNDS; i++) {
              const v = `${i}`;
              const ok = await primary.set(key, v);
              if (ok !== 'OK') bad.push(`SET ${key} ${v} -> ${String(ok)}`);
              const got = await Promise.all(replicas.map((r) => r.get(key).catch((e: Error) => `error ${e.message}`)));
              got.forEach((g, j) => {
                if (g !== v) bad.push(`round ${i} key ${key}: replica ${s.replicas[j]} returned ${String(g)}, want ${v}`);
              });
            }
          }),
        );
      } finally {
        primary.disconnect();
        for (const r of replicas) r.disconnect();
      }
      console.log(`      10,000 SET+GETs in ${Math.round(now() - t0)} ms`);
      expect(bad.length, bad.slice(0, 5).join('\n')).to.equal(0);
    });

    it('(6) a partial resync after a brief disconnect transfers only the missed part', async () => {
      const s = await shardOf(c, c.seed);
      const primary = await direct(s.primary);
      try {
        // ~1 MB of keys, so a full copy would dwarf the missed part.
        const big = 'x'.repeat(500);
        const p = primary.pipeline();
        for (let i = 0; i < 2000; i++) p.set(`bulk:{x}:${i}`, big);
        await p.exec();
        await c.waitUntil(() => offsetsEqual(c, s.primary, s.replicas), 10000, 'replicas caught up after the preload');
        const stats0 = await info(c, s.primary, 'stats');
        const offset0 = Number((await info(c, s.primary, 'replication')).master_repl_offset);
        expect(stats0.sync_full, 'INFO stats sync_full').to.match(/^\d+$/);
        expect(stats0.sync_partial_ok, 'INFO stats sync_partial_ok').to.match(/^\d+$/);

        // Freeze both replicas (well under the node timeout, so they keep their leases), cut their links
        // from the primary side, write while they are away, then let them reconnect.
        const procs = s.replicas.map((r) => nodeAt(c, r).proc);
        for (const pr of procs) pr.kill('SIGSTOP');
        let killed: unknown;
        let writes: Promise<unknown>;
        try {
          killed = await c.command(s.primary, 'CLIENT', 'KILL', 'TYPE', 'replica');
          const w = primary.pipeline();
          for (let i = 0; i < 100; i++) w.set(`missed:{x}:${i}`, `m${i}`);
          writes = w.exec();
          await sleep(700);
        } finally {
          for (const pr of procs) pr.kill('SIGCONT');
        }
        expect(killed, 'CLIENT KILL TYPE replica on the primary').to.equal(REPLICAS);
        const res = (await writes) as Array<[Error | null, unknown]>;
        expect(res.filter(([e, v]) => e !== null || v !== 'OK').map(([e, v]) => (e ? e.message : String(v)))).to.deep.equal([]);

        await c.waitUntil(async () => (await Promise.all(s.replicas.map((r) => followsConnected(c, r, s.primary)))).every(Boolean), 10000, 'replicas reconnected');
        await c.waitUntil(() => offsetsEqual(c, s.primary, s.replicas), 10000, 'replicas caught up after the disconnect');
        const stats1 = await info(c, s.primary, 'stats');
        const missed = Number((await info(c, s.primary, 'replication')).master_repl_offset) - offset0;
        const out0 = Number(stats0.total_net_repl_output_bytes);
        const out1 = Number(stats1.total_net_repl_output_bytes);
        console.log(
          `      missed ${missed} stream bytes; sync_full ${stats0.sync_full}->${stats1.sync_full}, sync_partial_ok ${stats0.sync_partial_ok}->${stats1.sync_partial_ok}` +
            (Number.isFinite(out1 - out0) ? `, total_net_repl_output_bytes +${out1 - out0}` : ', no total_net_repl_output_bytes'),
        );
        expect(Number(stats1.sync_full) - Number(stats0.sync_full), 'full resyncs').to.equal(0);
        expect(Number(stats1.sync_partial_ok) - Number(stats0.sync_partial_ok), 'partial resyncs').to.equal(REPLICAS);
        expect(missed).to.be.greaterThan(100 * 20);
        // Both replicas received about the missed part each, far less than the 1 MB a full copy needs.
        if (Number.isFinite(out1 - out0)) expect(out1 - out0).to.be.lessThan(REPLICAS * (missed + 8192));
        // Both are back in the in-sync set; until a replica's own view says so it sends READONLY reads to
        // the primary (MOVED), after that it serves them, with the missed writes.
        await c.waitUntil(async () => (await shardOf(c, s.primary)).replicas.length === REPLICAS, 10000, 'both replicas in sync again (CLUSTER SLOTS)');
        for (const r of s.replicas) {
          const ro = await direct(r, true);
          try {
            await c.waitUntil(async () => (await ro.get('missed:{x}:99').catch((e: Error) => e.message)) === 'm99', 10000, `replica ${r} serving the missed writes`);
          } finally {
            ro.disconnect();
          }
        }
      } finally {
        primary.disconnect();
      }
    });

    it('CLUSTER FAILOVER on an in-sync replica: a planned switch under writes, no acknowledged write lost', async () => {
      const s = await shardOf(c, c.seed);
      const client = newCluster(c);
      const writers = new Writers(client, 'planned', 4);
      try {
        await c.waitUntil(() => writers.acked().length >= 500, 20000, 'writes before the switch');
        const target = s.replicas[0];
        expect(await c.command(target, 'CLUSTER', 'FAILOVER')).to.equal('OK');
        await c.waitUntil(async () => (await role(c, target))[0] === 'master' && (await role(c, s.primary))[0] === 'slave', 10000, 'the replica to be promoted and the old primary demoted');
        const switched = writers.acked().length;
        await c.waitUntil(() => writers.acked().length >= switched + 500, 20000, 'writes after the switch');
      } finally {
        await writers.stop();
        client.disconnect();
      }
      await c.waitStable(30000);
      const after = await shardOf(c, c.seed);
      expect(after.primary, 'the new primary').to.equal(s.replicas[0]);
      expect(after.replicas.sort()).to.deep.equal([s.primary, s.replicas[1]].sort());
      await expectAllReadBack(after.primary, after.replicas, writers.acked());
    });
  });

  describe('(1) kill -9 of the primary under writes, then (5) its restart', () => {
    let c: TestCluster;
    let client: Cluster;
    let writers: Writers;
    let killedIndex = -1;
    let newPrimary = 0;
    before(async () => {
      c = await start();
      client = newCluster(c);
    });
    after(async () => {
      await writers?.stop();
      client?.disconnect();
      await c?.stop();
    });

    it('(1) loses no acknowledged write, and writes resume on a promoted replica', async () => {
      const prev = await shardOf(c, c.seed);
      expect(prev.replicas).to.have.length(REPLICAS);
      writers = new Writers(client, 'k1', 4);
      await sleep(800);
      killedIndex = indexOf(c, prev.primary);
      const killAt = now();
      await c.killNode(killedIndex);
      const deadAt = now();
      await c.waitUntil(() => writers.acked().some((w) => (w.acked as number) > deadAt), 10000, 'a write acknowledged after the kill');
      await sleep(500);
      await writers.stop();
      const firstAfter = Math.min(...writers.acked().map((w) => w.acked as number).filter((t) => t > deadAt));
      const window = firstAfter - killAt;
      console.log(`      writes: ${writers.acked().length} acked, ${writers.errors().length} errors; unavailable ${Math.round(window)} ms after the kill`);
      expect(window).to.be.lessThan(10000);

      await c.waitStable(15000);
      const after = await shardOf(c, c.seed);
      newPrimary = after.primary;
      expect(after.primary).to.not.equal(prev.primary);
      expect(prev.replicas).to.include(after.primary);
      expect(after.replicas).to.have.length(REPLICAS - 1);
      expect((await role(c, after.primary))[0]).to.equal('master');
      await expectAllReadBack(after.primary, after.replicas, writers.acked());
    });

    it('(5) the killed node restarted with its --dir is a replica of the new primary again, in sync', async () => {
      expect(killedIndex, 'test (1) ran').to.be.greaterThan(-1);
      const n = await c.restartNode(killedIndex);
      await c.waitUntil(() => followsConnected(c, n.port, newPrimary), 15000, `ROLE of the restarted node ${n.port}: slave of ${newPrimary}, connected`);
      await c.waitStable(15000);
      const s = await shardOf(c, c.seed);
      expect(s.primary).to.equal(newPrimary);
      expect(s.replicas).to.include(n.port);
      const line = (await c.clusterNodes(c.seed)).split('\n').find((l) => l.startsWith(n.id));
      const primaryId = nodeAt(c, newPrimary).id;
      expect(line, 'CLUSTER NODES line of the restarted node').to.match(new RegExp(`^${n.id} \\S+ (myself,)?slave ${primaryId} `));
      await c.waitUntil(() => offsetsEqual(c, newPrimary, s.replicas), 10000, 'replica offsets equal the primary offset');
      await expectAllReadBack(newPrimary, [n.port], writers.acked());
    });
  });

  describe('(2) a primary frozen (SIGSTOP) past its lease', () => {
    let c: TestCluster;
    before(async () => {
      c = await start();
    });
    after(async () => {
      for (const n of c?.nodes ?? []) if (n.alive()) n.proc.kill('SIGCONT');
      await c?.stop();
    });

    it('acknowledges no write after its successor is chosen, and rejoins as a replica', async () => {
      const s = await shardOf(c, c.seed);
      const old = nodeAt(c, s.primary);
      // The promotion time, as the test process sees etcd's topology change.
      const etcd = connectEtcd([c.etcd.endpoint]);
      let promotedAt = Infinity;
      let successor = '';
      const cancel = await watchTopology(etcd, c.prefix, (v) => {
        if (v === null || promotedAt !== Infinity) return;
        const t = parseTopology(v);
        const shard = Object.values(t.shards).find((x) => x.primary !== old.id && Object.keys(t.nodes).length > 0);
        if (shard !== undefined && t.nodes[old.id]?.role !== 'primary') {
          promotedAt = now();
          successor = shard.primary;
        }
      });
      // Fire a SET at the old primary every 20 ms without waiting for replies: those sent while it is
      // frozen queue in its socket and are read after SIGCONT, when its successor exists.
      const conn = await direct(s.primary);
      const writes: Array<Write & { reply?: string }> = [];
      let firing = true;
      const pending: Promise<void>[] = [];
      const fire = async () => {
        for (let i = 0; firing; i++) {
          const w: Write & { reply?: string } = { key: `frozen:{x}:${i}`, value: `v${i}`, sent: now() };
          writes.push(w);
          pending.push(
            conn.set(w.key, w.value).then(
              (r) => {
                w.reply = String(r);
                if (r === 'OK') w.acked = now();
              },
              (e: Error) => void (w.error = e.message),
            ),
          );
          await sleep(20);
        }
      };
      const firing$ = fire();
      try {
        await sleep(300);
        old.proc.kill('SIGSTOP');
        const stoppedAt = now();
        await c.waitUntil(() => promotedAt !== Infinity, 15000, 'a successor in the topology');
        console.log(`      successor chosen ${Math.round(promotedAt - stoppedAt)} ms after SIGSTOP`);
        await sleep(Math.max(0, NODE_TIMEOUT * 2 - (now() - stoppedAt)));
        old.proc.kill('SIGCONT');
        await sleep(1500);
      } finally {
        old.proc.kill('SIGCONT');
        firing = false;
        await firing$;
        await cancel();
        etcd.close();
      }
      await Promise.race([Promise.all(pending), sleep(5000)]);
      conn.disconnect();
      const late = writes.filter((w) => w.acked !== undefined && w.acked > promotedAt);
      const acked = writes.filter((w) => w.acked !== undefined);
      console.log(`      ${writes.length} SETs fired at the old primary: ${acked.length} OK, ${writes.filter((w) => w.error).length} errors, ${writes.filter((w) => w.reply === undefined && w.error === undefined).length} unanswered`);
      expect(late.map((w) => `${w.key} acked ${Math.round((w.acked as number) - promotedAt)} ms after the promotion`)).to.deep.equal([]);
      expect(acked.length, 'some writes were acknowledged before the freeze').to.be.greaterThan(0);

      const newPrimary = c.nodes.find((n) => n.id === successor);
      expect(newPrimary, `successor ${successor} is one of the nodes`).to.not.equal(undefined);
      await c.waitUntil(() => followsConnected(c, old.port, (newPrimary as ClusterNode).port), 15000, `ROLE of the old primary ${old.port}: slave of ${newPrimary?.port}`);
      await c.waitStable(15000);
      const after = await shardOf(c, c.seed);
      expect(after.primary).to.equal((newPrimary as ClusterNode).port);
      expect(after.replicas).to.include(old.port);
      // What the old primary acknowledged before the freeze survived.
      await expectAllReadBack(after.primary, after.replicas, acked);
    });
  });

  describe('(7) read leases (issue 10: no read older than an acknowledged write)', () => {
    let c: TestCluster;
    before(async () => {
      c = await start();
    });
    after(async () => {
      for (const n of c?.nodes ?? []) if (n.alive()) n.proc.kill('SIGCONT');
      await c?.stop();
    });

    it('replicas of a frozen primary stop answering READONLY reads within 0.5 s, and serve them again once it thaws', async () => {
      // The spec before disconnects a replica: wait until it is back in sync (its read lease valid again).
      await c.waitStable(15000);
      const s = await shardOf(c, c.seed);
      const primary = await direct(s.primary);
      const replicas = await Promise.all(s.replicas.map((p) => direct(p, true)));
      const old = nodeAt(c, s.primary);
      try {
        expect(await primary.set('lease:{x}', 'v1')).to.equal('OK');
        for (const r of replicas) await c.waitUntil(async () => (await r.get('lease:{x}').catch(() => null)) === 'v1', 5000, 'READONLY reads served before the freeze');
        old.proc.kill('SIGSTOP');
        const stoppedAt = now();
        const stoppedServing: number[] = [];
        try {
          // Well inside the primary's lease (node timeout 2 s): no failover, only the replicas' leases end.
          await Promise.all(
            replicas.map(async (r, j) => {
              while (now() - stoppedAt < 1000) {
                const got = await r.get('lease:{x}').catch((e: Error) => `error ${e.message}`);
                if (got !== 'v1') {
                  expect(got, `replica ${s.replicas[j]} outside its lease`).to.match(/^error MOVED \d+ 127\.0\.0\.1:/);
                  stoppedServing[j] = now() - stoppedAt;
                  return;
                }
                await sleep(10);
              }
            }),
          );
        } finally {
          old.proc.kill('SIGCONT');
        }
        console.log(`      READONLY reads refused ${stoppedServing.map((t) => `${Math.round(t)} ms`).join(', ')} after the SIGSTOP`);
        expect(stoppedServing).to.have.length(REPLICAS);
        for (const t of stoppedServing) expect(t).to.be.lessThan(700); // lease 400 ms after the last heartbeat
        for (const r of replicas) await c.waitUntil(async () => (await r.get('lease:{x}').catch(() => null)) === 'v1', 5000, 'READONLY reads served again');
        expect(await primary.set('lease:{x}', 'v2')).to.equal('OK');
        for (const r of replicas) expect(await r.get('lease:{x}')).to.equal('v2');
      } finally {
        primary.disconnect();
        for (const r of replicas) r.disconnect();
      }
    });

    it('a primary frozen past its lease answers no stale read when it thaws after its successor acknowledged a write', async () => {
      await c.waitStable(15000);
      const s = await shardOf(c, c.seed);
      const old = nodeAt(c, s.primary);
      const conn = await direct(s.primary);
      try {
        expect(await conn.set('fence:{x}', 'old')).to.equal('OK');
        old.proc.kill('SIGSTOP');
        let after: { primary: number; replicas: number[] } = s;
        await c.waitUntil(
          async () => {
            after = await shardOf(c, s.replicas[0]).catch(() => s);
            return after.primary !== s.primary;
          },
          15000,
          'a replica promoted',
        );
        const fresh = await direct(after.primary);
        try {
          await c.waitUntil(async () => (await fresh.set('fence:{x}', 'new').catch(() => null)) === 'OK', 5000, 'a write acknowledged by the successor');
        } finally {
          fresh.disconnect();
        }
        // GETs queued while it is frozen are read first thing after SIGCONT, before it hears from etcd.
        const gets = Array.from({ length: 5 }, () => conn.get('fence:{x}').catch((e: Error) => `error ${e.message}`));
        old.proc.kill('SIGCONT');
        const replies: string[] = (await Promise.all(gets)).map(String);
        const thawedAt = now();
        while (now() - thawedAt < 1000) {
          replies.push(String(await conn.get('fence:{x}').catch((e: Error) => `error ${e.message}`)));
          await sleep(20);
        }
        console.log(`      old primary after the thaw: ${[...new Set(replies)].join(' | ')}`);
        expect(replies.filter((r) => r === 'old')).to.deep.equal([]);
      } finally {
        old.proc.kill('SIGCONT');
        conn.disconnect();
      }
    });
  });

  describe('(8) a primary frozen (SIGSTOP) at the default cluster-node-timeout 15000 (issue 10 item 5)', () => {
    // The coordinator's heartbeats (a PING every 200 ms, suspicion after cluster-heartbeat-timeout 1500 ms of
    // silence) replace a silent primary with a live in-sync replica at once in sync mode. This asserts the
    // mechanism, not a timing: writes come back long before the 15 s lease could have run out.
    const DEFAULT_NODE_TIMEOUT = 15000;
    const BOUND_MS = 5000;
    let c: TestCluster;
    before(async () => {
      c = await startCluster({ nodes: 1 + REPLICAS, replicas: REPLICAS, nodeTimeoutMs: DEFAULT_NODE_TIMEOUT, args: ['--cluster-replicas', String(REPLICAS)] });
    });
    after(async () => {
      for (const n of c?.nodes ?? []) if (n.alive()) n.proc.kill('SIGCONT');
      await c?.stop();
    });

    /** The port of the node that is the coordinator now (INFO cluster cluster_coordinator:1), or 0. */
    const coordinator = async (): Promise<number> => {
      for (const n of c.live()) if ((await info(c, n.port, 'cluster')).cluster_coordinator === '1') return n.port;
      return 0;
    };

    it('is replaced well before its lease; acknowledged writes survive; resumed, it is a replica that refuses writes', async () => {
      expect(await c.command(c.seed, 'CONFIG', 'GET', 'cluster-node-timeout')).to.deep.equal(['cluster-node-timeout', String(DEFAULT_NODE_TIMEOUT)]);
      // The case this covers: the frozen primary is not the coordinator (a frozen coordinator is first
      // voted out by the others' heartbeats). Switch the primary to a replica that is not, if need be.
      let s = await shardOf(c, c.seed);
      const coord = await coordinator();
      if (coord === s.primary) {
        const target = s.replicas.find((p) => p !== coord) as number;
        expect(await c.command(target, 'CLUSTER', 'FAILOVER')).to.equal('OK');
        await c.waitUntil(async () => (await shardOf(c, target)).primary === target && (await shardOf(c, target)).replicas.length === REPLICAS, 15000, `${target} primary with both replicas in sync`);
        await c.waitStable(30000);
        s = await shardOf(c, c.seed);
      }
      expect(s.primary).to.not.equal(await coordinator());
      const old = nodeAt(c, s.primary);

      // Acknowledged before the freeze (sync mode: every in-sync replica has it).
      const acked: Write[] = [];
      const conn = await direct(s.primary);
      for (let i = 0; i < 200; i++) {
        const w: Write = { key: `silent:{x}:${i}`, value: `before${i}`, sent: now() };
        expect(await conn.set(w.key, w.value)).to.equal('OK');
        w.acked = now();
        acked.push(w);
      }
      // SETs fired at it while it is frozen, without waiting: read after SIGCONT, none may get an OK.
      const fired: Array<{ key: string; reply?: string }> = [];
      const replies: Promise<void>[] = [];
      const fireOne = (i: number) => {
        const w: { key: string; reply?: string } = { key: `silent:{x}:frozen${i}` };
        fired.push(w);
        replies.push(conn.set(w.key, 'frozen').then((r) => void (w.reply = String(r)), (e: Error) => void (w.reply = `error ${e.message}`)));
      };

      old.proc.kill('SIGSTOP');
      const stoppedAt = now();
      let writableAt = Infinity;
      let newPrimary = 0;
      try {
        // Writes to its slots (all of them: one shard) through the replicas: -MOVED to the frozen primary
        // until one is promoted, then OK.
        for (let i = 0; now() - stoppedAt < DEFAULT_NODE_TIMEOUT - 3000 && writableAt === Infinity; i++) {
          fireOne(i);
          for (const p of s.replicas) {
            const r = await c.command(p, 'SET', 'silent:{x}:after', 'after').catch((e: Error) => e);
            if (r === 'OK') {
              writableAt = now();
              newPrimary = p;
              break;
            }
          }
          await sleep(50);
        }
        const window = writableAt - stoppedAt;
        console.log(`      writes to its slots acknowledged again ${Math.round(window)} ms after SIGSTOP (by ${newPrimary}; cluster-node-timeout ${DEFAULT_NODE_TIMEOUT} ms)`);
        expect(window, 'SIGSTOP -> a write acknowledged by a promoted replica, ms').to.be.lessThan(BOUND_MS);
        // What it acknowledged before the freeze is on its successor. (A just-promoted primary may refuse
        // reads with CLUSTERDOWN for a moment, ~130 ms seen, until its remaining in-sync replica vouches for
        // its stream: the read fence, membership.ts readsFenced.)
        await c.waitUntil(async () => (await missing(newPrimary, acked, false)).length === 0, 5000, `the writes acknowledged before the freeze read back from ${newPrimary}`);
      } finally {
        // SIGCONT inside its lease: it is still registered, and must find out it was replaced.
        old.proc.kill('SIGCONT');
      }
      const resumedAt = now();
      await Promise.race([Promise.all(replies), sleep(5000)]);
      conn.disconnect();
      const oks = fired.filter((w) => w.reply === 'OK');
      console.log(`      ${fired.length} SETs queued on it while frozen: ${[...new Set(fired.map((w) => w.reply ?? 'no reply'))].slice(0, 3).join(' | ')}`);
      expect(oks.map((w) => `${w.key} OK from the deposed primary`)).to.deep.equal([]);

      // It rejoins as a replica of its successor (or is dropped from the topology).
      await c.waitUntil(
        async () => (await followsConnected(c, old.port, newPrimary)) || (await c.topology()).nodes[old.id] === undefined,
        30000,
        `the resumed ${old.port} a replica of ${newPrimary} or out of the topology`,
      );
      console.log(`      resumed node ${old.port}: ${JSON.stringify((await role(c, old.port)).slice(0, 4))} ${Math.round(now() - resumedAt)} ms after SIGCONT`);
      // A write straight to it for its old slots: never OK.
      const r = await c.command(old.port, 'SET', 'silent:{x}:direct', 'x').catch((e: Error) => e);
      expect(r, 'SET on the resumed old primary').to.be.instanceOf(Error);
      expect(String((r as Error).message)).to.match(/^(MOVED \d+ 127\.0\.0\.1:\d+|CLUSTERDOWN|READONLY)/);

      await c.waitStable(30000);
      const after = await shardOf(c, c.seed);
      expect(after.primary).to.equal(newPrimary);
      await expectAllReadBack(after.primary, after.replicas, [...acked, { key: 'silent:{x}:after', value: 'after', sent: 0 }]);
    });
  });

  describe(`(4) etcd stopped for ${LONG ? 30 : 6} s`, () => {
    let c: TestCluster;
    let client: Cluster;
    before(async () => {
      c = await start();
      client = newCluster(c);
    });
    after(async () => {
      c?.etcd.resume();
      client?.disconnect();
      await c?.stop();
    });

    it('reads and writes continue; a failover waits until etcd is back', async () => {
      const pauseMs = LONG ? 30000 : 6000;
      const afterKillMs = 3000;
      const s = await shardOf(c, c.seed);
      const readErrors: string[] = [];
      const writers = new Writers(client, 'e', 2, async (w) => {
        const v = await client.get(w.key).catch((e: Error) => `error ${e.message}`);
        if (v !== w.value) readErrors.push(`${w.key}: ${String(v)}`);
      });
      let killAt = 0;
      try {
        await sleep(300);
        c.etcd.pause();
        const pausedAt = now();
        await sleep(pauseMs - afterKillMs);
        const during = writers.writes.filter((w) => w.sent >= pausedAt);
        const okDuring = during.filter((w) => w.acked !== undefined).length;
        console.log(`      etcd paused ${pauseMs - afterKillMs} ms: ${okDuring} writes acked, ${during.filter((w) => w.error).length} errors, ${readErrors.length} bad reads`);
        expect(during.filter((w) => w.error).map((w) => `${w.key}: ${w.error}`).slice(0, 5)).to.deep.equal([]);
        expect(readErrors.slice(0, 5)).to.deep.equal([]);
        expect(okDuring).to.be.greaterThan(10);

        // The primary dies while etcd is down: nobody can be promoted until etcd is back.
        killAt = now();
        await c.killNode(indexOf(c, s.primary));
        while (now() - killAt < afterKillMs) {
          for (const r of s.replicas) expect((await role(c, r))[0], `ROLE of replica ${r} while etcd is down`).to.equal('slave');
          await sleep(200);
        }
      } finally {
        c.etcd.resume();
      }
      const resumedAt = now();
      await c.waitUntil(async () => (await Promise.all(s.replicas.map(async (r) => (await role(c, r))[0] === 'master'))).some(Boolean), 15000, 'a replica promoted after etcd is back');
      await c.waitUntil(() => writers.acked().some((w) => (w.acked as number) > resumedAt), 15000, 'a write acknowledged after etcd is back');
      const firstAfter = Math.min(...writers.acked().map((w) => w.acked as number).filter((t) => t > resumedAt));
      console.log(`      writes resumed ${Math.round(firstAfter - resumedAt)} ms after etcd resumed`);
      await writers.stop();
      await c.waitStable(15000);
      const after = await shardOf(c, c.seed);
      expect(s.replicas).to.include(after.primary);
      await expectAllReadBack(after.primary, after.replicas, writers.acked());
    });
  });
});
