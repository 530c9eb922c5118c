// Large values across a full sync (in-process nodes): a replica attached to a primary holding collections
// of 100k elements gets them in pieces (REPLSNAP-PIECE, staged and set whole with the last piece), with
// writes to them during the sync, and ends equal to the primary with nothing left staged.
import { expect } from 'chai';
import type Redis from 'ioredis';
import { startNode, until, type TestNode } from './harness';

const N = 100_000;

async function fill(r: Redis): Promise<void> {
  for (let i = 0; i < N; i += 1000) {
    const p = r.pipeline();
    const h: string[] = [];
    const l: string[] = [];
    const s: string[] = [];
    const z: string[] = [];
    for (let j = i; j < i + 1000; j++) {
      h.push(`f${j}`, `v${j}`);
      l.push(`e${j}`);
      s.push(`m${j}`);
      z.push(String(j % 977), `z${j}`);
    }
    p.hset('hash', ...h);
    p.rpush('list', ...l);
    p.sadd('set', ...s);
    p.zadd('zset', ...z);
    await p.exec();
  }
  await r.call('HPEXPIRE', 'hash', '900000', 'FIELDS', '3', 'f1', 'f500', 'f99999');
  await r.pexpire('set', 800000);
  for (let i = 0; i < 300; i++) await r.set(`small${i}`, `v${i}`);
}

async function contents(r: Redis): Promise<unknown> {
  const hash = await r.hgetall('hash');
  return {
    hash: Object.keys(hash)
      .sort()
      .map((k) => [k, hash[k]]),
    fieldTtl: await r.call('HPEXPIRETIME', 'hash', 'FIELDS', '3', 'f1', 'f500', 'f2'),
    list: await r.lrange('list', 0, -1),
    set: (await r.smembers('set')).sort(),
    setTtl: await r.pexpiretime('set'),
    zset: await r.zrange('zset', 0, -1, 'WITHSCORES'),
    small: await r.mget('small0', 'small299'),
    dbsize: await r.dbsize(),
  };
}

describe('replication of large values', function () {
  this.timeout(120000);
  const nodes: TestNode[] = [];
  afterEach(async () => {
    for (const t of nodes.splice(0)) await t.stop();
  });

  /** One write to each large key and a small one (through the primary's client), round i. */
  async function writeAll(r: Redis, i: number): Promise<void> {
    const p = r.pipeline();
    p.hset('hash', `w${i}`, 'x', 'f7', `c${i}`);
    p.rpush('list', `w${i}`);
    p.lpop('list');
    p.sadd('set', `w${i}`);
    p.srem('set', `m${i}`);
    p.zadd('zset', String(-i), `w${i}`);
    p.zincrby('zset', 1.5, 'z3');
    p.set(`small${i}`, `changed${i}`);
    await p.exec();
  }

  async function synced(a: TestNode, b: TestNode): Promise<void> {
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online', 60000);
  }

  async function equal(a: TestNode, b: TestNode): Promise<void> {
    expect(await a.client.wait(1, 5000)).to.equal(1);
    await until(() => b.node.repl.offset === a.node.repl.offset, 'replica caught up', 10000);
    expect(await contents(b.client)).to.deep.equal(await contents(a.client));
    expect(b.node.staging.size).to.equal(0);
    expect(b.node.env.memory.used).to.equal(b.node.dbs.reduce((n, db) => n + db.usedBytes, 0));
  }

  it('a full sync sends large collections in pieces; writes during the sync; equal after, nothing staged', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await fill(a.client);
    await b.client.replicaof('127.0.0.1', String(a.port));
    // Two bursts of writes while pieces go: the key in pieces starts over, the others get them by the stream.
    await until(() => a.node.repl.primary.snapPieces >= 30, 'pieces');
    await writeAll(a.client, 0);
    await until(() => a.node.repl.primary.snapPieces >= 220, 'more pieces');
    await writeAll(a.client, 1);
    await synced(a, b);
    // Four large keys of 100 pieces each, more for the ones the writes started over.
    expect(a.node.repl.primary.snapPieces).to.be.at.least((4 * N) / 1000 + 30);
    await equal(a, b);
  });

  it('keys written all through the sync end equal too (sent whole after three restarts)', async () => {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await fill(a.client);
    let i = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await writeAll(a.client, i++);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await b.client.replicaof('127.0.0.1', String(a.port));
    await synced(a, b);
    writing = false;
    await writer;
    expect(i).to.be.greaterThan(3);
    await equal(a, b);
  });
});
