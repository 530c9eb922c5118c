// enableClusterMode: the node id from cluster-config-file, the announced address from the directives,
// the slot index and migrator in place. No etcd is contacted (the agent is not started).
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { enableClusterMode } from '../../lib/cluster/setup';
import { UnitNode } from '../helpers/unit-node';

describe('cluster/setup', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shardcache-setup-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function node(settings: Record<string, string>) {
    const n = new UnitNode({ 'cluster-etcd': 'http://127.0.0.1:1', 'cluster-config-file': path.join(dir, 'nodes.conf'), ...settings });
    const agent = enableClusterMode(n.node);
    return { n, agent };
  }

  it('announces the first bind address and the configured port by default; the id persists', async () => {
    const { n, agent } = node({ bind: '127.0.0.1 ::1', port: '7010' });
    expect(agent.opts.announce).to.deep.equal({ ip: '127.0.0.1', port: 7010 });
    expect(agent.myId).to.match(/^[0-9a-f]{40}$/);
    expect(fs.readFileSync(path.join(dir, 'nodes.conf'), 'latin1')).to.equal(`${agent.myId}\n`);
    expect(n.node.cluster).to.equal(agent);
    expect(agent.migrator).to.not.equal(null);
    expect(n.node.dbs[0].slotIndexEnabled).to.equal(true);
    expect(agent.prefix).to.equal('/shardcache/shardcache');
    await agent.stop();
    const again = node({ port: '7011' });
    expect(again.agent.myId).to.equal(agent.myId);
    await again.agent.stop();
  });

  it('cluster-announce-ip/-port and cluster-name override', async () => {
    const { agent } = node({ 'cluster-announce-ip': '10.1.2.3', 'cluster-announce-port': '17000', 'cluster-name': 'blue' });
    expect(agent.opts.announce).to.deep.equal({ ip: '10.1.2.3', port: 17000 });
    expect(agent.prefix).to.equal('/shardcache/blue');
    await agent.stop();
  });

  it('a wildcard bind announces 127.0.0.1; node timeout and vnodes reach the agent', async () => {
    const { agent } = node({ bind: '0.0.0.0', 'cluster-node-timeout': '3500', 'cluster-vnodes': '64' });
    expect(agent.opts.announce.ip).to.equal('127.0.0.1');
    expect(agent.opts.nodeTimeoutMs).to.equal(3500);
    expect(agent.opts.vnodes).to.equal(64);
    await agent.stop();
  });

  it('CONFIG SET cluster-require-full-coverage reaches the router', async () => {
    const { n, agent } = node({});
    expect(agent.requireFullCoverage).to.equal(true);
    expect(n.run('CONFIG', 'SET', 'cluster-require-full-coverage', 'no')).to.equal('OK');
    expect(agent.requireFullCoverage).to.equal(false);
    await agent.stop();
  });

  it('refuses bad cluster-etcd and cluster-name values', () => {
    expect(() => new UnitNode({ 'cluster-etcd': 'localhost:2379' })).to.throw(/bad etcd endpoint/);
    expect(() => new UnitNode({ 'cluster-name': 'a/b' })).to.throw(/cluster-name must be/);
  });
});
