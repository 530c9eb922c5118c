import { expect } from 'chai';
import type * as net from 'net';
import { connectionCommands } from '../../lib/commands/connection';
import type { CommandSpec } from '../../lib/commands/types';
import { Client } from '../../lib/server/client';
import { REDIS_VERSION } from '../../lib/server/node';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const NOAUTH = 'NOAUTH Authentication required.';
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const NAME_ERR = 'ERR Client names cannot contain spaces, newlines or special characters.';

/** The message of an error reply (fails the test when the reply is not an error). */
function err(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** A client with a fake socket, so that it has an addr/laddr (CLIENT KILL ADDR); records destroy(). */
function socketClient(n: UnitNode, addr: string, laddr = '127.0.0.1:6379'): { c: Client; destroyed: () => boolean } {
  const [rip, rport] = addr.split(':');
  const [lip, lport] = laddr.split(':');
  let destroyed = false;
  const sock = {
    remoteAddress: rip,
    remotePort: Number(rport),
    localAddress: lip,
    localPort: Number(lport),
    writableLength: 0,
    destroy: () => {
      destroyed = true;
    },
  };
  const c = new Client(n.node, sock as unknown as net.Socket);
  n.node.clients.set(c.id, c);
  return { c, destroyed: () => destroyed };
}

describe('connection commands', () => {
  describe('PING, ECHO, SELECT, QUIT', () => {
    it('PING answers PONG or its message, in RESP2 and RESP3 alike; two arguments is an arity error', () => {
      const n = new UnitNode();
      expect(n.raw(['PING'])).to.equal('+PONG\r\n');
      expect(n.raw(['PING', 'hi there'])).to.equal('$8\r\nhi there\r\n');
      expect(err(n.run('PING', 'a', 'b'))).to.equal("ERR wrong number of arguments for 'ping' command");
      n.raw(['HELLO', '3']);
      expect(n.raw(['PING'])).to.equal('+PONG\r\n');
      expect(n.raw(['ping', 'x'])).to.equal('$1\r\nx\r\n');
    });

    it('ECHO returns its argument byte for byte; no argument is an arity error', () => {
      const n = new UnitNode();
      expect(n.raw(['ECHO', 'a\r\n\xff'])).to.equal('$4\r\na\r\n\xff\r\n');
      expect(err(n.run('ECHO'))).to.equal("ERR wrong number of arguments for 'echo' command");
    });

    it('SELECT switches the database; errors as Redis for bad indexes', () => {
      const n = new UnitNode();
      expect(n.run('SELECT', '1')).to.equal('OK');
      n.run('SET', 'k', 'in1');
      n.run('SELECT', '0');
      expect(n.run('GET', 'k')).to.equal(null);
      n.run('SELECT', '1');
      expect(n.run('GET', 'k')).to.equal('in1');
      expect(err(n.run('SELECT', 'abc'))).to.equal('ERR value is not an integer or out of range');
      expect(err(n.run('SELECT', '99999999999'))).to.equal(
        'ERR value is out of range, value must between -2147483648 and 2147483647',
      );
      expect(err(n.run('SELECT', '16'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('SELECT', '-1'))).to.equal('ERR DB index is out of range');
    });

    it('QUIT replies OK and marks the connection to close after the reply', () => {
      const n = new UnitNode();
      expect(n.client.closeAfterReply).to.equal(false);
      expect(n.run('QUIT')).to.equal('OK');
      expect(n.client.closeAfterReply).to.equal(true);
    });
  });

  describe('HELLO', () => {
    it('without arguments replies the server map in the current protocol (RESP2: a flat array)', () => {
      const n = new UnitNode();
      expect(n.run('HELLO')).to.deep.equal([
        'server', 'redis', 'version', REDIS_VERSION, 'proto', 2, 'id', n.client.id,
        'mode', 'standalone', 'role', 'master', 'modules', [],
      ]);
    });

    it('HELLO 3 switches to RESP3 and replies with a RESP3 map; HELLO 2 switches back', () => {
      const n = new UnitNode();
      const id = String(n.client.id);
      expect(n.raw(['HELLO', '3'])).to.equal(
        '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n' +
          `$${REDIS_VERSION.length}\r\n${REDIS_VERSION}\r\n` +
          '$5\r\nproto\r\n:3\r\n$2\r\nid\r\n' +
          `:${id}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`,
      );
      expect(n.client.out.resp).to.equal(3);
      expect(n.raw(['GET', 'missing'])).to.equal('_\r\n');
      expect(n.raw(['HELLO', '2'])).to.match(/^\*14\r\n/);
      expect(n.raw(['GET', 'missing'])).to.equal('$-1\r\n');
    });

    it('refuses other versions with NOPROTO and junk with Redis\'s texts, leaving the protocol alone', () => {
      const n = new UnitNode();
      expect(err(n.run('HELLO', '4'))).to.equal('NOPROTO unsupported protocol version');
      expect(err(n.run('HELLO', '1'))).to.equal('NOPROTO unsupported protocol version');
      expect(err(n.run('HELLO', 'abc'))).to.equal('ERR Protocol version is not an integer or out of range');
      expect(err(n.run('HELLO', '3', 'foo'))).to.equal("ERR Syntax error in HELLO option 'foo'");
      expect(err(n.run('HELLO', '3', 'AUTH', 'default'))).to.equal("ERR Syntax error in HELLO option 'AUTH'");
      expect(err(n.run('HELLO', '3', 'SETNAME'))).to.equal("ERR Syntax error in HELLO option 'SETNAME'");
      expect(err(n.run('HELLO', '3', 'SETNAME', 'a b'))).to.equal(NAME_ERR);
      expect(n.client.out.resp).to.equal(2);
    });

    it('SETNAME names the connection', () => {
      const n = new UnitNode();
      n.raw(['HELLO', '3', 'SETNAME', 'worker-1']);
      expect(n.client.name).to.equal('worker-1');
      expect(n.raw(['CLIENT', 'GETNAME'])).to.equal('$8\r\nworker-1\r\n');
    });

    it('with requirepass: NOAUTH unless it carries AUTH; AUTH with a wrong password is WRONGPASS', () => {
      const n = new UnitNode({ requirepass: 's3cret' });
      expect(err(n.run('HELLO', '3'))).to.equal(
        'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH ' +
          '<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
      );
      expect(err(n.run('HELLO', '3', 'AUTH', 'default', 'nope', 'SETNAME', 'x'))).to.equal(WRONGPASS);
      // 7.2 checks the name before authenticating.
      expect(err(n.run('HELLO', '3', 'AUTH', 'default', 'nope', 'SETNAME', 'a b'))).to.equal(NAME_ERR);
      expect(n.client.out.resp).to.equal(2);
      expect(n.client.name).to.equal('');
      expect(n.raw(['HELLO', '3', 'AUTH', 'default', 's3cret', 'SETNAME', 'app'])).to.match(/^%7\r\n/);
      expect(n.client.authenticated).to.equal(true);
      expect(n.client.name).to.equal('app');
      expect(n.raw(['SET', 'k', 'v'])).to.equal('+OK\r\n');
    });
  });

  describe('AUTH', () => {
    it('without requirepass: the one-argument form is an error, default with any password passes', () => {
      const n = new UnitNode();
      expect(err(n.run('AUTH', 'x'))).to.equal(
        'ERR AUTH <password> called without any password configured for the default user. ' +
          'Are you sure your configuration is correct?',
      );
      expect(n.run('AUTH', 'default', 'anything')).to.equal('OK');
      expect(err(n.run('AUTH', 'bob', 'x'))).to.equal(WRONGPASS);
      expect(err(n.run('AUTH', 'a', 'b', 'c'))).to.equal('ERR syntax error');
      expect(err(n.run('AUTH'))).to.equal("ERR wrong number of arguments for 'auth' command");
    });

    it('with requirepass: commands get NOAUTH until AUTH password or AUTH default password succeeds', () => {
      const n = new UnitNode({ requirepass: 's3cret' });
      expect(err(n.run('GET', 'k'))).to.equal(NOAUTH);
      expect(err(n.run('CLIENT', 'ID'))).to.equal(NOAUTH);
      expect(err(n.run('AUTH', 'wrong'))).to.equal(WRONGPASS);
      expect(err(n.run('AUTH', 'bob', 's3cret'))).to.equal(WRONGPASS);
      expect(err(n.run('GET', 'k'))).to.equal(NOAUTH);
      expect(n.run('PING')).to.be.instanceOf(ReplyError);
      expect(n.run('AUTH', 's3cret')).to.equal('OK');
      expect(n.run('SET', 'k', 'v')).to.equal('OK');
      const other = n.newClient();
      expect(n.runAs(other, 'AUTH', 'default', 's3cret')).to.equal('OK');
      expect(n.runAs(other, 'GET', 'k')).to.equal('v');
      // A failed AUTH does not log an authenticated client out.
      expect(err(n.runAs(other, 'AUTH', 'bad'))).to.equal(WRONGPASS);
      expect(n.runAs(other, 'GET', 'k')).to.equal('v');
    });

    it('requirepass changed at run time: connected clients stay authenticated, new ones must AUTH', () => {
      const n = new UnitNode();
      n.config.set('requirepass', 'pw');
      expect(n.run('SET', 'k', 'v')).to.equal('OK');
      const late = n.newClient();
      expect(err(n.runAs(late, 'GET', 'k'))).to.equal(NOAUTH);
      n.config.set('requirepass', '');
      expect(n.runAs(late, 'GET', 'k')).to.equal('v');
      n.config.set('requirepass', 'pw2');
      expect(err(n.runAs(late, 'GET', 'k'))).to.equal(NOAUTH);
      expect(n.runAs(late, 'AUTH', 'pw2')).to.equal('OK');
      expect(n.runAs(late, 'GET', 'k')).to.equal('v');
    });
  });

  describe('RESET', () => {
    it('replies +RESET and restores db 0, no name, RESP2 and MONITOR off; keeps lib-name', () => {
      const n = new UnitNode();
      const c = n.client;
      n.raw(['HELLO', '3', 'SETNAME', 'w']);
      n.raw(['SELECT', '2']);
      n.raw(['CLIENT', 'SETINFO', 'LIB-NAME', 'mylib']);
      c.monitor = true;
      n.node.monitors.add(c);
      expect(n.raw(['RESET'])).to.equal('+RESET\r\n');
      expect(c.out.resp).to.equal(2);
      expect(c.name).to.equal('');
      expect(c.dbIndex).to.equal(0);
      expect(c.monitor).to.equal(false);
      expect(n.node.monitors.has(c)).to.equal(false);
      expect(c.libName).to.equal('mylib');
    });

    it('with requirepass the connection must authenticate again', () => {
      const n = new UnitNode({ requirepass: 'pw' });
      n.run('AUTH', 'pw');
      expect(n.run('GET', 'k')).to.equal(null);
      expect(n.run('RESET')).to.equal('RESET');
      expect(err(n.run('GET', 'k'))).to.equal(NOAUTH);
    });
  });

  describe('CLIENT', () => {
    it('ID, SETNAME and GETNAME; names with spaces are refused, an empty name clears', () => {
      const n = new UnitNode();
      const other = n.newClient();
      expect(n.run('CLIENT', 'ID')).to.equal(n.client.id);
      expect(n.runAs(other, 'CLIENT', 'ID')).to.equal(other.id);
      expect(other.id).to.not.equal(n.client.id);
      expect(n.run('CLIENT', 'GETNAME')).to.equal(null);
      expect(n.run('CLIENT', 'SETNAME', 'svc-1')).to.equal('OK');
      expect(n.run('CLIENT', 'GETNAME')).to.equal('svc-1');
      expect(err(n.run('CLIENT', 'SETNAME', 'a b'))).to.equal(NAME_ERR);
      expect(err(n.run('CLIENT', 'SETNAME', 'a\nb'))).to.equal(NAME_ERR);
      expect(err(n.run('CLIENT', 'SETNAME', 'caf\xe9'))).to.equal(NAME_ERR);
      expect(n.run('CLIENT', 'GETNAME')).to.equal('svc-1');
      expect(n.run('CLIENT', 'SETNAME', '')).to.equal('OK');
      expect(n.run('CLIENT', 'GETNAME')).to.equal(null);
    });

    it('SETINFO sets lib-name and lib-ver shown by CLIENT INFO; bad options and values get 7.2 texts', () => {
      const n = new UnitNode();
      expect(n.run('CLIENT', 'SETINFO', 'lib-name', 'ioredis')).to.equal('OK');
      expect(n.run('CLIENT', 'SETINFO', 'LIB-VER', '5.4.1')).to.equal('OK');
      expect(n.run('CLIENT', 'INFO')).to.match(/ lib-name=ioredis lib-ver=5\.4\.1\n$/);
      expect(err(n.run('CLIENT', 'SETINFO', 'foo', 'bar'))).to.equal("ERR Unrecognized option 'foo'");
      expect(err(n.run('CLIENT', 'SETINFO', 'Lib-Name', 'a b'))).to.equal(
        'ERR Lib-Name cannot contain spaces, newlines or special characters.',
      );
      expect(err(n.run('CLIENT', 'SETINFO', 'lib-name'))).to.equal(
        "ERR wrong number of arguments for 'client|setinfo' command",
      );
    });

    it('INFO is this client\'s line (cmd=client|info), a verbatim string in RESP3', () => {
      const n = new UnitNode();
      n.run('CLIENT', 'SETNAME', 'me');
      const line = n.run('CLIENT', 'INFO') as string;
      expect(line).to.equal(n.client.describe() + '\n');
      expect(line).to.match(new RegExp(`^id=${n.client.id} .* name=me .* cmd=client\\|info user=default .* resp=2 `));
      n.raw(['HELLO', '3']);
      const raw = n.raw(['CLIENT', 'INFO']);
      expect(raw).to.match(/^=\d+\r\ntxt:id=/);
      expect(raw).to.include(' resp=3 ');
    });

    it('LIST shows every connection; TYPE and ID filter; bad filters get Redis\'s errors', () => {
      const n = new UnitNode();
      const a = n.newClient();
      const b = n.newClient();
      const ids = (text: unknown) => (text as string).split('\n').filter((l) => l).map((l) => Number(/^id=(\d+) /.exec(l)?.[1]));
      expect(ids(n.run('CLIENT', 'LIST'))).to.deep.equal([n.client.id, a.id, b.id]);
      expect(ids(n.run('CLIENT', 'LIST', 'TYPE', 'normal'))).to.deep.equal([n.client.id, a.id, b.id]);
      expect(n.run('CLIENT', 'LIST', 'TYPE', 'replica')).to.equal('');
      expect(n.run('CLIENT', 'LIST', 'type', 'pubsub')).to.equal('');
      expect(ids(n.run('CLIENT', 'LIST', 'ID', String(b.id), '999', String(a.id)))).to.deep.equal([b.id, a.id]);
      expect(err(n.run('CLIENT', 'LIST', 'TYPE', 'foo'))).to.equal("ERR Unknown client type 'foo'");
      expect(err(n.run('CLIENT', 'LIST', 'ID', 'abc'))).to.equal('ERR Invalid client ID');
      expect(err(n.run('CLIENT', 'LIST', 'foo'))).to.equal('ERR syntax error');
      expect(err(n.run('CLIENT', 'LIST', 'TYPE'))).to.equal('ERR syntax error');
      expect(n.raw(['CLIENT', 'LIST'])).to.match(/^\$\d+\r\nid=/);
    });

    it('KILL ID kills another connection and replies the count; killed clients leave CLIENT LIST', () => {
      const n = new UnitNode();
      const victim = n.newClient();
      expect(n.run('CLIENT', 'KILL', 'ID', String(victim.id))).to.equal(1);
      expect(victim.closed).to.equal(true);
      expect(n.node.clients.has(victim.id)).to.equal(false);
      expect(n.run('CLIENT', 'KILL', 'ID', String(victim.id))).to.equal(0);
      expect(n.run('CLIENT', 'LIST')).to.not.match(new RegExp(`^id=${victim.id} `, 'm'));
    });

    it('KILL old form ip:port replies OK or ERR No such client; ADDR and LADDR filter', () => {
      const n = new UnitNode();
      const x = socketClient(n, '10.0.0.1:5000');
      const y = socketClient(n, '10.0.0.2:5000', '127.0.0.1:7000');
      expect(err(n.run('CLIENT', 'KILL', '10.9.9.9:1'))).to.equal('ERR No such client');
      expect(n.run('CLIENT', 'KILL', '10.0.0.1:5000')).to.equal('OK');
      expect(x.destroyed()).to.equal(true);
      expect(x.c.closed).to.equal(true);
      expect(y.destroyed()).to.equal(false);
      expect(n.run('CLIENT', 'KILL', 'LADDR', '127.0.0.1:6379')).to.equal(0);
      expect(n.run('CLIENT', 'KILL', 'ADDR', '10.0.0.2:5000', 'LADDR', '127.0.0.1:7000')).to.equal(1);
      expect(y.destroyed()).to.equal(true);
    });

    it('KILL filters default to SKIPME yes; SKIPME no kills the caller after its reply', () => {
      const n = new UnitNode();
      const others = [n.newClient(), n.newClient()];
      expect(n.run('CLIENT', 'KILL', 'TYPE', 'normal')).to.equal(2);
      for (const o of others) expect(o.closed).to.equal(true);
      expect(n.client.closeAfterReply).to.equal(false);
      const third = n.newClient();
      expect(n.run('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'no')).to.equal(2);
      expect(third.closed).to.equal(true);
      expect(n.client.closeAfterReply).to.equal(true);
    });

    it('KILL killing yourself by ID replies, then closes', () => {
      const n = new UnitNode();
      expect(n.run('CLIENT', 'KILL', 'ID', String(n.client.id), 'SKIPME', 'no')).to.equal(1);
      expect(n.client.closeAfterReply).to.equal(true);
    });

    it('KILL option errors as Redis', () => {
      const n = new UnitNode();
      expect(err(n.run('CLIENT', 'KILL', 'ID', '0'))).to.equal('ERR client-id should be greater than 0');
      expect(err(n.run('CLIENT', 'KILL', 'ID', 'abc'))).to.equal('ERR client-id should be greater than 0');
      expect(err(n.run('CLIENT', 'KILL', 'TYPE', 'foo'))).to.equal("ERR Unknown client type 'foo'");
      expect(err(n.run('CLIENT', 'KILL', 'USER', 'bob'))).to.equal("ERR No such user 'bob'");
      expect(err(n.run('CLIENT', 'KILL', 'SKIPME', 'maybe'))).to.equal('ERR syntax error');
      expect(err(n.run('CLIENT', 'KILL', 'ID', '5', 'TYPE'))).to.equal('ERR syntax error');
      expect(err(n.run('CLIENT', 'KILL', 'FOO', 'bar'))).to.equal('ERR syntax error');
      // Three arguments is the old form: "ID" is an address here.
      expect(err(n.run('CLIENT', 'KILL', 'ID'))).to.equal('ERR No such client');
      expect(n.client.closed).to.equal(false);
    });

    it('NO-EVICT and NO-TOUCH accept ON/OFF only', () => {
      const n = new UnitNode();
      expect(n.run('CLIENT', 'NO-EVICT', 'on')).to.equal('OK');
      expect(n.run('CLIENT', 'NO-EVICT', 'OFF')).to.equal('OK');
      expect(n.run('CLIENT', 'NO-TOUCH', 'ON')).to.equal('OK');
      expect(err(n.run('CLIENT', 'NO-EVICT', 'maybe'))).to.equal('ERR syntax error');
      expect(err(n.run('CLIENT', 'NO-TOUCH', 'maybe'))).to.equal('ERR syntax error');
    });

    it('HELP lists the subcommands as status lines; unknown subcommands and a bare CLIENT fail as Redis', () => {
      const n = new UnitNode();
      const raw = n.raw(['CLIENT', 'HELP']);
      expect(raw).to.match(/^\*\d+\r\n\+CLIENT <subcommand> \[<arg> \[value\] \[opt\] \.\.\.\]\. Subcommands are:\r\n/);
      expect(raw).to.include('+SETINFO <option> <value>\r\n');
      expect(raw).to.match(/\+HELP\r\n\+    Prints this help\.\r\n$/);
      expect(err(n.run('CLIENT', 'NOPE'))).to.equal("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.");
      expect(err(n.run('CLIENT'))).to.equal("ERR wrong number of arguments for 'client' command");
    });
  });

  describe('declarations', () => {
    // Redis 7.2's COMMAND INFO: arity, flags, ACL categories (no keys for any of these).
    const expected: Record<string, [number, string[], string[]]> = {
      ping: [-1, ['fast'], ['fast', 'connection']],
      echo: [2, ['loading', 'stale', 'fast'], ['fast', 'connection']],
      select: [2, ['loading', 'stale', 'fast'], ['fast', 'connection']],
      quit: [-1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], ['fast', 'connection']],
      reset: [1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], ['fast', 'connection']],
      auth: [-2, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], ['fast', 'connection']],
      hello: [-1, ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], ['fast', 'connection']],
      client: [-2, [], ['slow']],
      'client|id': [2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|setname': [3, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|getname': [2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|setinfo': [4, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|info': [2, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|list': [-2, ['admin', 'noscript', 'loading', 'stale'], ['admin', 'slow', 'dangerous', 'connection']],
      'client|kill': [-3, ['admin', 'noscript', 'loading', 'stale'], ['admin', 'slow', 'dangerous', 'connection']],
      'client|no-evict': [3, ['admin', 'noscript', 'loading', 'stale'], ['admin', 'slow', 'dangerous', 'connection']],
      'client|unblock': [-3, ['admin', 'noscript', 'loading', 'stale'], ['admin', 'slow', 'dangerous', 'connection']],
      'client|no-touch': [3, ['noscript', 'loading', 'stale'], ['slow', 'connection']],
      'client|help': [2, ['loading', 'stale'], ['slow', 'connection']],
    };
    const flat: Array<[string, CommandSpec]> = [];
    for (const s of connectionCommands) {
      flat.push([s.name, s]);
      for (const sub of s.subcommands ?? []) flat.push([`${s.name}|${sub.name}`, sub]);
    }

    it('declares exactly the expected commands, with Redis\'s arity, flags, ACL categories and no keys', () => {
      expect(flat.map(([name]) => name).sort()).to.deep.equal(Object.keys(expected).sort());
      for (const [name, spec] of flat) {
        const [arity, flags, acl] = expected[name];
        expect({ name, arity: spec.arity, flags: [...spec.flags], acl: [...spec.acl] }).to.deep.equal({ name, arity, flags, acl });
        expect(spec.keys).to.deep.equal({ first: 0, last: 0, step: 0 });
        expect(spec.group).to.equal('connection');
      }
    });
  });
});
