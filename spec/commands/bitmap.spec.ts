// Bitmap family through the real dispatcher: replies and error texts as Redis 7.2 (checked side by side
// with a real redis-server; spec/integration/diff-bitmaps.spec.ts compares every reply byte for byte),
// values read and written in place, growth, TTLs kept, memory charged, the effects sent to replicas.
import { expect } from 'chai';
import type { StringView } from '../../lib/store/keyspace';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_INT = 'ERR value is not an integer or out of range';
const SYNTAX = 'ERR syntax error';
const BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
const BIT_VALUE = 'ERR bit is not an integer or out of range';
const BF_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const MB = 1024 * 1024;

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

/** Where the value of key lies in the keyspace now. */
function where(n: UnitNode, key: string): StringView {
  const db = n.client.db;
  return db.stringView(db.peek(key), { buf: Buffer.alloc(0), off: 0, len: 0 });
}

describe('bitmap commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  describe('SETBIT and GETBIT', () => {
    it('set and clear bits, most significant bit first, growing the string with zero bytes', () => {
      expect(n.run('SETBIT', 'k', '7', '1')).to.equal(0);
      expect(n.run('GET', 'k')).to.equal('\x01');
      expect(n.run('SETBIT', 'k', '0', '1')).to.equal(0);
      expect(n.run('SETBIT', 'k', '0', '1')).to.equal(1);
      expect(n.run('GET', 'k')).to.equal('\x81');
      expect(n.run('SETBIT', 'k', '23', '1')).to.equal(0);
      expect(n.run('GET', 'k')).to.equal('\x81\x00\x01');
      expect(n.run('SETBIT', 'k', '0', '0')).to.equal(1);
      expect(n.run('GET', 'k')).to.equal('\x01\x00\x01');
      expect(n.run('GETBIT', 'k', '7')).to.equal(1);
      expect(n.run('GETBIT', 'k', '6')).to.equal(0);
      expect(n.run('GETBIT', 'k', '1000000')).to.equal(0);
      expect(n.run('GETBIT', 'nokey', '0')).to.equal(0);
      expect(n.run('STRLEN', 'k')).to.equal(3);
      // Clearing a bit past the end still grows the string.
      expect(n.run('SETBIT', 'z', '17', '0')).to.equal(0);
      expect(n.run('GET', 'z')).to.equal('\x00\x00\x00');
    });

    it('work on any string, binary included', () => {
      n.run('SET', 's', '\x00\xff\r\n');
      expect(n.run('GETBIT', 's', '8')).to.equal(1);
      expect(n.run('SETBIT', 's', '8', '0')).to.equal(1);
      expect(n.run('GET', 's')).to.equal('\x00\x7f\r\n');
      n.run('SET', 'i', '12');
      expect(n.run('GETBIT', 'i', '2')).to.equal(1); // '1' is 0x31
      expect(n.run('SETBIT', 'i', '7', '0')).to.equal(1);
      expect(n.run('GET', 'i')).to.equal('02');
    });

    it('errors: bit offset, bit value, WRONGTYPE, in that order', () => {
      for (const off of ['-1', 'x', '1.5', '', '#1', '4294967296', '99999999999999999999']) {
        expect(errorOf(n.run('SETBIT', 'k', off, '1')), off).to.equal(BIT_OFFSET);
        expect(errorOf(n.run('GETBIT', 'k', off)), off).to.equal(BIT_OFFSET);
      }
      for (const v of ['2', '-1', '', '01', 'a', '1.0']) expect(errorOf(n.run('SETBIT', 'k', '0', v)), v).to.equal(BIT_VALUE);
      n.run('HSET', 'h', 'f', 'v');
      expect(errorOf(n.run('SETBIT', 'h', 'x', '1'))).to.equal(BIT_OFFSET);
      expect(errorOf(n.run('SETBIT', 'h', '0', '5'))).to.equal(BIT_VALUE);
      expect(errorOf(n.run('SETBIT', 'h', '0', '1'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('GETBIT', 'h', '0'))).to.equal(WRONGTYPE);
      expect(n.run('EXISTS', 'k')).to.equal(0);
    });

    it('the offset limit follows proto-max-bulk-len (the byte must be below it)', () => {
      n.run('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
      expect(errorOf(n.run('SETBIT', 'k', String(8 * MB), '1'))).to.equal(BIT_OFFSET);
      expect(errorOf(n.run('GETBIT', 'k', String(8 * MB)))).to.equal(BIT_OFFSET);
      expect(n.run('SETBIT', 'k', String(8 * MB - 1), '1')).to.equal(0);
      expect(n.run('STRLEN', 'k')).to.equal(MB);
      expect(n.run('GETBIT', 'k', String(8 * MB - 1))).to.equal(1);
    });

    it('change the bits in place: a 1 MB bitmap is not copied by GETBIT or SETBIT within it', () => {
      n.run('SETBIT', 'big', String(8 * MB - 1), '1');
      const before = where(n, 'big');
      for (let i = 0; i < 1000; i++) {
        n.run('SETBIT', 'big', String(i * 8191), '1');
        n.run('GETBIT', 'big', String(i * 8191 + 1));
      }
      const after = where(n, 'big');
      expect(after.buf).to.equal(before.buf);
      expect(after.off).to.equal(before.off);
      expect(n.run('BITCOUNT', 'big')).to.equal(1001);
    });

    it('size a new bitmap exactly; one that grows gets room to grow in place (as Redis strings)', () => {
      n.run('SETBIT', 'big', String(8 * MB - 1), '1');
      expect(where(n, 'big').buf.length).to.be.below(MB + 100); // its own buffer, no room to spare
      n.run('SETBIT', 'big', String(8 * MB + 7), '1');
      const grown = where(n, 'big');
      expect(grown.buf.length).to.be.above(1.9 * MB);
      n.run('SETBIT', 'big', String(12 * MB), '1');
      expect(where(n, 'big').buf).to.equal(grown.buf);
      expect(n.run('STRLEN', 'big')).to.equal(1.5 * MB + 1);
    });

    it('keep the TTL; charge what the string grew to used_memory', () => {
      n.run('SET', 'k', 'abc', 'PX', '5000');
      const used = n.node.env.memory.used;
      n.run('SETBIT', 'k', '8000', '1');
      expect(n.node.env.memory.used - used).to.equal(1001 - 3 + 3); // 1001 bytes, three more header digits
      expect(n.run('PTTL', 'k')).to.equal(5000);
      n.run('DEL', 'k');
      expect(n.node.env.memory.used).to.equal(0);
    });

    it('send themselves to replicas, only when something changed', () => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'init', '1');
      expect(n.effects(() => n.run('SETBIT', 'k', '9', '1'))).to.deep.equal([['SETBIT', 'k', '9', '1']]);
      expect(n.effects(() => n.run('SETBIT', 'k', '9', '1'))).to.deep.equal([]);
      expect(n.effects(() => n.run('SETBIT', 'k', '3', '0'))).to.deep.equal([]);
      expect(n.effects(() => n.run('SETBIT', 'k', '100', '0'))).to.deep.equal([['SETBIT', 'k', '100', '0']]); // grew
      expect(n.effects(() => n.run('SETBIT', 'k', 'x', '1'))).to.deep.equal([]);
      expect(n.effects(() => n.run('GETBIT', 'k', '9'))).to.deep.equal([]);
    });

    it('count keyspace hits and misses for GETBIT, not for SETBIT', () => {
      n.run('SETBIT', 'k', '1', '1');
      n.run('SETBIT', 'k2', '1', '1');
      const stats = n.node.env.stats;
      const [h, m] = [stats.hits, stats.misses];
      n.run('GETBIT', 'k', '1');
      n.run('GETBIT', 'nokey', '1');
      expect([stats.hits - h, stats.misses - m]).to.deep.equal([1, 1]);
    });
  });

  describe('BITCOUNT', () => {
    beforeEach(() => n.run('SET', 's', 'foobar'));

    it('counts the whole string or a range of bytes or bits, negative indexes from the end', () => {
      expect(n.run('BITCOUNT', 's')).to.equal(26);
      expect(n.run('BITCOUNT', 's', '0', '0')).to.equal(4);
      expect(n.run('BITCOUNT', 's', '1', '1')).to.equal(6);
      expect(n.run('BITCOUNT', 's', '1', '1', 'BYTE')).to.equal(6);
      expect(n.run('BITCOUNT', 's', '5', '30', 'BIT')).to.equal(17);
      expect(n.run('BITCOUNT', 's', '5', '30', 'bit')).to.equal(17);
      expect(n.run('BITCOUNT', 's', '-2', '-1')).to.equal(7);
      expect(n.run('BITCOUNT', 's', '-100', '100')).to.equal(26);
      expect(n.run('BITCOUNT', 's', '4', '2')).to.equal(0);
      expect(n.run('BITCOUNT', 's', '-1', '-2')).to.equal(0);
      expect(n.run('BITCOUNT', 's', '0', '-1', 'BIT')).to.equal(26);
      expect(n.run('BITCOUNT', 's', '9223372036854775807', '-9223372036854775808')).to.equal(0);
      expect(n.run('BITCOUNT', 'nokey')).to.equal(0);
      n.run('SET', 'e', '');
      expect(n.run('BITCOUNT', 'e')).to.equal(0);
      expect(n.run('BITCOUNT', 'e', '0', '-1', 'BIT')).to.equal(0);
    });

    it('errors in Redis order: a missing key answers 0 whatever follows; -1 -2 answers 0 before the unit', () => {
      expect(n.run('BITCOUNT', 'nokey', 'junk', 'a', 'b', 'c')).to.equal(0);
      expect(errorOf(n.run('BITCOUNT', 's', '0'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITCOUNT', 's', '0', '1', 'BIT', 'x'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITCOUNT', 's', 'a', '1'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITCOUNT', 's', '0', 'b', 'nope'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITCOUNT', 's', '0', '1', 'nope'))).to.equal(SYNTAX);
      expect(n.run('BITCOUNT', 's', '-1', '-2', 'nope')).to.equal(0);
      // A NUL ends the keyword as in C.
      expect(n.run('BITCOUNT', 's', '5', '30', 'bit\x00junk')).to.equal(17);
      n.run('HSET', 'h', 'f', 'v');
      expect(errorOf(n.run('BITCOUNT', 'h', 'x'))).to.equal(WRONGTYPE);
    });
  });

  describe('BITPOS', () => {
    it('finds the first set or clear bit; a clear bit past the end only without an explicit end', () => {
      n.run('SET', 'f', '\xff\xf0\x00');
      expect(n.run('BITPOS', 'f', '0')).to.equal(12);
      expect(n.run('BITPOS', 'f', '1')).to.equal(0);
      expect(n.run('BITPOS', 'f', '1', '2')).to.equal(-1);
      expect(n.run('BITPOS', 'f', '0', '0', '0')).to.equal(-1);
      n.run('SET', 'a', '\xff\xff');
      expect(n.run('BITPOS', 'a', '0')).to.equal(16);
      expect(n.run('BITPOS', 'a', '0', '0')).to.equal(16);
      expect(n.run('BITPOS', 'a', '0', '0', '-1')).to.equal(-1);
      expect(n.run('BITPOS', 'a', '0', '0', '-1', 'BIT')).to.equal(-1);
      expect(n.run('BITPOS', 'a', '1', '7', '15', 'BIT')).to.equal(7);
      n.run('SET', 'z', '\x00\x00\x00');
      expect(n.run('BITPOS', 'z', '1')).to.equal(-1);
      expect(n.run('BITPOS', 'z', '0', '1')).to.equal(8);
      n.run('SET', 'm', '\x00\x0f\x00');
      expect(n.run('BITPOS', 'm', '1', '3', '14', 'BIT')).to.equal(12);
      expect(n.run('BITPOS', 'm', '1', '3', '11', 'BIT')).to.equal(-1);
      expect(n.run('BITPOS', 'm', '0', '12', '15', 'BIT')).to.equal(-1);
      expect(n.run('BITPOS', 'm', '0', '12', '16', 'BIT')).to.equal(16);
      expect(n.run('BITPOS', 'nokey', '0')).to.equal(0);
      expect(n.run('BITPOS', 'nokey', '1')).to.equal(-1);
      expect(n.run('BITPOS', 'nokey', '0', 'junk')).to.equal(0);
    });

    it('errors: not an integer, the bit argument, WRONGTYPE, syntax', () => {
      n.run('SET', 'a', 'x');
      expect(errorOf(n.run('BITPOS', 'a', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITPOS', 'a', '2'))).to.equal('ERR The bit argument must be 1 or 0.');
      expect(errorOf(n.run('BITPOS', 'a', '1', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITPOS', 'a', '1', '0', '1', 'bits'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITPOS', 'a', '1', '0', 'x', 'bits'))).to.equal(SYNTAX); // the unit is read before the end
      expect(errorOf(n.run('BITPOS', 'a', '1', '0', '1', 'BIT', 'x'))).to.equal(SYNTAX);
      n.run('HSET', 'h', 'f', 'v');
      expect(errorOf(n.run('BITPOS', 'h', '1'))).to.equal(WRONGTYPE);
    });
  });

  describe('BITOP', () => {
    it('AND, OR, XOR, NOT over strings of different lengths (zero padded); replies the longest length', () => {
      n.run('SET', 'a', '\xff\x0f');
      n.run('SET', 'b', '\xf0');
      expect(n.run('BITOP', 'AND', 'd', 'a', 'b')).to.equal(2);
      expect(n.run('GET', 'd')).to.equal('\xf0\x00');
      expect(n.run('BITOP', 'or', 'd', 'a', 'b', 'nokey')).to.equal(2);
      expect(n.run('GET', 'd')).to.equal('\xff\x0f');
      expect(n.run('BITOP', 'XOR', 'd', 'a', 'b')).to.equal(2);
      expect(n.run('GET', 'd')).to.equal('\x0f\x0f');
      expect(n.run('BITOP', 'NOT', 'd', 'a')).to.equal(2);
      expect(n.run('GET', 'd')).to.equal('\x00\xf0');
      expect(n.run('BITOP', 'AND', 'a', 'a', 'nokey')).to.equal(2);
      expect(n.run('GET', 'a')).to.equal('\x00\x00');
    });

    it('replaces the destination whatever it was (TTL and type); an empty result deletes it', () => {
      n.run('SET', 'a', 'x');
      n.run('HSET', 'd', 'f', 'v');
      expect(n.run('BITOP', 'OR', 'd', 'a')).to.equal(1);
      expect(n.run('TYPE', 'd')).to.equal('string');
      n.run('SET', 't', 'y', 'EX', '100');
      n.run('BITOP', 'OR', 't', 'a');
      expect(n.run('TTL', 't')).to.equal(-1);
      expect(n.run('BITOP', 'OR', 't', 'nokey', 'nokey2')).to.equal(0);
      expect(n.run('EXISTS', 't')).to.equal(0);
      n.run('SET', 'e', '');
      expect(n.run('BITOP', 'NOT', 'd', 'e')).to.equal(0);
      expect(n.run('EXISTS', 'd')).to.equal(0);
    });

    it('errors: syntax, NOT with one source only, WRONGTYPE from a source', () => {
      expect(errorOf(n.run('BITOP', 'NAND', 'd', 'a'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITOP', 'NOT', 'd', 'a', 'b'))).to.equal('ERR BITOP NOT must be called with a single source key.');
      n.run('HSET', 'h', 'f', 'v');
      n.run('SET', 'a', 'x');
      expect(errorOf(n.run('BITOP', 'AND', 'd', 'a', 'h'))).to.equal(WRONGTYPE);
      expect(n.run('EXISTS', 'd')).to.equal(0);
      expect(n.run('BITOP', 'AND', 'h', 'a')).to.equal(1); // the destination's type does not matter
    });

    it('sends itself to replicas; a no-op (nothing to delete) sends nothing', () => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'a', 'x');
      expect(n.effects(() => n.run('BITOP', 'NOT', 'd', 'a'))).to.deep.equal([['BITOP', 'NOT', 'd', 'a']]);
      expect(n.effects(() => n.run('BITOP', 'OR', 'd', 'none'))).to.deep.equal([['BITOP', 'OR', 'd', 'none']]);
      expect(n.effects(() => n.run('BITOP', 'OR', 'd', 'none'))).to.deep.equal([]);
    });
  });

  describe('BITFIELD and BITFIELD_RO', () => {
    it('GET, SET (old value) and INCRBY (new value) on signed and unsigned fields at any bit offset', () => {
      expect(n.run('BITFIELD', 'k', 'SET', 'u8', '0', '255', 'GET', 'u8', '0', 'GET', 'i8', '0', 'INCRBY', 'u2', '100', '1', 'GET', 'u4', '#25')).to.deep.equal([0, 255, -1, 1, 4]);
      expect(n.run('GET', 'k')).to.equal('\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04');
      expect(n.run('BITFIELD', 'k', 'SET', 'i5', '3', '-3')).to.deep.equal([-1]);
      expect(n.run('BITFIELD', 'k', 'GET', 'i5', '3', 'GET', 'u5', '3')).to.deep.equal([-3, 29]);
      expect(n.raw(['BITFIELD', 'k', 'SET', 'i64', '0', '-9223372036854775808', 'GET', 'i64', '0', 'GET', 'u63', '1'])).to.equal('*3\r\n:-216172782113783808\r\n:-9223372036854775808\r\n:0\r\n');
      expect(n.run('BITFIELD', 'nokey', 'GET', 'u8', '0')).to.deep.equal([0]);
      expect(n.run('EXISTS', 'nokey')).to.equal(0);
      expect(n.run('BITFIELD', 'k')).to.deep.equal([]);
      expect(n.run('BITFIELD_RO', 'k', 'GET', 'u4', '0', 'get', 'i4', '4')).to.deep.equal([8, 0]);
    });

    it('OVERFLOW WRAP (default), SAT and FAIL (nil, nothing written), each applying to what follows', () => {
      expect(n.run('BITFIELD', 'c', 'INCRBY', 'u2', '0', '5', 'OVERFLOW', 'SAT', 'INCRBY', 'u2', '0', '5', 'INCRBY', 'i4', '4', '-100', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '1', 'GET', 'u2', '0')).to.deep.equal([1, 3, -8, null, 3]);
      expect(n.run('BITFIELD', 'c', 'OVERFLOW', 'WRAP', 'INCRBY', 'i8', '8', '200', 'SET', 'u8', '8', '-1', 'OVERFLOW', 'SAT', 'SET', 'u8', '8', '-1', 'SET', 'i8', '8', '1000')).to.deep.equal([-56, 200, 255, -1]);
      expect(n.run('BITFIELD', 'c', 'GET', 'i8', '8')).to.deep.equal([127]);
      expect(n.raw(['BITFIELD', 'w', 'INCRBY', 'i64', '0', '9223372036854775807', 'INCRBY', 'i64', '0', '1', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'i64', '0', '-9223372036854775808'])).to.equal(
        '*4\r\n:9223372036854775807\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n',
      );
    });

    it('errors, all arguments first: syntax, OVERFLOW type, bitfield type, offset, value, BITFIELD_RO, WRONGTYPE', () => {
      expect(errorOf(n.run('BITFIELD', 'k', 'GET', 'u8'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITFIELD', 'k', 'NOPE', 'u8', '0'))).to.equal(SYNTAX);
      expect(errorOf(n.run('BITFIELD', 'k', 'OVERFLOW', 'maybe'))).to.equal('ERR Invalid OVERFLOW type specified');
      for (const t of ['u64', 'i65', 'i0', 'x8', 'U8', '', 'u', 'u-1', 'i08']) expect(errorOf(n.run('BITFIELD', 'k', 'GET', t, '0')), t).to.equal(BF_TYPE);
      expect(n.run('BITFIELD', 'k', 'GET', 'u8\x00junk', '0')).to.deep.equal([0]); // the width is read up to a NUL, as in C
      expect(errorOf(n.run('BITFIELD', 'k', 'GET', 'u8', '-1'))).to.equal(BIT_OFFSET);
      expect(errorOf(n.run('BITFIELD', 'k', 'GET', 'u8', '#-1'))).to.equal(BIT_OFFSET);
      expect(errorOf(n.run('BITFIELD', 'k', 'GET', 'u8', '#536870912'))).to.equal(BIT_OFFSET);
      expect(errorOf(n.run('BITFIELD', 'k', 'SET', 'u8', '0', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITFIELD_RO', 'k', 'SET', 'u8', '0', 'x'))).to.equal(NOT_INT);
      expect(errorOf(n.run('BITFIELD_RO', 'k', 'GET', 'u8', '0', 'INCRBY', 'u8', '0', '1'))).to.equal('ERR BITFIELD_RO only supports the GET subcommand');
      n.run('HSET', 'h', 'f', 'v');
      expect(errorOf(n.run('BITFIELD', 'h', 'GET', 'u8', '0'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('BITFIELD', 'h', 'SET', 'u8', '0', '1'))).to.equal(WRONGTYPE);
      expect(errorOf(n.run('BITFIELD', 'h', 'GET', 'u8', 'x'))).to.equal(BIT_OFFSET);
      expect(n.run('EXISTS', 'k')).to.equal(0);
    });

    it('sends itself to replicas when a field changed or the string was created or grown', () => {
      n.node.repl.ensureBacklog();
      n.run('SET', 'init', '1');
      expect(n.effects(() => n.run('BITFIELD', 'k', 'SET', 'u8', '0', '1'))).to.deep.equal([['BITFIELD', 'k', 'SET', 'u8', '0', '1']]);
      expect(n.effects(() => n.run('BITFIELD', 'k', 'SET', 'u8', '0', '1', 'GET', 'u8', '0'))).to.deep.equal([]);
      expect(n.effects(() => n.run('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '30', '9'))).to.deep.equal([['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '30', '9']]);
      expect(n.run('STRLEN', 'k')).to.equal(4);
      expect(n.effects(() => n.run('BITFIELD_RO', 'k', 'GET', 'u8', '0'))).to.deep.equal([]);
    });
  });

  it('a bitmap grown bit by bit is copied a logarithmic number of times past 64 KB', () => {
    const db = n.client.db;
    const s = db.add('bm', '$0\r\n\r\n');
    const v: StringView = { buf: Buffer.alloc(0), off: 0, len: 0 };
    let moves = 0;
    let last = db.stringView(s, v).buf;
    for (let len = 64 * 1024; len <= 4 * MB; len += 97) {
      db.resizeString(s, len, true, true);
      db.add(`other${len}`, '$1\r\nx\r\n'); // something else allocated in between
      const b = db.stringView(s, v).buf;
      if (b !== last) moves++;
      last = b;
      expect(v.len).to.equal(len);
    }
    expect(moves).to.be.below(20);
  });
});
