// Sorted-set family through the real dispatcher: replies and error texts as Redis 7.2, RESP3 shapes,
// score formatting, OBJECT ENCODING against the listpack directives, DUMP/RESTORE/COPY/RENAME/TYPE, the
// effects sent to replicas, memory accounting, ZSCAN's cursor while the set changes, bad input.
// (spec/integration/diff-zsets.spec.ts compares all of this with a real redis-server byte for byte.)
import { expect } from 'chai';
import { ZRANDMEMBER_MAX_REPEATS } from '../../lib/commands/zset';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';
const SYNTAX = 'ERR syntax error';
const MINMAX = 'ERR min or max is not a float';
const LEXERR = 'ERR min or max not valid string range item';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

describe('sorted-set commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('ZADD and ZINCRBY', () => {
    it('adds, updates, counts (CH), and keeps Redis order: score, then member bytes', () => {
      expect(n.run('ZADD', 'z', '1', 'b', '1', 'a', '0', 'c')).to.equal(3);
      expect(n.run('ZADD', 'z', '2', 'a', '5', 'd')).to.equal(1);
      expect(n.run('ZADD', 'z', 'CH', '3', 'a', '5', 'd', '1', 'e')).to.equal(2);
      expect(n.run('ZRANGE', 'z', '0', '-1', 'WITHSCORES')).to.deep.equal(['c', '0', 'b', '1', 'e', '1', 'a', '3', 'd', '5']);
      expect(n.run('ZCARD', 'z')).to.equal(5);
      expect(n.run('TYPE', 'z')).to.equal('zset');
    });

    it('NX, XX, GT, LT and INCR as zsetAdd; INCR answers the score or nil', () => {
      n.run('ZADD', 'z', '5', 'a');
      expect(n.run('ZADD', 'z', 'NX', '1', 'a', '1', 'b')).to.equal(1);
      expect(n.run('ZADD', 'z', 'XX', '7', 'a', '7', 'c')).to.equal(0);
      expect(n.run('ZSCORE', 'z', 'a')).to.equal('7');
      expect(n.run('ZSCORE', 'z', 'c')).to.equal(null);
      expect(n.run('ZADD', 'z', 'GT', 'CH', '6', 'a')).to.equal(0);
      expect(n.run('ZADD', 'z', 'GT', 'CH', '8', 'a')).to.equal(1);
      expect(n.run('ZADD', 'z', 'LT', 'CH', '9', 'a', '0', 'b')).to.equal(1);
      expect(n.run('ZADD', 'z', 'GT', '3', 'new')).to.equal(1);
      expect(n.run('ZADD', 'z', 'INCR', '2', 'a')).to.equal('10');
      expect(n.run('ZADD', 'z', 'INCR', 'NX', '2', 'a')).to.equal(null);
      expect(n.run('ZADD', 'z', 'INCR', 'GT', '-1', 'a')).to.equal(null);
      expect(n.run('ZADD', 'z', 'INCR', 'XX', '1', 'nope')).to.equal(null);
      expect(n.run('ZINCRBY', 'z', '0.5', 'a')).to.equal('10.5');
      expect(n.run('ZINCRBY', 'z', '1', 'fresh')).to.equal('1');
      expect(n.run('ZADD', 'nokey', 'XX', '1', 'a')).to.equal(0);
      expect(n.run('ZADD', 'nokey', 'XX', 'INCR', '1', 'a')).to.equal(null);
      expect(n.run('EXISTS', 'nokey')).to.equal(0);
    });

    it('answers every option conflict and bad score with Redis text, in Redis order, changing nothing', () => {
      n.run('ZADD', 'z', '1', 'a');
      expect(errorOf(n.run('ZADD', 'z', 'NX', 'XX', '1', 'a'))).to.equal('ERR XX and NX options at the same time are not compatible');
      expect(errorOf(n.run('ZADD', 'z', 'GT', 'LT', '1', 'a'))).to.equal('ERR GT, LT, and/or NX options at the same time are not compatible');
      expect(errorOf(n.run('ZADD', 'z', 'NX', 'GT', '1', 'a'))).to.equal('ERR GT, LT, and/or NX options at the same time are not compatible');
      expect(errorOf(n.run('ZADD', 'z', 'INCR', '1', 'a', '2', 'b'))).to.equal('ERR INCR option supports a single increment-element pair');
      expect(errorOf(n.run('ZADD', 'z', 'NX', 'XX', 'INCR', '1', 'a', '2', 'b'))).to.equal('ERR XX and NX options at the same time are not compatible');
      expect(errorOf(n.run('ZADD', 'z', '1', 'a', '2'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZADD', 'z', 'NX', 'CH'))).to.equal(SYNTAX);
      for (const bad of ['x', '', ' 1', '1 ', 'nan', '1e400', '-1e400', '1e-400', '1\x00']) expect(errorOf(n.run('ZADD', 'z', bad, 'a')), bad).to.equal(NOT_FLOAT);
      expect(errorOf(n.run('ZADD', 'z', '1', 'b', 'x', 'c'))).to.equal(NOT_FLOAT);
      expect(n.run('ZCARD', 'z')).to.equal(1);
      expect(errorOf(n.run('ZINCRBY', 'z', 'x', 'a'))).to.equal(NOT_FLOAT);
      expect(errorOf(n.run('ZINCRBY', 'z', 'nx', 'a'))).to.equal(SYNTAX);
      n.run('ZADD', 'z', 'inf', 'i');
      expect(errorOf(n.run('ZINCRBY', 'z', '-inf', 'i'))).to.equal('ERR resulting score is not a number (NaN)');
      expect(n.run('ZSCORE', 'z', 'i')).to.equal('inf');
      n.run('SET', 's', 'v');
      expect(errorOf(n.run('ZADD', 's', '1', 'a'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('ZADD', 's', 'x', 'a'))).to.equal(NOT_FLOAT);
    });

    it('prints scores as Redis 7.2 (shortest round trip, inf, integers in full)', () => {
      const scores = ['0.1', '1e300', '-0.5', 'inf', '-inf', '3.0000000000000004', '1.5e-7', '123456789012345678', '4611686018427387904', '9223372036854775807', '0x10', '+inf', '.5'];
      const want = ['0.1', '1e+300', '-0.5', 'inf', '-inf', '3.0000000000000004', '1.5e-7', '123456789012345680', '4611686018427387904', '9223372036854776000', '16', 'inf', '0.5'];
      scores.forEach((s, i) => n.run('ZADD', 'z', s, `m${i}`));
      scores.forEach((_s, i) => expect(n.run('ZSCORE', 'z', `m${i}`), scores[i]).to.equal(want[i]));
      n.run('ZINCRBY', 't', '0.1', 'a');
      expect(n.run('ZINCRBY', 't', '0.2', 'a')).to.equal('0.30000000000000004');
    });

    it('-0: stored as 0 while the set is a listpack, kept by a skiplist, as Redis 7.2', () => {
      expect(n.run('ZINCRBY', 'lp', '-0', 'a')).to.equal('-0');
      expect(n.run('ZSCORE', 'lp', 'a')).to.equal('0');
      n.run('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
      n.run('ZADD', 'sl', '-0', 'a');
      expect(n.run('OBJECT', 'ENCODING', 'sl')).to.equal('skiplist');
      expect(n.run('ZSCORE', 'sl', 'a')).to.equal('-0');
      expect(n.run('ZINCRBY', 'sl', '0', 'a')).to.equal('0');
      expect(n.run('ZSCORE', 'sl', 'a')).to.equal('-0');
    });
  });

  describe('reads: ZSCORE ZMSCORE ZRANK ZREVRANK ZCARD', () => {
    it('answer nil, empty or 0 for missing keys and members; WITHSCORE as Redis 7.2', () => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '2', 'c');
      expect(n.run('ZMSCORE', 'z', 'a', 'x', 'c')).to.deep.equal(['1', null, '2']);
      expect(n.run('ZMSCORE', 'nokey', 'a')).to.deep.equal([null]);
      expect(n.run('ZRANK', 'z', 'c')).to.equal(2);
      expect(n.run('ZREVRANK', 'z', 'c')).to.equal(0);
      expect(n.run('ZRANK', 'z', 'b', 'WITHSCORE')).to.deep.equal([1, '2']);
      expect(n.run('ZREVRANK', 'z', 'a', 'withscore')).to.deep.equal([2, '1']);
      expect(n.run('ZRANK', 'z', 'x')).to.equal(null);
      expect(n.raw(['ZRANK', 'z', 'x', 'WITHSCORE'])).to.equal('*-1\r\n');
      expect(n.raw(['ZRANK', 'nokey', 'x', 'WITHSCORE'])).to.equal('*-1\r\n');
      expect(errorOf(n.run('ZRANK', 'z', 'a', 'WITHSCORES'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZRANK', 'z', 'a', 'WITHSCORE', 'x'))).to.equal("ERR wrong number of arguments for 'zrank' command");
      expect(n.run('ZSCORE', 'nokey', 'a')).to.equal(null);
      expect(n.run('ZCARD', 'nokey')).to.equal(0);
    });

    it('RESP3: doubles, nested pairs, null arrays', () => {
      n.raw(['HELLO', '3']);
      n.raw(['ZADD', 'z', '1', 'a', '2.5', 'b']);
      expect(n.raw(['ZSCORE', 'z', 'b'])).to.equal(',2.5\r\n');
      expect(n.raw(['ZSCORE', 'z', 'x'])).to.equal('_\r\n');
      expect(n.raw(['ZRANK', 'z', 'b', 'WITHSCORE'])).to.equal('*2\r\n:1\r\n,2.5\r\n');
      expect(n.raw(['ZRANK', 'z', 'x', 'WITHSCORE'])).to.equal('_\r\n');
      expect(n.raw(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'])).to.equal('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
      expect(n.raw(['ZUNION', '1', 'z', 'WITHSCORES'])).to.equal('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
      expect(n.raw(['ZPOPMIN', 'z'])).to.equal('*2\r\n$1\r\na\r\n,1\r\n');
      expect(n.raw(['ZPOPMAX', 'z', '5'])).to.equal('*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
      expect(n.raw(['ZMPOP', '1', 'z', 'MIN'])).to.equal('_\r\n');
      n.raw(['ZADD', 'z', 'inf', 'i']);
      expect(n.raw(['ZMPOP', '1', 'z', 'MAX'])).to.equal('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\ni\r\n,inf\r\n');
    });
  });

  describe('ranges', () => {
    beforeEach(() => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '4', 'd', '5', 'e');
    });

    it('by rank with Redis index sanitizing, REV, and LIMIT only with BYSCORE/BYLEX', () => {
      expect(n.run('ZRANGE', 'z', '-2', '-1')).to.deep.equal(['d', 'e']);
      expect(n.run('ZRANGE', 'z', '-100', '1')).to.deep.equal(['a', 'b']);
      expect(n.run('ZRANGE', 'z', '4', '1')).to.deep.equal([]);
      expect(n.run('ZRANGE', 'z', '0', '1', 'REV')).to.deep.equal(['e', 'd']);
      expect(n.run('ZREVRANGE', 'z', '0', '0', 'WITHSCORES')).to.deep.equal(['e', '5']);
      expect(errorOf(n.run('ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'))).to.equal('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
      expect(n.run('ZRANGE', 'z', '0', '0', 'LIMIT', '5', '-1')).to.deep.equal(['a']);
      expect(errorOf(n.run('ZRANGE', 'z', 'a', '1'))).to.equal(NOT_INT);
      expect(errorOf(n.run('ZRANGE', 'z', '0', '1', 'BYLEX', 'WITHSCORES'))).to.equal('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
      expect(errorOf(n.run('ZRANGE', 'z', '0', '1', 'FOO'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZREVRANGE', 'z', '0', '1', 'REV'))).to.equal(SYNTAX);
    });

    it('by score: exclusive bounds, infinities, LIMIT offsets (negative skips all), REV swaps the bounds', () => {
      expect(n.run('ZRANGEBYSCORE', 'z', '(1', '3')).to.deep.equal(['b', 'bb', 'c']);
      expect(n.run('ZRANGEBYSCORE', 'z', '(2', '(4')).to.deep.equal(['c']);
      expect(n.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '2', '2')).to.deep.equal(['bb', 'c']);
      expect(n.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2')).to.deep.equal([]);
      expect(n.run('ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '4', '-1')).to.deep.equal(['d', 'e']);
      expect(n.run('ZREVRANGEBYSCORE', 'z', '4', '2', 'WITHSCORES')).to.deep.equal(['d', '4', 'c', '3', 'bb', '2', 'b', '2']);
      expect(n.run('ZRANGE', 'z', '(4', '2', 'BYSCORE', 'REV', 'LIMIT', '1', '2')).to.deep.equal(['bb', 'b']);
      expect(n.run('ZRANGEBYSCORE', 'z', ' 2', '', 'WITHSCORES')).to.deep.equal([]);
      expect(n.run('ZRANGEBYSCORE', 'z', '', '1')).to.deep.equal(['a']);
      expect(n.run('ZRANGEBYSCORE', 'z', '5\x00junk', '1e400')).to.deep.equal(['e']);
      for (const bad of ['x', 'nan', '[1', '((1', '1 ']) expect(errorOf(n.run('ZRANGEBYSCORE', 'z', bad, '2')), bad).to.equal(MINMAX);
      expect(n.run('ZCOUNT', 'z', '2', '(4')).to.equal(3);
      expect(n.run('ZCOUNT', 'z', '4', '2')).to.equal(0);
      expect(errorOf(n.run('ZCOUNT', 'nokey', 'x', '1'))).to.equal(MINMAX);
    });

    it('by lex: [ ( - +, errors, counts', () => {
      n.run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', '');
      expect(n.run('ZRANGEBYLEX', 'l', '[b', '(d')).to.deep.equal(['b', 'c']);
      expect(n.run('ZRANGEBYLEX', 'l', '-', '(b')).to.deep.equal(['', 'a']);
      expect(n.run('ZRANGEBYLEX', 'l', '(', '+', 'LIMIT', '1', '2')).to.deep.equal(['b', 'c']);
      expect(n.run('ZREVRANGEBYLEX', 'l', '+', '[b')).to.deep.equal(['d', 'c', 'b']);
      expect(n.run('ZRANGEBYLEX', 'l', '+', '-')).to.deep.equal([]);
      expect(n.run('ZRANGEBYLEX', 'l', '-', '-')).to.deep.equal([]);
      expect(n.run('ZLEXCOUNT', 'l', '[a', '[c')).to.equal(3);
      for (const bad of ['a', '', '+x', '-x']) expect(errorOf(n.run('ZRANGEBYLEX', 'l', bad, '+')), bad).to.equal(LEXERR);
      expect(errorOf(n.run('ZLEXCOUNT', 'nokey', 'a', '+'))).to.equal(LEXERR);
    });

    it('ZRANGESTORE stores (REV, BYSCORE, BYLEX, LIMIT), overwrites any type, deletes on an empty range', () => {
      expect(n.run('ZRANGESTORE', 'dst', 'z', '0', '1', 'REV')).to.equal(2);
      expect(n.run('ZRANGE', 'dst', '0', '-1', 'WITHSCORES')).to.deep.equal(['d', '4', 'e', '5']);
      n.run('SET', 'str', 'x');
      n.run('EXPIRE', 'str', '100');
      expect(n.run('ZRANGESTORE', 'str', 'z', '(1', '2', 'BYSCORE')).to.equal(2);
      expect(n.run('TYPE', 'str')).to.equal('zset');
      expect(n.run('TTL', 'str')).to.equal(-1);
      expect(n.run('ZRANGESTORE', 'str', 'z', '10', '20')).to.equal(0);
      expect(n.run('EXISTS', 'str')).to.equal(0);
      expect(n.run('ZRANGESTORE', 'dst', 'nokey', '0', '-1')).to.equal(0);
      expect(n.run('EXISTS', 'dst')).to.equal(0);
      expect(errorOf(n.run('ZRANGESTORE', 'dst', 'z', '0', '1', 'WITHSCORES'))).to.equal(SYNTAX);
    });

    it('ZREMRANGEBYRANK / BYSCORE / BYLEX remove, count, delete the emptied key; bounds checked before the key', () => {
      expect(n.run('ZREMRANGEBYRANK', 'z', '0', '1')).to.equal(2);
      expect(n.run('ZREMRANGEBYSCORE', 'z', '(2', '3')).to.equal(1);
      expect(n.run('ZRANGE', 'z', '0', '-1')).to.deep.equal(['bb', 'd', 'e']);
      n.run('ZADD', 'l', '0', 'a', '0', 'b', '0', 'c');
      expect(n.run('ZREMRANGEBYLEX', 'l', '(a', '+')).to.equal(2);
      expect(n.run('ZREMRANGEBYLEX', 'l', '-', '+')).to.equal(1);
      expect(n.run('EXISTS', 'l')).to.equal(0);
      n.run('SET', 's', 'v');
      expect(errorOf(n.run('ZREMRANGEBYRANK', 's', 'x', '1'))).to.equal(NOT_INT);
      expect(errorOf(n.run('ZREMRANGEBYSCORE', 's', 'x', '1'))).to.equal(MINMAX);
      expect(errorOf(n.run('ZREMRANGEBYLEX', 's', 'x', '+'))).to.equal(LEXERR);
      expect(errorOf(n.run('ZREMRANGEBYRANK', 's', '0', '1'))).to.equal(WRONGTYPE);
    });
  });

  describe('pops and random members', () => {
    it('ZPOPMIN/ZPOPMAX: count errors, 0, deletion; ZMPOP: numkeys and count errors, first non-empty key', () => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(n.run('ZPOPMIN', 'z')).to.deep.equal(['a', '1']);
      expect(n.run('ZPOPMAX', 'z', '0')).to.deep.equal([]);
      expect(errorOf(n.run('ZPOPMIN', 'z', '-1'))).to.equal('ERR value is out of range, must be positive');
      expect(errorOf(n.run('ZPOPMIN', 'z', 'x'))).to.equal('ERR value is out of range, must be positive');
      expect(errorOf(n.run('ZPOPMIN', 'z', '1', '2'))).to.equal(SYNTAX);
      expect(n.run('ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '5')).to.deep.equal(['z', [['c', '3'], ['b', '2']]]);
      expect(n.run('EXISTS', 'z')).to.equal(0);
      expect(n.run('ZMPOP', '1', 'z', 'MIN')).to.equal(null);
      expect(errorOf(n.run('ZMPOP', '0', 'z', 'MIN'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'))).to.equal('ERR count should be greater than 0');
      expect(errorOf(n.run('ZMPOP', '2', 'z', 'MIN'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZMPOP', '1', 'z', 'MID'))).to.equal(SYNTAX);
      n.run('SET', 's', 'v');
      expect(errorOf(n.run('ZMPOP', '2', 's', 'z', 'MIN'))).to.equal(WRONGTYPE);
    });

    it('ZRANDMEMBER: distinct for a positive count, the whole set from the top when it covers it, repeats for negative', () => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      const one = n.run('ZRANDMEMBER', 'z') as string;
      expect(['a', 'b', 'c']).to.include(one);
      const two = n.run('ZRANDMEMBER', 'z', '2') as string[];
      expect(new Set(two).size).to.equal(2);
      expect(n.run('ZRANDMEMBER', 'z', '3', 'WITHSCORES')).to.deep.equal(['c', '3', 'b', '2', 'a', '1']);
      expect((n.run('ZRANDMEMBER', 'z', '-10') as string[]).length).to.equal(10);
      expect(n.run('ZRANDMEMBER', 'z', '0')).to.deep.equal([]);
      expect(errorOf(n.run('ZRANDMEMBER', 'z', '-9223372036854775808'))).to.equal('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      expect(errorOf(n.run('ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'))).to.equal('ERR value is out of range');
      expect(errorOf(n.run('ZRANDMEMBER', 'z', String(-ZRANDMEMBER_MAX_REPEATS - 1)))).to.equal('ERR value is out of range');
      expect(errorOf(n.run('ZRANDMEMBER', 'z', '1', 'FOO'))).to.equal(SYNTAX);
      expect(n.run('ZRANDMEMBER', 'nokey')).to.equal(null);
    });
  });

  describe('set operations', () => {
    beforeEach(() => {
      n.run('ZADD', 'a', '1', 'x', '2', 'y', '3', 'z');
      n.run('ZADD', 'b', '10', 'y', '20', 'z', '30', 'w');
    });

    it('ZUNION/ZINTER/ZDIFF with WEIGHTS and AGGREGATE; inf - inf sums to 0; ZINTERCARD LIMIT', () => {
      expect(n.run('ZUNION', '2', 'a', 'b', 'WITHSCORES')).to.deep.equal(['x', '1', 'y', '12', 'z', '23', 'w', '30']);
      expect(n.run('ZINTER', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MAX', 'WITHSCORES')).to.deep.equal(['y', '5', 'z', '10']);
      expect(n.run('ZDIFF', '2', 'a', 'b', 'WITHSCORES')).to.deep.equal(['x', '1']);
      n.run('ZADD', 'c', 'inf', 'x');
      expect(n.run('ZUNION', '2', 'c', 'c', 'WEIGHTS', '1', '-1', 'WITHSCORES')).to.deep.equal(['x', '0']);
      expect(n.run('ZUNION', '1', 'c', 'WEIGHTS', '0', 'WITHSCORES')).to.deep.equal(['x', '0']);
      expect(n.run('ZINTERCARD', '2', 'a', 'b')).to.equal(2);
      expect(n.run('ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).to.equal(1);
      expect(errorOf(n.run('ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'))).to.equal("ERR LIMIT can't be negative");
    });

    it('STORE forms: result state, empty result deletes, listpack when small; errors in Redis order', () => {
      expect(n.run('ZUNIONSTORE', 'out', '2', 'a', 'b')).to.equal(4);
      expect(n.run('OBJECT', 'ENCODING', 'out')).to.equal('listpack');
      expect(n.run('ZINTERSTORE', 'out', '2', 'a', 'nokey')).to.equal(0);
      expect(n.run('EXISTS', 'out')).to.equal(0);
      expect(errorOf(n.run('ZUNIONSTORE', 'out', '0', 'a'))).to.equal("ERR at least 1 input key is needed for 'zunionstore' command");
      expect(errorOf(n.run('ZUNION', 'x', 'a'))).to.equal(NOT_INT);
      expect(errorOf(n.run('ZUNION', '3', 'a', 'b'))).to.equal(SYNTAX);
      n.run('SET', 's', 'v');
      // WRONGTYPE comes before the options are read.
      expect(errorOf(n.run('ZUNION', '2', 'a', 's', 'FOO'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'))).to.equal('ERR weight value is not a float');
      expect(errorOf(n.run('ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZUNIONSTORE', 'out', '2', 'a', 'b', 'WITHSCORES'))).to.equal(SYNTAX);
    });

    it('COMMAND GETKEYS finds the keys after numkeys', () => {
      expect(n.run('COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2')).to.deep.equal(['d', 'a', 'b']);
      expect(n.run('COMMAND', 'GETKEYS', 'ZINTER', '2', 'a', 'b')).to.deep.equal(['a', 'b']);
      expect(n.run('COMMAND', 'GETKEYS', 'ZMPOP', '2', 'a', 'b', 'MIN')).to.deep.equal(['a', 'b']);
      expect(n.run('COMMAND', 'GETKEYS', 'ZRANGESTORE', 'd', 's', '0', '1')).to.deep.equal(['d', 's']);
    });
  });

  describe('ZSCAN', () => {
    it('a listpack comes whole with cursor 0; a skiplist by cursor, every member once while nothing changes', () => {
      n.run('ZADD', 'z', '1', 'a', '0.1', 'b');
      expect(n.run('ZSCAN', 'z', '0', 'COUNT', '1')).to.deep.equal(['0', ['b', '0.1', 'a', '1']]);
      const args: string[] = [];
      for (let i = 0; i < 500; i++) args.push(String(i % 7) + '.1', `m${i}`);
      n.run('ZADD', 'big', ...args);
      const seen: string[] = [];
      let cursor = '0';
      do {
        const [next, items] = n.run('ZSCAN', 'big', cursor, 'COUNT', '37') as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.push(items[i]);
        // A skiplist's scores are printed with %.17g, as Redis's ZSCAN does (1.1000000000000001).
        expect(items[1]).to.match(/^\d\.\d{15,17}$/);
        cursor = next;
      } while (cursor !== '0');
      expect(seen.length).to.equal(500);
      expect(new Set(seen).size).to.equal(500);
    });

    it('a member present for the whole scan is returned even when members before the cursor go away', () => {
      const args: string[] = [];
      for (let i = 0; i < 400; i++) args.push(String(i), `m${String(i).padStart(3, '0')}`);
      n.run('ZADD', 'big', ...args);
      const seen = new Set<string>();
      let cursor = '0';
      let round = 0;
      do {
        const [next, items] = n.run('ZSCAN', 'big', cursor, 'COUNT', '20') as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
        // Remove two members already returned and move one: ranks after them shift down.
        n.run('ZREM', 'big', `m${String(round * 2).padStart(3, '0')}`, `m${String(round * 2 + 1).padStart(3, '0')}`);
        n.run('ZADD', 'big', '1000', `m${String(round + 100).padStart(3, '0')}`);
        cursor = next;
        round++;
      } while (cursor !== '0' && round < 1000);
      const remaining = n.run('ZRANGE', 'big', '0', '-1') as string[];
      for (const m of remaining) expect(seen.has(m), m).to.equal(true);
    });

    it('errors: invalid cursor, COUNT, options', () => {
      n.run('ZADD', 'z', '1', 'a');
      expect(errorOf(n.run('ZSCAN', 'z', 'x'))).to.equal('ERR invalid cursor');
      expect(errorOf(n.run('ZSCAN', 'z', '0', 'COUNT', '0'))).to.equal(SYNTAX);
      expect(errorOf(n.run('ZSCAN', 'z', '0', 'COUNT', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('ZSCAN', 'z', '0', 'NOVALUES'))).to.equal(SYNTAX);
      expect(n.run('ZSCAN', 'nokey', '0', 'FOO')).to.deep.equal(['0', []]);
    });
  });

  describe('encodings, keyspace commands, DUMP/RESTORE, memory', () => {
    it('OBJECT ENCODING follows zset-max-listpack-entries / -value (aliases too); the first ZADD decides', () => {
      n.run('CONFIG', 'SET', 'zset-max-ziplist-entries', '3');
      expect(n.run('CONFIG', 'GET', 'zset-max-listpack-entries')).to.deep.equal(['zset-max-listpack-entries', '3']);
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
      expect(n.run('OBJECT', 'ENCODING', 'z')).to.equal('listpack');
      n.run('ZADD', 'z', '4', 'd');
      expect(n.run('OBJECT', 'ENCODING', 'z')).to.equal('skiplist');
      n.run('ZREM', 'z', 'a', 'b', 'c');
      expect(n.run('OBJECT', 'ENCODING', 'z')).to.equal('skiplist');
      n.run('ZADD', 'four', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      expect(n.run('OBJECT', 'ENCODING', 'four')).to.equal('skiplist');
      n.run('CONFIG', 'SET', 'zset-max-listpack-value', '2');
      n.run('ZADD', 'v', '1', 'abc');
      expect(n.run('OBJECT', 'ENCODING', 'v')).to.equal('skiplist');
    });

    it('TYPE, RENAME, COPY (deep, same encoding), MOVE, SCAN TYPE zset', () => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b');
      n.run('RENAME', 'z', 'z2');
      expect(n.run('COPY', 'z2', 'c')).to.equal(1);
      n.run('ZADD', 'c', '9', 'a');
      expect(n.run('ZSCORE', 'z2', 'a')).to.equal('1');
      expect(n.run('OBJECT', 'ENCODING', 'c')).to.equal('listpack');
      const [cur, keys] = n.run('SCAN', '0', 'TYPE', 'zset') as [string, string[]];
      expect([cur, [...keys].sort()]).to.deep.equal(['0', ['c', 'z2']]);
      expect(n.run('MOVE', 'c', '1')).to.equal(1);
      n.run('SELECT', '1');
      expect(n.run('ZRANGE', 'c', '0', '-1', 'WITHSCORES')).to.deep.equal(['b', '2', 'a', '9']);
    });

    it('DUMP then RESTORE: scores exact (-0, inf, 0.1), order kept, the encoding decided by the limits', () => {
      n.run('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
      n.run('ZADD', 'z', '-0', 'a', 'inf', 'b', '0.1', 'c', '-inf', 'd', '3.0000000000000004', 'e');
      const payload = n.run('DUMP', 'z') as string;
      expect(payload.charCodeAt(0)).to.equal(5);
      expect(n.run('RESTORE', 'r', '0', payload)).to.equal('OK');
      expect(n.run('ZRANGE', 'r', '0', '-1', 'WITHSCORES')).to.deep.equal(n.run('ZRANGE', 'z', '0', '-1', 'WITHSCORES'));
      expect(n.run('ZSCORE', 'r', 'a')).to.equal('-0');
      expect(n.run('OBJECT', 'ENCODING', 'r')).to.equal('skiplist');
      n.run('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
      expect(n.run('RESTORE', 'r2', '0', payload)).to.equal('OK');
      expect(n.run('OBJECT', 'ENCODING', 'r2')).to.equal('listpack');
      expect(n.run('ZSCORE', 'r2', 'a')).to.equal('0');
      // A big one, and corrupt payloads.
      const args: string[] = [];
      for (let i = 0; i < 1000; i++) args.push(String(Math.sin(i)), `m${i}`);
      n.run('ZADD', 'big', ...args);
      expect(n.run('RESTORE', 'big2', '0', n.run('DUMP', 'big') as string)).to.equal('OK');
      expect(n.run('ZRANGE', 'big2', '0', '-1', 'WITHSCORES')).to.deep.equal(n.run('ZRANGE', 'big', '0', '-1', 'WITHSCORES'));
      expect(errorOf(n.run('RESTORE', 'bad', '0', payload.slice(0, 10) + 'x' + payload.slice(11)))).to.equal('ERR DUMP payload version or checksum are wrong');
    });

    it('memory: growing and shrinking a sorted set moves used_memory; the last member gives it all back', () => {
      const before = n.node.env.memory.used;
      n.run('ZADD', 'z', '1', 'a', '2', 'b');
      const two = n.node.env.memory.used;
      expect(two).to.be.greaterThan(before);
      n.run('ZADD', 'z', '3', 'ccc');
      expect(n.node.env.memory.used).to.be.greaterThan(two);
      n.run('ZREM', 'z', 'ccc');
      expect(n.node.env.memory.used).to.equal(two);
      n.run('ZPOPMIN', 'z', '5');
      expect(n.node.env.memory.used).to.equal(before);
      expect(n.node.dbs[0].size).to.equal(0);
    });

    it('WRONGTYPE both ways', () => {
      n.run('ZADD', 'z', '1', 'a');
      n.run('SET', 's', 'v');
      for (const cmd of [['GET', 'z'], ['HGET', 'z', 'f'], ['ZSCORE', 's', 'a'], ['ZRANGE', 's', '0', '-1'], ['ZUNION', '1', 's'], ['ZSCAN', 's', '0'], ['ZRANDMEMBER', 's']]) {
        expect(errorOf(n.run(...cmd)), cmd.join(' ')).to.equal(WRONGTYPE);
      }
    });
  });

  describe('effects sent to replicas', () => {
    beforeEach(() => {
      // The first effect of a stream selects the database: get it out of the way.
      n.effects(() => n.run('SET', 'warm', 'up'));
    });

    it('ZADD/ZINCRBY as ZADD with the stored scores of what changed; no-ops send nothing', () => {
      expect(n.effects(() => n.run('ZADD', 'z', '1', 'a', '2', 'b'))).to.deep.equal([['ZADD', 'z', '1', 'a', '2', 'b']]);
      expect(n.effects(() => n.run('ZADD', 'z', 'NX', '5', 'a', '3', 'c'))).to.deep.equal([['ZADD', 'z', '3', 'c']]);
      expect(n.effects(() => n.run('ZADD', 'z', '1', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZADD', 'z', 'GT', '0', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZINCRBY', 'z', '0.1', 'a'))).to.deep.equal([['ZADD', 'z', '1.1', 'a']]);
      expect(n.effects(() => n.run('ZINCRBY', 'z', '0', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZADD', 'z', 'INCR', '-0', 'new'))).to.deep.equal([['ZADD', 'z', '0', 'new']]);
      expect(n.effects(() => n.run('ZADD', 'z', 'x', 'a'))).to.deep.equal([]);
    });

    it('ZREM and ZREMRANGEBY* as sent when something went; pops as ZPOPMIN/ZPOPMAX with the count popped', () => {
      n.run('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
      expect(n.effects(() => n.run('ZREM', 'z', 'nope'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZREM', 'z', 'a', 'nope'))).to.deep.equal([['ZREM', 'z', 'a', 'nope']]);
      expect(n.effects(() => n.run('ZREMRANGEBYSCORE', 'z', '100', '200'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZREMRANGEBYRANK', 'z', '0', '0'))).to.deep.equal([['ZREMRANGEBYRANK', 'z', '0', '0']]);
      expect(n.effects(() => n.run('ZPOPMAX', 'z'))).to.deep.equal([['ZPOPMAX', 'z', '1']]);
      expect(n.effects(() => n.run('ZMPOP', '1', 'z', 'MIN', 'COUNT', '10'))).to.deep.equal([['ZPOPMIN', 'z', '2']]);
      expect(n.effects(() => n.run('ZPOPMIN', 'z'))).to.deep.equal([]);
    });

    it('*STORE as the destination state (RESTORE ... REPLACE), or DEL of a destination an empty result removed', () => {
      n.run('ZADD', 'a', '1', 'x');
      const stored = n.effects(() => n.run('ZUNIONSTORE', 'd', '1', 'a'));
      expect(stored.map((c) => c[0])).to.deep.equal(['RESTORE']);
      expect(stored[0][1]).to.equal('d');
      expect(n.effects(() => n.run('ZINTERSTORE', 'd', '2', 'a', 'nokey'))).to.deep.equal([['DEL', 'd']]);
      expect(n.effects(() => n.run('ZINTERSTORE', 'd', '2', 'a', 'nokey'))).to.deep.equal([]);
      expect(n.effects(() => n.run('ZRANGESTORE', 'r', 'a', '0', '-1')).map((c) => c[0])).to.deep.equal(['RESTORE']);
    });

    it('a replica applying the effects ends with the same sorted sets', () => {
      const replica = new UnitNode();
      const cmds = [
        ['ZADD', 'z', '1', 'a', '2', 'b', '-0', 'c'],
        ['ZINCRBY', 'z', '0.1', 'a'],
        ['ZADD', 'z', 'GT', 'CH', '5', 'b', '1', 'c'],
        ['ZPOPMIN', 'z'],
        ['ZUNIONSTORE', 'u', '2', 'z', 'z', 'WEIGHTS', '1', '0.5'],
        ['ZRANGESTORE', 'r', 'u', '(1', 'inf', 'BYSCORE'],
        ['ZREMRANGEBYSCORE', 'u', '-inf', '2'],
      ];
      const sent: string[][] = [];
      for (const cmd of cmds) sent.push(...n.effects(() => n.run(...cmd)));
      for (const cmd of sent) replica.run(...cmd);
      for (const key of ['z', 'u', 'r']) expect(replica.run('ZRANGE', key, '0', '-1', 'WITHSCORES'), key).to.deep.equal(n.run('ZRANGE', key, '0', '-1', 'WITHSCORES'));
    });
  });
});
