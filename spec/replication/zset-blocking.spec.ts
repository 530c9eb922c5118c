// Blocking sorted-set pops across replication (in-process nodes): a seeded random mix of sorted-set writes
// with clients blocked in BZPOPMIN/BZPOPMAX/BZMPOP that the writes serve leaves every sorted set equal on
// the primary and the replica; a served BZPOPMIN on a large set grows the stream by its own pop only.
import { expect } from 'chai';
import Redis from 'ioredis';
import { encodeCommand } from '../../lib/replication/stream';
import { rng } from '../helpers/differential';
import { startNode, until, type TestNode } from './harness';

const KEYS = ['z0', 'z1', 'z2', 'z3'];

async function zsets(r: Redis): Promise<Record<string, string[] | string>> {
  const out: Record<string, string[] | string> = {};
  for (const k of [...KEYS, 'big']) {
    const t = await r.type(k);
    out[k] = t === 'zset' ? await r.zrange(k, 0, -1, 'WITHSCORES') : t;
  }
  return out;
}

describe('replication of the blocking sorted-set pops', function () {
  this.timeout(60000);
  const nodes: TestNode[] = [];
  afterEach(async () => {
    for (const t of nodes.splice(0)) await t.stop();
  });

  it('random writes serving BZPOPMIN/BZPOPMAX/BZMPOP waiters: equal sorted sets on the primary and the replica', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online');
    const r = rng(12);
    const blockers: Redis[] = [];
    let served = 0;
    let blockedSeen = 0;
    try {
      for (let round = 0; round < 10; round++) {
        // Most keys emptied first, so that most clients block and the writes below serve them.
        const gone = KEYS.filter(() => r.chance(0.7));
        if (gone.length > 0) await a.client.del(...gone);
        for (let i = 0; i < 3; i++) {
          const c = new Redis({ port: a.port, host: '127.0.0.1' });
          blockers.push(c);
          const k = r.pick(KEYS);
          const which = r.int(3);
          const count = (x: unknown) => {
            if (Array.isArray(x)) served++;
          };
          if (which === 0) void c.bzpopmin(k, r.pick(KEYS), 0.3).then(count, () => undefined);
          else if (which === 1) void c.bzpopmax(k, 0.3).then(count, () => undefined);
          else void c.call('BZMPOP', '0.3', '2', k, r.pick(KEYS), r.pick(['MIN', 'MAX']), 'COUNT', '2').then(count, () => undefined);
        }
        await new Promise((res) => setTimeout(res, 30)); // connected, and blocked where nothing was there
        blockedSeen += a.node.blocking.size;
        const p = a.client.pipeline();
        for (let i = 0; i < 30; i++) {
          const k = r.pick(KEYS);
          const m = () => r.pick(['a', 'b', 'c', '', 'long'.repeat(20)]);
          const sc = () => r.pick(['0', '-1', '1.5', '0.1', 'inf', '7']);
          const cmd = r.pick([
            ['ZADD', k, sc(), m(), sc(), m()],
            ['ZADD', k, sc(), m()],
            ['ZINCRBY', k, sc(), m()],
            ['ZREM', k, m()],
            ['ZPOPMIN', k],
            ['ZUNIONSTORE', k, '2', r.pick(KEYS), r.pick(KEYS)],
            ['ZRANGESTORE', k, r.pick(KEYS), '0', '1'],
            ['ZADD', 'big', sc(), `m${r.int(300)}`],
          ]);
          p.call(cmd[0], ...cmd.slice(1));
        }
        await p.exec();
        await new Promise((res) => setTimeout(res, 20));
      }
      await new Promise((res) => setTimeout(res, 400)); // every wait over
      expect(blockedSeen, 'clients that blocked').to.be.greaterThan(5);
      expect(served, 'clients served').to.be.greaterThan(5);
      expect(await a.client.wait(1, 5000)).to.equal(1);
      await until(() => b.node.repl.offset === a.node.repl.offset, 'replica caught up', 5000);
      const want = await zsets(a.client);
      expect(Object.values(want).filter((v) => Array.isArray(v) && v.length > 0).length).to.be.greaterThan(1);
      expect(await zsets(b.client)).to.deep.equal(want);
    } finally {
      for (const c of blockers) c.disconnect();
    }
  });

  it('a served BZPOPMIN on a large set adds only its pop to the stream', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online');
    const blocker = new Redis({ port: a.port, host: '127.0.0.1' });
    try {
      const popped = blocker.bzpopmin('other', 'big', 0);
      await until(() => a.node.blocking.size === 1, 'client blocked');
      const members: (string | number)[] = [];
      for (let i = 0; i < 5000; i++) members.push(i, `member:${i}`);
      const at = a.node.repl.offset;
      await a.client.zadd('big', ...members);
      expect(await popped).to.deep.equal(['big', 'member:0', '0']);
      // The ZADD as sent (its scores print as sent), then ZPOPMIN big 1: a few dozen bytes.
      const zadd = encodeCommand(['ZADD', 'big', ...members.map(String)]).length;
      expect(a.node.repl.offset - at - zadd).to.be.within(1, 100);
      await until(() => b.node.repl.offset === a.node.repl.offset, 'replica caught up', 5000);
      expect(await b.client.zcard('big')).to.equal(4999);
      expect(await b.client.zrange('big', 0, 0)).to.deep.equal(['member:1']);
    } finally {
      blocker.disconnect();
    }
  });
});
