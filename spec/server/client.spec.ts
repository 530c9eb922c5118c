// Client on a fake socket (no network): one write per read batch, protocol errors close after the reply,
// the query and output buffer limits, pausing a client that does not read. Time is the manual clock.
import { expect } from 'chai';
import { EventEmitter } from 'events';
import type * as net from 'net';
import * as E from '../../lib/protocol/errors';
import { Client } from '../../lib/server/client';
import { decodeResp2, ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

/** The parts of net.Socket that Client uses; records what it is asked to do. */
class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 50000;
  localAddress = '127.0.0.1';
  localPort = 6379;
  /** Bytes "not yet taken by the kernel": specs set it to simulate a client that does not read. */
  writableLength = 0;
  writes: Buffer[] = [];
  ended = false;
  destroyed = false;
  paused = false;
  write(data: string | Buffer, enc?: BufferEncoding): boolean {
    // Copied: with writableLength 0 the "kernel" took the bytes, and the client may reuse its buffer.
    this.writes.push(typeof data === 'string' ? Buffer.from(data, enc ?? 'utf8') : Buffer.from(data));
    return true;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  isPaused(): boolean {
    return this.paused;
  }
  /** Everything written, decoded as RESP2 replies. */
  replies(): unknown[] {
    return decodeResp2(Buffer.concat(this.writes));
  }
}

function connect(n: UnitNode): { c: Client; sock: FakeSocket } {
  const sock = new FakeSocket();
  const c = new Client(n.node, sock as unknown as net.Socket);
  n.node.clients.set(c.id, c);
  // Replies leave at the end of the event-loop turn (Node.flushLater): end the turn after each read.
  const onData = c.onData.bind(c);
  c.onData = (chunk: Buffer) => {
    onData(chunk);
    n.node.flushPending();
  };
  return { c, sock };
}

const cmd = (...args: string[]) => `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');

describe('Client', () => {
  it('replies leave at the end of the event-loop turn: one write per client, even for two reads in that turn', async () => {
    const n = new UnitNode();
    const a = new FakeSocket();
    const b = new FakeSocket();
    const ca = new Client(n.node, a as unknown as net.Socket);
    const cb = new Client(n.node, b as unknown as net.Socket);
    ca.onData(Buffer.from(cmd('SET', 'k', 'v')));
    cb.onData(Buffer.from('PING\r\n'));
    ca.onData(Buffer.from(cmd('GET', 'k')));
    expect(a.writes).to.have.length(0);
    expect(b.writes).to.have.length(0);
    await new Promise((r) => setImmediate(r));
    expect(a.writes).to.have.length(1);
    expect(a.replies()).to.deep.equal(['OK', 'v']);
    expect(b.replies()).to.deep.equal(['PONG']);
  });

  it('runs every command of one read and writes all replies in one socket write', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    c.onData(Buffer.from(cmd('SET', 'k', 'v') + 'PING\r\n' + cmd('GET', 'k') + cmd('GET', 'missing')));
    expect(sock.writes).to.have.length(1);
    expect(sock.replies()).to.deep.equal(['OK', 'PONG', 'v', null]);
    expect(n.node.stats.netOutputBytes).to.equal(sock.writes[0].length);
  });

  it('a command split across reads runs once it is complete', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    const frame = Buffer.from(cmd('SET', 'k', 'x'.repeat(50000)));
    c.onData(frame.subarray(0, 20000));
    expect(sock.writes).to.have.length(0);
    expect(c.queryBufferBytes).to.be.greaterThan(0);
    c.onData(frame.subarray(20000));
    expect(sock.replies()).to.deep.equal(['OK']);
    expect(n.run('GET', 'k')).to.equal('x'.repeat(50000));
  });

  it('a stored value keeps the exact bytes sent, binary included', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    const all = Buffer.from([...Array(256).keys()]);
    const frame = Buffer.concat([Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$256\r\n'), all, Buffer.from('\r\n')]);
    for (let i = 0; i < frame.length; i += 7) c.onData(frame.subarray(i, i + 7));
    c.onData(Buffer.from(cmd('GET', 'b')));
    const tail = Buffer.concat(sock.writes).subarray(-(256 + 2));
    expect(tail.subarray(0, 256).equals(all)).to.equal(true);
  });

  it('a protocol error: earlier replies, then the error, then the connection ends and is forgotten', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    c.onData(Buffer.from('PING\r\n*1\r\n$-5\r\nPING\r\n'));
    const r = sock.replies();
    expect(r[0]).to.equal('PONG');
    expect(r[1]).to.be.instanceOf(ReplyError);
    expect((r[1] as Error).message).to.equal(E.PROTO_INVALID_BULK_LEN);
    expect(r).to.have.length(2); // the PING after the bad frame never ran
    expect(sock.ended).to.equal(true);
    expect(c.closed).to.equal(true);
    expect(n.node.clients.has(c.id)).to.equal(false);
  });

  it('bytes arriving after the connection closed are ignored', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    c.onData(Buffer.from('*x\r\n'));
    const before = sock.writes.length;
    c.onData(Buffer.from('PING\r\n'));
    expect(sock.writes).to.have.length(before);
    expect(c.queryBufferBytes).to.equal(0);
  });

  it('QUIT replies OK, then closes', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    c.onData(Buffer.from('QUIT\r\nPING\r\n'));
    expect(sock.replies()).to.deep.equal(['OK']);
    expect(sock.ended).to.equal(true);
  });

  it('client-query-buffer-limit: a client whose unparsed input passes it is dropped, without a reply', () => {
    const n = new UnitNode({ 'client-query-buffer-limit': '1mb' });
    const { c, sock } = connect(n);
    c.onData(Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n'));
    c.onData(Buffer.alloc(1024 * 1024 - 100, 'a'));
    expect(sock.destroyed).to.equal(false);
    c.onData(Buffer.alloc(200, 'a'));
    expect(sock.destroyed).to.equal(true);
    expect(sock.writes).to.have.length(0);
    expect(n.node.stats.clientQueryLimitDisconnections).to.equal(1);
    expect(n.node.clients.has(c.id)).to.equal(false);
  });

  describe('client-output-buffer-limit (normal 1mb 512kb 1)', () => {
    const settings = { 'client-output-buffer-limit': 'normal 1mb 512kb 1' };

    it('past the hard limit: closed at once', () => {
      const n = new UnitNode(settings);
      const { c, sock } = connect(n);
      sock.writableLength = 1024 * 1024;
      c.onData(Buffer.from('PING\r\n'));
      expect(sock.destroyed).to.equal(true);
      expect(n.node.stats.clientOutputLimitDisconnections).to.equal(1);
    });

    it('over the soft limit for the soft seconds: closed by the check after that', () => {
      const n = new UnitNode(settings);
      const { c, sock } = connect(n);
      sock.writableLength = 600 * 1024;
      c.onData(Buffer.from('PING\r\n'));
      expect(sock.destroyed).to.equal(false);
      n.clock.advance(999);
      c.checkOutputLimits();
      expect(sock.destroyed).to.equal(false);
      n.clock.advance(1);
      c.checkOutputLimits();
      expect(sock.destroyed).to.equal(true);
    });

    it('dropping under the soft limit resets the soft-limit timer', () => {
      const n = new UnitNode(settings);
      const { c, sock } = connect(n);
      sock.writableLength = 600 * 1024;
      c.onData(Buffer.from('PING\r\n'));
      n.clock.advance(900);
      sock.writableLength = 100;
      c.checkOutputLimits();
      expect(c.softLimitSince).to.equal(0);
      sock.writableLength = 600 * 1024;
      n.clock.advance(900);
      c.checkOutputLimits();
      n.clock.advance(900);
      c.checkOutputLimits();
      expect(sock.destroyed).to.equal(false);
    });
  });

  it('with no output limit, a client with 16 MB unsent stops being read until it drains', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    sock.writableLength = 17 * 1024 * 1024;
    c.onData(Buffer.from('PING\r\n'));
    expect(sock.destroyed).to.equal(false);
    expect(sock.paused).to.equal(true);
    sock.writableLength = 0;
    sock.emit('drain');
    expect(sock.paused).to.equal(false);
  });

  it('a client past 500 commands in one event-loop turn yields: the rest waits in its parser until the next turn', async () => {
    const n = new UnitNode();
    const sock = new FakeSocket();
    const c = new Client(n.node, sock as unknown as net.Socket);
    n.node.clients.set(c.id, c);
    c.onData(Buffer.from(cmd('INCR', 'k').repeat(1200)));
    expect(sock.paused, 'yielded').to.equal(true);
    expect(n.node.dbs[0].size).to.equal(1);
    expect(n.run('GET', 'k'), 'only its share ran').to.equal('500');
    n.node.flushPending(); // the turn ends
    await new Promise((r) => setImmediate(r));
    expect(n.run('GET', 'k')).to.equal('1000');
    n.node.flushPending();
    await new Promise((r) => setImmediate(r));
    expect(n.run('GET', 'k')).to.equal('1200');
    expect(sock.paused, 'read again once its input is done').to.equal(false);
    n.node.flushPending();
    expect(sock.replies()).to.deep.equal(Array.from({ length: 1200 }, (_, i) => i + 1));
  });

  it('a client sending a few commands per turn never yields', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n); // connect() ends the turn after each read
    for (let i = 0; i < 100; i++) c.onData(Buffer.from(cmd('INCR', 'k').repeat(16)));
    expect(sock.paused).to.equal(false);
    expect(n.run('GET', 'k')).to.equal('1600');
  });

  it('a client that yields its turn while its output is paused goes on only once the output drains', async () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    sock.writableLength = 17 * 1024 * 1024;
    c.onData(Buffer.from(cmd('PING').repeat(5000))); // yields too
    expect(sock.paused).to.equal(true);
    await new Promise((r) => setImmediate(r));
    expect(sock.paused, 'still waiting for its output to drain').to.equal(true);
    expect(sock.replies().length, 'nothing more ran').to.equal(500);
    sock.writableLength = 0;
    sock.emit('drain');
    for (let i = 0; i < 20 && sock.paused; i++) {
      n.node.flushPending();
      await new Promise((r) => setImmediate(r));
    }
    n.node.flushPending();
    expect(sock.paused).to.equal(false);
    expect(sock.replies().length).to.equal(5000);
  });

  it('a pipelined batch (keys hashed and prefetched ahead) answers as one command at a time, across SELECT', () => {
    const n = new UnitNode();
    const { c, sock } = connect(n);
    const batch: string[][] = [];
    for (let i = 0; i < 20; i++) batch.push(['SET', `k\xff${i % 7}`, `v${i}`]);
    batch.push(['SELECT', '1'], ['GET', 'k\xff3'], ['SET', 'k\xff3', 'one'], ['GET', 'k\xff3'], ['SELECT', '0']);
    for (let i = 0; i < 7; i++) batch.push(['GET', `k\xff${i}`]);
    batch.push(['DEL', 'k\xff0', 'k\xff1'], ['EXISTS', 'k\xff0'], ['GET', 'k\xff2']);
    c.onData(Buffer.from(batch.map((a) => cmd(...a)).join(''), 'latin1'));
    const want: unknown[] = Array(20).fill('OK');
    want.push('OK', null, 'OK', 'one', 'OK');
    for (let i = 0; i < 7; i++) want.push(`v${i + 14 < 20 ? i + 14 : i + 7}`);
    want.push(2, 0, 'v16');
    expect(sock.replies()).to.deep.equal(want);
  });

  it('describe() gives a CLIENT LIST line with the addresses, db, qbuf and the last command', () => {
    const n = new UnitNode();
    const { c } = connect(n);
    c.onData(Buffer.from(cmd('SELECT', '3') + '*2\r\n$3\r\nGET\r\n$12'));
    const line = c.describe();
    expect(line).to.match(/^id=\d+ addr=127\.0\.0\.1:50000 laddr=127\.0\.0\.1:6379 /);
    expect(line).to.contain(' db=3 ');
    expect(line).to.contain(' qbuf=38 '); // the unfinished `$12` header, and GET parsed (3 bytes + 32)
    expect(line).to.contain(' cmd=select ');
  });
});
