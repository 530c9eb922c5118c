// ClusterAgent without etcd: its private view swap (rebuild/dropLostSlots), watch loop and leave(),
// driven by hand on a socket-less node. The agent's Etcd3 client is never called (it connects lazily);
// where the agent would call etcd, a stand-in answers. Review findings of issue 4.
import { expect } from 'chai';
import { EventEmitter } from 'events';
import { ClusterAgent } from '../../lib/cluster/agent';
import { keySlot } from '../../lib/cluster/slots';
import { parseTopology, serializeTopology, validateTopology, type Topology } from '../../lib/cluster/topology';
import { stringValue } from '../../lib/store/value';
import { UnitNode } from '../helpers/unit-node';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const S = keySlot('{t}k');

/** The agent's private parts a spec drives (agent.ts wires them: etcd-session, view-keeper, membership). */
interface Parts {
  started: boolean;
  session: { etcd: unknown; failed(what: string, e: unknown): void };
  keeper: { topology: Topology; live: Map<string, unknown>; rebuild(): void; watchLoop(): Promise<void> };
  membership: { reg: unknown; yieldStalePrimaryRole(): Promise<void> };
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
    replicas: 0,
  });
  n.node.cluster = agent;
  return { n, agent };
}

/** version v; shard sa (A) and sb (B); `slots` and `migrating` as given (A absent when withA is false). */
function topo(v: number, slots: Array<[number, number, string]>, migrating: Array<{ slot: number; from: string; to: string }> = [], withA = true): Topology {
  const nodes: Record<string, unknown> = { [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 1 } };
  const shards: Record<string, unknown> = { sb: { primary: B, replicas: [], inSync: [] } };
  if (withA) {
    nodes[A] = { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 2 };
    shards.sa = { primary: A, replicas: [], inSync: [] };
  }
  return validateTopology({ version: v, nodes, shards, slots, migrating });
}

function swap(agent: ClusterAgent, t: Topology): void {
  parts(agent).keeper.topology = t;
  parts(agent).keeper.rebuild();
}

describe('ClusterAgent (no etcd)', () => {
  it('a view that goes from owning a slot straight to importing it drops the stale keys held for it', () => {
    // A owned S, was removed (dead to the coordinator: e.g. cut off from etcd) and re-joined as the same
    // shard id `sa`; the watch delivered both topology versions at once, so the rebuild saw only
    // "sa owns S" -> "sa imports S from sb". What A still holds for S is older than sb's copy.
    const { n, agent } = newAgent();
    try {
      swap(agent, topo(5, [[0, 16383, 'sa']]));
      expect(agent.myShard).to.equal('sa');
      n.node.dbs[0].set('{t}k', stringValue('stale'));
      swap(agent, topo(8, [[0, 16383, 'sb']], [{ slot: S, from: 'sb', to: 'sa' }]));
      expect(agent.myShard).to.equal('sa');
      // sb has no {t}k (it got S empty and the key was deleted there since): an ASKING reader on A
      // would be served the stale value, and after the commit everyone would.
      expect(n.node.dbs[0].countKeysInSlot(S)).to.equal(0);
    } finally {
      void agent.stop();
    }
  });

  it('a watch that etcd cancels (e.g. its revision was compacted) is re-established', async () => {
    const { agent } = newAgent();
    let reads = 0;
    const watchers: EventEmitter[] = [];
    const chain = (exec: () => Promise<unknown>) => {
      const b: Record<string, unknown> = {};
      for (const m of ['prefix', 'startRevision']) b[m] = () => b;
      b.exec = exec;
      b.create = exec;
      return b;
    };
    parts(agent).session.etcd = {
      getAll: () => chain(async () => (reads++, { kvs: [], header: { revision: '10' } })),
      watch: () =>
        chain(async () => {
          const w = Object.assign(new EventEmitter(), { cancel: async () => undefined });
          watchers.push(w);
          return w;
        }),
      close: () => undefined,
    };
    await parts(agent).keeper.watchLoop();
    expect(reads).to.equal(1);
    // etcd3 emits 'error' on a watcher only when etcd cancelled it; it then never resumes it.
    watchers[0].emit('error', new Error('Watcher canceled: mvcc: required revision has been compacted'));
    for (let i = 0; i < 10 && watchers.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(reads, 'the topology is read again').to.equal(2);
    expect(watchers.length, 'a new watch is created').to.equal(2);
    await agent.stop();
  });

  it('leave() hands off even after an earlier, recovered etcd error (a coordinator election error)', async () => {
    const { agent } = newAgent();
    const puts: string[] = [];
    parts(agent).session.etcd = { close: () => undefined };
    parts(agent).started = true;
    parts(agent).membership.reg = {
      key: '/shardcache/spec/nodes/' + A,
      lease: { put: () => ({ value: (v: string) => ({ exec: async () => void puts.push(v) }) }) },
      revoke: async () => undefined,
    };
    swap(agent, topo(5, [[0, 16383, 'sa']]));
    // The campaign's lease was lost once (etcd3 'error' on the campaign) and re-campaigning worked;
    // the registration never broke, so nothing ever called etcdOk() again.
    parts(agent).session.failed('election', new Error('lease lost'));
    const leaving = agent.leave(5000);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(puts.length).to.equal(1);
    expect(JSON.parse(puts[0]).state).to.equal('leaving');
    // The coordinator moved the slots away and removed A.
    swap(agent, topo(7, [[0, 16383, 'sb']], [], false));
    expect(await leaving, 'hand-off completed').to.equal(true);
  });
  it('leave() before the agent started (SIGTERM during start-up) stops at once', async () => {
    const { agent } = newAgent();
    parts(agent).session.etcd = { close: () => undefined };
    const t0 = Date.now();
    expect(await agent.leave(5000)).to.equal(true);
    expect(Date.now() - t0).to.be.below(1000);
  });
  it('a restarted process still named primary of a shard with in-sync replicas withdraws and stays unavailable until replaced', async () => {
    const { n, agent } = newAgent();
    const R = 'c'.repeat(40);
    const withReplica = (v: number, primary: string) =>
      serializeTopology(
        validateTopology({
          version: v,
          nodes: {
            [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: primary === A ? 'primary' : 'replica', epoch: 1 },
            [R]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: primary === R ? 'primary' : 'replica', epoch: v },
          },
          shards: { sa: { primary, replicas: [primary === A ? R : A], inSync: primary === A ? [R] : [] } },
          slots: [[0, 16383, 'sa']],
          migrating: [],
        }),
      );
    const deleted: string[] = [];
    parts(agent).session.etcd = {
      get: () => ({ exec: async () => ({ kvs: [{ value: Buffer.from(withReplica(5, A)) }] }) }),
      delete: () => ({ key: (k: string) => ({ exec: async () => void deleted.push(k) }) }),
      close: () => undefined,
    };
    parts(agent).keeper.live.set(R, { addr: { ip: '127.0.0.1', port: 7003 }, state: 'up' });
    swap(agent, parseTopology(withReplica(5, A)));
    const waiting = parts(agent).membership.yieldStalePrimaryRole();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(deleted).to.deep.equal(['/shardcache/spec/nodes/' + A]);
    expect(agent.unavailable).to.equal(true);
    expect(agent.isPrimary).to.equal(false);
    expect((n.run('SET', 'k', 'v') as Error).message).to.equal('CLUSTERDOWN The cluster is down');
    expect((n.run('PSYNC', '?', '-1') as Error).message).to.equal('ERR stale primary');
    // The coordinator promoted R: this process may now register (and will join as a replica).
    swap(agent, parseTopology(withReplica(6, R)));
    await waiting;
    expect(agent.unavailable).to.equal(false);
    n.node.repl.unfollow(); // it now follows R (nothing listens there in this spec)
  });
});
