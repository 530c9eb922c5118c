// ioredis 5 (RESP2) and ioredis 6 (HELLO 3 on connect, back to RESP2 when the node has no HELLO) against
// a real node process: many keys, big pipelines, binary values, a 5 MB value.
import { expect } from 'chai';
import * as crypto from 'crypto';
import Redis from 'ioredis';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { hasCommands, needs } from './needs';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Redis6 = require('ioredis6').default as typeof Redis;

/** ioredis checks readiness with INFO; without INFO in this build the check would fail the connection. */
const readyCheck = hasCommands(['info']);

interface Flavour {
  name: string;
  connect(port: number): Redis;
}

const FLAVOURS: Flavour[] = [
  {
    name: 'ioredis 5',
    connect: (port) => new Redis({ port, host: '127.0.0.1', enableReadyCheck: readyCheck, lazyConnect: true }),
  },
  {
    name: 'ioredis 6',
    connect: (port) => new Redis6({ port, host: '127.0.0.1', enableReadyCheck: readyCheck, lazyConnect: true }),
  },
];

describe('integration: ioredis', function () {
  this.timeout(30000);
  let server: ServerProcess;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const flavour of FLAVOURS) {
    describe(flavour.name, () => {
      let r: Redis;
      /** Keys of this flavour, so the two flavours never see each other's keys. */
      const k = (s: string) => `${flavour.name}:${s}`;

      before(async () => {
        r = flavour.connect(server.port);
        r.on('error', () => undefined);
        await r.connect();
      });
      after(async () => {
        await r.quit();
      });

      it('SET, GET and DEL on 2000 keys', async () => {
        const keys = Array.from({ length: 2000 }, (_, i) => k(`key:${i}`));
        const sets = await Promise.all(keys.map((key, i) => r.set(key, `value-${i}`)));
        expect(sets.every((s) => s === 'OK')).to.equal(true);
        const gets = await Promise.all(keys.map((key) => r.get(key)));
        expect(gets).to.deep.equal(keys.map((_, i) => `value-${i}`));
        expect(await r.del(...keys.slice(0, 1000), k('never-set'))).to.equal(1000);
        expect(await r.get(keys[0])).to.equal(null);
        expect(await r.get(keys[1999])).to.equal('value-1999');
        expect(await r.del(...keys)).to.equal(1000);
      });

      it('a pipeline of 1000 commands gets 1000 replies in order', async () => {
        const p = r.pipeline();
        for (let i = 0; i < 500; i++) {
          p.set(k(`p:${i}`), String(i * 3));
          p.get(k(`p:${i}`));
        }
        const res = (await p.exec()) ?? [];
        expect(res).to.have.length(1000);
        for (let i = 0; i < 500; i++) {
          expect(res[2 * i]).to.deep.equal([null, 'OK']);
          expect(res[2 * i + 1]).to.deep.equal([null, String(i * 3)]);
        }
      });

      it('binary values and keys: every byte value round-trips through getBuffer', async () => {
        const all = Buffer.from([...Array(256).keys(), ...Array(256).keys()].reverse());
        const key = Buffer.concat([Buffer.from(k('bin:')), Buffer.from([0, 13, 10, 255])]);
        expect(await r.set(key, all)).to.equal('OK');
        const back = await r.getBuffer(key);
        expect(back).to.be.instanceOf(Buffer);
        expect(back!.equals(all)).to.equal(true);
      });

      it('a 5 MB value round-trips', async () => {
        const big = crypto.randomBytes(5 * 1024 * 1024);
        expect(await r.set(k('big'), big)).to.equal('OK');
        const back = await r.getBuffer(k('big'));
        expect(back!.length).to.equal(big.length);
        expect(back!.equals(big)).to.equal(true);
        expect(await r.del(k('big'))).to.equal(1);
      });

      it('errors reach the caller with Redis\'s text and the connection keeps working', async () => {
        let err: Error | null = null;
        try {
          await r.call('GET');
        } catch (e) {
          err = e as Error;
        }
        expect(err?.message).to.equal("ERR wrong number of arguments for 'get' command");
        expect(await r.ping()).to.equal('PONG');
      });

      needs(['expire', 'ttl', 'incr', 'mget', 'mset'])('EXPIRE, TTL, INCR, MGET, MSET', () => {
        it('work on many keys', async () => {
          const pairs: string[] = [];
          for (let i = 0; i < 500; i++) pairs.push(k(`m:${i}`), String(i));
          expect(await r.mset(...pairs)).to.equal('OK');
          const keys = pairs.filter((_, i) => i % 2 === 0);
          expect(await r.mget(...keys, k('m:missing'))).to.deep.equal([...keys.map((_, i) => String(i)), null]);
          const incrs = await Promise.all(keys.map((key) => r.incr(key)));
          expect(incrs).to.deep.equal(keys.map((_, i) => i + 1));
          expect(await r.incrby(k('m:0'), 41)).to.equal(42);
          expect(await r.expire(k('m:0'), 100)).to.equal(1);
          expect(await r.ttl(k('m:0'))).to.be.within(99, 100);
          expect(await r.ttl(k('m:1'))).to.equal(-1);
          expect(await r.ttl(k('m:missing'))).to.equal(-2);
          expect(await r.expire(k('m:missing'), 100)).to.equal(0);
          expect(await r.del(...keys)).to.equal(500);
        });
      });
    });
  }

  needs(['hello', 'client|info'])('ioredis 6 speaks RESP3 once the node has HELLO', () => {
    it('stays on protocol 3 and decodes RESP3 replies', async () => {
      const r = new Redis6({ port: server.port, host: '127.0.0.1', enableReadyCheck: readyCheck, lazyConnect: true });
      r.on('error', () => undefined);
      await r.connect();
      try {
        const info = (await r.call('CLIENT', 'INFO')) as string;
        expect(info).to.match(/\bresp=3\b/);
        expect(await r.get('resp3:missing')).to.equal(null);
        expect(await r.set('resp3:k', 'v')).to.equal('OK');
        expect(await r.get('resp3:k')).to.equal('v');
      } finally {
        await r.quit();
      }
    });
  });
});
