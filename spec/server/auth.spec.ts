// A real node started with --requirepass, reached by ioredis 5 (AUTH, RESP2) and ioredis 6 (HELLO 3 AUTH,
// RESP3) and by a raw socket.
import { expect } from 'chai';
import Redis from 'ioredis';
import { rawExchange, startServer, type ServerProcess } from '../helpers/server-process';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const Redis6 = require('ioredis6') as typeof Redis;

const PASSWORD = 'p@ss w0rd';

describe('server: requirepass (integration)', () => {
  let server: ServerProcess;
  const clients: Redis[] = [];

  /** A client that fails fast instead of reconnecting, closed after the suite. */
  function connect(Ctor: typeof Redis, password?: string): Redis {
    const r = new Ctor({
      host: '127.0.0.1',
      port: server.port,
      password,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    r.on('error', () => undefined);
    clients.push(r);
    return r;
  }

  before(async () => {
    server = await startServer(['--requirepass', PASSWORD]);
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    await server.stop();
  });

  it('ioredis 5 connects with the password (AUTH), sets and gets', async () => {
    const r = connect(Redis, PASSWORD);
    expect(await r.set('k5', 'v5')).to.equal('OK');
    expect(await r.get('k5')).to.equal('v5');
    // ioredis sent CLIENT SETINFO after AUTH: the node recorded it.
    expect(await r.client('INFO')).to.match(/ lib-name=ioredis lib-ver=\S+ ?\n?$/);
    expect(await r.client('INFO')).to.match(/ resp=2 /);
  });

  it('ioredis 6 connects with HELLO 3 AUTH default <password>, sets and gets over RESP3', async () => {
    const r = connect(Redis6, PASSWORD);
    expect(await r.set('k6', 'v6')).to.equal('OK');
    expect(await r.get('k6')).to.equal('v6');
    expect(await r.get('k5')).to.equal('v5');
    expect(String(await r.client('INFO'))).to.match(/ resp=3 /);
  });

  it('a client without the password gets NOAUTH', async () => {
    const r = connect(Redis);
    let error: Error | null = null;
    try {
      await r.get('k5');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('NOAUTH Authentication required.');
  });

  it('ioredis 6 without the password: its HELLO 3 gets NOAUTH and so does the command', async () => {
    const r = connect(Redis6);
    let error: Error | null = null;
    try {
      await r.get('k5');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/^NOAUTH HELLO must be called with the client already authenticated/);
  });

  it('on the wire: NOAUTH before AUTH, HELLO without AUTH refused, then AUTH and HELLO 3 work', async () => {
    const { data } = await rawExchange(
      server.port,
      `GET k5\r\nHELLO 3\r\nAUTH wrong\r\nAUTH "${PASSWORD}"\r\nHELLO 3\r\nGET k5\r\nQUIT\r\n`,
    );
    const lines = data.split('\r\n');
    expect(lines[0]).to.equal('-NOAUTH Authentication required.');
    expect(lines[1]).to.match(/^-NOAUTH HELLO must be called with the client already authenticated/);
    expect(lines[2]).to.equal('-WRONGPASS invalid username-password pair or user is disabled.');
    expect(lines[3]).to.equal('+OK');
    expect(lines[4]).to.equal('%7');
    expect(data).to.include('$5\r\nproto\r\n:3\r\n');
    expect(data).to.match(/\$2\r\nv5\r\n\+OK\r\n$/);
  });
});
