// Bitmaps and HyperLogLogs through replication (in-process nodes: a primary and a replica). Their effects
// are the commands themselves (SETBIT, BITFIELD, BITOP, PFADD, PFMERGE, PFCOUNT's cache, PFDEBUG), so a
// replica must end with the primary's bytes exactly after a seeded random mix of them with short TTLs that
// really expire; and the stream must carry command-sized effects: a SETBIT into a 1 MB bitmap is not the
// bitmap.
import { expect } from 'chai';
import { rng } from '../helpers/differential';
import { dumpAll, startNode, until, type TestNode } from './harness';

const KEYS = ['b1', 'b2', 'b3', 'p1', 'p2', 'p3'];

function infoField(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return m ? Number(m[1]) : NaN;
}

describe('replication of bitmaps and HyperLogLogs', function () {
  this.timeout(60000);
  const nodes: TestNode[] = [];
  afterEach(async () => {
    for (const t of nodes.splice(0)) await t.stop();
  });

  async function pair(): Promise<[TestNode, TestNode]> {
    const a = await startNode();
    const b = await startNode();
    nodes.push(a, b);
    await b.client.replicaof('127.0.0.1', String(a.port));
    await until(() => a.node.repl.replicas().filter((x) => x.online).length === 1, 'replica online');
    return [a, b];
  }

  async function synced(a: TestNode, b: TestNode): Promise<void> {
    expect(await a.client.wait(1, 5000)).to.equal(1);
    await until(() => b.node.repl.offset === a.node.repl.offset, 'replica at the primary offset', 5000);
  }

  for (const seed of [7, 99]) {
    it(`seed ${seed}: every key equal on the replica, byte for byte, with its TTL`, async () => {
      const [a, b] = await pair();
      const r = rng(seed);
      const k = () => r.pick(KEYS);
      const bit = () => String(r.chance(0.1) ? r.int(200000) : r.int(3000));
      const gens: (() => string[])[] = [
        () => ['SETBIT', k(), bit(), r.pick(['0', '1'])],
        () => ['BITFIELD', k(), 'OVERFLOW', r.pick(['WRAP', 'SAT', 'FAIL']), 'INCRBY', `${r.pick(['i', 'u'])}${1 + r.int(40)}`, String(r.int(5000)), String(r.int(2000) - 1000)],
        () => ['BITOP', r.pick(['AND', 'OR', 'XOR']), k(), k(), k()],
        () => ['BITOP', 'NOT', k(), k()],
        () => ['PFADD', k(), ...Array.from({ length: r.pick([1, 5, 50, 500]) }, () => `e${r.int(20000)}`)],
        () => ['PFMERGE', k(), k(), k()],
        () => ['PFCOUNT', k()],
        () => ['PFDEBUG', 'TODENSE', k()],
        () => ['PEXPIRE', k(), String(20 + r.int(150))],
        () => ['GETBIT', k(), bit()],
        () => ['DEL', k()],
      ];
      let errors = 0;
      for (let batch = 0; batch < 30; batch++) {
        const p = a.client.pipeline();
        for (let i = 0; i < 30; i++) {
          const [name, ...args] = r.pick(gens)();
          p.call(name, ...args);
        }
        for (const [err] of (await p.exec()) ?? []) if (err) errors++;
        if (r.chance(0.3)) await new Promise((res) => setTimeout(res, 10 + r.int(60)));
      }
      expect(errors, 'WRONGTYPE between bitmaps and HLLs happens').to.be.greaterThan(0);
      // Past the short TTLs, then every key read on the primary (expiring lazily: its DEL is streamed).
      await new Promise((res) => setTimeout(res, 200));
      await a.client.exists(...KEYS);
      for (const key of KEYS) await a.client.call('PFCOUNT', key).catch(() => undefined);
      await synced(a, b);
      const want = await dumpAll(a.client);
      expect(want.length, 'keys left').to.be.greaterThan(0);
      expect(await dumpAll(b.client)).to.deep.equal(want);
      // dumpAll reads values as text; compare the bytes too.
      for (const key of KEYS) expect(await b.client.getBuffer(key).catch(() => null), key).to.deep.equal(await a.client.getBuffer(key).catch(() => null));
    });
  }

  it('the stream carries command-sized effects: a SETBIT or BITFIELD into a 1 MB bitmap adds < 100 bytes', async () => {
    const [a, b] = await pair();
    await a.client.setbit('big', 8 * 1024 * 1024 - 1, 1);
    await a.client.pfadd('hll', ...Array.from({ length: 5000 }, (_, i) => `x${i}`));
    await synced(a, b);
    const offset = async () => infoField(await a.client.info('replication'), 'master_repl_offset');
    const steps: [string, () => Promise<unknown>][] = [
      ['SETBIT', () => a.client.setbit('big', 12345, 1)],
      ['BITFIELD', () => a.client.call('BITFIELD', 'big', 'INCRBY', 'u8', '800', '3')],
      ['PFADD into a dense HLL', () => a.client.pfadd('hll', 'new-one', 'new-two')],
      ['PFCOUNT caching the cardinality', () => a.client.pfcount('hll')],
    ];
    for (const [what, run] of steps) {
      const before = await offset();
      await run();
      const grew = (await offset()) - before;
      expect(grew, what).to.be.greaterThan(0).and.lessThan(100);
    }
    await synced(a, b);
    expect((await b.client.getBuffer('big'))?.equals((await a.client.getBuffer('big')) as Buffer)).to.equal(true);
    expect((await b.client.getBuffer('hll'))?.equals((await a.client.getBuffer('hll')) as Buffer)).to.equal(true);
  });
});
