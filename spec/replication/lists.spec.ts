// Lists across replication (in-process nodes): a replica attached after long lists exist gets them by full
// sync; then a seeded random mix of list writes, including clients blocked in BLPOP/BLMOVE/BLMPOP that
// pushes serve, leaves every list equal on the primary and the replica; a push onto a long list and a
// served blocking pop grow the stream by their own commands only (never a resent list).
import { expect } from 'chai';
import Redis from 'ioredis';
import { rng } from '../helpers/differential';
import { startNode, until, type TestNode } from './harness';

const KEYS = ['l0', 'l1', 'l2', 'l3'];

async function lists(r: Redis): Promise<Record<string, string[] | string>> {
  const out: Record<string, string[] | string> = {};
  for (const k of [...KEYS, 'long']) {
    const t = await r.type(k);
    out[k] = t === 'list' ? await r.lrange(k, 0, -1) : t;
  }
  return out;
}

describe('replication of lists', function () {
  this.timeout(60000);
  const nodes: TestNode[] = [];
  afterEach(async () => {
    for (const t of nodes.splice(0)) await t.stop();
  });

  it('full sync, random writes and served blocking pops: equal lists on the primary and the replica', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await a.client.rpush('long', ...Array.from({ length: 5000 }, (_, i) => `element:${i}`));
    await a.client.rpush('l0', 'a', 'b', 'c');
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online');
    const r = rng(3);
    const blockers: Redis[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        // A few clients block on keys that may be missing; the writes below serve some of them.
        for (let i = 0; i < 3; i++) {
          const c = new Redis({ port: a.port, host: '127.0.0.1' });
          blockers.push(c);
          const k = r.pick(KEYS);
          const which = r.int(3);
          if (which === 0) void c.blpop(k, r.pick(KEYS), 0.3).catch(() => undefined);
          else if (which === 1) void c.blmove(k, r.pick(KEYS), 'LEFT', 'RIGHT', 0.3).catch(() => undefined);
          else void c.call('BLMPOP', '0.3', '2', k, r.pick(KEYS), 'RIGHT', 'COUNT', '2').catch(() => undefined);
        }
        const p = a.client.pipeline();
        for (let i = 0; i < 40; i++) {
          const k = r.pick(KEYS);
          const e = () => r.pick(['x', 'y', '', '42', 'z'.repeat(1 + r.int(100))]);
          const cmd = r.pick([
            ['RPUSH', k, e(), e()],
            ['LPUSH', k, e()],
            ['LPOP', k],
            ['RPOP', k, String(r.int(3))],
            ['LSET', k, String(r.int(4) - 2), e()],
            ['LINSERT', k, 'BEFORE', e(), e()],
            ['LREM', k, String(r.int(3) - 1), e()],
            ['LTRIM', k, '0', String(r.int(5))],
            ['LMOVE', k, r.pick(KEYS), 'RIGHT', 'LEFT'],
            ['LMPOP', '2', k, r.pick(KEYS), 'LEFT'],
            ['RPUSH', 'long', e()],
            ['LPOP', 'long', '3'],
          ]);
          p.call(cmd[0], ...cmd.slice(1));
        }
        await p.exec();
        await new Promise((res) => setTimeout(res, 20));
      }
      await new Promise((res) => setTimeout(res, 400)); // every wait over
      expect(await a.client.wait(1, 5000)).to.equal(1);
      await until(() => b.node.repl.offset === a.node.repl.offset, 'replica caught up', 5000);
      const want = await lists(a.client);
      expect(Object.values(want).filter((v) => Array.isArray(v) && v.length > 0).length).to.be.greaterThan(1);
      expect(await lists(b.client)).to.deep.equal(want);
    } finally {
      for (const c of blockers) c.disconnect();
    }
  });

  it('a push onto a long list and a served blocking pop add only their own commands to the stream', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online');
    await a.client.rpush('long', ...Array.from({ length: 20000 }, (_, i) => `element:${i}`));
    const before = a.node.repl.offset;
    await a.client.rpush('long', 'one-more');
    expect(a.node.repl.offset - before).to.be.below(100);
    const blocker = new Redis({ port: a.port, host: '127.0.0.1' });
    try {
      const popped = blocker.blpop('queue', 0);
      await until(() => a.node.blocking.size === 1, 'client blocked');
      const at = a.node.repl.offset;
      await a.client.rpush('queue', 'job');
      expect(await popped).to.deep.equal(['queue', 'job']);
      expect(a.node.repl.offset - at).to.be.below(100);
      await until(() => b.node.repl.offset === a.node.repl.offset, 'replica caught up', 5000);
      expect(await b.client.exists('queue')).to.equal(0);
      expect(await b.client.llen('long')).to.equal(20001);
    } finally {
      blocker.disconnect();
    }
  });
});
