// Integration: the launcher's own etcd (real `etcd` binary), started detached and stopped by pid.
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectEtcd } from '../../lib/cluster/etcd';
import { etcdHealthy, startEtcd, stopEtcd } from '../../lib/launcher/etcd-process';
import { processAlive } from '../../lib/launcher/state';

describe('launcher etcd process (real etcd)', function () {
  this.timeout(30000);
  let dir: string;
  const started: Array<{ pid: number | null; dataDir: string; clientPort: number; peerPort: number }> = [];
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launcher-etcd-'))));
  after(async () => {
    for (const e of started) await stopEtcd(e);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts a healthy etcd on loopback with its data in D/etcd and its log in D/etcd.log, and stops it', async () => {
    const e = await startEtcd(dir);
    started.push(e);
    expect(e.url).to.equal(`http://127.0.0.1:${e.clientPort}`);
    expect(e.dataDir).to.equal(path.join(dir, 'etcd'));
    expect(processAlive(e.pid, 'etcd')).to.equal(true);
    const c = connectEtcd([e.url]);
    try {
      await c.put('k').value('v');
      expect(await c.get('k').string()).to.equal('v');
    } finally {
      c.close();
    }
    expect(fs.existsSync(path.join(dir, 'etcd', 'member'))).to.equal(true);
    expect(fs.existsSync(path.join(dir, 'etcd.log'))).to.equal(true);
    await stopEtcd(e);
    expect(processAlive(e.pid, 'etcd')).to.equal(false);
    expect(await etcdHealthy(e.clientPort)).to.equal(false);
    await stopEtcd(e); // idempotent
  });

  it('starts from a fresh data dir each time (no previous topology)', async () => {
    const e1 = await startEtcd(dir);
    started.push(e1);
    const c1 = connectEtcd([e1.url]);
    await c1.put('/shardcache/x/topology').value('old');
    c1.close();
    await stopEtcd(e1);
    const e2 = await startEtcd(dir);
    started.push(e2);
    const c2 = connectEtcd([e2.url]);
    try {
      expect(await c2.get('/shardcache/x/topology').string()).to.equal(null);
    } finally {
      c2.close();
    }
    await stopEtcd(e2);
  });
});
