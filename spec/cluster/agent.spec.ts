// ClusterAgent without etcd: its private view swap (rebuild/dropLostSlots), watch loop and leave(),
// driven by hand on a socket-less node. The agent's Etcd3 client is never called (it connects lazily);
// where the agent would call etcd, a stand-in answers. Review findings of issue 4.
import { expect } from 'chai';
import { EventEmitter } from 'events';
import { ClusterAgent } from '../../lib/cluster/agent';
import { keySlot } from '../../lib/util/slots';
import { parseTopology, serializeTopology, validateTopology, type Topology } from '../../lib/cluster/topology';
import { stringValue } from '../../lib/store/value';
import { UnitNode } from '../helpers/unit-node';
import { decodeResp2 } from '../helpers/resp';

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

const R = 'c'.repeat(40);

/** Version v, one shard sa of A and R with `primary` its primary; the other in sync or not; serialized. */
function pairTopology(v: number, primary: string, inSync: boolean): string {
  const other = primary === A ? R : A;
  return serializeTopology(
    validateTopology({
      version: v,
      nodes: {
        [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: primary === A ? 'primary' : 'replica', epoch: 1 },
        [R]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: primary === R ? 'primary' : 'replica', epoch: v },
      },
      shards: { sa: { primary, replicas: [other], inSync: inSync && primary === A ? [other] : [] } },
      slots: [[0, 16383, 'sa']],
      migrating: [],
    }),
  );
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

  it('a node that is in another shard after a coalesced rebuild keeps none of what it held, even where its new shard got the same slots', () => {
    // A was a replica of sb (lagging: sb had no in-sync replica); sb was removed (reassign, or CLUSTER
    // FORGET) and A joined as the primary of a new shard sa that got sb's slots directly, EMPTY. The watch
    // (or a topology read after a partition) delivered both versions at once.
    const { n, agent } = newAgent();
    try {
      const asReplica = validateTopology({
        version: 5,
        nodes: {
          [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 1 },
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sb', role: 'replica', epoch: 1 },
        },
        shards: { sb: { primary: B, replicas: [A], inSync: [] } },
        slots: [[0, 16383, 'sb']],
        migrating: [],
      });
      swap(agent, asReplica);
      expect(agent.myShard).to.equal('sb');
      n.node.dbs[0].set('{t}k', stringValue('lagging'));
      const alone = validateTopology({
        version: 8,
        nodes: { [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 8 } },
        shards: { sa: { primary: A, replicas: [], inSync: [] } },
        slots: [[0, 16383, 'sa']],
        migrating: [],
      });
      swap(agent, alone);
      expect(agent.myShard).to.equal('sa');
      expect(n.node.dbs[0].countKeysInSlot(S)).to.equal(0);
    } finally {
      n.node.repl.unfollow();
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
    const withReplica = (v: number, primary: string) => pairTopology(v, primary, true);
    const deleted: string[] = [];
    parts(agent).session.etcd = {
      get: () => ({ exec: async () => ({ kvs: [{ value: Buffer.from(withReplica(5, A)) }] }) }),
      put: () => ({ value: () => ({ exec: async () => undefined }) }),
      delete: () => ({ key: (k: string) => ({ exec: async () => void deleted.push(k) }) }),
      close: () => undefined,
    };
    parts(agent).keeper.live.set(R, { addr: { ip: '127.0.0.1', port: 7003 }, state: 'up' });
    swap(agent, parseTopology(withReplica(5, A)));
    const waiting = parts(agent).membership.yieldStalePrimaryRole();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(deleted).to.deep.equal(['/shardcache/spec/nodes/' + A]);
    expect(agent.unavailable).to.equal(true);
    expect(agent.isPrimary).to.equal(false);
    expect((n.run('SET', 'k', 'v') as Error).message).to.equal('CLUSTERDOWN The cluster is down');
    expect((n.run('PSYNC', '?', '-1') as Error).message).to.equal('ERR stale primary');
    // The coordinator promoted R: this process may now register (and will join as a replica).
    swap(agent, parseTopology(withReplica(6, R)));
    await waiting;
    expect(agent.unavailable).to.equal(false);
    expect(deleted).to.deep.equal(['/shardcache/spec/nodes/' + A, '/shardcache/spec/withdrawn/' + A]);
    n.node.repl.unfollow(); // it now follows R (nothing listens there in this spec)
  });

  it('a restarted primary whose replicas are all out of sync marks its old process gone (P/withdrawn), so that one of them is promoted', async () => {
    const { agent } = newAgent();
    const outOfSync = (v: number, primary: string) => pairTopology(v, primary, false);
    const log: string[] = [];
    parts(agent).session.etcd = {
      get: () => ({ exec: async () => ({ kvs: [{ value: Buffer.from(outOfSync(5, A)) }] }) }),
      put: (k: string) => ({ value: () => ({ exec: async () => void log.push('put ' + k) }) }),
      delete: () => ({ key: (k: string) => ({ exec: async () => void log.push('delete ' + k) }) }),
      close: () => undefined,
    };
    parts(agent).keeper.live.set(R, { addr: { ip: '127.0.0.1', port: 7003 }, state: 'up' });
    swap(agent, parseTopology(outOfSync(5, A)));
    const waiting = parts(agent).membership.yieldStalePrimaryRole();
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    expect(log).to.deep.equal(['put /shardcache/spec/withdrawn/' + A, 'delete /shardcache/spec/nodes/' + A]);
    expect(agent.unavailable).to.equal(true);
    // The coordinator promoted R (not in sync: the most of the data there is): the marker goes.
    swap(agent, parseTopology(outOfSync(6, R)));
    await waiting;
    expect(agent.unavailable).to.equal(false);
    expect(log[2]).to.equal('delete /shardcache/spec/withdrawn/' + A);
    agent.node.repl.unfollow();
  });

  describe('CLUSTER FORGET (cluster-lost-slots keep, issue 10)', () => {
    const C = 'c'.repeat(40);
    const NODES = '/shardcache/spec/nodes/';
    /** sa: A (this node); sb: B, down, with replica C (in sync when `cInSync`); B owns 10000..16383. */
    const lost = (v: number, cInSync = false): Topology =>
      validateTopology({
        version: v,
        nodes: {
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 2 },
          [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 3 },
          [C]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sb', role: 'replica', epoch: 3 },
        },
        shards: { sa: { primary: A, replicas: [], inSync: [] }, sb: { primary: B, replicas: [C], inSync: cInSync ? [C] : [] } },
        slots: [[0, 9999, 'sa'], [10000, 16383, 'sb']],
        migrating: [{ slot: 10, from: 'sa', to: 'sb' }],
      });

    /** An agent whose etcd holds `topology` (its text at mod revision `rev`) and registrations `registered`. */
    function forgetAgent(topology: Topology, registered: string[]) {
      const { n, agent } = newAgent();
      const etcd = { topology: serializeTopology(topology), rev: 7, registered: [...registered], txns: [] as Array<{ cmp: unknown[]; put?: string }>, conflicts: 0 };
      parts(agent).session.etcd = {
        get: () => ({ exec: async () => ({ kvs: [{ value: Buffer.from(etcd.topology), mod_revision: String(etcd.rev) }] }) }),
        getAll: () => ({ prefix: () => ({ keys: async () => etcd.registered.map((id) => NODES + id) }) }),
        put: (key: string) => ({ value: (v: string) => ({ key, v }) }),
        if: (...first: unknown[]) => {
          const txn = { cmp: [first] as unknown[], put: undefined as string | undefined };
          const b = {
            and: (...c: unknown[]) => (txn.cmp.push(c), b),
            then: (op: { v: string }) => ((txn.put = op.v), b),
            commit: async () => {
              etcd.txns.push(txn);
              if (etcd.conflicts > 0) {
                etcd.conflicts--;
                etcd.registered.push(B); // B registered again meanwhile
                return { succeeded: false, header: { revision: '8' } };
              }
              etcd.topology = txn.put!;
              etcd.rev++;
              return { succeeded: true, header: { revision: String(etcd.rev) } };
            },
          };
          return b;
        },
        close: () => undefined,
      };
      const warnings: string[] = [];
      n.node.log.warning = (m: string) => void warnings.push(m);
      swap(agent, topology);
      /** Sends CLUSTER FORGET id and resolves its decoded reply (it answers after the transaction). */
      const forget = async (id: string): Promise<unknown> => {
        const c = n.client;
        n.node.execute(c, ['CLUSTER', 'FORGET', id]);
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        const out = c.out.take();
        const text = typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
        const replies = decodeResp2(text);
        expect(replies, `one reply to CLUSTER FORGET ${id}`).to.have.length(1);
        return replies[0];
      };
      return { n, agent, etcd, warnings, forget };
    }

    it('refuses a node that still answers PING on its address (cut from etcd only: it may hold writes no one else has)', async () => {
      const { agent, etcd, forget } = forgetAgent(lost(5), [A, C]);
      try {
        const asked: unknown[] = [];
        (agent as unknown as { tx: { host: { answers(a: unknown): Promise<boolean> } } }).tx.host.answers = async (a) => (asked.push(a), true);
        expect(((await forget(B)) as Error).message).to.equal(`ERR Node ${B} answers on its address: it is cut from etcd, not lost; its slots stay with it (it may hold writes no one else has)`);
        expect(asked).to.deep.equal([{ ip: '127.0.0.1', port: 7002 }]);
        expect(etcd.txns).to.have.length(0);
      } finally {
        void agent.stop();
      }
    });

    it('removes a down primary\'s shard with its replicas in one transaction guarded by "not registered"; replies OK', async () => {
      const { agent, etcd, warnings, forget } = forgetAgent(lost(5), [A, C]);
      try {
        expect(agent.view.isLive(B)).to.equal(false);
        expect(await forget(B)).to.equal('OK');
        expect(etcd.txns).to.have.length(1);
        expect(etcd.txns[0].cmp).to.deep.equal([
          ['/shardcache/spec/topology', 'Mod', '==', '7'],
          [NODES + B, 'Version', '==', 0],
        ]);
        const t = parseTopology(etcd.topology);
        expect(t.version).to.equal(6);
        expect(Object.keys(t.shards)).to.deep.equal(['sa']);
        expect(Object.keys(t.nodes)).to.deep.equal([A]);
        expect(t.slots).to.deep.equal([[0, 9999, 'sa']]);
        expect(t.migrating, 'the migration to the forgotten shard is dropped').to.deep.equal([]);
        expect(warnings).to.include(`CLUSTER FORGET ${B}: shard sb removed by the operator, its 6384 slots will be reassigned EMPTY`);
        expect(agent.view.version, 'adopted at once').to.equal(6);
      } finally {
        void agent.stop();
      }
    });

    it('refuses: unknown node, itself, a registered node, a replica, a shard with a live in-sync replica', async () => {
      const { agent, etcd, forget } = forgetAgent(lost(5, true), [A, C]);
      try {
        expect(((await forget('f'.repeat(40))) as Error).message).to.equal(`ERR Unknown node ${'f'.repeat(40)}`);
        expect(((await forget(A)) as Error).message).to.equal("ERR I tried hard but I can't forget myself...");
        expect(((await forget(C)) as Error).message).to.match(new RegExp(`^ERR Node ${C} is registered \\(its lease is alive\\): it is not lost`));
        expect(((await forget(B)) as Error).message).to.equal(`ERR Node ${B}'s shard has a live in-sync replica: it is being replaced, not lost`);
        etcd.registered = [A];
        expect(((await forget(C)) as Error).message).to.equal(`ERR Node ${C} is not the primary of a shard: only a lost primary's shard can be forgotten`);
        expect(etcd.txns, 'nothing written').to.deep.equal([]);
        expect(parseTopology(etcd.topology).shards).to.have.property('sb');
      } finally {
        void agent.stop();
      }
    });

    it('a primary that registers again before the transaction commits keeps its shard', async () => {
      const { agent, etcd, forget } = forgetAgent(lost(5), [A, C]);
      try {
        etcd.conflicts = 1;
        expect(((await forget(B)) as Error).message).to.match(new RegExp(`^ERR Node ${B} is registered`));
        expect(etcd.txns).to.have.length(1);
        expect(parseTopology(etcd.topology).shards).to.have.property('sb');
      } finally {
        void agent.stop();
      }
    });

    it('on a standalone node: cluster support disabled', () => {
      expect((new UnitNode().run('CLUSTER', 'FORGET', B) as Error).message).to.equal('ERR This instance has cluster support disabled');
    });
  });
});
