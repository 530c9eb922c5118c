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

describe('the LRU clock of a listening node', () => {
  it('is kept by the cron from the system clock, and OBJECT IDLETIME reads it', async () => {
    const config = new Config();
    config.set('bind', '127.0.0.1');
    config.set('port', '0');
    config.set('hz', '100');
    const node = createNode(config);
    node.log.level = 'nothing';
    expect(node.env.lruClock).to.equal(-1); // not listening: every access reads the clock
    await node.listen();
    try {
      const now = Math.floor(Date.now() / 1000);
      expect(node.env.lruClock).to.be.within(now - 1, now);
      // A stale cached clock shows in the idle time of a key touched by it.
      node.env.lruClock -= 5;
      const db = node.dbs[0];
      db.set('k', '$1\r\nv\r\n', 0);
      node.env.lruClock += 5;
      expect(db.lruNow() - db.accessField(db.peek('k'))).to.equal(5);
      await new Promise((r) => setTimeout(r, 50)); // a few cron ticks
      expect(node.env.lruClock).to.be.within(Math.floor(Date.now() / 1000) - 1, Math.floor(Date.now() / 1000));
    } finally {
      await node.shutdown();
    }
  });
});
