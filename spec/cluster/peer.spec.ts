// Peer, the node-to-node RESP client. OPENS SOCKETS: fake servers on 127.0.0.1 (port 0) that answer
// scripted bytes, and one real Node for AUTH.
import { expect } from 'chai';
import * as net from 'net';
import { Peer, PeerError } from '../../lib/cluster/peer';
import { Config } from '../../lib/config/config';
import { createNode } from '../../lib/create-node';

/** A server that hands every received chunk to onData with its socket. */
async function fakeServer(onData: (sock: net.Socket, data: string) => void): Promise<{ port: number; server: net.Server; socks: net.Socket[] }> {
  const socks: net.Socket[] = [];
  const server = net.createServer((sock) => {
    socks.push(sock);
    sock.on('data', (d) => onData(sock, d.toString('latin1')));
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, server, socks };
}

async function closeServer(s: { server: net.Server; socks: net.Socket[] }): Promise<void> {
  for (const sock of s.socks) sock.destroy();
  await new Promise<void>((resolve) => s.server.close(() => resolve()));
}

describe('Peer (opens sockets)', () => {
  it('pipelines sends and parses every RESP2 reply type, fed one byte at a time', async () => {
    const replies = '+OK\r\n-ERR bad thing\r\n:-42\r\n$5\r\na\r\n\xff\x00\r\n$-1\r\n*-1\r\n*3\r\n:1\r\n*1\r\n$0\r\n\r\n$-1\r\n:0\r\n';
    let got = '';
    const srv = await fakeServer((sock, d) => {
      got += d;
      // Answer once all 8 requests arrived, byte by byte.
      if ((got.match(/\*1\r\n\$4\r\nPING\r\n/g) ?? []).length === 8) {
        for (const ch of replies) sock.write(Buffer.from(ch, 'latin1'));
      }
    });
    const p = new Peer('127.0.0.1', srv.port);
    try {
      const all = await Promise.all(Array.from({ length: 8 }, () => p.send(['PING'])));
      expect(all[0]).to.equal('OK');
      expect(all[1]).to.be.instanceOf(PeerError);
      expect((all[1] as PeerError).message).to.equal('ERR bad thing');
      expect(all.slice(2)).to.deep.equal([-42, 'a\r\n\xff\x00', null, null, [1, [''], null], 0]);
      expect(p.outstanding).to.equal(0);
    } finally {
      p.close();
      await closeServer(srv);
    }
  });

  it('sends binary arguments as bytes', async () => {
    let got = '';
    const srv = await fakeServer((sock, d) => {
      got += d;
      if (got.endsWith('\r\n') && got.includes('\x00\xff')) sock.write('+OK\r\n');
    });
    const p = new Peer('127.0.0.1', srv.port);
    try {
      expect(await p.send(['SET', 'k', '\x00\xff'])).to.equal('OK');
      expect(got).to.equal('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\x00\xff\r\n');
    } finally {
      p.close();
      await closeServer(srv);
    }
  });

  it('a lost connection rejects every outstanding send; the next send reconnects', async () => {
    let conns = 0;
    const srv = await fakeServer((sock, d) => {
      // In order: PING answers PONG, DROP closes the connection (what follows it is never answered).
      for (const m of d.matchAll(/PING|DROP/g)) {
        if (m[0] === 'DROP') return void sock.destroy();
        sock.write('+PONG\r\n');
      }
    });
    srv.server.on('connection', () => conns++);
    const p = new Peer('127.0.0.1', srv.port);
    try {
      const sends = [p.send(['PING']), p.send(['DROP']), p.send(['ECHO', 'x'])];
      const settled = await Promise.allSettled(sends);
      expect(settled[0]).to.deep.equal({ status: 'fulfilled', value: 'PONG' });
      expect(settled[1].status).to.equal('rejected');
      expect(settled[2].status).to.equal('rejected');
      expect(await p.send(['PING'])).to.equal('PONG');
      expect(conns).to.equal(2);
    } finally {
      p.close();
      await closeServer(srv);
    }
    await p.send(['PING']).then(
      () => expect.fail('send after close resolved'),
      (e: Error) => expect(e.message).to.equal('peer closed'),
    );
  });

  it('a refused connection rejects the send', async () => {
    const srv = await fakeServer(() => undefined);
    await closeServer(srv); // the port is now (very likely) free and refusing
    const p = new Peer('127.0.0.1', srv.port);
    const r = await p.send(['PING']).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(r).to.equal('rejected');
    p.close();
  });

  it('sends AUTH first when a password is set (against a real node with requirepass)', async () => {
    const config = new Config();
    config.set('bind', '127.0.0.1');
    config.set('port', '0');
    config.set('requirepass', 'secret');
    const node = createNode(config);
    const port = await node.listen();
    const good = new Peer('127.0.0.1', port, 'secret');
    const none = new Peer('127.0.0.1', port);
    try {
      expect(await good.send(['SET', 'k', 'v'])).to.equal('OK');
      expect(await good.send(['GET', 'k'])).to.equal('v');
      const r = await none.send(['GET', 'k']);
      expect(r).to.be.instanceOf(PeerError);
      expect((r as PeerError).message).to.match(/^NOAUTH/);
    } finally {
      good.close();
      none.close();
      await node.shutdown();
    }
  });
});
