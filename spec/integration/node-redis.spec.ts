// node-redis (the `redis` package, v6) against a real node process, in RESP2 (its default) and RESP3
// (`RESP: 3`, which sends HELLO 3): the everyday commands on many keys, binary values, a pipeline
// (multi-command batch without MULTI) and the errors it parses.
import { expect } from 'chai';
import { createClient, RESP_TYPES } from 'redis';
import { startServer, type ServerProcess } from '../helpers/server-process';

describe('integration: node-redis', function () {
  this.timeout(30000);
  let server: ServerProcess;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  for (const RESP of [2, 3] as const) {
    describe(`RESP${RESP}`, () => {
      it('SET/GET/INCR/DEL/EXPIRE/TTL on 1000 keys, MGET/MSET, and a batch of 1000 commands', async () => {
        const client = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP });
        client.on('error', () => undefined);
        await client.connect();
        try {
          const p = `nr${RESP}:`;
          for (let i = 0; i < 1000; i++) expect(await client.set(`${p}${i}`, `v${i}`)).to.equal('OK');
          expect(await client.get(`${p}999`)).to.equal('v999');
          expect(await client.incr(`${p}counter`)).to.equal(1);
          expect(await client.incrBy(`${p}counter`, 41)).to.equal(42);
          expect(await client.expire(`${p}1`, 100)).to.equal(1);
          const ttl = await client.ttl(`${p}1`);
          expect(ttl).to.be.within(99, 100);
          expect(await client.ttl(`${p}2`)).to.equal(-1);
          expect(await client.mSet({ [`${p}a`]: '1', [`${p}b`]: '2' })).to.equal('OK');
          expect(await client.mGet([`${p}a`, `${p}b`, `${p}none`])).to.deep.equal(['1', '2', null]);
          expect(await client.del([`${p}a`, `${p}b`, `${p}none`])).to.equal(2);
          const batch = client.multi();
          for (let i = 0; i < 1000; i++) batch.get(`${p}${i}`);
          const got = await batch.execAsPipeline();
          expect(got).to.have.length(1000);
          expect(got[500]).to.equal('v500');
          expect(await client.dbSize()).to.be.at.least(1001);
          const info = String(await client.sendCommand(['CLIENT', 'INFO']));
          expect(info).to.include(` resp=${RESP} `); // RESP3 was negotiated with HELLO 3
        } finally {
          client.destroy();
        }
      });

      it('binary values round-trip byte for byte; a wrong-arity command rejects with Redis\'s text', async () => {
        const client = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP }).withTypeMapping({
          [RESP_TYPES.BLOB_STRING]: Buffer,
        });
        client.on('error', () => undefined);
        await client.connect();
        try {
          const all = Buffer.from([...Array(256).keys()]);
          await client.set(`nrbin${RESP}`, all);
          const back = (await client.get(`nrbin${RESP}`)) as unknown as Buffer;
          expect(Buffer.compare(back, all)).to.equal(0);
          let message = '';
          try {
            await client.sendCommand(['GET']);
          } catch (e) {
            message = (e as Error).message;
          }
          expect(message).to.equal("ERR wrong number of arguments for 'get' command");
        } finally {
          client.destroy();
        }
      });
    });
  }
});
