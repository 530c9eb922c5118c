// Blocking list commands and the blocking mechanism (server/blocking.ts) through the real dispatcher, on
// detached clients and a manual clock: served at once when data is there; FIFO per key when several
// clients wait; served after the command that made the key ready (pushes, LMOVE chains, RESTORE, RENAME,
// COPY, MOVE, SWAPDB, the replication link); deadlines to the millisecond; disconnects leave nothing
// behind; CLIENT UNBLOCK; the effects (the pops performed); INFO's counters.
import { expect } from 'chai';
import { encodeCommand } from '../../lib/replication/stream';
import type { Client } from '../../lib/server/client';
import { UnitNode } from '../helpers/unit-node';

/** Sends a command from client c without waiting for a reply (it may block). */
function send(c: Client, ...argv: string[]): void {
  c.onData(Buffer.from(encodeCommand(argv), 'latin1'));
}

/** What client c was answered since the last call (raw RESP). */
function got(c: Client): string {
  const out = c.out.take();
  return typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
}

const arr = (...items: string[]) => `*${items.length}\r\n` + items.map((s) => `$${s.length}\r\n${s}\r\n`).join('');
const NULL_ARRAY = '*-1\r\n';

describe('blocking list commands', () => {
  let n: UnitNode;
  let a: Client;
  let b: Client;
  beforeEach(() => {
    n = new UnitNode();
    a = n.newClient();
    b = n.newClient();
  });

  it('answer at once when a key has elements, as the non-blocking pop', () => {
    n.run('RPUSH', 'k', '1', '2', '3');
    expect(n.run('BLPOP', 'nokey', 'k', '0')).to.deep.equal(['k', '1']);
    expect(n.run('BRPOP', 'k', '0')).to.deep.equal(['k', '3']);
    expect(n.run('BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', '0')).to.equal('2');
    expect(n.run('BLMPOP', '0', '2', 'nokey', 'd', 'LEFT', 'COUNT', '5')).to.deep.equal(['d', ['2']]);
    expect(n.node.blocking.size).to.equal(0);
  });

  it('two clients blocked on one key are served in the order they blocked, after the pushing command', () => {
    send(a, 'BLPOP', 'k', '0');
    send(b, 'BLPOP', 'k', '0');
    expect(got(a) + got(b)).to.equal('');
    expect(n.node.blocking.size).to.equal(2);
    expect(n.run('RPUSH', 'k', 'x')).to.equal(1); // the push's reply counts the element; then a takes it
    expect(got(a)).to.equal(arr('k', 'x'));
    expect(got(b)).to.equal('');
    expect(n.run('EXISTS', 'k')).to.equal(0);
    n.run('RPUSH', 'k', 'y', 'z');
    expect(got(b)).to.equal(arr('k', 'y'));
    expect(n.run('LRANGE', 'k', '0', '-1')).to.deep.equal(['z']);
    expect(n.node.blocking.size).to.equal(0);
  });

  it("a served client's pipelined commands run after the other waiters of the key were served", () => {
    a.onData(Buffer.from(encodeCommand(['BLPOP', 'k', '0']) + encodeCommand(['BLPOP', 'k', '0']), 'latin1'));
    send(b, 'BLPOP', 'k', '0');
    n.run('RPUSH', 'k', 'x', 'y');
    expect(got(a)).to.equal(arr('k', 'x'));
    expect(got(b)).to.equal(arr('k', 'y'));
    expect(n.node.blocking.isBlocked(a)).to.equal(true); // its second BLPOP waits
    n.run('LPUSH', 'k', 'z');
    expect(got(a)).to.equal(arr('k', 'z'));
  });

  it('a client blocked on several keys is served from the first that has elements, in argument order', () => {
    send(a, 'BRPOP', 'k1', 'k2', 'k3', '0');
    n.run('RPUSH', 'k3', 'three');
    expect(got(a)).to.equal(arr('k3', 'three'));
    send(a, 'BLPOP', 'k1', 'k2', '0');
    n.run('MSET', 'x', '1'); // not a list: nothing
    n.run('HSET', 'k2', 'f', 'v'); // another type: does not wake a list waiter
    expect(got(a)).to.equal('');
    n.run('DEL', 'k2');
    n.run('RPUSH', 'k2', 'two');
    expect(got(a)).to.equal(arr('k2', 'two'));
  });

  it('a waited key that became another type answers WRONGTYPE when another of its keys gets a list', () => {
    send(a, 'BLPOP', 'k1', 'k2', '0');
    n.run('SET', 'k1', 'str');
    expect(got(a)).to.equal('');
    n.run('RPUSH', 'k2', 'v');
    expect(got(a)).to.equal('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n');
    expect(n.run('LLEN', 'k2')).to.equal(1);
  });

  it('BLMOVE chains: a served move makes its destination ready for the next waiter in the same round', () => {
    send(a, 'BLMOVE', 'src', 'mid', 'LEFT', 'RIGHT', '0');
    send(b, 'BRPOPLPUSH', 'mid', 'dst', '0');
    n.run('RPUSH', 'src', 'v');
    expect(got(a)).to.equal('$1\r\nv\r\n');
    expect(got(b)).to.equal('$1\r\nv\r\n');
    expect(n.run('LRANGE', 'dst', '0', '-1')).to.deep.equal(['v']);
    expect(n.run('EXISTS', 'src', 'mid')).to.equal(0);
  });

  it('BLMPOP with a count is served with up to count elements', () => {
    send(a, 'BLMPOP', '0', '2', 'x', 'y', 'RIGHT', 'COUNT', '2');
    n.run('RPUSH', 'y', '1', '2', '3');
    expect(got(a)).to.equal(`*2\r\n$1\r\ny\r\n${arr('3', '2')}`);
  });

  it('a list appearing by RESTORE, RENAME, COPY, MOVE or SWAPDB serves the waiters too', () => {
    n.run('RPUSH', 'src', '1', '2', '3', '4', '5');
    const payload = n.run('DUMP', 'src') as string;
    send(a, 'BLPOP', 'r1', '0');
    n.run('RESTORE', 'r1', '0', payload);
    expect(got(a)).to.equal(arr('r1', '1'));
    send(a, 'BLPOP', 'r2', '0');
    n.run('COPY', 'src', 'r2');
    expect(got(a)).to.equal(arr('r2', '1'));
    send(a, 'BLPOP', 'r3', '0');
    n.run('RENAME', 'r2', 'r3');
    expect(got(a)).to.equal(arr('r3', '2'));
    send(a, 'BLPOP', 'r4', '0');
    n.run('SELECT', '1');
    n.run('RPUSH', 'r4', 'from-db1');
    n.run('MOVE', 'r4', '0');
    expect(got(a)).to.equal(arr('r4', 'from-db1'));
    send(a, 'BLPOP', 'r5', '0');
    n.run('RPUSH', 'r5', 'swapped');
    n.run('SWAPDB', '0', '1');
    expect(got(a)).to.equal(arr('r5', 'swapped'));
  });

  it('a push from the replication link (the master client) serves waiters too', () => {
    send(a, 'BLPOP', 'k', '0');
    const m = n.newClient();
    m.master = true;
    n.raw(['RPUSH', 'k', 'from-primary'], m);
    expect(got(a)).to.equal(arr('k', 'from-primary'));
  });

  it('times out to the millisecond (ceil of seconds x 1000) with a null array, _ in RESP3', () => {
    send(a, 'BLPOP', 'k', '0.2505');
    n.clock.advance(250);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal('');
    n.clock.advance(1);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal(NULL_ARRAY);
    n.raw(['HELLO', '3'], b);
    send(b, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0.001');
    n.clock.advance(1);
    n.node.blocking.expireDue();
    expect(got(b)).to.equal('_\r\n');
    send(a, 'BRPOPLPUSH', 'k', 'd', '1');
    n.clock.advance(1000);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal(NULL_ARRAY); // BLMOVE and BRPOPLPUSH time out with a null array too, as Redis
  });

  it('timeout 0 and a negative fraction that rounds to 0 wait forever', () => {
    send(a, 'BLPOP', 'k', '0');
    send(b, 'BLPOP', 'k', '-0.0001');
    n.clock.advance(1e9);
    n.node.blocking.expireDue();
    expect(got(a) + got(b)).to.equal('');
    expect(n.node.blocking.size).to.equal(2);
  });

  it('timeout errors: not a float, negative, out of range (Redis 7.2)', () => {
    for (const t of ['abc', '', ' 1', 'nan']) expect(n.raw(['BLPOP', 'k', t])).to.equal('-ERR timeout is not a float or out of range\r\n');
    expect(n.raw(['BLPOP', 'k', '-1'])).to.equal('-ERR timeout is negative\r\n');
    expect(n.raw(['BLPOP', 'k', '-inf'])).to.equal('-ERR timeout is negative\r\n');
    expect(n.raw(['BLPOP', 'k', '1e20'])).to.equal('-ERR timeout is out of range\r\n');
    expect(n.raw(['BLPOP', 'k', 'inf'])).to.equal('-ERR timeout is out of range\r\n');
    expect(n.raw(['BLMPOP', 'x', '0', 'k', 'LEFT'])).to.equal('-ERR numkeys should be greater than 0\r\n');
    expect(n.raw(['BLMPOP', 'x', '1', 'k', 'LEFT'])).to.equal('-ERR timeout is not a float or out of range\r\n');
    expect(n.raw(['BLMOVE', 'k', 'd', 'UP', 'LEFT', 'x'])).to.equal('-ERR syntax error\r\n');
    expect(n.node.blocking.size).to.equal(0);
  });

  it('a client that disconnects while blocked leaves nothing behind', () => {
    send(a, 'BLPOP', 'k1', 'k2', '5');
    send(b, 'BLPOP', 'k1', '0');
    expect(n.node.blocking.keyCount).to.equal(2);
    a.close();
    b.close();
    expect(n.node.blocking.size).to.equal(0);
    expect(n.node.blocking.keyCount).to.equal(0);
    expect(n.node.env.keyReady).to.equal(null);
    n.run('RPUSH', 'k1', 'v');
    expect(n.run('LLEN', 'k1')).to.equal(1);
  });

  it('CLIENT UNBLOCK answers a blocked client with its timeout reply or the UNBLOCKED error', () => {
    send(a, 'BLPOP', 'k', '0');
    expect(n.run('CLIENT', 'UNBLOCK', String(a.id))).to.equal(1);
    expect(got(a)).to.equal(NULL_ARRAY);
    expect(n.run('CLIENT', 'UNBLOCK', String(a.id))).to.equal(0);
    send(a, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    expect(n.run('CLIENT', 'UNBLOCK', String(a.id), 'error')).to.equal(1);
    expect(got(a)).to.equal('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(n.run('CLIENT', 'UNBLOCK', '999999')).to.equal(0);
    expect(n.raw(['CLIENT', 'UNBLOCK', String(a.id), 'maybe'])).to.equal('-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n');
    expect(n.raw(['CLIENT', 'UNBLOCK', 'x'])).to.equal('-ERR value is not an integer or out of range\r\n');
    expect(n.raw(['CLIENT', 'UNBLOCK', '1', 'TIMEOUT', 'x'])).to.equal("-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n");
    // The unblocked client runs what it sent meanwhile.
    send(a, 'BLPOP', 'k', '0');
    send(a, 'PING');
    n.run('CLIENT', 'UNBLOCK', String(a.id));
    expect(got(a)).to.equal(NULL_ARRAY + '+PONG\r\n');
  });

  it('replicates what was popped: LPOP for BLPOP, LMOVE for BLMOVE, LPOP key n for BLMPOP, after the push', () => {
    n.node.repl.ensureBacklog();
    n.run('SET', 'init', '1');
    send(a, 'BLPOP', 'k', '0');
    send(b, 'BLMOVE', 'k', 'd', 'RIGHT', 'LEFT', '0');
    const c = n.newClient();
    send(c, 'BLMPOP', '0', '1', 'k', 'LEFT', 'COUNT', '5');
    expect(n.effects(() => n.run('RPUSH', 'k', '1', '2', '3', '4'))).to.deep.equal([
      ['RPUSH', 'k', '1', '2', '3', '4'],
      ['LPOP', 'k'],
      ['LMOVE', 'k', 'd', 'RIGHT', 'LEFT'],
      ['LPOP', 'k', '2'],
    ]);
    expect(n.effects(() => n.run('BLPOP', 'd', '0'))).to.deep.equal([['LPOP', 'd']]);
    expect(n.effects(() => send(a, 'BRPOP', 'nothing', '0.5'))).to.deep.equal([]);
  });

  it('cluster mode: a wait whose slot the node no longer serves gets the redirect at the next cron tick', () => {
    send(a, 'BLPOP', 'k', '0');
    send(b, 'BLPOP', 'other', '0');
    const routed: string[][] = [];
    // The routing of a fake cluster plug-in: 'k' moved away, 'other' still served here.
    (n.node as unknown as { cluster: unknown }).cluster = {
      gate: null,
      route: (_c: unknown, spec: { name: string; keys: { first: number } }, argv: string[]) => {
        routed.push(argv);
        expect(spec.keys.first).to.equal(1);
        return argv[1] === 'k' ? 'MOVED 7629 127.0.0.1:7001' : null;
      },
    };
    n.node.cron();
    (n.node as unknown as { cluster: unknown }).cluster = null;
    expect(routed).to.deep.include.members([['blpop', 'k'], ['blpop', 'other']]);
    expect(got(a)).to.equal('-MOVED 7629 127.0.0.1:7001\r\n');
    expect(got(b)).to.equal('');
    expect(n.node.blocking.size).to.equal(1);
  });

  it('a node that turned replica ends every wait with UNBLOCKED and closes those connections after it', () => {
    send(a, 'BLPOP', 'k', '0');
    n.run('REPLICAOF', '127.0.0.1', '1');
    n.node.cron();
    expect(got(a)).to.equal('-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n');
    expect(a.closeAfterReply).to.equal(true);
    expect(n.node.blocking.size).to.equal(0);
    n.run('REPLICAOF', 'NO', 'ONE');
  });

  it('INFO clients counts blocked clients, those with a deadline and the keys waited on', () => {
    send(a, 'BLPOP', 'k1', 'k2', '0');
    send(b, 'BLPOP', 'k2', '3');
    const info = n.run('INFO', 'clients') as string;
    expect(info).to.include('blocked_clients:2\r\n');
    expect(info).to.include('clients_in_timeout_table:1\r\n');
    expect(info).to.include('total_blocking_keys:2\r\n');
  });
});
