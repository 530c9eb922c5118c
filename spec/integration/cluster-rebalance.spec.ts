// Live rebalancing on a real cluster: a node joins (then one leaves by SHUTDOWN) while an ioredis Cluster
// client keeps writing and reading. No acknowledged write may be lost, a read never sees anything but the
// key's last acknowledged value (or a write still unconfirmed), and exactly the slots the ring gives to the
// new shard (takes from the leaving one) move.
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { assignSlots, DEFAULT_VNODES, movedSlots, ownerOf } from '../../lib/cluster/ring';
import { keySlot, SLOTS } from '../../lib/util/slots';
import type { Topology } from '../../lib/cluster/topology';
import { startCluster, type TestCluster } from '../helpers/cluster';

const KEYS = 1000;
const WORKERS = 8;

/** Slot -> owning shard id per the topology (null: unowned). */
function owners(t: Topology): Array<string | null> {
  const out = new Array<string | null>(SLOTS).fill(null);
  for (const [s, e, sid] of t.slots) out.fill(sid, s, e + 1);
  return out;
}

/** Slot -> shard id as the ring assigns it for these shards. */
function ringOwners(shards: string[]): Array<string | null> {
  const a = assignSlots(shards, DEFAULT_VNODES);
  return Array.from({ length: SLOTS }, (_, s) => ownerOf(a, s));
}

function changedSlots(before: Array<string | null>, after: Array<string | null>): Array<{ slot: number; from: string | null; to: string | null }> {
  const out = [];
  for (let s = 0; s < SLOTS; s++) if (before[s] !== after[s]) out.push({ slot: s, from: before[s], to: after[s] });
  return out;
}

function newClient(port: number): Cluster {
  const c = new Cluster([{ host: '127.0.0.1', port }], {
    maxRedirections: 64,
    retryDelayOnMoved: 0,
    retryDelayOnTryAgain: 20,
    retryDelayOnClusterDown: 100,
    retryDelayOnFailover: 100,
  });
  c.on('error', () => undefined);
  return c;
}

/**
 * WORKERS loops, each alone on its keys (k:i with i % WORKERS = worker): SET k:i `i:seq`, then GET k:i,
 * which must be that value. A SET that fails leaves its value "possible" (it may or may not have applied).
 */
class Load {
  readonly acked = new Map<string, string>();
  readonly possible = new Map<string, Set<string>>();
  readonly badReads: string[] = [];
  readonly errors: string[] = [];
  writes = 0;
  reads = 0;
  /** Acknowledged writes per slot (to see the load hit the moving slots). */
  readonly writesBySlot = new Int32Array(SLOTS);
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly client: Cluster) {}

  start(): void {
    this.loops = Array.from({ length: WORKERS }, (_, w) => this.loop(w));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** True when `v` is what key k may hold now: its last acknowledged value or a later unconfirmed write. */
  allowed(k: string, v: string | null): boolean {
    const a = this.acked.get(k);
    if (v === (a ?? null)) return true;
    return v !== null && (this.possible.get(k)?.has(v) ?? false);
  }

  private async loop(w: number): Promise<void> {
    for (let seq = 0; !this.stopping; seq++) {
      for (let i = w; i < KEYS && !this.stopping; i += WORKERS) {
        const k = `k:${i}`;
        const v = `${i}:${seq}`;
        try {
          if ((await this.client.set(k, v)) !== 'OK') throw new Error('SET did not answer OK');
          this.acked.set(k, v);
          this.possible.delete(k);
          this.writes++;
          this.writesBySlot[keySlot(k)]++;
        } catch (e) {
          if (!this.possible.has(k)) this.possible.set(k, new Set());
          this.possible.get(k)!.add(v);
          if (this.errors.length < 20) this.errors.push(`SET ${k}: ${(e as Error).message}`);
          continue;
        }
        try {
          const got = await this.client.get(k);
          this.reads++;
          if (!this.allowed(k, got) && this.badReads.length < 20) this.badReads.push(`GET ${k} = ${got}, acknowledged ${this.acked.get(k)}`);
        } catch (e) {
          if (this.errors.length < 20) this.errors.push(`GET ${k}: ${(e as Error).message}`);
        }
      }
    }
  }
}

describe('integration: cluster rebalance under load (ioredis Cluster)', function () {
  this.timeout(120000);
  let cluster: TestCluster;
  let client: Cluster;
  let load: Load;

  before(async () => {
    cluster = await startCluster({ nodes: 3 });
    client = newClient(cluster.seed);
    load = new Load(client);
  });
  after(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  /** Every key with an acknowledged write reads back (through a fresh client) as that write, or a later unconfirmed one. */
  async function checkReadBack(): Promise<void> {
    const reader = newClient(cluster.seed);
    try {
      const keys = [...load.acked.keys()];
      expect(keys.length).to.equal(KEYS);
      const got = await Promise.all(keys.map((k) => reader.get(k)));
      const lost = keys.filter((k, i) => !load.allowed(k, got[i])).map((k, i) => `${k}: got ${got[i]}, acknowledged ${load.acked.get(k)}`);
      expect(lost, `lost writes: ${lost.slice(0, 10).join('; ')}`).to.deep.equal([]);
    } finally {
      reader.disconnect();
    }
  }

  /** Every live node's CLUSTER SLOTS agrees with the etcd topology, slot by slot. */
  async function checkNodesAgree(t: Topology): Promise<void> {
    const want = owners(t).map((sid) => (sid === null ? 0 : t.nodes[t.shards[sid].primary].addr.port));
    for (const n of cluster.live()) {
      const got = await cluster.slotOwners(n.port);
      const diff = want.findIndex((p, s) => got[s] !== p);
      expect(diff, `node ${n.port}: slot ${diff} owner differs from the topology`).to.equal(-1);
    }
  }

  it('adding a node under load: no acknowledged write lost, and only the ring\'s slots for the new shard move to it', async () => {
    const t0 = await cluster.topology();
    const s0 = Object.keys(t0.shards);
    expect(s0).to.have.length(3);
    expect(changedSlots(ringOwners(s0), owners(t0)), 'a fresh cluster follows the ring').to.deep.equal([]);

    load.start();
    await cluster.waitUntil(() => load.writes >= 2000, 20000, 'the load to get going');
    const writesBefore = load.writes;
    const bySlotBefore = Int32Array.from(load.writesBySlot);
    const added = await cluster.addNode();
    await cluster.waitUntil(async () => (await cluster.clusterNodes(added.port)).split('\n').some((l) => l.startsWith(added.id) && /connected \d/.test(l)), 30000, 'the new node to own slots');
    await cluster.waitStable(30000);
    const writesDuring = load.writes - writesBefore;
    await load.stop();

    const t1 = await cluster.topology();
    const newShard = t1.nodes[added.id]?.shard;
    expect(newShard, 'the new node\'s shard').to.equal(added.id.slice(0, 12));
    const s1 = Object.keys(t1.shards);
    expect(s1.sort()).to.deep.equal([...s0, newShard!].sort());
    const expected = movedSlots(assignSlots(s0, DEFAULT_VNODES), assignSlots(s1, DEFAULT_VNODES));
    const actual = changedSlots(owners(t0), owners(t1));
    expect(actual.length).to.be.within(SLOTS / 8, SLOTS / 2);
    expect(actual.every((m) => m.to === newShard), 'every moved slot went to the new shard').to.equal(true);
    expect(actual).to.deep.equal(expected);
    await checkNodesAgree(t1);

    expect(load.badReads, 'reads that saw a wrong value').to.deep.equal([]);
    expect(writesDuring, 'writes acknowledged while the slots moved').to.be.greaterThan(0);
    const movedHit = actual.filter((m) => load.writesBySlot[m.slot] > bySlotBefore[m.slot]).length;
    expect(movedHit, 'moving slots written during the move').to.be.greaterThan(0);
    await checkReadBack();
    // Keys of moved slots now live on the new node.
    const onNew = Number(await cluster.command(added.port, 'DBSIZE'));
    const o1 = owners(t1);
    const movedKeys = [...load.acked.keys()].filter((k) => o1[keySlot(k)] === newShard).length;
    expect(onNew).to.equal(movedKeys);
    console.log(`      (${actual.length} slots moved; ${writesDuring} writes acknowledged meanwhile, ${movedHit} moved slots written; client errors: ${load.errors.join('; ') || 'none'})`);
  });

  it('removing a node (SHUTDOWN) under load: no acknowledged write lost, and only its slots move', async () => {
    await cluster.waitStable(30000);
    const t1 = await cluster.topology();
    const s1 = Object.keys(t1.shards);
    const gone = cluster.nodes[1];
    const goneShard = t1.nodes[gone.id].shard!;
    expect(s1).to.include(goneShard);

    load = new Load(client);
    load.start();
    await cluster.waitUntil(() => load.writes >= 2000, 20000, 'the load to get going');
    const writesBefore = load.writes;
    await cluster.shutdownNode(1);
    await cluster.waitStable(30000);
    const writesDuring = load.writes - writesBefore;
    await load.stop();

    const t2 = await cluster.topology();
    expect(t2.nodes[gone.id], 'the node left the topology').to.equal(undefined);
    const s2 = Object.keys(t2.shards);
    expect(s2.sort()).to.deep.equal(s1.filter((s) => s !== goneShard).sort());
    const expected = movedSlots(assignSlots(s1, DEFAULT_VNODES), assignSlots(s2, DEFAULT_VNODES));
    const actual = changedSlots(owners(t1), owners(t2));
    expect(actual.length).to.be.greaterThan(0);
    expect(actual.every((m) => m.from === goneShard), 'only the leaving shard\'s slots moved').to.equal(true);
    expect(actual).to.deep.equal(expected);
    await checkNodesAgree(t2);

    expect(load.badReads, 'reads that saw a wrong value').to.deep.equal([]);
    expect(writesDuring, 'writes acknowledged while the node left').to.be.greaterThan(0);
    await checkReadBack();
    console.log(`      (${actual.length} slots moved; ${writesDuring} writes acknowledged meanwhile; client errors: ${load.errors.join('; ') || 'none'})`);
  });
});
