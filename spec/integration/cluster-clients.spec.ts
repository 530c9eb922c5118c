// Cluster clients against one shared 3-node cluster on a real etcd: ioredis 5 and 6 (Cluster) and
// node-redis (createCluster) route by themselves from CLUSTER SLOTS and follow MOVED. Each client uses
// its own key prefix, so they never see each other's keys.
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { keySlot } from '../../lib/util/slots';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { ReplyError } from '../helpers/resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Cluster6 = require('ioredis6').Cluster as typeof Cluster;

const CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";

/** The common surface both clients are driven through. */
interface Driver {
  set(k: string, v: string): Promise<unknown>;
  get(k: string): Promise<string | null>;
  del(k: string): Promise<number>;
  expire(k: string, s: number): Promise<number>;
  ttl(k: string): Promise<number>;
  incr(k: string): Promise<number>;
  mget(keys: string[]): Promise<Array<string | null>>;
  /** MGET sent as one command to the node owning keys[0] (node-redis splits a cross-slot mGet by itself). */
  mgetUnsplit(keys: string[]): Promise<Array<string | null>>;
  /** True when the client splits a cross-slot MGET by slot itself. */
  splitsMget: boolean;
  /** SETs then GETs every key in one pipeline sent to one node; resolves with the GET replies. */
  pipeline(keys: string[], value: (k: string) => string): Promise<unknown[]>;
  close(): Promise<void>;
}

function ioredisDriver(ClusterClass: typeof Cluster, port: number): Driver {
  const r = new ClusterClass([{ host: '127.0.0.1', port }], { redisOptions: { enableReadyCheck: true } });
  r.on('error', () => undefined);
  return {
    set: (k, v) => r.set(k, v),
    get: (k) => r.get(k),
    del: (k) => r.del(k),
    expire: (k, s) => r.expire(k, s),
    ttl: (k) => r.ttl(k),
    incr: (k) => r.incr(k),
    mget: (keys) => r.mget(keys),
    mgetUnsplit: (keys) => r.mget(keys),
    splitsMget: false,
    async pipeline(keys, value) {
      const p = r.pipeline();
      for (const k of keys) p.set(k, value(k));
      for (const k of keys) p.get(k);
      const res = (await p.exec())!;
      for (const [err] of res) if (err) throw err;
      return res.slice(keys.length).map(([, v]) => v);
    },
    close: async () => void (await r.quit()),
  };
}

function nodeRedisDriver(port: number): Driver {
  const c = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${port}` }] });
  c.on('error', () => undefined);
  let connected: Promise<unknown> | undefined;
  const ready = async () => {
    connected ??= c.connect();
    await connected;
    return c;
  };
  return {
    set: async (k, v) => (await ready()).set(k, v),
    get: async (k) => (await ready()).get(k) as Promise<string | null>,
    del: async (k) => (await ready()).del(k) as Promise<number>,
    expire: async (k, s) => Number(await (await ready()).expire(k, s)),
    ttl: async (k) => (await ready()).ttl(k) as Promise<number>,
    incr: async (k) => (await ready()).incr(k) as Promise<number>,
    mget: async (keys) => (await ready()).mGet(keys) as Promise<Array<string | null>>,
    mgetUnsplit: async (keys) => (await (await ready()).getNodeClientForKey(keys[0])).mGet(keys) as Promise<Array<string | null>>,
    splitsMget: true,
    async pipeline(keys, value) {
      const m = (await ready()).multi();
      for (const k of keys) m.set(k, value(k));
      for (const k of keys) m.get(k);
      const res = (await m.execAsPipeline()) as unknown[];
      return res.slice(keys.length);
    },
    close: async () => void (await (await ready()).close()),
  };
}

describe('integration: cluster clients (ioredis 5, ioredis 6, node-redis)', function () {
  this.timeout(60000);
  let cluster: TestCluster;

  before(async () => {
    cluster = await startCluster({ nodes: 3 });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('SELECT 1 answers as Redis in cluster mode; SELECT 0 is fine', async () => {
    const r = await cluster.command(cluster.seed, 'SELECT', '1');
    expect(r).to.be.instanceOf(ReplyError);
    expect((r as Error).message).to.equal('ERR SELECT is not allowed in cluster mode');
    expect(await cluster.command(cluster.seed, 'SELECT', '0')).to.equal('OK');
  });

  const FLAVOURS: Array<{ name: string; connect(port: number): Driver }> = [
    { name: 'ioredis 5', connect: (port) => ioredisDriver(Cluster, port) },
    { name: 'ioredis 6', connect: (port) => ioredisDriver(Cluster6, port) },
    { name: 'node-redis', connect: (port) => nodeRedisDriver(port) },
  ];

  for (const flavour of FLAVOURS) {
    describe(flavour.name, () => {
      let d: Driver;
      const p = `${flavour.name.replace(/ /g, '')}:`;

      before(() => {
        d = flavour.connect(cluster.seed);
      });
      after(async () => {
        await d?.close();
      });

      it('SET/GET/DEL/EXPIRE/TTL/INCR on 1000 keys spread over every node', async () => {
        const keys = Array.from({ length: 1000 }, (_, i) => `${p}k:${i}`);
        const sets = await Promise.all(keys.map((k, i) => d.set(k, `v${i}`)));
        expect(sets.every((s) => s === 'OK')).to.equal(true);
        const gets = await Promise.all(keys.map((k) => d.get(k)));
        expect(gets).to.deep.equal(keys.map((_, i) => `v${i}`));
        // The keys really are spread: every node holds some of them, and the node holding each is its slot's owner.
        const owners = await cluster.slotOwners(cluster.seed);
        for (const n of cluster.live()) {
          const mine = keys.filter((k) => owners[keySlot(k)] === n.port);
          expect(mine.length, `keys of ${n.port}`).to.be.greaterThan(100);
          expect(await cluster.command(n.port, 'GET', mine[0])).to.equal(`v${keys.indexOf(mine[0])}`);
        }
        const exp = await Promise.all(keys.slice(0, 500).map((k) => d.expire(k, 100)));
        expect(exp.every((x) => x === 1)).to.equal(true);
        const ttls = await Promise.all(keys.map((k) => d.ttl(k)));
        for (let i = 0; i < 1000; i++) {
          if (i < 500) expect(ttls[i], keys[i]).to.be.within(99, 100);
          else expect(ttls[i], keys[i]).to.equal(-1);
        }
        expect(await d.ttl(`${p}missing`)).to.equal(-2);
        const incrs = await Promise.all(keys.map((k, i) => (i % 2 === 0 ? d.incr(`${p}n:${i}`) : d.incr(`${p}n:${i - 1}`))));
        expect(incrs.filter((x) => x === 1).length).to.equal(500);
        expect(incrs.filter((x) => x === 2).length).to.equal(500);
        const dels = await Promise.all(keys.map((k) => d.del(k)));
        expect(dels.every((x) => x === 1)).to.equal(true);
        expect(await Promise.all(keys.slice(0, 50).map((k) => d.get(k)))).to.deep.equal(new Array(50).fill(null));
      });

      it('pipelines: one per hash tag for 20 tags (every node gets some), and one across slots of one node', async () => {
        const owners = await cluster.slotOwners(cluster.seed);
        const tagPorts = new Set<number>();
        const runs = Array.from({ length: 20 }, async (_, t) => {
          const keys = Array.from({ length: 50 }, (_, i) => `${p}{tag${t}}:${i}`);
          tagPorts.add(owners[keySlot(keys[0])]);
          expect(await d.pipeline(keys, (k) => `${k}=v`)).to.deep.equal(keys.map((k) => `${k}=v`));
        });
        await Promise.all(runs);
        expect(tagPorts.size).to.equal(3);
        // Keys in 50 different slots, all owned by one node: one pipeline, answered by that node.
        const port = cluster.live()[1].port;
        const keys: string[] = [];
        const slots = new Set<number>();
        for (let i = 0; keys.length < 50; i++) {
          const k = `${p}x:${i}`;
          if (owners[keySlot(k)] === port && !slots.has(keySlot(k))) {
            keys.push(k);
            slots.add(keySlot(k));
          }
        }
        expect(await d.pipeline(keys, (k) => k.toUpperCase())).to.deep.equal(keys.map((k) => k.toUpperCase()));
        expect(await cluster.command(port, 'GET', keys[49])).to.equal(keys[49].toUpperCase());
      });

      it('MGET with one hash tag works; without, it gets CROSSSLOT', async () => {
        const tagged = [0, 1, 2].map((i) => `${p}{user42}:f${i}`);
        await Promise.all(tagged.slice(0, 2).map((k) => d.set(k, k)));
        expect(await d.mget(tagged)).to.deep.equal([tagged[0], tagged[1], null]);
        const untagged = [`${p}alpha`, `${p}beta`];
        expect(keySlot(untagged[0])).to.not.equal(keySlot(untagged[1]));
        if (d.splitsMget) {
          await d.set(untagged[0], 'a');
          expect(await d.mget(untagged), 'the client splits the MGET by slot').to.deep.equal(['a', null]);
        }
        let err: Error | undefined;
        try {
          await d.mgetUnsplit(untagged);
        } catch (e) {
          err = e as Error;
        }
        expect(err, 'MGET across slots must fail').to.be.instanceOf(Error);
        expect(err!.message.startsWith(CROSSSLOT), err!.message).to.equal(true);
      });
    });
  }
});
