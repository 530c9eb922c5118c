import { expect } from 'chai';
import { debugHooks } from '../../lib/commands/server';
import { REDIS_VERSION } from '../../lib/server/node';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

/** The message of an error reply (fails when the reply is not an error). */
function err(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** A flat RESP2 key/value array as a Map. */
function pairs(r: unknown): Map<string, unknown> {
  const a = r as unknown[];
  const m = new Map<string, unknown>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i] as string, a[i + 1]);
  return m;
}

/** INFO's text as `field -> value`. */
function infoMap(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

describe('server commands', () => {
  describe('INFO', () => {
    it('shows the default sections, in Redis order, with # headers and CRLF lines', () => {
      const n = new UnitNode();
      const text = n.run('INFO') as string;
      const headers = text.split('\r\n').filter((l) => l.startsWith('# '));
      expect(headers).to.deep.equal([
        '# Server', '# Clients', '# Memory', '# Persistence', '# Stats', '# Replication', '# CPU', '# Modules',
        '# Errorstats', '# Cluster', '# Keyspace',
      ]);
      expect(text.endsWith('\r\n')).to.equal(true);
      expect(text).to.not.match(/[^\r]\n/);
      expect(text).to.include('\r\n\r\n# Clients\r\n');
      const f = infoMap(text);
      expect(f.get('redis_version')).to.equal(REDIS_VERSION);
      expect(f.get('redis_mode')).to.equal('standalone');
      expect(f.get('role')).to.equal('master');
      expect(f.get('cluster_enabled')).to.equal('0');
      expect(f.get('loading')).to.equal('0');
    });

    it('INFO all / everything add commandstats; named sections select only those, any case', () => {
      const n = new UnitNode();
      n.run('GET', 'k');
      expect(n.run('INFO', 'all') as string).to.include('# Commandstats\r\ncmdstat_get:calls=1,');
      expect(n.run('INFO', 'everything') as string).to.include('# Commandstats\r\n');
      expect(n.run('INFO', 'default') as string).to.not.include('# Commandstats');
      expect(n.run('INFO', 'CPU', 'server')).to.match(/^# Server\r\n[^]*\r\n\r\n# CPU\r\nused_cpu_sys:\d+\.\d{6}\r\n/);
      expect(n.run('INFO', 'bogus')).to.equal('');
    });

    it('is a verbatim string in RESP3 and a bulk string in RESP2', () => {
      const n = new UnitNode();
      expect(n.raw(['INFO', 'cluster'])).to.equal('$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
      n.client.out.resp = 3;
      expect(n.raw(['INFO', 'cluster'])).to.equal('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
    });

    it('counts calls, rejections and failures per command, subcommands as container|sub', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      n.run('GET', 'k');
      n.run('GET');
      n.run('CONFIG', 'GET', 'hz');
      n.run('CONFIG', 'SET', 'nosuch', '1');
      const f = infoMap(n.run('INFO', 'commandstats') as string);
      expect(f.get('cmdstat_get')).to.match(/^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/);
      expect(f.get('cmdstat_config|get')).to.match(/^calls=1,.*,rejected_calls=0,failed_calls=0$/);
      expect(f.get('cmdstat_config|set')).to.match(/^calls=1,.*,rejected_calls=0,failed_calls=1$/);
      expect(f.has('cmdstat_dbsize')).to.equal(false);
    });

    it('counts error replies by code in errorstats', () => {
      const n = new UnitNode();
      n.run('NOSUCH');
      n.run('GET');
      const f = infoMap(n.run('INFO', 'errorstats') as string);
      expect(f.get('errorstat_ERR')).to.equal('count=2');
      expect(infoMap(n.run('INFO', 'stats') as string).get('total_error_replies')).to.equal('2');
    });

    it('shows keys and keys with a TTL per non-empty database, and keyspace hits and misses', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      n.run('SET', 'b', '2', 'EX', '100');
      n.run('GET', 'a');
      n.run('GET', 'nope');
      expect(n.run('INFO', 'keyspace')).to.equal('# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n');
      const f = infoMap(n.run('INFO', 'stats') as string);
      expect(f.get('keyspace_hits')).to.equal('1');
      expect(f.get('keyspace_misses')).to.equal('1');
    });
  });

  describe('CONFIG', () => {
    it('GET takes several glob patterns (any case) and answers a map with each directive once', () => {
      const n = new UnitNode();
      const m = pairs(n.run('CONFIG', 'GET', 'maxmemory*', 'MAXMEMORY', 'h?'));
      expect([...m.keys()].sort()).to.deep.equal([
        'hz', 'maxmemory', 'maxmemory-eviction-tenacity', 'maxmemory-policy', 'maxmemory-samples',
      ]);
      expect(m.get('hz')).to.equal('10');
      expect(n.run('CONFIG', 'GET', 'MAXMEMORY')).to.deep.equal(['MAXMEMORY', '0']);
      expect(n.run('CONFIG', 'GET', 'nosuch')).to.deep.equal([]);
      n.client.out.resp = 3;
      expect(n.raw(['CONFIG', 'GET', 'hz'])).to.equal('%1\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    });

    it('SET sets several directives at once and shows them as CONFIG GET does', () => {
      const n = new UnitNode();
      expect(n.run('CONFIG', 'SET', 'maxmemory', '1mb', 'HZ', '5')).to.equal('OK');
      expect(pairs(n.run('CONFIG', 'GET', 'maxmemory', 'hz'))).to.deep.equal(new Map([['maxmemory', '1048576'], ['hz', '5']]));
      expect(n.node.maxmemory).to.equal(1048576);
    });

    it('SET is all or nothing, with Redis error texts', () => {
      const n = new UnitNode();
      expect(err(n.run('CONFIG', 'SET', 'hz', '11', 'maxmemory', 'abc'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
      );
      expect(n.run('CONFIG', 'GET', 'hz')).to.deep.equal(['hz', '10']);
      expect(err(n.run('CONFIG', 'SET', 'foo', '1'))).to.equal("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
      expect(err(n.run('CONFIG', 'SET', 'port', '1'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config",
      );
      expect(err(n.run('CONFIG', 'SET', 'databases', '1', 'foo', '2'))).to.include("argument 'databases') - can't set immutable");
      // dir is protected (Redis 7, enable-protected-configs no): refused with the name as given, nothing changes
      const dir = n.run('CONFIG', 'GET', 'dir');
      expect(err(n.run('CONFIG', 'SET', 'hz', '5', 'DIR', '/tmp'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'DIR') - can't set protected config",
      );
      expect(n.run('CONFIG', 'GET', 'dir')).to.deep.equal(dir);
      expect(err(n.run('CONFIG', 'SET', 'hz', '12', 'hz', '13'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter",
      );
      expect(err(n.run('CONFIG', 'SET', 'timeout', '-1'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive",
      );
      expect(err(n.run('CONFIG', 'SET', 'maxmemory', '1', 'hz'))).to.equal('ERR syntax error');
      expect(err(n.run('CONFIG', 'SET', 'maxmemory'))).to.equal("ERR wrong number of arguments for 'config|set' command");
      expect(n.run('CONFIG', 'GET', 'hz')).to.deep.equal(['hz', '10']);
    });

    it('RESETSTAT zeroes server, keyspace and command counters', () => {
      const n = new UnitNode();
      n.run('SET', 'k', 'v');
      n.run('GET', 'k');
      n.run('GET', 'x');
      n.run('NOSUCH');
      expect(n.run('CONFIG', 'RESETSTAT')).to.equal('OK');
      const f = infoMap(n.run('INFO', 'all') as string);
      expect(f.get('keyspace_hits')).to.equal('0');
      expect(f.get('keyspace_misses')).to.equal('0');
      expect(f.get('total_commands_processed')).to.equal('1'); // CONFIG RESETSTAT itself, as Redis
      expect(f.has('cmdstat_get')).to.equal(false);
      expect(f.has('cmdstat_config|resetstat')).to.equal(true);
      expect(f.has('errorstat_ERR')).to.equal(false);
    });

    it('HELP lists the subcommands; CONFIG alone or an unknown subcommand are errors', () => {
      const n = new UnitNode();
      const help = n.run('CONFIG', 'HELP') as string[];
      expect(help[0]).to.equal('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
      expect(help).to.include('GET <pattern>');
      expect(help[help.length - 1]).to.equal('    Prints this help.');
      expect(err(n.run('CONFIG'))).to.equal("ERR wrong number of arguments for 'config' command");
      expect(err(n.run('CONFIG', 'foo'))).to.equal("ERR unknown subcommand 'foo'. Try CONFIG HELP.");
    });
  });

  describe('COMMAND', () => {
    it('COUNT is the number of top-level commands; COMMAND lists them all', () => {
      const n = new UnitNode();
      const count = n.run('COMMAND', 'COUNT') as number;
      expect(count).to.equal(n.node.commands.list.length);
      expect((n.run('COMMAND') as unknown[]).length).to.equal(count);
    });

    it('INFO replies in Redis 7 shape, nil for unknown names, subcommands nested', () => {
      const n = new UnitNode();
      const [get, none, cfgGet] = n.run('COMMAND', 'INFO', 'get', 'nosuch', 'CONFIG|GET') as unknown[][];
      expect(get.slice(0, 8)).to.deep.equal(['get', 2, ['readonly', 'fast'], 1, 1, 1, ['@read', '@string', '@fast'], []]);
      expect(get[8]).to.deep.equal([
        ['flags', ['RO', 'access'], 'begin_search', ['type', 'index', 'spec', ['index', 1]],
          'find_keys', ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]]],
      ]);
      expect(get[9]).to.deep.equal([]);
      expect(none).to.equal(null);
      expect(cfgGet.slice(0, 7)).to.deep.equal([
        'config|get', -3, ['admin', 'noscript', 'loading', 'stale'], 0, 0, 0, ['@admin', '@slow', '@dangerous'],
      ]);
      const [config] = n.run('COMMAND', 'INFO', 'config') as unknown[][];
      expect(config.slice(0, 7)).to.deep.equal(['config', -2, [], 0, 0, 0, ['@slow']]);
      expect((config[9] as unknown[][]).map((s) => s[0])).to.include.members(['config|get', 'config|set']);
    });

    it('INFO uses sets in RESP3', () => {
      const n = new UnitNode();
      n.client.out.resp = 3;
      expect(n.raw(['COMMAND', 'INFO', 'dbsize'])).to.equal(
        '*1\r\n*10\r\n$6\r\ndbsize\r\n:1\r\n~2\r\n+readonly\r\n+fast\r\n:0\r\n:0\r\n:0\r\n' +
          '~3\r\n+@keyspace\r\n+@read\r\n+@fast\r\n~0\r\n~0\r\n~0\r\n',
      );
    });

    it('INFO in RESP3 sends key specs as a set and a non-empty subcommand list as an array, as Redis 7.0.15', () => {
      const n = new UnitNode();
      n.client.out.resp = 3;
      const get = n.raw(['COMMAND', 'INFO', 'get']);
      expect(get).to.match(/^\*1\r\n\*10\r\n\$3\r\nget\r\n:2\r\n~2\r\n\+readonly\r\n\+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n\+@read\r\n\+@string\r\n\+@fast\r\n~0\r\n~1\r\n%3\r\n/);
      expect(get.endsWith('~0\r\n')).to.equal(true);
      const config = n.raw(['COMMAND', 'INFO', 'config']);
      const subs = (new UnitNode().run('COMMAND', 'INFO', 'config') as unknown[][])[0][9] as unknown[];
      expect(config.startsWith(
        '*1\r\n*10\r\n$6\r\nconfig\r\n:-2\r\n~0\r\n:0\r\n:0\r\n:0\r\n~1\r\n+@slow\r\n~0\r\n~0\r\n' +
          `*${subs.length}\r\n*10\r\n`,
      )).to.equal(true, config.slice(0, 120));
    });

    it('DOCS answers a map of summary, since, group (and subcommands), skipping unknown names', () => {
      const n = new UnitNode();
      const docs = pairs(n.run('COMMAND', 'DOCS', 'get', 'nosuch', 'config'));
      expect([...docs.keys()]).to.deep.equal(['get', 'config']);
      const get = pairs(docs.get('get'));
      expect(get.get('since')).to.equal('1.0.0');
      expect(get.get('group')).to.equal('string');
      expect(get.get('summary')).to.be.a('string');
      const subs = pairs(pairs(docs.get('config')).get('subcommands'));
      expect(pairs(subs.get('config|set')).get('group')).to.equal('server');
      expect((n.run('COMMAND', 'DOCS') as unknown[]).length).to.equal(2 * n.node.commands.list.length);
    });

    it('LIST names commands and subcommands, FILTERBY PATTERN / ACLCAT / MODULE', () => {
      const n = new UnitNode();
      const all = n.run('COMMAND', 'LIST') as string[];
      expect(all).to.include.members(['get', 'config', 'config|get', 'command|list']);
      expect(n.run('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CONF*')).to.deep.equal([
        'config', 'config|get', 'config|set', 'config|resetstat', 'config|help',
      ]);
      const admin = n.run('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'admin') as string[];
      expect(admin).to.include('config|set');
      expect(admin).to.not.include('get');
      expect(n.run('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')).to.deep.equal([]);
      expect(err(n.run('COMMAND', 'LIST', 'FILTERBY', 'foo', 'x'))).to.equal('ERR syntax error');
      expect(err(n.run('COMMAND', 'LIST', 'foo'))).to.equal('ERR syntax error');
    });

    it('GETKEYS finds keys from the declarations, with Redis errors', () => {
      const n = new UnitNode();
      expect(n.run('COMMAND', 'GETKEYS', 'del', 'a', 'b', 'c')).to.deep.equal(['a', 'b', 'c']);
      expect(n.run('COMMAND', 'GETKEYS', 'SET', 'k', 'v', 'EX', '10')).to.deep.equal(['k']);
      expect(err(n.run('COMMAND', 'GETKEYS', 'nosuch', 'a'))).to.equal('ERR Invalid command specified');
      expect(err(n.run('COMMAND', 'GETKEYS', 'config', 'nosuch'))).to.equal('ERR Invalid command specified');
      expect(err(n.run('COMMAND', 'GETKEYS', 'config', 'get', 'x'))).to.equal('ERR The command has no key arguments');
      expect(err(n.run('COMMAND', 'GETKEYS', 'get', 'a', 'b'))).to.equal('ERR Invalid number of arguments specified for command');
      expect(err(n.run('COMMAND', 'GETKEYS', 'get'))).to.equal("ERR wrong number of arguments for 'command|getkeys' command");
      expect(n.run('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k')).to.deep.equal([['k', ['RO', 'access']]]);
    });

    it('HELP lists the subcommands; an unknown subcommand is an error', () => {
      const n = new UnitNode();
      expect((n.run('COMMAND', 'HELP') as string[])[0]).to.equal('COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
      expect(err(n.run('COMMAND', 'foo'))).to.equal("ERR unknown subcommand 'foo'. Try COMMAND HELP.");
    });
  });

  describe('databases', () => {
    it('DBSIZE counts the keys of the selected database', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      n.run('SET', 'b', '1');
      expect(n.run('DBSIZE')).to.equal(2);
      n.run('SELECT', '1');
      expect(n.run('DBSIZE')).to.equal(0);
    });

    it('FLUSHDB empties the selected database only; FLUSHALL every one; SYNC|ASYNC accepted', () => {
      const n = new UnitNode();
      n.run('SET', 'a', '1');
      n.run('SELECT', '1');
      n.run('SET', 'b', '1');
      expect(n.run('FLUSHDB', 'ASYNC')).to.equal('OK');
      expect(n.run('DBSIZE')).to.equal(0);
      expect(n.node.dbs[0].size).to.equal(1);
      n.run('SET', 'b', '1');
      expect(n.run('FLUSHALL', 'sync')).to.equal('OK');
      expect(n.node.dbs[0].size + n.node.dbs[1].size).to.equal(0);
      expect(n.node.env.memory.used).to.equal(0);
      expect(err(n.run('FLUSHDB', 'foo'))).to.equal('ERR syntax error');
      expect(err(n.run('FLUSHALL', 'sync', 'async'))).to.equal('ERR syntax error');
    });

    it('SWAPDB exchanges contents; clients keep their index; Redis errors', () => {
      const n = new UnitNode();
      n.run('SET', 'a', 'in0');
      const other = n.newClient();
      n.runAs(other, 'SELECT', '1');
      expect(n.run('SWAPDB', '0', '1')).to.equal('OK');
      expect(n.run('GET', 'a')).to.equal(null);
      expect(n.runAs(other, 'GET', 'a')).to.equal('in0');
      expect(n.run('SWAPDB', '1', '1')).to.equal('OK');
      expect(err(n.run('SWAPDB', 'a', '1'))).to.equal('ERR invalid first DB index');
      expect(err(n.run('SWAPDB', '0', 'b'))).to.equal('ERR invalid second DB index');
      expect(err(n.run('SWAPDB', '0', '99999999999'))).to.equal('ERR invalid second DB index');
      expect(err(n.run('SWAPDB', '0', '16'))).to.equal('ERR DB index is out of range');
      expect(err(n.run('SWAPDB', '-1', '0'))).to.equal('ERR DB index is out of range');
    });
  });

  it('TIME answers seconds and microseconds from the clock', () => {
    const n = new UnitNode();
    n.clock.set(1_700_000_123_456);
    expect(n.run('TIME')).to.deep.equal(['1700000123', '456000']);
  });

  describe('SHUTDOWN', () => {
    it('calls node.requestShutdown, writes no reply and closes the connection', () => {
      const n = new UnitNode();
      let calls = 0;
      n.node.requestShutdown = () => calls++;
      expect(n.raw(['SHUTDOWN', 'NOSAVE', 'NOW', 'FORCE'])).to.equal('');
      expect(calls).to.equal(1);
      expect(n.client.closeAfterReply).to.equal(true);
    });

    it('by default closes the node\'s clients without exiting', () => {
      const n = new UnitNode();
      n.raw(['SHUTDOWN']);
      expect(n.client.closed).to.equal(true);
      expect(n.node.clients.size).to.equal(0);
    });

    it('rejects bad arguments; ABORT with nothing in progress', () => {
      const n = new UnitNode();
      let calls = 0;
      n.node.requestShutdown = () => calls++;
      expect(err(n.run('SHUTDOWN', 'foo'))).to.equal('ERR syntax error');
      expect(err(n.run('SHUTDOWN', 'NOSAVE', 'SAVE'))).to.equal('ERR syntax error');
      expect(err(n.run('SHUTDOWN', 'ABORT', 'NOW'))).to.equal('ERR syntax error');
      expect(err(n.run('SHUTDOWN', 'ABORT'))).to.equal('ERR No shutdown in progress.');
      expect(calls).to.equal(0);
    });
  });

  describe('DEBUG', () => {
    const realSleep = debugHooks.sleep;
    afterEach(() => (debugHooks.sleep = realSleep));
    const DEBUG_ON = { 'enable-debug-command': 'yes' };
    const NOT_ALLOWED =
      'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a ' +
      'local connection, otherwise you need to set this option in the configuration file, and then restart the server.';

    it('is refused by default (enable-debug-command no), with Redis 7\'s text, even HELP; never sleeps', () => {
      const n = new UnitNode();
      const slept: number[] = [];
      debugHooks.sleep = (ms) => slept.push(ms);
      expect(err(n.run('DEBUG', 'SLEEP', '1000000000'))).to.equal(NOT_ALLOWED);
      expect(err(n.run('DEBUG', 'HELP'))).to.equal(NOT_ALLOWED);
      expect(slept).to.deep.equal([]);
    });

    it('local allows clients without a socket; the directive is immutable as in Redis', () => {
      const n = new UnitNode({ 'enable-debug-command': 'local' });
      expect(n.run('DEBUG', 'SET-ACTIVE-EXPIRE', '1')).to.equal('OK');
      expect(err(n.run('CONFIG', 'SET', 'enable-debug-command', 'yes'))).to.equal(
        "ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set immutable config",
      );
      expect(n.run('CONFIG', 'GET', 'enable-debug-command')).to.deep.equal(['enable-debug-command', 'local']);
    });

    it('SLEEP blocks for the given seconds (decimals allowed, not a number = 0)', () => {
      const n = new UnitNode(DEBUG_ON);
      const slept: number[] = [];
      debugHooks.sleep = (ms) => slept.push(ms);
      expect(n.run('DEBUG', 'SLEEP', '0.25')).to.equal('OK');
      expect(n.run('DEBUG', 'sleep', 'abc')).to.equal('OK');
      expect(slept).to.deep.equal([250, 0]);
    });

    it('SET-ACTIVE-EXPIRE switches node.activeExpire', () => {
      const n = new UnitNode(DEBUG_ON);
      expect(n.run('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).to.equal('OK');
      expect(n.node.activeExpire).to.equal(false);
      expect(n.run('DEBUG', 'set-active-expire', '1')).to.equal('OK');
      expect(n.node.activeExpire).to.equal(true);
    });

    it('HELP, and Redis\'s error for unknown subcommands or counts', () => {
      const n = new UnitNode(DEBUG_ON);
      expect(n.run('DEBUG', 'HELP') as string[]).to.include('SLEEP <seconds>');
      expect(err(n.run('DEBUG', 'foo'))).to.equal("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.");
      expect(err(n.run('DEBUG', 'sleep'))).to.equal("ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.");
    });
  });

  it('MONITOR puts the client in monitor mode; it then receives other clients\' commands', () => {
    const n = new UnitNode();
    const m = n.newClient();
    expect(n.runAs(m, 'MONITOR')).to.equal('OK');
    expect(n.node.monitors.has(m)).to.equal(true);
    expect(n.raw(['MONITOR'], m)).to.equal(''); // again: no reply, as Redis
    n.run('SET', 'k', 'v');
    expect(m.out.take()).to.match(/^\+\d+\.\d{6} \[0 lua\] "SET" "k" "v"\r\n$/);
  });
});
