// The shared RESP reply decoder: every fixture fed as one chunk, byte by byte and at seeded random
// splits must give the same replies; RESP2 fixtures are also decoded by the independent redis-parser
// package and must agree with it.
import { expect } from 'chai';
import {
  decodeAll,
  INCOMPLETE,
  RespDecoder,
  RespError,
  RespProtocolError,
  RespPush,
  RespVerbatim,
  type RespValue,
} from '../../lib/protocol/resp-decoder';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const RedisParser = require('redis-parser');

/** A comparable form: classes become tagged objects, so deep equality sees their contents. */
function plain(v: RespValue): unknown {
  if (v instanceof RespError) return { error: v.message };
  if (v instanceof RespVerbatim) return { verbatim: [v.format, v.text] };
  if (v instanceof RespPush) return { push: v.items.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [plain(k), plain(x)]) };
  if (v instanceof Set) return { set: [...v].map(plain) };
  return v;
}

interface Fixture {
  name: string;
  bytes: string;
  /** The replies, in plain() form. */
  want: unknown[];
  resp2?: boolean;
}

const FIXTURES: Fixture[] = [
  { name: 'simple string', bytes: '+OK\r\n', want: ['OK'], resp2: true },
  { name: 'error', bytes: '-MOVED 1 127.0.0.1:7001\r\n', want: [{ error: 'MOVED 1 127.0.0.1:7001' }], resp2: true },
  { name: 'integers', bytes: ':0\r\n:-42\r\n:9007199254740991\r\n', want: [0, -42, 9007199254740991], resp2: true },
  { name: 'bulk, binary and empty', bytes: '$5\r\na\r\n\xff\x00\r\n$0\r\n\r\n', want: ['a\r\n\xff\x00', ''], resp2: true },
  { name: 'null bulk and null array', bytes: '$-1\r\n*-1\r\n', want: [null, null], resp2: true },
  { name: 'empty array', bytes: '*0\r\n', want: [[]], resp2: true },
  {
    name: 'nested arrays',
    bytes: '*3\r\n:1\r\n*2\r\n$0\r\n\r\n*0\r\n$-1\r\n*2\r\n$1\r\na\r\n*1\r\n:1\r\n',
    want: [[1, ['', []], null], ['a', [1]]],
    resp2: true,
  },
  { name: 'error inside an array', bytes: '*2\r\n+OK\r\n-ERR bad\r\n', want: [['OK', { error: 'ERR bad' }]], resp2: true },
  { name: 'RESP3 null', bytes: '_\r\n', want: [null] },
  { name: 'RESP3 booleans', bytes: '#t\r\n#f\r\n', want: [true, false] },
  { name: 'RESP3 doubles', bytes: ',1.5\r\n,-0.25e3\r\n,10\r\n,inf\r\n,-inf\r\n', want: [1.5, -250, 10, Infinity, -Infinity] },
  { name: 'RESP3 nan', bytes: ',nan\r\n', want: [NaN] },
  { name: 'RESP3 big number', bytes: '(3492890328409238509324850943850943825024385\r\n', want: [3492890328409238509324850943850943825024385n] },
  { name: 'RESP3 blob error', bytes: '!21\r\nSYNTAX invalid syntax\r\n', want: [{ error: 'SYNTAX invalid syntax' }] },
  { name: 'RESP3 verbatim', bytes: '=15\r\ntxt:Some string\r\n', want: [{ verbatim: ['txt', 'Some string'] }] },
  {
    name: 'RESP3 map (HELLO 3 shape)',
    bytes: '%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nmodules\r\n*0\r\n',
    want: [{ map: [['server', 'redis'], ['modules', []]] }],
  },
  { name: 'RESP3 empty map and set', bytes: '%0\r\n~0\r\n', want: [{ map: [] }, { set: [] }] },
  { name: 'RESP3 set', bytes: '~3\r\n+a\r\n:1\r\n#t\r\n', want: [{ set: ['a', 1, true] }] },
  {
    name: 'RESP3 push',
    bytes: '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n',
    want: [{ push: ['message', 'ch', 'hello'] }],
  },
  {
    name: 'RESP3 attribute is dropped, top level and inside an array',
    bytes: '|1\r\n+ttl\r\n:3600\r\n+OK\r\n*2\r\n|0\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n',
    want: ['OK', [1, 2]],
  },
  {
    name: 'a map of arrays of maps',
    bytes: '%1\r\n+k\r\n*2\r\n%1\r\n+x\r\n,2.5\r\n_\r\n',
    want: [{ map: [['k', [{ map: [['x', 2.5]] }, null]]] }],
  },
];

/** Feeds `bytes` in the given pieces and collects every reply, checking nothing is left over. */
function decodePieces(bytes: string, cuts: number[]): unknown[] {
  const d = new RespDecoder();
  const out: unknown[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    d.feed(Buffer.from(bytes.slice(at, cut), 'latin1'));
    at = cut;
    for (let v = d.next(); v !== INCOMPLETE; v = d.next()) out.push(plain(v));
  }
  expect(d.pending, 'leftover').to.equal(false);
  return out;
}

/** A deterministic generator (mulberry32), so that a failing split can be reproduced. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** redis-parser's replies for RESP2 bytes, in plain() form (bulk strings as latin1). */
function redisParser(bytes: string): unknown[] {
  const out: unknown[] = [];
  // Bulk strings arrive as Buffers; an error inside an array arrives as an Error in place.
  const conv = (r: unknown): unknown =>
    Buffer.isBuffer(r) ? r.toString('latin1') : Array.isArray(r) ? r.map(conv) : r instanceof Error ? { error: r.message } : r;
  const p = new RedisParser({
    returnReply: (r: unknown) => out.push(conv(r)),
    returnError: (e: Error) => out.push({ error: e.message }),
    returnFatalError: (e: Error) => {
      throw e;
    },
    returnBuffers: true,
  });
  p.execute(Buffer.from(bytes, 'latin1'));
  return out;
}

describe('RespDecoder', () => {
  for (const f of FIXTURES) {
    describe(f.name, () => {
      it('decodes as one chunk', () => {
        expect(decodePieces(f.bytes, [])).to.deep.equal(f.want);
      });

      it('decodes fed byte by byte', () => {
        expect(decodePieces(f.bytes, Array.from({ length: f.bytes.length }, (_, i) => i))).to.deep.equal(f.want);
      });

      it('decodes at 20 seeded random splits', () => {
        const r = rng(f.bytes.length);
        for (let i = 0; i < 20; i++) {
          const cuts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => Math.floor(r() * f.bytes.length)).sort((a, b) => a - b);
          expect(decodePieces(f.bytes, cuts), `cuts ${cuts.join(',')}`).to.deep.equal(f.want);
        }
      });

      if (f.resp2) {
        it('agrees with redis-parser, and decodes with protocol 2', () => {
          expect(redisParser(f.bytes)).to.deep.equal(f.want);
          expect(decodeAll(f.bytes, { protocol: 2 }).map(plain)).to.deep.equal(f.want);
        });
      }
    });
  }

  it('returns INCOMPLETE at every cut of a reply, and the reply once it is whole', () => {
    const full = '*2\r\n$5\r\nhello\r\n:7\r\n';
    for (let i = 0; i < full.length; i++) {
      const d = new RespDecoder();
      d.feed(full.slice(0, i));
      expect(d.next(), `cut at ${i}`).to.equal(INCOMPLETE);
      expect(d.pending).to.equal(i > 0);
      d.feed(full.slice(i));
      expect(d.next()).to.deep.equal(['hello', 7]);
      expect(d.next()).to.equal(INCOMPLETE);
      expect(d.buffered).to.equal(0);
    }
  });

  it('keeps the bytes after a reply for the next one', () => {
    const d = new RespDecoder();
    d.feed(':42\r\n+re');
    expect(d.next()).to.equal(42);
    expect(d.next()).to.equal(INCOMPLETE);
    expect(d.buffered).to.equal(3);
    d.feed('st\r\n');
    expect(d.next()).to.equal('rest');
  });

  it('gathers a large bulk string from many chunks', () => {
    const payload = Buffer.alloc(1 << 20, 0xab);
    const d = new RespDecoder();
    d.feed('$' + payload.length + '\r\n');
    for (let i = 0; i < payload.length; i += 1000) {
      d.feed(payload.subarray(i, Math.min(payload.length, i + 1000)));
      if (i + 1000 < payload.length) expect(d.next()).to.equal(INCOMPLETE);
    }
    expect(d.next()).to.equal(INCOMPLETE);
    d.feed('\r\n');
    const v = d.next() as string;
    expect(v.length).to.equal(payload.length);
    expect(Buffer.from(v, 'latin1').equals(payload)).to.equal(true);
  });

  it('decodes an array of 100,000 elements fed in small chunks', () => {
    let s = '*100000\r\n';
    for (let i = 0; i < 100000; i++) s += `:${i}\r\n`;
    const d = new RespDecoder();
    let v: RespValue | typeof INCOMPLETE = INCOMPLETE;
    for (let i = 0; i < s.length; i += 7) {
      d.feed(s.slice(i, i + 7));
      v = d.next();
    }
    expect((v as number[]).length).to.equal(100000);
    expect((v as number[])[99999]).to.equal(99999);
  });

  it('returns errors as RespError values (an Error, never thrown)', () => {
    const [e] = decodeAll('-ERR bad thing\r\n');
    expect(e).to.be.instanceOf(RespError);
    expect(e).to.be.instanceOf(Error);
    expect((e as RespError).message).to.equal('ERR bad thing');
  });

  describe('bad input', () => {
    const bad: Array<[string, string, RegExp]> = [
      ['an unknown type byte', '?x\r\n', /unexpected reply type byte "\?"/],
      ['a bad integer', ':12a\r\n', /invalid integer "12a"/],
      ['an empty integer', ':\r\n', /invalid integer ""/],
      ['a negative bulk length other than -1', '$-2\r\n', /invalid bulk length -2/],
      ['a bulk not followed by CRLF', '$1\r\nab\r\n', /bulk string not followed by CRLF/],
      ['a bad array length', '*x\r\n', /invalid aggregate length "x"/],
      ['a negative map length', '%-1\r\n', /invalid map length -1/],
      ['a CR not followed by LF', '+OK\rX\r\n', /CR not followed by LF/],
      ['a bad boolean', '#x\r\n', /invalid boolean "x"/],
      ['a bad double', ',1.2.3\r\n', /invalid double "1.2.3"/],
      ['a bad big number', '(12x\r\n', /invalid big number "12x"/],
      ['a verbatim string without a format', '=2\r\nab\r\n', /verbatim string without a format/],
    ];
    for (const [what, bytes, re] of bad) {
      it(`throws RespProtocolError on ${what}, and again on every later call`, () => {
        const d = new RespDecoder();
        d.feed(bytes);
        expect(() => d.next()).to.throw(RespProtocolError, re);
        d.feed('+OK\r\n');
        expect(() => d.next()).to.throw(RespProtocolError, re);
      });
    }

    it('refuses RESP3 types with protocol 2', () => {
      expect(() => decodeAll('%0\r\n', { protocol: 2 })).to.throw(RespProtocolError, /unexpected reply type byte "%" \(RESP2\)/);
      expect(() => decodeAll('_\r\n', { protocol: 2 })).to.throw(RespProtocolError);
    });

    it('refuses a bulk longer than maxBulkBytes before its bytes arrive', () => {
      const d = new RespDecoder({ maxBulkBytes: 10 });
      d.feed('$11\r\n');
      expect(() => d.next()).to.throw(RespProtocolError, /invalid bulk length 11/);
    });

    it('decodeAll names the leftover of an unfinished reply', () => {
      expect(() => decodeAll('+OK\r\n*2\r\n:1\r\n')).to.throw(/incomplete RESP reply: "\+OK/);
    });
  });
});
