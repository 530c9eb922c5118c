// enable-debug-command over real connections: local lets a 127.0.0.1 client run DEBUG; the default refuses it.
import { expect } from 'chai';
import { rawExchange, startServer, type ServerProcess } from '../helpers/server-process';

describe('integration: enable-debug-command', function () {
  this.timeout(20000);
  let server: ServerProcess | null = null;
  afterEach(async () => {
    if (server) await server.stop();
    server = null;
  });

  it('local: a loopback connection may run DEBUG', async () => {
    server = await startServer(['--enable-debug-command', 'local']);
    const r = await rawExchange(server.port, 'DEBUG SLEEP 0\r\n', 500);
    expect(r.data).to.equal('+OK\r\n');
  });

  it('default (no): DEBUG is refused with Redis 7\'s text', async () => {
    server = await startServer();
    const r = await rawExchange(server.port, 'DEBUG SLEEP 0\r\n', 500);
    expect(r.data).to.match(/^-ERR DEBUG command not allowed\. If the enable-debug-command option is set to "local"/);
  });
});
