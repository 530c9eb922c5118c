// Blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) through the real dispatcher, on detached clients
// and a manual clock: immediate pops in Redis 7.2's shapes (RESP2 and RESP3); waiters served in the order
// they blocked, after the command that made a key a sorted set (ZADD, ZINCRBY, GEOADD, ZUNIONSTORE & co.,
// ZRANGESTORE, GEOSEARCHSTORE, RESTORE, RENAME, COPY, MOVE, SWAPDB, the replication link); only a sorted
// set wakes them; WRONGTYPE when served; timeouts and their errors; CLIENT UNBLOCK; effects (the pops
// performed); cluster redirects and a role change; INFO's counters.
import { expect } from 'chai';
import { zsetBlockingCommands } from '../../lib/commands/zset-blocking';
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

const b = (s: string) => `$${s.length}\r\n${s}\r\n`;
/** BZPOPMIN/BZPOPMAX's reply in RESP2: [key, member, score] with the score as a bulk. */
const flat = (key: string, member: string, score: string) => `*3\r\n${b(key)}${b(member)}${b(score)}`;
/** The same in RESP3: the score a double. */
const flat3 = (key: string, member: string, score: string) => `*3\r\n${b(key)}${b(member)},${score}\r\n`;
/** BZMPOP's reply: [key, [[member, score], ...]] (scores as bulks in RESP2, doubles in RESP3). */
const nested = (key: string, pairs: [string, string][], resp: 2 | 3 = 2) =>
  `*2\r\n${b(key)}*${pairs.length}\r\n` + pairs.map(([m, s]) => `*2\r\n${b(m)}${resp === 3 ? `,${s}\r\n` : b(s)}`).join('');
const NULL_ARRAY = '*-1\r\n';
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

describe('blocking sorted-set pops', () => {
  let n: UnitNode;
  let a: Client;
  let c2: Client;
  beforeEach(() => {
    n = new UnitNode();
    a = n.newClient();
    c2 = n.newClient();
  });

  it('answer at once when a key holds a sorted set, in Redis 7.2 shapes (RESP2)', () => {
    n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4.5', 'd');
    expect(n.raw(['BZPOPMIN', 'nokey', 'z', '0'])).to.equal(flat('z', 'a', '1'));
    expect(n.raw(['BZPOPMAX', 'z', 'nokey', '1'])).to.equal(flat('z', 'd', '4.5'));
    expect(n.raw(['BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '5'])).to.equal(nested('z', [['b', '2'], ['c', '3']]));
    expect(n.run('EXISTS', 'z')).to.equal(0);
    n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    expect(n.raw(['BZMPOP', '0', '1', 'z', 'MAX'])).to.equal(nested('z', [['c', '3']]));
    expect(n.raw(['BZMPOP', '0', '1', 'z', 'max', 'count', '1'])).to.equal(nested('z', [['b', '2']]));
    expect(n.node.blocking.size).to.equal(0);
  });

  it('answer at once in RESP3: the score a double, BZMPOP nested as ZMPOP', () => {
    n.raw(['HELLO', '3']);
    n.run('ZADD', 'z', '1', 'a', '2', 'b', '0.1', 'c', 'inf', 'd');
    expect(n.raw(['BZPOPMIN', 'z', '0'])).to.equal(flat3('z', 'c', '0.1'));
    expect(n.raw(['BZPOPMAX', 'z', '0'])).to.equal(flat3('z', 'd', 'inf'));
    expect(n.raw(['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '2'])).to.equal(nested('z', [['a', '1'], ['b', '2']], 3));
  });

  it('clients blocked on one key are served in the order they blocked, by a ZADD from another client', () => {
    const b2 = n.newClient();
    send(a, 'BZPOPMIN', 'k', '0');
    send(c2, 'BZPOPMAX', 'k', '0');
    send(b2, 'BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '2');
    expect(got(a) + got(c2) + got(b2)).to.equal('');
    expect(n.node.blocking.size).to.equal(3);
    expect(n.run('ZADD', 'k', '1', 'one', '2', 'two')).to.equal(2); // the ZADD's reply counts both; then a and c2 pop them
    expect(got(a)).to.equal(flat('k', 'one', '1'));
    expect(got(c2)).to.equal(flat('k', 'two', '2'));
    expect(got(b2)).to.equal('');
    expect(n.run('EXISTS', 'k')).to.equal(0);
    n.run('ZADD', 'k', '3', 'x', '2', 'y', '1', 'z');
    expect(got(b2)).to.equal(nested('k', [['z', '1'], ['y', '2']]));
    expect(n.run('ZRANGE', 'k', '0', '-1')).to.deep.equal(['x']);
    expect(n.node.blocking.size).to.equal(0);
  });

  it("a served client's pipelined commands run after the other waiters of the key were served", () => {
    a.onData(Buffer.from(encodeCommand(['BZPOPMIN', 'k', '0']) + encodeCommand(['BZPOPMIN', 'k', '0']), 'latin1'));
    send(c2, 'BZPOPMIN', 'k', '0');
    n.run('ZADD', 'k', '1', 'x', '2', 'y');
    expect(got(a)).to.equal(flat('k', 'x', '1'));
    expect(got(c2)).to.equal(flat('k', 'y', '2'));
    expect(n.node.blocking.isBlocked(a)).to.equal(true); // its second BZPOPMIN waits
    n.run('ZINCRBY', 'k', '7', 'z');
    expect(got(a)).to.equal(flat('k', 'z', '7'));
  });

  it('a client blocked on several keys pops the first that holds a sorted set, in argument order', () => {
    send(a, 'BZPOPMAX', 'k1', 'k2', 'k3', '0');
    n.run('ZADD', 'k3', '3', 'three');
    expect(got(a)).to.equal(flat('k3', 'three', '3'));
    send(a, 'BZPOPMIN', 'k1', 'k2', '0');
    n.run('SET', 'x', '1'); // another key: nothing
    n.run('RPUSH', 'k2', 'v'); // a list does not wake a sorted-set waiter
    n.run('HSET', 'k1', 'f', 'v');
    expect(got(a)).to.equal('');
    n.run('DEL', 'k1', 'k2');
    n.run('ZADD', 'k2', '2', 'two');
    expect(got(a)).to.equal(flat('k2', 'two', '2'));
  });

  it('a sorted set does not wake a list waiter, nor a list a sorted-set waiter', () => {
    send(a, 'BLPOP', 'k', '0');
    send(c2, 'BZPOPMIN', 'k', '0');
    n.run('ZADD', 'k', '1', 'm');
    expect(got(a)).to.equal('');
    expect(got(c2)).to.equal(flat('k', 'm', '1'));
    n.run('RPUSH', 'k', 'e');
    expect(got(a)).to.equal('*2\r\n$1\r\nk\r\n$1\r\ne\r\n');
  });

  it('a waited key that became another type answers WRONGTYPE when a later key gets a sorted set', () => {
    send(a, 'BZPOPMIN', 'k1', 'k2', '0');
    n.run('SET', 'k1', 'str');
    expect(got(a)).to.equal('');
    n.run('ZADD', 'k2', '1', 'm');
    expect(got(a)).to.equal(WRONGTYPE);
    expect(n.run('ZCARD', 'k2')).to.equal(1);
    // BZMPOP the same way; at once too.
    n.run('DEL', 'k2');
    send(a, 'BZMPOP', '0', '2', 'k1', 'k2', 'MAX');
    expect(got(a)).to.equal(WRONGTYPE);
    send(a, 'BZMPOP', '0', '2', 'none', 'k3', 'MAX');
    n.run('SET', 'none', 'x');
    n.run('ZADD', 'k3', '1', 'm');
    expect(got(a)).to.equal(WRONGTYPE);
    expect(n.node.blocking.size).to.equal(0);
  });

  it('BZMPOP MIN and MAX with a count are served with up to count members', () => {
    send(a, 'BZMPOP', '0', '2', 'x', 'y', 'MAX', 'COUNT', '2');
    send(c2, 'BZMPOP', '0', '2', 'y', 'x', 'MIN', 'COUNT', '10');
    n.run('ZADD', 'y', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    expect(got(a)).to.equal(nested('y', [['d', '4'], ['c', '3']]));
    expect(got(c2)).to.equal(nested('y', [['a', '1'], ['b', '2']]));
    expect(n.run('EXISTS', 'y')).to.equal(0);
    n.raw(['HELLO', '3'], a);
    send(a, 'BZMPOP', '0', '1', 'x', 'MIN');
    n.run('ZADD', 'x', '1.5', 'p', '2.5', 'q');
    expect(got(a)).to.equal(nested('x', [['p', '1.5']], 3));
  });

  it('a sorted set made by ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZRANGESTORE, GEOADD or GEOSEARCHSTORE serves the waiters', () => {
    n.run('ZADD', 'src', '1', 'a', '2', 'b', '3', 'c');
    n.run('ZADD', 'src2', '5', 'a', '6', 'c');
    const served = (cmd: string[], reply: string) => {
      send(a, 'BZPOPMIN', 'dst', '0');
      expect(got(a)).to.equal('');
      n.run(...cmd);
      expect(got(a), cmd[0]).to.equal(reply);
      n.run('DEL', 'dst');
    };
    served(['ZUNIONSTORE', 'dst', '2', 'src', 'src2'], flat('dst', 'b', '2'));
    served(['ZINTERSTORE', 'dst', '2', 'src', 'src2', 'AGGREGATE', 'MIN'], flat('dst', 'a', '1'));
    served(['ZDIFFSTORE', 'dst', '2', 'src', 'src2'], flat('dst', 'b', '2'));
    served(['ZRANGESTORE', 'dst', 'src', '1', '2'], flat('dst', 'b', '2'));
    n.run('GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    send(a, 'BZPOPMAX', 'dst', '0');
    n.run('GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST');
    expect(got(a)).to.equal(flat('dst', 'Palermo', '190.44242984775784'));
    n.run('DEL', 'dst');
    send(a, 'BZPOPMIN', 'geo', '0');
    n.run('GEOADD', 'geo', '13.361389', '38.115556', 'Palermo');
    expect(got(a)).to.equal(flat('geo', 'Palermo', '3479099956230698'));
    // A STORE over a string the waited key became meanwhile serves too (Redis 7.2 would not signal the
    // overwritten key: docs/commands.md, differences).
    send(a, 'BZPOPMIN', 'dst', '0');
    n.run('SET', 'dst', 'str');
    expect(got(a)).to.equal('');
    n.run('ZUNIONSTORE', 'dst', '1', 'src');
    expect(got(a)).to.equal(flat('dst', 'a', '1'));
    n.run('DEL', 'dst');
    // An empty result deletes the destination: nothing to serve, the client waits on.
    send(a, 'BZPOPMIN', 'dst', '0');
    n.run('ZINTERSTORE', 'dst', '2', 'src', 'nokey');
    expect(got(a)).to.equal('');
    expect(n.node.blocking.isBlocked(a)).to.equal(true);
  });

  it('a sorted set appearing by RESTORE, RENAME, COPY, MOVE or SWAPDB serves the waiters too', () => {
    n.run('ZADD', 'src', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    const payload = n.run('DUMP', 'src') as string;
    send(a, 'BZPOPMIN', 'r1', '0');
    n.run('RESTORE', 'r1', '0', payload);
    expect(got(a)).to.equal(flat('r1', 'a', '1'));
    send(a, 'BZPOPMIN', 'r2', '0');
    n.run('COPY', 'src', 'r2');
    expect(got(a)).to.equal(flat('r2', 'a', '1'));
    send(a, 'BZPOPMIN', 'r3', '0');
    n.run('RENAME', 'r2', 'r3');
    expect(got(a)).to.equal(flat('r3', 'b', '2'));
    send(a, 'BZPOPMAX', 'r4', '0');
    n.run('SELECT', '1');
    n.run('ZADD', 'r4', '9', 'from-db1');
    n.run('MOVE', 'r4', '0');
    expect(got(a)).to.equal(flat('r4', 'from-db1', '9'));
    send(a, 'BZMPOP', '0', '1', 'r5', 'MIN');
    n.run('ZADD', 'r5', '8', 'swapped');
    n.run('SWAPDB', '0', '1');
    expect(got(a)).to.equal(nested('r5', [['swapped', '8']]));
  });

  it('a ZADD from the replication link (the master client) serves waiters too; the link itself never blocks', () => {
    send(a, 'BZPOPMIN', 'k', '0');
    const m = n.newClient();
    m.master = true;
    n.raw(['ZADD', 'k', '1', 'from-primary'], m);
    expect(got(a)).to.equal(flat('k', 'from-primary', '1'));
    n.raw(['BZPOPMIN', 'none', '0'], m);
    expect(n.node.blocking.size).to.equal(0);
    // canBlock false (Redis's CLIENT_DENY_BLOCKING; the link's replies are not sent, so a context that
    // cannot block is made here): a null array at once, as a timeout.
    const denied = Object.create(a, { canBlock: { value: false } }) as Client;
    for (const argv of [['BZPOPMIN', 'none', '0'], ['BZPOPMAX', 'none', 'none2', '0'], ['BZMPOP', '0', '1', 'none', 'MIN']]) {
      const spec = zsetBlockingCommands.find((s) => s.name === argv[0].toLowerCase());
      spec?.handler?.(denied, argv);
      expect(got(a), argv[0]).to.equal(NULL_ARRAY);
    }
    expect(n.node.blocking.size).to.equal(0);
  });

  it('times out to the millisecond with a null array, _ in RESP3', () => {
    send(a, 'BZPOPMIN', 'k', '0.2505');
    n.clock.advance(250);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal('');
    n.clock.advance(1);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal(NULL_ARRAY);
    n.raw(['HELLO', '3'], c2);
    send(c2, 'BZPOPMAX', 'k', '0.001');
    n.clock.advance(1);
    n.node.blocking.expireDue();
    expect(got(c2)).to.equal('_\r\n');
    send(c2, 'BZMPOP', '1', '1', 'k', 'MIN');
    n.clock.advance(1000);
    n.node.blocking.expireDue();
    expect(got(c2)).to.equal('_\r\n');
    send(a, 'BZMPOP', '2', '2', 'k', 'j', 'MAX', 'COUNT', '3');
    n.clock.advance(2000);
    n.node.blocking.expireDue();
    expect(got(a)).to.equal(NULL_ARRAY);
    // A sorted set arriving after the timeout is left alone.
    n.run('ZADD', 'k', '1', 'm');
    expect(n.run('ZCARD', 'k')).to.equal(1);
  });

  it('timeout 0 and a negative fraction that rounds to 0 wait forever', () => {
    send(a, 'BZPOPMIN', 'k', '0');
    send(c2, 'BZMPOP', '-0.0001', '1', 'k', 'MIN');
    n.clock.advance(1e9);
    n.node.blocking.expireDue();
    expect(got(a) + got(c2)).to.equal('');
    expect(n.node.blocking.size).to.equal(2);
  });

  it('timeout errors as the list blocking commands; BZMPOP checks its other arguments first', () => {
    for (const cmd of ['BZPOPMIN', 'BZPOPMAX']) {
      for (const t of ['abc', '', ' 1', 'nan']) expect(n.raw([cmd, 'k', t])).to.equal('-ERR timeout is not a float or out of range\r\n');
      expect(n.raw([cmd, 'k', '-1'])).to.equal('-ERR timeout is negative\r\n');
      expect(n.raw([cmd, 'k', '-inf'])).to.equal('-ERR timeout is negative\r\n');
      expect(n.raw([cmd, 'k', '1e20'])).to.equal('-ERR timeout is out of range\r\n');
      expect(n.raw([cmd, 'k', 'inf'])).to.equal('-ERR timeout is out of range\r\n');
    }
    expect(n.raw(['BZMPOP', 'x', '1', 'k', 'MIN'])).to.equal('-ERR timeout is not a float or out of range\r\n');
    expect(n.raw(['BZMPOP', '-1', '1', 'k', 'MIN'])).to.equal('-ERR timeout is negative\r\n');
    expect(n.raw(['BZMPOP', 'x', '0', 'k', 'MIN'])).to.equal('-ERR numkeys should be greater than 0\r\n');
    expect(n.raw(['BZMPOP', 'x', '2', 'k', 'MIN'])).to.equal('-ERR syntax error\r\n');
    expect(n.raw(['BZMPOP', 'x', '1', 'k', 'MID'])).to.equal('-ERR syntax error\r\n');
    expect(n.raw(['BZMPOP', 'x', '1', 'k', 'MIN', 'COUNT', '0'])).to.equal('-ERR count should be greater than 0\r\n');
    expect(n.raw(['BZMPOP', 'x', '1', 'k', 'MIN', 'COUNT', '1', 'COUNT', '1'])).to.equal('-ERR syntax error\r\n');
    expect(n.raw(['BZPOPMIN', 'k'])).to.equal("-ERR wrong number of arguments for 'bzpopmin' command\r\n");
    expect(n.raw(['BZMPOP', '0', '1', 'k'])).to.equal("-ERR wrong number of arguments for 'bzmpop' command\r\n");
    n.run('SET', 's', 'v');
    expect(n.raw(['BZPOPMIN', 's', '0'])).to.equal(WRONGTYPE);
    expect(n.raw(['BZPOPMAX', 'nokey', 's', '0'])).to.equal(WRONGTYPE);
    expect(n.node.blocking.size).to.equal(0);
  });

  it('a client that disconnects while blocked leaves nothing behind', () => {
    send(a, 'BZPOPMIN', 'k1', 'k2', '5');
    send(c2, 'BZMPOP', '0', '1', 'k1', 'MIN');
    expect(n.node.blocking.keyCount).to.equal(2);
    a.close();
    c2.close();
    expect(n.node.blocking.size).to.equal(0);
    expect(n.node.blocking.keyCount).to.equal(0);
    expect(n.node.env.keyReady).to.equal(null);
    n.run('ZADD', 'k1', '1', 'm');
    expect(n.run('ZCARD', 'k1')).to.equal(1);
  });

  it('CLIENT UNBLOCK answers a blocked client with its timeout reply or the UNBLOCKED error', () => {
    send(a, 'BZPOPMIN', 'k', '0');
    expect(n.run('CLIENT', 'UNBLOCK', String(a.id))).to.equal(1);
    expect(got(a)).to.equal(NULL_ARRAY);
    send(a, 'BZMPOP', '0', '1', 'k', 'MAX');
    send(a, 'PING');
    expect(n.run('CLIENT', 'UNBLOCK', String(a.id), 'error')).to.equal(1);
    expect(got(a)).to.equal('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n+PONG\r\n');
  });

  it('replicates the pops performed: ZPOPMIN key 1, ZPOPMAX key n, after the command that served them', () => {
    n.node.repl.ensureBacklog();
    n.run('SET', 'init', '1');
    send(a, 'BZPOPMIN', 'k', '0');
    send(c2, 'BZPOPMAX', 'k', '0');
    const c3 = n.newClient();
    send(c3, 'BZMPOP', '0', '2', 'j', 'k', 'MAX', 'COUNT', '5');
    expect(n.effects(() => n.run('ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd'))).to.deep.equal([
      ['ZADD', 'k', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZPOPMIN', 'k', '1'],
      ['ZPOPMAX', 'k', '1'],
      ['ZPOPMAX', 'k', '2'],
    ]);
    got(a);
    n.run('ZADD', 'k', '1', 'a', '2', 'b', '3', 'c');
    expect(n.effects(() => n.run('BZPOPMAX', 'k', '0'))).to.deep.equal([['ZPOPMAX', 'k', '1']]);
    expect(n.effects(() => n.run('BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '10'))).to.deep.equal([['ZPOPMIN', 'k', '2']]);
    // Blocking, timing out and errors record nothing.
    expect(n.effects(() => send(a, 'BZPOPMIN', 'nothing', '0.5'))).to.deep.equal([]);
    expect(
      n.effects(() => {
        n.clock.advance(500);
        n.node.blocking.expireDue();
      }),
    ).to.deep.equal([]);
    expect(got(a)).to.equal(NULL_ARRAY);
    expect(n.effects(() => n.raw(['BZPOPMIN', 'k', 'x']))).to.deep.equal([]);
  });

  it('INFO counts blocked clients and keys; commandstats counts the blocking pops', () => {
    send(a, 'BZPOPMIN', 'k1', 'k2', '0');
    send(c2, 'BZMPOP', '3', '1', 'k2', 'MIN');
    const info = n.run('INFO', 'clients') as string;
    expect(info).to.include('blocked_clients:2\r\n');
    expect(info).to.include('clients_in_timeout_table:1\r\n');
    expect(info).to.include('total_blocking_keys:2\r\n');
    n.run('ZADD', 'k2', '1', 'a', '2', 'b');
    n.run('ZADD', 'z', '1', 'a');
    n.run('BZPOPMAX', 'z', '0');
    const stats = n.run('INFO', 'commandstats') as string;
    expect(stats).to.match(/cmdstat_bzpopmin:calls=1,/);
    expect(stats).to.match(/cmdstat_bzpopmax:calls=1,/);
    expect(stats).to.match(/cmdstat_bzmpop:calls=1,/);
    expect(n.run('INFO', 'clients') as string).to.include('blocked_clients:0\r\n');
  });

  it('cluster mode: a BZPOPMIN or BZMPOP wait whose slot moved away gets the redirect at the next cron tick', () => {
    send(a, 'BZPOPMIN', 'k', 'k2', '0');
    send(c2, 'BZMPOP', '0', '1', 'other', 'MIN');
    const routed: string[][] = [];
    // The routing of a fake cluster plug-in: 'k' moved away, 'other' still served here.
    (n.node as unknown as { cluster: unknown }).cluster = {
      gate: null,
      route: (_c: unknown, _spec: unknown, argv: string[]) => {
        routed.push(argv);
        return argv[1] === 'k' ? 'MOVED 7629 127.0.0.1:7001' : null;
      },
    };
    n.node.cron();
    (n.node as unknown as { cluster: unknown }).cluster = null;
    expect(routed).to.deep.include.members([
      ['bzpopmin', 'k', 'k2'],
      ['bzmpop', 'other'],
    ]);
    expect(got(a)).to.equal('-MOVED 7629 127.0.0.1:7001\r\n');
    expect(got(c2)).to.equal('');
    expect(n.node.blocking.size).to.equal(1);
  });

  it('a node that turned replica ends BZPOPMIN/BZMPOP waits with UNBLOCKED and closes those connections', () => {
    send(a, 'BZPOPMIN', 'k', '0');
    send(c2, 'BZMPOP', '0', '1', 'k', 'MIN');
    n.run('REPLICAOF', '127.0.0.1', '1');
    n.node.cron();
    const unblocked = '-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)\r\n';
    expect(got(a)).to.equal(unblocked);
    expect(got(c2)).to.equal(unblocked);
    expect(a.closeAfterReply && c2.closeAfterReply).to.equal(true);
    expect(n.node.blocking.size).to.equal(0);
    n.run('REPLICAOF', 'NO', 'ONE');
  });

  it('COMMAND GETKEYS finds the keys of BZPOPMIN and BZMPOP', () => {
    expect(n.run('COMMAND', 'GETKEYS', 'BZPOPMIN', 'a', 'b', '0')).to.deep.equal(['a', 'b']);
    expect(n.run('COMMAND', 'GETKEYS', 'BZMPOP', '0', '2', 'a', 'b', 'MIN', 'COUNT', '2')).to.deep.equal(['a', 'b']);
  });
});
