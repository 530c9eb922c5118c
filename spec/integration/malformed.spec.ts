// Raw sockets against a real node: protocol errors answer Redis's text and close only that connection,
// half-sent commands and abrupt disconnects leave the node serving, and the query buffer, output buffer
// and maxclients limits disconnect or refuse the offender alone. Every reply is decoded as RESP2.
import { expect } from 'chai';
import * as net from 'net';
import * as E from '../../lib/protocol/errors';
import { decodeResp2, ReplyError } from '../helpers/resp';
import { rawExchange, startServer, type ServerProcess } from '../helpers/server-process';

const cmd = (...args: string[]) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('');

/** A connection that collects replies; `reply(n)` waits until n replies have been decoded. */
class Conn {
  readonly sock: net.Socket;
  private got = Buffer.alloc(0);
  closed = false;
  private waiters: (() => void)[] = [];

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.on('data', (d) => {
      this.got = Buffer.concat([this.got, d]);
      this.wake();
    });
    this.sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.sock.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits until pred() holds (or the timeout passes, then throws). */
  async until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Sends data and resolves with the next n decoded replies. */
  async send(data: string | Buffer, n = 1): Promise<unknown[]> {
    const start = this.got.length;
    this.sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    let replies: unknown[] = [];
    await this.until(
      () => {
        try {
          replies = decodeResp2(this.got.subarray(start));
        } catch {
          return false; // incomplete so far
        }
        return replies.length >= n || this.closed;
      },
      5000,
      `${n} replies`,
    );
    return replies;
  }

  get bytes(): number {
    return this.got.length;
  }

  destroy(): void {
    this.sock.destroy();
  }
}

/** PING on a fresh connection answers PONG: the node is still serving. */
async function stillServing(port: number): Promise<void> {
  const c = new Conn(port);
  try {
    expect(await c.send('*1\r\n$4\r\nPING\r\n')).to.deep.equal(['PONG']);
  } finally {
    c.destroy();
  }
}

function expectError(reply: unknown, message: string): void {
  expect(reply).to.be.instanceOf(ReplyError);
  expect((reply as Error).message).to.equal(message);
}

describe('integration: malformed input and client limits', function () {
  this.timeout(30000);
  let server: ServerProcess;

  before(async () => {
    server = await startServer([
      '--client-query-buffer-limit', '1mb',
      '--client-output-buffer-limit', 'normal 1mb 512kb 1',
    ]);
  });
  after(async () => {
    await server?.stop();
  });

  describe('protocol errors: the error text, then the connection closes; the node keeps serving', () => {
    const cases: [string, string, string][] = [
      ['too big inline request', 'a'.repeat(70000), E.PROTO_TOO_BIG_INLINE],
      ['unbalanced quotes', 'SET "a b\r\n', E.PROTO_UNBALANCED_QUOTES],
      ['too big mbulk count string', '*' + '1'.repeat(70000), E.PROTO_TOO_BIG_MBULK_COUNT],
      ['invalid multibulk length (*abc)', '*abc\r\n', E.PROTO_INVALID_MBULK_LEN],
      ['invalid multibulk length (*3000000000)', '*3000000000\r\n', E.PROTO_INVALID_MBULK_LEN],
      ["expected '$', got 'x'", '*1\r\nx\r\n', E.protoExpectedDollar('x')],
      ['invalid bulk length (negative)', '*1\r\n$-3\r\n', E.PROTO_INVALID_BULK_LEN],
      ['invalid bulk length ($600000000)', '*2\r\n$3\r\nGET\r\n$600000000\r\n', E.PROTO_INVALID_BULK_LEN],
      ['too big bulk count string', '*1\r\n$' + '1'.repeat(70000), E.PROTO_TOO_BIG_BULK_COUNT],
    ];
    for (const [name, input, error] of cases) {
      it(name, async () => {
        const r = await rawExchange(server.port, Buffer.from(input, 'latin1'), 3000);
        expect(r.closed, 'connection closed by the node').to.equal(true);
        const replies = decodeResp2(r.data);
        expect(replies).to.have.length(1);
        expectError(replies[0], error);
        await stillServing(server.port);
      });
    }

    it('commands before the bad frame are answered first', async () => {
      const r = await rawExchange(server.port, Buffer.from(cmd('SET', 'mf:k', 'v') + 'GET mf:k\r\n*1\r\nx\r\nPING\r\n'), 3000);
      expect(r.closed).to.equal(true);
      const replies = decodeResp2(r.data);
      expect(replies.slice(0, 2)).to.deep.equal(['OK', 'v']);
      expectError(replies[2], E.protoExpectedDollar('x'));
      expect(replies).to.have.length(3);
    });
  });

  it('a client that pipelines past its fair share per turn and half-closes gets every reply (nc -N style)', async () => {
    for (const n of [1000, 1700, 5000]) {
      const got = await new Promise<string>((resolve) => {
        const sock = net.connect(server.port, '127.0.0.1');
        let data = '';
        sock.on('data', (d) => (data += d.toString('latin1')));
        sock.on('close', () => resolve(data));
        sock.on('error', () => undefined);
        sock.end(cmd('PING').repeat(n)); // the commands, then FIN
      });
      expect(decodeResp2(got).length, `${n} PINGs`).to.equal(n);
    }
  });

  it('a client that sends half a bulk and disconnects leaves the node serving', async () => {
    const c = new Conn(server.port);
    c.sock.write('*3\r\n$3\r\nSET\r\n$4\r\nmf:h\r\n$100000\r\n' + 'x'.repeat(40000));
    await new Promise((r) => setTimeout(r, 50));
    c.destroy();
    await stillServing(server.port);
    const d = new Conn(server.port);
    expect(await d.send(cmd('GET', 'mf:h'))).to.deep.equal([null]);
    d.destroy();
  });

  it('a command sent one byte per write is answered once complete', async () => {
    const c = new Conn(server.port);
    const frame = cmd('SET', 'mf:slow', 'a\r\nb');
    for (const ch of frame.slice(0, -1)) {
      c.sock.write(ch);
      await new Promise((r) => setImmediate(r));
    }
    expect(await c.send(frame.slice(-1))).to.deep.equal(['OK']);
    expect(await c.send(cmd('GET', 'mf:slow'))).to.deep.equal(['a\r\nb']);
    c.destroy();
  });

  it('client-query-buffer-limit 1mb: 2 MB of an unfinished command closes the connection, without a reply', async () => {
    const c = new Conn(server.port);
    c.sock.write('*3\r\n$3\r\nSET\r\n$4\r\nmf:q\r\n$3000000\r\n');
    c.sock.write(Buffer.alloc(2 * 1024 * 1024, 'q'));
    await c.until(() => c.closed, 5000, 'the node to close the connection');
    expect(c.bytes).to.equal(0);
    await stillServing(server.port);
  });

  it('a large SET under the query buffer limit is accepted', async () => {
    const c = new Conn(server.port);
    expect(await c.send(cmd('SET', 'mf:900k', 'z'.repeat(900 * 1024)))).to.deep.equal(['OK']);
    c.destroy();
  });

  it('client-output-buffer-limit normal 1mb: a client pipelining GETs of 100 KB without reading is disconnected', async () => {
    const setter = new Conn(server.port);
    expect(await setter.send(cmd('SET', 'mf:100k', 'v'.repeat(100 * 1024)))).to.deep.equal(['OK']);

    const greedy = new Conn(server.port);
    greedy.sock.pause(); // never reads while the node writes
    const n = 400; // 40 MB of replies: far past the 1 MB hard limit and the kernel's socket buffers
    greedy.sock.write(cmd('GET', 'mf:100k').repeat(n));
    await new Promise((r) => setTimeout(r, 300));
    greedy.sock.resume();
    await greedy.until(() => greedy.closed, 10000, 'the node to drop the greedy client');
    expect(greedy.bytes).to.be.lessThan(n * 100 * 1024);

    // The other client was not affected.
    expect(await setter.send(cmd('GET', 'mf:100k'))).to.deep.equal(['v'.repeat(100 * 1024)]);
    setter.destroy();
  });
});

describe('integration: maxclients', function () {
  this.timeout(30000);
  let server: ServerProcess;

  before(async () => {
    server = await startServer(['--maxclients', '2']);
  });
  after(async () => {
    await server?.stop();
  });

  it('a third connection gets "ERR max number of clients reached" and is closed; the first two keep working', async () => {
    const a = new Conn(server.port);
    const b = new Conn(server.port);
    expect(await a.send('PING\r\n')).to.deep.equal(['PONG']);
    expect(await b.send('PING\r\n')).to.deep.equal(['PONG']);
    const third = await rawExchange(server.port, 'PING\r\n', 3000);
    expect(third.closed).to.equal(true);
    const replies = decodeResp2(third.data);
    expect(replies).to.have.length(1);
    expectError(replies[0], 'ERR max number of clients reached');
    expect(await a.send('PING\r\n')).to.deep.equal(['PONG']);

    // A slot frees up when a client leaves.
    b.destroy();
    let ok = false;
    for (let i = 0; i < 40 && !ok; i++) {
      const r = await rawExchange(server.port, 'PING\r\n', 200);
      ok = r.data === '+PONG\r\n';
      if (!ok) await new Promise((res) => setTimeout(res, 25));
    }
    expect(ok, 'a new connection is served after one left').to.equal(true);
    a.destroy();
  });

  /** A connection the node serves, once the clients of the previous test are gone. */
  async function served(): Promise<Conn> {
    for (let i = 0; i < 40; i++) {
      const c = new Conn(server.port);
      const r = await c.send('PING\r\n');
      if (r[0] === 'PONG') return c;
      c.destroy();
      await new Promise((res) => setTimeout(res, 25));
    }
    throw new Error('no free client slot');
  }

  it('refused connections that reset at once do not bring the node down', async () => {
    const a = await served();
    const b = await served();
    await Promise.all(
      Array.from(
        { length: 30 },
        () =>
          new Promise<void>((resolve) => {
            const s = net.connect(server.port, '127.0.0.1');
            s.on('error', () => resolve());
            s.on('close', () => resolve());
            s.on('connect', () => {
              s.write('PING\r\n'.repeat(1000));
              s.resetAndDestroy();
            });
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(server.proc.exitCode, server.output()).to.equal(null);
    expect(await a.send('PING\r\n')).to.deep.equal(['PONG']);
    a.destroy();
    b.destroy();
  });
});
