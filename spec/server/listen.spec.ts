// A listening node survives errors its servers report after listen (EMFILE on accept...): logged, not thrown.
import { expect } from 'chai';
import type * as net from 'net';
import { Config } from '../../lib/config/config';
import { createNode } from '../../lib/create-node';

describe('Node.listen', () => {
  it('logs server errors after listening instead of crashing', async () => {
    const config = new Config();
    config.set('bind', '127.0.0.1');
    config.set('port', '0');
    const node = createNode(config);
    const logged: string[] = [];
    node.log.warning = (msg: string) => void logged.push(msg);
    await node.listen();
    try {
      const server = (node as unknown as { servers: net.Server[] }).servers[0];
      const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE' });
      for (let i = 0; i < 3; i++) expect(() => server.emit('error', emfile)).to.not.throw();
      expect(logged.filter((l) => l.includes('EMFILE'))).to.have.length(3);
    } finally {
      await node.shutdown();
    }
  });
});
