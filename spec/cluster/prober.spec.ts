// The coordinator's prober (opens sockets on 127.0.0.1): a node whose listener goes away after being up
// is reported down at once; one that stays up, or that was dropped from the targets, is not. Heartbeats:
// a node that stops answering PING (connection still open, as a frozen process's) is suspected once, and
// cleared when it answers again.
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

  /** A server answering every PING line with +PONG while `answering` is true (silent otherwise, socket kept). */
  async function pingServer(): Promise<{ server: net.Server; port: number; sockets: Set<net.Socket>; pings: () => number; setAnswering(v: boolean): void }> {
    let answering = true;
    let pings = 0;
    const held: Array<() => void> = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('data', (d) => {
        const n = d.toString('latin1').split('PING\r\n').length - 1;
        pings += n;
        const reply = () => s.write('+PONG\r\n'.repeat(n));
        if (answering) reply();
        else held.push(reply); // a frozen process reads later: replies come when it wakes
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      server,
      port: (server.address() as net.AddressInfo).port,
      sockets,
      pings: () => pings,
      setAnswering(v: boolean) {
        answering = v;
        if (v) for (const f of held.splice(0)) f();
      },
    };
  }

  it('heartbeats: suspects a node that stops answering PING (connection open) once, and clears it when it answers', async () => {
    const a = await pingServer();
    const b = await pingServer();
    const down: string[] = [];
    const events: string[] = [];
    const p = new Prober((id) => down.push(id), {
      heartbeatMs: 50,
      suspectMs: 300,
      onSuspect: (id, ms) => {
        events.push(`suspect ${id}`);
        expect(ms).to.be.at.least(300);
      },
      onAlive: (id) => events.push(`alive ${id}`),
    });
    p.update(new Map([['a', { ip: '127.0.0.1', port: a.port }], ['b', { ip: '127.0.0.1', port: b.port }]]));
    await until('pinged', () => a.pings() >= 3 && b.pings() >= 3);
    expect(p.suspects().size).to.equal(0);
    a.setAnswering(false);
    const silentAt = Date.now();
    await until('a suspected', () => events.length > 0);
    const took = Date.now() - silentAt;
    expect(took).to.be.within(250, 800);
    await new Promise((r) => setTimeout(r, 400)); // still silent: no second report
    expect(events).to.deep.equal(['suspect a']);
    expect([...p.suspects()]).to.deep.equal(['a']);
    expect(a.sockets.size, 'the connection stays open').to.equal(1);
    a.setAnswering(true);
    await until('a cleared', () => events.length === 2);
    expect(events).to.deep.equal(['suspect a', 'alive a']);
    expect(p.suspects().size).to.equal(0);
    a.setAnswering(false);
    await until('a suspected again', () => events.length === 3);
    expect(events[2]).to.equal('suspect a');
    expect(down).to.deep.equal([]);
    p.stop();
    for (const x of [a, b]) {
      x.server.close();
      for (const s of x.sockets) s.destroy();
    }
  });

  it('heartbeats: suspects a node that never answers (accepts, reads nothing), and forgets it when dropped', async () => {
    const a = await pingServer();
    a.setAnswering(false);
    const events: string[] = [];
    const p = new Prober(() => undefined, { heartbeatMs: 50, suspectMs: 300, onSuspect: (id) => events.push(id) });
    p.update(new Map([['a', { ip: '127.0.0.1', port: a.port }]]));
    await until('a suspected', () => events.length === 1);
    p.update(new Map());
    expect(p.suspects().size).to.equal(0);
    await until('closed', () => a.sockets.size === 0);
    p.stop();
    a.server.close();
  });
});
