// The replication role a node takes from the topology (view-keeper.ts applyRole), and which shard the
// migrator acts for, driven by hand-built topologies on a socket-less node (as agent.spec.ts). Issue 10
// item 6: a replica dropped from the topology unfollowed and kept its replica role; made primary of a
// new shard later, it never became primary, so migrations into it failed forever with READONLY and its
// own replicas got NOMASTERLINK.
import { expect } from 'chai';
import { ClusterAgent } from '../../lib/cluster/agent';
import type { MigratorLike } from '../../lib/cluster/host';
import type { ClusterView } from '../../lib/cluster/view';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { keySlot } from '../../lib/util/slots';
import { stringValue } from '../../lib/store/value';
import { UnitNode } from '../helpers/unit-node';

const A = 'a'.repeat(40); // the node under test
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const KEY = '{t}k';
const S = keySlot(KEY);
/** Port 1 on loopback: nothing listens there, so a replica link to it just keeps reconnecting. */
const DEAD = { ip: '127.0.0.1', port: 1 };

interface Parts {
  keeper: { topology: Topology; live: Map<string, unknown>; rebuild(): void };
  membership: { reg: unknown };
}
const parts = (a: ClusterAgent) => a as unknown as Parts;

function newAgent(): { n: UnitNode; agent: ClusterAgent } {
  const n = new UnitNode();
  n.node.log.level = 'nothing';
  n.node.dbs[0].enableSlotIndex();
  const agent = new ClusterAgent(n.node, {
    myId: A,
    endpoints: ['http://127.0.0.1:1'],
    clusterName: 'spec',
    announce: { ip: '127.0.0.1', port: 7001 },
    nodeTimeoutMs: 2000,
    vnodes: 16,
    replicas: 2,
  });
  n.node.cluster = agent;
  // A registration whose lease never ends: no fencing (membership.ts writesFenced) in these specs.
  parts(agent).membership.reg = { validUntil: () => Number.MAX_SAFE_INTEGER, revoke: async () => undefined, onLost: () => undefined };
  return { n, agent };
}

function swap(agent: ClusterAgent, t: Topology): void {
  const k = parts(agent).keeper;
  k.topology = t;
  for (const id of Object.keys(t.nodes)) k.live.set(id, {});
  k.rebuild();
}

/** Shard sb: primary B (at DEAD), A its in-sync replica; sb owns every slot. */
function aReplicaOfB(v: number): Topology {
  return validateTopology({
    version: v,
    nodes: {
      [B]: { addr: DEAD, shard: 'sb', role: 'primary', epoch: 1 },
      [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sb', role: 'replica', epoch: 1 },
    },
    shards: { sb: { primary: B, replicas: [A], inSync: [A] } },
    slots: [[0, 16383, 'sb']],
    migrating: [],
  });
}

/** A gone from the topology (e.g. its lease ran out while it was cut off); B alone in sb. */
function aDropped(v: number): Topology {
  return validateTopology({
    version: v,
    nodes: { [B]: { addr: DEAD, shard: 'sb', role: 'primary', epoch: 1 } },
    shards: { sb: { primary: B, replicas: [], inSync: [] } },
    slots: [[0, 16383, 'sb']],
    migrating: [],
  });
}

/** A primary of a new shard sa owning S (and C its replica); B keeps the rest. */
function aPrimaryOfNewShard(v: number): Topology {
  const slots: Array<[number, number, string]> = [];
  if (S > 0) slots.push([0, S - 1, 'sb']);
  slots.push([S, S, 'sa']);
  if (S < 16383) slots.push([S + 1, 16383, 'sb']);
  return validateTopology({
    version: v,
    nodes: {
      [B]: { addr: DEAD, shard: 'sb', role: 'primary', epoch: 1 },
      [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 3 },
      [C]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: 'replica', epoch: 3 },
    },
    shards: { sa: { primary: A, replicas: [C], inSync: [] }, sb: { primary: B, replicas: [], inSync: [] } },
    slots,
    migrating: [],
  });
}

describe('Cluster role from the topology (view keeper)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const f of cleanups.splice(0)) f();
  });
  function setup(): { n: UnitNode; agent: ClusterAgent } {
    const r = newAgent();
    cleanups.push(() => {
      r.n.node.repl.close();
      void r.agent.stop();
    });
    return r;
  }

  it('a replica dropped from the topology and later made primary of a new shard becomes primary', () => {
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    expect(n.node.repl.role).to.equal('replica');
    swap(agent, aDropped(6));
    expect(agent.myShard).to.equal(null);
    swap(agent, aPrimaryOfNewShard(9));
    expect(agent.isPrimary).to.equal(true);
    expect(n.node.repl.role).to.equal('master');
    expect(n.node.repl.masterLink).to.equal(null);
    expect((n.run('ROLE') as unknown[])[0]).to.equal('master');
    // Writable: a migration's RESTORE-ASKING or a client's SET is not refused with READONLY.
    expect(n.run('SET', KEY, 'v')).to.equal('OK');
  });

  it('a replica made primary of another shard in one step (versions coalesced) becomes primary too', () => {
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    swap(agent, aPrimaryOfNewShard(9));
    expect(n.node.repl.role).to.equal('master');
    expect(n.run('SET', KEY, 'v')).to.equal('OK');
  });

  it('a primary of a new shard starts a history of its own: its replicas cannot continue the old shard\'s stream', () => {
    // A held sb's replication id as a replica; its new replicas in sa (possibly former replicas of sb
    // too) must copy sa's dataset, not continue sb's stream from their old offsets.
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    const old = n.node.repl.replid;
    swap(agent, aDropped(6));
    swap(agent, aPrimaryOfNewShard(9));
    expect(n.node.repl.replid).to.not.equal(old);
    expect(n.node.repl.replid2).to.not.equal(old);
  });

  it('a replica dropped from the topology forgets its stream with the keys it drops: rejoining, it cannot PSYNC on', () => {
    // Issue 10, a whole shard cut from etcd: the replicas, removed while cut off, dropped their keys on
    // the heal but kept replid and offset; re-added to the same shard they continued with a partial
    // resync over an empty dataset, one was promoted, and the shard's data was lost.
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    n.node.dbs[0].set(KEY, stringValue('v')); // as if applied from B's stream
    n.node.repl.appendApplied(Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1'));
    const old = n.node.repl.replid;
    expect(n.node.repl.offset).to.be.greaterThan(0);
    swap(agent, aDropped(6));
    expect(n.node.dbs[0].exists(KEY)).to.equal(false);
    expect(n.node.repl.replid).to.not.equal(old);
    expect(n.node.repl.replid2).to.not.equal(old);
    expect(n.node.repl.offset).to.equal(0);
    expect(n.node.repl.hasWholeDataset()).to.equal(false);
  });

  it('a replica keeps its stream when only slots migrated away are dropped (it stays in its shard)', () => {
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    n.node.repl.appendApplied(Buffer.from('*1\r\n$4\r\nPING\r\n', 'latin1'));
    const old = n.node.repl.replid;
    const offset = n.node.repl.offset;
    n.node.dbs[0].set(KEY, stringValue('v'));
    // S moved to a new shard sc (primary C); A stays B's replica and drops S's keys, as B does.
    const slots: Array<[number, number, string]> = [];
    if (S > 0) slots.push([0, S - 1, 'sb']);
    slots.push([S, S, 'sc']);
    if (S < 16383) slots.push([S + 1, 16383, 'sb']);
    const t = aReplicaOfB(6);
    swap(
      agent,
      validateTopology({
        ...t,
        nodes: { ...t.nodes, [C]: { addr: DEAD, shard: 'sc', role: 'primary', epoch: 6 } },
        shards: { ...t.shards, sc: { primary: C, replicas: [], inSync: [] } },
        slots,
      }),
    );
    expect(n.node.dbs[0].exists(KEY)).to.equal(false);
    expect(n.node.repl.replid).to.equal(old);
    expect(n.node.repl.offset).to.equal(offset);
  });

  it('a replica promoted in its own shard keeps the old history as its second one (its replicas PSYNC on)', () => {
    const { n, agent } = setup();
    swap(agent, aReplicaOfB(5));
    const old = n.node.repl.replid;
    swap(
      agent,
      validateTopology({
        version: 6,
        nodes: {
          [B]: { addr: DEAD, shard: 'sb', role: 'replica', epoch: 2 },
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sb', role: 'primary', epoch: 2 },
        },
        shards: { sb: { primary: A, replicas: [B], inSync: [] } },
        slots: [[0, 16383, 'sb']],
        migrating: [],
      }),
    );
    expect(n.node.repl.role).to.equal('master');
    expect(n.node.repl.replid2).to.equal(old);
  });

  it('cluster_state stays ok while a primary is not live (only its slots go down), fails with a slot unowned', () => {
    const { n, agent } = setup();
    const t = aPrimaryOfNewShard(9);
    const k = parts(agent).keeper;
    k.topology = t;
    k.live.set(C, {}); // B's lease ran out: not live
    k.rebuild();
    expect(agent.stateOk).to.equal(true);
    expect((n.run('INFO', 'cluster') as string).includes('cluster_state:ok')).to.equal(true);
    expect(n.run('SET', KEY, 'v')).to.equal('OK');
    expect((n.run('GET', 'foo') as Error).message).to.equal('CLUSTERDOWN Hash slot not served');
    k.topology = validateTopology({ ...t, slots: t.slots.filter(([, , sid]) => sid === 'sa') });
    k.rebuild();
    expect(agent.stateOk).to.equal(false);
    expect((n.run('SET', KEY, 'v') as Error).message).to.equal('CLUSTERDOWN The cluster is down');
  });

  it('the migrator acts only for a primary\'s shard: a replica of a shard migrating slots out runs nothing', () => {
    const { agent } = setup();
    const seen: Array<string | null> = [];
    const fake: MigratorLike = {
      update: (_v: ClusterView, shard: string | null) => void seen.push(shard),
      inFlight: () => false,
      noteWrite: () => undefined,
      stop: async () => undefined,
      stats: { keysMoved: 0, slotsCommitted: 0 },
    };
    agent.migrator = fake;
    const t = aReplicaOfB(5);
    swap(
      agent,
      validateTopology({
        ...t,
        nodes: { ...t.nodes, [C]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sc', role: 'primary', epoch: 2 } },
        shards: { ...t.shards, sc: { primary: C, replicas: [], inSync: [] } },
        migrating: [{ slot: S, from: 'sb', to: 'sc' }],
      }),
    );
    expect(agent.myShard).to.equal('sb');
    expect(seen).to.deep.equal([null]);
    // Made primary of that shard, it takes the migration over.
    swap(agent, aPrimaryOfNewShard(9));
    expect(seen[seen.length - 1]).to.equal('sa');
  });
  it('a primary replaced while cut off refuses PSYNC from the replicas still following it from an older epoch', () => {
    // Issue 10, a whole shard cut from etcd (CI): A, primary of sb, was replaced by its in-sync replica B
    // while cut; on the heal A dropped its keys and forgot its stream, B reconnected to it before seeing
    // the new epoch, got a full resync of nothing, and was then promoted: the shard's data was gone.
    const { n, agent } = setup();
    const aLeads = (v: number) =>
      validateTopology({
        version: v,
        nodes: {
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sb', role: 'primary', epoch: 1 },
          [B]: { addr: DEAD, shard: 'sb', role: 'replica', epoch: 1 },
          [C]: { addr: DEAD, shard: 'sc', role: 'primary', epoch: 1 },
        },
        shards: { sb: { primary: A, replicas: [B], inSync: [B] }, sc: { primary: C, replicas: [], inSync: [] } },
        slots: [[0, 8191, 'sb'], [8192, 16383, 'sc']],
        migrating: [],
      });
    swap(agent, aLeads(5));
    expect(agent.refusesReplica(B)).to.equal(false);
    expect(agent.refusesReplica(C)).to.equal(true); // another shard's primary
    expect(agent.refusesReplica('d'.repeat(40))).to.equal(true); // not in the topology
    const psyncFrom = (id: string, epoch: number): unknown => {
      const c = n.newClient();
      expect(n.runAs(c, 'REPLCONF', 'node-id', id)).to.equal('OK');
      expect(n.runAs(c, 'REPLCONF', 'epoch', String(epoch))).to.equal('OK');
      return n.runAs(c, 'PSYNC', '?', '-1');
    };
    expect((psyncFrom(C, 5) as Error).message).to.equal('ERR not a primary of this replica in my topology');
    // Epoch 6: B promoted in sb, A gone from the topology. B, still at epoch 5, asks A for a sync.
    swap(
      agent,
      validateTopology({
        version: 6,
        nodes: {
          [B]: { addr: DEAD, shard: 'sb', role: 'primary', epoch: 1 },
          [C]: { addr: DEAD, shard: 'sc', role: 'primary', epoch: 1 },
        },
        shards: { sb: { primary: B, replicas: [], inSync: [] }, sc: { primary: C, replicas: [], inSync: [] } },
        slots: [[0, 8191, 'sb'], [8192, 16383, 'sc']],
        migrating: [],
      }),
    );
    expect(agent.refusesReplica(B)).to.equal(true);
    expect((psyncFrom(B, 5) as Error).message).to.equal('ERR not a primary of this replica in my topology');
    expect(n.node.repl.replicas().length).to.equal(0);
  });
});
