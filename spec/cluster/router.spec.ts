// Cluster routing through the real dispatcher of a socket-less node whose agent is a stand-in holding a
// hand-built view (no etcd): MOVED, ASK, ASKING, TRYAGAIN, CROSSSLOT, CLUSTERDOWN, in-flight keys, and the
// cluster-mode refusals of SELECT/SWAPDB/MOVE/COPY. Expected texts are Redis 7's.
import { expect } from 'chai';
import type { ClusterAgent, MigratorLike } from '../../lib/cluster/agent';
import { LAG_MS, REPLICA_READ_LEASE_MS, STREAM_HEARTBEAT_MS } from '../../lib/cluster/ack-gate';
import { route, servesHere, type RoutedClient } from '../../lib/cluster/router';
import { keySlot } from '../../lib/util/slots';
import type { CommandSpec } from '../../lib/commands/types';
import { validateTopology, type Topology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { stringValue } from '../../lib/store/value';
import { UnitNode } from '../helpers/unit-node';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const D = 'd'.repeat(40);

// 'foo' -> 12182, 'bar' -> 5061, '{foo}x' -> 12182.
const FOO = keySlot('foo');
const BAR = keySlot('bar');

/** Shard sa (node A, myself) owns 0-8191, sb (node B) owns 8192-16383; `migrating` as given. */
function topology(migrating: Array<{ slot: number; from: string; to: string }> = [], slots: Array<[number, number, string]> = [[0, 8191, 'sa'], [8192, 16383, 'sb']]): Topology {
  return validateTopology({
    version: 3,
    nodes: {
      [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 1 },
      [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 2 },
    },
    shards: { sa: { primary: A, replicas: [], inSync: [] }, sb: { primary: B, replicas: [], inSync: [] } },
    slots,
    migrating,
  });
}

class FakeMigrator implements MigratorLike {
  readonly flying = new Set<string>();
  readonly dirty: string[] = [];
  readonly stats = { keysMoved: 0, slotsCommitted: 0 };
  update(): void {}
  inFlight(key: string): boolean {
    return this.flying.has(key);
  }
  noteWrite(key: string): void {
    this.dirty.push(key);
  }
  async stop(): Promise<void> {}
}

function clusterNode(t: Topology, opts: { myShard?: string | null; stateOk?: boolean; live?: string[]; replica?: boolean; fenced?: boolean; readsFenced?: boolean } = {}) {
  const n = new UnitNode();
  n.node.dbs[0].enableSlotIndex();
  // A replica's link to its primary: heard from just now (its read lease holds) unless a spec says otherwise.
  n.node.repl.primaryHeardAt = () => n.clock.now();
  const migrator = new FakeMigrator();
  const agent = {
    myId: A,
    view: new ClusterView(t, opts.live ?? [A, B]),
    myShard: opts.myShard === undefined ? 'sa' : opts.myShard,
    isPrimary: opts.replica !== true && opts.myShard !== null,
    gate: null,
    writesFenced: () => opts.fenced === true,
    readsFenced: () => opts.readsFenced === true,
    stateOk: opts.stateOk ?? true,
    requireFullCoverage: true,
    migrator,
    coordinator: false,
    slotsReassigned: 0,
    unavailable: false,
    route(c: RoutedClient, spec: CommandSpec, argv: readonly string[], asking: boolean): string | null {
      return route(this, c, spec, argv, asking);
    },
    servesHere(spec: CommandSpec, slot: number): boolean {
      return servesHere(this, spec, slot);
    },
  };
  n.node.cluster = agent as unknown as ClusterAgent;
  return { n, agent, migrator };
}

/** Version 4: sa (A, replica R in sync) owns 0-8191, sb (B) the rest. */
const R = C;
function withReplica(): Topology {
  return validateTopology({
    version: 4,
    nodes: {
      [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 1 },
      [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 2 },
      [R]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: 'replica', epoch: 1 },
    },
    shards: { sa: { primary: A, replicas: [R], inSync: [R] }, sb: { primary: B, replicas: [], inSync: [] } },
    slots: [[0, 8191, 'sa'], [8192, 16383, 'sb']],
    migrating: [],
  });
}

const err = (v: unknown) => (v as Error).message;

describe('cluster/router', () => {
  it('the test keys hash where the topology puts them', () => {
    expect(FOO).to.equal(12182);
    expect(BAR).to.equal(5061);
  });

  it('runs a command on an owned slot, answers MOVED with the owner primary for another', () => {
    const { n } = clusterNode(topology());
    expect(n.run('SET', 'bar', '1')).to.equal('OK');
    expect(err(n.run('SET', 'foo', '1'))).to.equal('MOVED 12182 127.0.0.1:7002');
    expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
    expect(n.run('GET', 'bar')).to.equal('1');
  });

  it('commands without keys run anywhere; keys in two slots get CROSSSLOT, a hash tag keeps one slot', () => {
    const { n } = clusterNode(topology());
    expect(n.run('PING')).to.equal('PONG');
    expect(n.run('DBSIZE')).to.equal(0);
    expect(err(n.run('MSET', 'bar', '1', 'foo', '2'))).to.equal("CROSSSLOT Keys in request don't hash to the same slot");
    expect(err(n.run('MGET', '{bar}1', '{bar}2', 'foo'))).to.equal("CROSSSLOT Keys in request don't hash to the same slot");
    expect(n.run('MSET', '{bar}1', 'x', '{bar}2', 'y')).to.equal('OK');
    expect(n.run('MGET', '{bar}1', '{bar}2')).to.deep.equal(['x', 'y']);
  });

  it('a slot without owner: CLUSTERDOWN Hash slot not served; state not ok: CLUSTERDOWN The cluster is down', () => {
    const { n } = clusterNode(topology([], [[0, 8191, 'sa']]), { stateOk: false });
    expect(err(n.run('GET', 'foo'))).to.equal('CLUSTERDOWN Hash slot not served');
    expect(err(n.run('GET', 'bar'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(n.run('PING')).to.equal('PONG');
  });

  it('cluster-require-full-coverage no: an owned slot still works while the state is not ok', () => {
    const { n, agent } = clusterNode(topology([], [[0, 8191, 'sa']]), { stateOk: false });
    agent.requireFullCoverage = false;
    expect(n.run('SET', 'bar', 'v')).to.equal('OK');
    expect(err(n.run('GET', 'foo'))).to.equal('CLUSTERDOWN Hash slot not served');
  });

  describe('a primary that is not live (its lease ran out; the coordinator has not replaced it yet)', () => {
    // The keeper's state stays ok while every slot has an owner (view-keeper.ts computeStateOk): only
    // B's slots go down, A's keep serving (issue 10 item 4).
    it('its slots answer CLUSTERDOWN Hash slot not served; the other shards\' slots keep running', () => {
      const { n } = clusterNode(topology(), { live: [A] });
      expect(err(n.run('GET', 'foo'))).to.equal('CLUSTERDOWN Hash slot not served');
      expect(err(n.run('SET', '{foo}x', 'v'))).to.equal('CLUSTERDOWN Hash slot not served');
      expect(n.run('SET', 'bar', 'v')).to.equal('OK');
      expect(n.run('MSET', '{bar}1', 'a', '{bar}2', 'b')).to.equal('OK');
      expect(n.run('GET', 'bar')).to.equal('v');
    });

    it('a replica of a healthy shard still serves READONLY reads; one of the failing shard does not', () => {
      const t = validateTopology({
        version: 3,
        nodes: {
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 1 },
          [B]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sb', role: 'primary', epoch: 2 },
          [C]: { addr: { ip: '127.0.0.1', port: 7003 }, shard: 'sa', role: 'replica', epoch: 1 },
          [D]: { addr: { ip: '127.0.0.1', port: 7004 }, shard: 'sb', role: 'replica', epoch: 2 },
        },
        shards: { sa: { primary: A, replicas: [C], inSync: [C] }, sb: { primary: B, replicas: [D], inSync: [D] } },
        slots: [[0, 8191, 'sa'], [8192, 16383, 'sb']],
        migrating: [],
      });
      for (const [me, shard, key, expected] of [
        [C, 'sa', 'bar', 'v'],
        [D, 'sb', 'foo', 'CLUSTERDOWN Hash slot not served'],
      ] as const) {
        const { n } = clusterNode(t, { replica: true, myShard: shard, live: [A, C, D] });
        (n.node.cluster as { myId: string }).myId = me;
        n.node.repl.ensureBacklog();
        n.node.dbs[0].set(key, stringValue('v'));
        expect(n.run('READONLY')).to.equal('OK');
        const got = n.run('GET', key);
        expect(got instanceof Error ? err(got) : got, me === C ? 'replica of the live shard' : 'replica of the failing shard').to.equal(expected);
      }
    });

    it('cluster-require-full-coverage no: MOVED to that primary, as today (and as Redis)', () => {
      const { n, agent } = clusterNode(topology(), { live: [A] });
      agent.requireFullCoverage = false;
      expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
      expect(n.run('SET', 'bar', 'v')).to.equal('OK');
    });
  });

  it('a node outside the topology redirects every key', () => {
    const { n } = clusterNode(topology(), { myShard: null });
    expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
  });

  it('counts redirects as rejected calls and in errorstats, as Redis', () => {
    const { n } = clusterNode(topology());
    n.run('GET', 'foo');
    const info = n.run('INFO', 'commandstats', 'errorstats') as string;
    expect(info).to.match(/cmdstat_get:calls=0,.*rejected_calls=1,failed_calls=0/);
    expect(info).to.include('errorstat_MOVED:count=1');
  });

  describe('a slot migrating out (source side)', () => {
    /** A node owning BAR's slot, with `keys` set before the migration of that slot starts. */
    const mig = (...kv: string[]) => {
      const x = clusterNode(topology());
      for (let i = 0; i < kv.length; i += 2) expect(x.n.run('SET', kv[i], kv[i + 1])).to.equal('OK');
      x.agent.view = new ClusterView(topology([{ slot: BAR, from: 'sa', to: 'sb' }]), [A, B]);
      return x;
    };

    it('serves keys it still has, answers ASK with the target for the others', () => {
      const { n } = mig('bar', 'here');
      expect(n.run('GET', 'bar')).to.equal('here');
      expect(n.run('DEL', 'bar')).to.equal(1);
      expect(err(n.run('GET', 'bar'))).to.equal('ASK 5061 127.0.0.1:7002');
      expect(err(n.run('SET', 'bar', 'new'))).to.equal('ASK 5061 127.0.0.1:7002');
      expect(n.node.dbs[0].size).to.equal(0);
    });

    it('an expired key counts as gone', () => {
      const { n } = mig();
      n.node.dbs[0].set('bar', stringValue('v'), n.clock.now() + 10);
      n.clock.advance(11);
      expect(err(n.run('GET', 'bar'))).to.equal('ASK 5061 127.0.0.1:7002');
    });

    it('multi-key: all here runs, none here ASK, some here TRYAGAIN', () => {
      const { n } = mig('{bar}1', 'a', '{bar}2', 'b');
      expect(n.run('MGET', '{bar}1', '{bar}2')).to.deep.equal(['a', 'b']);
      expect(err(n.run('MGET', '{bar}1', '{bar}3'))).to.equal('TRYAGAIN Multiple keys request during rehashing of slot');
      expect(err(n.run('MGET', '{bar}3', '{bar}4'))).to.equal('ASK 5061 127.0.0.1:7002');
    });

    it('a key in flight counts as here even when deleted meanwhile; a write to it is noted for resending', () => {
      const { n, migrator } = mig('bar', 'v1');
      migrator.flying.add('bar');
      expect(n.run('GET', 'bar')).to.equal('v1');
      expect(migrator.dirty).to.deep.equal([]);
      expect(n.run('SET', 'bar', 'v2')).to.equal('OK');
      expect(n.run('DEL', 'bar')).to.equal(1);
      expect(n.run('SET', 'bar', 'v3')).to.equal('OK');
      expect(migrator.dirty).to.deep.equal(['bar', 'bar', 'bar']);
      migrator.flying.delete('bar');
      expect(n.run('GET', 'bar')).to.equal('v3');
    });

    it('other slots of the shard are served as usual', () => {
      const { n } = mig();
      expect(keySlot('b')).to.equal(3300);
      expect(n.run('SET', 'b', 'v')).to.equal('OK');
      expect(n.run('GET', 'b')).to.equal('v');
    });
  });

  describe('a slot being imported (target side)', () => {
    // Myself (A, shard sa) imports FOO's slot from sb.
    const imp = () => clusterNode(topology([{ slot: FOO, from: 'sb', to: 'sa' }]));

    it('without ASKING: MOVED to the owner; after ASKING: runs, for one command only', () => {
      const { n } = imp();
      expect(err(n.run('SET', 'foo', 'v'))).to.equal('MOVED 12182 127.0.0.1:7002');
      expect(n.run('ASKING')).to.equal('OK');
      expect(n.run('SET', 'foo', 'v')).to.equal('OK');
      expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
      expect(n.run('ASKING')).to.equal('OK');
      expect(n.run('GET', 'foo')).to.equal('v');
    });

    it('ASKING is spent by the next command even when that one is refused', () => {
      const { n } = imp();
      n.run('ASKING');
      expect(err(n.run('GET'))).to.match(/wrong number of arguments/);
      expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
    });

    it('RESTORE-ASKING runs without ASKING (its asking flag)', () => {
      const { n } = imp();
      const src = new UnitNode();
      src.run('SET', 'foo', 'payload');
      const dump = src.run('DUMP', 'foo') as string;
      expect(n.run('RESTORE-ASKING', 'foo', '0', dump, 'REPLACE')).to.equal('OK');
      n.run('ASKING');
      expect(n.run('GET', 'foo')).to.equal('payload');
    });

    it('multi-key after ASKING: all present runs, one missing TRYAGAIN', () => {
      const { n } = imp();
      n.run('ASKING');
      expect(err(n.run('MSET', '{foo}1', 'a', '{foo}2', 'b'))).to.equal('TRYAGAIN Multiple keys request during rehashing of slot');
      n.run('ASKING');
      expect(n.run('SET', '{foo}1', 'a')).to.equal('OK');
      n.run('ASKING');
      expect(n.run('SET', '{foo}2', 'b')).to.equal('OK');
      n.run('ASKING');
      expect(n.run('MGET', '{foo}1', '{foo}2')).to.deep.equal(['a', 'b']);
      n.run('ASKING');
      expect(err(n.run('MGET', '{foo}1', '{foo}3'))).to.equal('TRYAGAIN Multiple keys request during rehashing of slot');
    });

    it('RESET clears ASKING and READONLY', () => {
      const { n } = imp();
      n.run('ASKING');
      n.run('READONLY');
      n.run('RESET');
      expect(n.client.asking).to.equal(false);
      expect(n.client.readonly).to.equal(false);
      expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
    });
  });

  describe('db 0 only', () => {
    it('SELECT 0 works, any other index is refused (after the integer check)', () => {
      const { n } = clusterNode(topology());
      expect(n.run('SELECT', '0')).to.equal('OK');
      expect(err(n.run('SELECT', '1'))).to.equal('ERR SELECT is not allowed in cluster mode');
      expect(err(n.run('SELECT', 'x'))).to.equal('ERR value is not an integer or out of range');
    });

    it('SWAPDB and MOVE are refused; COPY only within db 0', () => {
      const { n } = clusterNode(topology());
      expect(err(n.run('SWAPDB', '0', '1'))).to.equal('ERR SWAPDB is not allowed in cluster mode');
      n.run('SET', '{bar}a', 'v');
      expect(err(n.run('MOVE', '{bar}a', '1'))).to.equal('ERR MOVE is not allowed in cluster mode');
      expect(err(n.run('COPY', '{bar}a', '{bar}b', 'DB', '1'))).to.equal('ERR Copying to another database is not allowed in cluster mode');
      expect(n.run('COPY', '{bar}a', '{bar}b')).to.equal(1);
      expect(n.run('COPY', '{bar}a', '{bar}c', 'DB', '0')).to.equal(1);
    });
  });
  describe('on a replica of the owning shard', () => {
    it('without READONLY every key command goes to the primary (MOVED)', () => {
      const { n } = clusterNode(withReplica(), { replica: true, live: [A, B, R] });
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
      expect(err(n.run('SET', 'bar', 'v'))).to.equal('MOVED 5061 127.0.0.1:7001');
    });

    it('after READONLY reads of its shard run here, writes still go to the primary, other shards MOVED', () => {
      const { n } = clusterNode(withReplica(), { replica: true, live: [A, B, R] });
      (n.node.cluster as { myId: string }).myId = R; // this node is R, an in-sync replica
      n.node.repl.ensureBacklog(); // synced once
      n.node.dbs[0].set('bar', stringValue('replicated'));
      expect(n.run('READONLY')).to.equal('OK');
      expect(n.run('GET', 'bar')).to.equal('replicated');
      expect(n.run('MGET', '{bar}1', '{bar}2')).to.deep.equal([null, null]);
      expect(err(n.run('SET', 'bar', 'v'))).to.equal('MOVED 5061 127.0.0.1:7001');
      expect(err(n.run('DEL', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
      expect(err(n.run('GET', 'foo'))).to.equal('MOVED 12182 127.0.0.1:7002');
      expect(n.run('READWRITE')).to.equal('OK');
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
    });

    // review5: a replica of the in-sync set that is re-syncing fully (its primary restarted empty or it
    // fell out of the backlog, or it was ahead of a newly promoted primary) has flushed its keys; one that
    // has left the in-sync set misses acknowledged writes. Neither may answer READONLY reads.
    it('review5: READONLY reads go to the primary while a full resync is in progress or before the first sync', () => {
      const { n } = clusterNode(withReplica(), { replica: true, live: [A, B, R] });
      (n.node.cluster as { myId: string }).myId = R;
      expect(n.run('READONLY')).to.equal('OK');
      expect(err(n.run('GET', 'bar')), 'never synced').to.equal('MOVED 5061 127.0.0.1:7001');
      n.node.repl.ensureBacklog();
      n.node.repl.partial = true; // +FULLRESYNC received: keys flushed, snapshot arriving
      expect(err(n.run('GET', 'bar')), 'mid full resync').to.equal('MOVED 5061 127.0.0.1:7001');
      n.node.repl.partial = false;
      n.node.dbs[0].set('bar', stringValue('v'));
      expect(n.run('GET', 'bar')).to.equal('v');
    });

    it('review5: a replica outside the in-sync set sends READONLY reads to the primary', () => {
      const t = withReplica();
      const { n } = clusterNode(validateTopology({ ...t, shards: { ...t.shards, sa: { ...t.shards.sa, inSync: [] } } }), { replica: true, live: [A, B, R] });
      (n.node.cluster as { myId: string }).myId = R;
      n.node.repl.ensureBacklog();
      n.node.dbs[0].set('bar', stringValue('stale'));
      expect(n.run('READONLY')).to.equal('OK');
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
    });
  });
  describe('read lease of a replica (issue 10: no READONLY read older than an acknowledged write)', () => {
    const t = withReplica();

    it('an in-sync replica serves READONLY reads only until REPLICA_READ_LEASE_MS after it last heard its primary', () => {
      expect(REPLICA_READ_LEASE_MS).to.be.lessThan(LAG_MS); // it stops before the primary may drop it
      expect(STREAM_HEARTBEAT_MS * 3).to.be.at.most(REPLICA_READ_LEASE_MS); // a healthy idle shard keeps it
      const { n } = clusterNode(t, { replica: true, live: [A, B, R] });
      (n.node.cluster as { myId: string }).myId = R;
      n.node.repl.ensureBacklog();
      n.node.dbs[0].set('bar', stringValue('v1'));
      let heardAt = n.clock.now();
      n.node.repl.primaryHeardAt = () => heardAt;
      expect(n.run('READONLY')).to.equal('OK');
      expect(n.run('GET', 'bar')).to.equal('v1');
      // The stream goes silent (primary frozen, or this replica cut from it and from etcd): its view still
      // shows it in the in-sync set, but once the lease ends its reads go to the primary.
      n.clock.advance(REPLICA_READ_LEASE_MS - 1);
      expect(n.run('GET', 'bar')).to.equal('v1');
      n.clock.advance(1);
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
      expect(err(n.run('MGET', '{bar}1', '{bar}2'))).to.equal('MOVED 5061 127.0.0.1:7001');
      n.clock.advance(10_000);
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
      // A heartbeat (or any stream bytes) renews it.
      heardAt = n.clock.now();
      expect(n.run('GET', 'bar')).to.equal('v1');
      // No synced link at all (disconnected, reconnecting): no lease.
      n.node.repl.primaryHeardAt = () => -Infinity;
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
    });

    it('a replica within its read lease whose own reads are fenced (etcd lease in doubt, no majority outage) sends READONLY reads to the primary', () => {
      const { n } = clusterNode(t, { replica: true, live: [A, B, R], readsFenced: true });
      (n.node.cluster as { myId: string }).myId = R;
      n.node.repl.ensureBacklog();
      n.node.dbs[0].set('bar', stringValue('v1'));
      expect(n.run('READONLY')).to.equal('OK');
      expect(err(n.run('GET', 'bar'))).to.equal('MOVED 5061 127.0.0.1:7001');
    });

    it('the real replication state: no lease without a synced link to a primary', () => {
      const n = new UnitNode();
      expect(n.node.repl.primaryHeardAt()).to.equal(-Infinity);
    });
  });

  it('a primary whose reads are fenced refuses key reads with CLUSTERDOWN; keyless commands still run', () => {
    const { n } = clusterNode(topology(), { readsFenced: true });
    n.node.dbs[0].set('bar', stringValue('v'));
    expect(err(n.run('GET', 'bar'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(err(n.run('MGET', '{bar}1', '{bar}2'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(err(n.run('EXISTS', 'bar'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(n.run('SET', 'bar', 'w')).to.equal('OK'); // writes follow writesFenced (and the acks)
    expect(n.run('DBSIZE')).to.equal(1);
  });

  it('a fenced primary refuses writes with CLUSTERDOWN and still serves reads', () => {
    const { n } = clusterNode(topology(), { fenced: true });
    n.node.dbs[0].set('bar', stringValue('v'));
    expect(err(n.run('SET', 'bar', 'w'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(err(n.run('MSET', '{bar}1', 'a', '{bar}2', 'b'))).to.equal('CLUSTERDOWN The cluster is down');
    expect(n.run('GET', 'bar')).to.equal('v');
  });
});
