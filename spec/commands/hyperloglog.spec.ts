// HyperLogLog family through the real dispatcher: replies, stored bytes and error texts as Redis 7.2 gave
// them side by side (spec/integration/diff-hll.spec.ts compares whole runs byte for byte), the cached
// cardinality, sparse to dense promotion, PFDEBUG, in-place updates, the effects sent to replicas.
import { expect } from 'chai';
import type { StringView } from '../../lib/store/keyspace';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';
/** The header of a sparse HLL: magic, encoding 1, unused, cached cardinality (the last byte added). */
const SPARSE_HDR = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00';

function errorOf(r: unknown): string {
  expect(r).to.be.instanceOf(ReplyError);
  return (r as Error).message;
}

describe('hyperloglog commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
  });

  it('PFADD creates a sparse HLL, as Redis byte for byte; 1 when a register changed', () => {
    expect(n.run('PFADD', 'e')).to.equal(1);
    expect(n.run('GET', 'e')).to.equal(SPARSE_HDR + '\x80\x7f\xff');
    expect(n.run('PFADD', 'e')).to.equal(0);
    expect(n.run('PFADD', 'h', 'a', 'b', 'c')).to.equal(1);
    expect(n.run('GET', 'h')).to.equal(SPARSE_HDR + '\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ');
    expect(n.run('PFADD', 'h', 'a', 'c')).to.equal(0);
    expect(n.run('PFDEBUG', 'DECODE', 'h')).to.equal('Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603');
    expect(n.run('TYPE', 'h')).to.equal('string');
  });

  it('PFCOUNT caches the cardinality in the header (the stored bytes change) until the next change', () => {
    n.run('PFADD', 'h', 'a', 'b', 'c');
    expect(n.run('PFCOUNT', 'h')).to.equal(3);
    expect(n.run('GET', 'h')).to.equal('HYLL\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ');
    // A cached value is returned as it is (here one planted by SETRANGE).
    n.run('SETRANGE', 'h', '8', '\x07');
    expect(n.run('PFCOUNT', 'h')).to.equal(7);
    n.run('PFADD', 'h', 'd');
    expect((n.run('GET', 'h') as string).charCodeAt(15)).to.equal(0x80);
    expect(n.run('PFCOUNT', 'h')).to.equal(4);
    expect(n.run('PFCOUNT', 'nokey')).to.equal(0);
  });

  it('PFCOUNT of several keys counts the union and changes none of them', () => {
    n.run('PFADD', 'a', 'x', 'y', 'z');
    n.run('PFADD', 'b', 'z', 'w');
    const [a, b] = [n.run('GET', 'a'), n.run('GET', 'b')];
    expect(n.run('PFCOUNT', 'a', 'b', 'nokey')).to.equal(4);
    expect([n.run('GET', 'a'), n.run('GET', 'b')]).to.deep.equal([a, b]);
    expect(n.run('PFCOUNT', 'nokey', 'nokey2')).to.equal(0);
  });

  it('estimates large sets within the expected error and turns dense past hll-sparse-max-bytes', () => {
    const els: string[] = [];
    for (let i = 0; i < 20000; i++) els.push(`element:${i}`);
    for (let i = 0; i < els.length; i += 1000) n.run('PFADD', 'big', ...els.slice(i, i + 1000));
    expect(n.run('PFDEBUG', 'ENCODING', 'big')).to.equal('dense');
    expect(n.run('STRLEN', 'big')).to.equal(12304);
    const c = n.run('PFCOUNT', 'big') as number;
    expect(Math.abs(c - 20000) / 20000).to.be.below(0.03);
    n.run('CONFIG', 'SET', 'hll-sparse-max-bytes', '20');
    n.run('PFADD', 'small', 'a', 'b', 'c', 'd');
    expect(n.run('PFDEBUG', 'ENCODING', 'small')).to.equal('dense');
    n.run('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
    n.run('PFADD', 'small2', 'a', 'b', 'c', 'd');
    expect(n.run('PFDEBUG', 'ENCODING', 'small2')).to.equal('sparse');
  });

  it('a dense HLL is updated in place', () => {
    n.run('PFADD', 'd', 'a');
    n.run('PFDEBUG', 'TODENSE', 'd');
    const db = n.client.db;
    const at = (): StringView => db.stringView(db.peek('d'), { buf: Buffer.alloc(0), off: 0, len: 0 });
    const before = at();
    for (let i = 0; i < 100; i++) n.run('PFADD', 'd', `e${i}`);
    n.run('PFCOUNT', 'd');
    const after = at();
    expect([after.buf === before.buf, after.off]).to.deep.equal([true, before.off]);
  });

  it('PFMERGE: the union into the destination (created when missing; dense when an input is), cache marked stale', () => {
    n.run('PFADD', 'a', 'x', 'y');
    n.run('PFADD', 'b', 'y', 'z');
    expect(n.run('PFMERGE', 'm', 'a', 'b', 'nokey')).to.equal('OK');
    expect(n.run('PFCOUNT', 'm')).to.equal(3);
    expect(n.run('PFDEBUG', 'ENCODING', 'm')).to.equal('sparse');
    expect(n.run('PFMERGE', 'only')).to.equal('OK');
    expect(n.run('GET', 'only')).to.equal(SPARSE_HDR + '\x80\x7f\xff');
    n.run('PFDEBUG', 'TODENSE', 'b');
    n.run('PFMERGE', 'm2', 'a', 'b');
    expect(n.run('PFDEBUG', 'ENCODING', 'm2')).to.equal('dense');
    expect(n.run('PFCOUNT', 'm2')).to.equal(3);
    n.run('SET', 'ttl', 'x');
    n.run('DEL', 'ttl');
    n.run('PFADD', 'ttl', 'q');
    n.run('PEXPIRE', 'ttl', '5000');
    n.run('PFMERGE', 'ttl', 'a');
    expect(n.run('PTTL', 'ttl')).to.equal(5000);
  });

  it('PFDEBUG GETREG, DECODE, ENCODING, TODENSE and its errors', () => {
    n.run('PFADD', 'h', 'a', 'b', 'c');
    expect(n.run('PFDEBUG', 'ENCODING', 'h')).to.equal('sparse');
    const regs = n.run('PFDEBUG', 'GETREG', 'h') as number[];
    expect(regs.length).to.equal(16384);
    expect(regs.filter((r) => r > 0).sort()).to.deep.equal([1, 1, 2]);
    expect(n.run('PFDEBUG', 'ENCODING', 'h')).to.equal('dense'); // GETREG converted it
    expect(n.run('PFDEBUG', 'TODENSE', 'h')).to.equal(0);
    expect(errorOf(n.run('PFDEBUG', 'DECODE', 'h'))).to.equal('ERR HLL encoding is not sparse');
    expect(n.run('PFCOUNT', 'h')).to.equal(3);
    expect(errorOf(n.run('PFDEBUG', 'NOPE', 'h'))).to.equal("ERR Unknown PFDEBUG subcommand 'NOPE'");
    expect(errorOf(n.run('PFDEBUG', 'NOPE', 'nokey'))).to.equal('ERR The specified key does not exist');
    n.run('SET', 's', 'x');
    expect(errorOf(n.run('PFDEBUG', 'ENCODING', 's'))).to.equal(NOT_HLL);
  });

  it('errors: WRONGTYPE for other types and for strings that are not HLLs; INVALIDOBJ for a corrupt sparse one', () => {
    n.run('HSET', 'hh', 'f', 'v');
    n.run('PFADD', 'ok', 'a');
    for (const argv of [['PFADD', 'hh', 'a'], ['PFCOUNT', 'hh'], ['PFCOUNT', 'ok', 'hh'], ['PFMERGE', 'd', 'hh'], ['PFDEBUG', 'ENCODING', 'hh']]) {
      expect(errorOf(n.run(...argv)), argv.join(' ')).to.equal(WRONGTYPE);
    }
    n.run('SET', 'short', 'HYLL');
    n.run('SET', 'magic', 'hyll\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
    n.run('SET', 'enc', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
    n.run('SET', 'dense', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
    for (const k of ['short', 'magic', 'enc', 'dense']) {
      expect(errorOf(n.run('PFADD', k, 'a')), k).to.equal(NOT_HLL);
      expect(errorOf(n.run('PFCOUNT', k)), k).to.equal(NOT_HLL);
      expect(errorOf(n.run('PFMERGE', 'dest', k)), k).to.equal(NOT_HLL);
    }
    expect(n.run('EXISTS', 'dest')).to.equal(0);
    n.run('SET', 'corrupt', SPARSE_HDR + '\x80\x7f\xfe'); // XZERO:16383
    expect(errorOf(n.run('PFCOUNT', 'corrupt'))).to.equal(CORRUPT);
    expect(errorOf(n.run('PFCOUNT', 'corrupt', 'ok'))).to.equal(CORRUPT);
    expect(errorOf(n.run('PFMERGE', 'dest', 'corrupt'))).to.equal(CORRUPT);
    expect(errorOf(n.run('PFDEBUG', 'TODENSE', 'corrupt'))).to.equal(CORRUPT);
  });

  it('send themselves to replicas; PFCOUNT too when it cached the cardinality', () => {
    n.node.repl.ensureBacklog();
    n.run('SET', 'init', '1');
    expect(n.effects(() => n.run('PFADD', 'h', 'a', 'b'))).to.deep.equal([['PFADD', 'h', 'a', 'b']]);
    expect(n.effects(() => n.run('PFADD', 'h', 'a'))).to.deep.equal([]);
    expect(n.effects(() => n.run('PFCOUNT', 'h'))).to.deep.equal([['PFCOUNT', 'h']]);
    expect(n.effects(() => n.run('PFCOUNT', 'h'))).to.deep.equal([]);
    expect(n.effects(() => n.run('PFCOUNT', 'h', 'x'))).to.deep.equal([]);
    expect(n.effects(() => n.run('PFMERGE', 'm', 'h'))).to.deep.equal([['PFMERGE', 'm', 'h']]);
    expect(n.effects(() => n.run('PFDEBUG', 'TODENSE', 'm'))).to.deep.equal([['PFDEBUG', 'TODENSE', 'm']]);
    expect(n.effects(() => n.run('PFDEBUG', 'TODENSE', 'm'))).to.deep.equal([]);
    expect(n.effects(() => n.run('PFADD', 'm', 'zz'))).to.deep.equal([['PFADD', 'm', 'zz']]);
  });
});
