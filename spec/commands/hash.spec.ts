// Hash family through the real dispatcher: replies and error texts as Redis 7.2 (field expiration as
// Redis 7.4), RESP3 shapes, OBJECT ENCODING against the listpack directives, DUMP/RESTORE/COPY, field
// expiry with the manual clock (lazy and active), the effects sent to replicas, bad input.
import { expect } from 'chai';
import { HRANDFIELD_MAX_REPEATS } from '../../lib/commands/hash';
import { activeExpireFieldsCycle } from '../../lib/store/field-expire';
import { HashValue } from '../../lib/store/hash';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';
const FIELDS_MISSING = 'ERR Mandatory argument FIELDS is missing or not at the right position';
const NUMFIELDS_MISMATCH = 'ERR The `numfields` parameter must match the number of arguments';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}


describe('hash commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('HSET, HGET and the basic family', () => {
    it('HSET counts created fields; HGET, HMGET, HLEN, HEXISTS, HSTRLEN read them', () => {
      expect(n.run('HSET', 'h', 'a', '1', 'b', '22')).to.equal(2);
      expect(n.run('HSET', 'h', 'a', 'x', 'c', '333')).to.equal(1);
      expect(n.run('HGET', 'h', 'a')).to.equal('x');
      expect(n.run('HGET', 'h', 'zz')).to.equal(null);
      expect(n.run('HGET', 'nokey', 'a')).to.equal(null);
      expect(n.run('HMGET', 'h', 'a', 'zz', 'c')).to.deep.equal(['x', null, '333']);
      expect(n.run('HMGET', 'nokey', 'a', 'b')).to.deep.equal([null, null]);
      expect(n.run('HLEN', 'h')).to.equal(3);
      expect(n.run('HLEN', 'nokey')).to.equal(0);
      expect(n.run('HEXISTS', 'h', 'b')).to.equal(1);
      expect(n.run('HEXISTS', 'h', 'q')).to.equal(0);
      expect(n.run('HSTRLEN', 'h', 'c')).to.equal(3);
      expect(n.run('HSTRLEN', 'h', 'q')).to.equal(0);
      expect(n.run('TYPE', 'h')).to.equal('hash');
    });

    it('HMSET answers OK; HSETNX sets only a missing field', () => {
      expect(n.run('HMSET', 'h', 'a', '1', 'b', '2')).to.equal('OK');
      expect(n.run('HSETNX', 'h', 'a', 'other')).to.equal(0);
      expect(n.run('HSETNX', 'h', 'c', '3')).to.equal(1);
      expect(n.run('HSETNX', 'new', 'f', 'v')).to.equal(1);
      expect(n.run('HGETALL', 'h')).to.deep.equal(['a', '1', 'b', '2', 'c', '3']);
    });

    it('HGETALL, HKEYS, HVALS list fields in insertion order; HDEL keeps the others in order', () => {
      n.run('HSET', 'h', 'z', '1', 'y', '2', 'x', '3', 'w', '4');
      expect(n.run('HDEL', 'h', 'y', 'nope', 'y')).to.equal(1);
      n.run('HSET', 'h', 'y', '5');
      expect(n.run('HGETALL', 'h')).to.deep.equal(['z', '1', 'x', '3', 'w', '4', 'y', '5']);
      expect(n.run('HKEYS', 'h')).to.deep.equal(['z', 'x', 'w', 'y']);
      expect(n.run('HVALS', 'h')).to.deep.equal(['1', '3', '4', '5']);
      expect(n.run('HGETALL', 'nokey')).to.deep.equal([]);
      expect(n.run('HKEYS', 'nokey')).to.deep.equal([]);
    });

    it('deleting the last field deletes the key, and gives its memory back', () => {
      const before = n.node.env.memory.used;
      n.run('HSET', 'h', 'a', '1', 'b', '2');
      expect(n.node.env.memory.used).to.be.greaterThan(before);
      expect(n.run('HDEL', 'h', 'a', 'b')).to.equal(2);
      expect(n.run('EXISTS', 'h')).to.equal(0);
      expect(n.node.env.memory.used).to.equal(before);
      expect(n.run('HDEL', 'h', 'a')).to.equal(0);
    });

    it('is binary-safe in fields and values', () => {
      const bin = '\x00\xff\r\n\x01';
      n.run('HSET', 'h', bin, bin + bin);
      expect(n.run('HGET', 'h', bin)).to.equal(bin + bin);
      expect(n.run('HSTRLEN', 'h', bin)).to.equal(10);
    });

    it('wrong types and wrong arity get Redis errors', () => {
      n.run('SET', 's', 'v');
      for (const argv of [
        ['HSET', 's', 'f', 'v'], ['HGET', 's', 'f'], ['HMGET', 's', 'f'], ['HGETALL', 's'], ['HDEL', 's', 'f'],
        ['HLEN', 's'], ['HSTRLEN', 's', 'f'], ['HEXISTS', 's', 'f'], ['HKEYS', 's'], ['HVALS', 's'],
        ['HINCRBY', 's', 'f', '1'], ['HINCRBYFLOAT', 's', 'f', '1'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'],
        ['HSCAN', 's', '0'], ['HSETNX', 's', 'f', 'v'], ['HEXPIRE', 's', '10', 'FIELDS', '1', 'f'],
        ['HTTL', 's', 'FIELDS', '1', 'f'], ['HPERSIST', 's', 'FIELDS', '1', 'f'],
      ]) {
        expect(errorOf(n.run(...argv)), argv.join(' ')).to.equal(WRONGTYPE);
      }
      n.run('HSET', 'h', 'f', 'v');
      expect(errorOf(n.run('GET', 'h'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('HSET', 'h', 'f', 'v', 'g'))).to.equal("ERR wrong number of arguments for 'hset' command");
      expect(errorOf(n.run('HMSET', 'h', 'f', 'v', 'g'))).to.equal("ERR wrong number of arguments for 'hmset' command");
      expect(errorOf(n.run('HSET', 'h', 'f'))).to.equal("ERR wrong number of arguments for 'hset' command");
      expect(errorOf(n.run('HGET', 'h'))).to.equal("ERR wrong number of arguments for 'hget' command");
      expect(n.run('HGET', 'h', 'f')).to.equal('v');
    });
  });

  describe('HINCRBY, HINCRBYFLOAT', () => {
    it('HINCRBY adds to an integer (0 when missing); overflow and non-integers are refused', () => {
      expect(n.run('HINCRBY', 'h', 'n', '5')).to.equal(5);
      expect(n.run('HINCRBY', 'h', 'n', '-7')).to.equal(-2);
      n.run('HSET', 'h', 'big', '9223372036854775800');
      expect(n.raw(['HINCRBY', 'h', 'big', '7'])).to.equal(':9223372036854775807\r\n');
      expect(errorOf(n.run('HINCRBY', 'h', 'big', '1'))).to.equal('ERR increment or decrement would overflow');
      n.run('HSET', 'h', 'neg', '-9223372036854775808');
      expect(errorOf(n.run('HINCRBY', 'h', 'neg', '-1'))).to.equal('ERR increment or decrement would overflow');
      n.run('HSET', 'h', 's', 'abc');
      expect(errorOf(n.run('HINCRBY', 'h', 's', '1'))).to.equal('ERR hash value is not an integer');
      expect(errorOf(n.run('HINCRBY', 'h', 'n', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('HINCRBY', 'h', 'n', '99999999999999999999'))).to.equal(NOT_INT);
      expect(n.run('HGET', 'h', 'big')).to.equal('9223372036854775807');
      expect(errorOf(n.run('HINCRBY', 'nokey', 'f', '1.5'))).to.equal(NOT_INT);
      expect(n.run('EXISTS', 'nokey')).to.equal(0);
    });

    it('HINCRBYFLOAT formats as Redis; NaN/Infinity and non-floats are refused', () => {
      expect(n.run('HINCRBYFLOAT', 'h', 'f', '0.1')).to.equal('0.1');
      expect(n.run('HINCRBYFLOAT', 'h', 'f', '0.2')).to.equal('0.3');
      n.run('HSET', 'h', 'i', '10');
      expect(n.run('HINCRBYFLOAT', 'h', 'i', '-10.5')).to.equal('-0.5');
      expect(n.run('HINCRBYFLOAT', 'h', 'i', '1.5e3')).to.equal('1499.5');
      expect(errorOf(n.run('HINCRBYFLOAT', 'h', 'f', 'abc'))).to.equal('ERR value is not a valid float');
      expect(errorOf(n.run('HINCRBYFLOAT', 'h', 'f', 'inf'))).to.equal('ERR value is NaN or Infinity');
      expect(errorOf(n.run('HINCRBYFLOAT', 'h', 'f', 'nan'))).to.equal('ERR value is not a valid float');
      n.run('HSET', 'h', 's', 'abc');
      expect(errorOf(n.run('HINCRBYFLOAT', 'h', 's', '1'))).to.equal('ERR hash value is not a float');
      n.run('HSET', 'h', 'huge', '1e4932');
      expect(errorOf(n.run('HINCRBYFLOAT', 'h', 'huge', '1e4932'))).to.equal('ERR increment would produce NaN or Infinity');
    });
  });

  describe('HRANDFIELD', () => {
    beforeEach(() => {
      n.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    });

    it('one field; nil for a missing key', () => {
      expect(['a', 'b', 'c']).to.include(n.run('HRANDFIELD', 'h'));
      expect(n.run('HRANDFIELD', 'nokey')).to.equal(null);
    });

    it('positive counts: distinct fields, at most all; negative: repeats; 0 and missing: empty', () => {
      const two = n.run('HRANDFIELD', 'h', '2') as string[];
      expect(two).to.have.length(2);
      expect(new Set(two).size).to.equal(2);
      expect((n.run('HRANDFIELD', 'h', '10') as string[]).sort()).to.deep.equal(['a', 'b', 'c']);
      expect(n.run('HRANDFIELD', 'h', '-10') as string[]).to.have.length(10);
      expect(n.run('HRANDFIELD', 'h', '0')).to.deep.equal([]);
      expect(n.run('HRANDFIELD', 'nokey', '5')).to.deep.equal([]);
      expect((n.run('HRANDFIELD', 'h', '9223372036854775807') as string[]).sort()).to.deep.equal(['a', 'b', 'c']);
    });

    it('WITHVALUES: flat pairs in RESP2, [field, value] arrays in RESP3', () => {
      const r = n.run('HRANDFIELD', 'h', '-4', 'WITHVALUES') as string[];
      expect(r).to.have.length(8);
      for (let i = 0; i < 8; i += 2) expect(r[i + 1]).to.equal({ a: '1', b: '2', c: '3' }[r[i]]);
      n.raw(['HELLO', '3']);
      const raw = n.raw(['HRANDFIELD', 'h', '1', 'WITHVALUES']);
      expect(raw).to.match(/^\*1\r\n\*2\r\n\$1\r\n([abc])\r\n\$1\r\n[123]\r\n$/);
      expect(n.raw(['HRANDFIELD', 'h', '2'])).to.match(/^\*2\r\n/);
    });

    it('bad counts: not an integer, range errors, syntax', () => {
      expect(errorOf(n.run('HRANDFIELD', 'h', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('HRANDFIELD', 'h', '-9223372036854775808'))).to.equal(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      );
      expect(errorOf(n.run('HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'))).to.equal('ERR value is out of range');
      expect(errorOf(n.run('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'))).to.equal('ERR value is out of range');
      expect((n.run('HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES') as string[]).length).to.equal(6);
      expect(errorOf(n.run('HRANDFIELD', 'h', '1', 'WITHSCORES'))).to.equal(SYNTAX);
      expect(errorOf(n.run('HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'))).to.equal(SYNTAX);
      expect(errorOf(n.run('HRANDFIELD', 'h', String(-HRANDFIELD_MAX_REPEATS - 1)))).to.equal('ERR value is out of range');
    });
  });

  describe('HSCAN', () => {
    it('a small hash comes whole with cursor 0; MATCH filters fields; NOVALUES drops values', () => {
      n.run('HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3');
      expect(n.run('HSCAN', 'h', '0')).to.deep.equal(['0', ['a1', '1', 'b1', '2', 'a2', '3']]);
      expect(n.run('HSCAN', 'h', '0', 'MATCH', 'a*', 'COUNT', '1')).to.deep.equal(['0', ['a1', '1', 'a2', '3']]);
      expect(n.run('HSCAN', 'h', '0', 'NOVALUES')).to.deep.equal(['0', ['a1', 'b1', 'a2']]);
      expect(n.run('HSCAN', 'nokey', '0')).to.deep.equal(['0', []]);
    });

    it('a large hash pages by cursor and returns each field once', () => {
      const argv = ['HSET', 'h'];
      for (let i = 0; i < 600; i++) argv.push(`f${i}`, `v${i}`);
      n.run(...argv);
      const seen: string[] = [];
      let cursor = '0';
      let calls = 0;
      do {
        const [next, items] = n.run('HSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
        for (let i = 0; i < items.length; i += 2) {
          expect(items[i + 1]).to.equal('v' + items[i].slice(1));
          seen.push(items[i]);
        }
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(calls).to.be.greaterThan(10);
      expect(seen.sort()).to.deep.equal(Array.from({ length: 600 }, (_, i) => `f${i}`).sort());
    });

    it('bad input: invalid cursor, COUNT errors, unknown options (TYPE included)', () => {
      n.run('HSET', 'h', 'a', '1');
      expect(errorOf(n.run('HSCAN', 'h', 'x'))).to.equal('ERR invalid cursor');
      expect(errorOf(n.run('HSCAN', 'h', '0', 'COUNT', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('HSCAN', 'h', '0', 'COUNT', '0'))).to.equal(SYNTAX);
      expect(errorOf(n.run('HSCAN', 'h', '0', 'TYPE', 'string'))).to.equal(SYNTAX);
      expect(errorOf(n.run('HSCAN', 'h', '0', 'MATCH'))).to.equal(SYNTAX);
    });
  });

  describe('RESP3', () => {
    it('HGETALL is a map; a missing key an empty map', () => {
      n.run('HSET', 'h', 'a', '1');
      n.raw(['HELLO', '3']);
      expect(n.raw(['HGETALL', 'h'])).to.equal('%1\r\n$1\r\na\r\n$1\r\n1\r\n');
      expect(n.raw(['HGETALL', 'nokey'])).to.equal('%0\r\n');
      expect(n.raw(['HGET', 'h', 'zz'])).to.equal('_\r\n');
    });
  });

  describe('OBJECT ENCODING, CONFIG, DUMP/RESTORE, COPY', () => {
    it('listpack until hash-max-listpack-entries/-value are passed, then hashtable for good', () => {
      n.run('HSET', 'h', 'a', '1');
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('listpack');
      expect(n.run('CONFIG', 'GET', 'hash-max-listpack-*')).to.deep.equal(['hash-max-listpack-entries', '512', 'hash-max-listpack-value', '64']);
      n.run('HSET', 'h', 'long', 'x'.repeat(65));
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('hashtable');
      n.run('HDEL', 'h', 'long');
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('hashtable');
      expect(n.run('CONFIG', 'SET', 'hash-max-listpack-entries', '2')).to.equal('OK');
      n.run('HSET', 'g', 'a', '1', 'b', '2');
      expect(n.run('OBJECT', 'ENCODING', 'g')).to.equal('listpack');
      n.run('HSET', 'g', 'c', '3');
      expect(n.run('OBJECT', 'ENCODING', 'g')).to.equal('hashtable');
      expect(n.run('CONFIG', 'SET', 'hash-max-ziplist-value', '10')).to.equal('OK');
      expect(n.run('CONFIG', 'GET', 'hash-max-listpack-value')).to.deep.equal(['hash-max-listpack-value', '10']);
    });

    it('DUMP then RESTORE gives the same hash, field TTLs included; COPY is deep', () => {
      n.run('HSET', 'h', 'a', '1', 'b', '2');
      n.run('HPEXPIRE', 'h', '5000', 'FIELDS', '1', 'b');
      const payload = n.run('DUMP', 'h') as string;
      expect(n.run('RESTORE', 'r', '0', payload)).to.equal('OK');
      expect(n.run('HGETALL', 'r')).to.deep.equal(['a', '1', 'b', '2']);
      expect(n.run('HPTTL', 'r', 'FIELDS', '2', 'a', 'b')).to.deep.equal([-1, 5000]);
      expect(n.run('COPY', 'h', 'c')).to.equal(1);
      n.run('HSET', 'c', 'a', 'changed');
      expect(n.run('HGET', 'h', 'a')).to.equal('1');
      expect(n.run('MEMORY', 'USAGE', 'c')).to.be.a('number');
    });
  });

  describe('field expiration (Redis 7.4)', () => {
    beforeEach(() => {
      n.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    });

    it('HEXPIRE sets TTLs; the field vanishes from every read when the clock passes it', () => {
      expect(n.run('HEXPIRE', 'h', '10', 'FIELDS', '2', 'a', 'nope')).to.deep.equal([1, -2]);
      expect(n.run('HTTL', 'h', 'FIELDS', '3', 'a', 'b', 'nope')).to.deep.equal([10, -1, -2]);
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('listpackex');
      n.clock.advance(9999);
      expect(n.run('HPTTL', 'h', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HTTL', 'h', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HGET', 'h', 'a')).to.equal('1');
      n.clock.advance(1);
      expect(n.run('HGET', 'h', 'a')).to.equal(null);
      expect(n.run('HLEN', 'h')).to.equal(2);
      expect(n.run('HGETALL', 'h')).to.deep.equal(['b', '2', 'c', '3']);
      expect(n.run('HEXISTS', 'h', 'a')).to.equal(0);
      expect(n.run('HTTL', 'h', 'FIELDS', '1', 'a')).to.deep.equal([-2]);
      expect(n.node.env.stats.expiredFields).to.equal(1);
    });

    it('the key goes with its last field', () => {
      n.run('HPEXPIRE', 'h', '100', 'FIELDS', '3', 'a', 'b', 'c');
      n.clock.advance(100);
      expect(n.run('EXISTS', 'h')).to.equal(1); // not touched yet: EXISTS does not look at fields
      expect(n.run('HLEN', 'h')).to.equal(0);
      expect(n.run('EXISTS', 'h')).to.equal(0);
    });

    it('NX, XX, GT, LT; a time not in the future deletes the field (2)', () => {
      expect(n.run('HEXPIRE', 'h', '100', 'XX', 'FIELDS', '1', 'a')).to.deep.equal([0]);
      expect(n.run('HEXPIRE', 'h', '100', 'GT', 'FIELDS', '1', 'a')).to.deep.equal([0]);
      expect(n.run('HEXPIRE', 'h', '100', 'LT', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HEXPIRE', 'h', '50', 'NX', 'FIELDS', '2', 'a', 'b')).to.deep.equal([0, 1]);
      expect(n.run('HEXPIRE', 'h', '200', 'GT', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HEXPIRE', 'h', '300', 'LT', 'FIELDS', '1', 'a')).to.deep.equal([0]);
      expect(n.run('HEXPIRE', 'h', '150', 'xx', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HEXPIRE', 'h', '0', 'FIELDS', '1', 'c')).to.deep.equal([2]);
      const now = n.clock.now();
      expect(n.run('HPEXPIREAT', 'h', String(now - 1), 'FIELDS', '1', 'b')).to.deep.equal([2]);
      expect(n.run('HKEYS', 'h')).to.deep.equal(['a']);
      expect(n.run('HEXPIRE', 'nokey', '10', 'FIELDS', '2', 'a', 'b')).to.deep.equal([-2, -2]);
    });

    it('HEXPIREAT/HPEXPIREAT take absolute times; HEXPIRETIME rounds up, HPEXPIRETIME is exact', () => {
      const now = n.clock.now();
      expect(n.run('HPEXPIREAT', 'h', String(now + 1500), 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(n.run('HPEXPIRETIME', 'h', 'FIELDS', '2', 'a', 'b')).to.deep.equal([now + 1500, -1]);
      expect(n.run('HEXPIRETIME', 'h', 'FIELDS', '1', 'a')).to.deep.equal([Math.floor((now + 1500 + 999) / 1000)]);
      const sec = Math.floor(now / 1000) + 100;
      expect(n.run('HEXPIREAT', 'h', String(sec), 'FIELDS', '1', 'b')).to.deep.equal([1]);
      expect(n.run('HPEXPIRETIME', 'h', 'FIELDS', '1', 'b')).to.deep.equal([sec * 1000]);
      expect(n.run('HPTTL', 'h', 'FIELDS', '1', 'b')).to.deep.equal([sec * 1000 - now]);
      expect(n.run('HTTL', 'nokey', 'FIELDS', '1', 'a')).to.deep.equal([-2]);
    });

    it('HPERSIST removes TTLs; HSET drops a TTL, HINCRBY keeps it', () => {
      n.run('HEXPIRE', 'h', '100', 'FIELDS', '3', 'a', 'b', 'c');
      expect(n.run('HPERSIST', 'h', 'FIELDS', '3', 'a', 'a', 'nope')).to.deep.equal([1, -1, -2]);
      n.run('HSET', 'h', 'b', '20');
      n.run('HINCRBY', 'h', 'c', '1');
      expect(n.run('HTTL', 'h', 'FIELDS', '3', 'a', 'b', 'c')).to.deep.equal([-1, -1, 100]);
      expect(n.run('HPERSIST', 'nokey', 'FIELDS', '1', 'a')).to.deep.equal([-2]);
    });

    it("bad input gets Redis 7.4's errors, in its order", () => {
      expect(errorOf(n.run('HEXPIRE', 'h', 'x', 'FIELDS', '1', 'a'))).to.equal(NOT_INT);
      expect(errorOf(n.run('HEXPIRE', 'h', '-1', 'FIELDS', '1', 'a'))).to.equal('ERR invalid expire time, must be >= 0');
      expect(errorOf(n.run('HEXPIRE', 'h', '70368744178', 'FIELDS', '1', 'a'))).to.equal("ERR invalid expire time in 'hexpire' command");
      expect(errorOf(n.run('HPEXPIRE', 'h', '70368744177663', 'FIELDS', '1', 'a'))).to.equal("ERR invalid expire time in 'hpexpire' command");
      expect(n.run('HPEXPIREAT', 'h', '70368744177663', 'FIELDS', '1', 'a')).to.deep.equal([1]);
      expect(errorOf(n.run('HPEXPIREAT', 'h', '70368744177664', 'FIELDS', '1', 'a'))).to.equal("ERR invalid expire time in 'hpexpireat' command");
      expect(errorOf(n.run('HEXPIRE', 'h', '9223372036854775807', 'FIELDS', '1', 'a'))).to.equal("ERR invalid expire time in 'hexpire' command");
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'FIELD', '1', 'a'))).to.equal(FIELDS_MISSING);
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'NX', 'XX', 'FIELDS', '1', 'a'))).to.equal(FIELDS_MISSING);
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'FIELDS', '0', 'a'))).to.equal('ERR Parameter `numFields` should be greater than 0');
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'FIELDS', 'x', 'a'))).to.equal('ERR Parameter `numFields` should be greater than 0');
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'FIELDS', '2', 'a'))).to.equal(NUMFIELDS_MISMATCH);
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'NX', 'FIELDS', '1'))).to.equal(NUMFIELDS_MISMATCH);
      expect(errorOf(n.run('HTTL', 'h', 'FIELDS', '0', 'a'))).to.equal('ERR Number of fields must be a positive integer');
      expect(errorOf(n.run('HTTL', 'h', 'FIELDS', '-1', 'a'))).to.equal('ERR Number of fields must be a positive integer');
      expect(errorOf(n.run('HTTL', 'h', 'NOTFIELDS', '1', 'a'))).to.equal(FIELDS_MISSING);
      expect(errorOf(n.run('HPERSIST', 'h', 'FIELDS', '3', 'a'))).to.equal(NUMFIELDS_MISMATCH);
      expect(errorOf(n.run('HEXPIRE', 'h', '10', 'FIELDS', '1'))).to.equal("ERR wrong number of arguments for 'hexpire' command");
      expect(errorOf(n.run('HTTL', 'h', 'FIELDS', '1'))).to.equal("ERR wrong number of arguments for 'httl' command");
    });

    it('the active collector removes expired fields nobody reads, and the emptied keys', () => {
      for (let i = 0; i < 50; i++) {
        n.run('HSET', `k${i}`, 'x', '1', 'y', '2');
        n.run('HPEXPIRE', `k${i}`, '100', 'FIELDS', '1', 'x');
        if (i % 2 === 0) n.run('HPEXPIRE', `k${i}`, '100', 'FIELDS', '1', 'y');
      }
      const before = n.node.env.memory.used;
      n.clock.advance(100);
      expect(activeExpireFieldsCycle(n.node.dbs, n.config)).to.equal(75);
      expect(n.node.env.memory.used).to.be.lessThan(before);
      expect(n.run('DBSIZE')).to.equal(26); // h + the 25 odd keys
      expect(n.node.dbs[0].slotsWithPartTtl().size).to.equal(0);
      expect(activeExpireFieldsCycle(n.node.dbs, n.config)).to.equal(0);
    });

    it('a replica hides expired fields but removes nothing by itself', () => {
      n.run('HPEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
      n.node.env.replica = true;
      n.clock.advance(10);
      expect(n.run('HGETALL', 'h')).to.deep.equal(['b', '2', 'c', '3']);
      expect(n.run('HLEN', 'h')).to.equal(2);
      expect(activeExpireFieldsCycle(n.node.dbs, n.config)).to.equal(0);
      const db = n.node.dbs[0];
      expect((db.valueAt(db.peek('h')) as HashValue).size).to.equal(3);
      n.node.env.replica = false;
    });
  });

  describe('effects sent to replicas', () => {
    beforeEach(() => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'init', '1');
    });

    it('HSET, HDEL, HINCRBY as sent; HINCRBYFLOAT as HSET of the result; no-ops send nothing', () => {
      expect(n.effects(() => n.run('HSET', 'h', 'a', '1', 'b', '2'))).to.deep.equal([['HSET', 'h', 'a', '1', 'b', '2']]);
      expect(n.effects(() => n.run('HDEL', 'h', 'nope'))).to.deep.equal([]);
      expect(n.effects(() => n.run('HDEL', 'h', 'b'))).to.deep.equal([['HDEL', 'h', 'b']]);
      expect(n.effects(() => n.run('HINCRBY', 'h', 'a', '2'))).to.deep.equal([['HINCRBY', 'h', 'a', '2']]);
      expect(n.effects(() => n.run('HINCRBYFLOAT', 'h', 'f', '0.1'))).to.deep.equal([['HSET', 'h', 'f', '0.1']]);
      expect(n.effects(() => n.run('HSETNX', 'h', 'a', 'x'))).to.deep.equal([]);
      expect(n.effects(() => n.run('HGET', 'h', 'a'))).to.deep.equal([]);
    });

    it('HEXPIRE goes as HPEXPIREAT with the fields set; past times as HDEL; HPERSIST with the fields changed', () => {
      n.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
      const now = n.clock.now();
      expect(n.effects(() => n.run('HEXPIRE', 'h', '10', 'NX', 'FIELDS', '3', 'a', 'nope', 'b'))).to.deep.equal([
        ['HPEXPIREAT', 'h', String(now + 10000), 'FIELDS', '2', 'a', 'b'],
      ]);
      expect(n.effects(() => n.run('HEXPIRE', 'h', '10', 'NX', 'FIELDS', '1', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('HINCRBYFLOAT', 'h', 'a', '1'))).to.deep.equal([
        ['HSET', 'h', 'a', '2'],
        ['HPEXPIREAT', 'h', String(now + 10000), 'FIELDS', '1', 'a'],
      ]);
      expect(n.effects(() => n.run('HPERSIST', 'h', 'FIELDS', '2', 'b', 'c'))).to.deep.equal([['HPERSIST', 'h', 'FIELDS', '1', 'b']]);
      expect(n.effects(() => n.run('HEXPIRE', 'h', '0', 'FIELDS', '1', 'c'))).to.deep.equal([['HDEL', 'h', 'c']]);
    });

    it('fields expired lazily or actively go as HDEL', () => {
      n.run('HSET', 'h', 'a', '1', 'b', '2');
      n.run('HSET', 'g', 'a', '1', 'b', '2');
      n.run('HPEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
      n.run('HPEXPIRE', 'g', '10', 'FIELDS', '2', 'a', 'b');
      n.clock.advance(10);
      expect(n.effects(() => n.run('HGET', 'h', 'b'))).to.deep.equal([['HDEL', 'h', 'a']]);
      expect(n.effects(() => activeExpireFieldsCycle(n.node.dbs, n.config))).to.deep.equal([['HDEL', 'g', 'a', 'b']]);
      expect(n.run('EXISTS', 'g')).to.equal(0);
    });
  });
});
