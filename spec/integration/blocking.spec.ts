// Blocking list and sorted-set commands on a real node process over real sockets: clients blocked on one
// key served in the order they blocked; a timeout that fires on the wall clock within a few ms of what was
// asked (and a blocked client is never idle-closed by `timeout`); a blocked client that disconnects leaves
// nothing behind; CLIENT UNBLOCK from another connection; a blocked client's connection keeps its
// pipelined commands until it is served; BZPOPMIN/BZPOPMAX/BZMPOP in RESP2 and RESP3, and from ioredis.
import { expect } from 'chai';
import Redis from 'ioredis';
import * as net from 'net';
import { encodeCommand } from '../../lib/replication/stream';
import { readReply, show, type Resp } from '../helpers/differential';
import { startServer, type ServerProcess } from '../helpers/server-process';

/** A raw connection: send commands, await replies one by one (with the time each arrived). */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private replies: { r: Resp; at: number }[] = [];
  private waiting: ((x: { r: Resp; at: number }) => void)[] = [];
  closed = false;
  private constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (let got = readReply(this.buf, 0); got !== null; got = readReply(this.buf, 0)) {
        this.buf = this.buf.subarray(got.end);
        const x = { r: got.r, at: performance.now() };
        const w = this.waiting.shift();
        if (w) w(x);
        else this.replies.push(x);
      }
    });
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => undefined);
  }
  static open(port: number): Promise<Conn> {
    return new Promise((res, rej) => {
      const s = net.connect(port, '127.0.0.1', () => res(new Conn(s)));
      s.once('error', rej);
    });
  }
  send(...argv: string[]): void {
    this.sock.write(encodeCommand(argv));
  }
  /** The next reply (rejects after ms). */
  next(ms = 3000): Promise<{ r: Resp; at: number }> {
    const x = this.replies.shift();
    if (x) return Promise.resolve(x);
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error('no reply')), ms);
      this.waiting.push((y) => {
        clearTimeout(t);
        res(y);
      });
    });
  }
  async call(...argv: string[]): Promise<string> {
    this.send(...argv);
    return show((await this.next()).r);
  }
  pending(): number {
    return this.replies.length;
  }
  close(): void {
    this.sock.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function infoField(c: Conn, name: string): Promise<string> {
  const text = await c.call('INFO', 'clients');
  const m = new RegExp(`${name}:(\\d+)`).exec(JSON.parse(text));
  return m ? m[1] : '?';
}

describe('blocking list and sorted-set commands over sockets (a node process)', function () {
  this.timeout(30000);
  let server: ServerProcess;
  let conns: Conn[] = [];
  const open = async (): Promise<Conn> => {
    const c = await Conn.open(server.port);
    conns.push(c);
    return c;
  };
  before(async () => {
    server = await startServer(['--timeout', '1']);
  });
  after(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    for (const c of conns) c.close();
    conns = [];
    const c = await open();
    await c.call('FLUSHALL');
  });

  it('serves clients blocked on one key in the order they blocked', async () => {
    const waiters: Conn[] = [];
    for (let i = 0; i < 5; i++) {
      const w = await open();
      w.send('BLPOP', 'q', '0');
      waiters.push(w);
      await sleep(10); // arrival order
    }
    const p = await open();
    expect(await infoField(p, 'blocked_clients')).to.equal('5');
    expect(await p.call('RPUSH', 'q', 'e0', 'e1', 'e2')).to.equal('(integer) 3');
    for (let i = 0; i < 3; i++) expect(show((await waiters[i].next()).r)).to.equal(`*["q", "e${i}"]`);
    expect(waiters[3].pending() + waiters[4].pending()).to.equal(0);
    await p.call('RPUSH', 'q', 'e3', 'e4', 'e5');
    expect(show((await waiters[3].next()).r)).to.equal('*["q", "e3"]');
    expect(show((await waiters[4].next()).r)).to.equal('*["q", "e4"]');
    expect(await p.call('LRANGE', 'q', '0', '-1')).to.equal('*["e5"]');
  });

  it('times out on the wall clock within a few ms of the timeout; a blocked client is not idle-closed', async () => {
    const c = await open();
    const t0 = performance.now();
    c.send('BLPOP', 'nothing', '0.2');
    const { r, at } = await c.next();
    expect(show(r)).to.equal('(nil *-1)');
    expect(at - t0).to.be.within(199, 300);
    // `timeout 1`: idle clients close after 1 s, but not while blocked.
    const t1 = performance.now();
    c.send('BRPOP', 'nothing', '2.5');
    const second = await c.next(5000);
    expect(show(second.r)).to.equal('(nil *-1)');
    expect(second.at - t1).to.be.within(2499, 2650);
    expect(c.closed).to.equal(false);
  });

  it('a blocked client that disconnects leaves nothing behind', async () => {
    const c = await open();
    c.send('BLPOP', 'k1', 'k2', '0');
    const p = await open();
    await sleep(20);
    expect(await infoField(p, 'blocked_clients')).to.equal('1');
    c.close();
    await sleep(50);
    expect(await infoField(p, 'blocked_clients')).to.equal('0');
    expect(await infoField(p, 'total_blocking_keys')).to.equal('0');
    await p.call('RPUSH', 'k1', 'v');
    expect(await p.call('LLEN', 'k1')).to.equal('(integer) 1');
  });

  it('CLIENT UNBLOCK ends a wait from another connection; the client then runs what it pipelined', async () => {
    const c = await open();
    const id = (await c.call('CLIENT', 'ID')).replace('(integer) ', '');
    c.send('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0');
    c.send('PING');
    await sleep(20);
    expect(c.pending()).to.equal(0);
    const p = await open();
    expect(await p.call('CLIENT', 'UNBLOCK', id, 'ERROR')).to.equal('(integer) 1');
    expect(show((await c.next()).r)).to.equal('(error) UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(show((await c.next()).r)).to.equal('+"PONG"');
    c.send('BLPOP', 'src', '0');
    await sleep(20);
    expect(await p.call('CLIENT', 'UNBLOCK', id)).to.equal('(integer) 1');
    expect(show((await c.next()).r)).to.equal('(nil *-1)');
    expect(await p.call('CLIENT', 'UNBLOCK', id)).to.equal('(integer) 0');
  });

  it('works from ioredis: BLPOP, BLMOVE and BLMPOP resolve when another client pushes', async () => {
    const blocker = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const pusher = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await Promise.all([blocker.connect(), pusher.connect()]);
    try {
      const popped = blocker.blpop('jobs', 0);
      await sleep(20);
      await pusher.rpush('jobs', 'job-1', 'job-2');
      expect(await popped).to.deep.equal(['jobs', 'job-1']);
      const moved = blocker.blmove('empty', 'done', 'LEFT', 'RIGHT', 0);
      await sleep(20);
      await pusher.lpush('empty', 'm');
      expect(await moved).to.equal('m');
      expect(await blocker.call('BLMPOP', '0', '2', 'none', 'jobs', 'LEFT', 'COUNT', '5')).to.deep.equal(['jobs', ['job-2']]);
      expect(await blocker.brpop('none', 0.05)).to.equal(null);
      expect(await pusher.lrange('done', 0, -1)).to.deep.equal(['m']);
    } finally {
      blocker.disconnect();
      pusher.disconnect();
    }
  });
  it('serves BZPOPMIN, BZPOPMAX and BZMPOP clients in the order they blocked, in RESP2 and RESP3', async () => {
    const w: Conn[] = [];
    for (let i = 0; i < 4; i++) w.push(await open());
    await w[2].call('HELLO', '3');
    w[0].send('BZPOPMIN', 'zq', 'other', '0');
    await sleep(10);
    w[1].send('BZMPOP', '0', '2', 'other', 'zq', 'MAX', 'COUNT', '2');
    await sleep(10);
    w[2].send('BZPOPMAX', 'zq', '0');
    await sleep(10);
    w[3].send('BZMPOP', '0', '1', 'zq', 'MIN');
    await sleep(10);
    const p = await open();
    expect(await infoField(p, 'blocked_clients')).to.equal('4');
    expect(await p.call('ZADD', 'zq', '1', 'a', '2', 'b', '3', 'c', '4.5', 'd')).to.equal('(integer) 4');
    expect(show((await w[0].next()).r)).to.equal('*["zq", "a", "1"]');
    expect(show((await w[1].next()).r)).to.equal('*["zq", *[*["d", "4.5"], *["c", "3"]]]');
    expect(show((await w[2].next()).r)).to.equal('*["zq", "b", (double) 2]');
    expect(w[3].pending()).to.equal(0);
    expect(await p.call('EXISTS', 'zq')).to.equal('(integer) 0');
    await p.call('ZUNIONSTORE', 'zq', '1', 'src'); // an empty result: nothing appears
    await p.call('ZADD', 'src', '7', 'x');
    await p.call('ZUNIONSTORE', 'zq', '1', 'src');
    expect(show((await w[3].next()).r)).to.equal('*["zq", *[*["x", "7"]]]');
    expect(await infoField(p, 'blocked_clients')).to.equal('0');
  });

  it('BZPOPMIN and BZMPOP time out on the wall clock with a null array (_ in RESP3); CLIENT UNBLOCK ends them', async () => {
    const c = await open();
    const t0 = performance.now();
    c.send('BZPOPMIN', 'nothing', '0.2');
    const { r, at } = await c.next();
    expect(show(r)).to.equal('(nil *-1)');
    expect(at - t0).to.be.within(199, 300);
    await c.call('HELLO', '3');
    const t1 = performance.now();
    c.send('BZMPOP', '0.15', '2', 'nothing', 'else', 'MIN', 'COUNT', '3');
    const second = await c.next();
    expect(show(second.r)).to.equal('(null _)');
    expect(second.at - t1).to.be.within(149, 250);
    const id = (await c.call('CLIENT', 'ID')).replace('(integer) ', '');
    c.send('BZPOPMAX', 'nothing', '0');
    c.send('PING');
    await sleep(20);
    const p = await open();
    expect(await p.call('CLIENT', 'UNBLOCK', id, 'ERROR')).to.equal('(integer) 1');
    expect(show((await c.next()).r)).to.equal('(error) UNBLOCKED client unblocked via CLIENT UNBLOCK');
    expect(show((await c.next()).r)).to.equal('+"PONG"');
  });

  it('works from ioredis: BZPOPMIN, BZPOPMAX and BZMPOP resolve when another client adds members', async () => {
    const blocker = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const adder = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await Promise.all([blocker.connect(), adder.connect()]);
    try {
      const popped = blocker.bzpopmin('tasks', 'urgent', 0);
      await sleep(20);
      await adder.zadd('urgent', 5, 'job-5', 1, 'job-1', 3, 'job-3');
      expect(await popped).to.deep.equal(['urgent', 'job-1', '1']);
      expect(await blocker.bzpopmax('tasks', 'urgent', 0)).to.deep.equal(['urgent', 'job-5', '5']);
      const mpopped = blocker.call('BZMPOP', '0', '2', 'tasks', 'urgent', 'MIN', 'COUNT', '5');
      expect(await mpopped).to.deep.equal(['urgent', [['job-3', '3']]]);
      const later = blocker.call('BZMPOP', '0', '1', 'tasks', 'MAX', 'COUNT', '2');
      await sleep(20);
      await adder.zadd('tasks', 1.5, 't1', 2.5, 't2', 0.5, 't0');
      expect(await later).to.deep.equal(['tasks', [['t2', '2.5'], ['t1', '1.5']]]);
      expect(await blocker.bzpopmin('none', 0.05)).to.equal(null);
      expect(await adder.zrange('tasks', 0, -1, 'WITHSCORES')).to.deep.equal(['t0', '0.5']);
    } finally {
      blocker.disconnect();
      adder.disconnect();
    }
  });
});
