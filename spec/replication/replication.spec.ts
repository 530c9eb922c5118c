// Replication between in-process nodes listening on 127.0.0.1: full sync under writes, partial resync,
// no expiry on replicas, ROLE / INFO / WAIT, promotion with a second replica continuing.
import { expect } from 'chai';
import type Redis from 'ioredis';
import { dumpAll, startNode, until, type TestNode } from './harness';

function infoField(text: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)$`, 'm').exec(text);
  return m ? m[1].trim() : '';
}

/** Resolves once the replica applied everything the primary produced. */
async function caughtUp(p: TestNode, r: TestNode): Promise<void> {
  await until(() => r.node.repl.masterLinkUp && r.node.repl.offset === p.node.repl.offset, 'replica caught up');
}

/** Random writes on r until stop() (SET, SET PX, INCR, DEL, EXPIRE, APPEND over keys k0..k11999). */
function writer(r: Redis): { stop: () => Promise<number> } {
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const p = r.pipeline();
      for (let i = 0; i < 50; i++) {
        const k = `k${Math.floor(Math.random() * 12000)}`;
        switch (n++ % 6) {
          case 0: p.set(k, `w${n}`); break;
          case 1: p.set(k, `t${n}`, 'PX', 600000); break;
          case 2: p.del(k); break;
          case 3: p.expire(k, 1000); break;
          case 4: p.append(k, 'x'); break;
          default: p.incr(`n${n % 100}`);
        }
      }
      await p.exec();
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return n;
    },
  };
}

describe('replication between nodes', function () {
  this.timeout(60000);
  const nodes: TestNode[] = [];
  async function node(settings: Record<string, string> = {}): Promise<TestNode> {
    const n = await startNode(settings);
    nodes.push(n);
    return n;
  }
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.stop();
  });

  it('full sync of 10,000 keys while writes continue: every key and TTL equal', async () => {
    const a = await node();
    const b = await node();
    const load = a.client.pipeline();
    for (let i = 0; i < 10000; i++) {
      if (i % 3 === 0) load.set(`k${i}`, `v${i}`, 'PX', 1000000 + i);
      else load.set(`k${i}`, `v${i}`);
    }
    await load.exec();
    const w = writer(a.client);
    await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => b.node.repl.masterLinkUp, 'sync done');
    const ms = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 50));
    const writes = await w.stop();
    await caughtUp(a, b);
    const want = await dumpAll(a.client);
    expect(want.length).to.be.greaterThan(9000);
    expect(await dumpAll(b.client)).to.deep.equal(want);
    expect(writes).to.be.greaterThan(100);
    expect(infoField(await a.client.info('stats'), 'sync_full')).to.equal('1');
    console.log(`      full sync: 10000 keys in ${ms} ms (${Math.round(10000 / (ms / 1000))} keys/s) with ${writes} writes going on`);
  });

  it('partial resync after a brief disconnect transfers only the missed part', async () => {
    const a = await node();
    const b = await node();
    for (let i = 0; i < 2000; i++) await a.client.set(`before${i}`, 'x'.repeat(100));
    await b.client.replicaof('127.0.0.1', String(a.port));
    await caughtUp(a, b);
    const link = b.node.repl.masterLink;
    if (link === null) throw new Error('no link');
    const inBefore = b.node.repl.inputBytes;
    link.drop();
    await until(() => !b.node.repl.masterLinkUp && a.node.repl.replicas().length === 0, 'link down on both sides');
    const offAtDrop = b.node.repl.offset;
    for (let i = 0; i < 20; i++) await a.client.set(`missed${i}`, `m${i}`);
    await caughtUp(a, b);
    const missed = a.node.repl.offset - offAtDrop;
    expect(missed).to.be.greaterThan(0);
    expect(missed).to.be.lessThan(2000); // 20 small SETs, against ~250 KB of snapshot before
    // What came in after the drop: the handshake replies (3 x +OK, +CONTINUE <replid>) and the missed bytes only.
    const handshake = 3 * '+OK\r\n'.length + `+CONTINUE ${a.node.repl.replid}\r\n`.length;
    expect(b.node.repl.inputBytes - inBefore).to.equal(handshake + missed);
    expect(inBefore).to.be.greaterThan(200000);
    const stats = await a.client.info('stats');
    expect([infoField(stats, 'sync_full'), infoField(stats, 'sync_partial_ok')]).to.deep.equal(['1', '1']);
    expect(await dumpAll(b.client)).to.deep.equal(await dumpAll(a.client));
  });

  it('a write burst larger than the backlog still reaches a connected replica without a resync', async () => {
    const a = await node({ 'repl-backlog-size': '16kb' });
    const b = await node();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => b.node.repl.masterLinkUp, 'link up');
    const big = 'b'.repeat(200000);
    await a.client.mset('x', big, 'y', big);
    await caughtUp(a, b);
    expect(await b.client.strlen('y')).to.equal(200000);
    expect(infoField(await a.client.info('replication'), 'repl_backlog_histlen')).to.equal(String(16 * 1024));
    expect(infoField(await a.client.info('stats'), 'sync_full')).to.equal('1');
  });

  it('a replica never expires keys by itself: the key stays until the primary DELs it', async () => {
    const a = await node({ 'enable-debug-command': 'yes' });
    const b = await node();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => b.node.repl.masterLinkUp, 'link up');
    await a.client.debug('SET-ACTIVE-EXPIRE', '0');
    await a.client.set('k', 'v', 'PX', 100);
    await caughtUp(a, b);
    expect(await b.client.pttl('k')).to.be.greaterThan(0);
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 3; i++) b.node.cron();
    expect(await b.client.get('k')).to.equal(null);
    expect(await b.client.dbsize()).to.equal(1);
    expect(infoField(await b.client.info('stats'), 'expired_keys')).to.equal('0');
    expect(await a.client.get('k')).to.equal(null); // lazy expiry on the primary: DEL goes out
    await caughtUp(a, b);
    expect(await b.client.dbsize()).to.equal(0);
  });

  it('a WAIT blocked without timeout is answered UNBLOCKED when its primary turns replica', async () => {
    const a = await node();
    const b = await node();
    const x = await node();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((r) => r.online).length === 1, 'one online');
    await a.client.set('k', 'v');
    const waiting = a.client.wait(2, 0).then(
      (v) => `reply ${String(v)}`,
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 100));
    const other = a.client.duplicate();
    try {
      await other.replicaof('127.0.0.1', String(x.port));
    } finally {
      other.disconnect();
    }
    expect(await waiting).to.equal('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
  });

  it('ROLE, INFO replication and WAIT on a primary with two replicas', async () => {
    const a = await node();
    const b = await node();
    const c = await node();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await c.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((r) => r.online).length === 2, 'two online');
    await a.client.set('k', 'v');
    expect(await a.client.wait(2, 5000)).to.equal(2);
    const t0 = Date.now();
    expect(await a.client.wait(3, 200)).to.equal(2);
    expect(Date.now() - t0).to.be.at.least(150);
    await caughtUp(a, b);
    await caughtUp(a, c);
    const off = a.node.repl.offset;
    const role = (await a.client.role()) as unknown[];
    expect(role[0]).to.equal('master');
    expect(role[1]).to.equal(off);
    expect((role[2] as string[][]).map((r) => r[1]).sort()).to.deep.equal([String(b.port), String(c.port)].sort());
    expect(await b.client.role()).to.deep.equal(['slave', '127.0.0.1', a.port, 'connected', off]);
    const ia = await a.client.info('replication');
    expect(infoField(ia, 'role')).to.equal('master');
    expect(infoField(ia, 'connected_slaves')).to.equal('2');
    expect(infoField(ia, 'slave0')).to.match(new RegExp(`^ip=127\\.0\\.0\\.1,port=\\d+,state=online,offset=${off},lag=\\d+$`));
    expect(infoField(ia, 'master_repl_offset')).to.equal(String(off));
    expect(infoField(ia, 'repl_backlog_active')).to.equal('1');
    expect(infoField(ia, 'repl_backlog_first_byte_offset')).to.equal('1');
    expect(infoField(ia, 'repl_backlog_histlen')).to.equal(String(off));
    const ib = await b.client.info('replication');
    expect(infoField(ib, 'role')).to.equal('slave');
    expect(infoField(ib, 'master_host')).to.equal('127.0.0.1');
    expect(infoField(ib, 'master_port')).to.equal(String(a.port));
    expect(infoField(ib, 'master_link_status')).to.equal('up');
    expect(infoField(ib, 'master_last_io_seconds_ago')).to.match(/^\d+$/);
    expect(infoField(ib, 'master_sync_in_progress')).to.equal('0');
    expect(infoField(ib, 'slave_repl_offset')).to.equal(String(off));
    expect(infoField(ib, 'master_replid')).to.equal(infoField(ia, 'master_replid'));
    const err = await b.client.set('x', '1').then(() => null, (e: Error) => e.message);
    expect(err).to.equal("READONLY You can't write against a read only replica.");
  });

  it('promotion: a second replica continues from the new primary with PSYNC (CONTINUE, not FULLRESYNC)', async () => {
    const a = await node();
    const b = await node();
    const c = await node();
    for (let i = 0; i < 500; i++) await a.client.set(`k${i}`, `v${i}`, 'PX', 1000000);
    a.node.repl.epoch = 1;
    b.node.repl.follow('127.0.0.1', a.port, 1);
    c.node.repl.follow('127.0.0.1', a.port, 1);
    await caughtUp(a, b);
    await caughtUp(a, c);
    await a.client.set('last', 'from-a');
    await caughtUp(a, b);
    await caughtUp(a, c);
    const oldId = a.node.repl.replid;
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    b.node.repl.becomePrimary();
    expect(b.node.repl.role).to.equal('master');
    expect(b.node.repl.replid2).to.equal(oldId);
    expect(b.node.repl.secondOffset).to.equal(b.node.repl.offset + 1);
    b.node.repl.epoch = 2;
    c.node.repl.follow('127.0.0.1', b.port, 2);
    await b.client.set('after', 'from-b');
    await caughtUp(b, c);
    const stats = await b.client.info('stats');
    expect([infoField(stats, 'sync_full'), infoField(stats, 'sync_partial_ok')]).to.deep.equal(['0', '1']);
    expect(c.node.repl.replid).to.equal(b.node.repl.replid);
    expect(c.node.repl.replid2).to.equal(oldId);
    expect(await c.client.get('after')).to.equal('from-b');
    expect(await dumpAll(c.client)).to.deep.equal(await dumpAll(b.client));
    expect(await b.client.set('w', '1')).to.equal('OK');
  });

  it('read leases (issue 10): a heartbeat every heartbeatMs keeps primaryHeardAt fresh; a promotion after a refused reconnect needs no hold', async () => {
    const a = await node();
    const b = await node();
    a.node.repl.heartbeatMs = 100; // as cluster mode sets it
    a.node.repl.epoch = 1;
    expect(b.node.repl.primaryHeardAt()).to.equal(-Infinity);
    b.node.repl.follow('127.0.0.1', a.port, 1);
    await a.client.set('k', 'v');
    await caughtUp(a, b);
    // Idle: the primary streams a PING at least every 100 ms, so the replica always heard it recently.
    const offset0 = a.node.repl.offset;
    let oldest = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 600) {
      oldest = Math.max(oldest, Date.now() - b.node.repl.primaryHeardAt());
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(oldest, 'ms since the replica last heard its idle primary').to.be.lessThan(250);
    expect(a.node.repl.offset - offset0, 'heartbeat PINGs in the stream').to.be.at.least(3 * 14);
    // Promoted while it heard its primary just now: the old primary's reads may still run on its vouch.
    const heard = b.node.repl.primaryHeardAt();
    // The primary dies; the replica's reconnects are refused: proof that it answers no one any more.
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    await until(() => b.node.repl.primaryHeardAt() === -Infinity, 'link down');
    await new Promise((r) => setTimeout(r, 400)); // a reconnect attempt (backoff 100-200 ms) refused
    b.node.repl.becomePrimary();
    expect(b.node.repl.oldPrimaryHeardAt).to.equal(-Infinity);
    expect(heard).to.be.greaterThan(0);
  });

  /** A primary and a replica in sync (epoch 1, one key), and when the replica last heard it. */
  async function followedPair() {
    const a = await node();
    const b = await node();
    a.node.repl.epoch = 1;
    b.node.repl.follow('127.0.0.1', a.port, 1);
    await a.client.set('k', 'v');
    await caughtUp(a, b);
    return { a, b, heard: b.node.repl.primaryHeardAt() };
  }

  it('read leases: a promotion noticed before the link dropped still learns at once that the old primary is gone', async () => {
    const { a, b, heard } = await followedPair();
    await a.stop();
    nodes.splice(nodes.indexOf(a), 1);
    b.node.repl.becomePrimary(); // at once: its link may not have seen the close yet
    expect([heard, -Infinity]).to.include(b.node.repl.oldPrimaryHeardAt);
    await until(() => b.node.repl.oldPrimaryHeardAt === -Infinity, 'the probe refused', 2000);
  });

  it('read leases: a replica promoted while its primary may still be alive records when it last heard it', async () => {
    const { a, b, heard } = await followedPair();
    b.node.repl.becomePrimary(); // CLUSTER FAILOVER: the old primary is alive and serving
    expect(b.node.repl.oldPrimaryHeardAt).to.equal(heard);
  });

  it('epoch fencing: a primary refuses a replica announcing a newer epoch', async () => {
    const a = await node();
    const b = await node();
    a.node.repl.epoch = 3;
    await a.client.set('k', 'v');
    b.node.repl.follow('127.0.0.1', a.port, 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.node.repl.masterLinkUp).to.equal(false);
    expect(a.node.repl.replicas()).to.deep.equal([]);
    expect(await b.client.get('k')).to.equal(null);
    b.node.repl.follow('127.0.0.1', a.port, 3);
    await caughtUp(a, b);
    expect(await b.client.get('k')).to.equal('v');
  });
});
