import { expect } from 'chai';
import { EMPTY_TOPOLOGY, plan } from '../../lib/cluster/planner';
import { DEFAULT_VNODES } from '../../lib/cluster/ring';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { parseRegistration, unsettledReason, type Registration, type Snapshot } from '../../lib/launcher/snapshot';
import { clusterState, formatStatus, statusRows } from '../../lib/launcher/status';

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
    expect(text).to.match(/cluster_state:fail .* nodes:4\n$/);
    expect(clusterState(s)).to.equal('fail'); // B's slots have no live primary
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
    expect(unsettledReason(allUp(), [7000, 7001, 7002])).to.equal('the coordinator has more slots to move');
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
