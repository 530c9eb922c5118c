// CLUSTER, ASKING, READONLY, READWRITE on a standalone node (Redis's refusal), and the cluster-mode
// subcommands that read the node itself (KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, MYID, INFO cluster).
import { expect } from 'chai';
import { ClusterAgent } from '../../lib/cluster/agent';
import { validateTopology } from '../../lib/cluster/topology';
import { ClusterView } from '../../lib/cluster/view';
import { UnitNode } from '../helpers/unit-node';

const A = 'a'.repeat(40);
const err = (v: unknown) => (v as Error).message;

function clusterNode(): UnitNode {
  const n = new UnitNode();
  n.node.dbs[0].enableSlotIndex();
  const t = validateTopology({
    version: 5,
    nodes: { [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 5 } },
    shards: { sa: { primary: A, replicas: [], inSync: [] } },
    slots: [[0, 16383, 'sa']],
    migrating: [],
  });
  // A stand-in agent: these fields, and the real agent's methods (route, CLUSTER replies) over them.
  const fake = { myId: A, view: new ClusterView(t, [A]), myShard: 'sa', isPrimary: true, gate: null, writesFenced: () => false, stateOk: true, requireFullCoverage: true, migrator: null, coordinator: true, slotsReassigned: 7, etcdReachable: 1, etcdLeaseAgeMs: 120, unavailable: false };
  n.node.cluster = Object.setPrototypeOf(fake, ClusterAgent.prototype) as ClusterAgent;
  return n;
}

describe('commands/cluster', () => {
  describe('standalone', () => {
    for (const argv of [['CLUSTER', 'INFO'], ['CLUSTER', 'NODES'], ['CLUSTER', 'SLOTS'], ['CLUSTER', 'KEYSLOT', 'x'], ['CLUSTER', 'HELP'], ['ASKING'], ['READONLY'], ['READWRITE']]) {
      it(`${argv.join(' ')}: ERR This instance has cluster support disabled`, () => {
        expect(err(new UnitNode().run(...argv))).to.equal('ERR This instance has cluster support disabled');
      });
    }
    it('an unknown subcommand is refused as Redis refuses it', () => {
      expect(err(new UnitNode().run('CLUSTER', 'MEET', '127.0.0.1', '7000'))).to.equal("ERR unknown subcommand 'MEET'. Try CLUSTER HELP.");
    });
    it('INFO says cluster_enabled:0', () => {
      expect(new UnitNode().run('INFO', 'cluster')).to.equal('# Cluster\r\ncluster_enabled:0\r\n');
    });
  });

  describe('cluster mode', () => {
    it('KEYSLOT hashes as Redis Cluster (hash tags included)', () => {
      const n = clusterNode();
      expect(n.run('CLUSTER', 'KEYSLOT', 'foo')).to.equal(12182);
      expect(n.run('CLUSTER', 'KEYSLOT', '{user1000}.following')).to.equal(n.run('CLUSTER', 'KEYSLOT', 'user1000'));
    });

    it('COUNTKEYSINSLOT / GETKEYSINSLOT read db 0 by slot; bad arguments get Redis errors', () => {
      const n = clusterNode();
      expect(n.run('MSET', '{t}1', 'a', '{t}2', 'b', '{t}3', 'c')).to.equal('OK');
      expect(n.run('SET', 'other', 'd')).to.equal('OK');
      const slot = n.run('CLUSTER', 'KEYSLOT', 't') as number;
      expect(n.run('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).to.equal(3);
      expect((n.run('CLUSTER', 'GETKEYSINSLOT', String(slot), '10') as string[]).sort()).to.deep.equal(['{t}1', '{t}2', '{t}3']);
      expect(n.run('CLUSTER', 'GETKEYSINSLOT', String(slot), '2')).to.have.length(2);
      expect(n.run('CLUSTER', 'GETKEYSINSLOT', String(slot), '0')).to.deep.equal([]);
      expect(err(n.run('CLUSTER', 'COUNTKEYSINSLOT', '16384'))).to.equal('ERR Invalid slot');
      expect(err(n.run('CLUSTER', 'COUNTKEYSINSLOT', '-1'))).to.equal('ERR Invalid slot');
      expect(err(n.run('CLUSTER', 'COUNTKEYSINSLOT', 'x'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('CLUSTER', 'GETKEYSINSLOT', '1', '-1'))).to.equal('ERR Invalid slot or number of keys');
      expect(err(n.run('CLUSTER', 'GETKEYSINSLOT', '16384', '1'))).to.equal('ERR Invalid slot or number of keys');
      expect(err(n.run('CLUSTER', 'GETKEYSINSLOT', '1', 'x'))).to.equal('ERR value is not an integer or out of range');
    });

    it('MYID, INFO and NODES come from the agent and its view', () => {
      const n = clusterNode();
      expect(n.run('CLUSTER', 'MYID')).to.equal(A);
      expect(n.run('CLUSTER', 'INFO')).to.match(/^cluster_state:ok\r\ncluster_slots_assigned:16384\r\n/);
      expect(n.run('CLUSTER', 'NODES')).to.match(new RegExp(`^${A} 127.0.0.1:7001@17001 myself,master - 0 \\d+ 5 connected 0-16383\\n$`));
      const info = n.run('INFO', 'cluster') as string;
      expect(info).to.include('cluster_enabled:1\r\n');
      expect(info).to.include(`cluster_node_id:${A}\r\n`);
      expect(info).to.include('cluster_slots_reassigned:7\r\n');
      expect(info).to.include('cluster_coordinator:1\r\n');
      expect(info).to.include('cluster_etcd_reachable:1\r\n');
      expect(info).to.include('cluster_etcd_lease_age_ms:120\r\n');
    });

    it('READONLY / READWRITE set and clear the connection flag', () => {
      const n = clusterNode();
      expect(n.run('READONLY')).to.equal('OK');
      expect(n.client.readonly).to.equal(true);
      expect(n.run('READWRITE')).to.equal('OK');
      expect(n.client.readonly).to.equal(false);
    });
  });
  describe('CLUSTER FAILOVER', () => {
    it('refuses a primary, a bad option, and a replica that is not in sync', () => {
      const n = clusterNode();
      expect(err(n.run('CLUSTER', 'FAILOVER'))).to.equal('ERR You should send CLUSTER FAILOVER to a replica');
      expect(err(n.run('CLUSTER', 'FAILOVER', 'NOW'))).to.equal('ERR syntax error');
      const R = 'b'.repeat(40);
      const t = validateTopology({
        version: 6,
        nodes: {
          [A]: { addr: { ip: '127.0.0.1', port: 7001 }, shard: 'sa', role: 'primary', epoch: 5 },
          [R]: { addr: { ip: '127.0.0.1', port: 7002 }, shard: 'sa', role: 'replica', epoch: 5 },
        },
        shards: { sa: { primary: A, replicas: [R], inSync: [] } },
        slots: [[0, 16383, 'sa']],
        migrating: [],
      });
      const agent = n.node.cluster as unknown as { myId: string; isPrimary: boolean; view: ClusterView };
      agent.myId = R;
      agent.isPrimary = false;
      agent.view = new ClusterView(t, [A, R]);
      expect(err(n.run('CLUSTER', 'FAILOVER', 'FORCE'))).to.equal('ERR This replica is not in sync with its primary: a failover now could lose acknowledged writes');
    });
  });
});
