// Differential: BZPOPMIN, BZPOPMAX and BZMPOP clients that blocked and were served (or unblocked) by other
// connections, on a real redis-server and a shardcache node: the same scenario on each side, with several
// waiting connections (RESP2 and RESP3) and one writer, every reply compared byte for byte (and the order
// in which waiters were served). Immediate pops, timeouts and errors are in diff-zsets.spec.ts.
import { expect } from 'chai';
import * as net from 'net';
import { encodeCommand } from '../../lib/replication/stream';
import { DiffPair, diffSelf, haveRedis, readReply } from '../helpers/differential';
import { detectReference, reference } from '../helpers/diff-versions';
import { needs } from './needs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A raw connection collecting every reply it gets (raw RESP, latin1), in order. */
class Raw {
  private buf: Buffer = Buffer.alloc(0);
  readonly replies: string[] = [];
  private constructor(private readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (let got = readReply(this.buf, 0); got !== null; got = readReply(this.buf, 0)) {
        this.replies.push(this.buf.toString('latin1', 0, got.end));
        this.buf = this.buf.subarray(got.end);
      }
    });
    sock.on('error', () => undefined);
  }
  static open(port: number): Promise<Raw> {
    return new Promise((res, rej) => {
      const s = net.connect(port, '127.0.0.1', () => res(new Raw(s)));
      s.once('error', rej);
    });
  }
  send(...argv: string[]): void {
    this.sock.write(encodeCommand(argv));
  }
  /** Sends and waits until `n` replies in all have arrived (2 s at most). */
  async call(n: number, ...argv: string[]): Promise<void> {
    this.send(...argv);
    for (let t = 0; t < 400 && this.replies.length < n; t++) await sleep(5);
  }
  close(): void {
    this.sock.destroy();
  }
}

/**
 * The scenario on one server: what every connection was answered, and the order the waiters got their
 * first served reply. Waiters block 15 ms apart (arrival order); each write is followed by a 40 ms pause.
 */
async function scenario(port: number): Promise<{ replies: string[][]; order: number[] }> {
  const w = await Promise.all([0, 1, 2, 3, 4, 5].map(() => Raw.open(port)));
  const writer = await Raw.open(port);
  const order: number[] = [];
  try {
    await writer.call(1, 'FLUSHALL');
    await w[1].call(1, 'HELLO', '3');
    await w[4].call(1, 'HELLO', '3');
    for (const c of w) c.replies.length = 0;
    const block = async (i: number, ...argv: string[]) => {
      w[i].send(...argv);
      await sleep(15);
    };
    const write = async (...argv: string[]) => {
      const before = w.map((c) => c.replies.length);
      writer.send(...argv);
      await sleep(40);
      w.forEach((c, i) => {
        if (c.replies.length > before[i]) order.push(i);
      });
    };
    await block(0, 'BZPOPMIN', 'k1', 'k2', '0');
    await block(1, 'BZMPOP', '0', '2', 'k2', 'k1', 'MAX', 'COUNT', '5');
    await block(2, 'BZPOPMAX', 'k2', '0');
    await block(3, 'BZMPOP', '0', '1', 'k2', 'MIN');
    await block(4, 'BZPOPMAX', 'k2', 'k3', '0');
    await write('ZADD', 'k2', '1', 'a', '2', 'b', '3', 'c', '0.5', 'd', '-inf', 'e', '7', 'f', '8', 'g');
    // w0 pops e (-inf), w1 the five highest, w2 the last (d); w3 and w4 wait on; k3 then serves w4.
    await write('ZADD', 'k3', 'inf', 'x', '4.25', 'y');
    await block(5, 'BZPOPMIN', 'k1', 'k4', '0');
    await write('SET', 'k1', 'now a string');
    await write('ZADD', 'k4', '1', 'm');
    // GEOADD and ZUNIONSTORE creating the waited key.
    await block(0, 'BZPOPMIN', 'g', '0');
    await write('GEOADD', 'g', '13.361389', '38.115556', 'Palermo');
    await block(1, 'BZMPOP', '0', '1', 'u', 'MIN', 'COUNT', '2');
    await write('ZUNIONSTORE', 'u', '1', 'k3');
    // CLIENT UNBLOCK with the timeout reply (RESP2 and RESP3) and the error (w3 still waits on k2: its
    // BZPOPMAX waits behind it).
    await block(2, 'BZPOPMIN', 'none', '0');
    await block(4, 'BZMPOP', '0', '1', 'none', 'MAX');
    await block(3, 'BZPOPMAX', 'none', '0');
    for (const i of [2, 4]) {
      const id = await clientId(writer, w[i]);
      await write('CLIENT', 'UNBLOCK', id);
    }
    await write('CLIENT', 'UNBLOCK', await clientId(writer, w[3]), 'ERROR');
    return { replies: w.map((c) => c.replies), order };
  } finally {
    for (const c of [...w, writer]) c.close();
  }
}

/** The id of connection `target`, found by CLIENT LIST from `via` (the blocked one cannot ask itself). */
async function clientId(via: Raw, target: Raw): Promise<string> {
  const port = String((target as unknown as { sock: net.Socket }).sock.localPort);
  const n = via.replies.length;
  await via.call(n + 1, 'CLIENT', 'LIST');
  const list = via.replies[n];
  const line = list.split('\n').find((l) => l.includes(`addr=127.0.0.1:${port} `));
  const m = /id=(\d+)/.exec(line ?? '');
  if (m === null) throw new Error(`no client on port ${port} in ${list}`);
  return m[1];
}

(haveRedis ? needs(['bzpopmin', 'bzpopmax', 'bzmpop']) : describe.skip)('differential: blocked sorted-set pops served by other connections', function () {
  this.timeout(60000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
    await detectReference(pair);
  });
  after(async () => {
    await pair?.stop();
  });

  it('the same replies, byte for byte, and the same serving order as redis-server', async () => {
    const redis = await scenario(pair.redis.port);
    const node = await scenario(pair.node.port);
    expect(node.order, 'the order waiters were served in').to.deep.equal(redis.order);
    if (reference.legacy && !diffSelf) {
      // Redis 7.0 serves a waiter from the key that became ready (BZPOPMIN k1 k4 pops k4 although k1, before
      // it, holds a string); 7.2 re-runs the command, which meets k1 first: WRONGTYPE, as shardcache.
      expect(redis.replies[5]).to.deep.equal(['*3\r\n$2\r\nk4\r\n$1\r\nm\r\n$1\r\n1\r\n']);
      redis.replies[5] = ['-WRONGTYPE Operation against a key holding the wrong kind of value\r\n'];
    }
    for (let i = 0; i < redis.replies.length; i++) expect(node.replies[i], `connection ${i}`).to.deep.equal(redis.replies[i]);
    // The scenario reached what it means to: pops served in RESP2 and RESP3, WRONGTYPE, unblocks.
    const all = node.replies.flat();
    expect(all).to.include('*3\r\n$2\r\nk2\r\n$1\r\ne\r\n$4\r\n-inf\r\n');
    expect(all).to.include('*3\r\n$2\r\nk3\r\n$1\r\nx\r\n,inf\r\n');
    expect(all.filter((r) => r.startsWith('-WRONGTYPE')).length).to.equal(reference.legacy && diffSelf ? 0 : 1);
    expect(all).to.include('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(all).to.include('_\r\n');
    expect(all).to.include('*-1\r\n');
  });
});
