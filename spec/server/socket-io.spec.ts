// Both io-modes over real sockets on 127.0.0.1. In handle mode every connection reads into one shared
// buffer: a command split across reads, with other connections' reads overwriting that buffer in
// between, must still run with the bytes its client sent.
import { expect } from 'chai';
import * as crypto from 'crypto';
import * as net from 'net';
import { Config } from '../../lib/config/config';
import { createNode, type FullNode as Node } from '../../lib/create-node';
import { INCOMPLETE, RespDecoder, type RespValue } from '../../lib/protocol/resp-decoder';
import { chooseIoMode, IO_MODE_ENV, READ_BUFFER_BYTES } from '../../lib/server/socket-io';

/** Resolves once cond() holds (polled every millisecond); rejects after ms with what. */
async function until(cond: () => boolean, what: string, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** A multibulk command. */
function cmd(...args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** A raw connection that decodes the replies it receives (RESP2, bulk strings as latin1 strings). */
class Conn {
  readonly sock: net.Socket;
  readonly replies: RespValue[] = [];
  closed = false;
  private readonly decoder = new RespDecoder({ protocol: 2 });
  private taken = 0;

  constructor(port: number) {
    this.sock = net.connect(port, '127.0.0.1');
    this.sock.setNoDelay(true);
    this.sock.on('data', (d: Buffer) => {
      this.decoder.feed(d);
      for (let v = this.decoder.next(); v !== INCOMPLETE; v = this.decoder.next()) this.replies.push(v);
    });
    this.sock.on('close', () => (this.closed = true));
    this.sock.on('error', () => undefined);
  }

  ready(): Promise<void> {
    return new Promise((resolve) => (this.sock.connecting ? this.sock.once('connect', () => resolve()) : resolve()));
  }

  send(b: Buffer | string): void {
    this.sock.write(b);
  }

  /** The next n replies (waits for them). */
  async take(n: number, ms = 20000): Promise<RespValue[]> {
    await until(() => this.replies.length - this.taken >= n, `${n} replies`, ms);
    const out = this.replies.slice(this.taken, this.taken + n);
    this.taken += n;
    return out;
  }

  async call(...args: (string | Buffer)[]): Promise<RespValue> {
    this.send(cmd(...args));
    return (await this.take(1))[0];
  }

  close(): void {
    this.sock.destroy();
  }
}

/** A listening node in `mode` (SHARDCACHE_IO_MODE set while it starts, as the test suite would). */
async function startNode(mode: string): Promise<{ node: Node; port: number }> {
  const config = new Config();
  config.set('port', '0');
  config.set('bind', '127.0.0.1');
  const node = createNode(config);
  node.log.level = 'nothing';
  const saved = process.env[IO_MODE_ENV];
  process.env[IO_MODE_ENV] = mode;
  try {
    return { node, port: await node.listen() };
  } finally {
    if (saved === undefined) delete process.env[IO_MODE_ENV];
    else process.env[IO_MODE_ENV] = saved;
  }
}

describe('socket I/O (io-mode)', () => {
  describe('chooseIoMode', () => {
    it('takes the directive, unless SHARDCACHE_IO_MODE names a mode', () => {
      expect(chooseIoMode('handle', undefined)).to.equal('handle');
      expect(chooseIoMode('stream', undefined)).to.equal('stream');
      expect(chooseIoMode('stream', '')).to.equal('stream');
      expect(chooseIoMode('handle', 'stream')).to.equal('stream');
      expect(chooseIoMode('stream', 'handle')).to.equal('handle');
      expect(() => chooseIoMode('handle', 'fast')).to.throw(/SHARDCACHE_IO_MODE=fast/);
    });

    it('is immutable at run time and CONFIG GET shows the mode in use', async () => {
      const { node, port } = await startNode('stream');
      const c = new Conn(port);
      try {
        expect(await c.call('CONFIG', 'GET', 'io-mode')).to.deep.equal(['io-mode', 'stream']);
        const r = await c.call('CONFIG', 'SET', 'io-mode', 'handle');
        expect(String(r)).to.match(/can't set immutable config/);
      } finally {
        c.close();
        await node.shutdown();
      }
    });
  });

  for (const mode of ['handle', 'stream']) {
    describe(`${mode} mode`, () => {
      let node: Node;
      let port: number;
      const conns: Conn[] = [];
      const open = async (): Promise<Conn> => {
        const c = new Conn(port);
        conns.push(c);
        await c.ready();
        return c;
      };
      /** Resolves once the node has read `n` more bytes than `from` (netInputBytes). */
      const readUpTo = (from: number, n: number) => until(() => node.stats.netInputBytes >= from + n, `node read ${n} bytes`);

      beforeEach(async () => {
        ({ node, port } = await startNode(mode));
        expect(node.ioMode).to.equal(mode);
      });
      afterEach(async () => {
        for (const c of conns.splice(0)) c.close();
        await node.shutdown();
      });

      it('runs commands split at every byte position while another connection reads in between', async () => {
        const a = await open();
        const b = await open();
        // Every argument of an unfinished command may be split off: MSET's values are kept as sliced
        // from the request (bulkForm), HSET's fields and values, SET's options.
        const batch = (who: string, i: number) =>
          Buffer.concat([
            cmd('MSET', `${who}:k1`, `${who}-v1-${i}`, `${who}:k2`, `${who}-v2-${i}`),
            cmd('SET', `${who}:k3`, `${who}-v3-${i}`, 'PX', '100000'),
            cmd('HSET', `${who}:h`, `f-${who}`, `${who}-hv-${i}`),
          ]);
        const frameA = batch('a', 0);
        for (let p = 1; p < frameA.length; p++) {
          const fa = batch('a', p);
          const fb = batch('b', p);
          const q = 1 + (p % (fb.length - 1)); // b is split too, at a moving position
          let base = node.stats.netInputBytes;
          a.send(fa.subarray(0, p));
          await readUpTo(base, p);
          base = node.stats.netInputBytes;
          b.send(fb.subarray(0, q)); // overwrites the shared buffer where a's first part was read
          await readUpTo(base, q);
          a.send(fa.subarray(p));
          b.send(fb.subarray(q));
          expect(await a.take(3), `a split at ${p}`).to.deep.equal(['OK', 'OK', p === 1 ? 1 : 0]);
          expect(await b.take(3), `b split at ${q}`).to.deep.equal(['OK', 'OK', p === 1 ? 1 : 0]);
          for (const [c, who] of [[a, 'a'], [b, 'b']] as const) {
            c.send(Buffer.concat([cmd('MGET', `${who}:k1`, `${who}:k2`, `${who}:k3`), cmd('HGET', `${who}:h`, `f-${who}`)]));
            expect(await c.take(2), `${who} after split at ${p}`).to.deep.equal([
              [`${who}-v1-${p}`, `${who}-v2-${p}`, `${who}-v3-${p}`],
              `${who}-hv-${p}`,
            ]);
          }
        }
      });

      it('runs a pipelined batch larger than the read buffer, interleaved with another connection', async () => {
        const a = await open();
        const b = await open();
        const n = Math.ceil((4 * READ_BUFFER_BYTES) / 40);
        const parts: Buffer[] = [];
        for (let i = 0; i < n; i++) parts.push(cmd('SET', `batch:${i}`, `value-${i}-${'x'.repeat(i % 13)}`));
        const all = Buffer.concat(parts);
        expect(all.length).to.be.greaterThan(3 * READ_BUFFER_BYTES);
        // In pieces that end mid-command, with b's commands read between them.
        for (let at = 0, k = 0; at < all.length; k++) {
          const end = Math.min(all.length, at + 50001);
          a.send(all.subarray(at, end));
          at = end;
          b.send(cmd('SET', `other:${k}`, 'y'.repeat(100 + k)));
          expect(await b.take(1)).to.deep.equal(['OK']);
        }
        const replies = await a.take(n);
        expect(replies.every((r) => r === 'OK')).to.equal(true);
        const probe = [0, 1, 777, n - 2, n - 1];
        a.send(cmd('MGET', ...probe.map((i) => `batch:${i}`)));
        expect(await a.take(1)).to.deep.equal([probe.map((i) => `value-${i}-${'x'.repeat(i % 13)}`)]);
        expect(await b.call('DBSIZE')).to.be.greaterThan(n);
      });

      it('stores a SET of several MB sent in pieces while other connections read', async () => {
        const a = await open();
        const b = await open();
        const value = crypto.randomBytes(5 * 1024 * 1024 + 17);
        const frame = cmd('SET', 'big', value);
        for (let at = 0, k = 0; at < frame.length; k++) {
          const end = Math.min(frame.length, at + 300007);
          const base = node.stats.netInputBytes;
          a.send(frame.subarray(at, end));
          await readUpTo(base, end - at);
          at = end;
          b.send(cmd('SET', `small:${k}`, crypto.randomBytes(1000)));
          expect(await b.take(1)).to.deep.equal(['OK']);
        }
        expect(await a.take(1)).to.deep.equal(['OK']);
        const got = (await a.call('GET', 'big')) as string;
        expect(got.length).to.equal(value.length);
        expect(Buffer.from(got, 'latin1').equals(value)).to.equal(true);
      });

      it('answers what a half-closed client sent, unfinished command dropped, then closes', async () => {
        const a = await open();
        a.send(Buffer.concat([cmd('SET', 'hc', 'v'), cmd('GET', 'hc'), Buffer.from('PING\r\n'), cmd('GET', 'hc').subarray(0, 9)]));
        a.sock.end();
        expect(await a.take(3)).to.deep.equal(['OK', 'v', 'PONG']);
        await until(() => a.closed, 'the node closes the connection');
        await until(() => node.clients.size === 0, 'the node forgets the client');
      });

      it('keeps input that arrived while the client was blocked in WAIT', async () => {
        const a = await open();
        const b = await open();
        const started = Date.now();
        const tail = Buffer.concat([cmd('SET', 'w', 'after-wait'), cmd('GET', 'w')]);
        // WAIT blocks (no replica acknowledges); what follows it in the same read and in later reads waits.
        a.send(Buffer.concat([cmd('WAIT', '1', '300'), tail.subarray(0, 11)]));
        let base = node.stats.netInputBytes;
        await readUpTo(base, 1);
        for (let i = 0; i < 20; i++) b.send(cmd('SET', `noise:${i}`, 'z'.repeat(3000)));
        expect(await b.take(20)).to.have.length(20);
        base = node.stats.netInputBytes;
        a.send(tail.subarray(11, 30));
        await readUpTo(base, 19);
        expect(a.replies).to.have.length(0);
        for (let i = 0; i < 20; i++) b.send(cmd('GET', `noise:${i}`));
        expect(await b.take(20)).to.have.length(20);
        a.send(tail.subarray(30));
        expect(await a.take(3)).to.deep.equal([0, 'OK', 'after-wait']);
        expect(Date.now() - started).to.be.at.least(290);
      });

      it('holds the replies a client does not read (omem), stops reading it, and delivers them all in order once it reads', async () => {
        const value = crypto.randomBytes(1 << 20).toString('latin1');
        const w = await open();
        expect(await w.call('SET', 'big', Buffer.from(value, 'latin1'))).to.equal('OK');
        const slow = await open();
        slow.sock.pause(); // the kernel's buffers fill, then the node's writes stay pending
        const n = 40;
        const batch: Buffer[] = [];
        for (let i = 0; i < n; i++) batch.push(cmd('GET', 'big'), cmd('INCR', 'count'));
        slow.send(Buffer.concat(batch));
        let omem = 0;
        await until(() => {
          const c = [...node.clients.values()].find((x) => x.outputBytes > 0);
          omem = c?.outputBytes ?? 0;
          return omem > 1 << 20;
        }, 'replies held for the slow reader');
        // Not all 40 ran: the node stopped reading this client while its output waits.
        const count = Number(await w.call('GET', 'count'));
        expect(count).to.be.lessThan(n);
        slow.sock.resume();
        const replies = await slow.take(2 * n, 60000);
        for (let i = 0; i < n; i++) {
          expect(replies[2 * i] === value, `GET reply ${i}`).to.equal(true);
          expect(replies[2 * i + 1]).to.equal(i + 1);
        }
        expect(await slow.call('PING')).to.equal('PONG');
        await until(() => [...node.clients.values()].every((x) => x.outputBytes === 0), 'output drained');
      });

      it('closes a client past the output hard limit while its replies are pending', async () => {
        const w = await open();
        expect(await w.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 4mb 0 0')).to.equal('OK');
        expect(await w.call('SET', 'big', Buffer.alloc(1 << 20, 'x'))).to.equal('OK');
        const slow = await open();
        slow.sock.pause();
        const batch: Buffer[] = [];
        for (let i = 0; i < 64; i++) batch.push(cmd('GET', 'big'));
        slow.send(Buffer.concat(batch));
        await until(() => node.stats.clientOutputLimitDisconnections === 1, 'the hard limit closing the slow reader');
        expect(await w.call('PING')).to.equal('PONG');
        slow.sock.resume();
        await until(() => slow.closed, 'the slow reader closed');
      });

      it('keeps a yielding client\'s input while other clients are served (fair turns)', async () => {
        const a = await open();
        const b = await open();
        // More commands in one go than a client runs in one turn (FAIR_TURN_COMMANDS): it pauses with
        // input left in its parser, other connections are read meanwhile.
        const n = 3000;
        const parts: Buffer[] = [];
        for (let i = 0; i < n; i++) parts.push(cmd('INCR', 'fair'));
        a.send(Buffer.concat(parts));
        for (let i = 0; i < 30; i++) b.send(cmd('SET', `fair-b:${i}`, 'q'.repeat(2000)));
        expect(await b.take(30)).to.have.length(30);
        const replies = await a.take(n);
        expect(replies[n - 1]).to.equal(n);
        expect(replies.every((r, i) => r === i + 1)).to.equal(true);
      });
    });
  }
});
