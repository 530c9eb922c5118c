// Failures on a real 3-node cluster (no replicas): etcd frozen (SIGSTOP) for 2x the node timeout, then a
// node killed with SIGKILL. The cluster keeps serving through the first and heals from the second.
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { keySlot, SLOTS } from '../../lib/util/slots';
import { startCluster, type TestCluster } from '../helpers/cluster';

const KEYS = 600;

describe('integration: cluster failures (etcd outage, node killed)', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  let client: Cluster;
  const value = (k: string) => `value of ${k}`;
  const keys = Array.from({ length: KEYS }, (_, i) => `f:${i}`);

  /** The first key `${prefix}N` whose slot `port` owns per `owners`. */
  const keyOf = (owners: Int32Array, port: number, prefix: string): string => {
    for (let i = 0; ; i++) if (owners[keySlot(`${prefix}${i}`)] === port) return `${prefix}${i}`;
  };

  before(async () => {
    cluster = await startCluster({ nodes: 3 });
    client = new Cluster([{ host: '127.0.0.1', port: cluster.seed }], { retryDelayOnClusterDown: 100 });
    client.on('error', () => undefined);
    const sets = await Promise.all(keys.map((k) => client.set(k, value(k))));
    expect(sets.every((s) => s === 'OK')).to.equal(true);
  });
  after(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  describe('etcd frozen for 2x the node timeout', () => {
    const during = new Map<string, string>();
    let ownersBefore: Int32Array;

    it('every node keeps serving GET and SET on the last topology; once etcd is back all are ok, none failed', async () => {
      const owners = (ownersBefore = await cluster.slotOwners(cluster.seed));
      const epoch = (await cluster.clusterInfo(cluster.seed)).cluster_current_epoch;
      const failures: string[] = [];
      let served = 0;
      cluster.etcd.pause();
      const until = Date.now() + 2 * cluster.nodeTimeoutMs;
      try {
        for (let round = 0; Date.now() < until; round++) {
          for (const n of cluster.live()) {
            const k = keyOf(owners, n.port, `outage:${round}:`);
            const set = await cluster.command(n.port, 'SET', k, value(k));
            const old = keys.find((x) => owners[keySlot(x)] === n.port)!;
            const get = await cluster.command(n.port, 'GET', old);
            if (set !== 'OK') failures.push(`SET ${k} on ${n.port}: ${String(set)}`);
            else during.set(k, value(k));
            if (get !== value(old)) failures.push(`GET ${old} on ${n.port}: ${String(get)}`);
            served++;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        cluster.etcd.resume();
      }
      expect(failures.slice(0, 10), 'commands that failed while etcd was frozen').to.deep.equal([]);
      expect(served).to.be.greaterThan(3);
      await cluster.waitUntil(
        async () => {
          if (!(await cluster.stable())) return false;
          for (const n of cluster.live()) {
            const lines = (await cluster.clusterNodes(n.port)).trimEnd().split('\n');
            if (lines.length !== 3 || lines.some((l) => l.includes('fail') || !l.includes(' connected'))) return false;
          }
          return true;
        },
        5000,
        'every node back in CLUSTER NODES without fail, cluster_state ok',
      );
      for (const n of cluster.live()) expect((await cluster.clusterNodes(n.port)).trimEnd().split('\n').map((l) => l.split(' ')[0]).sort()).to.deep.equal(cluster.live().map((x) => x.id).sort());
      expect(Number((await cluster.clusterInfo(cluster.seed)).cluster_current_epoch)).to.be.at.least(Number(epoch));
    });

    it('keys written before and during the outage are still there afterwards (no slot was reassigned)', async () => {
      await cluster.waitStable(20000);
      const after = await cluster.slotOwners(cluster.seed);
      const moved = ownersBefore.filter((p, s) => after[s] !== p).length;
      expect(moved, 'slots whose owner changed across the outage').to.equal(0);
      const got = await Promise.all(keys.map((k) => client.get(k)));
      const missing = keys.filter((k, i) => got[i] !== value(k));
      expect(missing.length, `keys lost: ${missing.slice(0, 5).join(', ')}`).to.equal(0);
      for (const [k, v] of during) expect(await client.get(k), k).to.equal(v);
    });
  });

  describe('kill -9 of one node', () => {
    it('the survivors are ok again within 2x cluster-node-timeout, agree in INFO and NODES, and serve their keys', async () => {
      await cluster.waitStable(20000);
      // Written again, so that what the outage test did (or lost) does not matter here.
      const sets = await Promise.all(keys.map((k) => client.set(k, value(k))));
      expect(sets.every((s) => s === 'OK')).to.equal(true);
      const owners = await cluster.slotOwners(cluster.seed);
      const victim = cluster.nodes.findIndex((n, i) => i > 0 && n.alive());
      const dead = cluster.nodes[victim];
      const survivors = cluster.live().filter((n) => n !== dead);
      const started = Date.now();
      await cluster.killNode(victim);
      await cluster.waitUntil(
        async () => {
          for (const n of survivors) {
            // ok again = the dead node is gone from the view (known_nodes 2) and all slots are served.
            const info = await cluster.clusterInfo(n.port);
            if (info.cluster_state !== 'ok' || info.cluster_slots_assigned !== String(SLOTS) || info.cluster_known_nodes !== '2') return false;
          }
          return true;
        },
        20000,
        'cluster_state:ok on the survivors without the dead node',
      );
      const healedMs = Date.now() - started;
      console.log(`      (cluster_state ok on the survivors ${healedMs} ms after the kill)`);
      expect(healedMs, `healed after ${healedMs} ms`).to.be.at.most(2 * cluster.nodeTimeoutMs);

      // INFO and NODES agree, on each survivor and between them.
      await cluster.waitStable(5000);
      const views: string[] = [];
      for (const n of survivors) {
        const info = await cluster.clusterInfo(n.port);
        const text = await cluster.clusterNodes(n.port);
        const lines = text.trimEnd().split('\n');
        expect(text).to.not.contain(dead.id);
        expect(lines.map((l) => l.split(' ')[0]).sort()).to.deep.equal(survivors.map((x) => x.id).sort());
        expect(info).to.include({ cluster_state: 'ok', cluster_known_nodes: '2', cluster_size: '2', cluster_slots_ok: String(SLOTS), cluster_slots_fail: '0' });
        let slots = 0;
        for (const l of lines) {
          expect(l).to.match(/[ ,]master - 0 \d+ \d+ connected /, text);
          for (const r of l.split(' ').slice(8)) {
            const [a, b] = r.split('-').map(Number);
            slots += (b ?? a) - a + 1;
          }
        }
        expect(slots).to.equal(SLOTS);
        // One text for everyone once "myself," and the pong times are taken out.
        views.push(lines.map((l) => l.replace('myself,', '').replace(/ 0 \d+ (\d+) connected/, ' 0 T $1 connected')).sort().join('\n'));
        expect(info.cluster_current_epoch).to.equal((await cluster.clusterInfo(survivors[0].port)).cluster_current_epoch);
      }
      expect(views[1]).to.equal(views[0]);

      // Keys in the survivors' slots read back; the dead node's keys are misses now (its slots came back empty).
      const got = await Promise.all(keys.map((k) => client.get(k)));
      const deadKeys = keys.filter((k) => owners[keySlot(k)] === dead.port);
      expect(deadKeys.length).to.be.greaterThan(0);
      keys.forEach((k, i) => {
        if (owners[keySlot(k)] === dead.port) expect(got[i], k).to.equal(null);
        else expect(got[i], k).to.equal(value(k));
      });
    });
  });
});
