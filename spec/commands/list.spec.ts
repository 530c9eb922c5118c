// List family through the real dispatcher: replies and error texts as Redis 7.2 per command and edge case,
// RESP3 null shapes, OBJECT ENCODING by Redis 7.2's listpack/quicklist rules and the config directives,
// DUMP/RESTORE/COPY/RENAME/TYPE, memory accounting, and the effects sent to replicas (replayed on a second
// node they rebuild the same lists).
import { expect } from 'chai';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';
import { rng } from '../helpers/differential';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const POSITIVE = 'ERR value is out of range, must be positive';
const SYNTAX = 'ERR syntax error';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

const y100 = 'y'.repeat(100);

describe('list commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('pushes and LLEN', () => {
    it('LPUSH and RPUSH add in argument order at their end and answer the length', () => {
      expect(n.run('LPUSH', 'l', 'a', 'b', 'c')).to.equal(3);
      expect(n.run('RPUSH', 'l', 'x', 'y')).to.equal(5);
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['c', 'b', 'a', 'x', 'y']);
      expect(n.run('LLEN', 'l')).to.equal(5);
      expect(n.run('LLEN', 'nokey')).to.equal(0);
      expect(n.run('TYPE', 'l')).to.equal('list');
    });

    it('LPUSHX and RPUSHX push only onto an existing list', () => {
      expect(n.run('LPUSHX', 'l', 'a')).to.equal(0);
      expect(n.run('RPUSHX', 'l', 'a', 'b')).to.equal(0);
      expect(n.run('EXISTS', 'l')).to.equal(0);
      n.run('RPUSH', 'l', 'm');
      expect(n.run('LPUSHX', 'l', 'h1', 'h2')).to.equal(3);
      expect(n.run('RPUSHX', 'l', 't')).to.equal(4);
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['h2', 'h1', 'm', 't']);
    });

    it('every command answers WRONGTYPE on a string key and changes nothing', () => {
      n.run('SET', 's', 'v');
      const cmds = [
        ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'], ['LPOP', 's'], ['RPOP', 's', '2'],
        ['LLEN', 's'], ['LRANGE', 's', '0', '1'], ['LINDEX', 's', '0'], ['LSET', 's', '0', 'x'], ['LINSERT', 's', 'BEFORE', 'a', 'b'],
        ['LREM', 's', '0', 'a'], ['LTRIM', 's', '0', '1'], ['LPOS', 's', 'a'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'], ['RPOPLPUSH', 's', 'd'],
        ['LMPOP', '1', 's', 'LEFT'],
      ];
      for (const c of cmds) expect(errorOf(n.run(...c)), c.join(' ')).to.equal(WRONGTYPE);
      expect(n.run('GET', 's')).to.equal('v');
      expect(n.run('EXISTS', 'd')).to.equal(0);
    });

    it('keeps binary elements (every byte value) and empty elements', () => {
      const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
      n.run('RPUSH', 'l', '', all, '\r\n', '');
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['', all, '\r\n', '']);
      expect(n.run('LPOS', 'l', all)).to.equal(1);
      expect(n.run('LREM', 'l', '0', '')).to.equal(2);
      expect(n.run('LLEN', 'l')).to.equal(2);
    });
  });

  describe('LPOP and RPOP', () => {
    it('pop one (a bulk) or count (an array) from either end; the last one deletes the key', () => {
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
      expect(n.run('LPOP', 'l')).to.equal('a');
      expect(n.run('RPOP', 'l')).to.equal('e');
      expect(n.run('LPOP', 'l', '2')).to.deep.equal(['b', 'c']);
      expect(n.run('RPOP', 'l', '0')).to.deep.equal([]);
      expect(n.run('RPOP', 'l', '10')).to.deep.equal(['d']);
      expect(n.run('EXISTS', 'l')).to.equal(0);
      n.run('RPUSH', 'l', '1', '2', '3');
      expect(n.run('RPOP', 'l', '2')).to.deep.equal(['3', '2']);
    });

    it('answer nil, or a null array with a count, for a missing key; check the count first', () => {
      expect(n.raw(['LPOP', 'nokey'])).to.equal('$-1\r\n');
      expect(n.raw(['LPOP', 'nokey', '0'])).to.equal('*-1\r\n');
      expect(n.raw(['RPOP', 'nokey', '3'])).to.equal('*-1\r\n');
      expect(errorOf(n.run('LPOP', 'nokey', '-1'))).to.equal(POSITIVE);
      expect(errorOf(n.run('LPOP', 'nokey', 'x'))).to.equal(POSITIVE);
      expect(errorOf(n.run('RPOP', 'nokey', '1', '2'))).to.equal("ERR wrong number of arguments for 'rpop' command");
      n.raw(['HELLO', '3']);
      expect(n.raw(['LPOP', 'nokey'])).to.equal('_\r\n');
      expect(n.raw(['LPOP', 'nokey', '2'])).to.equal('_\r\n');
    });

    it('pop a 9223372036854775807 count (all of it)', () => {
      n.run('RPUSH', 'l', 'a', 'b');
      expect(n.run('LPOP', 'l', '9223372036854775807')).to.deep.equal(['a', 'b']);
      expect(errorOf(n.run('LPOP', 'l', '9223372036854775808'))).to.equal(POSITIVE);
    });
  });

  describe('LRANGE, LINDEX, LPOS', () => {
    beforeEach(() => {
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'b', 'a', 'b', 'd');
    });

    it('LRANGE takes negative and out-of-range indexes as Redis', () => {
      expect(n.run('LRANGE', 'l', '-2', '-1')).to.deep.equal(['b', 'd']);
      expect(n.run('LRANGE', 'l', '-100', '1')).to.deep.equal(['a', 'b']);
      expect(n.run('LRANGE', 'l', '5', '100')).to.deep.equal(['b', 'd']);
      expect(n.run('LRANGE', 'l', '3', '2')).to.deep.equal([]);
      expect(n.run('LRANGE', 'l', '7', '9')).to.deep.equal([]);
      expect(n.run('LRANGE', 'l', '-9223372036854775808', '9223372036854775807')).to.have.length(7);
      expect(errorOf(n.run('LRANGE', 'l', '0', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('LRANGE', 'nokey', 'x', '1'))).to.equal(NOT_INT);
      expect(n.run('LRANGE', 'nokey', '0', '-1')).to.deep.equal([]);
    });

    it('LINDEX reads by index, nil out of range; a missing key answers nil before the index is parsed', () => {
      expect(n.run('LINDEX', 'l', '0')).to.equal('a');
      expect(n.run('LINDEX', 'l', '-1')).to.equal('d');
      expect(n.run('LINDEX', 'l', '7')).to.equal(null);
      expect(n.run('LINDEX', 'l', '-8')).to.equal(null);
      expect(errorOf(n.run('LINDEX', 'l', 'x'))).to.equal(NOT_INT);
      expect(n.run('LINDEX', 'nokey', 'x')).to.equal(null);
    });

    it('LPOS finds by rank from either end, with COUNT and MAXLEN', () => {
      expect(n.run('LPOS', 'l', 'b')).to.equal(1);
      expect(n.run('LPOS', 'l', 'b', 'RANK', '2')).to.equal(3);
      expect(n.run('LPOS', 'l', 'b', 'RANK', '-1')).to.equal(5);
      expect(n.run('LPOS', 'l', 'b', 'RANK', '4')).to.equal(null);
      expect(n.run('LPOS', 'l', 'b', 'COUNT', '0')).to.deep.equal([1, 3, 5]);
      expect(n.run('LPOS', 'l', 'b', 'COUNT', '2', 'RANK', '-1')).to.deep.equal([5, 3]);
      expect(n.run('LPOS', 'l', 'b', 'COUNT', '0', 'MAXLEN', '4')).to.deep.equal([1, 3]);
      expect(n.run('LPOS', 'l', 'zz', 'COUNT', '1')).to.deep.equal([]);
      expect(n.run('LPOS', 'nokey', 'b')).to.equal(null);
      expect(n.run('LPOS', 'nokey', 'b', 'COUNT', '1')).to.deep.equal([]);
    });

    it("LPOS errors: RANK zero, RANK -2^63 (7.2's range), negative COUNT and MAXLEN, syntax", () => {
      expect(errorOf(n.run('LPOS', 'l', 'b', 'RANK', '0'))).to.equal(
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
      );
      expect(errorOf(n.run('LPOS', 'l', 'b', 'RANK', '-9223372036854775808'))).to.equal(
        'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
      );
      expect(n.run('LPOS', 'l', 'b', 'RANK', '-9223372036854775807')).to.equal(null);
      expect(errorOf(n.run('LPOS', 'l', 'b', 'RANK', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('LPOS', 'l', 'b', 'COUNT', '-1'))).to.equal("ERR COUNT can't be negative");
      expect(errorOf(n.run('LPOS', 'l', 'b', 'COUNT', 'x'))).to.equal("ERR COUNT can't be negative");
      expect(errorOf(n.run('LPOS', 'l', 'b', 'MAXLEN', '-1'))).to.equal("ERR MAXLEN can't be negative");
      expect(errorOf(n.run('LPOS', 'l', 'b', 'RANK'))).to.equal(SYNTAX);
      expect(errorOf(n.run('LPOS', 'nokey', 'b', 'RANK', '0'))).to.match(/^ERR RANK/);
    });
  });

  describe('LSET, LINSERT, LREM, LTRIM', () => {
    it('LSET replaces by index; no such key; index out of range; the key is checked before the index', () => {
      expect(errorOf(n.run('LSET', 'nokey', 'x', 'v'))).to.equal('ERR no such key');
      n.run('RPUSH', 'l', 'a', 'b', 'c');
      expect(n.run('LSET', 'l', '-1', 'C')).to.equal('OK');
      expect(n.run('LSET', 'l', '0', '')).to.equal('OK');
      expect(errorOf(n.run('LSET', 'l', '3', 'x'))).to.equal('ERR index out of range');
      expect(errorOf(n.run('LSET', 'l', '-4', 'x'))).to.equal('ERR index out of range');
      expect(errorOf(n.run('LSET', 'l', 'x', 'x'))).to.equal(NOT_INT);
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['', 'b', 'C']);
    });

    it('LINSERT before or after the first pivot; -1 without it, 0 without the key; syntax first', () => {
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'b');
      expect(n.run('LINSERT', 'l', 'BEFORE', 'b', 'x')).to.equal(5);
      expect(n.run('LINSERT', 'l', 'after', 'b', 'y')).to.equal(6);
      expect(n.run('LINSERT', 'l', 'AFTER', 'zz', 'y')).to.equal(-1);
      expect(n.run('LINSERT', 'nokey', 'AFTER', 'a', 'y')).to.equal(0);
      expect(errorOf(n.run('LINSERT', 'nokey', 'MIDDLE', 'a', 'y'))).to.equal(SYNTAX);
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['a', 'x', 'b', 'y', 'c', 'b']);
    });

    it('LREM removes from the head, the tail or everywhere; the last element deletes the key', () => {
      n.run('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a');
      expect(n.run('LREM', 'l', '-1', 'a')).to.equal(1);
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['a', 'b', 'a', 'c']);
      expect(n.run('LREM', 'l', '1', 'a')).to.equal(1);
      expect(n.run('LREM', 'l', '0', 'zz')).to.equal(0);
      expect(errorOf(n.run('LREM', 'l', 'x', 'a'))).to.equal(NOT_INT);
      expect(n.run('LREM', 'nokey', '0', 'a')).to.equal(0);
      expect(n.run('LREM', 'l', '0', 'b')).to.equal(1);
      expect(n.run('LREM', 'l', '0', 'a')).to.equal(1);
      expect(n.run('LREM', 'l', '0', 'c')).to.equal(1);
      expect(n.run('EXISTS', 'l')).to.equal(0);
    });

    it('LTRIM keeps a range; an empty range deletes the key; OK for a missing key', () => {
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
      expect(n.run('LTRIM', 'l', '1', '-2')).to.equal('OK');
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['b', 'c', 'd']);
      expect(n.run('LTRIM', 'l', '-1', '100')).to.equal('OK');
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['d']);
      expect(n.run('LTRIM', 'l', '1', '0')).to.equal('OK');
      expect(n.run('EXISTS', 'l')).to.equal(0);
      expect(n.run('LTRIM', 'nokey', '0', '1')).to.equal('OK');
      expect(errorOf(n.run('LTRIM', 'nokey', 'x', '1'))).to.equal(NOT_INT);
    });
  });

  describe('LMOVE, RPOPLPUSH, LMPOP', () => {
    it('LMOVE moves between ends, creates the destination, rotates a list onto itself', () => {
      n.run('RPUSH', 'src', 'a', 'b', 'c');
      expect(n.run('LMOVE', 'src', 'dst', 'LEFT', 'RIGHT')).to.equal('a');
      expect(n.run('LMOVE', 'src', 'dst', 'RIGHT', 'LEFT')).to.equal('c');
      expect(n.run('LRANGE', 'dst', '0', '-1')).to.deep.equal(['c', 'a']);
      expect(n.run('RPOPLPUSH', 'dst', 'dst')).to.equal('a');
      expect(n.run('LRANGE', 'dst', '0', '-1')).to.deep.equal(['a', 'c']);
      expect(n.run('LMOVE', 'src', 'src', 'LEFT', 'LEFT')).to.equal('b');
      expect(n.run('LRANGE', 'src', '0', '-1')).to.deep.equal(['b']);
      expect(n.run('RPOPLPUSH', 'src', 'dst')).to.equal('b');
      expect(n.run('EXISTS', 'src')).to.equal(0);
      expect(n.run('LMOVE', 'src', 'dst', 'LEFT', 'LEFT')).to.equal(null);
      expect(errorOf(n.run('LMOVE', 'src', 'dst', 'UP', 'LEFT'))).to.equal(SYNTAX);
    });

    it('LMOVE onto a key of another type changes nothing', () => {
      n.run('RPUSH', 'src', 'a');
      n.run('SET', 's', 'v');
      expect(errorOf(n.run('LMOVE', 'src', 's', 'LEFT', 'LEFT'))).to.equal(WRONGTYPE);
      expect(n.run('LRANGE', 'src', '0', '-1')).to.deep.equal(['a']);
    });

    it('LMPOP pops from the first non-empty list; a null array when none; its argument errors', () => {
      n.run('RPUSH', 'a', '1', '2', '3');
      expect(n.run('LMPOP', '2', 'nokey', 'a', 'RIGHT', 'COUNT', '2')).to.deep.equal(['a', ['3', '2']]);
      expect(n.run('LMPOP', '1', 'a', 'LEFT')).to.deep.equal(['a', ['1']]);
      expect(n.raw(['LMPOP', '1', 'a', 'LEFT'])).to.equal('*-1\r\n');
      expect(errorOf(n.run('LMPOP', '0', 'a', 'LEFT'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('LMPOP', 'x', 'a', 'LEFT'))).to.equal('ERR numkeys should be greater than 0');
      expect(errorOf(n.run('LMPOP', '5', 'a', 'LEFT'))).to.equal(SYNTAX);
      expect(errorOf(n.run('LMPOP', '1', 'a', 'UP'))).to.equal(SYNTAX);
      expect(errorOf(n.run('LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'))).to.equal('ERR count should be greater than 0');
      expect(errorOf(n.run('LMPOP', '1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'))).to.equal(SYNTAX);
      expect(n.run('COMMAND', 'GETKEYS', 'LMPOP', '2', 'a', 'b', 'LEFT')).to.deep.equal(['a', 'b']);
    });
  });

  describe('OBJECT ENCODING (Redis 7.2 rules), CONFIG, DUMP/RESTORE, COPY, RENAME', () => {
    it('a list is listpack until a push would pass 8 KB of listpack bytes, then quicklist; listpack again under 4 KB', () => {
      for (let i = 0; i < 79; i++) n.run('RPUSH', 'l', y100);
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('listpack');
      n.run('RPUSH', 'l', y100);
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
      // 7 + 103 bytes per 100-byte element: one node of at most 4096 bytes holds 39.
      n.run('RPOP', 'l', '40');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
      n.run('RPOP', 'l');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('listpack');
    });

    it('a multi-element push is checked on raw lengths before it (80 x 100 bytes in one RPUSH stays listpack)', () => {
      n.run('RPUSH', 'l', ...Array.from({ length: 80 }, () => y100));
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('listpack');
      n.run('RPUSH', 'l', 'x');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
    });

    it('LINSERT and LSET convert before looking for the pivot or index, as Redis', () => {
      for (let i = 0; i < 79; i++) n.run('RPUSH', 'l', y100);
      expect(n.run('LINSERT', 'l', 'BEFORE', 'nope', y100)).to.equal(-1);
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
      for (let i = 0; i < 79; i++) n.run('RPUSH', 'm', y100);
      expect(errorOf(n.run('LSET', 'm', '100', y100))).to.equal('ERR index out of range');
      expect(n.run('OBJECT', 'ENCODING', 'm')).to.equal('quicklist');
    });

    it('follows list-max-listpack-size (and its alias): element counts, other byte levels', () => {
      expect(n.run('CONFIG', 'GET', 'list-max-listpack-size')).to.deep.equal(['list-max-listpack-size', '-2']);
      expect(n.run('CONFIG', 'SET', 'list-max-ziplist-size', '4')).to.equal('OK');
      expect(n.run('CONFIG', 'GET', 'list-max-ziplist-size')).to.deep.equal(['list-max-ziplist-size', '4']);
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'd');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('listpack');
      n.run('RPUSH', 'l', 'e');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
      n.run('RPOP', 'l', '2');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('quicklist');
      n.run('RPOP', 'l');
      expect(n.run('OBJECT', 'ENCODING', 'l')).to.equal('listpack');
      n.run('CONFIG', 'SET', 'list-max-listpack-size', '-1');
      for (let i = 0; i < 39; i++) n.run('RPUSH', 'k', y100);
      expect(n.run('OBJECT', 'ENCODING', 'k')).to.equal('listpack');
      n.run('RPUSH', 'k', y100);
      expect(n.run('OBJECT', 'ENCODING', 'k')).to.equal('quicklist');
      expect(n.run('CONFIG', 'SET', 'list-compress-depth', '3')).to.equal('OK');
      expect(n.run('CONFIG', 'GET', 'list-compress-depth')).to.deep.equal(['list-compress-depth', '3']);
      expect(errorOf(n.run('CONFIG', 'SET', 'list-compress-depth', '-1'))).to.match(/^ERR CONFIG SET failed/);
    });

    it('DUMP then RESTORE gives the same list; small ones come back listpack, long ones quicklist', () => {
      const els = Array.from({ length: 1000 }, (_, i) => `element:${i}\x00`);
      n.run('RPUSH', 'big', ...els);
      n.run('RPUSH', 'small', 'a', '', '\xff');
      for (const k of ['big', 'small']) {
        const payload = n.run('DUMP', k) as string;
        expect(n.run('RESTORE', `${k}2`, '0', payload)).to.equal('OK');
        expect(n.run('LRANGE', `${k}2`, '0', '-1')).to.deep.equal(n.run('LRANGE', k, '0', '-1'));
        expect(n.run('OBJECT', 'ENCODING', `${k}2`)).to.equal(n.run('OBJECT', 'ENCODING', k));
      }
      expect(n.run('OBJECT', 'ENCODING', 'big2')).to.equal('quicklist');
      expect(n.run('OBJECT', 'ENCODING', 'small2')).to.equal('listpack');
      // A restored list takes pushes and pops like any other.
      expect(n.run('LPUSH', 'big2', 'h')).to.equal(1001);
      expect(n.run('RPOP', 'big2')).to.equal('element:999\x00');
      const payload = n.run('DUMP', 'small') as string;
      expect(errorOf(n.run('RESTORE', 'x', '0', payload.slice(0, 3) + payload.slice(4)))).to.match(/^ERR (DUMP payload|Bad data)/);
    });

    it('a restored one-node list follows list-max-listpack-size at the moment it is first looked at', () => {
      n.run('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f');
      const payload = n.run('DUMP', 'l') as string;
      n.run('CONFIG', 'SET', 'list-max-listpack-size', '4');
      n.run('RESTORE', 'r', '0', payload);
      expect(n.run('OBJECT', 'ENCODING', 'r')).to.equal('quicklist');
      n.run('CONFIG', 'SET', 'list-max-listpack-size', '-2');
      n.run('RESTORE', 'r2', '0', payload);
      expect(n.run('OBJECT', 'ENCODING', 'r2')).to.equal('listpack');
    });

    it('COPY is deep and keeps the encoding; RENAME moves the list', () => {
      n.run('RPUSH', 'l', 'a', 'b');
      expect(n.run('COPY', 'l', 'c')).to.equal(1);
      n.run('RPUSH', 'c', 'only-in-copy');
      expect(n.run('LRANGE', 'l', '0', '-1')).to.deep.equal(['a', 'b']);
      expect(n.run('OBJECT', 'ENCODING', 'c')).to.equal('listpack');
      expect(n.run('RENAME', 'c', 'r')).to.equal('OK');
      expect(n.run('LRANGE', 'r', '0', '-1')).to.deep.equal(['a', 'b', 'only-in-copy']);
      expect(n.run('TYPE', 'r')).to.equal('list');
      for (let i = 0; i < 100; i++) n.run('RPUSH', 'q', y100);
      n.run('COPY', 'q', 'q2');
      expect(n.run('OBJECT', 'ENCODING', 'q2')).to.equal('quicklist');
      expect(n.run('LRANGE', 'q2', '0', '-1')).to.deep.equal(n.run('LRANGE', 'q', '0', '-1'));
    });

    it('charges used_memory while the list lives and gives it all back when it goes', () => {
      const before = n.node.env.memory.used;
      n.run('RPUSH', 'l', ...Array.from({ length: 5000 }, (_, i) => `element:${i}`));
      const grown = n.node.env.memory.used - before;
      expect(grown).to.be.within(5000 * 14, 5000 * 30);
      expect(n.run('MEMORY', 'USAGE', 'l')).to.be.a('number');
      n.run('LPOP', 'l', '2500');
      expect(n.node.env.memory.used - before).to.be.below(grown * 0.7);
      n.run('RPOP', 'l', '2500');
      expect(n.run('EXISTS', 'l')).to.equal(0);
      expect(n.node.env.memory.used).to.equal(before);
    });
  });

  describe('effects sent to replicas', () => {
    beforeEach(() => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'init', '1');
    });

    it('pushes and edits as sent; pops as performed; no-ops and failures send nothing', () => {
      expect(n.effects(() => n.run('RPUSH', 'l', 'a', 'b', 'c', 'd'))).to.deep.equal([['RPUSH', 'l', 'a', 'b', 'c', 'd']]);
      expect(n.effects(() => n.run('LPUSHX', 'nokey', 'a'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LPOP', 'l'))).to.deep.equal([['LPOP', 'l']]);
      expect(n.effects(() => n.run('RPOP', 'l', '0'))).to.deep.equal([]);
      expect(n.effects(() => n.run('RPOP', 'l', '1'))).to.deep.equal([['RPOP', 'l', '1']]);
      expect(n.effects(() => n.run('RPUSH', 'l', 'x', 'y'))).to.have.length(1);
      expect(n.effects(() => n.run('LPOP', 'l', '100'))).to.deep.equal([['LPOP', 'l', '4']]);
      n.run('RPUSH', 'l', 'a', 'b', 'a');
      expect(n.effects(() => n.run('LSET', 'l', '0', 'z'))).to.deep.equal([['LSET', 'l', '0', 'z']]);
      expect(n.effects(() => n.run('LSET', 'l', '9', 'z'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LINSERT', 'l', 'BEFORE', 'b', 'q'))).to.deep.equal([['LINSERT', 'l', 'BEFORE', 'b', 'q']]);
      expect(n.effects(() => n.run('LINSERT', 'l', 'BEFORE', 'nope', 'q'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LREM', 'l', '0', 'nope'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LREM', 'l', '-1', 'a'))).to.deep.equal([['LREM', 'l', '-1', 'a']]);
      expect(n.effects(() => n.run('LTRIM', 'l', '0', '-1'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LTRIM', 'l', '1', '-1'))).to.deep.equal([['LTRIM', 'l', '1', '-1']]);
      expect(n.effects(() => n.run('LMOVE', 'l', 'm', 'LEFT', 'RIGHT'))).to.deep.equal([['LMOVE', 'l', 'm', 'LEFT', 'RIGHT']]);
      expect(n.effects(() => n.run('RPOPLPUSH', 'l', 'm'))).to.deep.equal([['RPOPLPUSH', 'l', 'm']]);
      expect(n.effects(() => n.run('RPOPLPUSH', 'nokey', 'm'))).to.deep.equal([]);
      expect(n.effects(() => n.run('LMPOP', '2', 'nokey', 'm', 'RIGHT', 'COUNT', '9'))).to.deep.equal([['RPOP', 'm', '2']]);
      expect(n.effects(() => n.run('LRANGE', 'm', '0', '-1'))).to.deep.equal([]);
    });

    it('replayed on another node, the effects of a random sequence rebuild the same lists', () => {
      const replica = new UnitNode();
      const r = rng(5);
      const keys = ['a', 'b', 'c'];
      const els = ['x', 'y', '', '1', 'long'.repeat(30)];
      const all: string[][] = [];
      for (let i = 0; i < 600; i++) {
        const k = r.pick(keys);
        const cmd = r.pick([
          ['RPUSH', k, r.pick(els), r.pick(els)],
          ['LPUSH', k, r.pick(els)],
          ['LPOP', k],
          ['RPOP', k, String(r.int(3))],
          ['LSET', k, String(r.int(5) - 2), r.pick(els)],
          ['LINSERT', k, r.pick(['BEFORE', 'AFTER']), r.pick(els), r.pick(els)],
          ['LREM', k, String(r.int(5) - 2), r.pick(els)],
          ['LTRIM', k, String(r.int(3)), String(-1 - r.int(3))],
          ['LMOVE', k, r.pick(keys), r.pick(['LEFT', 'RIGHT']), r.pick(['LEFT', 'RIGHT'])],
          ['LMPOP', '2', k, r.pick(keys), 'LEFT', 'COUNT', '2'],
        ]);
        all.push(...n.effects(() => n.run(...cmd)));
      }
      for (const argv of all) replica.run(...argv);
      for (const k of keys) expect(replica.run('LRANGE', k, '0', '-1'), k).to.deep.equal(n.run('LRANGE', k, '0', '-1'));
    });
  });
});
