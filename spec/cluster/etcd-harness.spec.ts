// Integration: a real etcd 3.4 (spec/helpers/etcd.ts) and the cluster's etcd layer (lib/cluster/etcd.ts).
import { expect } from 'chai';
import * as fs from 'fs';
import type { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdProcess } from '../helpers/etcd';
import { casTopology, connectEtcd, nodeKey, readTopology, registerNode, watchTopology } from '../../lib/cluster/etcd';

/** Polls cond every 50 ms until it is true; rejects with what after ms. Bounds a wait, measures nothing. */
async function waitFor(what: string, ms: number, cond: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('etcd harness and cluster etcd layer (real etcd)', function () {
  this.timeout(20000);
  let etcd: EtcdProcess;
  let client: Etcd3;
  const clients: Etcd3[] = [];
  const connect = () => {
    const c = connectEtcd([etcd.endpoint]);
    clients.push(c);
    return c;
  };
  const exists = async (key: string) => (await client.get(key).string()) !== null;

  before(async () => {
    etcd = await startEtcd();
    client = connect();
  });
  after(async () => {
    for (const c of clients) c.close();
    await etcd?.stop();
  });

  it('starts a healthy etcd on loopback, and stop() removes its data dir', async () => {
    expect(etcd.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    const other = await startEtcd();
    const c = connectEtcd([other.endpoint]);
    try {
      await c.put('k').value('v');
      expect(await c.get('k').string()).to.equal('v');
      expect(fs.existsSync(other.dataDir)).to.equal(true);
    } finally {
      c.close();
      await other.stop();
    }
    expect(fs.existsSync(other.dataDir)).to.equal(false);
  });

  it('keeps a registered node key alive past its TTL, and drops it once renewal stops', async () => {
    const holder = connect();
    const reg = await registerNode(holder, '/t1', 'a', 'addr-a', 1);
    let lost: Error | undefined;
    reg.onLost((e) => (lost = e));
    expect(await client.get(nodeKey('/t1', 'a')).string()).to.equal('addr-a');
    expect(await client.get(nodeKey('/t1', 'a')).exec().then((r) => r.kvs[0].lease)).to.equal(await reg.lease.grant());
    await new Promise((r) => setTimeout(r, 2500)); // > 2 TTLs: only keepalives can keep it
    expect(await exists(nodeKey('/t1', 'a'))).to.equal(true);
    expect(lost).to.equal(undefined);
    // The holder stops renewing without revoking (as if it died): etcd expires the lease on its own.
    // (holder.close() alone is not enough with etcd3 1.1.2: the open keepalive stream keeps renewing.)
    reg.lease.release();
    holder.close();
    await waitFor('the node key to expire', 1000 + 4000, async () => !(await exists(nodeKey('/t1', 'a'))));
  });

  it('revoke() deletes the node key at once and does not report a loss', async () => {
    const reg = await registerNode(connect(), '/t2', 'b', 'addr-b', 5);
    let lost = false;
    reg.onLost(() => (lost = true));
    expect(await exists(nodeKey('/t2', 'b'))).to.equal(true);
    await reg.revoke();
    expect(await exists(nodeKey('/t2', 'b'))).to.equal(false);
    expect(lost).to.equal(false);
  });

  it('reports a loss when etcd stops answering for longer than the TTL, and the key is gone after', async () => {
    const reg = await registerNode(connect(), '/t3', 'c', 'addr-c', 1);
    let lost: Error | undefined;
    reg.onLost((e) => (lost = e));
    etcd.pause();
    try {
      await waitFor('onLost while etcd is frozen', 1000 + 3000, () => lost !== undefined);
    } finally {
      etcd.resume();
    }
    await waitFor('the node key to expire', 1000 + 4000, async () => !(await exists(nodeKey('/t3', 'c'))));
  });

  it('casTopology creates from "0" once, refuses a stale revision, accepts the fresh one', async () => {
    expect(await readTopology(client, '/t4')).to.deep.equal({ value: null, modRevision: '0' });
    expect(await casTopology(client, '/t4', '0', 'v1')).to.equal(true);
    expect(await casTopology(client, '/t4', '0', 'v1-again')).to.equal(false);
    const t1 = await readTopology(client, '/t4');
    expect(t1.value).to.equal('v1');
    expect(await casTopology(client, '/t4', t1.modRevision, 'v2')).to.equal(true);
    expect(await casTopology(client, '/t4', t1.modRevision, 'v3')).to.equal(false); // stale now
    const t2 = await readTopology(client, '/t4');
    expect(t2.value).to.equal('v2');
    expect(BigInt(t2.modRevision) > BigInt(t1.modRevision)).to.equal(true);
    expect(await casTopology(client, '/t4', t2.modRevision, 'v3')).to.equal(true);
    expect((await readTopology(client, '/t4')).value).to.equal('v3');
  });

  it('watchTopology sees each change, with its revision, from the given revision on', async () => {
    await casTopology(client, '/t5', '0', 'before');
    const start = await readTopology(client, '/t5');
    await casTopology(client, '/t5', start.modRevision, 'missed-without-afterRevision');
    const seen: Array<[string | null, string]> = [];
    const stop = await watchTopology(client, '/t5', (v, rev) => seen.push([v, rev]), start.modRevision);
    try {
      const cur = await readTopology(client, '/t5');
      expect(await casTopology(client, '/t5', cur.modRevision, 'after')).to.equal(true);
      await waitFor('two watch events', 3000, () => seen.length >= 2);
      const now = await readTopology(client, '/t5');
      expect(seen.map((s) => s[0])).to.deep.equal(['missed-without-afterRevision', 'after']);
      expect(seen[1][1]).to.equal(now.modRevision);
    } finally {
      await stop();
    }
  });
});
