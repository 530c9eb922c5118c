// Differential: the list family (LPUSH ... LMPOP), the same sequences on a real redis-server 7 and on a
// shardcache node, every reply compared byte for byte in RESP2 and in RESP3 (spec/helpers/differential.ts):
// fixed sequences per command and its edge cases, long lists of many chunks, and seeded random sequences
// over a few keys with every command. OBJECT ENCODING is compared with 'listpack' read as 'quicklist':
// the redis-server here is 7.0, whose lists are always 'quicklist' (7.2 reports 'listpack' for small ones,
// as shardcache does; spec/commands/list.spec.ts checks those thresholds). DUMP payloads are each
// server's own format: compared only as "a payload" or nil.
// DIFF_SELF=1 runs both sides on redis-server (to check the sequences themselves).
import { expect } from 'chai';
import { DiffPair, bulk, each, haveRedis, mapText, n, near, rng, scanned, type Normalizer, type Step } from '../helpers/differential';
import { needs } from './needs';

const I64_MAX = '9223372036854775807';
const I64_MIN = '-9223372036854775808';
const encoding: Normalizer = mapText({ listpack: 'quicklist', int: 'string', embstr: 'string', raw: 'string' });
/** A DUMP reply as "a payload" (each server's format is its own) or nil. */
const payload: Normalizer = each((r) => (r.t === '$' && r.b !== null ? bulk('payload') : r));
const ttl = near(1);

/** `n` elements `${prefix}${i}` (with a binary one every 7th). */
function elements(count: number, prefix = 'e'): string[] {
  return Array.from({ length: count }, (_, i) => (i % 7 === 3 ? `\x00\xff${prefix}${i}\r\n` : `${prefix}${i}`));
}

const SEQUENCES: Record<string, Step[]> = {
  'LPUSH, RPUSH, LPUSHX, RPUSHX, LLEN, LRANGE': [
    ['LPUSH', 'l', 'a'],
    ['LPUSH', 'l', 'b', 'c', 'd'],
    ['RPUSH', 'l', 'x', 'y'],
    ['LRANGE', 'l', '0', '-1'],
    ['LLEN', 'l'],
    ['LLEN', 'nokey'],
    ['LPUSHX', 'nokey', 'a', 'b'],
    ['RPUSHX', 'nokey', 'a'],
    ['EXISTS', 'nokey'],
    ['LPUSHX', 'l', 'h1', 'h2'],
    ['RPUSHX', 'l', 't1'],
    ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'e', ''],
    ['RPUSH', 'e', '', ''],
    ['LRANGE', 'e', '0', '-1'],
    ['LLEN', 'e'],
    ['RPUSH', 'bin', '\x00\xff\r\n', '\r\n', '0', '-1', I64_MAX, I64_MIN, '9223372036854775808', '01', '1.5'],
    ['LRANGE', 'bin', '0', '-1'],
    ['SET', 's', 'v'],
    ['LPUSH', 's', 'a'],
    ['RPUSH', 's', 'a'],
    ['LPUSHX', 's', 'a'],
    ['RPUSHX', 's', 'a'],
    ['LLEN', 's'],
    ['LRANGE', 's', '0', '-1'],
    ['TYPE', 'l'],
    n(encoding, 'OBJECT', 'ENCODING', 'l'),
    ['lpush', 'l', 'lower'],
    ['LINDEX', 'l', '0'],
  ],
  'LPOP and RPOP: counts, nulls, errors, the last element deletes the key': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LPOP', 'l'],
    ['RPOP', 'l'],
    ['LPOP', 'l', '0'],
    ['LPOP', 'l', '1'],
    ['RPOP', 'l', '1'],
    ['LPOP', 'nokey'],
    ['RPOP', 'nokey'],
    ['LPOP', 'nokey', '0'],
    ['LPOP', 'nokey', '2'],
    ['RPOP', 'nokey', '5'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'],
    ['LPOP', 'l', '1.5'],
    ['LPOP', 'l', I64_MAX],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['RPOP', 'l', '2'],
    ['RPOP', 'l', '9'],
    ['EXISTS', 'l'],
    ['LPOP', 'l', '1', '2'],
    ['RPOP', 'l', '1', '2'],
    ['RPOP', 'nokey', '-5'],
    ['SET', 's', 'v'],
    ['LPOP', 's'],
    ['LPOP', 's', '0'],
    ['LPOP', 's', '-1'],
    ['RPOP', 's', '2'],
    ['RPUSH', 'one', 'x'],
    ['EXPIRE', 'one', '100'],
    ['RPOP', 'one'],
    n(ttl, 'TTL', 'one'),
    ['EXISTS', 'one'],
  ],
  'LRANGE and LINDEX: negative, out-of-range and extreme indexes, the order of checks': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
    ['LRANGE', 'l', '0', '0'],
    ['LRANGE', 'l', '-2', '-1'],
    ['LRANGE', 'l', '-100', '100'],
    ['LRANGE', 'l', '3', '1'],
    ['LRANGE', 'l', '5', '10'],
    ['LRANGE', 'l', '-1', '-2'],
    ['LRANGE', 'l', I64_MIN, I64_MAX],
    ['LRANGE', 'l', '2', I64_MIN],
    ['LRANGE', 'l', 'a', '1'],
    ['LRANGE', 'l', '0', '1.0'],
    ['LRANGE', 'nokey', '0', '-1'],
    ['LRANGE', 'nokey', 'x', '-1'],
    ['LINDEX', 'l', '0'],
    ['LINDEX', 'l', '4'],
    ['LINDEX', 'l', '5'],
    ['LINDEX', 'l', '-1'],
    ['LINDEX', 'l', '-5'],
    ['LINDEX', 'l', '-6'],
    ['LINDEX', 'l', I64_MIN],
    ['LINDEX', 'l', I64_MAX],
    ['LINDEX', 'l', 'x'],
    ['LINDEX', 'nokey', 'x'],
    ['LINDEX', 'nokey', '0'],
    ['SET', 's', 'v'],
    ['LINDEX', 's', 'x'],
    ['LRANGE', 's', 'x', '0'],
    ['LRANGE', 's', '0', '0'],
  ],
  'LSET: no such key, out of range, negative indexes, the order of checks': [
    ['LSET', 'nokey', '0', 'v'],
    ['LSET', 'nokey', 'x', 'v'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['LSET', 'l', '0', 'A'],
    ['LSET', 'l', '-1', 'C'],
    ['LSET', 'l', '3', 'x'],
    ['LSET', 'l', '-4', 'x'],
    ['LSET', 'l', 'x', 'x'],
    ['LSET', 'l', I64_MAX, 'x'],
    ['LSET', 'l', '1', ''],
    ['LSET', 'l', '1', 'y'.repeat(100)],
    ['LRANGE', 'l', '0', '-1'],
    ['SET', 's', 'v'],
    ['LSET', 's', 'x', 'v'],
    ['LSET', 's', '0', 'v'],
  ],
  'LINSERT: before and after, a missing pivot or key, syntax errors': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
    ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
    ['LINSERT', 'l', 'after', 'b', 'y'],
    ['LINSERT', 'l', 'AFTER', 'c', 'z'],
    ['LINSERT', 'l', 'BEFORE', 'a', 'first'],
    ['LINSERT', 'l', 'AFTER', 'b', 'again'],
    ['LINSERT', 'l', 'BEFORE', 'nope', 'q'],
    ['LRANGE', 'l', '0', '-1'],
    ['LINSERT', 'nokey', 'BEFORE', 'a', 'b'],
    ['LINSERT', 'nokey', 'MIDDLE', 'a', 'b'],
    ['LINSERT', 'l', 'MIDDLE', 'a', 'b'],
    ['EXISTS', 'nokey'],
    ['SET', 's', 'v'],
    ['LINSERT', 's', 'BEFORE', 'a', 'b'],
    ['LINSERT', 's', 'X', 'a', 'b'],
    ['RPUSH', 'bin', '\x00', '\xff'],
    ['LINSERT', 'bin', 'AFTER', '\x00', '\r\n'],
    ['LINSERT', 'bin', 'BEFORE', '', 'e'],
    ['LRANGE', 'bin', '0', '-1'],
  ],
  'LREM: counts from either end, all, none, errors; the last element deletes the key': [
    ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a'],
    ['LREM', 'l', '1', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '-2', 'a'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '0', 'b'],
    ['LRANGE', 'l', '0', '-1'],
    ['LREM', 'l', '5', 'zz'],
    ['LREM', 'l', 'x', 'a'],
    ['LREM', 'nokey', '1', 'a'],
    ['LREM', 'nokey', 'x', 'a'],
    ['LREM', 'l', I64_MIN, 'a'],
    ['LREM', 'l', '0', 'c'],
    ['EXISTS', 'l'],
    ['SET', 's', 'v'],
    ['LREM', 's', '1', 'a'],
    ['LREM', 's', 'x', 'a'],
  ],
  'LTRIM: ranges, an empty result deletes the key, errors': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f'],
    ['LTRIM', 'l', '1', '-2'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '0', '100'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', '-2', '-1'],
    ['LRANGE', 'l', '0', '-1'],
    ['LTRIM', 'l', 'x', '1'],
    ['LTRIM', 'l', '0', 'y'],
    ['LTRIM', 'l', '1', '0'],
    ['EXISTS', 'l'],
    ['LTRIM', 'nokey', '0', '1'],
    ['LTRIM', 'nokey', 'x', '1'],
    ['RPUSH', 'l', 'a', 'b'],
    ['LTRIM', 'l', '5', '10'],
    ['EXISTS', 'l'],
    ['RPUSH', 'l', 'a', 'b'],
    ['LTRIM', 'l', I64_MIN, I64_MAX],
    ['LRANGE', 'l', '0', '-1'],
    ['SET', 's', 'v'],
    ['LTRIM', 's', '0', '1'],
  ],
  'LPOS: RANK, COUNT, MAXLEN and their errors': [
    ['RPUSH', 'l', 'a', 'b', 'c', 'b', 'a', 'b', 'd'],
    ['LPOS', 'l', 'b'],
    ['LPOS', 'l', 'zz'],
    ['LPOS', 'l', 'b', 'RANK', '2'],
    ['LPOS', 'l', 'b', 'RANK', '-1'],
    ['LPOS', 'l', 'b', 'RANK', '-3'],
    ['LPOS', 'l', 'b', 'RANK', '4'],
    ['LPOS', 'l', 'b', 'COUNT', '0'],
    ['LPOS', 'l', 'b', 'COUNT', '2'],
    ['LPOS', 'l', 'b', 'COUNT', '2', 'RANK', '2'],
    ['LPOS', 'l', 'b', 'COUNT', '0', 'RANK', '-1'],
    ['LPOS', 'l', 'zz', 'COUNT', '0'],
    ['LPOS', 'l', 'b', 'MAXLEN', '2'],
    ['LPOS', 'l', 'b', 'MAXLEN', '1'],
    ['LPOS', 'l', 'b', 'COUNT', '0', 'MAXLEN', '4'],
    ['LPOS', 'l', 'b', 'RANK', '-1', 'MAXLEN', '2'],
    ['LPOS', 'l', 'b', 'RANK', '-1', 'COUNT', '0', 'MAXLEN', '3'],
    ['LPOS', 'l', 'b', 'RANK', '0'],
    ['LPOS', 'l', 'b', 'RANK', 'x'],
    // RANK -2^63: 7.0 takes it (and negates it into itself), 7.2 answers "value is out of range, value must
    // between -9223372036854775807 and 9223372036854775807", as shardcache: in spec/commands/list.spec.ts.
    ['LPOS', 'l', 'b', 'RANK', I64_MAX],
    ['LPOS', 'l', 'b', 'RANK', '-' + I64_MAX],
    ['LPOS', 'l', 'b', 'COUNT', '-1'],
    ['LPOS', 'l', 'b', 'COUNT', 'x'],
    ['LPOS', 'l', 'b', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'b', 'MAXLEN', 'x'],
    ['LPOS', 'l', 'b', 'RANK'],
    ['LPOS', 'l', 'b', 'FOO', '1'],
    ['LPOS', 'l', 'b', 'count', '1', 'rank', '1', 'maxlen', '0'],
    ['LPOS', 'nokey', 'b'],
    ['LPOS', 'nokey', 'b', 'COUNT', '1'],
    ['LPOS', 'nokey', 'b', 'RANK', '0'],
    ['SET', 's', 'v'],
    ['LPOS', 's', 'b'],
    ['LPOS', 's', 'b', 'RANK', '0'],
  ],
  'LMOVE and RPOPLPUSH: every direction, a list onto itself, missing sources, wrong types': [
    ['RPUSH', 'src', 'a', 'b', 'c', 'd'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
    ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
    ['LMOVE', 'src', 'dst', 'right', 'left'],
    ['LRANGE', 'src', '0', '-1'],
    ['LRANGE', 'dst', '0', '-1'],
    ['LMOVE', 'src', 'dst', 'RIGHT', 'RIGHT'],
    ['EXISTS', 'src'],
    ['LRANGE', 'dst', '0', '-1'],
    ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'],
    ['LMOVE', 'dst', 'dst', 'RIGHT', 'LEFT'],
    ['LRANGE', 'dst', '0', '-1'],
    ['RPUSH', 'solo', 'x'],
    ['LMOVE', 'solo', 'solo', 'LEFT', 'RIGHT'],
    ['LRANGE', 'solo', '0', '-1'],
    ['RPOPLPUSH', 'solo', 'solo'],
    ['RPOPLPUSH', 'dst', 'other'],
    ['LRANGE', 'other', '0', '-1'],
    ['RPOPLPUSH', 'nokey', 'other'],
    ['LMOVE', 'nokey', 'other', 'LEFT', 'LEFT'],
    ['LMOVE', 'dst', 'other', 'UP', 'LEFT'],
    ['LMOVE', 'dst', 'other', 'LEFT', 'DOWN'],
    ['LMOVE', 'nokey', 'other', 'UP', 'LEFT'],
    ['SET', 's', 'v'],
    ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 'dst', 's'],
    ['LMOVE', 's', 'dst', 'LEFT', 'LEFT'],
    ['RPOPLPUSH', 's', 'nokey'],
    ['LRANGE', 'dst', '0', '-1'],
  ],
  'LMPOP: keys in order, counts, null arrays, every argument error': [
    ['RPUSH', 'a', '1', '2', '3'],
    ['RPUSH', 'b', 'x', 'y'],
    ['LMPOP', '2', 'nokey', 'a', 'LEFT'],
    ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'],
    ['LMPOP', '1', 'a', 'LEFT'],
    ['LMPOP', '3', 'nokey', 'a', 'b', 'left', 'count', '1'],
    ['LMPOP', '2', 'nokey', 'nokey2', 'LEFT'],
    ['LMPOP', '2', 'nokey', 'nokey2', 'LEFT', 'COUNT', '5'],
    ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '-1', 'a', 'LEFT'],
    ['LMPOP', 'x', 'a', 'LEFT'],
    ['LMPOP', '3', 'a', 'LEFT'],
    ['LMPOP', '1', 'a', 'MIDDLE'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '1', 'a', 'LEFT', 'EXTRA'],
    ['LMPOP', I64_MAX, 'a', 'LEFT'],
    ['SET', 's', 'v'],
    ['LMPOP', '2', 's', 'b', 'LEFT'],
    ['LMPOP', '2', 'b', 's', 'LEFT'],
    ['LMPOP', '2', 'nokey', 's', 'LEFT'],
    ['EXISTS', 'a', 'b'],
  ],
  'long lists across many chunks: ranges, indexes, sets, inserts, removals and trims in the middle': [
    ['CONFIG', 'SET', 'list-max-ziplist-size', '5'],
    ['RPUSH', 'big', ...elements(400)],
    ['LPUSH', 'big', ...elements(300, 'h')],
    ['LLEN', 'big'],
    ['LRANGE', 'big', '0', '-1'],
    ['LRANGE', 'big', '250', '420'],
    ['LRANGE', 'big', '-37', '-3'],
    ['LINDEX', 'big', '350'],
    ['LINDEX', 'big', '-350'],
    ['LSET', 'big', '351', 'set-in-the-middle'],
    ['LSET', 'big', '-2', 'y'.repeat(200)],
    ['LINSERT', 'big', 'BEFORE', 'e200', 'inserted-before'],
    ['LINSERT', 'big', 'AFTER', 'h150', 'inserted-after'],
    ['LPOS', 'big', 'e399'],
    ['LPOS', 'big', 'e10', 'RANK', '-1'],
    ['LRANGE', 'big', '340', '360'],
    ['RPUSH', 'big', ...Array.from({ length: 50 }, () => 'dup')],
    ['LINSERT', 'big', 'AFTER', 'e100', 'dup'],
    ['LREM', 'big', '-30', 'dup'],
    ['LREM', 'big', '0', 'dup'],
    ['LPOP', 'big', '123'],
    ['RPOP', 'big', '77'],
    ['LTRIM', 'big', '13', '-29'],
    ['LRANGE', 'big', '0', '-1'],
    ['LMOVE', 'big', 'big', 'LEFT', 'RIGHT'],
    ['LRANGE', 'big', '-3', '-1'],
    ['LLEN', 'big'],
    ['CONFIG', 'SET', 'list-max-ziplist-size', '-2'],
    ['RPUSH', 'huge', ...elements(3000, 'element:')],
    ['LRANGE', 'huge', '1000', '2999'],
    ['LINDEX', 'huge', '1500'],
    ['LREM', 'huge', '0', 'element:2001'],
    ['LTRIM', 'huge', '1', '-2'],
    ['LLEN', 'huge'],
  ],
  'BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP: served at once, short timeouts, argument errors': [
    ['RPUSH', 'a', '1', '2', '3'],
    ['RPUSH', 'b', 'x'],
    ['BLPOP', 'nokey', 'a', '0'],
    ['BRPOP', 'a', 'b', '1'],
    ['BLPOP', 'nokey', 'nokey2', '0.01'],
    ['BRPOP', 'nokey', '0.02'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0'],
    ['BLMOVE', 'nokey', 'b', 'LEFT', 'RIGHT', '0.01'],
    ['BRPOPLPUSH', 'b', 'c', '0'],
    ['BRPOPLPUSH', 'nokey', 'c', '0.01'],
    ['LRANGE', 'b', '0', '-1'],
    ['LRANGE', 'c', '0', '-1'],
    ['BLMPOP', '0', '2', 'nokey', 'b', 'RIGHT', 'COUNT', '5'],
    ['BLMPOP', '0.01', '1', 'nokey', 'LEFT'],
    ['BLMPOP', '0', '1', 'c', 'LEFT', 'COUNT', '1'],
    ['EXISTS', 'a', 'b', 'c'],
    ['BLPOP', 'a', '-1'],
    ['BLPOP', 'a', 'abc'],
    // 1e20 and inf: 7.2 answers "timeout is out of range" (as shardcache), 7.0 "timeout is negative" (its
    // long long overflowed): in spec/commands/list-blocking.spec.ts.
    ['BLPOP', 'a', '-inf'],
    ['BLPOP', 'a', 'nan'],
    ['BLPOP', 'a', ''],
    ['BLPOP', 'a', ' 1'],
    ['BLPOP', 'nokey', '0x1p-12'],
    ['BLMOVE', 'a', 'b', 'UP', 'LEFT', 'x'],
    ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', 'x'],
    ['BRPOPLPUSH', 'a', 'b', '-1'],
    ['BLMPOP', 'x', '0', 'a', 'LEFT'],
    ['BLMPOP', '0', '0', 'a', 'LEFT'],
    ['BLMPOP', '-1', '1', 'a', 'LEFT'],
    ['BLMPOP', 'x', '1', 'a', 'UP'],
    ['BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0'],
    ['SET', 's', 'v'],
    ['BLPOP', 's', '0'],
    ['BLPOP', 'nokey', 's', '0'],
    ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'],
    ['RPUSH', 'l', 'v'],
    ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', '0'],
    ['BLMOVE', 'nokey', 's', 'LEFT', 'LEFT', '0.01'],
    ['BLMPOP', '0', '2', 's', 'l', 'LEFT'],
    ['LRANGE', 'l', '0', '-1'],
  ],
  'the keyspace: TYPE, OBJECT ENCODING, COPY, RENAME, EXPIRE, DEL, SCAN TYPE, DUMP': [
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['TYPE', 'l'],
    n(encoding, 'OBJECT', 'ENCODING', 'l'),
    ['COPY', 'l', 'c'],
    ['LPUSH', 'c', 'only-in-copy'],
    ['LRANGE', 'l', '0', '-1'],
    ['LRANGE', 'c', '0', '-1'],
    ['RENAME', 'c', 'r'],
    ['LRANGE', 'r', '0', '-1'],
    ['EXISTS', 'c'],
    ['COPY', 'l', 'r'],
    ['COPY', 'l', 'r', 'REPLACE'],
    ['LRANGE', 'r', '0', '-1'],
    ['EXPIRE', 'l', '100'],
    ['LPUSH', 'l', 'z'],
    n(ttl, 'TTL', 'l'),
    n(payload, 'DUMP', 'l'),
    n(payload, 'DUMP', 'nokey'),
    ['SET', 's', 'v'],
    n(scanned(), 'SCAN', '0', 'TYPE', 'list', 'COUNT', '100'),
    n(scanned(), 'SCAN', '0', 'TYPE', 'string', 'COUNT', '100'),
    ['DEL', 'l', 'r'],
    ['TYPE', 'l'],
    ['DBSIZE'],
  ],
};

// ---- the seeded random sequence ----

const KEYS = ['l0', 'l1', 'l2', 's'];
const ELEMENTS = ['', 'a', 'b', 'c', '0', '1', '-1', '42', I64_MAX, 'hello world', 'x'.repeat(70), '\x00\xff\r\n'];
const INDEXES = ['0', '1', '2', '-1', '-2', '-3', '5', '-10', '100', 'x'];
const COUNTS = ['0', '1', '2', '3', '-1', '-2', '10', 'x'];
const SIDES = ['LEFT', 'RIGHT'];

/** `count` commands of the list family (and a few string and keyspace ones for WRONGTYPE and moves) over four keys. */
export function randomListSequence(seed: number, count: number): Step[] {
  const r = rng(seed);
  const k = () => r.pick(KEYS);
  const e = () => r.pick(ELEMENTS);
  const els = (): string[] => Array.from({ length: 1 + r.int(4) }, e);
  const i = () => r.pick(INDEXES);
  const gens: (() => Step)[] = [
    () => ['LPUSH', k(), ...els()],
    () => ['RPUSH', k(), ...els()],
    () => ['RPUSH', k(), ...els()],
    () => [r.pick(['LPUSHX', 'RPUSHX']), k(), ...els()],
    () => [r.pick(['LPOP', 'RPOP']), k()],
    () => [r.pick(['LPOP', 'RPOP']), k(), r.pick(COUNTS)],
    () => ['LLEN', k()],
    () => ['LRANGE', k(), i(), i()],
    () => ['LRANGE', k(), '0', '-1'],
    () => ['LRANGE', k(), '0', '-1'],
    () => ['LINDEX', k(), i()],
    () => ['LSET', k(), i(), e()],
    () => ['LINSERT', k(), r.pick(['BEFORE', 'AFTER']), e(), e()],
    () => ['LREM', k(), r.pick(COUNTS), e()],
    () => ['LTRIM', k(), i(), i()],
    () => ['LPOS', k(), e(), ...(r.chance(0.5) ? ['RANK', r.pick(['1', '2', '-1', '-2', '0'])] : []), ...(r.chance(0.5) ? ['COUNT', r.pick(['0', '1', '2'])] : []), ...(r.chance(0.3) ? ['MAXLEN', r.pick(['0', '1', '3'])] : [])],
    () => ['LMOVE', k(), k(), r.pick(SIDES), r.pick(SIDES)],
    () => ['RPOPLPUSH', k(), k()],
    () => ['LMPOP', '2', k(), k(), r.pick(SIDES), ...(r.chance(0.5) ? ['COUNT', r.pick(['1', '2', '5'])] : [])],
    () => [r.pick(['BLPOP', 'BRPOP']), k(), k(), '0.01'],
    () => ['BLMOVE', k(), k(), r.pick(SIDES), r.pick(SIDES), '0.01'],
    () => ['BRPOPLPUSH', k(), k(), '0.01'],
    () => ['BLMPOP', '0.01', '2', k(), k(), r.pick(SIDES), ...(r.chance(0.5) ? ['COUNT', r.pick(['1', '3'])] : [])],
    () => ['TYPE', k()],
    () => n(encoding, 'OBJECT', 'ENCODING', k()),
    () => ['EXISTS', k(), k()],
    () => ['DEL', k()],
    () => [r.pick(['RENAME', 'RENAMENX']), k(), k()],
    () => ['COPY', k(), k(), ...(r.chance(0.5) ? ['REPLACE'] : [])],
    () => ['SET', k(), e()],
    () => ['GET', k()],
  ];
  const out: Step[] = [];
  for (let c = 0; c < count; c++) out.push(r.pick(gens)());
  return out;
}

const LIST_COMMANDS = ['blpop', 'blmpop', 'lpush', 'rpush', 'lpushx', 'rpushx', 'lpop', 'rpop', 'llen', 'lrange', 'lindex', 'lset', 'linsert', 'lrem', 'ltrim', 'lpos', 'lmove', 'rpoplpush', 'lmpop'];

(haveRedis ? needs(LIST_COMMANDS) : describe.skip)('differential: lists against redis-server 7', function () {
  this.timeout(60000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
  });
  after(async () => {
    await pair?.stop();
  });
  beforeEach(async () => {
    await pair.expectSame([['CONFIG', 'SET', 'list-max-listpack-size', '-2']], { resp: 2, label: 'defaults' });
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, steps] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(steps.length);
        });
      }
      for (const seed of [7, 12, 2025]) {
        it(`a seeded random sequence (seed ${seed}, 500 commands)`, async () => {
          const steps = randomListSequence(seed, 500);
          const got = await pair.expectSame(steps, { resp, label: `seed ${seed}` });
          expect(got.length).to.equal(500);
          // The sequence must reach non-empty lists, not only errors and nils.
          const full = got.filter((c) => c.cmd[0] === 'LRANGE' && c.redis.length > 20);
          expect(full.length).to.be.greaterThan(10);
        });
      }
      it('a seeded random sequence with one element per chunk (list-max-listpack-size 1)', async () => {
        const steps: Step[] = [['CONFIG', 'SET', 'list-max-listpack-size', '1'], ...randomListSequence(99, 400)];
        await pair.expectSame(steps, { resp, label: 'seed 99, fill 1' });
      });
    });
  }

  it('RESP3 shapes: nulls of LPOP, LPOP with a count, LINDEX, LPOS, LMPOP and LMOVE are _', async () => {
    const got = await pair.expectSame(
      [['LPOP', 'none'], ['LPOP', 'none', '2'], ['LINDEX', 'none', '0'], ['LPOS', 'none', 'a'], ['LMPOP', '1', 'none', 'LEFT'], ['LMOVE', 'none', 'x', 'LEFT', 'LEFT'], ['LPOS', 'none', 'a', 'COUNT', '1']],
      { resp: 3 },
    );
    expect(got.map((c) => c.redis.toString('latin1'))).to.deep.equal(['_\r\n', '_\r\n', '_\r\n', '_\r\n', '_\r\n', '_\r\n', '*0\r\n']);
    const two = await pair.expectSame([['LPOP', 'none'], ['LPOP', 'none', '2'], ['LMPOP', '1', 'none', 'LEFT']], { resp: 2 });
    expect(two.map((c) => c.redis.toString('latin1'))).to.deep.equal(['$-1\r\n', '*-1\r\n', '*-1\r\n']);
  });
});
