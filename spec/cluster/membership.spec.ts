// Fencing on the node's clock (membership.ts), with a manual clock and a stand-in registration: no etcd.
import { expect } from 'chai';
import type { EtcdSession } from '../../lib/cluster/etcd-session';
import { Membership, type MembershipViews } from '../../lib/cluster/membership';
import { AGREEMENT_MS, OutageQuorum, type QuorumMember } from '../../lib/cluster/outage-quorum';
import { validateTopology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { ManualClock } from '../../lib/util/clock';

const P = 'a'.repeat(40);
const R = 'b'.repeat(40);

function setup(opts: { replicas: boolean; required?: string[]; vouched?: () => boolean; ask?: (m: QuorumMember) => Promise<number | null> }) {
  const topology = validateTopology({
    version: 3,
    nodes: {
      [P]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 1 },
      ...(opts.replicas ? { [R]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sa', role: 'replica', epoch: 1 } } : {}),
    },
    shards: { sa: { primary: P, replicas: opts.replicas ? [R] : [], inSync: [] } },
    slots: [[0, 16383, 'sa']],
    migrating: [],
  });
  const clock = new ManualClock();
  const logged: string[] = [];
  const views: MembershipViews = {
    view: new ClusterView(topology, [P, R]),
    isPrimary: true,
    myShard: 'sa',
    live: new Map(),
    scheduleRebuild: () => undefined,
    nextView: async () => undefined,
  };
  const m = new Membership({
    myId: P,
    node: { clock, log: { notice: (s) => logged.push(s), warning: (s) => logged.push(s) } },
    session: { ttl: 2, stopped: false } as EtcdSession,
    views,
    announce: () => ({ ip: '127.0.0.1', port: 7001 }),
    gate: () => (opts.required === undefined ? null : { required: () => opts.required!, readsVouched: opts.vouched ?? (() => opts.required!.length > 0), onView: () => undefined, abandon: () => undefined }),
    poke: () => undefined,
  }, opts.ask ?? (async () => null));
  let validUntil = clock.now() + 2000;
  (m as unknown as { reg: unknown }).reg = { validUntil: () => validUntil };
  return { m, clock, logged, renew: () => (validUntil = clock.now() + 2000), views };
}

describe('cluster/membership fencing', () => {
  it('a primary with replicas refuses writes from 500 ms before its lease could end, until renewed', () => {
    const { m, clock, logged, renew } = setup({ replicas: true });
    expect(m.writesFenced()).to.equal(false);
    clock.advance(1500);
    expect(m.writesFenced()).to.equal(false);
    clock.advance(1);
    expect(m.writesFenced()).to.equal(true);
    expect(logged.pop()).to.match(/refusing writes/);
    renew();
    expect(m.writesFenced()).to.equal(false);
    expect(logged.pop()).to.match(/accepting writes again/);
  });

  it('no fence on a non-primary; neither missing replicas nor in-sync replicas cut off with it lift it (issue 10 item 2)', () => {
    // No replicas: its slots go to others once its lease ended (cluster-lost-slots reassign), or by
    // CLUSTER FORGET (keep).
    const alone = setup({ replicas: false });
    alone.clock.advance(10_000);
    expect(alone.m.writesFenced()).to.equal(true);
    expect(alone.m.readsFenced()).to.equal(true);
    // Its in-sync replicas may be cut off together with it (a whole shard cut from etcd): their
    // acknowledgements prove nothing about etcd, so the lease decides.
    const guarded = setup({ replicas: true, required: [R] });
    guarded.clock.advance(1000);
    expect(guarded.m.writesFenced()).to.equal(false);
    guarded.clock.advance(10_000);
    expect(guarded.m.writesFenced()).to.equal(true);
    const replica = setup({ replicas: true });
    (replica.views as { isPrimary: boolean }).isPrimary = false;
    replica.clock.advance(10_000);
    expect(replica.m.writesFenced()).to.equal(false);
  });

  it('no registration at all: fenced', () => {
    const { m } = setup({ replicas: true });
    (m as unknown as { reg: unknown }).reg = null;
    expect(m.writesFenced()).to.equal(true);
  });

  describe('reads (issue 10: a deposed or cut primary answers no read once its slots may be another node\'s)', () => {
    it('async mode or no replica in sync: reads stop with writes, 500 ms before the lease could end, until renewed', () => {
      for (const required of [undefined, []]) {
        const { m, clock, logged, renew } = setup({ replicas: true, required });
        expect(m.readsFenced()).to.equal(false);
        clock.advance(1500);
        expect(m.readsFenced()).to.equal(false);
        clock.advance(1);
        expect(m.readsFenced()).to.equal(true);
        expect(m.writesFenced()).to.equal(true);
        expect(logged.filter((l) => /refusing reads/.test(l))).to.have.length(1);
        clock.advance(60_000); // cut from etcd: its replica may have been promoted long ago
        expect(m.readsFenced()).to.equal(true);
        renew();
        expect(m.readsFenced()).to.equal(false);
        expect(logged.pop()).to.match(/Serving reads again/);
      }
    });

    it('in-sync replicas required: reads also follow their vouches while the lease holds', () => {
      let vouched = true;
      const { m, renew } = setup({ replicas: true, required: [R], vouched: () => vouched });
      expect(m.readsFenced()).to.equal(false);
      // The in-sync replica stopped vouching (promoted by CLUSTER FAILOVER or by the coordinator, or cut
      // off): reads stop even with a valid lease, since a planned failover does not wait for the lease.
      renew();
      vouched = false;
      expect(m.readsFenced()).to.equal(true);
      expect(m.writesFenced()).to.equal(false); // writes are held by the acks instead (ack-gate.ts)
      vouched = true;
      expect(m.readsFenced()).to.equal(false);
    });

    it('no read fence while the lease holds; no registration: fenced', () => {
      const { m } = setup({ replicas: true });
      expect(m.readsFenced()).to.equal(false);
      (m as unknown as { reg: unknown }).reg = null;
      expect(m.readsFenced()).to.equal(true);
    });

    it('a replica refuses READONLY reads once its own lease may end (cut from etcd with its primary)', () => {
      const replica = setup({ replicas: true });
      (replica.views as { isPrimary: boolean }).isPrimary = false;
      expect(replica.m.readsFenced()).to.equal(false);
      replica.clock.advance(1501);
      expect(replica.m.readsFenced()).to.equal(true);
      expect(replica.logged.pop()).to.match(/refusing READONLY reads/);
      replica.renew();
      expect(replica.m.readsFenced()).to.equal(false);
    });
  });

  describe('minority fencing: an etcd outage agreed by a majority (outage-quorum.ts)', () => {
    it('after its lease was in doubt, a node serves nothing until it has read the topology again', async () => {
      const { m, clock, renew } = setup({ replicas: true });
      const adopted: Array<[string, bigint]> = [];
      const host = (m as unknown as { host: Record<string, unknown> }).host;
      host.adopt = (text: string, rev: bigint) => adopted.push([text, rev]);
      host.session = { ttl: 2, stopped: false, topologyKey: 'T', etcd: { get: () => ({ exec: async () => ({ kvs: [{ value: Buffer.from('{"t":1}'), mod_revision: '7' }] }) }) } };
      // Cut off: the lease may end; then registered again: its watch may not have told it yet that it
      // was deposed.
      clock.advance(1600);
      expect(m.writesFenced()).to.equal(true);
      renew();
      clock.advance(1);
      expect(m.writesFenced()).to.equal(true);
      expect(m.readsFenced()).to.equal(true);
      await (m as unknown as { refreshView(): Promise<void> }).refreshView();
      expect(adopted).to.deep.equal([['{"t":1}', 7n]]);
      expect(m.writesFenced()).to.equal(false);
      expect(m.readsFenced()).to.equal(false);
    });

    it('a replica whose stream resumed after a silence serves no READONLY read until it has read the topology again', async () => {
      const { m, clock, views } = setup({ replicas: true });
      (views as { isPrimary: boolean }).isPrimary = false;
      const repl = { streamGapAt: 0 };
      const host = (m as unknown as { host: Record<string, unknown> }).host;
      host.node = { ...(host.node as object), repl };
      host.adopt = () => undefined;
      host.session = { ttl: 2, stopped: false, topologyKey: 'T', etcd: { get: () => ({ exec: async () => ({ kvs: [] }) }) } };
      expect(m.readsFenced()).to.equal(false);
      clock.advance(10);
      repl.streamGapAt = clock.now(); // old bytes held up by a partition may renew its read lease
      expect(m.readsFenced()).to.equal(true);
      clock.advance(5);
      await (m as unknown as { refreshView(): Promise<void> }).refreshView();
      expect(m.readsFenced()).to.equal(false);
    });

    it('a replica is fenced while its lease is in doubt even when an outage is agreed (its primary may have been replaced)', async () => {
      const { m, clock, views } = setup({ replicas: true, ask: async () => 10_000 });
      (views as { isPrimary: boolean }).isPrimary = false;
      clock.advance(10_000);
      expect(await m.quorum.round()).to.equal(true);
      expect(m.readsFenced()).to.equal(true);
    });

    it('INFO cluster_etcd_reachable: -1 before the first registration, 1 while renewed, 0 once troubled', () => {
      const { m, clock } = setup({ replicas: true });
      expect(m.etcdReachable()).to.equal(-1);
      (m as unknown as { registeredOnce: boolean }).registeredOnce = true;
      expect(m.etcdReachable()).to.equal(1);
      clock.advance(1001);
      expect(m.etcdReachable()).to.equal(0);
    });

    it('the lease is troubled after half its TTL without renewal (INFO cluster_etcd_reachable:0)', () => {
      const { m, clock, renew } = setup({ replicas: true });
      clock.advance(1000);
      expect(m.leaseTroubled()).to.equal(false);
      clock.advance(1);
      expect(m.leaseTroubled()).to.equal(true);
      renew();
      expect(m.leaseTroubled()).to.equal(false);
    });

    it('etcd down for every node: a round finds the majority, writes and reads go on while it is renewed', async () => {
      const asked: string[] = [];
      const { m, clock } = setup({ replicas: true, required: [R], ask: async (mm) => (asked.push(mm.id), 10_000) });
      clock.advance(10_000);
      expect(m.writesFenced()).to.equal(true);
      expect(await m.quorum.round()).to.equal(true);
      expect(asked).to.deep.equal([R]); // every other node of the topology, not itself
      expect(m.writesFenced()).to.equal(false);
      expect(m.readsFenced()).to.equal(false);
      clock.advance(AGREEMENT_MS); // no round since: the agreement lapses
      expect(m.writesFenced()).to.equal(true);
      expect(m.readsFenced()).to.equal(true);
    });

    it('down votes are renewals overdue; a renewal well after this node\'s last one vetoes (etcd reachable there)', async () => {
      const ids = ['1', '2', '3', '4', '5'].map((c) => c.repeat(40));
      // TTL 2 s: keepalives every 667 ms; overdue past 667 + SLACK_MS. This node last renewed 1,500 ms ago.
      const run = async (ages: Array<number | null>) => {
        const q = new OutageQuorum({
          myId: ids[0],
          clock: new ManualClock(),
          log: { notice: () => undefined, warning: () => undefined },
          members: () => ids.map((id, i) => ({ id, ip: '127.0.0.1', port: 7000 + i })),
          troubled: () => true,
          running: () => true,
          leaseAgeMs: () => 1500,
          renewMs: 2000 / 3,
          ask: async (mm) => ages[ids.indexOf(mm.id) - 1],
        });
        return q.round();
      };
      expect(await run([1000, 1200, null, null])).to.equal(true); // 3 of 5 overdue, the rest silent
      // etcd lost by everyone at once: the others renewed up to one keepalive period after this node.
      expect(await run([900, 1000, 1100, 1500])).to.equal(true);
      expect(await run([1000, 1200, 100, null])).to.equal(false); // one renewed 100 ms ago: veto
      expect(await run([1000, -1, 500, null])).to.equal(false); // 2 of 5 (-1: does not know; 500: not overdue)
    });

    it('a minority cannot agree: nodes that do not answer, or that reach etcd, count against it', async () => {
      for (const answer of [null, 0]) {
        const { m, clock } = setup({ replicas: true, ask: async () => answer });
        clock.advance(10_000);
        expect(await m.quorum.round()).to.equal(false);
        expect(m.writesFenced()).to.equal(true);
        expect(m.readsFenced()).to.equal(true);
      }
    });
  });
});
