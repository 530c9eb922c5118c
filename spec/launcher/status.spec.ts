import { expect } from 'chai';
import { EMPTY_TOPOLOGY, plan, setInSync } from '../../lib/cluster/planner';
import { DEFAULT_VNODES } from '../../lib/cluster/ring';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { parseRegistration, unsettledReason, type Registration, type Snapshot } from '../../lib/launcher/snapshot';
import { clusterState, formatStatus, slotsDown, statusRows } from '../../lib/launcher/status';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);

/** Three primaries at 7000..7002 owning 0-5460, 5461-10922, 10923-16383. */
function topology(over: Partial<Record<'slots' | 'migrating', unknown>> = {}): Topology {
  const node = (port: number, shard: string) => ({ addr: { ip: '127.0.0.1', port }, shard, role: 'primary', epoch: 1 });
  return validateTopology({
    version: 4,
    nodes: { [A]: node(7000, 'sa'), [B]: node(7001, 'sb'), [C]: node(7002, 'sc') },
    shards: { sa: { primary: A, replicas: [], inSync: [] }, sb: { primary: B, replicas: [], inSync: [] }, sc: { primary: C, replicas: [], inSync: [] } },
    slots: over.slots ?? [[0, 5460, 'sa'], [5461, 10922, 'sb'], [10923, 16383, 'sc']],
    migrating: over.migrating ?? [],
  });
}
const reg = (port: number, state: 'up' | 'leaving' = 'up'): Registration => ({ ip: '127.0.0.1', port, state, pid: 100 + port });
const snap = (t: Topology | null, regs: Array<[string, Registration]>): Snapshot => ({ topology: t, registrations: new Map(regs) });
const allUp = () => snap(topology(), [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]]);
const liveOf = (regs: Array<[string, Registration]>) => new Map(regs.map(([id, r]) => [id, { addr: { ip: r.ip, port: r.port }, state: r.state }] as const));

/** One shard `sa` owning every slot: primary A at 7000, replicas B (in sync) and C (not yet) at 7001, 7002. */
function replicated(): Topology {
  const node = (port: number, role: string) => ({ addr: { ip: '127.0.0.1', port }, shard: 'sa', role, epoch: 1 });
  return validateTopology({
    version: 6,
    nodes: { [A]: node(7000, 'primary'), [B]: node(7001, 'replica'), [C]: node(7002, 'replica') },
    shards: { sa: { primary: A, replicas: [B, C], inSync: [B] } },
    slots: [[0, 16383, 'sa']],
    migrating: [],
  });
}

describe('launcher status table', () => {
  it('lists each node with its address, role, slot count and health, and a summary line', () => {
    const text = formatStatus(allUp(), new Map([[A, 3], [B, 0], [C, 12]]));
    expect(text).to.equal(
      [
        `ID${' '.repeat(40)}ADDRESS         ROLE     SLOTS  KEYS  HEALTH`,
        `${A}  127.0.0.1:7000  primary  5461   3     ok`,
        `${B}  127.0.0.1:7001  primary  5462   0     ok`,
        `${C}  127.0.0.1:7002  primary  5461   12    ok`,
        'cluster_epoch:4 cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:3',
        '',
      ].join('\n'),
    );
  });

  it('shows fail for a node without a lease, leaving, joining, and - for unknown key counts', () => {
    const s = snap(topology(), [[A, reg(7000)], [C, reg(7002, 'leaving')], [D, reg(7003)]]);
    const rows = statusRows(s);
    expect(rows.map((r) => [r.port, r.role, r.health])).to.deep.equal([
      [7000, 'primary', 'ok'],
      [7001, 'primary', 'fail'],
      [7002, 'primary', 'leaving'],
      [7003, '-', 'joining'],
    ]);
    const text = formatStatus(s, new Map([[A, 1]]));
    expect(text.split('\n')[2]).to.match(/127\.0\.0\.1:7001 +primary +5462 +- +fail$/);
    // B's slots have no live primary: only they are down (as CLUSTER INFO: every slot still has an owner).
    expect(text).to.match(/cluster_state:ok slots_assigned:16384 slots_down:5462 .* nodes:4\n$/);
    expect(clusterState(s)).to.equal('ok');
    expect(slotsDown(s)).to.equal(5462);
  });

  it('shows a replica with its primary\'s address, syncing until it is in sync', () => {
    const s = snap(replicated(), [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]]);
    expect(statusRows(s).map((r) => [r.port, r.role, r.slots, r.health])).to.deep.equal([
      [7000, 'primary', 16384, 'ok'],
      [7001, 'replica(127.0.0.1:7000)', 0, 'ok'],
      [7002, 'replica(127.0.0.1:7000)', 0, 'syncing'],
    ]);
    const text = formatStatus(s, new Map([[A, 2], [B, 2], [C, 0]]));
    expect(text.split('\n')[0]).to.equal(`ID${' '.repeat(40)}ADDRESS         ROLE                     SLOTS  KEYS  HEALTH`);
    expect(text.split('\n')[3]).to.equal(`${C}  127.0.0.1:7002  replica(127.0.0.1:7000)  0      0     syncing`);
    expect(text).to.match(/cluster_state:ok slots_assigned:16384 slots_migrating:0 nodes:3\n$/);
    // A replica without a lease is fail, whether in sync or not.
    expect(statusRows(snap(replicated(), [[A, reg(7000)], [B, reg(7001)]]))[2].health).to.equal('fail');
  });

  it('reports an empty cluster before any topology exists', () => {
    expect(formatStatus(snap(null, []), new Map())).to.match(/^ID +ADDRESS +ROLE +SLOTS +KEYS +HEALTH\ncluster_epoch:0 cluster_state:fail slots_assigned:0 slots_migrating:0 nodes:0\n$/);
  });
});

describe('launcher settle check', () => {
  it('is settled when all slots are assigned as the ring says, nothing migrates and every node is up', () => {
    const regs: Array<[string, Registration]> = [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]];
    const live = new Map(regs.map(([id, r]) => [id, { addr: { ip: r.ip, port: r.port }, state: r.state }] as const));
    const t = plan(EMPTY_TOPOLOGY, live, DEFAULT_VNODES)!.topology;
    expect(unsettledReason(snap(t, regs), [7000, 7001, 7002])).to.equal(null);
    // Slots assigned, nothing migrating, but not as the ring says: the coordinator has more to do.
    expect(unsettledReason(allUp(), [7000, 7001, 7002])).to.equal('the coordinator has more to change (slots to move or nodes to place)');
  });

  it('with replicas, is settled only once every replica is in its shard\'s in-sync set', () => {
    const regs: Array<[string, Registration]> = [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]];
    const t = plan(EMPTY_TOPOLOGY, liveOf(regs), DEFAULT_VNODES, { replicas: 2 })!.topology;
    const sid = t.nodes[A].shard!;
    expect(Object.keys(t.shards)).to.deep.equal([sid]); // 3 nodes, 2 replicas: one shard
    expect(unsettledReason(snap(t, regs), [7000, 7001, 7002], 2)).to.equal('replica bbbbbbbb at 127.0.0.1:7001 not in sync yet');
    const half = setInSync(t, sid, [C])!;
    expect(unsettledReason(snap(half, regs), [7000], 2)).to.equal('replica bbbbbbbb at 127.0.0.1:7001 not in sync yet');
    const synced = setInSync(t, sid, [B, C])!;
    expect(unsettledReason(snap(synced, regs), [7000, 7001, 7002], 2)).to.equal(null);
    // A 4th node: the shard is full, so it opens a second shard; it counts only once it owns slots.
    const regs4: Array<[string, Registration]> = [...regs, [D, reg(7003)]];
    expect(unsettledReason(snap(synced, regs4), [7000], 2)).to.match(/^the coordinator has more to change/);
    const t4 = plan(synced, liveOf(regs4), DEFAULT_VNODES, { replicas: 2 })!.topology;
    expect(t4.nodes[D].role).to.equal('primary');
    expect(unsettledReason(snap(t4, regs4), [7003], 2)).to.equal('node on port 7003 owns no slots yet');
  });

  it('with replicas, a node joining a shard short of replicas becomes a replica, settled once in sync', () => {
    const regs: Array<[string, Registration]> = [[A, reg(7000)], [C, reg(7002)]];
    const t = replicated(); // B (7001) is gone: the coordinator drops it
    const t1 = plan(t, liveOf(regs), DEFAULT_VNODES, { replicas: 2 })!.topology;
    expect(t1.shards.sa.replicas).to.deep.equal([C]);
    const regs3: Array<[string, Registration]> = [...regs, [D, reg(7003)]];
    const t2 = plan(setInSync(t1, 'sa', [C])!, liveOf(regs3), DEFAULT_VNODES, { replicas: 2 })!.topology;
    expect(t2.nodes[D]).to.include({ role: 'replica', shard: 'sa' });
    expect(unsettledReason(snap(t2, regs3), [7003], 2)).to.equal('replica dddddddd at 127.0.0.1:7003 not in sync yet');
    expect(unsettledReason(snap(setInSync(t2, 'sa', [C, D])!, regs3), [7003], 2)).to.equal(null);
  });

  it('names what is still missing', () => {
    expect(unsettledReason(snap(null, []), [7000])).to.equal('no topology in etcd yet');
    expect(unsettledReason(allUp(), [7000, 7003])).to.equal('node on port 7003 not in the topology yet');
    expect(unsettledReason(snap(topology({ slots: [[0, 5460, 'sa'], [5461, 16383, 'sb']] }), [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]]), [7002])).to.equal('node on port 7002 owns no slots yet');
    expect(unsettledReason(snap(topology({ slots: [[0, 5460, 'sa'], [5461, 10922, 'sb'], [10923, 16000, 'sc']] }), [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]]), [])).to.equal('383 slots unassigned');
    expect(unsettledReason(snap(topology({ migrating: [{ slot: 1, from: 'sa', to: 'sb' }] }), [[A, reg(7000)], [B, reg(7001)], [C, reg(7002)]]), [])).to.equal('1 slots migrating');
    expect(unsettledReason(snap(topology(), [[A, reg(7000)], [C, reg(7002)]]), [])).to.match(/^node bbbbbbbb at 127\.0\.0\.1:7001 has no lease/);
    expect(unsettledReason(snap(topology(), [[A, reg(7000)], [B, reg(7001, 'leaving')], [C, reg(7002)]]), [])).to.match(/7001 is leaving$/);
  });

  it('decodes registrations of the contract format only', () => {
    expect(parseRegistration('{"addr":{"ip":"127.0.0.1","port":7001},"state":"leaving","pid":12}')).to.deep.equal({ ip: '127.0.0.1', port: 7001, state: 'leaving', pid: 12 });
    expect(parseRegistration('{"addr":{"ip":"127.0.0.1","port":7001},"state":"up"}')).to.deep.equal({ ip: '127.0.0.1', port: 7001, state: 'up', pid: null });
    expect(parseRegistration('{"addr":"127.0.0.1:7001"}')).to.equal(null);
    expect(parseRegistration('nope')).to.equal(null);
  });
});
