// The Reply writer: in RESP2 every reply must decode with the shared decoder in RESP2 mode (itself checked
// against the independent redis-parser package in resp-decoder.spec.ts); in RESP3 the exact bytes are checked.
import { expect } from 'chai';
import { Reply } from '../../lib/protocol/reply';
import { ReplyError, decodeResp2 } from '../helpers/resp';

/** Everything written so far, as one latin1 string (joining Buffer parts). */
function text(r: Reply): string {
  const t = r.take();
  return typeof t === 'string' ? t : t.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
}

function writer(resp: 2 | 3): Reply {
  const r = new Reply();
  r.resp = resp;
  return r;
}

/** Writes one reply with each method, in order (the same calls serve both protocol versions). */
function writeAll(r: Reply): void {
  r.ok();
  r.simple('PONG');
  r.int(0);
  r.int(9999);
  r.int(10000);
  r.int(-1);
  r.bigint(-9007199254740991n);
  r.bulk('');
  r.bulk('a\r\nb');
  r.nil();
  r.nilArray();
  r.array(0);
  r.map(2);
  r.bulk('k1');
  r.int(1);
  r.bulk('k2');
  r.nil();
  r.set(2);
  r.bulk('x');
  r.bulk('y');
  r.double('3.5');
  r.double('inf');
  r.bool(true);
  r.bool(false);
  r.verbatim('# Server\r\nredis_version:7.2.0\r\n');
  r.push(3);
  r.bulk('message');
  r.bulk('ch');
  r.bulk('hi');
  r.error('ERR line one\r\nline two\nthree');
  r.bulks(['p', 'q']);
}

describe('Reply', () => {
  describe('RESP2', () => {
    it('every reply type decodes as well-formed RESP2 with the RESP2 shapes', () => {
      const r = writer(2);
      writeAll(r);
      const got = decodeResp2(text(r));
      expect(got.slice(0, 6)).to.deep.equal(['OK', 'PONG', 0, 9999, 10000, -1]);
      expect(got[6]).to.equal(-9007199254740991); // integers decode as JS numbers (as redis-parser)
      expect(got.slice(7, 11)).to.deep.equal(['', 'a\r\nb', null, null]);
      expect(got[11]).to.deep.equal([]);
      expect(got[12]).to.deep.equal(['k1', 1, 'k2', null]); // map: flat array of 2n
      expect(got[13]).to.deep.equal(['x', 'y']); // set: array
      expect(got.slice(14, 18)).to.deep.equal(['3.5', 'inf', 1, 0]); // doubles as bulks, bools as 1/0
      expect(got[18]).to.equal('# Server\r\nredis_version:7.2.0\r\n'); // verbatim: plain bulk
      expect(got[19]).to.deep.equal(['message', 'ch', 'hi']); // push: array
      expect(got[20]).to.be.instanceOf(ReplyError);
      expect((got[20] as Error).message).to.equal('ERR line one  line two three');
      expect(got[21]).to.deep.equal(['p', 'q']);
      expect(got).to.have.length(22);
    });

    it('exact RESP2 text of nil, nilArray, bool and double', () => {
      const r = writer(2);
      r.nil();
      r.nilArray();
      r.bool(true);
      r.double('1.5');
      expect(text(r)).to.equal('$-1\r\n*-1\r\n:1\r\n$3\r\n1.5\r\n');
    });

    it('bulks of every length around the header cache keep their length right', () => {
      const r = writer(2);
      const lens = [0, 1, 9, 10, 1023, 1024, 1025, 16383, 16384, 70000];
      for (const n of lens) r.bulk('z'.repeat(n));
      expect(decodeResp2(text(r))).to.deep.equal(lens.map((n) => 'z'.repeat(n)));
    });

    it('arrays of every length around the header cache decode', () => {
      const r = writer(2);
      for (const n of [1023, 1024, 1025]) {
        r.array(n);
        for (let i = 0; i < n; i++) r.int(i);
      }
      const got = decodeResp2(text(r)) as number[][];
      expect(got.map((a) => a.length)).to.deep.equal([1023, 1024, 1025]);
      expect(got[2][1024]).to.equal(1024);
    });
  });

  describe('RESP3', () => {
    it('writes the exact RESP3 text of every type', () => {
      const r = writer(3);
      writeAll(r);
      const verb = '# Server\r\nredis_version:7.2.0\r\n';
      expect(text(r)).to.equal(
        '+OK\r\n+PONG\r\n:0\r\n:9999\r\n:10000\r\n:-1\r\n:-9007199254740991\r\n' +
          '$0\r\n\r\n$4\r\na\r\nb\r\n_\r\n_\r\n*0\r\n' +
          '%2\r\n$2\r\nk1\r\n:1\r\n$2\r\nk2\r\n_\r\n' +
          '~2\r\n$1\r\nx\r\n$1\r\ny\r\n' +
          ',3.5\r\n,inf\r\n#t\r\n#f\r\n' +
          `=${verb.length + 4}\r\ntxt:${verb}\r\n` +
          '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n' +
          '-ERR line one  line two three\r\n' +
          '*2\r\n$1\r\np\r\n$1\r\nq\r\n',
      );
    });

    it('int writes every integer as JS prints it: cached, written digit by digit, or beyond 2^53', () => {
      const ns = [0, -0, 1, 9999, 10000, 10001, 99999, 100000, 123456789, 2 ** 31, 2 ** 52 + 1, Number.MAX_SAFE_INTEGER];
      ns.push(...ns.map((n) => -n), Number.MIN_SAFE_INTEGER, 2 ** 60, -(2 ** 60), 1.5, -2.25);
      for (let i = 0; i < 2000; i++) ns.push(Math.floor((Math.random() - 0.5) * 2 ** (1 + (i % 53))));
      const r = writer(2);
      for (const n of ns) r.int(n);
      expect(text(r)).to.equal(ns.map((n) => ':' + n + '\r\n').join(''));
    });

    it('bigint writes all 64 bits', () => {
      const r = writer(3);
      r.bigint(-(2n ** 63n));
      r.bigint(2n ** 63n - 1n);
      expect(text(r)).to.equal(':-9223372036854775808\r\n:9223372036854775807\r\n');
    });

    it('verbatim takes another format tag', () => {
      const r = writer(3);
      r.verbatim('a', 'mkd');
      expect(text(r)).to.equal('=5\r\nmkd:a\r\n');
    });
  });

  describe('errors', () => {
    it('count, remember the last message, and replace CR and LF by spaces', () => {
      const r = writer(2);
      r.error('ERR a');
      r.error('WRONGTYPE b\nc');
      expect(r.errors).to.equal(2);
      expect(r.lastError).to.equal('WRONGTYPE b\nc');
      expect(text(r)).to.equal('-ERR a\r\n-WRONGTYPE b c\r\n');
    });

    it('internalError writes ERR internal error', () => {
      const r = writer(3);
      r.internalError();
      expect(text(r)).to.equal('-ERR internal error\r\n');
    });
  });

  it('a rollback after the command flushed its own output drops only what came after the flush', () => {
    const r = new Reply();
    r.simple('PREV');
    r.checkpoint();
    r.simple('X');
    expect(r.takeBytes().toString('latin1')).to.equal('+PREV\r\n+X\r\n');
    r.recycle();
    r.simple('Y');
    r.rollback();
    r.internalError();
    expect(r.take()).to.equal('-ERR internal error\r\n');
  });

  describe('bulkBuffer and take()', () => {
    it('a small Buffer is copied into the text', () => {
      const r = writer(2);
      r.bulkBuffer(Buffer.from([0, 255, 13, 10]));
      expect(r.take()).to.equal('$4\r\n\x00\xff\r\n\r\n');
    });

    it('a large Buffer stays a separate part, in order with the text around it, not copied', () => {
      const r = writer(2);
      const big = Buffer.alloc(100000, 7);
      r.simple('before');
      r.bulkBuffer(big);
      r.int(5);
      expect(r.pendingBytes).to.equal('+before\r\n$100000\r\n'.length + 100000 + '\r\n:5\r\n'.length);
      const t = r.take();
      expect(t).to.be.an('array');
      const parts = t as (string | Buffer)[];
      expect(parts).to.have.length(3);
      expect(parts[0]).to.equal('+before\r\n$100000\r\n');
      expect(parts[1]).to.equal(big);
      expect(parts[2]).to.equal('\r\n:5\r\n');
      const joined = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
      expect(decodeResp2(joined)).to.deep.equal(['before', '\x07'.repeat(100000), 5]);
    });

    it('two large Buffers back to back decode in order', () => {
      const r = writer(3);
      r.array(2);
      r.bulkBuffer(Buffer.alloc(20000, 'a'));
      r.bulkBuffer(Buffer.alloc(30000, 'b'));
      expect(text(r)).to.equal('*2\r\n$20000\r\n' + 'a'.repeat(20000) + '\r\n$30000\r\n' + 'b'.repeat(30000) + '\r\n');
    });

    it('take() resets the writer: nothing pending, the next take() is empty, the protocol stays', () => {
      const r = writer(3);
      r.bulkBuffer(Buffer.alloc(20000));
      r.ok();
      expect(r.pending).to.equal(true);
      r.take();
      expect(r.pending).to.equal(false);
      expect(r.pendingBytes).to.equal(0);
      expect(r.take()).to.equal('');
      r.nil();
      expect(r.take()).to.equal('_\r\n');
    });

    it('discard() drops pending text and parts', () => {
      const r = writer(2);
      r.ok();
      r.bulkBuffer(Buffer.alloc(20000));
      r.discard();
      expect(r.pending).to.equal(false);
      expect(r.take()).to.equal('');
    });
  });

  describe('checkpoint and rollback', () => {
    it('rollback() drops what was written since checkpoint(), keeping what came before', () => {
      const r = new Reply();
      r.ok();
      r.checkpoint();
      r.array(2);
      r.bulk('x');
      r.rollback();
      r.int(7);
      expect(r.take()).to.equal('+OK\r\n:7\r\n');
    });

    it('moves pending text over 64 Mi chars into chunks, and rollback() still returns to the checkpoint', () => {
      const r = new Reply();
      r.simple('before');
      r.checkpoint();
      const big = 'x'.repeat(40 * 1024 * 1024);
      r.bulk(big);
      r.bulk(big); // passes 64 Mi chars: spilled into a chunk
      const parts = (r as unknown as { parts: unknown[] | null }).parts;
      expect(parts).to.not.equal(null);
      r.rollback();
      r.int(1);
      expect(r.take()).to.equal('+before\r\n:1\r\n');
    });

    it('spilled output is the same bytes, in order', () => {
      const r = new Reply();
      const big = 'y'.repeat(40 * 1024 * 1024);
      r.bulk(big);
      r.bulk(big);
      r.ok();
      const out = r.take();
      expect(Array.isArray(out)).to.equal(true);
      const text = (out as string[]).join('');
      expect(text.length).to.equal(2 * (big.length + '$41943040\r\n\r\n'.length) + 5);
      expect(text.endsWith('\r\n+OK\r\n')).to.equal(true);
    });
  });
});
