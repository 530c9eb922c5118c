// The launcher's RESP client. Decoding itself is the shared decoder's (spec/protocol/resp-decoder.spec.ts);
// here: the request encoding, command() against a scripted server on 127.0.0.1 (OPENS SOCKETS), INFO text.
import { expect } from 'chai';
import * as net from 'net';
import { command, encodeCommand, infoFields, RespError } from '../../lib/launcher/resp';

/** A server that answers the first request on each connection with `reply`, one byte per write. */
async function scripted(reply: string | null): Promise<{ port: number; close: () => Promise<void> }> {
  const socks: net.Socket[] = [];
  const server = net.createServer((sock) => {
    socks.push(sock);
    sock.on('error', () => undefined);
    sock.once('data', () => {
      if (reply === null) sock.end();
      else for (const ch of reply) sock.write(Buffer.from(ch, 'latin1'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('launcher RESP helper', () => {
  it('encodes a command as a multibulk', () => {
    expect(encodeCommand(['CLUSTER', 'INFO'])).to.equal('*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n');
    expect(encodeCommand(['SET', 'k', ''])).to.equal('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  });

  it('command() resolves with the reply, arriving byte by byte (opens sockets)', async () => {
    const s = await scripted('*3\r\n$5\r\na\r\nbc\r\n:7\r\n$-1\r\n');
    try {
      expect(await command(s.port, ['PING'])).to.deep.equal(['a\r\nbc', 7, null]);
    } finally {
      await s.close();
    }
  });

  it('command() returns an error reply as a RespError, and undefined when the server just closes', async () => {
    const s = await scripted('-MOVED 1 127.0.0.1:7001\r\n');
    const t = await scripted(null);
    try {
      const r = await command(s.port, ['GET', 'x']);
      expect(r).to.be.instanceOf(RespError);
      expect((r as RespError).message).to.equal('MOVED 1 127.0.0.1:7001');
      expect(await command(t.port, ['SHUTDOWN'])).to.equal(undefined);
    } finally {
      await s.close();
      await t.close();
    }
  });

  it('command() rejects on a byte that is not RESP2', async () => {
    const s = await scripted('%0\r\n');
    try {
      await command(s.port, ['HELLO']).then(
        () => expect.fail('resolved'),
        (e: Error) => expect(e.message).to.match(/Protocol error: unexpected reply type byte "%"/),
      );
    } finally {
      await s.close();
    }
  });

  it('splits INFO-style text into fields', () => {
    const f = infoFields('cluster_state:ok\r\ncluster_current_epoch:5\r\n# Section\r\n');
    expect(f.get('cluster_state')).to.equal('ok');
    expect(f.get('cluster_current_epoch')).to.equal('5');
    expect(f.size).to.equal(2);
  });
});
