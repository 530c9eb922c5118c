// cluster-lost-slots keep (the default, issue 10 item 1) on a real 2-node cluster without replicas (node
// timeout 2000 ms) and a real etcd: a primary frozen with SIGSTOP (no connection refused, so only its
// lease can tell; it still holds its keys) keeps its slots: they answer CLUSTERDOWN on the other node
// while cluster_state stays ok, nothing is reassigned, and once SIGCONT lets it register again it serves
// the keys it held. Frozen again, CLUSTER FORGET on the other node gives its slots away, empty.
import { expect } from 'chai';
import { keySlot, SLOTS } from '../../lib/util/slots';
import { parseInfo, startCluster, type ClusterNode, type TestCluster } from '../helpers/cluster';

const NODE_TIMEOUT_MS = 2000;
const KEYS = 50;

describe('integration: a lost shard keeps its slots (cluster-lost-slots keep) until it returns or CLUSTER FORGET', function () {
  this.timeout(90000);
  let cluster: TestCluster;
  let victim: ClusterNode;
  let other: ClusterNode;
  let victimShard: string;
  let victimSlots: number;
  const keys: string[] = [];

  before(async () => {
    cluster = await startCluster({ nodes: 2, nodeTimeoutMs: NODE_TIMEOUT_MS });
    await cluster.waitStable(30000);
    const infos = await Promise.all(cluster.nodes.map(async (n) => parseInfo(String(await cluster.command(n.port, 'INFO', 'cluster')))));
    const vi = infos.findIndex((i) => i.cluster_coordinator !== '1');
    victim = cluster.nodes[vi];
    other = cluster.nodes[1 - vi];
    const t = await cluster.topology();
    victimShard = t.nodes[victim.id].shard!;
    victimSlots = t.slots.filter(([, , s]) => s === victimShard).reduce((n, [a, b]) => n + b - a + 1, 0);
    expect(victimSlots).to.be.greaterThan(0);
    const owners = await cluster.slotOwners(other.port);
    for (let i = 0; keys.length < KEYS; i++) if (owners[keySlot(`lost:${i}`)] === victim.port) keys.push(`lost:${i}`);
    for (const k of keys) expect(await cluster.command(victim.port, 'SET', k, `v-${k}`)).to.equal('OK');
  });
  after(async () => {
    for (const n of cluster?.nodes ?? []) if (n.alive()) n.proc.kill('SIGCONT');
    await cluster?.stop();
  });

  /** Freezes the victim and resolves once the other node's view shows it failed (its lease ended). */
  async function freezeVictim(): Promise<void> {
    victim.proc.kill('SIGSTOP');
    await cluster.waitUntil(
      async () => (await cluster.clusterNodes(other.port)).split('\n').some((l) => l.startsWith(victim.id) && l.includes(',fail')),
      NODE_TIMEOUT_MS * 4,
      'the frozen node shown as fail',
    );
  }

  it('frozen past its lease: its slots stay with its shard in etcd and answer CLUSTERDOWN; the rest is ok', async () => {
    const before = await cluster.topology();
    await freezeVictim();
    // Past the coordinator's grace period too (a quarter of the node timeout, at least 500 ms), with slack.
    await new Promise((r) => setTimeout(r, NODE_TIMEOUT_MS));
    const t = await cluster.topology();
    expect(t.shards[victimShard]?.primary, 'the shard is kept').to.equal(victim.id);
    expect(t.nodes[victim.id]?.role).to.equal('primary');
    expect(t.slots, 'no slot moved').to.deep.equal(before.slots);
    expect(t.migrating).to.deep.equal([]);
    const r = await cluster.command(other.port, 'GET', keys[0]);
    expect(r).to.be.instanceOf(Error);
    expect((r as Error).message).to.equal('CLUSTERDOWN Hash slot not served');
    const ci = await cluster.clusterInfo(other.port);
    expect(ci.cluster_state).to.equal('ok');
    expect(Number(ci.cluster_slots_pfail)).to.equal(victimSlots);
    expect(Number(ci.cluster_slots_ok)).to.equal(SLOTS - victimSlots);
    // Its own slots still serve on the other node.
    const own = (await cluster.slotOwners(other.port)).findIndex((p) => p === other.port);
    expect(own).to.be.at.least(0);
    expect(await cluster.command(other.port, 'CLUSTER', 'COUNTKEYSINSLOT', own)).to.be.a('number');
  });

  it('continued (SIGCONT): it registers again as the same primary and serves every key it held', async () => {
    const before = await cluster.topology();
    victim.proc.kill('SIGCONT');
    await cluster.waitUntil(async () => (await cluster.command(victim.port, 'GET', keys[0])) === `v-${keys[0]}`, NODE_TIMEOUT_MS * 5, 'the continued node serving its keys');
    for (const k of keys) expect(await cluster.command(victim.port, 'GET', k), k).to.equal(`v-${k}`);
    await cluster.waitUntil(async () => (await cluster.clusterInfo(other.port)).cluster_slots_ok === String(SLOTS), NODE_TIMEOUT_MS * 5, 'all slots ok again');
    const moved = await cluster.command(other.port, 'GET', keys[0]);
    expect((moved as Error).message).to.equal(`MOVED ${keySlot(keys[0])} 127.0.0.1:${victim.port}`);
    const t = await cluster.topology();
    expect(t.shards[victimShard].primary).to.equal(victim.id);
    expect(t.slots).to.deep.equal(before.slots);
  });

  it('CLUSTER FORGET refuses a registered node; frozen again, it gives the slots to the live node, empty', async () => {
    const refused = await cluster.command(other.port, 'CLUSTER', 'FORGET', victim.id);
    expect((refused as Error).message).to.match(/^ERR Node [0-9a-f]{40} is registered/);
    expect(((await cluster.command(other.port, 'CLUSTER', 'FORGET', 'f'.repeat(40))) as Error).message).to.equal(`ERR Unknown node ${'f'.repeat(40)}`);
    await freezeVictim();
    expect(await cluster.command(other.port, 'CLUSTER', 'FORGET', victim.id)).to.equal('OK');
    await cluster.waitUntil(async () => (await cluster.slotOwners(other.port)).every((p) => p === other.port), NODE_TIMEOUT_MS * 5, 'every slot owned by the live node');
    const t = await cluster.topology();
    expect(t.nodes).to.not.have.property(victim.id);
    expect(t.shards).to.not.have.property(victimShard);
    expect(await cluster.command(other.port, 'GET', keys[0]), 'reassigned empty').to.equal(null);
    expect((await cluster.clusterInfo(other.port)).cluster_state).to.equal('ok');
  });
});
