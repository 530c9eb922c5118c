import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { etcdPrefix, liveProcesses, processAlive, readState, StateError, writeState, type ClusterState } from '../../lib/launcher/state';

describe('launcher state file', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const state = (): ClusterState => ({
    etcd: 'http://127.0.0.1:2379',
    ownEtcd: { pid: null, dataDir: path.join(dir, 'etcd'), clientPort: 2379, peerPort: 2380 },
    name: 'c1',
    nodeTimeoutMs: 2000,
    replicas: 1,
    nodes: [{ port: 7000, pid: null, dir: path.join(dir, 'node-7000') }],
  });

  it('round-trips through D/cluster.json, creating D', () => {
    const d = path.join(dir, 'sub');
    writeState(d, state());
    expect(readState(d)).to.deep.equal(state());
    expect(fs.readdirSync(d)).to.deep.equal(['cluster.json']); // no temp file left
    expect(etcdPrefix(state())).to.equal('/shardcache/c1');
  });

  it('says clearly when there is no cluster or the file is not ours', () => {
    expect(() => readState(dir)).to.throw(StateError, /no cluster in .*cluster\.json not found/);
    fs.writeFileSync(path.join(dir, 'cluster.json'), '{oops');
    expect(() => readState(dir)).to.throw(StateError, /is not valid JSON/);
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ ...state(), nodes: [{ port: 'x' }] }));
    expect(() => readState(dir)).to.throw(StateError, /not a shardcache-cluster state file/);
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify({ ...state(), replicas: -1 }));
    expect(() => readState(dir)).to.throw(StateError, /not a shardcache-cluster state file/);
  });

  it('reads a state file written before replicas existed as replicas 0', () => {
    const { replicas: _r, ...old } = state();
    fs.writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(old));
    expect(readState(dir)).to.deep.equal({ ...state(), replicas: 0 });
  });

  it('counts a process as alive only when its command line carries the mark', () => {
    expect(processAlive(process.pid, 'node')).to.equal(true);
    expect(processAlive(process.pid, 'no-such-mark-xyz')).to.equal(false);
    expect(processAlive(null, 'node')).to.equal(false);
    const s = state();
    expect(liveProcesses(s)).to.deep.equal([]);
    s.nodes[0].pid = 2 ** 22 + 12345; // above pid_max: never a process
    expect(liveProcesses(s)).to.deep.equal([]);
  });
});
