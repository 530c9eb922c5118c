// Differential: the hash family of Redis 7.0/7.2 (HSET ... HSCAN), the same sequences on a real
// redis-server 7 and on a shardcache node, every reply compared byte for byte in RESP2 and in RESP3
// (spec/helpers/differential.ts). Random replies (HRANDFIELD) are compared by what is certain about them:
// their size, that they come from the hash, distinct fields for a positive count, the whole hash (sorted)
// when the count covers it; scans are followed to the end and compared as sorted field/value pairs.
// HSCAN NOVALUES and the field-expiry commands (HEXPIRE & co) are not in Redis 7.0: not here.
// DIFF_SELF=1 runs both sides on redis-server (to check the sequences themselves).
import { expect } from 'chai';
import {
  DiffPair,
  bulk,
  chain,
  each,
  haveRedis,
  hscanAll,
  int,
  mapText,
  n,
  diffSelf,
  near,
  oneOf,
  pick,
  rng,
  scanned,
  sorted,
  sortedPairs,
  text,
  type Normalizer,
  type Resp,
  type Step,
} from '../helpers/differential';
import { needs } from './needs';

const I64_MAX = '9223372036854775807';
const I64_MIN = '-9223372036854775808';
const ttl = near(1);
/**
 * README "OBJECT ENCODING" (as in diff-strings.spec.ts): Redis says 'raw' for a short string built by
 * APPEND, shardcache by content; string encodings compare as one. listpack/hashtable are unaffected.
 */
const anyStringEncoding: Normalizer = mapText({ int: 'string', embstr: 'string', raw: 'string' });

/**
 * A random pick with repetitions (HRANDFIELD with a negative count): its size and that every item comes
 * from `universe` (pairs: field/value pairs of it); whether items repeat is chance, so not compared.
 */
const pickRepeat = (universe: string[] | Record<string, string>, pairs = false): Normalizer =>
  chain(
    pick(universe, pairs),
    each((r) => (r.t === '*' && r.a !== null && r.a.length === 3 ? { t: '*', a: [r.a[0], int(0), r.a[2]] } : r)),
  );

/** A scan reply compared by its cursor only ("0" = done, or "more"): how much one call returns is each server's own. */
const cursorOnly: Normalizer = each((r) => {
  const top = r.t === '*' ? r.a : null;
  return top !== null && top.length === 2 ? bulk(text(top[0]) === '0' ? '0' : 'more') : r;
});

/** The hash { f1: v1, ..., fN: vN } as HSET arguments and as a pick() universe. */
function numbered(nFields: number, prefix = 'f', valuePrefix = 'v'): { args: string[]; map: Record<string, string>; fields: string[] } {
  const args: string[] = [];
  const map: Record<string, string> = {};
  for (let i = 1; i <= nFields; i++) {
    args.push(`${prefix}${i}`, `${valuePrefix}${i}`);
    map[`${prefix}${i}`] = `${valuePrefix}${i}`;
  }
  return { args, map, fields: Object.keys(map) };
}

const H5 = numbered(5);
/** Above the default hash-max-listpack-entries (512): a hashtable in Redis, scanned in several calls. */
const BIG = numbered(600, 'field:', 'value:');
const DEFAULTS: Step[] = [
  ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
  ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
];

const SEQUENCES: Record<string, Step[]> = {
  // Redis converts a listpack only when a write looks at it (HSET/HINCRBY... re-check the entry count, even
  // when updating an existing field; HGET and HDEL never do): after CONFIG SET hash-max-listpack-entries 4
  // a 6-field hash made under 512 stays 'listpack' until the next write. (Found by this spec; fixed.)
  'a hash made under a larger limit stays listpack until a write': [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '8'],
    // A hash built under a larger limit keeps its encoding until a write looks at it again.
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
    ['HSET', 'grown', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f', '6'],
    ['OBJECT', 'ENCODING', 'grown'],
    ['HGETALL', 'grown'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'],
    ['OBJECT', 'ENCODING', 'grown'],
    ['HGET', 'grown', 'a'],
    ['HDEL', 'grown', 'f'],
    ['OBJECT', 'ENCODING', 'grown'],
    ['HSET', 'grown', 'g', '7'],
    ['OBJECT', 'ENCODING', 'grown'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
    ['HDEL', 'grown', 'a', 'b', 'c'],
    ['OBJECT', 'ENCODING', 'grown'],
    ...DEFAULTS,
  ],
  // HINCRBYFLOAT on a stored 'inf': "ERR increment would produce NaN or Infinity" ('inf' parses as a long
  // double, the sum is not finite), as INCRBYFLOAT on a string 'inf'. (Found by this spec; fixed.)
  'HINCRBYFLOAT on a stored inf value': [
    ['HSET', 'h', 'inf', 'inf', 'ninf', '-inf', 'big', '1e4000'],
    ['HINCRBYFLOAT', 'h', 'inf', '1'],
    ['HINCRBYFLOAT', 'h', 'ninf', '1'],
    ['HINCRBYFLOAT', 'h', 'big', '1'],
    n(sortedPairs, 'HGETALL', 'h'),
  ],
  'HSET, HSETNX, HMSET, HGET, HMGET, HLEN, HSTRLEN, HEXISTS': [
    ['HSET', 'h', 'a', '1'],
    ['HSET', 'h', 'a', '2', 'b', '3'],
    ['HSET', 'h', 'c', '4', 'c', '5'],
    ['HGET', 'h', 'c'],
    ['HSET', 'h', 'a', '2'],
    ['HGET', 'h', 'a'],
    ['HGET', 'h', 'missing'],
    ['HGET', 'nokey', 'a'],
    ['HSETNX', 'h', 'a', 'x'],
    ['HSETNX', 'h', 'd', 'x'],
    ['HSETNX', 'new', 'f', 'v'],
    ['HGET', 'h', 'd'],
    ['HMSET', 'h', 'e', '6', 'a', '7'],
    ['HMSET', 'fresh', 'f', 'v'],
    ['HMGET', 'h', 'a', 'missing', 'e', 'a'],
    ['HMGET', 'nokey', 'a', 'b'],
    ['HLEN', 'h'],
    ['HLEN', 'nokey'],
    ['HSET', 'h', 'empty', ''],
    ['HGET', 'h', 'empty'],
    ['HSTRLEN', 'h', 'empty'],
    ['HSTRLEN', 'h', 'a'],
    ['HSET', 'h', 'int', '-12345'],
    ['HSTRLEN', 'h', 'int'],
    ['HSET', 'h', 'big', I64_MAX],
    ['HSTRLEN', 'h', 'big'],
    ['HSTRLEN', 'h', 'missing'],
    ['HSTRLEN', 'nokey', 'a'],
    ['HEXISTS', 'h', 'a'],
    ['HEXISTS', 'h', 'missing'],
    ['HEXISTS', 'nokey', 'a'],
    ['HSET', 'h', '', 'empty field'],
    ['HGET', 'h', ''],
    ['HEXISTS', 'h', ''],
    ['HSET', 'bin', '\x00\xff\r\n', '\x01\x02\r\n\x00'],
    ['HGET', 'bin', '\x00\xff\r\n'],
    ['HSTRLEN', 'bin', '\x00\xff\r\n'],
    ['HGETALL', 'bin'],
    ['HSET', 'h', 'long', 'y'.repeat(1000)],
    ['HSTRLEN', 'h', 'long'],
    ['HGET', 'h', 'long'],
    ['hset', 'h', 'A', 'upper'],
    ['HMGET', 'h', 'a', 'A'],
    ['HLEN', 'h'],
  ],
  'HGETALL, HKEYS, HVALS in insertion order in a small hash; updates and deletes keep the order': [
    ['HSET', 'h', 'z', '1', 'y', '2', 'x', '3', 'w', '4'],
    ['HGETALL', 'h'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HSET', 'h', 'y', 'changed'],
    ['HGETALL', 'h'],
    ['HDEL', 'h', 'x'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'x', 'back', 'a', 'new'],
    ['HKEYS', 'h'],
    ['HVALS', 'h'],
    ['HINCRBY', 'h', 'z', '5'],
    ['HINCRBYFLOAT', 'h', 'w', '0.5'],
    ['HSETNX', 'h', 'b', 'nx'],
    ['HGETALL', 'h'],
    ['HDEL', 'h', 'z', 'a'],
    ['HGETALL', 'h'],
    ['HGETALL', 'nokey'],
    ['HKEYS', 'nokey'],
    ['HVALS', 'nokey'],
    ['HSET', 'n', '3', 'c', '1', 'a', '2', 'b', '10', 'j'],
    ['HGETALL', 'n'],
    ['HKEYS', 'n'],
  ],
  'HDEL: counts, repeated fields, the last field deletes the hash': [
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
    ['HDEL', 'h', 'a', 'a', 'missing'],
    ['HDEL', 'h', 'missing'],
    ['HDEL', 'nokey', 'a'],
    ['HLEN', 'h'],
    ['HDEL', 'h', 'b', 'c'],
    ['EXISTS', 'h'],
    ['TYPE', 'h'],
    ['HLEN', 'h'],
    ['HGETALL', 'h'],
    ['DBSIZE'],
    ['HSET', 'h', 'a', '1'],
    ['EXPIRE', 'h', '100'],
    ['HDEL', 'h', 'a'],
    ['EXISTS', 'h'],
    ['HSET', 'h', 'a', '1'],
    ['TTL', 'h'],
    ['HSET', 'one', 'f', 'v'],
    ['HINCRBY', 'one', 'f', '1'],
    ['EXISTS', 'one'],
    ['HDEL', 'one', 'f', 'f'],
    ['KEYS', '*'],
  ],
  'HINCRBY: counts, overflow, non-integers': [
    ['HINCRBY', 'h', 'n', '5'],
    ['HINCRBY', 'h', 'n', '-7'],
    ['HINCRBY', 'h', 'n', '0'],
    ['HGET', 'h', 'n'],
    ['HINCRBY', 'nokey2', 'n', 'abc'],
    ['EXISTS', 'nokey2'],
    ['HINCRBY', 'h', 'n', 'abc'],
    ['HINCRBY', 'h', 'n', '1.5'],
    ['HINCRBY', 'h', 'n', ''],
    ['HINCRBY', 'h', 'n', '9223372036854775808'],
    ['HINCRBY', 'h', 'n', ' 1'],
    ['HINCRBY', 'h', 'n', '+1'],
    ['HINCRBY', 'h', 'n', '01'],
    ['HSET', 'h', 'max', I64_MAX, 'min', I64_MIN],
    ['HINCRBY', 'h', 'max', '1'],
    ['HINCRBY', 'h', 'max', '0'],
    ['HINCRBY', 'h', 'max', '-1'],
    ['HINCRBY', 'h', 'min', '-1'],
    ['HINCRBY', 'h', 'min', I64_MAX],
    ['HINCRBY', 'h', 'min', I64_MIN],
    ['HINCRBY', 'h', 'new', I64_MIN],
    ['HINCRBY', 'h', 'new', '-1'],
    ['HMGET', 'h', 'max', 'min', 'new'],
    ['HSET', 'h', 's', 'hello', 'sp', ' 1', 'lead', '01', 'neg0', '-0', 'fl', '1.0', 'e', '', 'huge', '9223372036854775808', 'plus', '+5'],
    ['HINCRBY', 'h', 's', '1'],
    ['HINCRBY', 'h', 'sp', '1'],
    ['HINCRBY', 'h', 'lead', '1'],
    ['HINCRBY', 'h', 'neg0', '1'],
    ['HINCRBY', 'h', 'fl', '1'],
    ['HINCRBY', 'h', 'e', '1'],
    ['HINCRBY', 'h', 'huge', '1'],
    ['HINCRBY', 'h', 'plus', '1'],
    ['HSET', 'h', 'f', '3.5'],
    ['HINCRBY', 'h', 'f', '1'],
    ['HINCRBYFLOAT', 'h', 'f', '1'],
    ['HINCRBY', 'h', 'f', '1'],
    ['HSTRLEN', 'h', 'n'],
    ['HLEN', 'h'],
  ],
  'HINCRBYFLOAT: formatting, huge and tiny floats, non-finite results, non-floats': [
    ['HINCRBYFLOAT', 'h', 'f', '1.5'],
    ['HINCRBYFLOAT', 'h', 'f', '0.1'],
    ['HINCRBYFLOAT', 'h', 'f', '0.1'],
    ['HINCRBYFLOAT', 'h', 'f', '-1.7'],
    ['HINCRBYFLOAT', 'h', 'f', '5.0e3'],
    ['HINCRBYFLOAT', 'h', 'f', '1E-5'],
    ['HINCRBYFLOAT', 'h', 'f', '-5000.00001'],
    ['HGET', 'h', 'f'],
    ['HINCRBYFLOAT', 'h', 'f', '3.0'],
    ['HINCRBYFLOAT', 'h', 'f', 'inf'],
    ['HINCRBYFLOAT', 'h', 'f', '-inf'],
    ['HINCRBYFLOAT', 'h', 'f', 'nan'],
    ['HINCRBYFLOAT', 'h', 'f', 'abc'],
    ['HINCRBYFLOAT', 'h', 'f', ''],
    ['HINCRBYFLOAT', 'h', 'f', ' 1'],
    ['HINCRBYFLOAT', 'h', 'f', '1 '],
    ['HINCRBYFLOAT', 'h', 'f', '0x10'],
    ['HINCRBYFLOAT', 'h', 'f', '1e5000'],
    ['HGET', 'h', 'f'],
    ['HINCRBYFLOAT', 'h', 'huge', '1e308'],
    ['HINCRBYFLOAT', 'h', 'huge', '1e308'],
    ['HINCRBYFLOAT', 'h', 'huge', '1e4932'],
    ['HGET', 'h', 'huge'],
    ['HINCRBYFLOAT', 'h', 'big', '1e20'],
    ['HINCRBYFLOAT', 'h', 'big', '1'],
    ['HINCRBYFLOAT', 'h', 'big', '-1e20'],
    ['HINCRBYFLOAT', 'h', 'tiny', '1e-20'],
    ['HEXISTS', 'h', 'tiny'],
    ['HINCRBYFLOAT', 'h', 'tiny', '1e-15'],
    ['HINCRBYFLOAT', 'h', 'tiny', '0.00000000000000001'],
    ['HINCRBYFLOAT', 'h', 'tiny', '-0.000000000000001'],
    ['HINCRBYFLOAT', 'h', 'neg', '-0.0'],
    ['HINCRBYFLOAT', 'h', 'small', '1.5e-7'],
    ['HINCRBYFLOAT', 'h', 'small', '-1.5e-7'],
    ['HINCRBYFLOAT', 'h', 'e17', '1e17'],
    ['HINCRBYFLOAT', 'h', 'e17', '0.5'],
    ['HINCRBYFLOAT', 'h', 'n20', '12345678901234567890'],
    ['HINCRBYFLOAT', 'h', 'third', '0.3333333333333333333333'],
    ['HINCRBYFLOAT', 'h', 'third', '0.3333333333333333333333'],
    ['HINCRBYFLOAT', 'nokey3', 'f', 'abc'],
    ['EXISTS', 'nokey3'],
    // A stored 'inf' is a valid float whose sum is not finite: see 'HINCRBYFLOAT on a stored inf value'.
    ['HSET', 'h', 's', 'abc', 'e', '', 'sp', ' 1', 'dot', '.5', 'exp', '1e3', 'inf', 'inf', 'hex', '0x10', 'i', '10'],
    ['HINCRBYFLOAT', 'h', 's', '1'],
    ['HINCRBYFLOAT', 'h', 'e', '1'],
    ['HINCRBYFLOAT', 'h', 'sp', '1'],
    ['HINCRBYFLOAT', 'h', 'dot', '.25'],
    ['HINCRBYFLOAT', 'h', 'exp', '1'],
    ['HINCRBYFLOAT', 'h', 'hex', '1'],
    ['HINCRBYFLOAT', 'h', 'i', '0.5'],
    ['HINCRBYFLOAT', 'h', 'i', '-0.5'],
    ['HINCRBY', 'h', 'i', '1'],
    ['HSET', 'h', 'long', '1.23456789012345678'],
    ['HINCRBYFLOAT', 'h', 'long', '0'],
    ['HSET', 'h', 'max', I64_MAX],
    ['HINCRBYFLOAT', 'h', 'max', '1'],
    // 'huge' (4,933 bytes) made h a hashtable: its order is each server's own.
    ['OBJECT', 'ENCODING', 'h'],
    n(sortedPairs, 'HGETALL', 'h'),
    // A result longer than hash-max-listpack-value converts, as a long HSET value does.
    ['HSET', 'hl', 'a', '1'],
    ['HINCRBYFLOAT', 'hl', 'f', '1e100'],
    ['OBJECT', 'ENCODING', 'hl'],
    ['HSET', 'hi', 'a', '1'],
    ['HINCRBY', 'hi', 'f', I64_MIN],
    ['OBJECT', 'ENCODING', 'hi'],
  ],
  'HRANDFIELD: no count, 0, positive and negative counts, WITHVALUES, huge counts': [
    ['HRANDFIELD', 'nokey'],
    ['HRANDFIELD', 'nokey', '5'],
    ['HRANDFIELD', 'nokey', '-5'],
    ['HRANDFIELD', 'nokey', '5', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', '0'],
    ['HSET', 'h', ...H5.args],
    n(oneOf(H5.fields), 'HRANDFIELD', 'h'),
    ['HRANDFIELD', 'h', '0'],
    ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-0'],
    n(pick(H5.fields), 'HRANDFIELD', 'h', '1'),
    n(pick(H5.fields), 'HRANDFIELD', 'h', '3'),
    n(pick(H5.fields), 'HRANDFIELD', 'h', '4'),
    n(sorted, 'HRANDFIELD', 'h', '5'),
    n(sorted, 'HRANDFIELD', 'h', '6'),
    n(sorted, 'HRANDFIELD', 'h', '1000'),
    n(sorted, 'HRANDFIELD', 'h', I64_MAX),
    n(pickRepeat(H5.fields), 'HRANDFIELD', 'h', '-1'),
    n(pickRepeat(H5.fields), 'HRANDFIELD', 'h', '-3'),
    n(pickRepeat(H5.fields), 'HRANDFIELD', 'h', '-5'),
    n(pickRepeat(H5.fields), 'HRANDFIELD', 'h', '-20'),
    n(pick(H5.map, true), 'HRANDFIELD', 'h', '1', 'WITHVALUES'),
    n(pick(H5.map, true), 'HRANDFIELD', 'h', '2', 'withvalues'),
    n(pick(H5.map, true), 'HRANDFIELD', 'h', '4', 'WITHVALUES'),
    n(sortedPairs, 'HRANDFIELD', 'h', '5', 'WITHVALUES'),
    n(sortedPairs, 'HRANDFIELD', 'h', '50', 'WITHVALUES'),
    n(pickRepeat(H5.map, true), 'HRANDFIELD', 'h', '-2', 'WITHVALUES'),
    n(pickRepeat(H5.map, true), 'HRANDFIELD', 'h', '-12', 'WITHVALUES'),
    ['HRANDFIELD', 'h', 'x'],
    ['HRANDFIELD', 'h', '1.5'],
    ['HRANDFIELD', 'h', ''],
    ['HRANDFIELD', 'h', '1', 'FOO'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'WITHVALUES'],
    ['HRANDFIELD', 'h', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '9223372036854775808'],
    ['HRANDFIELD', 'h', I64_MIN],
    ['HRANDFIELD', 'h', I64_MIN, 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', I64_MIN],
    ['HSET', 'one', 'only', 'val'],
    ['HRANDFIELD', 'one'],
    ['HRANDFIELD', 'one', '-3'],
    ['HRANDFIELD', 'one', '-2', 'WITHVALUES'],
    ['HRANDFIELD', 'one', '3', 'WITHVALUES'],
    ['HSET', 'big', ...BIG.args],
    n(oneOf(BIG.fields), 'HRANDFIELD', 'big'),
    n(pick(BIG.fields), 'HRANDFIELD', 'big', '10'),
    n(pick(BIG.fields), 'HRANDFIELD', 'big', '300'),
    n(pick(BIG.fields), 'HRANDFIELD', 'big', '599'),
    n(sorted, 'HRANDFIELD', 'big', '600'),
    n(pick(BIG.map, true), 'HRANDFIELD', 'big', '150', 'WITHVALUES'),
    n(pick(BIG.map, true), 'HRANDFIELD', 'big', '500', 'WITHVALUES'),
    n(sortedPairs, 'HRANDFIELD', 'big', '700', 'WITHVALUES'),
    n(pickRepeat(BIG.fields), 'HRANDFIELD', 'big', '-50'),
    n(pickRepeat(BIG.map, true), 'HRANDFIELD', 'big', '-1000', 'WITHVALUES'),
  ],
  'HSCAN: whole hashes with MATCH and COUNT, small and large; bad cursors and options': [
    ['HSET', 'h', ...H5.args, 'other', 'o'],
    // A small hash comes whole from one call, whatever COUNT says (listpack in Redis; README says the same).
    n(scanned(true), 'HSCAN', 'h', '0'),
    n(scanned(true), 'HSCAN', 'h', '0', 'COUNT', '1'),
    n(scanned(true), 'HSCAN', 'h', '0', 'MATCH', 'f*'),
    n(scanned(true), 'HSCAN', 'h', '0', 'MATCH', 'f[1-3]', 'COUNT', '2'),
    n(scanned(true), 'HSCAN', 'h', '0', 'match', 'nothing*'),
    n(scanned(true), 'HSCAN', 'h', '0', 'MATCH', '*', 'MATCH', 'o*'),
    ['HSCAN', 'nokey', '0'],
    ['HSCAN', 'nokey', '0', 'MATCH', 'x*', 'COUNT', '10'],
    ['HSET', 'big', ...BIG.args],
    hscanAll(scanned(true), 'HSCAN', 'big', '0'),
    hscanAll(scanned(true), 'HSCAN', 'big', '0', 'COUNT', '7'),
    hscanAll(scanned(true), 'HSCAN', 'big', '0', 'COUNT', '1000'),
    hscanAll(scanned(true), 'HSCAN', 'big', '0', 'MATCH', 'field:1*', 'COUNT', '50'),
    hscanAll(scanned(true), 'HSCAN', 'big', '0', 'MATCH', 'field:?', 'COUNT', '1'),
    hscanAll(scanned(true), 'HSCAN', 'big', '0', 'MATCH', 'value:*'),
    hscanAll(scanned(true), 'HSCAN', 'h', '0', 'COUNT', '1'),
    ['HSCAN', 'h', 'x'],
    ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '1.5'],
    ['HSCAN', 'h', '0', 'COUNT', '0'],
    ['HSCAN', 'h', '0', 'COUNT', '-1'],
    ['HSCAN', 'h', '0', 'COUNT', 'x'],
    ['HSCAN', 'h', '0', 'COUNT'],
    ['HSCAN', 'h', '0', 'MATCH'],
    ['HSCAN', 'h', '0', 'FOO', 'bar'],
    ['HSCAN', 'h', '0', 'TYPE', 'hash'],
    ['HSCAN', 'h'],
  ],
  'edges: count and float syntax, the listpack boundary for HSCAN, a 100 KB field': [
    ['HSET', 'h', ...H5.args],
    ['HRANDFIELD', 'h', '+5'],
    ['HRANDFIELD', 'h', '05'],
    ['HRANDFIELD', 'h', ' 5'],
    ['HRANDFIELD', 'h', '-0', 'WITHVALUES'],
    ['HRANDFIELD', 'nokey', 'abc'],
    ['HRANDFIELD', 'nokey', '1', 'foo'],
    ['HINCRBY', 'h', 'x', '-0'],
    ['HINCRBYFLOAT', 'h', 'y', '+1.5'],
    ['HINCRBYFLOAT', 'h', 'y', '1.'],
    ['HINCRBYFLOAT', 'h', 'y', '.'],
    ['HINCRBYFLOAT', 'h', 'y', '1e'],
    ['HINCRBYFLOAT', 'h', 'y', '-.5e1'],
    ['HINCRBYFLOAT', 'h', 'y', 'infinity'],
    ['HINCRBYFLOAT', 'h', 'y', '-Infinity'],
    ['HINCRBYFLOAT', 'h', 'y', 'NaN'],
    ['HINCRBYFLOAT', 'h', 'w', '4.9e-324'],
    ['HINCRBYFLOAT', 'h', 'w2', '1e-4950'],
    ['HSET', 'h', 'iv', '1e10', 'nv', 'nan', 'hx', '0x1p3', 'ws', '1\t', 'nul', '1\x00'],
    ['HINCRBY', 'h', 'iv', '1'],
    ['HINCRBYFLOAT', 'h', 'iv', '1'],
    ['HINCRBYFLOAT', 'h', 'nv', '1'],
    ['HINCRBYFLOAT', 'h', 'hx', '1'],
    ['HINCRBYFLOAT', 'h', 'ws', '1'],
    ['HINCRBYFLOAT', 'h', 'nul', '1'],
    ['HINCRBY', 'h', 'nul', '1'],
    ['HGETALL', 'h'],
    ['HINCRBYFLOAT', 'h', 'z', '1.7976931348623157e308'],
    ['HINCRBYFLOAT', 'h', 'z', '1.7976931348623157e308'],
    ['HSTRLEN', 'h', 'z'],
    n(sortedPairs, 'HGETALL', 'h'),
    hscanAll(scanned(true), 'HSCAN', 'h', '00'),
    hscanAll(scanned(true), 'HSCAN', 'h', '+0'),
    n(cursorOnly, 'HSCAN', 'h', '0', 'COUNT', '1', 'COUNT', '2'),
    ['HSCAN', 'h', '18446744073709551616'],
    ['HSCAN', 'nokey', 'abc'],
    // 512 fields: still a listpack, so one HSCAN returns it whole; 513: a hashtable, scanned in steps.
    ['HSET', 'p512', ...numbered(512).args],
    n(scanned(true), 'HSCAN', 'p512', '0', 'COUNT', '10'),
    ['HGETALL', 'p512'],
    ['HSET', 'p513', ...numbered(513).args],
    n(cursorOnly, 'HSCAN', 'p513', '0', 'COUNT', '10'),
    ['OBJECT', 'ENCODING', 'p513'],
    ['HSET', 'lv', 'a', 'x'.repeat(65)],
    n(scanned(true), 'HSCAN', 'lv', '0', 'COUNT', '10'),
    ['HSET', 'bigf', 'F'.repeat(100000), 'v'],
    ['HSTRLEN', 'bigf', 'F'.repeat(100000)],
    ['HGET', 'bigf', 'F'.repeat(100000)],
    ['OBJECT', 'ENCODING', 'bigf'],
    ['HDEL', 'h', ...numbered(300).fields],
    ['HLEN', 'h'],
  ],
  'WRONGTYPE both ways: string commands on a hash, hash commands on a string': [
    ['HSET', 'h', 'f', 'v'],
    ['SET', 's', 'str'],
    ['GET', 'h'],
    ['GETDEL', 'h'],
    ['GETEX', 'h', 'EX', '10'],
    ['GETSET', 'h', 'x'],
    ['APPEND', 'h', 'x'],
    ['STRLEN', 'h'],
    ['INCR', 'h'],
    ['INCRBYFLOAT', 'h', '1'],
    ['GETRANGE', 'h', '0', '1'],
    ['SETRANGE', 'h', '0', 'x'],
    ['MGET', 'h', 's'],
    ['LCS', 'h', 's'],
    ['SET', 'h', 'v', 'GET'],
    ['HGETALL', 'h'],
    ['HGET', 's', 'f'],
    ['HSET', 's', 'f', 'v'],
    ['HSETNX', 's', 'f', 'v'],
    ['HMSET', 's', 'f', 'v'],
    ['HMGET', 's', 'f'],
    ['HGETALL', 's'],
    ['HDEL', 's', 'f'],
    ['HLEN', 's'],
    ['HSTRLEN', 's', 'f'],
    ['HEXISTS', 's', 'f'],
    ['HKEYS', 's'],
    ['HVALS', 's'],
    ['HINCRBY', 's', 'f', '1'],
    ['HINCRBYFLOAT', 's', 'f', '1'],
    ['HINCRBY', 's', 'f', 'x'],
    ['HRANDFIELD', 's'],
    ['HRANDFIELD', 's', '2'],
    ['HRANDFIELD', 's', '-2', 'WITHVALUES'],
    ['HSCAN', 's', '0'],
    ['GET', 's'],
    ['TYPE', 's'],
    ['TYPE', 'h'],
    // SET replaces a hash outright.
    ['SET', 'h', 'now a string'],
    ['GET', 'h'],
    ['HGET', 'h', 'f'],
    ['TYPE', 'h'],
    ['MSET', 'h2', 'x'],
    ['HSET', 'h3', 'f', 'v'],
    ['MSETNX', 'h3', 'x', 'other', 'y'],
    ['EXISTS', 'other'],
    ['SETNX', 'h3', 'x'],
    ['HGET', 'h3', 'f'],
    ['SET', 'h3', 'x', 'XX', 'GET'],
    ['HGET', 'h3', 'f'],
    ['SET', 'h3', 'x', 'NX'],
    ['SET', 'h3', 'x', 'XX'],
    ['GET', 'h3'],
  ],
  'wrong arity and odd argument counts': [
    ['HSET'],
    ['HSET', 'h'],
    ['HSET', 'h', 'f'],
    ['HSET', 'h', 'f', 'v', 'g'],
    ['HSETNX', 'h', 'f'],
    ['HSETNX', 'h', 'f', 'v', 'x'],
    ['HMSET', 'h', 'f'],
    ['HMSET', 'h', 'f', 'v', 'g'],
    ['HGET', 'h'],
    ['HGET', 'h', 'f', 'g'],
    ['HMGET', 'h'],
    ['HGETALL'],
    ['HGETALL', 'h', 'x'],
    ['HDEL', 'h'],
    ['HLEN'],
    ['HLEN', 'h', 'x'],
    ['HSTRLEN', 'h'],
    ['HEXISTS', 'h'],
    ['HEXISTS', 'h', 'f', 'g'],
    ['HKEYS'],
    ['HVALS', 'h', 'x'],
    ['HINCRBY', 'h', 'f'],
    ['HINCRBY', 'h', 'f', '1', '2'],
    ['HINCRBYFLOAT', 'h', 'f'],
    ['HRANDFIELD'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUES', 'x'],
    ['HSCAN', 'h'],
    ['hset', 'h', 'f'],
    ['EXISTS', 'h'],
    ['HSET', 'h', 'f', 'v'],
    ['HSET', 'h', 'g', 'v', 'odd'],
    ['HGETALL', 'h'],
  ],
  'TYPE and OBJECT ENCODING across hash-max-listpack-entries / -value, conversion sticky': [
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '8'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
    ['TYPE', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'e', '5'],
    ['OBJECT', 'ENCODING', 'h'],
    ['HDEL', 'h', 'e', 'd', 'c'],
    ['HLEN', 'h'],
    ['OBJECT', 'ENCODING', 'h'],
    n(sortedPairs, 'HGETALL', 'h'),
    ['HSET', 'v', 'f', '12345678'],
    ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'v', 'g', '123456789'],
    ['OBJECT', 'ENCODING', 'v'],
    ['HDEL', 'v', 'g'],
    ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'fk', 'field6789', 'x'],
    ['OBJECT', 'ENCODING', 'fk'],
    ['HSETNX', 'nx', 'f', 'x'],
    ['HSETNX', 'nx', 'f', '123456789'],
    ['OBJECT', 'ENCODING', 'nx'],
    ['HSETNX', 'nx', 'g', '123456789'],
    ['OBJECT', 'ENCODING', 'nx'],
    ['HMSET', 'm', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5'],
    ['OBJECT', 'ENCODING', 'm'],
    ['HSET', 'six', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f', '6'],
    ['OBJECT', 'ENCODING', 'six'],
    ['HDEL', 'six', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['EXISTS', 'six'],
    ['HSET', 'six', 'a', '1'],
    ['OBJECT', 'ENCODING', 'six'],
    // COPY and RENAME keep the value, encoding included.
    ['COPY', 'h', 'hcopy'],
    ['OBJECT', 'ENCODING', 'hcopy'],
    ['RENAME', 'v', 'vrenamed'],
    ['OBJECT', 'ENCODING', 'vrenamed'],
    ['HSET', 'small', 'a', '1'],
    ['COPY', 'small', 'smallcopy'],
    ['OBJECT', 'ENCODING', 'smallcopy'],
    ['OBJECT', 'ENCODING', 'missing'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
    ['HSET', 'zero', 'a', '1'],
    ['OBJECT', 'ENCODING', 'zero'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'],
    ['CONFIG', 'SET', 'hash-max-listpack-value', '0'],
    ['HSET', 'zv', 'a', ''],
    ['OBJECT', 'ENCODING', 'zv'],
    ['HSET', 'zv', 'b', 'x'],
    ['OBJECT', 'ENCODING', 'zv'],
    ...DEFAULTS,
    ['HSET', 'dflt', ...numbered(512).args],
    ['OBJECT', 'ENCODING', 'dflt'],
    ['HSET', 'dflt', 'one', 'more'],
    ['OBJECT', 'ENCODING', 'dflt'],
    ['HSET', 'dv', 'f', 'x'.repeat(64)],
    ['OBJECT', 'ENCODING', 'dv'],
    ['HSET', 'dv', 'g', 'x'.repeat(65)],
    ['OBJECT', 'ENCODING', 'dv'],
    ['CONFIG', 'GET', 'hash-max-listpack-entries'],
    ['CONFIG', 'GET', 'hash-max-ziplist-value'],
    // The 6.x names are aliases of the same settings.
    ['CONFIG', 'SET', 'hash-max-ziplist-entries', '2'],
    ['CONFIG', 'GET', 'hash-max-listpack-entries'],
    ['HSET', 'alias', 'a', '1', 'b', '2', 'c', '3'],
    ['OBJECT', 'ENCODING', 'alias'],
    ['HSETNX', 'alias', 'd', '4'],
    ['HSETNX', 'alias', 'd', '5'],
    n(sortedPairs, 'HGETALL', 'alias'),
    ...DEFAULTS,
  ],
  'keyspace commands on hashes: DEL EXISTS RENAME COPY MOVE EXPIRE TTL PERSIST SCAN TYPE': [
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['SET', 's', 'v'],
    ['EXISTS', 'h', 's', 'h', 'missing'],
    ['TYPE', 'h'],
    n(sorted, 'KEYS', '*'),
    n(scanned(), 'SCAN', '0', 'COUNT', '1000', 'TYPE', 'hash'),
    n(scanned(), 'SCAN', '0', 'COUNT', '1000', 'TYPE', 'string'),
    ['RENAME', 'h', 'h2'],
    ['HGETALL', 'h2'],
    ['EXISTS', 'h'],
    ['RENAME', 's', 'h2'],
    ['TYPE', 'h2'],
    ['GET', 'h2'],
    ['HSET', 'h', 'a', '1', 'b', '2'],
    ['RENAME', 'h', 'h2'],
    ['TYPE', 'h2'],
    ['HGETALL', 'h2'],
    ['RENAMENX', 'h2', 'h2'],
    ['SET', 's', 'v'],
    ['RENAMENX', 'h2', 's'],
    ['COPY', 'h2', 'c'],
    ['HGETALL', 'c'],
    ['HSET', 'c', 'a', 'changed', 'z', 'new'],
    ['HGETALL', 'h2'],
    ['HGETALL', 'c'],
    ['COPY', 'h2', 's'],
    ['COPY', 'h2', 's', 'REPLACE'],
    ['TYPE', 's'],
    ['HGETALL', 's'],
    ['HDEL', 's', 'a'],
    ['HGETALL', 'h2'],
    ['COPY', 'h2', 'h2', 'DB', '1'],
    ['MOVE', 'c', '1'],
    ['EXISTS', 'c'],
    ['SELECT', '1'],
    ['HGETALL', 'h2'],
    ['HGETALL', 'c'],
    ['TYPE', 'c'],
    ['DBSIZE'],
    ['FLUSHDB'],
    ['SELECT', '0'],
    ['EXPIRE', 'h2', '100'],
    n(ttl, 'TTL', 'h2'),
    ['HSET', 'h2', 'q', 'r'],
    ['HDEL', 'h2', 'q'],
    ['HINCRBY', 'h2', 'n', '1'],
    n(ttl, 'TTL', 'h2'),
    ['COPY', 'h2', 'ttlcopy'],
    n(ttl, 'TTL', 'ttlcopy'),
    ['RENAME', 'ttlcopy', 'ttlrenamed'],
    n(ttl, 'TTL', 'ttlrenamed'),
    ['PERSIST', 'h2'],
    ['TTL', 'h2'],
    ['PEXPIRE', 'h2', '40'],
    ['HLEN', 'h2'],
    { sleepMs: 100 },
    ['HLEN', 'h2'],
    ['HGETALL', 'h2'],
    ['EXISTS', 'h2'],
    ['HSET', 'h2', 'back', '1'],
    ['TTL', 'h2'],
    ['SET', 'str', 'v', 'PX', '30'],
    { sleepMs: 80 },
    ['HSET', 'str', 'f', 'v'],
    ['TYPE', 'str'],
    ['EXPIRE', 'str', '-1'],
    ['EXISTS', 'str'],
    ['HSET', 'x', 'f', 'v'],
    ['DEL', 'x', 'h2', 'missing'],
    ['EXISTS', 'x', 'h2'],
    ['HSET', 'x', 'f', 'v'],
    ['UNLINK', 'x'],
    ['HSET', 'x', 'f', 'v'],
    ['TOUCH', 'x', 'nope'],
    ['OBJECT', 'REFCOUNT', 'x'],
    ['SWAPDB', '0', '1'],
    ['HGET', 'x', 'f'],
    ['SELECT', '1'],
    ['HGET', 'x', 'f'],
    ['SELECT', '0'],
    ['SWAPDB', '0', '1'],
    n(oneOf(['x', 's', 'ttlrenamed']), 'RANDOMKEY'),
    ['GETDEL', 'x'],
    ['SET', 'x', 'overwritten'],
    ['TYPE', 'x'],
  ],
};

/**
 * Differences from Redis found by these sequences (shardcache bugs, reported; lib/ is not this spec's to
 * change): skipped against shardcache until fixed, run with DIFF_SELF=1 so the sequences stay right.
 */
export const KNOWN_DIFFERENCES: Record<string, Step[]> = {
};

// ---- the seeded random sequence ----

const KEYS = ['h0', 'h1', 'h2', 's'];
const FIELDS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const VALUES = ['', '0', '1', '-1', '42', '3.5', '-0', '01', 'abc', 'hello world', I64_MAX, I64_MIN, '1e3', ' 1', 'x'.repeat(30), '\x00\xff'];
const INCREMENTS = ['1', '-3', '17', '0', I64_MAX, I64_MIN, 'x', '1.5'];
const FLOAT_INCREMENTS = ['0.5', '-1.25', '1e2', '3', '0', 'inf', 'abc', '0.1'];

/**
 * `count` commands of the hash family (and a few string and keyspace ones for WRONGTYPE and moves) over
 * four keys and six fields, drawn with a fixed seed. Hashes stay under the listpack limits (few fields,
 * short values), so HGETALL/HKEYS/HVALS are compared in their exact (insertion) order.
 */
export function randomHashSequence(seed: number, count: number): Step[] {
  const r = rng(seed);
  const k = () => r.pick(KEYS);
  const f = () => r.pick(FIELDS);
  const v = () => r.pick(VALUES);
  const pairs = (): string[] => {
    const out: string[] = [];
    for (let i = 0, m = 1 + r.int(3); i < m; i++) out.push(f(), v());
    return out;
  };
  const gens: (() => Step)[] = [
    () => ['HSET', k(), ...pairs()],
    () => ['HSET', k(), ...pairs()],
    () => ['HSETNX', k(), f(), v()],
    () => ['HMSET', k(), ...pairs()],
    () => ['HGET', k(), f()],
    () => ['HMGET', k(), f(), f(), f()],
    () => ['HGETALL', k()],
    () => ['HDEL', k(), f(), ...(r.chance(0.5) ? [f()] : [])],
    () => ['HDEL', k(), f()],
    () => ['HLEN', k()],
    () => ['HSTRLEN', k(), f()],
    () => ['HEXISTS', k(), f()],
    () => ['HKEYS', k()],
    () => ['HVALS', k()],
    () => ['HINCRBY', k(), f(), r.pick(INCREMENTS)],
    () => ['HINCRBYFLOAT', k(), f(), r.pick(FLOAT_INCREMENTS)],
    () => n(oneOf(FIELDS), 'HRANDFIELD', k()),
    () => n(pick(FIELDS), 'HRANDFIELD', k(), String(1 + r.int(2))),
    () => n(pickRepeat(FIELDS), 'HRANDFIELD', k(), String(-1 - r.int(8))),
    () => n(sortedPairs, 'HRANDFIELD', k(), String(6 + r.int(3)), ...(r.chance(0.5) ? ['WITHVALUES'] : [])),
    () => n(scanned(true), 'HSCAN', k(), '0', ...(r.chance(0.5) ? ['MATCH', r.pick(['f[0-2]', '*', 'f5', 'x*'])] : [])),
    () => ['TYPE', k()],
    () => n(anyStringEncoding, 'OBJECT', 'ENCODING', k()),
    () => ['EXISTS', k(), k()],
    () => ['DEL', k()],
    () => [r.pick(['RENAME', 'RENAMENX']), k(), k()],
    () => ['COPY', k(), k(), ...(r.chance(0.5) ? ['REPLACE'] : [])],
    () => ['EXPIRE', k(), r.pick(['100', '1000', 'x'])],
    () => ['PERSIST', k()],
    () => n(ttl, 'TTL', k()),
    () => ['SET', k(), v()],
    () => ['GET', k()],
    () => ['APPEND', k(), v()],
  ];
  const out: Step[] = [];
  for (let i = 0; i < count; i++) out.push(r.pick(gens)());
  return out;
}

const HASH_COMMANDS = ['hset', 'hsetnx', 'hmset', 'hget', 'hmget', 'hgetall', 'hdel', 'hlen', 'hstrlen', 'hexists', 'hkeys', 'hvals', 'hincrby', 'hincrbyfloat', 'hrandfield', 'hscan'];

/** Steps that are commands (sleeps send nothing). */
const commandsIn = (steps: Step[]): number => steps.filter((s) => !('sleepMs' in s)).length;

(haveRedis ? needs(HASH_COMMANDS) : describe.skip)('differential: hashes against redis-server 7', function () {
  this.timeout(60000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
  });
  after(async () => {
    await pair?.stop();
  });
  // Every sequence starts from the default listpack limits, whatever the one before left.
  beforeEach(async () => {
    await pair.expectSame(DEFAULTS, { resp: 2, label: 'defaults' });
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, steps] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(commandsIn(steps));
        });
      }
      for (const [name, steps] of Object.entries(KNOWN_DIFFERENCES)) {
        (process.env.DIFF_KNOWN === "1" || diffSelf ? it : it.skip)(`known difference: ${name}`, async () => {
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(commandsIn(steps));
        });
      }
      for (const seed of [9, 2024]) {
        it(`a seeded random sequence (seed ${seed}, 400 commands)`, async () => {
          const steps = randomHashSequence(seed, 400);
          const got = await pair.expectSame(steps, { resp, label: `seed ${seed}` });
          expect(got.length).to.equal(400);
          // The sequence must reach non-empty hashes, not only errors and nils.
          const full = got.filter((c) => c.cmd[0] === 'HGETALL' && c.redis.length > 8);
          expect(full.length).to.be.greaterThan(5);
        });
      }
    });
  }

  it('RESP3 shapes: HGETALL is a map, HRANDFIELD WITHVALUES nested pairs, nulls are _', async () => {
    const got = await pair.expectSame(
      [['HSET', 'h', 'a', '1', 'b', '2'], ['HGETALL', 'h'], n(pick({ a: '1', b: '2' }, true), 'HRANDFIELD', 'h', '-1', 'WITHVALUES'), ['HGET', 'h', 'zz'], ['HGETALL', 'none'], ['HRANDFIELD', 'none']],
      { resp: 3 },
    );
    expect(got[1].redis.toString('latin1')).to.equal('%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n');
    expect(got[2].redis.toString('latin1')).to.match(/^\*1\r\n\*2\r\n\$1\r\n[ab]\r\n\$1\r\n[12]\r\n$/);
    expect(got.slice(3).map((c) => c.redis.toString('latin1'))).to.deep.equal(['_\r\n', '%0\r\n', '_\r\n']);
  });

  it('the normalizers separate what must differ: a wrong pick, a missing pair, a scan cut short', () => {
    const b = (s: string): Resp => ({ t: '$', b: Buffer.from(s) });
    const a = (xs: Resp[]): Resp => ({ t: '*', a: xs });
    const same = (norm: Normalizer, x: Resp, y: Resp): boolean => {
      const [p, q] = norm(x, y);
      return JSON.stringify(p) === JSON.stringify(q);
    };
    expect(same(pick(['f1', 'f2', 'f3']), a([b('f1'), b('f2')]), a([b('f3'), b('f1')]))).to.equal(true);
    expect(same(pick(['f1', 'f2', 'f3']), a([b('f1'), b('f2')]), a([b('f1'), b('f1')]))).to.equal(false);
    expect(same(pick(['f1', 'f2', 'f3']), a([b('f1'), b('f2')]), a([b('f1'), b('zz')]))).to.equal(false);
    expect(same(pickRepeat(['f1', 'f2']), a([b('f1'), b('f2')]), a([b('f1'), b('f1')]))).to.equal(true);
    expect(same(pickRepeat(['f1', 'f2']), a([b('f1'), b('f2')]), a([b('f1')]))).to.equal(false);
    expect(same(pick({ f1: 'v1' }, true), a([b('f1'), b('v1')]), a([b('f1'), b('v2')]))).to.equal(false);
    expect(same(sortedPairs, a([b('a'), b('1'), b('b'), b('2')]), a([b('b'), b('2'), b('a'), b('1')]))).to.equal(true);
    expect(same(sortedPairs, a([b('a'), b('1'), b('b'), b('2')]), a([b('a'), b('2'), b('b'), b('1')]))).to.equal(false);
    const done = (xs: Resp[]) => a([b('0'), a(xs)]);
    expect(same(scanned(true), done([b('a'), b('1')]), a([b('17'), a([b('a'), b('1')])]))).to.equal(false);
  });
});
