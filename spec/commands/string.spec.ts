// String family, in-process: replies and error texts as Redis 7.0.15 gave them (checked side by side with
// a real redis-server), TTL effects with the manual clock, binary-safe values, declarations.
import { expect } from 'chai';
import { stringCommands } from '../../lib/commands/string';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';
const TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
const MB = 1024 * 1024;

/** The error message of a reply, failing when the reply is not an error. */
function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** PTTL as Redis answers it, read from the keyspace: -2 absent (or expired), -1 no TTL. */
function pttl(n: UnitNode, key: string): number {
  const db = n.client.db;
  const s = db.peek(key);
  if (s < 0 || db.isExpired(s)) return -2;
  const at = db.expireAt(s);
  return at === 0 ? -1 : at - n.clock.now();
}

/** Every byte value 0x00..0xff, as a latin1 string. */
const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** The RESP bulk form of a byte string. */
const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;

describe('string commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('GET / SET', () => {
    it('SET then GET returns the value; GET of a missing key is nil', () => {
      expect(n.run('SET', 'k', 'v')).to.equal('OK');
      expect(n.run('GET', 'k')).to.equal('v');
      expect(n.run('GET', 'missing')).to.equal(null);
    });

    it('SET EX expires the key when the clock passes it', () => {
      n.run('SET', 'k', 'v', 'EX', '10');
      n.clock.advance(9999);
      expect(n.run('GET', 'k')).to.equal('v');
      n.clock.advance(1);
      expect(n.run('GET', 'k')).to.equal(null);
    });

    it("wrong arity gets Redis's error text", () => {
      expect(errorOf(n.run('GET'))).to.equal("ERR wrong number of arguments for 'get' command");
      expect(errorOf(n.run('SET', 'k'))).to.equal("ERR wrong number of arguments for 'set' command");
    });

    it('PX, EXAT and PXAT set the expiry; a past EXAT leaves no visible key', () => {
      n.run('SET', 'a', 'v', 'PX', '1500');
      expect(pttl(n, 'a')).to.equal(1500);
      const now = n.clock.now();
      n.run('SET', 'b', 'v', 'EXAT', String(Math.floor(now / 1000) + 100));
      expect(pttl(n, 'b')).to.equal((Math.floor(now / 1000) + 100) * 1000 - now);
      n.run('SET', 'c', 'v', 'pxat', String(now + 42));
      expect(pttl(n, 'c')).to.equal(42);
      expect(n.run('SET', 'd', 'v', 'EXAT', '1')).to.equal('OK');
      expect(n.run('GET', 'd')).to.equal(null);
    });

    it('a plain SET clears the TTL, KEEPTTL keeps it', () => {
      n.run('SET', 'k', 'v', 'EX', '100');
      n.run('SET', 'k', 'w', 'KEEPTTL');
      expect(pttl(n, 'k')).to.equal(100000);
      expect(n.run('GET', 'k')).to.equal('w');
      n.run('SET', 'k', 'x');
      expect(pttl(n, 'k')).to.equal(-1);
    });

    it('a repeated expiry option is allowed and the last one wins; options are case-insensitive', () => {
      expect(n.run('SET', 'k', 'v', 'EX', '10', 'ex', '20')).to.equal('OK');
      expect(pttl(n, 'k')).to.equal(20000);
      expect(n.run('SET', 'k', 'v', 'nx', 'NX', 'get', 'GET')).to.equal('v');
      expect(n.run('SET', 'k', 'v', 'KEEPTTL', 'keepttl')).to.equal('OK');
    });

    it('conflicting, unknown or incomplete options are syntax errors, checked before the expiry value', () => {
      for (const opts of [
        ['NX', 'XX'],
        ['XX', 'NX'],
        ['EX', '10', 'PX', '10'],
        ['KEEPTTL', 'EX', '5'],
        ['EX', '5', 'KEEPTTL'],
        ['EX'],
        ['PERSIST'],
        ['foo'],
        ['EX', 'abc', 'NX', 'XX'],
      ]) {
        expect(errorOf(n.run('SET', 'k', 'v', ...opts)), opts.join(' ')).to.equal(SYNTAX);
      }
      expect(n.run('GET', 'k')).to.equal(null);
    });

    it('expiry values: not an integer, or not positive / overflowing (invalid expire time)', () => {
      const invalid = "ERR invalid expire time in 'set' command";
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', 'abc'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', '01'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', '9223372036854775808'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', '0'))).to.equal(invalid);
      expect(errorOf(n.run('SET', 'k', 'v', 'PX', '-1'))).to.equal(invalid);
      expect(errorOf(n.run('SET', 'k', 'v', 'PXAT', '0'))).to.equal(invalid);
      // seconds beyond LLONG_MAX/1000, and relative times whose sum with now overflows 64 bits
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', '9223372036854776'))).to.equal(invalid);
      expect(errorOf(n.run('SET', 'k', 'v', 'EX', '9223372036854775'))).to.equal(invalid);
      expect(errorOf(n.run('SET', 'k', 'v', 'PX', '9223372036854775807'))).to.equal(invalid);
      expect(n.run('GET', 'k')).to.equal(null);
    });

    it('times beyond 2^53 but within 64 bits are accepted, as Redis', () => {
      expect(n.run('SET', 'k', 'v', 'PX', '9000000000000000000')).to.equal('OK');
      expect(pttl(n, 'k')).to.be.greaterThan(8.99e18);
      expect(n.run('SET', 'k', 'v', 'PXAT', '9223372036854775807')).to.equal('OK');
      expect(n.run('SET', 'k', 'v', 'EX', '9007199254740993')).to.equal('OK');
      expect(n.run('GET', 'k')).to.equal('v');
    });

    it('NX and XX: nil when prevented, OK otherwise', () => {
      expect(n.run('SET', 'k', 'v', 'XX')).to.equal(null);
      expect(n.run('SET', 'k', 'v', 'NX')).to.equal('OK');
      expect(n.run('SET', 'k', 'w', 'NX')).to.equal(null);
      expect(n.run('SET', 'k', 'w', 'XX')).to.equal('OK');
      expect(n.run('GET', 'k')).to.equal('w');
    });

    it('NX/XX treat an expired key as absent', () => {
      n.run('SET', 'k', 'v', 'PX', '10');
      n.clock.advance(10);
      expect(n.run('SET', 'k', 'w', 'XX')).to.equal(null);
      expect(n.run('SET', 'k', 'w', 'NX')).to.equal('OK');
    });

    it('GET returns the old value whether or not NX/XX let the write happen (NX GET allowed in 7.x)', () => {
      expect(n.run('SET', 'k', 'v1', 'GET')).to.equal(null);
      expect(n.run('SET', 'k', 'v2', 'GET')).to.equal('v1');
      expect(n.run('SET', 'k', 'v3', 'NX', 'GET')).to.equal('v2');
      expect(n.run('GET', 'k')).to.equal('v2');
      expect(n.run('SET', 'new', 'x', 'NX', 'GET')).to.equal(null);
      expect(n.run('GET', 'new')).to.equal('x');
      expect(n.run('SET', 'none', 'x', 'XX', 'GET')).to.equal(null);
      expect(n.run('GET', 'none')).to.equal(null);
      expect(n.run('SET', 'k', 'v4', 'XX', 'GET', 'PX', '100')).to.equal('v2');
      expect(pttl(n, 'k')).to.equal(100);
    });

    it('stores and returns every byte value unchanged', () => {
      n.run('SET', 'bin', ALL_BYTES);
      expect(n.raw(['GET', 'bin'])).to.equal(bulk(ALL_BYTES));
      n.run('SET', '\x00\xff\r\n', '\r\n');
      expect(n.raw(['GET', '\x00\xff\r\n'])).to.equal(bulk('\r\n'));
      n.run('SET', 'empty', '');
      expect(n.raw(['GET', 'empty'])).to.equal('$0\r\n\r\n');
    });

    it('a value sent over the wire is stored in its bulk form, binary-safe (parser path)', () => {
      const argv = ['SET', 'w', ALL_BYTES];
      const req = `*${argv.length}\r\n${argv.map(bulk).join('')}*2\r\n$3\r\nGET\r\n$1\r\nw\r\n`;
      n.client.onData(Buffer.from(req, 'latin1'));
      expect(n.client.out.take()).to.equal('+OK\r\n' + bulk(ALL_BYTES));
    });

    it('GET counts keyspace hits and misses', () => {
      const stats = n.node.env.stats;
      n.run('SET', 'k', 'v');
      n.run('GET', 'k');
      n.run('GET', 'nope');
      expect([stats.hits, stats.misses]).to.deep.equal([1, 1]);
    });
  });

  describe('SETNX, SETEX, PSETEX', () => {
    it('SETNX sets only an absent (or expired) key', () => {
      expect(n.run('SETNX', 'k', 'v')).to.equal(1);
      expect(n.run('SETNX', 'k', 'w')).to.equal(0);
      expect(n.run('GET', 'k')).to.equal('v');
      n.run('SET', 'e', 'v', 'PX', '5');
      n.clock.advance(5);
      expect(n.run('SETNX', 'e', 'w')).to.equal(1);
      expect(pttl(n, 'e')).to.equal(-1);
    });

    it('SETEX and PSETEX set the value with a TTL in seconds / milliseconds', () => {
      expect(n.run('SETEX', 'k', '10', 'v')).to.equal('OK');
      expect(pttl(n, 'k')).to.equal(10000);
      expect(n.run('PSETEX', 'k', '1500', 'w')).to.equal('OK');
      expect(pttl(n, 'k')).to.equal(1500);
      n.clock.advance(1500);
      expect(n.run('GET', 'k')).to.equal(null);
    });

    it('SETEX / PSETEX errors name their command', () => {
      expect(errorOf(n.run('SETEX', 'k', '0', 'v'))).to.equal("ERR invalid expire time in 'setex' command");
      expect(errorOf(n.run('PSETEX', 'k', '-5', 'v'))).to.equal("ERR invalid expire time in 'psetex' command");
      expect(errorOf(n.run('SETEX', 'k', '9223372036854775807', 'v'))).to.equal("ERR invalid expire time in 'setex' command");
      expect(errorOf(n.run('SETEX', 'k', 'abc', 'v'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SETEX', 'k', '10'))).to.equal("ERR wrong number of arguments for 'setex' command");
      expect(n.run('GET', 'k')).to.equal(null);
    });
  });

  describe('GETSET, GETDEL, GETEX', () => {
    it('GETSET returns the old value and clears the TTL', () => {
      expect(n.run('GETSET', 'k', 'v')).to.equal(null);
      n.run('SET', 'k', 'v', 'EX', '100');
      expect(n.run('GETSET', 'k', 'w')).to.equal('v');
      expect(n.run('GET', 'k')).to.equal('w');
      expect(pttl(n, 'k')).to.equal(-1);
    });

    it('GETDEL returns the value and deletes the key; nil when absent', () => {
      n.run('SET', 'k', ALL_BYTES);
      expect(n.raw(['GETDEL', 'k'])).to.equal(bulk(ALL_BYTES));
      expect(n.run('GETDEL', 'k')).to.equal(null);
      expect(n.run('GET', 'k')).to.equal(null);
    });

    it('GETEX without options returns the value and leaves the TTL', () => {
      n.run('SET', 'k', 'v', 'EX', '100');
      expect(n.run('GETEX', 'k')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(100000);
    });

    it('GETEX EX/PX/EXAT/PXAT set the TTL, PERSIST removes it', () => {
      n.run('SET', 'k', 'v');
      expect(n.run('GETEX', 'k', 'EX', '100')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(100000);
      expect(n.run('GETEX', 'k', 'px', '250')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(250);
      const now = n.clock.now();
      n.run('GETEX', 'k', 'PXAT', String(now + 777));
      expect(pttl(n, 'k')).to.equal(777);
      n.run('GETEX', 'k', 'EXAT', String(Math.floor(now / 1000) + 50));
      expect(pttl(n, 'k')).to.equal((Math.floor(now / 1000) + 50) * 1000 - now);
      expect(n.run('GETEX', 'k', 'EX', '10', 'EX', '20')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(20000);
      expect(n.run('GETEX', 'k', 'PERSIST', 'PERSIST')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(-1);
    });

    it('GETEX with a past EXAT/PXAT returns the value and deletes the key', () => {
      n.run('SET', 'k', 'v');
      expect(n.run('GETEX', 'k', 'PXAT', '1')).to.equal('v');
      expect(pttl(n, 'k')).to.equal(-2);
      expect(n.client.db.peek('k')).to.equal(-1);
    });

    it('GETEX: syntax first, then nil for a missing key, then the expiry value', () => {
      expect(errorOf(n.run('GETEX', 'missing', 'foo'))).to.equal(SYNTAX);
      expect(n.run('GETEX', 'missing', 'EX', 'abc')).to.equal(null);
      n.run('SET', 'k', 'v');
      for (const opts of [['NX'], ['KEEPTTL'], ['GET'], ['EX'], ['PERSIST', 'EX', '1'], ['EX', '1', 'PERSIST'], ['EX', '1', 'PX', '1']]) {
        expect(errorOf(n.run('GETEX', 'k', ...opts)), opts.join(' ')).to.equal(SYNTAX);
      }
      expect(errorOf(n.run('GETEX', 'k', 'EX', 'abc'))).to.equal(NOT_INT);
      expect(errorOf(n.run('GETEX', 'k', 'EX', '0'))).to.equal("ERR invalid expire time in 'getex' command");
      expect(pttl(n, 'k')).to.equal(-1);
    });
  });

  describe('MGET, MSET, MSETNX', () => {
    it('MSET sets every pair and clears TTLs; MGET returns values with nil for absent keys', () => {
      n.run('SET', 'a', 'old', 'EX', '100');
      expect(n.run('MSET', 'a', '1', 'b', '2')).to.equal('OK');
      expect(pttl(n, 'a')).to.equal(-1);
      expect(n.run('MGET', 'a', 'nope', 'b')).to.deep.equal(['1', null, '2']);
      expect(n.raw(['MGET', 'a', 'nope'])).to.equal('*2\r\n$1\r\n1\r\n$-1\r\n');
    });

    it('MSET / MSETNX with an odd number of arguments are arity errors', () => {
      expect(errorOf(n.run('MSET', 'a'))).to.equal("ERR wrong number of arguments for 'mset' command");
      expect(errorOf(n.run('MSET', 'a', '1', 'b'))).to.equal("ERR wrong number of arguments for 'mset' command");
      expect(errorOf(n.run('MSETNX', 'a', '1', 'b'))).to.equal("ERR wrong number of arguments for 'msetnx' command");
      expect(n.run('GET', 'a')).to.equal(null);
    });

    it('MSETNX sets all keys or none', () => {
      n.run('SET', 'a', '1');
      expect(n.run('MSETNX', 'a', 'x', 'c', '3')).to.equal(0);
      expect(n.run('MGET', 'a', 'c')).to.deep.equal(['1', null]);
      expect(n.run('MSETNX', 'c', '3', 'd', '4')).to.equal(1);
      expect(n.run('MGET', 'c', 'd')).to.deep.equal(['3', '4']);
      expect(n.run('MSETNX', 'x', '1', 'x', '2')).to.equal(1);
      expect(n.run('GET', 'x')).to.equal('2');
    });

    it('MSETNX treats expired keys as absent', () => {
      n.run('SET', 'a', '1', 'PX', '10');
      n.clock.advance(10);
      expect(n.run('MSETNX', 'a', '2')).to.equal(1);
      expect(n.run('GET', 'a')).to.equal('2');
    });

    it('MSET and MGET are binary-safe', () => {
      n.run('MSET', 'a', ALL_BYTES, 'b', '\r\n');
      expect(n.raw(['MGET', 'a', 'b'])).to.equal('*2\r\n' + bulk(ALL_BYTES) + bulk('\r\n'));
    });
  });

  describe('INCR, DECR, INCRBY, DECRBY', () => {
    it('count from 0 on a missing key and store the result as a string', () => {
      expect(n.run('INCR', 'n')).to.equal(1);
      expect(n.run('INCRBY', 'n', '41')).to.equal(42);
      expect(n.run('DECR', 'n')).to.equal(41);
      expect(n.run('DECRBY', 'n', '50')).to.equal(-9);
      expect(n.run('GET', 'n')).to.equal('-9');
      expect(n.run('DECRBY', 'm', '-5')).to.equal(5);
    });

    it('keep the TTL of the key', () => {
      n.run('SET', 'n', '1', 'EX', '100');
      n.run('INCR', 'n');
      n.run('DECRBY', 'n', '5');
      expect(pttl(n, 'n')).to.equal(100000);
      expect(n.run('GET', 'n')).to.equal('-3');
    });

    it('reject increments and values that are not 64-bit integers as Redis writes them', () => {
      for (const bad of ['-0', '+1', '01', ' 1', '1 ', '1.5', 'abc', '', '9223372036854775808', '-9223372036854775809']) {
        expect(errorOf(n.run('INCRBY', 'n', bad)), JSON.stringify(bad)).to.equal(NOT_INT);
      }
      for (const bad of [' 1', '1.0', '', '00', '12345678901234567890', 'x']) {
        n.run('SET', 's', bad);
        expect(errorOf(n.run('INCR', 's')), JSON.stringify(bad)).to.equal(NOT_INT);
        expect(n.run('GET', 's')).to.equal(bad);
      }
    });

    it('work across the whole signed 64-bit range and refuse to overflow', () => {
      n.run('SET', 'n', '9007199254740991');
      expect(n.run('INCR', 'n')).to.equal(9007199254740992);
      expect(n.raw(['INCR', 'n'])).to.equal(':9007199254740993\r\n');
      expect(n.run('GET', 'n')).to.equal('9007199254740993');
      n.run('SET', 'n', '5');
      expect(n.raw(['INCRBY', 'n', '9223372036854775802'])).to.equal(':9223372036854775807\r\n');
      expect(errorOf(n.run('INCR', 'n'))).to.equal('ERR increment or decrement would overflow');
      expect(n.run('GET', 'n')).to.equal('9223372036854775807');
      n.run('SET', 'n', '-9223372036854775808');
      expect(errorOf(n.run('DECR', 'n'))).to.equal('ERR increment or decrement would overflow');
      expect(errorOf(n.run('DECRBY', 'n', '9223372036854775807'))).to.equal('ERR increment or decrement would overflow');
      expect(n.raw(['INCRBY', 'n', '9223372036854775807'])).to.equal(':-1\r\n');
      expect(n.raw(['INCRBY', 'm', '-9223372036854775808'])).to.equal(':-9223372036854775808\r\n');
    });

    it('DECRBY -2^63 is refused before anything else', () => {
      n.run('SET', 'n', '1');
      expect(errorOf(n.run('DECRBY', 'n', '-9223372036854775808'))).to.equal('ERR decrement would overflow');
      expect(n.run('GET', 'n')).to.equal('1');
    });

    it('an expired counter starts again from 0 without a TTL', () => {
      n.run('SET', 'n', '10', 'PX', '100');
      n.clock.advance(100);
      expect(n.run('INCR', 'n')).to.equal(1);
      expect(pttl(n, 'n')).to.equal(-1);
    });
  });

  describe('INCRBYFLOAT', () => {
    it('formats as Redis: long double arithmetic, no exponent, no trailing zeros', () => {
      const cases: [string | null, string, string][] = [
        ['10.5', '0.1', '10.6'],
        ['5.0e3', '0', '5000'],
        ['0.1', '0.2', '0.3'],
        [null, '3', '3'],
        ['3', '-3', '0'],
        ['1', '0x1p-3', '1.125'],
        ['1', '1.5e+2', '151'],
        ['12345678901234567890123', '1', '12345678901234567889920'],
        ['0.8', '3.0000000000000001', '3.8000000000000001'],
        ['3.8000000000000001', '1e17', '100000000000000003.796875'],
        ['0', '1e-20', '0'],
        ['0', '-0.00000000000000000001', '0'],
        ['1', '+.5', '1.5'],
        ['1', '5.', '6'],
      ];
      for (const [start, by, want] of cases) {
        if (start === null) n.run('DEL', 'f');
        else n.run('SET', 'f', start);
        expect(n.run('INCRBYFLOAT', 'f', by), `${start} + ${by}`).to.equal(want);
        expect(n.run('GET', 'f')).to.equal(want);
      }
    });

    it('prints huge values in full, as %.17Lf does', () => {
      n.run('SET', 'f', '1e400');
      const r = n.run('INCRBYFLOAT', 'f', '0') as string;
      expect(r).to.have.length(401);
      expect(r.startsWith('100000000000000000002818806839475865145864534336290520386259106935')).to.equal(true);
      expect(r.endsWith('4806343732497430221946880')).to.equal(true);
      expect(n.run('INCRBYFLOAT', 'f', '-1e400')).to.equal('0');
    });

    it('keeps the TTL', () => {
      n.run('SET', 'f', '1.5', 'EX', '100');
      expect(n.run('INCRBYFLOAT', 'f', '1')).to.equal('2.5');
      expect(pttl(n, 'f')).to.equal(100000);
    });

    it('rejects what strtold would not fully parse, NaN, and overflow or underflow to zero', () => {
      n.run('SET', 'f', '1');
      for (const bad of ['abc', '', ' 1', '1 ', 'nan', '-nan', '1e', 'e1', '.', '0x', '1e5000', '1e-5000', '1d', '1\x00', '+-1']) {
        expect(errorOf(n.run('INCRBYFLOAT', 'f', bad)), JSON.stringify(bad)).to.equal(NOT_FLOAT);
      }
      for (const bad of ['1 ', 'x', '1'.repeat(5120)]) {
        n.run('SET', 'g', bad);
        expect(errorOf(n.run('INCRBYFLOAT', 'g', '1')), bad.slice(0, 10)).to.equal(NOT_FLOAT);
      }
      expect(n.run('GET', 'f')).to.equal('1');
    });

    it('refuses infinite results', () => {
      n.run('SET', 'f', '1');
      for (const inf of ['inf', '-inf', 'Infinity', '+INF']) {
        expect(errorOf(n.run('INCRBYFLOAT', 'f', inf)), inf).to.equal('ERR increment would produce NaN or Infinity');
      }
      n.run('SET', 'f', '1.18e4932');
      expect(errorOf(n.run('INCRBYFLOAT', 'f', '1.18e4932'))).to.equal('ERR increment would produce NaN or Infinity');
      expect(n.run('GET', 'f')).to.equal('1.18e4932');
    });
  });

  describe('APPEND, STRLEN', () => {
    it('APPEND creates or extends the value, returns the new length and keeps the TTL', () => {
      expect(n.run('APPEND', 'k', 'Hello')).to.equal(5);
      n.run('SET', 'k', 'Hello', 'EX', '100');
      expect(n.run('APPEND', 'k', ' World')).to.equal(11);
      expect(n.run('GET', 'k')).to.equal('Hello World');
      expect(pttl(n, 'k')).to.equal(100000);
      expect(n.run('APPEND', 'k', '')).to.equal(11);
      expect(n.run('APPEND', 'e', '')).to.equal(0);
      expect(n.raw(['GET', 'e'])).to.equal('$0\r\n\r\n');
    });

    it('APPEND is binary-safe', () => {
      n.run('SET', 'k', ALL_BYTES);
      expect(n.run('APPEND', 'k', ALL_BYTES)).to.equal(512);
      expect(n.raw(['GET', 'k'])).to.equal(bulk(ALL_BYTES + ALL_BYTES));
    });

    it('APPEND refuses to grow a string beyond proto-max-bulk-len', () => {
      n = new UnitNode({ 'proto-max-bulk-len': '1mb' });
      n.run('SET', 'k', 'x'.repeat(MB - 1));
      expect(n.run('APPEND', 'k', 'y')).to.equal(MB);
      expect(errorOf(n.run('APPEND', 'k', 'z'))).to.equal(TOO_LONG);
      expect(n.run('STRLEN', 'k')).to.equal(MB);
    });

    it('STRLEN is the byte length, 0 for a missing key', () => {
      n.run('SET', 'k', ALL_BYTES);
      expect(n.run('STRLEN', 'k')).to.equal(256);
      expect(n.run('STRLEN', 'nope')).to.equal(0);
      n.run('SET', 'e', '');
      expect(n.run('STRLEN', 'e')).to.equal(0);
    });
  });

  describe('GETRANGE, SUBSTR', () => {
    const cases: [string, string, string][] = [
      ['0', '-1', 'Hello World'],
      ['-3', '-1', 'rld'],
      ['0', '4', 'Hello'],
      ['-1', '-3', ''],
      ['5', '3', ''],
      ['0', '100', 'Hello World'],
      ['-100', '-100', 'H'],
      ['-100', '2', 'Hel'],
      ['2', '-100', ''],
      ['-5', '-100', ''],
      ['100', '200', ''],
      ['10', '10', 'd'],
      ['11', '11', ''],
      ['-1', '-1', 'd'],
      ['0', '9223372036854775807', 'Hello World'],
      ['-9223372036854775808', '-1', 'Hello World'],
    ];
    for (const cmd of ['GETRANGE', 'SUBSTR']) {
      it(`${cmd} clamps indexes as Redis 7 (including the negative-end quirk)`, () => {
        n.run('SET', 's', 'Hello World');
        for (const [a, b, want] of cases) expect(n.run(cmd, 's', a, b), `${a} ${b}`).to.equal(want);
      });
    }

    it('a missing key or an empty string gives an empty string, not nil', () => {
      expect(n.raw(['GETRANGE', 'nope', '0', '-1'])).to.equal('$0\r\n\r\n');
      n.run('SET', 'e', '');
      expect(n.raw(['GETRANGE', 'e', '-1', '0'])).to.equal('$0\r\n\r\n');
      expect(n.raw(['GETRANGE', 'e', '0', '0'])).to.equal('$0\r\n\r\n');
    });

    it('indexes are checked even for a missing key', () => {
      expect(errorOf(n.run('GETRANGE', 'nope', 'x', '1'))).to.equal(NOT_INT);
      n.run('SET', 's', 'abc');
      expect(errorOf(n.run('GETRANGE', 's', '1', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('GETRANGE', 's', '-0', '1'))).to.equal(NOT_INT);
      expect(errorOf(n.run('GETRANGE', 's', '0', '9223372036854775808'))).to.equal(NOT_INT);
    });

    it('is binary-safe', () => {
      n.run('SET', 'b', ALL_BYTES);
      expect(n.raw(['GETRANGE', 'b', '0', '15'])).to.equal(bulk(ALL_BYTES.slice(0, 16)));
      expect(n.raw(['GETRANGE', 'b', '-3', '-1'])).to.equal(bulk('\xfd\xfe\xff'));
    });
  });

  describe('SETRANGE', () => {
    it('overwrites in place, extends, and returns the new length', () => {
      n.run('SET', 's', 'Hello World');
      expect(n.run('SETRANGE', 's', '6', 'Redis')).to.equal(11);
      expect(n.run('GET', 's')).to.equal('Hello Redis');
      expect(n.run('SETRANGE', 's', '2', 'XY')).to.equal(11);
      expect(n.run('GET', 's')).to.equal('HeXYo Redis');
      expect(n.run('SETRANGE', 's', '9', 'ABCD')).to.equal(13);
      expect(n.run('GET', 's')).to.equal('HeXYo RedABCD');
    });

    it('pads with zero bytes, past the end or on a new key', () => {
      expect(n.run('SETRANGE', 'new', '3', 'ab')).to.equal(5);
      expect(n.raw(['GET', 'new'])).to.equal(bulk('\0\0\0ab'));
      n.run('SET', 's', 'x');
      expect(n.run('SETRANGE', 's', '4', '\xff')).to.equal(5);
      expect(n.raw(['GET', 's'])).to.equal(bulk('x\0\0\0\xff'));
    });

    it('an empty value changes nothing: the length, and no key is created', () => {
      expect(n.run('SETRANGE', 'none', '3', '')).to.equal(0);
      expect(n.client.db.peek('none')).to.equal(-1);
      n.run('SET', 's', 'abc');
      expect(n.run('SETRANGE', 's', '100', '')).to.equal(3);
      expect(n.run('GET', 's')).to.equal('abc');
    });

    it('keeps the TTL', () => {
      n.run('SET', 's', 'abc', 'EX', '100');
      n.run('SETRANGE', 's', '1', 'X');
      expect(pttl(n, 's')).to.equal(100000);
      expect(n.run('GET', 's')).to.equal('aXc');
    });

    it('errors: negative offset, not an integer, beyond proto-max-bulk-len', () => {
      n = new UnitNode({ 'proto-max-bulk-len': '1mb' });
      n.run('SET', 's', 'abc');
      expect(errorOf(n.run('SETRANGE', 's', '-1', 'x'))).to.equal('ERR offset is out of range');
      expect(errorOf(n.run('SETRANGE', 's', 'x', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SETRANGE', 's', String(MB), 'x'))).to.equal(TOO_LONG);
      expect(errorOf(n.run('SETRANGE', 'new', '9223372036854775807', 'x'))).to.equal(TOO_LONG);
      expect(n.run('SETRANGE', 's', String(MB - 1), 'x')).to.equal(MB);
      expect(n.client.db.peek('new')).to.equal(-1);
    });
  });

  describe('LCS', () => {
    beforeEach(() => {
      n.run('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    });

    it('returns the subsequence, or its length with LEN', () => {
      expect(n.run('LCS', 'key1', 'key2')).to.equal('mytext');
      expect(n.run('LCS', 'key1', 'key2', 'LEN')).to.equal(6);
      expect(n.run('LCS', 'key1', 'key2', 'len', 'LEN')).to.equal(6);
      expect(n.run('LCS', 'nokey', 'nokey2')).to.equal('');
      expect(n.run('LCS', 'key1', 'nokey', 'LEN')).to.equal(0);
    });

    it('IDX gives the matches from the end, with WITHMATCHLEN and MINMATCHLEN filters', () => {
      expect(n.run('LCS', 'key1', 'key2', 'IDX')).to.deep.equal([
        'matches',
        [[[4, 7], [5, 8]], [[2, 3], [0, 1]]],
        'len',
        6,
      ]);
      expect(n.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN')).to.deep.equal([
        'matches',
        [[[4, 7], [5, 8], 4]],
        'len',
        6,
      ]);
      expect(n.run('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '-5')).to.deep.equal(n.run('LCS', 'key1', 'key2', 'IDX'));
      expect(n.run('LCS', 'nokey', 'key2', 'IDX')).to.deep.equal(['matches', [], 'len', 0]);
    });

    it('IDX is a map in RESP3', () => {
      n.client.out.resp = 3;
      expect(n.raw(['LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', '4'])).to.equal(
        '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n',
      );
    });

    it('picks the same subsequence as Redis when several exist', () => {
      n.run('MSET', 'a', 'ABCBDAB', 'b', 'BDCABA');
      expect(n.run('LCS', 'a', 'b')).to.equal('BDAB');
      expect(n.run('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN')).to.deep.equal([
        'matches',
        [[[5, 6], [3, 4], 2], [[3, 4], [0, 1], 2]],
        'len',
        4,
      ]);
    });

    it('errors: syntax, MINMATCHLEN value, IDX with LEN, table beyond proto-max-bulk-len', () => {
      expect(errorOf(n.run('LCS', 'key1', 'key2', 'FOO'))).to.equal(SYNTAX);
      expect(errorOf(n.run('LCS', 'key1', 'key2', 'MINMATCHLEN'))).to.equal(SYNTAX);
      expect(errorOf(n.run('LCS', 'key1', 'key2', 'MINMATCHLEN', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('LCS', 'key1', 'key2', 'IDX', 'LEN'))).to.equal(
        'ERR If you want both the length and indexes, please just use IDX.',
      );
      n = new UnitNode({ 'proto-max-bulk-len': '1mb' });
      n.run('MSET', 'a', 'x'.repeat(600), 'b', 'y'.repeat(600));
      expect(errorOf(n.run('LCS', 'a', 'b'))).to.equal(
        'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
      );
    });
  });

  describe('declarations', () => {
    // As Redis 7.0.15's COMMAND INFO: name, arity, flags, first key, last key, step, ACL categories.
    const redis: [string, number, string[], number, number, number, string[]][] = [
      ['get', 2, ['readonly', 'fast'], 1, 1, 1, ['read', 'string', 'fast']],
      ['set', -3, ['write', 'denyoom'], 1, 1, 1, ['write', 'string', 'slow']],
      ['setnx', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['setex', 4, ['write', 'denyoom'], 1, 1, 1, ['write', 'string', 'slow']],
      ['psetex', 4, ['write', 'denyoom'], 1, 1, 1, ['write', 'string', 'slow']],
      ['getset', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['getdel', 2, ['write', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['getex', -2, ['write', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['mget', -2, ['readonly', 'fast'], 1, -1, 1, ['read', 'string', 'fast']],
      ['mset', -3, ['write', 'denyoom'], 1, -1, 2, ['write', 'string', 'slow']],
      ['msetnx', -3, ['write', 'denyoom'], 1, -1, 2, ['write', 'string', 'slow']],
      ['incr', 2, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['decr', 2, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['incrby', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['decrby', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['incrbyfloat', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['append', 3, ['write', 'denyoom', 'fast'], 1, 1, 1, ['write', 'string', 'fast']],
      ['strlen', 2, ['readonly', 'fast'], 1, 1, 1, ['read', 'string', 'fast']],
      ['getrange', 4, ['readonly'], 1, 1, 1, ['read', 'string', 'slow']],
      ['substr', 4, ['readonly'], 1, 1, 1, ['read', 'string', 'slow']],
      ['setrange', 4, ['write', 'denyoom'], 1, 1, 1, ['write', 'string', 'slow']],
      ['lcs', -3, ['readonly'], 1, 2, 1, ['read', 'string', 'slow']],
    ];

    it('match COMMAND INFO of Redis 7, command for command', () => {
      expect(stringCommands.map((s) => s.name)).to.deep.equal(redis.map((r) => r[0]));
      for (const [name, arity, flags, first, last, step, acl] of redis) {
        const s = stringCommands.find((x) => x.name === name)!;
        expect([s.arity, s.flags, s.keys, s.acl, s.group], name).to.deep.equal([
          arity,
          flags,
          { first, last, step },
          acl,
          'string',
        ]);
      }
    });

    it('arity is enforced by the dispatcher with the command name in the error', () => {
      expect(errorOf(n.run('LCS', 'a'))).to.equal("ERR wrong number of arguments for 'lcs' command");
      expect(errorOf(n.run('GETRANGE', 'a', '0'))).to.equal("ERR wrong number of arguments for 'getrange' command");
      expect(errorOf(n.run('INCR', 'a', 'b'))).to.equal("ERR wrong number of arguments for 'incr' command");
    });
  });
});
