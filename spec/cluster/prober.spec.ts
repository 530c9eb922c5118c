// The coordinator's prober (opens sockets on 127.0.0.1): a node whose listener goes away after being up
// is reported down at once; one that stays up, or that was dropped from the targets, is not.
import { expect } from 'chai';
import * as net from 'net';
import { Prober } from '../../lib/cluster/prober';

function listen(): Promise<{ server: net.Server; port: number; sockets: Set<net.Socket> }> {
  return new Promise((resolve) => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as net.AddressInfo).port, sockets }));
  });
}

const until = async (what: string, pred: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('cluster/prober', () => {
  it('reports a node whose process went away (connection closed, then refused), once', async () => {
    const a = await listen();
    const b = await listen();
    const down: string[] = [];
    const p = new Prober((id) => down.push(id));
    p.update(new Map([['a', { ip: '127.0.0.1', port: a.port }], ['b', { ip: '127.0.0.1', port: b.port }]]));
    await until('both connected', () => a.sockets.size === 1 && b.sockets.size === 1);
    a.server.close();
    for (const s of a.sockets) s.destroy(); // what the kernel does when the process dies
    await until('a reported', () => down.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(down).to.deep.equal(['a']);
    p.stop();
    b.server.close();
    for (const s of b.sockets) s.destroy();
  });

  it('does not report a node dropped from the targets, and closes its connection', async () => {
    const a = await listen();
    const down: string[] = [];
    const p = new Prober((id) => down.push(id));
    p.update(new Map([['a', { ip: '127.0.0.1', port: a.port }]]));
    await until('connected', () => a.sockets.size === 1);
    p.update(new Map());
    await until('closed', () => a.sockets.size === 0);
    a.server.close();
    await new Promise((r) => setTimeout(r, 300));
    expect(down).to.deep.equal([]);
    p.stop();
  });
});
