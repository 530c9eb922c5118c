// npm run bench:failover [-- --quick] [--rounds N] [--node-timeout MS] [--replicas R (default 2; 0 = smoke test of the script)]
// Issue 5's figures, on this machine, with real etcd and node processes (free loopback ports, temp dirs):
// 1. Replication cost: SET req/s on ONE primary (redis-benchmark -c 50, no pipelining, a custom
//    `SET {tag}:__rand_int__ v` with a hash tag that primary owns) with 2 sync replicas, 2 async replicas
//    (CONFIG SET replication-ack async on the primaries of the same cluster) and no replica (a second
//    cluster with cluster-replicas 0), interleaved per round; medians and ratios to "none".
// 2. Failover: 3 shards x (1 primary + 2 replicas) = 9 nodes, ioredis Cluster writing unique keys and
//    reading acknowledged ones back continuously; kill -9 one primary; reports the unavailability window of
//    its shard (first write to it that failed or blocked -> first success after the kill), acknowledged
//    writes lost (target 0), client errors, and time until every live node says cluster_state:ok with no
//    slot on the dead node.
// Prints the figures and writes them as JSON under bench/results/.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { keySlot } from '../lib/util/slots';
import { failoverClient, startCluster, type TestCluster } from '../spec/helpers/cluster';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const opt = (name: string, def: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
const ROUNDS = opt('--rounds', QUICK ? 1 : 3);
/** The default cluster-node-timeout (15 s): the 1.5 s target is stated for it. */
const NODE_TIMEOUT = opt('--node-timeout', 15000);
const REPLICAS = opt('--replicas', 2);
const BENCH_REQUESTS = QUICK ? 20000 : 100000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** Primary ports of `c` per CLUSTER SLOTS of its seed, with the slots each owns. */
async function primaries(c: TestCluster): Promise<Map<number, number[]>> {
  const owners = await c.slotOwners(c.seed);
  const m = new Map<number, number[]>();
  owners.forEach((port, slot) => {
    if (port !== 0) (m.get(port) ?? m.set(port, []).get(port) as number[]).push(slot);
  });
  return m;
}

/** A hash tag `{tN}` whose slot `port` owns. */
async function tagOwnedBy(c: TestCluster, port: number): Promise<string> {
  const owners = await c.slotOwners(c.seed);
  for (let i = 0; ; i++) if (owners[keySlot(`{t${i}}`)] === port) return `{t${i}}`;
}

/** redis-benchmark SET on one primary; returns requests/s. */
function setRps(port: number, tag: string): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-c', '50', '-n', String(BENCH_REQUESTS), '-r', '100000', '--csv', 'SET', `${tag}:__rand_int__`, 'value-16-bytes..'], { maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr?.toString()}`);
  const lines = r.stdout.toString().trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const values = lines[lines.length - 1].split(',').map((v) => v.replace(/"/g, ''));
  return Number(values[header.indexOf('rps')]);
}

async function setAck(c: TestCluster, mode: 'sync' | 'async'): Promise<void> {
  for (const port of (await primaries(c)).keys()) {
    const r = await c.command(port, 'CONFIG', 'SET', 'replication-ack', mode);
    if (r !== 'OK') throw new Error(`CONFIG SET replication-ack ${mode} on ${port}: ${String(r)}`);
  }
}

async function replicationCost(withReplicas: TestCluster, without: TestCluster) {
  const pr = [...(await primaries(withReplicas)).keys()][0];
  const pn = [...(await primaries(without)).keys()][0];
  const tr = await tagOwnedBy(withReplicas, pr);
  const tn = await tagOwnedBy(without, pn);
  const rps: Record<'sync' | 'async' | 'none', number[]> = { sync: [], async: [], none: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ['sync', 'async', 'none'] as const) {
      if (mode !== 'none') await setAck(withReplicas, mode);
      const v = mode === 'none' ? setRps(pn, tn) : setRps(pr, tr);
      rps[mode].push(v);
      console.log(`replication cost round ${round} ${mode.padEnd(5)} ${Math.round(v)} SET/s`);
    }
  }
  await setAck(withReplicas, 'sync');
  const med = { sync: median(rps.sync), async: median(rps.async), none: median(rps.none) };
  return {
    method: `redis-benchmark -c 50 -n ${BENCH_REQUESTS} -r 100000 SET {tag}:__rand_int__ <16 bytes> against one primary owning {tag}; replicas: cluster-replicas 2 (sync, then CONFIG SET replication-ack async), none: a cluster-replicas 0 cluster`,
    rounds: rps,
    medians: med,
    ratios: { sync: med.sync / med.none, async: med.async / med.none },
  };
}

interface Op {
  key: string;
  value: string;
  slot: number;
  sent: number;
  acked?: number;
  error?: string;
}

async function failover(c: TestCluster) {
  const client = failoverClient(c);
  const writes: Op[] = [];
  let readErrors = 0;
  let readMismatches = 0;
  let reads = 0;
  let running = true;
  const loops = [
    ...Array.from({ length: 8 }, async (_, l) => {
      for (let i = 0; running; i++) {
        const key = `f:${l}:${i}`;
        const w: Op = { key, value: `${i}.${Math.random().toString(36).slice(2, 8)}`, slot: keySlot(key), sent: now() };
        writes.push(w);
        try {
          if ((await client.set(w.key, w.value)) === 'OK') w.acked = now();
          else w.error = 'not OK';
        } catch (e) {
          w.error = (e as Error).message;
          await sleep(5);
        }
      }
    }),
    ...Array.from({ length: 2 }, async () => {
      while (running) {
        const acked = writes.filter((w) => w.acked !== undefined);
        const w = acked[Math.floor(Math.random() * acked.length)];
        if (w === undefined) {
          await sleep(5);
          continue;
        }
        reads++;
        try {
          if ((await client.get(w.key)) !== w.value) readMismatches++;
        } catch {
          readErrors++;
          await sleep(5);
        }
      }
    }),
  ];
  try {
    await sleep(2000);
    const owned = await primaries(c);
    const [victimPort, victimSlotList] = [...owned.entries()][0];
    const victimSlots = new Set(victimSlotList);
    const victim = c.nodes.findIndex((n) => n.port === victimPort && n.alive());
    const killAt = now();
    await c.killNode(victim);
    const deadAt = now();
    // Time to cluster_state:ok everywhere with no slot left on the dead node.
    let stateOkAt = NaN;
    const until = now() + 30000;
    while (now() < until) {
      try {
        let ok = true;
        for (const n of c.live()) if ((await c.clusterInfo(n.port)).cluster_state !== 'ok') ok = false;
        if (ok && !(await c.slotOwners(c.seed)).includes(victimPort)) {
          stateOkAt = now();
          break;
        }
      } catch {
        // a node busy or restarting its view: poll again
      }
      await sleep(20);
    }
    const victimWrites = () => writes.filter((w) => victimSlots.has(w.slot));
    const successAfter = () => victimWrites().filter((w) => w.acked !== undefined && w.acked > deadAt);
    const end = now() + 20000;
    while (successAfter().length === 0 && now() < end) await sleep(20);
    await sleep(3000);
    running = false;
    await Promise.all(loops);

    const vw = victimWrites();
    const blockedStart = Math.min(...vw.filter((w) => w.acked === undefined || w.acked > killAt).map((w) => w.sent));
    const firstSuccess = Math.min(...successAfter().map((w) => w.acked as number));
    await c.waitStable(60000).catch((e: Error) => console.log(`not stable after the failover: ${e.message.split('\n')[0]}`));
    // Every acknowledged write must read back.
    const acked = writes.filter((w) => w.acked !== undefined);
    let lost = 0;
    const lostExamples: string[] = [];
    for (let i = 0; i < acked.length; i += 1000) {
      const chunk = acked.slice(i, i + 1000);
      const got = await Promise.all(chunk.map((w) => client.get(w.key).catch((e: Error) => `error ${e.message}`)));
      chunk.forEach((w, j) => {
        if (got[j] !== w.value) {
          lost++;
          if (lostExamples.length < 5) lostExamples.push(`${w.key}: ${String(got[j])} (want ${w.value})`);
        }
      });
    }
    return {
      nodeTimeoutMs: NODE_TIMEOUT,
      killedPort: victimPort,
      killedShardSlots: victimSlots.size,
      unavailableMs: firstSuccess - blockedStart,
      firstSuccessAfterKillMs: firstSuccess - killAt,
      clusterStateOkAfterKillMs: stateOkAt - killAt,
      writes: writes.length,
      writesAcked: acked.length,
      writesToKilledShard: vw.length,
      ackedWritesLost: lost,
      lostExamples,
      clientWriteErrors: writes.filter((w) => w.error !== undefined).length,
      writeErrorExamples: [...new Set(writes.filter((w) => w.error !== undefined).map((w) => w.error as string))].slice(0, 5),
      reads,
      readErrors,
      readMismatches,
    };
  } finally {
    running = false;
    await Promise.all(loops);
    client.disconnect();
  }
}

async function main(): Promise<void> {
  if (spawnSync('sh', ['-c', 'command -v redis-benchmark']).status !== 0) throw new Error('redis-benchmark not found: apt-get install redis-tools');
  fs.mkdirSync(RESULTS, { recursive: true });
  const t0 = now();
  const withReplicas = await startCluster({ nodes: 3 * (1 + REPLICAS), replicas: REPLICAS, nodeTimeoutMs: NODE_TIMEOUT, args: ['--cluster-replicas', String(REPLICAS)] });
  let without: TestCluster | undefined;
  try {
    console.log(`${3 * (1 + REPLICAS)}-node cluster (3 shards x 1+${REPLICAS}) stable in ${Math.round(now() - t0)} ms`);
    without = await startCluster({ nodes: 3, nodeTimeoutMs: NODE_TIMEOUT });
    const cost = await replicationCost(withReplicas, without);
    await without.stop();
    const fo = await failover(withReplicas);
    const result = { date: new Date().toISOString(), cpus: os.cpus().length, quick: QUICK, replicas: REPLICAS, replicationCost: cost, failover: fo };
    console.log('\nReplication cost (median SET/s, ratio to no replica):');
    console.log(`  sync  ${Math.round(cost.medians.sync)}  ${cost.ratios.sync.toFixed(2)}x (target >= 0.70x)`);
    console.log(`  async ${Math.round(cost.medians.async)}  ${cost.ratios.async.toFixed(2)}x`);
    console.log(`  none  ${Math.round(cost.medians.none)}`);
    console.log(`Failover (kill -9 of a primary, cluster-node-timeout ${NODE_TIMEOUT} ms):`);
    console.log(`  unavailability window of its shard: ${Math.round(fo.unavailableMs)} ms (first success ${Math.round(fo.firstSuccessAfterKillMs)} ms after the kill; target 1500)`);
    console.log(`  cluster_state:ok everywhere without the dead node: ${Math.round(fo.clusterStateOkAfterKillMs)} ms after the kill`);
    console.log(`  acknowledged writes lost: ${fo.ackedWritesLost} of ${fo.writesAcked} (target 0)`);
    console.log(`  client errors: ${fo.clientWriteErrors} writes, ${fo.readErrors} reads (${fo.readMismatches} stale reads of ${fo.reads})`);
    const file = path.join(RESULTS, `failover-${result.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${path.relative(ROOT, file)}`);
  } finally {
    await without?.stop();
    await withReplicas.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
