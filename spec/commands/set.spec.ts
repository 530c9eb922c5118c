// Set family through the real dispatcher: replies and error texts as Redis 7.2 (t_set.c), RESP3 shapes
// (`~` sets where Redis writes them), OBJECT ENCODING against the set-max-* directives, the effects sent to
// replicas, DUMP/RESTORE/COPY/RENAME/TYPE, random replies by what is certain, bad input.
import { expect } from 'chai';
import { SRANDMEMBER_MAX_REPEATS } from '../../lib/commands/set';
import { crc64 } from '../../lib/store/dump';
import { SetValue } from '../../lib/store/set';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';
const POSITIVE = 'ERR value is out of range, must be positive';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

const sorted = (r: unknown) => [...(r as string[])].sort();

describe('set commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD', () => {
    it('SADD counts added members; SREM removed ones; the last member takes the key with it', () => {
      expect(n.run('SADD', 's', 'a', 'b', 'a')).to.equal(2);
      expect(n.run('SADD', 's', 'b', 'c')).to.equal(1);
      expect(n.run('SCARD', 's')).to.equal(3);
      expect(n.run('SISMEMBER', 's', 'a')).to.equal(1);
      expect(n.run('SISMEMBER', 's', 'z')).to.equal(0);
      expect(n.run('SISMEMBER', 'nokey', 'a')).to.equal(0);
      expect(n.run('SMISMEMBER', 's', 'a', 'z', 'c')).to.deep.equal([1, 0, 1]);
      expect(n.run('SMISMEMBER', 'nokey', 'a', 'b')).to.deep.equal([0, 0]);
      expect(n.run('SREM', 's', 'a', 'z', 'a')).to.equal(1);
      expect(n.run('SREM', 'nokey', 'a')).to.equal(0);
      expect(n.run('SMEMBERS', 's')).to.deep.equal(['b', 'c']);
      expect(n.run('SREM', 's', 'b', 'c')).to.equal(2);
      expect(n.run('EXISTS', 's')).to.equal(0);
      expect(n.run('SMEMBERS', 's')).to.deep.equal([]);
      expect(n.run('SCARD', 's')).to.equal(0);
      expect(n.run('TYPE', 's')).to.equal('none');
    });

    it('SMEMBERS: an intset ascending, a listpack in insertion order (after deletes too)', () => {
      n.run('SADD', 'i', '10', '-3', '7', '9223372036854775807', '-9223372036854775808');
      expect(n.run('SMEMBERS', 'i')).to.deep.equal(['-9223372036854775808', '-3', '7', '10', '9223372036854775807']);
      n.run('SADD', 'l', 'z', 'y', 'x', 'w');
      n.run('SREM', 'l', 'y');
      n.run('SADD', 'l', 'y', 'v');
      expect(n.run('SMEMBERS', 'l')).to.deep.equal(['z', 'x', 'w', 'y', 'v']);
      n.run('SADD', 'm', '5', '2', 'a');
      expect(n.run('SMEMBERS', 'm')).to.deep.equal(['2', '5', 'a']);
    });

    it('is binary-safe, with the empty member', () => {
      const bin = '\x00\xff\r\n\x01';
      expect(n.run('SADD', 's', bin, '', 'x')).to.equal(3);
      expect(n.run('SISMEMBER', 's', bin)).to.equal(1);
      expect(n.run('SISMEMBER', 's', '')).to.equal(1);
      expect(sorted(n.run('SMEMBERS', 's'))).to.deep.equal(['', bin, 'x'].sort());
      expect(n.run('SREM', 's', '')).to.equal(1);
      expect(n.run('SISMEMBER', 's', '')).to.equal(0);
    });

    it('deleting the last member gives the memory back', () => {
      const before = n.node.env.memory.used;
      n.run('SADD', 's', 'a', 'b');
      expect(n.node.env.memory.used).to.be.greaterThan(before);
      n.run('SREM', 's', 'a', 'b');
      expect(n.node.env.memory.used).to.equal(before);
    });

    it('WRONGTYPE on a string; arity errors', () => {
      n.run('SET', 'str', 'v');
      for (const cmd of [
        ['SADD', 'str', 'a'],
        ['SREM', 'str', 'a'],
        ['SMEMBERS', 'str'],
        ['SISMEMBER', 'str', 'a'],
        ['SMISMEMBER', 'str', 'a'],
        ['SCARD', 'str'],
        ['SPOP', 'str'],
        ['SPOP', 'str', '0'],
        ['SRANDMEMBER', 'str'],
        ['SRANDMEMBER', 'str', '0'],
        ['SSCAN', 'str', '0'],
        ['SINTER', 'str'],
        ['SUNION', 'str'],
        ['SDIFF', 'str'],
        ['SINTERCARD', '1', 'str'],
      ]) {
        expect(errorOf(n.run(...cmd)), cmd.join(' ')).to.equal(WRONGTYPE);
      }
      expect(errorOf(n.run('SADD', 's'))).to.equal("ERR wrong number of arguments for 'sadd' command");
      expect(errorOf(n.run('SISMEMBER', 's'))).to.equal("ERR wrong number of arguments for 'sismember' command");
      expect(errorOf(n.run('SMOVE', 'a', 'b'))).to.equal("ERR wrong number of arguments for 'smove' command");
    });

    it('RESP3: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply sets; SRANDMEMBER and SSCAN arrays', () => {
      n.run('SADD', 's', '1', '2');
      n.raw(['HELLO', '3']);
      expect(n.raw(['SMEMBERS', 's'])).to.equal('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SMEMBERS', 'nokey'])).to.equal('~0\r\n');
      expect(n.raw(['SINTER', 's', 's'])).to.equal('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SINTER', 's', 'nokey'])).to.equal('~0\r\n');
      expect(n.raw(['SUNION', 's', 'nokey'])).to.equal('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SDIFF', 's', 's'])).to.equal('~0\r\n');
      expect(n.raw(['SRANDMEMBER', 's', '5'])).to.equal('*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SRANDMEMBER', 'nokey', '5'])).to.equal('*0\r\n');
      expect(n.raw(['SRANDMEMBER', 'nokey'])).to.equal('_\r\n');
      expect(n.raw(['SPOP', 'nokey'])).to.equal('_\r\n');
      expect(n.raw(['SPOP', 'nokey', '3'])).to.equal('~0\r\n');
      expect(n.raw(['SPOP', 's', '0'])).to.equal('~0\r\n');
      expect(n.raw(['SSCAN', 's', '0'])).to.equal('*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SPOP', 's', '5'])).to.equal('~2\r\n$1\r\n1\r\n$1\r\n2\r\n');
      expect(n.raw(['SMISMEMBER', 's', 'a'])).to.equal('*1\r\n:0\r\n');
    });
  });

  describe('OBJECT ENCODING follows set-max-intset-entries, set-max-listpack-entries and set-max-listpack-value', () => {
    const enc = (k: string) => n.run('OBJECT', 'ENCODING', k);

    it('intset -> listpack -> hashtable, one way', () => {
      n.run('SADD', 's', '1', '2');
      expect(enc('s')).to.equal('intset');
      n.run('SADD', 's', 'a');
      expect(enc('s')).to.equal('listpack');
      n.run('SADD', 's', 'x'.repeat(65));
      expect(enc('s')).to.equal('hashtable');
      n.run('SREM', 's', 'x'.repeat(65), 'a');
      expect(enc('s')).to.equal('hashtable');
      n.run('SADD', 'big', ...Array.from({ length: 129 }, (_, i) => `m${i}`));
      expect(enc('big')).to.equal('hashtable');
      n.run('SADD', 'lp', ...Array.from({ length: 128 }, (_, i) => `m${i}`));
      expect(enc('lp')).to.equal('listpack');
      n.run('SADD', 'lp', 'one-more');
      expect(enc('lp')).to.equal('hashtable');
    });

    it('an intset past set-max-intset-entries is a hashtable, even when a listpack would fit', () => {
      n.run('CONFIG', 'SET', 'set-max-intset-entries', '3');
      n.run('SADD', 'i', '1', '2', '3');
      expect(enc('i')).to.equal('intset');
      n.run('SADD', 'i', '4');
      expect(enc('i')).to.equal('hashtable');
    });

    it('only canonical 64-bit integers make an intset', () => {
      for (const [m, want] of [
        ['0', 'intset'],
        ['-1', 'intset'],
        ['9223372036854775807', 'intset'],
        ['9223372036854775808', 'listpack'],
        ['-0', 'listpack'],
        ['01', 'listpack'],
        ['+1', 'listpack'],
        [' 1', 'listpack'],
        ['1.0', 'listpack'],
      ]) {
        n.run('DEL', 'k');
        n.run('SADD', 'k', m);
        expect(enc('k'), m).to.equal(want);
      }
    });

    it('the argument count decides first (setTypeCreate / setTypeMaybeConvert): many duplicates make a hashtable', () => {
      n.run('SADD', 'dups', ...Array(200).fill('a'));
      expect(n.run('SCARD', 'dups')).to.equal(1);
      expect(enc('dups')).to.equal('hashtable');
      n.run('SADD', 'ints', ...Array(600).fill('7'));
      expect(enc('ints')).to.equal('hashtable');
      n.run('SADD', 'ints2', ...Array(500).fill('7'));
      expect(enc('ints2')).to.equal('intset');
      n.run('SADD', 'lp', 'a');
      n.run('SADD', 'lp', ...Array(129).fill('a'));
      expect(enc('lp')).to.equal('hashtable');
    });

    it('a changed limit applies at the next write that looks at it, never backwards', () => {
      n.run('SADD', 's', 'a', 'b', 'c');
      n.run('CONFIG', 'SET', 'set-max-listpack-entries', '2');
      expect(enc('s')).to.equal('listpack');
      n.run('SADD', 's', 'd');
      expect(enc('s')).to.equal('hashtable');
      n.run('CONFIG', 'SET', 'set-max-listpack-entries', '128');
      n.run('SREM', 's', 'a', 'b', 'c');
      expect(enc('s')).to.equal('hashtable');
    });

    it('CONFIG GET / SET the three directives', () => {
      expect(n.run('CONFIG', 'GET', 'set-max-*')).to.deep.equal(['set-max-intset-entries', '512', 'set-max-listpack-entries', '128', 'set-max-listpack-value', '64']);
      expect(n.run('CONFIG', 'SET', 'set-max-listpack-value', '10')).to.equal('OK');
      expect(n.run('CONFIG', 'GET', 'set-max-listpack-value')).to.deep.equal(['set-max-listpack-value', '10']);
      n.run('SADD', 's', 'a', 'abcdefghijk');
      expect(enc('s')).to.equal('hashtable');
    });

    it('SMOVE creates the destination as setTypeCreate for one member', () => {
      n.run('SADD', 'src', 'a', '5');
      n.run('SMOVE', 'src', 'd1', '5');
      expect(enc('d1')).to.equal('intset');
      n.run('SMOVE', 'src', 'd2', 'a');
      expect(enc('d2')).to.equal('listpack');
    });
  });

  describe('SPOP', () => {
    it('without count: a member, removed; nil when missing; the key goes with its last member', () => {
      n.run('SADD', 's', 'a', 'b');
      const m = n.run('SPOP', 's') as string;
      expect(['a', 'b']).to.include(m);
      expect(n.run('SISMEMBER', 's', m)).to.equal(0);
      n.run('SPOP', 's');
      expect(n.run('EXISTS', 's')).to.equal(0);
      expect(n.run('SPOP', 's')).to.equal(null);
    });

    it('with count: distinct members, removed; the whole set when count covers it; 0 or missing: empty', () => {
      const all = Array.from({ length: 20 }, (_, i) => `m${i}`);
      n.run('SADD', 's', ...all);
      const got = n.run('SPOP', 's', '3') as string[];
      expect(got.length).to.equal(3);
      expect(new Set(got).size).to.equal(3);
      for (const m of got) expect(all).to.include(m);
      expect(n.run('SCARD', 's')).to.equal(17);
      const most = n.run('SPOP', 's', '15') as string[]; // CASE 3: the two that stay go to a new set
      expect(new Set(most).size).to.equal(15);
      expect(n.run('SCARD', 's')).to.equal(2);
      const rest = n.run('SPOP', 's', '100') as string[];
      expect(rest.length).to.equal(2);
      expect(new Set([...got, ...most, ...rest]).size).to.equal(20);
      expect(n.run('EXISTS', 's')).to.equal(0);
      expect(n.run('SPOP', 's', '0')).to.deep.equal([]);
      expect(n.run('SPOP', 'nokey', '5')).to.deep.equal([]);
    });

    it('the whole set comes in SUNION order: an intset ascending', () => {
      n.run('SADD', 'i', '3', '1', '2');
      expect(n.run('SPOP', 'i', '3')).to.deep.equal(['1', '2', '3']);
    });

    it('a listpack pops in its order (CASE 2), and the members left keep theirs (CASE 3)', () => {
      const all = Array.from({ length: 50 }, (_, i) => `m${String(i).padStart(2, '0')}`);
      n.run('SADD', 's', ...all);
      const got = n.run('SPOP', 's', '4') as string[];
      expect(got).to.deep.equal([...got].sort());
      const popped = n.run('SPOP', 's', '42') as string[];
      expect(popped).to.deep.equal([...popped].sort());
      const left = n.run('SMEMBERS', 's') as string[];
      expect(left.length).to.equal(4);
      expect(left).to.deep.equal([...left].sort());
      expect(n.run('OBJECT', 'ENCODING', 's')).to.equal('listpack');
    });

    it('CASE 3 rebuilds what stays: a hashtable left with few short members becomes a listpack, an intset stays one', () => {
      n.run('SADD', 'h', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('hashtable');
      n.run('SPOP', 'h', '290');
      expect(n.run('SCARD', 'h')).to.equal(10);
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('listpack');
      n.run('SADD', 'h2', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
      n.run('SPOP', 'h2', '10'); // CASE 2: stays a hashtable
      expect(n.run('OBJECT', 'ENCODING', 'h2')).to.equal('hashtable');
      n.run('SADD', 'i', ...Array.from({ length: 300 }, (_, i) => String(i)));
      n.run('SPOP', 'i', '295');
      expect(n.run('OBJECT', 'ENCODING', 'i')).to.equal('intset');
      const left = n.run('SMEMBERS', 'i') as string[];
      expect(left.map(Number)).to.deep.equal([...left.map(Number)].sort((a, b) => a - b));
    });

    it('keeps the TTL (CASE 3 replaces the value, not the key)', () => {
      n.run('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
      n.run('EXPIRE', 's', '100');
      n.run('SPOP', 's', '19');
      expect(n.run('TTL', 's')).to.equal(100);
    });

    it('errors: count negative or not an integer (Redis says "must be positive" for both), more arguments', () => {
      n.run('SADD', 's', 'a');
      expect(errorOf(n.run('SPOP', 's', '-1'))).to.equal(POSITIVE);
      expect(errorOf(n.run('SPOP', 's', 'x'))).to.equal(POSITIVE);
      expect(errorOf(n.run('SPOP', 's', '1.5'))).to.equal(POSITIVE);
      expect(errorOf(n.run('SPOP', 's', '99999999999999999999'))).to.equal(POSITIVE);
      expect(errorOf(n.run('SPOP', 'nokey', '-1'))).to.equal(POSITIVE);
      expect(errorOf(n.run('SPOP', 's', '1', '2'))).to.equal(SYNTAX);
      expect(n.run('SPOP', 's', '9223372036854775807')).to.deep.equal(['a']);
    });
  });

  describe('SRANDMEMBER', () => {
    beforeEach(() => {
      n.run('SADD', 's', 'a', 'b', 'c', 'd', 'e');
    });

    it('without count: a member; nil when missing', () => {
      expect(['a', 'b', 'c', 'd', 'e']).to.include(n.run('SRANDMEMBER', 's'));
      expect(n.run('SRANDMEMBER', 'nokey')).to.equal(null);
      expect(n.run('SCARD', 's')).to.equal(5);
    });

    it('positive count: distinct members, at most SCARD; the whole set in order when it covers it', () => {
      const three = n.run('SRANDMEMBER', 's', '3') as string[];
      expect(three.length).to.equal(3);
      expect(new Set(three).size).to.equal(3);
      expect(three).to.deep.equal([...three].sort()); // a listpack's picks come in its order
      expect(n.run('SRANDMEMBER', 's', '5')).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      expect(n.run('SRANDMEMBER', 's', '9223372036854775807')).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      expect((n.run('SRANDMEMBER', 's', '1') as string[]).length).to.equal(1);
    });

    it('negative count: exactly |count| members, repeats allowed; 0 and missing keys: empty', () => {
      const got = n.run('SRANDMEMBER', 's', '-50') as string[];
      expect(got.length).to.equal(50);
      for (const m of got) expect(['a', 'b', 'c', 'd', 'e']).to.include(m);
      expect(new Set(got).size).to.be.above(1);
      expect(n.run('SRANDMEMBER', 's', '0')).to.deep.equal([]);
      expect(n.run('SRANDMEMBER', 'nokey', '-5')).to.deep.equal([]);
      expect(n.run('SRANDMEMBER', 'nokey', '5')).to.deep.equal([]);
    });

    it('a hashtable gives distinct members for every count (few of many, most of many)', () => {
      n.run('SADD', 'h', ...Array.from({ length: 1000 }, (_, i) => `m${i}`));
      for (const k of [2, 10, 400, 999]) {
        const got = n.run('SRANDMEMBER', 'h', String(k)) as string[];
        expect(got.length).to.equal(k);
        expect(new Set(got).size).to.equal(k);
      }
    });

    it('errors: not an integer, -2^63 (out of range), too many repeats (ours), more arguments', () => {
      expect(errorOf(n.run('SRANDMEMBER', 's', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SRANDMEMBER', 's', '99999999999999999999'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SRANDMEMBER', 's', '-9223372036854775808'))).to.equal(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      );
      expect(errorOf(n.run('SRANDMEMBER', 's', String(-(SRANDMEMBER_MAX_REPEATS + 1))))).to.equal('ERR value is out of range');
      expect(n.run('SRANDMEMBER', 'nokey', String(-(SRANDMEMBER_MAX_REPEATS + 1)))).to.deep.equal([]);
      expect(errorOf(n.run('SRANDMEMBER', 's', '1', '2'))).to.equal(SYNTAX);
    });
  });

  describe('SMOVE', () => {
    it('moves a member; 0 when the source lacks it or is missing; the same set answers membership', () => {
      n.run('SADD', 'a', 'x', 'y');
      n.run('SADD', 'b', 'z');
      expect(n.run('SMOVE', 'a', 'b', 'x')).to.equal(1);
      expect(n.run('SMEMBERS', 'a')).to.deep.equal(['y']);
      expect(sorted(n.run('SMEMBERS', 'b'))).to.deep.equal(['x', 'z']);
      expect(n.run('SMOVE', 'a', 'b', 'nope')).to.equal(0);
      expect(n.run('SMOVE', 'nokey', 'b', 'x')).to.equal(0);
      expect(n.run('SMOVE', 'b', 'b', 'x')).to.equal(1);
      expect(n.run('SMOVE', 'b', 'b', 'nope')).to.equal(0);
      expect(n.run('SMOVE', 'b', 'a', 'x')).to.equal(1);
      expect(n.run('SMOVE', 'a', 'c', 'y')).to.equal(1);
      expect(n.run('SMOVE', 'a', 'c', 'x')).to.equal(1);
      expect(n.run('EXISTS', 'a')).to.equal(0);
      expect(sorted(n.run('SMEMBERS', 'c'))).to.deep.equal(['x', 'y']);
      n.run('SADD', 'd', 'x');
      expect(n.run('SMOVE', 'c', 'd', 'x')).to.equal(1);
      expect(n.run('SMEMBERS', 'c')).to.deep.equal(['y']);
    });

    it('WRONGTYPE for the source or the destination, but not when the source is missing', () => {
      n.run('SET', 'str', 'v');
      n.run('SADD', 's', 'x');
      expect(errorOf(n.run('SMOVE', 'str', 's', 'x'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('SMOVE', 's', 'str', 'x'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('SMOVE', 's', 'str', 'nope'))).to.equal(WRONGTYPE);
      expect(n.run('SMOVE', 'nokey', 'str', 'x')).to.equal(0);
      expect(n.run('SISMEMBER', 's', 'x')).to.equal(1);
    });
  });

  describe('SINTER, SINTERCARD, SUNION, SDIFF and the STORE forms', () => {
    beforeEach(() => {
      n.run('SADD', 'a', '1', '2', '3', 'x');
      n.run('SADD', 'b', '2', '3', '4');
      n.run('SADD', 'c', '3', 'x', 'y');
    });

    it('SINTER walks the smallest set in its order; a missing key empties the result', () => {
      expect(n.run('SINTER', 'a', 'b')).to.deep.equal(['2', '3']);
      expect(n.run('SINTER', 'a', 'b', 'c')).to.deep.equal(['3']);
      expect(n.run('SINTER', 'a', 'c')).to.deep.equal(['3', 'x']);
      expect(n.run('SINTER', 'a')).to.deep.equal(['1', '2', '3', 'x']);
      expect(n.run('SINTER', 'a', 'a')).to.deep.equal(['1', '2', '3', 'x']);
      expect(n.run('SINTER', 'a', 'nokey')).to.deep.equal([]);
      n.run('SET', 'str', 'v');
      expect(errorOf(n.run('SINTER', 'nokey', 'str'))).to.equal(WRONGTYPE);
    });

    it('SUNION and SDIFF in the order of Redis\'s temporary set (an intset, then a listpack)', () => {
      expect(n.run('SUNION', 'a', 'b')).to.deep.equal(['1', '2', '3', 'x', '4']);
      expect(n.run('SUNION', 'b', 'a')).to.deep.equal(['1', '2', '3', '4', 'x']);
      expect(n.run('SUNION', 'nokey')).to.deep.equal([]);
      expect(n.run('SDIFF', 'a', 'b')).to.deep.equal(['1', 'x']);
      expect(n.run('SDIFF', 'a', 'b', 'c')).to.deep.equal(['1']);
      expect(n.run('SDIFF', 'a', 'nokey')).to.deep.equal(['1', '2', '3', 'x']);
      expect(n.run('SDIFF', 'nokey', 'a')).to.deep.equal([]);
      expect(n.run('SDIFF', 'a', 'b', 'a')).to.deep.equal([]);
      expect(n.run('SDIFF', 'a')).to.deep.equal(['1', '2', '3', 'x']);
    });

    it('SDIFF with many small sets to subtract (Redis\'s algorithm 2) gives the same members', () => {
      n.run('SADD', 'big', ...Array.from({ length: 50 }, (_, i) => String(i)));
      n.run('SADD', 'one', '1');
      n.run('SADD', 'two', '2');
      expect((n.run('SDIFF', 'big', 'one', 'two') as string[]).length).to.equal(48);
      expect(n.run('SDIFFSTORE', 'd', 'big', 'one', 'two')).to.equal(48);
      expect(n.run('OBJECT', 'ENCODING', 'd')).to.equal('intset');
    });

    it('SINTERCARD counts, stops at LIMIT; its errors', () => {
      expect(n.run('SINTERCARD', '2', 'a', 'b')).to.equal(2);
      expect(n.run('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).to.equal(1);
      expect(n.run('SINTERCARD', '2', 'a', 'b', 'limit', '0')).to.equal(2);
      expect(n.run('SINTERCARD', '1', 'a')).to.equal(4);
      expect(n.run('SINTERCARD', '2', 'a', 'nokey')).to.equal(0);
      expect(errorOf(n.run('SINTERCARD', '0', 'a'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('SINTERCARD', 'x', 'a'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('SINTERCARD', '-1', 'a'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('SINTERCARD', '3', 'a', 'b'))).to.equal("ERR Number of keys can't be greater than number of args");
      expect(errorOf(n.run('SINTERCARD', '1', 'a', 'LIMIT', '-1'))).to.equal("ERR LIMIT can't be negative");
      expect(errorOf(n.run('SINTERCARD', '1', 'a', 'LIMIT', 'x'))).to.equal("ERR LIMIT can't be negative");
      expect(errorOf(n.run('SINTERCARD', '1', 'a', 'LIMIT'))).to.equal(SYNTAX);
      expect(errorOf(n.run('SINTERCARD', '1', 'a', 'b'))).to.equal(SYNTAX);
      expect(n.run('COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1')).to.deep.equal(['a', 'b']);
    });

    it('the STORE forms store the result (dropping the TTL) and reply its size; an empty result deletes', () => {
      n.run('SET', 'dst', 'string');
      n.run('EXPIRE', 'dst', '100');
      expect(n.run('SINTERSTORE', 'dst', 'a', 'b')).to.equal(2);
      expect(n.run('TYPE', 'dst')).to.equal('set');
      expect(n.run('TTL', 'dst')).to.equal(-1);
      expect(n.run('SMEMBERS', 'dst')).to.deep.equal(['2', '3']);
      expect(n.run('SUNIONSTORE', 'dst', 'a', 'b')).to.equal(5);
      expect(n.run('SMEMBERS', 'dst')).to.deep.equal(['1', '2', '3', 'x', '4']);
      expect(n.run('SDIFFSTORE', 'dst', 'a', 'b')).to.equal(2);
      expect(n.run('SMEMBERS', 'dst')).to.deep.equal(['1', 'x']);
      expect(n.run('SINTERSTORE', 'dst', 'a', 'nokey')).to.equal(0);
      expect(n.run('EXISTS', 'dst')).to.equal(0);
      expect(n.run('SDIFFSTORE', 'dst', 'a', 'a')).to.equal(0);
      expect(n.run('SUNIONSTORE', 'a', 'a', 'b')).to.equal(5);
      expect(n.run('SCARD', 'a')).to.equal(5);
      n.run('SET', 'str', 'v');
      expect(errorOf(n.run('SUNIONSTORE', 'dst', 'a', 'str'))).to.equal(WRONGTYPE);
      expect(n.run('SUNIONSTORE', 'str', 'a')).to.equal(5);
      expect(n.run('TYPE', 'str')).to.equal('set');
    });

    it('stored encodings as Redis builds them', () => {
      const enc = (k: string) => n.run('OBJECT', 'ENCODING', k);
      n.run('SINTERSTORE', 'd', 'a', 'b');
      expect(enc('d')).to.equal('intset'); // smallest set b is an intset
      n.run('SADD', 'h', ...Array.from({ length: 200 }, (_, i) => String(i)), 'str');
      n.run('SADD', 'h2', ...Array.from({ length: 200 }, (_, i) => String(i)), 'other');
      n.run('SINTERSTORE', 'd', 'h', 'h2');
      expect(enc('d')).to.equal('intset'); // integers only: an intset at the end
      n.run('SINTERSTORE', 'd', 'a', 'c');
      expect(enc('d')).to.equal('listpack');
      n.run('SUNIONSTORE', 'd', 'b');
      expect(enc('d')).to.equal('intset');
      n.run('SUNIONSTORE', 'd', 'h');
      expect(enc('d')).to.equal('hashtable');
    });
  });

  describe('SSCAN', () => {
    it('a small set comes whole with cursor 0; MATCH filters; a missing key answers [0, []]', () => {
      n.run('SADD', 's', 'apple', 'banana', 'avocado');
      expect(n.run('SSCAN', 's', '0')).to.deep.equal(['0', ['apple', 'banana', 'avocado']]);
      expect(n.run('SSCAN', 's', '123', 'COUNT', '1')).to.deep.equal(['0', ['apple', 'banana', 'avocado']]);
      expect(n.run('SSCAN', 's', '0', 'MATCH', 'a*')).to.deep.equal(['0', ['apple', 'avocado']]);
      expect(n.run('SSCAN', 'nokey', '0')).to.deep.equal(['0', []]);
      expect(n.run('SSCAN', 'nokey', '0', 'BADOPTION')).to.deep.equal(['0', []]);
    });

    it('a hashtable pages by cursor, returning every member', () => {
      const all = Array.from({ length: 300 }, (_, i) => `m${i}`);
      n.run('SADD', 'h', ...all);
      const got: string[] = [];
      let cursor = '0';
      let calls = 0;
      do {
        const [next, items] = n.run('SSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
        expect(items.length).to.be.at.most(20);
        got.push(...items);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(calls).to.equal(15);
      expect(got.sort()).to.deep.equal([...all].sort());
    });

    it('errors: invalid cursor, COUNT not an integer or < 1, unknown options (TYPE, NOVALUES)', () => {
      n.run('SADD', 's', 'a');
      expect(errorOf(n.run('SSCAN', 's', 'x'))).to.equal('ERR invalid cursor');
      expect(errorOf(n.run('SSCAN', 's', '0', 'COUNT', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('SSCAN', 's', '0', 'COUNT', '0'))).to.equal(SYNTAX);
      expect(errorOf(n.run('SSCAN', 's', '0', 'COUNT'))).to.equal(SYNTAX);
      expect(errorOf(n.run('SSCAN', 's', '0', 'TYPE', 'set'))).to.equal(SYNTAX);
      expect(errorOf(n.run('SSCAN', 's', '0', 'NOVALUES'))).to.equal(SYNTAX);
    });
  });

  describe('DUMP, RESTORE, COPY, RENAME, TYPE, SCAN TYPE', () => {
    it('DUMP/RESTORE round trip keeps members, and the encoding where Redis keeps it', () => {
      n.run('SADD', 'i', '3', '1', '2');
      n.run('SADD', 'l', 'b', 'a', 'c');
      n.run('SADD', 'h', ...Array.from({ length: 200 }, (_, i) => `m${i}`));
      n.run('SADD', 'bin', '\x00\xff', '', 'x'.repeat(70));
      for (const k of ['i', 'l', 'h', 'bin']) {
        const payload = n.run('DUMP', k) as string;
        expect(n.run('RESTORE', `${k}2`, '0', payload)).to.equal('OK');
        expect(sorted(n.run('SMEMBERS', `${k}2`)), k).to.deep.equal(sorted(n.run('SMEMBERS', k)));
        expect(n.run('OBJECT', 'ENCODING', `${k}2`), k).to.equal(n.run('OBJECT', 'ENCODING', k));
      }
      expect(n.run('SMEMBERS', 'l2')).to.deep.equal(['b', 'a', 'c']);
      expect(n.run('SMEMBERS', 'i2')).to.deep.equal(['1', '2', '3']);
    });

    it('RESTORE applies the restoring node\'s limits: a large intset or listpack, or a small hashtable, changes encoding', () => {
      n.run('SADD', 'i', '1', '2', '3');
      n.run('SADD', 'h', ...Array(200).fill('a'), 'b'); // hashtable by argument count, 2 members
      expect(n.run('OBJECT', 'ENCODING', 'h')).to.equal('hashtable');
      const pi = n.run('DUMP', 'i') as string;
      const ph = n.run('DUMP', 'h') as string;
      n.run('CONFIG', 'SET', 'set-max-intset-entries', '2');
      n.run('RESTORE', 'i2', '0', pi);
      expect(n.run('OBJECT', 'ENCODING', 'i2')).to.equal('hashtable');
      n.run('RESTORE', 'h2', '0', ph);
      expect(n.run('OBJECT', 'ENCODING', 'h2')).to.equal('listpack');
    });

    it('RESTORE rejects corrupt set bodies with Bad data format', () => {
      n.run('SADD', 's', 'a', 'b');
      const good = n.run('DUMP', 's') as string;
      // Same checksum scheme: rebuild a payload with a repeated member.
      const body = '\x02\x02\x01\x01a\x01a';
      const bad = withTrailer(body, good);
      expect(errorOf(n.run('RESTORE', 'x', '0', bad))).to.equal('ERR Bad data format');
      const nonInt = withTrailer('\x02\x01\x00\x01a', good);
      expect(errorOf(n.run('RESTORE', 'x', '0', nonInt))).to.equal('ERR Bad data format');
      const badEnc = withTrailer('\x02\x01\x07\x01a', good);
      expect(errorOf(n.run('RESTORE', 'x', '0', badEnc))).to.equal('ERR Bad data format');
      expect(n.run('RESTORE', 'x', '0', withTrailer('\x02\x01\x01\x01a', good))).to.equal('OK');
    });

    it('COPY keeps the encoding and shares nothing; RENAME moves; TYPE and SCAN TYPE say set', () => {
      n.run('SADD', 's', 'a', '1');
      expect(n.run('COPY', 's', 'c')).to.equal(1);
      expect(n.run('OBJECT', 'ENCODING', 'c')).to.equal('listpack');
      n.run('SADD', 'c', 'only-in-copy');
      expect(n.run('SISMEMBER', 's', 'only-in-copy')).to.equal(0);
      n.run('SADD', 'h', ...Array.from({ length: 200 }, (_, i) => `m${i}`));
      n.run('SREM', 'h', ...Array.from({ length: 198 }, (_, i) => `m${i}`));
      n.run('COPY', 'h', 'hc');
      expect(n.run('OBJECT', 'ENCODING', 'hc')).to.equal('hashtable');
      expect(n.run('RENAME', 's', 'r')).to.equal('OK');
      expect(sorted(n.run('SMEMBERS', 'r'))).to.deep.equal(['1', 'a']);
      expect(n.run('TYPE', 'r')).to.equal('set');
      n.run('SET', 'str', 'v');
      const [, keys] = n.run('SCAN', '0', 'TYPE', 'set', 'COUNT', '100') as [string, string[]];
      expect(keys.sort()).to.deep.equal(['c', 'h', 'hc', 'r']);
      expect(n.run('MEMORY', 'USAGE', 'h')).to.be.a('number');
    });
  });

  describe('effects (what replicas receive)', () => {
    beforeEach(() => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'init', '1');
    });

    it('SADD: the members added; SREM: the members removed; no-ops: nothing', () => {
      expect(n.effects(() => n.run('SADD', 's', 'a', 'b', 'a'))).to.deep.equal([['SADD', 's', 'a', 'b']]);
      expect(n.effects(() => n.run('SADD', 's', 'a', 'c'))).to.deep.equal([['SADD', 's', 'c']]);
      expect(n.effects(() => n.run('SADD', 's', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('SREM', 's', 'x', 'a', 'a'))).to.deep.equal([['SREM', 's', 'a']]);
      expect(n.effects(() => n.run('SREM', 's', 'x'))).to.deep.equal([]);
      expect(n.effects(() => n.run('SMEMBERS', 's'))).to.deep.equal([]);
    });

    it('SPOP: SREM of the popped members, in batches of 1024; the whole set: DEL', () => {
      n.run('SADD', 's', 'a', 'b', 'c');
      const e1 = n.effects(() => n.run('SPOP', 's'));
      expect(e1.length).to.equal(1);
      expect(e1[0].slice(0, 2)).to.deep.equal(['SREM', 's']);
      expect(e1[0].length).to.equal(3);
      expect(n.effects(() => n.run('SPOP', 's', '5'))).to.deep.equal([['DEL', 's']]);
      expect(n.effects(() => n.run('SPOP', 's'))).to.deep.equal([]);
      n.run('SADD', 'big', ...Array.from({ length: 3000 }, (_, i) => `m${i}`));
      let popped: string[] = [];
      const e2 = n.effects(() => {
        popped = n.run('SPOP', 'big', '2500') as string[];
      });
      expect(e2.map((c) => c.length - 2)).to.deep.equal([1024, 1024, 452]);
      expect(e2.flatMap((c) => c.slice(2)).sort()).to.deep.equal([...popped].sort());
      expect(n.effects(() => n.run('SPOP', 'big', '0'))).to.deep.equal([]);
    });

    it('SMOVE as sent when it moved; the STORE forms as the resulting state or DEL', () => {
      n.run('SADD', 'a', 'x', 'y');
      expect(n.effects(() => n.run('SMOVE', 'a', 'b', 'x'))).to.deep.equal([['SMOVE', 'a', 'b', 'x']]);
      expect(n.effects(() => n.run('SMOVE', 'a', 'b', 'nope'))).to.deep.equal([]);
      const st = n.effects(() => n.run('SUNIONSTORE', 'd', 'a', 'b'));
      expect(st.map((c) => c[0])).to.deep.equal(['RESTORE']);
      expect(st[0].slice(-2)).to.deep.equal(['REPLACE', 'ABSTTL']);
      expect(n.effects(() => n.run('SINTERSTORE', 'd', 'a', 'nokey'))).to.deep.equal([['DEL', 'd']]);
      expect(n.effects(() => n.run('SINTERSTORE', 'd', 'a', 'nokey'))).to.deep.equal([]);
      expect(n.effects(() => n.run('SINTER', 'a', 'b'))).to.deep.equal([]);
    });

    it('a replica applying them ends with the same sets', () => {
      const replica = new UnitNode();
      const cmds = n.effects(() => {
        n.run('SADD', 's', ...Array.from({ length: 300 }, (_, i) => `m${i}`));
        n.run('SREM', 's', 'm1', 'm2');
        n.run('SPOP', 's', '100');
        n.run('SPOP', 's');
        n.run('SPOP', 's', '190');
        n.run('SADD', 't', '1', '2', '3');
        n.run('SMOVE', 't', 's', '2');
        n.run('SDIFFSTORE', 'u', 's', 't');
      });
      for (const c of cmds) replica.run(...c);
      for (const k of ['s', 't', 'u']) expect(sorted(replica.run('SMEMBERS', k)), k).to.deep.equal(sorted(n.run('SMEMBERS', k)));
    });
  });

  it('bytes stay exact through the commands (the value recounts to what it charges)', () => {
    n.run('SADD', 's', ...Array.from({ length: 500 }, (_, i) => `m${i}`));
    n.run('SPOP', 's', '450');
    n.run('SREM', 's', 'm1', 'm2', 'm3');
    const slot = n.client.db.lookupRead('s');
    const v = n.client.db.valueAt(slot) as SetValue;
    expect(v.bytes).to.equal(v.recount());
    expect(v.charged).to.equal(v.bytes);
  });
});

/** A payload with `body` (type byte included) and the version and CRC64 of a real DUMP payload's scheme. */
function withTrailer(body: string, sample: string): string {
  const version = sample.slice(sample.length - 10, sample.length - 8);
  const head = body + version;
  let crc = crc64(head);
  let le = '';
  for (let i = 0; i < 8; i++) {
    le += String.fromCharCode(Number(crc & 0xffn));
    crc >>= 8n;
  }
  return head + le;
}
