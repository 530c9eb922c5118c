// Differential: the sorted-set family (ZADD ... ZSCAN) on a real redis-server and on a shardcache node,
// the same sequences, every reply compared byte for byte in RESP2 and in RESP3 (spec/helpers/differential.ts):
// option conflicts and their errors, scores with ties, -0/+0, inf, 0.1 and 3.0000000000000004, binary
// members, every range form, pops (the blocking ones too: at once and with 10 ms timeouts), set operations with WEIGHTS and AGGREGATE, encodings across the
// zset-max-listpack-* limits, keyspace commands on sorted sets, and seeded random sequences.
//
// shardcache follows Redis 7.2. Run against a 7.2 server (REDIS_SERVER=/path/to/7.2/redis-server) the
// comparison is exact. Against 7.0 (CI's redis-server 7.0.15) two things differ by version, not by bug:
// 7.0 prints scores with "%.17g" (0.10000000000000001 where 7.2 says 0.1) and keeps -0 in a listpack, and
// it has no ZRANK ... WITHSCORE, nor the conversion of a listpack that a ZADD of many pairs would overflow
// (zsetTypeMaybeConvert); so with a 7.0 reference every number in a reply is compared by value (both sides
// rewritten as the shortest form of the same double), and the 7.2-only steps are left out.
// Random replies (ZRANDMEMBER) are compared by what is certain about them; scans are followed to the end.
// DIFF_SELF=1 runs Redis against Redis (to check the sequences themselves).
import { expect } from 'chai';
import {
  DiffPair,
  bulk,
  chain,
  each,
  haveRedis,
  hscanAll,
  int,
  n,
  oneOf,
  pick,
  rng,
  scanned,
  type Normalizer,
  type Step,
} from '../helpers/differential';
import { detectReference, forReference, v72 } from '../helpers/diff-versions';
import { needs } from './needs';

/** A whole ZSCAN (cursor at index 2). */
const zscanAll = (norm: Normalizer | undefined, ...cmd: string[]) => hscanAll(norm, ...cmd);

/** WITHSCORES pairs of a random pick checked against { member: score } (flat in RESP2, nested in RESP3). */
const pickScored = (universe: Record<string, string>) => pick(universe, true);

/** As pick(), repeats allowed (a negative count): size and membership only. */
const pickRepeat = (universe: string[] | Record<string, string>, pairs = false): Normalizer =>
  chain(
    pick(universe, pairs),
    each((r) => (r.t === '*' && r.a !== null && r.a.length === 3 ? { t: '*', a: [r.a[0], int(0), r.a[2]] } : r)),
  );

/** A ZSCAN reply compared by its cursor only. */
const cursorOnly: Normalizer = each((r) => {
  const top = r.t === '*' ? r.a : null;
  return top !== null && top.length === 2 ? bulk(top[0].t === '$' && top[0].b?.toString() === '0' ? '0' : 'more') : r;
});

/** The sorted set { m1: 1, ..., mN: N } as ZADD arguments, with its members and a pick() universe. */
function numbered(count: number, prefix = 'm', score: (i: number) => number = (i) => i): { args: string[]; members: string[]; map: Record<string, string> } {
  const args: string[] = [];
  const members: string[] = [];
  const map: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    const m = `${prefix}${i}`;
    args.push(String(score(i)), m);
    members.push(m);
    map[m] = String(score(i));
  }
  return { args, members, map };
}

const Z5 = numbered(5);
/** Above zset-max-listpack-entries (128): a skiplist in Redis. */
const BIG = numbered(300, 'member:');
/** 300 members sharing score 0, for lex ranges on a skiplist. */
const LEXBIG = numbered(300, 'w', () => 0);
const DEFAULTS: Step[] = [
  ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
  ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
];
const SPECIAL = ['0', '-0', '+0', '0.1', '0.2', '0.3', '1e300', '-1e300', 'inf', '-inf', '+inf', 'Infinity', '3.0000000000000004', '1.5e-7', '123456789012345678', '4611686018427387904', '9223372036854775807', '1e-320', '4.9e-324', '12345678.9', '0x10', '1e21'];

const SEQUENCES: Record<string, (Step | { only72: Step })[]> = {
  'ZADD: options, flags and every option conflict, in Redis order': [
    ['ZADD', 'z', '1', 'a'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZADD', 'z', 'NX', '5', 'a', '6', 'd'],
    ['ZSCORE', 'z', 'a'],
    ['ZADD', 'z', 'XX', '5', 'a', '6', 'e'],
    ['ZSCORE', 'z', 'e'],
    ['ZADD', 'z', 'CH', '5', 'a', '7', 'b', '8', 'f'],
    ['ZADD', 'z', 'GT', 'CH', '1', 'a', '10', 'b'],
    ['ZADD', 'z', 'LT', 'CH', '100', 'a', '0', 'b', '3', 'new'],
    ['ZADD', 'z', 'XX', 'GT', '50', 'a', '50', 'nope'],
    ['ZADD', 'z', 'XX', 'LT', 'CH', '1', 'a'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
    ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
    ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
    ['ZADD', 'z', 'LT', 'NX', '1', 'a'],
    ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
    ['ZADD', 'z', 'NX', 'XX', 'INCR', '1', 'a', '2', 'b'],
    ['ZADD', 'z', 'GT', 'LT', 'INCR', '1', 'a', '2', 'b'],
    ['ZADD', 'z', '1'],
    ['ZADD', 'z', 'NX'],
    ['ZADD', 'z', 'NX', 'CH'],
    ['ZADD', 'z', '1', 'a', '2'],
    ['ZADD', 'z', 'x', 'a'],
    ['ZADD', 'z', '1', 'a', 'x', 'b'],
    ['ZADD', 'z', 'nan', 'a'],
    ['ZADD', 'z', 'FOO', '1', 'a'],
    ['ZADD', 'z', 'nx', 'ch', 'Incr', '1', 'q'],
    ['ZADD', 'z', 'INCR', 'XX', '1', 'missing'],
    ['ZADD', 'z', 'INCR', 'NX', '1', 'a'],
    ['ZADD', 'z', 'INCR', 'GT', '-1', 'a'],
    ['ZADD', 'z', 'INCR', 'LT', '-1', 'a'],
    ['ZADD', 'z', 'INCR', 'GT', '0', 'a'],
    ['ZADD', 'z', 'INCR', '0', 'a'],
    ['ZADD', 'nokey', 'XX', '1', 'a'],
    ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'],
    ['EXISTS', 'nokey'],
    ['ZADD', 'nokey', 'GT', '1', 'a'],
    ['ZADD', 'z', 'CH', '5', 'a', '5', 'a', '6', 'a'],
    ['ZSCORE', 'z', 'a'],
    ['ZADD', 'z', '1', 'dup', '2', 'dup'],
    ['ZSCORE', 'z', 'dup'],
    ['ZCARD', 'z'],
    ['ZCARD', 'nokey'],
  ],
  'scores: formatting, special values, parsing, NaN from increments': [
    ['ZADD', 'f', ...SPECIAL.flatMap((s, i) => [s, `s${i}`])],
    ['ZRANGE', 'f', '0', '-1', 'WITHSCORES'],
    ...SPECIAL.map((_s, i): Step => ['ZSCORE', 'f', `s${i}`]),
    ['ZMSCORE', 'f', 's0', 'nope', 's3', 's8'],
    ['ZMSCORE', 'nokey', 'a', 'b'],
    ['ZADD', 'f', ' 1', 'x'],
    ['ZADD', 'f', '1 ', 'x'],
    ['ZADD', 'f', '', 'x'],
    ['ZADD', 'f', '1e400', 'x'],
    ['ZADD', 'f', '-1e400', 'x'],
    ['ZADD', 'f', '1e-400', 'x'],
    ['ZADD', 'f', 'NaN', 'x'],
    ['ZADD', 'f', '1.', 'x'],
    ['ZADD', 'f', '.5', 'y'],
    ['ZADD', 'f', '0x1p3', 'z'],
    ['ZADD', 'f', '1\x00', 'w'],
    ['ZMSCORE', 'f', 'x', 'y', 'z', 'w'],
    ['ZINCRBY', 'f', 'inf', 'inc'],
    ['ZINCRBY', 'f', '-inf', 'inc'],
    ['ZINCRBY', 'f', '1', 'inc'],
    ['ZSCORE', 'f', 'inc'],
    ['ZADD', 'f', 'INCR', '-inf', 's8'],
    ['ZINCRBY', 'f', '0.1', 'tenth'],
    ['ZINCRBY', 'f', '0.2', 'tenth'],
    ['ZINCRBY', 'f', 'x', 'tenth'],
    ['ZINCRBY', 'f', '1e308', 'big'],
    ['ZINCRBY', 'f', '1e308', 'big'],
    ['ZINCRBY', 'f', '-1', 'big'],
    ['ZINCRBY', 'nokey2', 'x', 'a'],
    ['EXISTS', 'nokey2'],
    ['ZINCRBY', 'f', '1', 'a', 'extra'],
    ['ZINCRBY', 'f', 'nx', 'a'],
    ['ZINCRBY', 'f', '5', 'nx'],
    ['ZRANGE', 'f', '0', '-1', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'f', '-inf', '+inf', 'WITHSCORES'],
  ],
  '-0 and +0: a listpack stores 0, a skiplist keeps -0 (7.2)': [
    ['ZADD', 'lp', '-0', 'a', '0', 'b', '-0.0', 'c'],
    ['ZRANGE', 'lp', '0', '-1', 'WITHSCORES'],
    ['ZSCORE', 'lp', 'a'],
    ['ZINCRBY', 'lp', '-0', 'a'],
    ['ZINCRBY', 'lp', '-0', 'new'],
    ['ZSCORE', 'lp', 'new'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
    ['ZADD', 'sl', '-0', 'a', '0', 'b'],
    ['OBJECT', 'ENCODING', 'sl'],
    ['ZRANGE', 'sl', '0', '-1', 'WITHSCORES'],
    ['ZINCRBY', 'sl', '0', 'a'],
    ['ZSCORE', 'sl', 'a'],
    ['ZINCRBY', 'sl', '-0', 'c'],
    ['ZRANGEBYSCORE', 'sl', '0', '0', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'sl', '-0', '(1', 'WITHSCORES'],
    ['ZCOUNT', 'sl', '(-0', '0'],
    zscanAll(scanned(true), 'ZSCAN', 'sl', '0'),
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ['ZUNIONSTORE', 'u', '1', 'sl'],
    ['OBJECT', 'ENCODING', 'u'],
    ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
    ['ZUNION', '1', 'sl', 'WITHSCORES'],
    ['ZRANGESTORE', 'rs', 'sl', '0', '-1'],
    ['ZRANGE', 'rs', '0', '-1', 'WITHSCORES'],
    ['ZADD', 'neg', '-0', 'x'],
    ['ZADD', 'neg', 'GT', '0', 'x'],
    ['ZADD', 'neg', 'LT', '-0', 'x'],
    ['ZADD', 'neg', 'CH', '0', 'x'],
    ['ZSCORE', 'neg', 'x'],
    ...DEFAULTS,
  ],
  'ZREM, ZCARD, ZSCORE, ZMSCORE: the last member deletes the key; binary members': [
    ['ZADD', 'z', ...Z5.args],
    ['ZREM', 'z', 'm1', 'm1', 'nope'],
    ['ZREM', 'z', 'nope'],
    ['ZREM', 'nokey', 'a'],
    ['ZCARD', 'z'],
    ['ZREM', 'z', 'm2', 'm3', 'm4', 'm5', 'm6'],
    ['EXISTS', 'z'],
    ['TYPE', 'z'],
    ['ZADD', 'bin', '1', '\x00\xff\r\n', '1', '\x00', '1', '', '1', '\xff', '2', 'a\x00b'],
    ['ZRANGE', 'bin', '0', '-1', 'WITHSCORES'],
    ['ZSCORE', 'bin', ''],
    ['ZSCORE', 'bin', '\x00'],
    ['ZRANK', 'bin', '\xff'],
    ['ZRANGEBYLEX', 'bin', '[\x00', '(\xff'],
    ['ZREM', 'bin', '', '\x00\xff\r\n'],
    ['ZRANGE', 'bin', '0', '-1'],
    ['ZADD', 'long', '1', 'y'.repeat(1000)],
    ['ZSCORE', 'long', 'y'.repeat(1000)],
    ['OBJECT', 'ENCODING', 'long'],
  ],
  'ZRANK and ZREVRANK (WITHSCORE in 7.2), ties ordered by member': [
    ['ZADD', 'z', '1', 'b', '1', 'a', '1', 'c', '0', 'z', '2', 'y'],
    ['ZRANGE', 'z', '0', '-1'],
    ['ZRANK', 'z', 'a'],
    ['ZRANK', 'z', 'c'],
    ['ZREVRANK', 'z', 'a'],
    ['ZREVRANK', 'z', 'y'],
    ['ZRANK', 'z', 'nope'],
    ['ZRANK', 'nokey', 'a'],
    ['ZREVRANK', 'nokey', 'a'],
    v72(['ZRANK', 'z', 'b', 'WITHSCORE']),
    v72(['ZREVRANK', 'z', 'b', 'withscore']),
    v72(['ZRANK', 'z', 'nope', 'WITHSCORE']),
    v72(['ZRANK', 'nokey', 'a', 'WITHSCORE']),
    v72(['ZRANK', 'z', 'a', 'WITHSCORES']),
    v72(['ZRANK', 'z', 'a', 'WITHSCORE', 'x']),
    v72(['ZRANK', 'nokey', 'a', 'foo']),
    ['ZRANK', 'z'],
  ],
  'ZRANGE by rank, REV, WITHSCORES; ZREVRANGE; index sanitizing': [
    ['ZADD', 'z', ...Z5.args],
    ['ZRANGE', 'z', '0', '-1'],
    ['ZRANGE', 'z', '1', '3', 'WITHSCORES'],
    ['ZRANGE', 'z', '-2', '-1'],
    ['ZRANGE', 'z', '-100', '100'],
    ['ZRANGE', 'z', '3', '1'],
    ['ZRANGE', 'z', '5', '10'],
    ['ZRANGE', 'z', '-1', '-2'],
    ['ZRANGE', 'z', '0', '0', 'REV'],
    ['ZRANGE', 'z', '0', '-1', 'REV', 'WITHSCORES'],
    ['ZRANGE', 'z', '1', '2', 'rev', 'withscores', 'withscores'],
    ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'],
    ['ZREVRANGE', 'z', '-1', '-1'],
    ['ZREVRANGE', 'z', '0', '-1', 'REV'],
    ['ZRANGE', 'z', 'a', '1'],
    ['ZRANGE', 'z', '0', '1.5'],
    ['ZRANGE', 'z', '0', '9223372036854775807'],
    ['ZRANGE', 'z', '-9223372036854775808', '0'],
    ['ZRANGE', 'z', '0', '9223372036854775808'],
    ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
    ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '-1'],
    ['ZRANGE', 'z', '0', '1', 'LIMIT', '0'],
    ['ZRANGE', 'z', '0', '1', 'FOO'],
    ['ZRANGE', 'nokey', '0', '-1'],
    ['ZRANGE', 'nokey', 'a', 'b'],
    ['ZRANGE', 'z', '(1', '3'],
  ],
  'ZRANGE BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE: bounds, LIMIT, offsets, parse edge cases': [
    ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '4', 'd', '5', 'e', '-inf', 'ninf', 'inf', 'pinf'],
    ['ZRANGEBYSCORE', 'z', '2', '4'],
    ['ZRANGEBYSCORE', 'z', '(2', '4', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'z', '2', '(4'],
    ['ZRANGEBYSCORE', 'z', '(2', '(2'],
    ['ZRANGEBYSCORE', 'z', '2', '2'],
    ['ZRANGEBYSCORE', 'z', '4', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf'],
    ['ZRANGEBYSCORE', 'z', '(-inf', '(+inf'],
    ['ZRANGEBYSCORE', 'z', '-inf', '(-inf'],
    ['ZRANGEBYSCORE', 'z', 'inf', 'inf'],
    ['ZRANGEBYSCORE', 'z', '1e400', '1e400'],
    ['ZRANGEBYSCORE', 'z', '-1e400', '0'],
    ['ZRANGEBYSCORE', 'z', ' 1', ' 2'],
    ['ZRANGEBYSCORE', 'z', '( 1', '3'],
    ['ZRANGEBYSCORE', 'z', '', '1'],
    ['ZRANGEBYSCORE', 'z', '(', '1'],
    ['ZRANGEBYSCORE', 'z', '1\x00junk', '2'],
    ['ZRANGEBYSCORE', 'z', 'x', '2'],
    ['ZRANGEBYSCORE', 'z', '1', 'nan'],
    ['ZRANGEBYSCORE', 'z', '[1', '2'],
    ['ZRANGEBYSCORE', 'z', '((1', '2'],
    ['ZRANGEBYSCORE', 'z', '1 ', '2'],
    ['ZRANGEBYSCORE', 'z', '0x1', '0x2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '3'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '2', '-1', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-1', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '0', '0'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '100', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '8', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '7', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 'x', '2'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '1', 'WITHSCORES'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'REV'],
    ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'BYSCORE'],
    ['ZREVRANGEBYSCORE', 'z', '4', '2'],
    ['ZREVRANGEBYSCORE', 'z', '2', '4'],
    ['ZREVRANGEBYSCORE', 'z', '(4', '(2', 'WITHSCORES'],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '1', '2'],
    ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'LIMIT', '-5', '2'],
    ['ZRANGE', 'z', '2', '4', 'BYSCORE'],
    ['ZRANGE', 'z', '4', '2', 'BYSCORE', 'REV', 'WITHSCORES'],
    ['ZRANGE', 'z', '2', '4', 'BYSCORE', 'REV'],
    ['ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '2'],
    ['ZRANGE', 'z', '+inf', '(1', 'REV', 'BYSCORE', 'LIMIT', '1', '2', 'WITHSCORES'],
    ['ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX'],
    ['ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYSCORE'],
    ['ZRANGE', 'z', '0', '-1', 'REV', 'REV'],
    ['ZRANGE', 'z', 'x', '1', 'BYSCORE'],
    ['ZRANGE', 'nokey', '0', '1', 'BYSCORE'],
    ['ZRANGE', 'nokey', 'x', '1', 'BYSCORE'],
  ],
  'ZRANGE BYLEX / ZRANGEBYLEX / ZREVRANGEBYLEX / ZLEXCOUNT: bounds and errors': [
    ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f', '0', 'g', '0', 'aa', '0', ''],
    ['ZRANGEBYLEX', 'l', '-', '+'],
    ['ZRANGEBYLEX', 'l', '[b', '[d'],
    ['ZRANGEBYLEX', 'l', '(b', '(d'],
    ['ZRANGEBYLEX', 'l', '[a', '(b'],
    ['ZRANGEBYLEX', 'l', '[', '[a'],
    ['ZRANGEBYLEX', 'l', '(', '+'],
    ['ZRANGEBYLEX', 'l', '-', '[c', 'LIMIT', '1', '2'],
    ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '-1', '2'],
    ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '2', '-1'],
    ['ZRANGEBYLEX', 'l', '-', '+', 'LIMIT', '100', '2'],
    ['ZRANGEBYLEX', 'l', '+', '-'],
    ['ZRANGEBYLEX', 'l', '-', '-'],
    ['ZRANGEBYLEX', 'l', '+', '+'],
    ['ZRANGEBYLEX', 'l', '[d', '[b'],
    ['ZRANGEBYLEX', 'l', '(b', '(b'],
    ['ZRANGEBYLEX', 'l', '[b', '[b'],
    ['ZRANGEBYLEX', 'l', 'b', '[d'],
    ['ZRANGEBYLEX', 'l', '[b', 'd'],
    ['ZRANGEBYLEX', 'l', '+a', '[d'],
    ['ZRANGEBYLEX', 'l', '-a', '[d'],
    ['ZRANGEBYLEX', 'l', '', '[d'],
    ['ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES'],
    ['ZREVRANGEBYLEX', 'l', '+', '-'],
    ['ZREVRANGEBYLEX', 'l', '[d', '[b'],
    ['ZREVRANGEBYLEX', 'l', '[b', '[d'],
    ['ZREVRANGEBYLEX', 'l', '+', '-', 'LIMIT', '1', '3'],
    ['ZRANGE', 'l', '[b', '[e', 'BYLEX'],
    ['ZRANGE', 'l', '[e', '[b', 'BYLEX', 'REV', 'LIMIT', '1', '2'],
    ['ZRANGE', 'l', '-', '+', 'BYLEX', 'WITHSCORES'],
    ['ZRANGE', 'l', '-', '+', 'WITHSCORES', 'BYLEX', 'LIMIT', '1', '1'],
    ['ZRANGE', 'l', 'x', '+', 'BYLEX'],
    ['ZLEXCOUNT', 'l', '-', '+'],
    ['ZLEXCOUNT', 'l', '[b', '(e'],
    ['ZLEXCOUNT', 'l', '(a', '[aa'],
    ['ZLEXCOUNT', 'l', '+', '-'],
    ['ZLEXCOUNT', 'l', 'a', '+'],
    ['ZLEXCOUNT', 'nokey', '-', '+'],
    ['ZLEXCOUNT', 'nokey', 'a', '+'],
    // Mixed scores in a listpack: Redis scans from the ends; the answers follow from that.
    ['ZADD', 'mix', '3', 'a', '1', 'b', '2', 'c', '0', 'd', '5', 'e'],
    ['ZRANGEBYLEX', 'mix', '[b', '[d'],
    ['ZRANGEBYLEX', 'mix', '-', '[c'],
    ['ZREVRANGEBYLEX', 'mix', '[d', '[a'],
    ['ZLEXCOUNT', 'mix', '[a', '[c'],
    ['ZLEXCOUNT', 'mix', '-', '+'],
    ['ZREMRANGEBYLEX', 'mix', '[b', '[c'],
    ['ZRANGE', 'mix', '0', '-1', 'WITHSCORES'],
    // 300 members of one score: a skiplist.
    ['ZADD', 'lexbig', ...LEXBIG.args],
    ['OBJECT', 'ENCODING', 'lexbig'],
    ['ZRANGEBYLEX', 'lexbig', '[w150', '[w160'],
    ['ZRANGEBYLEX', 'lexbig', '(w1', '(w11', 'LIMIT', '2', '3'],
    ['ZREVRANGEBYLEX', 'lexbig', '[w2', '-', 'LIMIT', '0', '5'],
    ['ZLEXCOUNT', 'lexbig', '[w1', '[w2'],
    ['ZLEXCOUNT', 'lexbig', '-', '+'],
    ['ZLEXCOUNT', 'lexbig', '(w99', '+'],
    ['ZREMRANGEBYLEX', 'lexbig', '[w100', '[w199'],
    ['ZCARD', 'lexbig'],
    ['ZRANGEBYLEX', 'lexbig', '[w10', '[w11'],
  ],
  'ZRANGESTORE: every form, empty results delete the destination, encodings of the result': [
    ['ZADD', 'src', ...Z5.args],
    ['ZRANGESTORE', 'dst', 'src', '0', '-1'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '1', '2', 'REV'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '(1', '4', 'BYSCORE', 'LIMIT', '1', '5'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '[m4', '-', 'BYLEX', 'REV'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '10', '20'],
    ['EXISTS', 'dst'],
    ['ZRANGESTORE', 'dst', 'src', '10', '20'],
    ['SET', 'str', 'x'],
    ['ZRANGESTORE', 'str', 'src', '0', '0'],
    ['TYPE', 'str'],
    ['ZRANGESTORE', 'str', 'nokey', '0', '-1'],
    ['EXISTS', 'str'],
    ['ZRANGESTORE', 'dst', 'str', '0', '-1'],
    ['SET', 'str', 'x'],
    ['ZRANGESTORE', 'dst', 'str', '0', '-1'],
    ['ZRANGESTORE', 'dst', 'src', '0', '-1', 'WITHSCORES'],
    ['ZRANGESTORE', 'dst', 'src', '0', '-1', 'LIMIT', '0', '1'],
    ['ZRANGESTORE', 'dst', 'src', 'a', 'b', 'BYSCORE'],
    ['ZRANGESTORE', 'dst', 'src', '0'],
    ['ZRANGESTORE', 'src', 'src', '0', '1'],
    ['ZRANGE', 'src', '0', '-1'],
    ['ZADD', 'big', ...BIG.args],
    ['ZRANGESTORE', 'part', 'big', '0', '127'],
    ['OBJECT', 'ENCODING', 'part'],
    ['ZRANGESTORE', 'part', 'big', '0', '128'],
    ['OBJECT', 'ENCODING', 'part'],
    ['ZRANGESTORE', 'part', 'big', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '129'],
    ['OBJECT', 'ENCODING', 'part'],
    ['ZRANGESTORE', 'part', 'big', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '10'],
    ['OBJECT', 'ENCODING', 'part'],
    ['ZCARD', 'part'],
    ['EXPIRE', 'dst', '100'],
    ['ZRANGESTORE', 'dst', 'big', '0', '1'],
    ['TTL', 'dst'],
  ],
  'ZCOUNT, ZREMRANGEBYRANK / BYSCORE / BYLEX': [
    ['ZADD', 'z', ...numbered(10).args],
    ['ZCOUNT', 'z', '-inf', '+inf'],
    ['ZCOUNT', 'z', '(2', '5'],
    ['ZCOUNT', 'z', '5', '2'],
    ['ZCOUNT', 'z', '(5', '(5'],
    ['ZCOUNT', 'z', 'x', '1'],
    ['ZCOUNT', 'nokey', '0', '1'],
    ['ZCOUNT', 'nokey', 'x', '1'],
    ['ZREMRANGEBYRANK', 'z', '0', '1'],
    ['ZREMRANGEBYRANK', 'z', '-2', '-1'],
    ['ZREMRANGEBYRANK', 'z', '5', '1'],
    ['ZREMRANGEBYRANK', 'z', '100', '200'],
    ['ZREMRANGEBYRANK', 'z', 'x', '1'],
    ['ZREMRANGEBYRANK', 'nokey', '0', '1'],
    ['ZREMRANGEBYRANK', 'nokey', 'x', '1'],
    ['ZRANGE', 'z', '0', '-1'],
    ['ZREMRANGEBYSCORE', 'z', '(4', '6'],
    ['ZREMRANGEBYSCORE', 'z', '100', '200'],
    ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
    ['ZREMRANGEBYSCORE', 'nokey', 'x', '1'],
    ['ZRANGE', 'z', '0', '-1'],
    ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
    ['EXISTS', 'z'],
    ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
    ['ZREMRANGEBYLEX', 'l', '(a', '[c'],
    ['ZREMRANGEBYLEX', 'l', 'a', '[c'],
    ['ZREMRANGEBYLEX', 'l', '[z', '[a'],
    ['ZREMRANGEBYLEX', 'l', '-', '+'],
    ['EXISTS', 'l'],
    ['ZADD', 'big', ...BIG.args],
    ['ZREMRANGEBYRANK', 'big', '10', '-10'],
    ['ZRANGE', 'big', '0', '-1', 'WITHSCORES'],
    ['ZADD', 'big2', ...BIG.args],
    ['ZREMRANGEBYSCORE', 'big2', '(5', '295'],
    ['ZCOUNT', 'big2', '-inf', '+inf'],
    ['OBJECT', 'ENCODING', 'big2'],
  ],
  'ZPOPMIN, ZPOPMAX, ZMPOP: counts, shapes, errors, deletion': [
    ['ZADD', 'z', ...Z5.args, '1', 'tie'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z'],
    ['ZPOPMIN', 'z', '2'],
    ['ZPOPMIN', 'z', '0'],
    ['ZPOPMAX', 'z', '10'],
    ['EXISTS', 'z'],
    ['ZPOPMIN', 'z'],
    ['ZPOPMIN', 'z', '1'],
    ['ZPOPMIN', 'nokey', '0'],
    ['ZPOPMIN', 'z', '-1'],
    ['ZPOPMIN', 'z', 'x'],
    ['ZPOPMIN', 'z', '1', '2'],
    ['ZADD', 'z', ...Z5.args],
    ['ZPOPMAX', 'z', '1'],
    ['SET', 's', 'x'],
    ['ZPOPMIN', 's'],
    ['ZPOPMIN', 's', '-1'],
    ['ZMPOP', '1', 'z', 'MIN'],
    ['ZMPOP', '2', 'nokey', 'z', 'MAX', 'COUNT', '2'],
    ['ZMPOP', '2', 'nokey', 'nokey2', 'MIN'],
    ['ZMPOP', '2', 'nokey', 's', 'MIN'],
    ['ZMPOP', '2', 'z', 's', 'MIN', 'COUNT', '10'],
    ['EXISTS', 'z'],
    ['ZMPOP', '0', 'z', 'MIN'],
    ['ZMPOP', '-1', 'z', 'MIN'],
    ['ZMPOP', 'x', 'z', 'MIN'],
    ['ZMPOP', '2', 'z', 'MIN'],
    ['ZMPOP', '1', 'z', 'MID'],
    ['ZMPOP', '1', 'z', 'MIN', 'COUNT'],
    ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '0'],
    ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '-1'],
    ['ZMPOP', '1', 'z', 'MIN', 'COUNT', 'x'],
    ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '2'],
    ['ZMPOP', '1', 'z', 'MIN', 'FOO'],
    ['ZMPOP', '1', 'nokey', 'min', 'count', '3'],
  ],
  'BZPOPMIN, BZPOPMAX, BZMPOP: served at once, short timeouts, argument errors, WRONGTYPE': [
    ['ZADD', 'z', ...Z5.args, '1', 'tie'],
    ['BZPOPMIN', 'nokey', 'z', '0'],
    ['BZPOPMAX', 'z', 'nokey', '1'],
    ['BZPOPMIN', 'nokey', 'nokey2', '0.01'],
    ['BZPOPMAX', 'nokey', '0.02'],
    ['BZMPOP', '0', '2', 'nokey', 'z', 'MIN', 'COUNT', '2'],
    ['BZMPOP', '0', '1', 'z', 'max'],
    ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '10'],
    ['EXISTS', 'z'],
    ['BZMPOP', '0.01', '1', 'z', 'MIN'],
    ['BZMPOP', '0.01', '2', 'z', 'nokey', 'max', 'count', '3'],
    ['ZADD', 'z', '0.1', 'a', '-0', 'b', 'inf', 'c', '-inf', 'd', '3.0000000000000004', 'e'],
    ['BZPOPMIN', 'z', '0'],
    ['BZPOPMIN', 'z', '0'],
    ['BZPOPMAX', 'z', '0'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '5'],
    ['ZADD', 'big', ...BIG.args],
    ['BZPOPMAX', 'big', '0'],
    ['BZMPOP', '0', '1', 'big', 'MIN', 'COUNT', '3'],
    ['ZCARD', 'big'],
    ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['BZPOPMIN', 'g', '0'],
    ['BZPOPMIN', 'z', '-1'],
    ['BZPOPMIN', 'z', 'abc'],
    // 1e20 and inf: 7.2 answers "timeout is out of range" (as shardcache), 7.0 "timeout is negative".
    v72(['BZPOPMIN', 'z', '1e20']),
    v72(['BZPOPMAX', 'z', 'inf']),
    ['BZPOPMAX', 'z', '-inf'],
    ['BZPOPMIN', 'z', 'nan'],
    ['BZPOPMIN', 'z', ''],
    ['BZPOPMIN', 'z', ' 1'],
    ['BZPOPMIN', 'nokey', '0x1p-12'],
    ['BZMPOP', 'x', '0', 'z', 'MIN'],
    ['BZMPOP', '0', '0', 'z', 'MIN'],
    ['BZMPOP', '-1', '1', 'z', 'MIN'],
    ['BZMPOP', 'x', '1', 'z', 'MID'],
    ['BZMPOP', 'x', '2', 'z', 'MIN'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '0'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '-1'],
    ['BZMPOP', 'x', '1', 'z', 'MIN', 'COUNT', '1'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '1', 'COUNT', '1'],
    ['BZMPOP', '0', '1', 'z', 'MIN', 'FOO'],
    ['SET', 's', 'v'],
    ['BZPOPMIN', 's', '0'],
    ['BZPOPMAX', 'nokey', 's', '0'],
    ['BZMPOP', '0', '2', 's', 'big', 'MIN'],
    ['BZPOPMIN', 'big', 's', '0'],
    ['BZMPOP', '0', '2', 'big', 's', 'MAX', 'COUNT', '2'],
    ['RPUSH', 'l', 'x'],
    ['BZPOPMIN', 'l', '0'],
    ['BLPOP', 'big', '0'],
    ['BZPOPMIN'],
    ['BZPOPMIN', 'z'],
    ['BZPOPMAX', 'z'],
    ['BZMPOP', '0', '1', 'z'],
  ],
  'ZRANDMEMBER: no count, 0, positive and negative counts, WITHSCORES, huge counts': [
    ['ZRANDMEMBER', 'nokey'],
    ['ZRANDMEMBER', 'nokey', '5'],
    ['ZRANDMEMBER', 'nokey', '-5', 'WITHSCORES'],
    ['ZADD', 'z', ...Z5.args],
    n(oneOf(Z5.members), 'ZRANDMEMBER', 'z'),
    ['ZRANDMEMBER', 'z', '0'],
    ['ZRANDMEMBER', 'z', '0', 'WITHSCORES'],
    n(pick(Z5.members), 'ZRANDMEMBER', 'z', '1'),
    n(pick(Z5.members), 'ZRANDMEMBER', 'z', '3'),
    ['ZRANDMEMBER', 'z', '5'],
    ['ZRANDMEMBER', 'z', '6', 'WITHSCORES'],
    ['ZRANDMEMBER', 'z', '9223372036854775807'],
    n(pickRepeat(Z5.members), 'ZRANDMEMBER', 'z', '-3'),
    n(pickRepeat(Z5.members), 'ZRANDMEMBER', 'z', '-20'),
    n(pickScored(Z5.map), 'ZRANDMEMBER', 'z', '2', 'WITHSCORES'),
    n(pickRepeat(Z5.map, true), 'ZRANDMEMBER', 'z', '-7', 'WITHSCORES'),
    ['ZRANDMEMBER', 'z', 'x'],
    ['ZRANDMEMBER', 'z', '1', 'FOO'],
    ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
    ['ZRANDMEMBER', 'z', '-9223372036854775808'],
    ['ZRANDMEMBER', 'z', '-9223372036854775807', 'WITHSCORES'],
    ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'],
    ['ZADD', 'big', ...BIG.args],
    n(oneOf(BIG.members), 'ZRANDMEMBER', 'big'),
    n(pick(BIG.members), 'ZRANDMEMBER', 'big', '10'),
    n(pick(BIG.members), 'ZRANDMEMBER', 'big', '250'),
    n(pickScored(BIG.map), 'ZRANDMEMBER', 'big', '50', 'WITHSCORES'),
    n(pickRepeat(BIG.map, true), 'ZRANDMEMBER', 'big', '-40', 'WITHSCORES'),
    ['ZRANDMEMBER', 'big', '300'],
  ],
  'sets as inputs of ZUNION, ZINTER, ZDIFF, ZINTERCARD (every member scores 1)': [
    ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
    ['SADD', 's', 'y', 'z', 'w'],
    ['SADD', 'n', '5', '7'],
    ['ZUNION', '2', 'a', 's', 'WITHSCORES'],
    ['ZUNION', '2', 's', 'n', 'WEIGHTS', '2', '3', 'WITHSCORES'],
    ['ZINTER', '2', 'a', 's', 'WITHSCORES'],
    ['ZINTER', '2', 's', 'a', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZDIFF', '2', 'a', 's', 'WITHSCORES'],
    ['ZDIFF', '2', 's', 'a'],
    ['ZINTERCARD', '2', 'a', 's'],
    ['ZUNIONSTORE', 'd', '2', 'a', 's'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['ZINTERSTORE', 'd', '1', 'n'],
    ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
    ['SET', 'str', 'v'],
    ['ZUNION', '2', 'a', 'str'],
  ],
  'ZUNION, ZINTER, ZDIFF and their STORE forms: WEIGHTS, AGGREGATE, inf, duplicates, errors in order': [
    ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
    ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
    ['ZADD', 'c', 'inf', 'x', '-inf', 'y', '0.1', 'z'],
    ['ZUNION', '2', 'a', 'b'],
    ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
    ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'WITHSCORES'],
    ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
    ['ZUNION', '2', 'a', 'b', 'aggregate', 'max', 'withscores'],
    ['ZUNION', '3', 'a', 'b', 'c', 'WITHSCORES'],
    ['ZUNION', '2', 'a', 'c', 'WEIGHTS', '0', '1', 'WITHSCORES'],
    ['ZUNION', '2', 'c', 'c', 'WITHSCORES'],
    ['ZUNION', '2', 'c', 'c', 'WEIGHTS', '1', '-1', 'WITHSCORES'],
    ['ZUNION', '3', 'a', 'nokey', 'b', 'WITHSCORES'],
    ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
    ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '2', '3', 'AGGREGATE', 'MAX', 'WITHSCORES'],
    ['ZINTER', '3', 'a', 'b', 'c', 'WITHSCORES'],
    ['ZINTER', '2', 'c', 'c', 'WEIGHTS', '1', '-1', 'WITHSCORES'],
    ['ZINTER', '2', 'c', 'a', 'WEIGHTS', '0', '1', 'WITHSCORES'],
    ['ZINTER', '2', 'a', 'c', 'WEIGHTS', '1', '0', 'WITHSCORES'],
    ['ZINTER', '2', 'a', 'nokey'],
    ['ZINTER', '1', 'a'],
    ['ZDIFF', '2', 'a', 'b'],
    ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
    ['ZDIFF', '3', 'b', 'a', 'c', 'WITHSCORES'],
    ['ZDIFF', '2', 'a', 'a'],
    ['ZDIFF', '2', 'nokey', 'a'],
    ['ZDIFF', '1', 'a', 'WITHSCORES'],
    ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
    ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'SUM'],
    ['ZUNIONSTORE', 'out', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
    ['ZRANGE', 'out', '0', '-1', 'WITHSCORES'],
    ['ZINTERSTORE', 'out', '2', 'a', 'b'],
    ['ZRANGE', 'out', '0', '-1', 'WITHSCORES'],
    ['ZDIFFSTORE', 'out', '2', 'b', 'a'],
    ['ZRANGE', 'out', '0', '-1', 'WITHSCORES'],
    ['ZINTERSTORE', 'out', '2', 'a', 'nokey'],
    ['EXISTS', 'out'],
    ['ZUNIONSTORE', 'a', '2', 'a', 'b'],
    ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
    ['ZUNIONSTORE', 'out', '2', 'a', 'b', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'a', 'b'],
    ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
    ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
    ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
    ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
    ['ZINTERCARD', '2', 'a', 'b', 'WITHSCORES'],
    ['ZINTERCARD', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
    ['ZINTERCARD', '0', 'a'],
    ['ZINTERCARD', '1', 'nokey'],
    ['ZUNION', '0', 'a'],
    ['ZUNION', '-1', 'a'],
    ['ZUNION', 'x', 'a'],
    ['ZUNION', '3', 'a', 'b'],
    ['ZUNIONSTORE', 'out', '0', 'a'],
    ['ZINTERSTORE', 'out', '-1', 'a'],
    ['ZDIFFSTORE', 'out', '0', 'a'],
    ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1'],
    ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'x'],
    ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'nan'],
    ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'AVG'],
    ['ZUNION', '2', 'a', 'b', 'AGGREGATE'],
    ['ZUNION', '2', 'a', 'b', 'FOO'],
    ['SET', 's', 'str'],
    ['ZUNION', '2', 'a', 's'],
    ['ZUNION', '2', 'a', 's', 'FOO'],
    ['ZUNION', '2', 'a', 's', 'WEIGHTS', 'x', 'y'],
    ['ZUNIONSTORE', 's', '1', 'a'],
    ['TYPE', 's'],
    ['ZADD', 'big', ...BIG.args],
    ['ZUNIONSTORE', 'ub', '2', 'big', 'b'],
    ['OBJECT', 'ENCODING', 'ub'],
    ['ZCARD', 'ub'],
    ['ZINTERSTORE', 'ib', '2', 'big', 'big', 'WEIGHTS', '1', '0.5'],
    ['OBJECT', 'ENCODING', 'ib'],
    ['ZRANGE', 'ib', '0', '4', 'WITHSCORES'],
    ['ZDIFFSTORE', 'db', '2', 'big', 'b'],
    ['OBJECT', 'ENCODING', 'db'],
  ],
  'ZSCAN: listpacks whole, skiplists by cursor, MATCH, COUNT, errors': [
    ['ZADD', 'z', '1', 'a', '0.1', 'b', '-0', 'c', 'inf', 'd', '1e21', 'e', '3.0000000000000004', 'f'],
    ['ZSCAN', 'z', '0'],
    ['ZSCAN', 'z', '0', 'COUNT', '1'],
    ['ZSCAN', 'z', '0', 'MATCH', '[a-c]'],
    ['ZSCAN', 'z', '0', 'match', 'x*'],
    ['ZSCAN', 'nokey', '0'],
    ['ZSCAN', 'nokey', '0', 'FOO'],
    ['ZADD', 'big', ...BIG.args, '0.1', 'tenth', '3.0000000000000004', 'odd'],
    zscanAll(scanned(true), 'ZSCAN', 'big', '0'),
    zscanAll(scanned(true), 'ZSCAN', 'big', '0', 'COUNT', '7'),
    zscanAll(scanned(true), 'ZSCAN', 'big', '0', 'MATCH', 'member:1*', 'COUNT', '50'),
    zscanAll(scanned(true), 'ZSCAN', 'big', '0', 'MATCH', 't*'),
    n(cursorOnly, 'ZSCAN', 'big', '0', 'COUNT', '10'),
    ['ZSCAN', 'z', 'x'],
    ['ZSCAN', 'z', '-1'],
    ['ZSCAN', 'z', '0', 'COUNT', '0'],
    ['ZSCAN', 'z', '0', 'COUNT', 'x'],
    ['ZSCAN', 'z', '0', 'COUNT'],
    ['ZSCAN', 'z', '0', 'MATCH'],
    ['ZSCAN', 'z', '0', 'TYPE', 'zset'],
    ['ZSCAN', 'z', '0', 'NOVALUES'],
  ],
  'OBJECT ENCODING across zset-max-listpack-entries / -value; conversions sticky; aliases': [
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '4'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', '8'],
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
    ['TYPE', 'z'],
    ['OBJECT', 'ENCODING', 'z'],
    ['ZADD', 'z', '5', 'e'],
    ['OBJECT', 'ENCODING', 'z'],
    ['ZREM', 'z', 'e', 'd', 'c'],
    ['OBJECT', 'ENCODING', 'z'],
    ['ZADD', 'v', '1', '12345678'],
    ['OBJECT', 'ENCODING', 'v'],
    ['ZADD', 'v', '1', '123456789'],
    ['OBJECT', 'ENCODING', 'v'],
    ['ZADD', 'five', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
    ['OBJECT', 'ENCODING', 'five'],
    ['ZADD', 'longfirst', '1', '123456789', '2', 'b'],
    ['OBJECT', 'ENCODING', 'longfirst'],
    ['ZADD', 'longsecond', '1', 'a', '2', '123456789'],
    ['OBJECT', 'ENCODING', 'longsecond'],
    // Many pairs convert even when nothing new arrives (zsetTypeMaybeConvert, Redis 7.2).
    ['ZADD', 'few', '1', 'a', '2', 'b'],
    ['ZADD', 'few', '1', 'a', '2', 'b', '1', 'a', '2', 'b', '1', 'a'],
    v72(['OBJECT', 'ENCODING', 'few']),
    ['ZADD', 'few2', '1', 'a'],
    ['ZADD', 'few2', 'XX', '1', 'q', '2', 'r', '3', 's', '4', 't', '5', 'u'],
    v72(['OBJECT', 'ENCODING', 'few2']),
    ['ZCARD', 'few2'],
    ['ZINCRBY', 'inc', '1', '123456789'],
    ['OBJECT', 'ENCODING', 'inc'],
    ['CONFIG', 'GET', 'zset-max-listpack-entries'],
    ['CONFIG', 'GET', 'zset-max-ziplist-value'],
    ['CONFIG', 'SET', 'zset-max-ziplist-entries', '2'],
    ['CONFIG', 'GET', 'zset-max-listpack-entries'],
    ['ZADD', 'alias', '1', 'a', '2', 'b', '3', 'c'],
    ['OBJECT', 'ENCODING', 'alias'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
    ['ZADD', 'zero', '1', 'a'],
    ['OBJECT', 'ENCODING', 'zero'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ['CONFIG', 'SET', 'zset-max-listpack-value', '0'],
    ['ZADD', 'zv', '1', ''],
    ['OBJECT', 'ENCODING', 'zv'],
    ['ZADD', 'zv', '1', 'x'],
    ['OBJECT', 'ENCODING', 'zv'],
    ...DEFAULTS,
    ['ZADD', 'dflt', ...numbered(128).args],
    ['OBJECT', 'ENCODING', 'dflt'],
    ['ZADD', 'dflt', '1', 'one more'],
    ['OBJECT', 'ENCODING', 'dflt'],
    ['ZADD', 'dv', '1', 'x'.repeat(64)],
    ['OBJECT', 'ENCODING', 'dv'],
    ['ZADD', 'dv', '1', 'x'.repeat(65)],
    ['OBJECT', 'ENCODING', 'dv'],
    ['OBJECT', 'ENCODING', 'missing'],
    ['ZADD', 'store', ...numbered(200).args],
    ['ZUNIONSTORE', 'small', '1', 'store', 'WEIGHTS', '1'],
    ['OBJECT', 'ENCODING', 'small'],
    ['ZREMRANGEBYRANK', 'store', '0', '150'],
    ['OBJECT', 'ENCODING', 'store'],
    ['ZUNIONSTORE', 'small', '1', 'store'],
    ['OBJECT', 'ENCODING', 'small'],
  ],
  'keyspace commands on sorted sets: TYPE RENAME COPY MOVE EXPIRE SCAN DUMP/RESTORE, WRONGTYPE both ways': [
    ['ZADD', 'z', '1', 'a', '2', 'b', '0.1', 'c'],
    ['SET', 's', 'v'],
    ['HSET', 'h', 'f', 'v'],
    ['TYPE', 'z'],
    n(scanned(), 'SCAN', '0', 'COUNT', '1000', 'TYPE', 'zset'),
    ['RENAME', 'z', 'z2'],
    ['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'],
    ['COPY', 'z2', 'c'],
    ['ZADD', 'c', '9', 'a'],
    ['ZSCORE', 'z2', 'a'],
    ['ZSCORE', 'c', 'a'],
    ['COPY', 'z2', 's'],
    ['COPY', 'z2', 's', 'REPLACE'],
    ['TYPE', 's'],
    ['MOVE', 'c', '1'],
    ['SELECT', '1'],
    ['ZRANGE', 'c', '0', '-1', 'WITHSCORES'],
    ['FLUSHDB'],
    ['SELECT', '0'],
    ['EXPIRE', 'z2', '100'],
    ['ZADD', 'z2', '5', 'e'],
    ['TTL', 'z2'],
    ['ZPOPMIN', 'z2', '10'],
    ['EXISTS', 'z2'],
    ['ZADD', 'd', '1', 'a', '-0', 'b', 'inf', 'c', '0.1', 'e'],
    // DUMP payloads are each server's own format: restored on the same side only.
    ['ZADD', 'big', ...BIG.args],
    ['ZRANGE', 'big', '0', '2', 'WITHSCORES'],
    ['ZADD', 'zz', '1', 'a'],
    ['GET', 'zz'],
    ['HGET', 'zz', 'f'],
    ['HSET', 'zz', 'f', 'v'],
    ['APPEND', 'zz', 'x'],
    ['ZADD', 's', '1', 'a'],
    ['ZADD', 'h', '1', 'a'],
    ['ZINCRBY', 'h', '1', 'a'],
    ['ZREM', 'h', 'a'],
    ['ZCARD', 'h'],
    ['ZSCORE', 'h', 'a'],
    ['ZMSCORE', 'h', 'a'],
    ['ZRANK', 'h', 'a'],
    ['ZRANGE', 'h', '0', '-1'],
    ['ZRANGE', 'h', 'x', '-1'],
    ['ZRANGEBYSCORE', 'h', '0', '1'],
    ['ZRANGEBYLEX', 'h', '-', '+'],
    ['ZRANGESTORE', 'dst', 'h', '0', '-1'],
    ['ZCOUNT', 'h', '0', '1'],
    ['ZLEXCOUNT', 'h', '-', '+'],
    ['ZREMRANGEBYRANK', 'h', '0', '1'],
    ['ZREMRANGEBYSCORE', 'h', '0', '1'],
    ['ZREMRANGEBYLEX', 'h', '-', '+'],
    ['ZPOPMIN', 'h'],
    ['ZMPOP', '1', 'h', 'MIN'],
    ['ZRANDMEMBER', 'h'],
    ['ZRANDMEMBER', 'h', '2'],
    ['ZSCAN', 'h', '0'],
    ['ZUNION', '1', 'h'],
    ['ZINTERCARD', '1', 'h'],
    ['SET', 'zz', 'now a string'],
    ['TYPE', 'zz'],
  ],
  'wrong arity': [
    ['ZADD', 'z'],
    ['ZADD', 'z', '1'],
    ['ZINCRBY', 'z', '1'],
    ['ZREM', 'z'],
    ['ZCARD'],
    ['ZSCORE', 'z'],
    ['ZMSCORE', 'z'],
    ['ZRANK', 'z'],
    ['ZREVRANK', 'z'],
    ['ZRANGE', 'z', '0'],
    ['ZRANGESTORE', 'd', 'z', '0'],
    ['ZREVRANGE', 'z', '0'],
    ['ZRANGEBYSCORE', 'z', '0'],
    ['ZREVRANGEBYLEX', 'z', '-'],
    ['ZCOUNT', 'z', '0'],
    ['ZLEXCOUNT', 'z', '-', '+', 'x'],
    ['ZREMRANGEBYRANK', 'z', '0'],
    ['ZPOPMIN'],
    ['ZMPOP', '1', 'z'],
    ['ZRANDMEMBER'],
    ['ZUNION', '1'],
    ['ZUNIONSTORE', 'd', '1'],
    ['ZINTERCARD', '1'],
    ['ZDIFF', '1'],
    ['ZSCAN', 'z'],
  ],
};

// ---- the seeded random sequences ----

const KEYS = ['z0', 'z1', 'z2', 's'];
const MEMBERS = ['a', 'b', 'c', 'd', 'e', 'aa', 'ab', '', '\x00', '\xff', 'x y', 'long'.repeat(20)];
const SCORES = ['0', '-0', '1', '-1', '2', '1.5', '0.1', '3.0000000000000004', 'inf', '-inf', '1e300', '-2.5', '7', '100'];
const BAD_SCORES = ['x', 'nan', '', '1e400'];
const BOUNDS = ['-inf', '+inf', '0', '(0', '1', '(1', '2', '(1.5', '-1', 'inf', '(inf', '100', 'x'];
const LEX = ['-', '+', '[a', '(a', '[b', '(c', '[aa', '[', '(', '[\x00', '[\xff', 'a'];
const INDEXES = ['0', '1', '2', '-1', '-2', '5', '-10', '100'];

/**
 * `count` commands over four keys: three sorted sets whose members come from a pool of twelve (one longer
 * than zset-max-listpack-value, which makes a set a skiplist), scores with ties, -0, inf, and one string
 * key for WRONGTYPE. Lex ranges run on `lex` (all scores 0), whose members are never long: Redis keeps it
 * in a listpack, searched as shardcache emulates.
 */
export function randomZsetSequence(seed: number, count: number, blocking = false): Step[] {
  const r = rng(seed);
  const k = () => r.pick(KEYS);
  const m = () => r.pick(MEMBERS);
  const sc = () => (r.chance(0.05) ? r.pick(BAD_SCORES) : r.pick(SCORES));
  const b = () => r.pick(BOUNDS);
  const lx = () => r.pick(LEX);
  const i = () => r.pick(INDEXES);
  const pairs = (): string[] => {
    const out: string[] = [];
    for (let j = 0, q = 1 + r.int(3); j < q; j++) out.push(sc(), m());
    return out;
  };
  const flags = (): string[] => {
    const all = ['NX', 'XX', 'GT', 'LT', 'CH'];
    return all.filter(() => r.chance(0.15));
  };
  const limit = (): string[] => (r.chance(0.3) ? ['LIMIT', r.pick(['0', '1', '-1', '2']), r.pick(['1', '2', '-1', '0'])] : []);
  const ws = (): string[] => (r.chance(0.5) ? ['WITHSCORES'] : []);
  const gens: (() => Step)[] = [
    () => ['ZADD', k(), ...flags(), ...pairs()],
    () => ['ZADD', k(), ...flags(), ...pairs()],
    () => ['ZADD', k(), ...flags(), 'INCR', sc(), m()],
    () => ['ZINCRBY', k(), sc(), m()],
    () => ['ZREM', k(), m(), ...(r.chance(0.5) ? [m()] : [])],
    () => ['ZCARD', k()],
    () => ['ZSCORE', k(), m()],
    () => ['ZMSCORE', k(), m(), m()],
    () => ['ZRANK', k(), m()],
    () => ['ZREVRANK', k(), m()],
    () => ['ZRANGE', k(), i(), i(), ...(r.chance(0.3) ? ['REV'] : []), ...ws()],
    () => ['ZRANGE', k(), b(), b(), 'BYSCORE', ...(r.chance(0.3) ? ['REV'] : []), ...limit(), ...ws()],
    () => ['ZRANGEBYSCORE', k(), b(), b(), ...ws(), ...limit()],
    () => ['ZREVRANGEBYSCORE', k(), b(), b(), ...ws(), ...limit()],
    () => ['ZCOUNT', k(), b(), b()],
    () => ['ZREMRANGEBYSCORE', k(), b(), b()],
    () => ['ZREMRANGEBYRANK', k(), i(), i()],
    () => ['ZPOPMIN', k(), ...(r.chance(0.5) ? [r.pick(['1', '2', '0', '5'])] : [])],
    () => ['ZPOPMAX', k(), ...(r.chance(0.5) ? [r.pick(['1', '2', '0', '5'])] : [])],
    () => ['ZMPOP', '2', k(), k(), r.pick(['MIN', 'MAX']), ...(r.chance(0.5) ? ['COUNT', r.pick(['1', '3'])] : [])],
    () => ['ZUNIONSTORE', k(), '2', k(), k(), ...(r.chance(0.3) ? ['WEIGHTS', r.pick(['1', '2', '-1', '0']), r.pick(['1', '0.5'])] : []), ...(r.chance(0.3) ? ['AGGREGATE', r.pick(['SUM', 'MIN', 'MAX'])] : [])],
    () => ['ZINTERSTORE', k(), '2', k(), k(), ...(r.chance(0.3) ? ['AGGREGATE', r.pick(['SUM', 'MIN', 'MAX'])] : [])],
    () => ['ZDIFFSTORE', k(), '2', k(), k()],
    () => ['ZUNION', '2', k(), k(), ...ws()],
    () => ['ZINTER', '2', k(), k(), ...ws()],
    () => ['ZDIFF', '2', k(), k(), ...ws()],
    () => ['ZINTERCARD', '2', k(), k()],
    () => ['ZRANGESTORE', k(), k(), i(), i()],
    () => ['ZADD', 'lex', '0', m().slice(0, 3), '0', m().slice(0, 3)],
    () => ['ZRANGEBYLEX', 'lex', lx(), lx(), ...limit()],
    () => ['ZREVRANGEBYLEX', 'lex', lx(), lx(), ...limit()],
    () => ['ZLEXCOUNT', 'lex', lx(), lx()],
    () => ['ZREMRANGEBYLEX', 'lex', lx(), lx()],
    () => ['ZRANGE', 'lex', '0', '-1'],
    () => ['OBJECT', 'ENCODING', k()],
    () => ['TYPE', k()],
    () => ['EXISTS', k()],
    () => ['DEL', k()],
    () => ['RENAME', k(), k()],
    () => ['COPY', k(), k(), 'REPLACE'],
    () => ['SET', 's', 'v'],
    () => ['ZRANGE', k(), '0', '-1', 'WITHSCORES'],
    () => ['ZRANDMEMBER', k(), '100', 'WITHSCORES'],
    () => zscanAll(scanned(true), 'ZSCAN', k(), '0'),
  ];
  if (blocking) {
    // Immediate pops, or a 10 ms wait for nothing (nothing else runs meanwhile on the one connection).
    gens.push(
      () => [r.pick(['BZPOPMIN', 'BZPOPMAX']), k(), ...(r.chance(0.5) ? [k()] : []), r.pick(['0.01', '0.02'])],
      () => [r.pick(['BZPOPMIN', 'BZPOPMAX']), k(), k(), '0.01'],
      () => ['BZMPOP', '0.01', '2', k(), k(), r.pick(['MIN', 'MAX']), ...(r.chance(0.5) ? ['COUNT', r.pick(['1', '2', '5'])] : [])],
    );
  }
  const out: Step[] = [];
  for (let j = 0; j < count; j++) out.push(r.pick(gens)());
  return out;
}

/**
 * `count` commands on two large sorted sets (skiplists in Redis: up to 600 members, scores 0..40 so
 * that ties are many), with ranges, ranks, pops and removals in the middle, and whole-set checks.
 */
export function randomBigSequence(seed: number, count: number): Step[] {
  const r = rng(seed);
  const k = () => r.pick(['big0', 'big1']);
  const m = () => `m${r.int(600)}`;
  const sc = () => String(r.int(41) - 20) + (r.chance(0.2) ? '.5' : '');
  const b = () => (r.chance(0.3) ? '(' : '') + sc();
  const i = () => String(r.int(700) - 350);
  const out: Step[] = [];
  for (const key of ['big0', 'big1']) {
    const args: string[] = [];
    for (let j = 0; j < 300; j++) args.push(sc(), m());
    out.push(['ZADD', key, ...args]);
  }
  const gens: (() => Step)[] = [
    () => ['ZADD', k(), sc(), m(), sc(), m()],
    () => ['ZINCRBY', k(), sc(), m()],
    () => ['ZREM', k(), m(), m()],
    () => ['ZRANK', k(), m()],
    () => ['ZREVRANK', k(), m()],
    () => ['ZSCORE', k(), m()],
    () => ['ZRANGE', k(), i(), i(), 'WITHSCORES'],
    () => ['ZRANGE', k(), i(), i(), 'REV'],
    () => ['ZRANGEBYSCORE', k(), b(), b(), 'WITHSCORES', 'LIMIT', String(r.int(20)), String(r.int(30) - 1)],
    () => ['ZREVRANGEBYSCORE', k(), b(), b(), 'LIMIT', String(r.int(20)), String(r.int(30) - 1)],
    () => ['ZCOUNT', k(), b(), b()],
    () => ['ZREMRANGEBYSCORE', k(), b(), b()],
    () => ['ZREMRANGEBYRANK', k(), i(), i()],
    () => ['ZPOPMIN', k(), String(r.int(5))],
    () => ['ZPOPMAX', k(), String(r.int(5))],
    () => ['ZUNIONSTORE', 'u', '2', 'big0', 'big1', 'WEIGHTS', '1', String(r.int(3))],
    () => ['ZINTER', '2', 'big0', 'big1', 'WITHSCORES'],
    () => ['ZDIFF', '2', k(), k()],
    () => ['ZCARD', k()],
    () => ['OBJECT', 'ENCODING', k()],
  ];
  for (let j = 0; j < count; j++) out.push(r.pick(gens)());
  out.push(['ZRANGE', 'big0', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'big1', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'u', '0', '-1', 'WITHSCORES']);
  return out;
}

const ZSET_COMMANDS = ['bzpopmin', 'bzmpop', 'zadd', 'zincrby', 'zrem', 'zcard', 'zscore', 'zmscore', 'zrank', 'zrevrank', 'zrange', 'zrangestore', 'zpopmin', 'zmpop', 'zrandmember', 'zunion', 'zunionstore', 'zintercard', 'zscan'];

const commandsIn = (steps: Step[]): number => steps.filter((s) => !('sleepMs' in s)).length;

(haveRedis ? needs(ZSET_COMMANDS) : describe.skip)('differential: sorted sets against redis-server', function () {
  this.timeout(120000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
    await detectReference(pair);
  });
  after(async () => {
    await pair?.stop();
  });
  beforeEach(async () => {
    await pair.expectSame(DEFAULTS, { resp: 2, label: 'defaults' });
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, seq] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const steps = forReference(seq);
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(commandsIn(steps));
        });
      }
      for (const seed of [7, 2024, 31337]) {
        it(`a seeded random sequence (seed ${seed}, 500 commands)`, async () => {
          const steps = forReference(randomZsetSequence(seed, 500));
          const got = await pair.expectSame(steps, { resp, label: `seed ${seed}` });
          expect(got.length).to.equal(500);
          // The sequence must reach non-empty sets, not only errors and empty replies.
          const full = got.filter((c) => c.cmd[0] === 'ZRANGE' && c.cmd.includes('WITHSCORES') && c.redis.length > 20);
          expect(full.length).to.be.greaterThan(3);
        });
      }
      for (const seed of [3, 1999]) {
        it(`a seeded random sequence with the blocking pops (seed ${seed}, 400 commands)`, async () => {
          const steps = forReference(randomZsetSequence(seed, 400, true));
          const got = await pair.expectSame(steps, { resp, label: `blocking seed ${seed}` });
          expect(got.length).to.equal(400);
          // Both kinds must occur: pops ('*' and more than a null array) and timeouts.
          const bz = got.filter((c) => c.cmd[0].startsWith('BZ'));
          const popped = bz.filter((c) => c.redis[0] === 0x2a && c.redis.length > 5);
          const timedOut = bz.filter((c) => ['*-1\r\n', '_\r\n'].includes(c.redis.toString('latin1')));
          expect(popped.length, 'popped').to.be.greaterThan(3);
          expect(timedOut.length, 'timed out').to.be.greaterThan(3);
        });
      }
      for (const seed of [5, 77]) {
        it(`a seeded random sequence on large sets (seed ${seed}, 400 commands)`, async () => {
          const steps = forReference(randomBigSequence(seed, 400));
          const got = await pair.expectSame(steps, { resp, label: `big seed ${seed}` });
          expect(got.length).to.equal(405);
        });
      }
    });
  }

  it('RESP3 shapes: doubles, nested WITHSCORES pairs, flat pops without a count, ZMPOP/BZMPOP nesting, BZPOPMIN flat, nulls', async () => {
    const got = await pair.expectSame(
      forReference([
        ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'],
        ['ZSCORE', 'z', 'a'],
        ['ZRANGE', 'z', '0', '1', 'WITHSCORES'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMIN', 'z', '1'],
        ['ZMPOP', '1', 'z', 'MAX'],
        ['ZSCORE', 'z', 'nope'],
        ['ZMPOP', '1', 'z', 'MAX'],
        ['ZADD', 'z', '1', 'a', '2.5', 'b', '3', 'c'],
        ['BZPOPMIN', 'z', '0'],
        ['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '1'],
        ['BZPOPMAX', 'z', '0.01'],
        ['BZMPOP', '0.01', '1', 'z', 'MIN'],
      ]),
      { resp: 3 },
    );
    const raw = got.map((c) => c.node.toString('latin1'));
    expect(raw[1]).to.equal(',1\r\n');
    expect(raw[2]).to.equal('*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(raw[3]).to.equal('*2\r\n$1\r\na\r\n,1\r\n');
    expect(raw[4]).to.equal('*1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n');
    expect(raw[5]).to.equal('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n');
    expect(raw.slice(6, 8)).to.deep.equal(['_\r\n', '_\r\n']);
    expect(raw[9]).to.equal('*3\r\n$1\r\nz\r\n$1\r\na\r\n,1\r\n');
    expect(raw[10]).to.equal('*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n');
    expect(raw.slice(11)).to.deep.equal(['*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2.5\r\n', '_\r\n']);
    const two = await pair.expectSame([['ZADD', 'z', '1', 'a'], ['BZPOPMIN', 'z', '0'], ['BZPOPMAX', 'z', '0.01'], ['BZMPOP', '0.01', '1', 'z', 'MIN']], { resp: 2 });
    expect(two.slice(1).map((c) => c.node.toString('latin1'))).to.deep.equal(['*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n', '*-1\r\n', '*-1\r\n']);
  });
});
