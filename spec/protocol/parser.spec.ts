// RequestParser on fixtures: every fixture is fed as one chunk, byte by byte and at seeded random splits,
// and must give the same commands, the same bulk forms and the same protocol error every time. Error
// texts and edge cases were checked against redis-server 7.0.15 with raw sockets.
import { expect } from 'chai';
import * as E from '../../lib/protocol/errors';
import { ProtocolError, RequestParser, bulkString, splitArgs, INLINE_MAX_BYTES, MAX_ARG_BYTES } from '../../lib/protocol/parser';

interface Fixture {
  name: string;
  input: string | Buffer;
  /** Commands parsed before the error (or all of them). */
  commands: string[][];
  /** Protocol error text, when the input ends with one. */
  error?: string;
  unauthenticated?: boolean;
  maxBulkBytes?: number;
  /** Skip the byte-by-byte feed (inputs of several MB). */
  big?: boolean;
}

interface Outcome {
  commands: string[][];
  bulkForms: string[][];
  error: string | null;
  /** consumed after each command: where it ended in the bytes fed (the same however they were split). */
  ends: number[];
}

const DEFAULT_MAX_BULK = 512 * 1024 * 1024;

/**
 * Feeds the chunks in order, draining next() after each; stops at the first ProtocolError. With
 * `frames`, as the client reads (client.ts): nextFrame() first, frameArgv() for its strings, next() when
 * it declines; the frame's arguments and bulk forms must match the strings. With `borrowed`, each chunk
 * is copied into one reused read buffer (as io-mode handle reads), fed as borrowed, then own() is called
 * and the buffer overwritten with garbage before the next chunk.
 */
function parse(f: Fixture, chunks: Buffer[], { frames = false, borrowed = false } = {}): Outcome {
  const p = new RequestParser({
    maxBulkBytes: () => f.maxBulkBytes ?? DEFAULT_MAX_BULK,
    unauthenticated: () => f.unauthenticated === true,
  });
  const out: Outcome = { commands: [], bulkForms: [], error: null, ends: [] };
  const nextCommand = (): string[] | null => {
    if (!frames || !p.nextFrame()) return p.next();
    const fr = p.frame;
    const argv = p.frameArgv();
    for (let k = 0; k < fr.argc; k++) {
      expect(fr.str(k)).to.equal(argv[k]);
      expect(fr.buf.latin1Slice(fr.hdr[k], fr.bulkEnd(k))).to.equal(bulkString(argv[k]));
    }
    return argv;
  };
  const shared = borrowed ? Buffer.alloc(chunks.reduce((m, c) => Math.max(m, c.length), 0)) : null;
  try {
    for (const chunk of chunks) {
      if (shared !== null) {
        chunk.copy(shared);
        p.feed(shared.subarray(0, chunk.length), true);
      } else {
        p.feed(chunk);
      }
      for (let argv = nextCommand(); argv !== null; argv = nextCommand()) {
        out.commands.push([...argv]);
        out.bulkForms.push(argv.map((_, i) => p.bulkForm(i)));
        out.ends.push(p.consumed);
      }
      if (shared !== null) {
        p.own();
        shared.fill('*$9\r\nX');
      }
    }
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    out.error = e.message;
  }
  return out;
}

/** Deterministic PRNG (mulberry32) so that a failing split can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits buf at random points: short pieces mostly, sometimes long ones, so both paths are hit. */
function randomSplit(buf: Buffer, seed: number): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    const max = r() < 0.5 ? 8 : Math.max(16, buf.length >> 2);
    const n = 1 + Math.floor(r() * max);
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

function byteByByte(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

const mb = (...args: string[]) => `*${args.length}\r\n` + args.map(bulkString).join('');
/** Every byte value 0..255, twice, with CRLFs inside. */
const ALL_BYTES = Buffer.from([...Array(256).keys(), 13, 10, ...Array(256).keys()]).toString('latin1');
const BIG_BULK = 'x\r\n$3\r\n'.repeat(30000); // 210 KB, looks like RESP inside
const HUGE_BULK = Buffer.alloc(3 * 1024 * 1024 + 7, 'ab\r\n').toString('latin1');

const FIXTURES: Fixture[] = [
  { name: 'multibulk', input: mb('SET', 'key', 'value'), commands: [['SET', 'key', 'value']] },
  { name: 'multibulk with an empty argument', input: mb('ECHO', ''), commands: [['ECHO', '']] },
  { name: 'inline', input: 'SET key value\r\n', commands: [['SET', 'key', 'value']] },
  { name: 'inline ended by LF only', input: 'PING\nPING\n', commands: [['PING'], ['PING']] },
  { name: 'inline with tabs and extra spaces', input: '  SET\tk \t v  \r\n', commands: [['SET', 'k', 'v']] },
  { name: 'inline with a bare CR inside (a space to sdssplitargs)', input: 'ECHO a\rb\r\n', commands: [['ECHO', 'a', 'b']] },
  {
    name: 'inline with quotes and escapes',
    input: 'SET "a b" \'c d\' "\\x41\\x4a\\n\\r\\t\\b\\a\\\\\\"\\q" \'it\\\'s\' a"b c" ""\r\n',
    commands: [['SET', 'a b', 'c d', 'AJ\n\r\t\b\x07\\"q', "it's", 'ab c', '']],
  },
  { name: 'inline: invalid \\x escapes stay literal', input: 'ECHO "\\xZZ\\x4"\r\n', commands: [['ECHO', 'xZZx4']] },
  { name: 'inline: single quotes keep backslashes', input: "ECHO 'a\\nb'\r\n", commands: [['ECHO', 'a\\nb']] },
  { name: 'inline \\xHH gives any byte', input: 'ECHO "\\x00\\xff\\xFe"\r\n', commands: [['ECHO', '\x00\xff\xfe']] },
  { name: 'empty lines are skipped', input: '\r\n\n\r\n   \r\n\rPING\r\n', commands: [['PING']] },
  { name: '*0 and *-1 are skipped', input: '*0\r\n*-1\r\n*-5\r\nPING\r\n', commands: [['PING']] },
  {
    name: 'pipelined frames, multibulk and inline mixed',
    input: mb('GET', 'a') + 'PING\r\n' + mb('SET', 'b', '1') + mb('DEL', 'a', 'b'),
    commands: [['GET', 'a'], ['PING'], ['SET', 'b', '1'], ['DEL', 'a', 'b']],
  },
  {
    name: 'many pipelined frames',
    input: Array.from({ length: 300 }, (_, i) => mb('SET', `k${i}`, `v${i}`)).join(''),
    commands: Array.from({ length: 300 }, (_, i) => ['SET', `k${i}`, `v${i}`]),
  },
  {
    name: 'binary payload with CRLF inside a bulk',
    input: mb('SET', 'k\r\n', ALL_BYTES) + mb('GET', '*1\r\n$4\r\n'),
    commands: [['SET', 'k\r\n', ALL_BYTES], ['GET', '*1\r\n$4\r\n']],
  },
  {
    name: 'a bulk that spans many chunks, then more commands',
    input: mb('SET', 'k', BIG_BULK, 'EX', '10') + mb('GET', 'k'),
    commands: [['SET', 'k', BIG_BULK, 'EX', '10'], ['GET', 'k']],
  },
  {
    name: 'a 3 MB bulk between two small ones',
    input: mb('SET', 'k', HUGE_BULK) + mb('SET', 'k2', HUGE_BULK.slice(0, 40000)) + 'PING\r\n',
    commands: [['SET', 'k', HUGE_BULK], ['SET', 'k2', HUGE_BULK.slice(0, 40000)], ['PING']],
    big: true,
  },
  {
    name: 'the two bytes after a bulk are skipped unchecked (as Redis)',
    input: '*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n',
    commands: [['PING'], ['PING']],
  },
  { name: 'a bulk of exactly proto-max-bulk-len', input: mb('ECHO', 'z'.repeat(2048)), commands: [['ECHO', 'z'.repeat(2048)]], maxBulkBytes: 2048 },
  { name: 'an inline line of exactly 64 KiB', input: 'a'.repeat(INLINE_MAX_BYTES) + '\n', commands: [['a'.repeat(INLINE_MAX_BYTES)]] },
  {
    name: 'unauthenticated: 10 arguments of 16384 bytes are allowed',
    input: mb('AUTH', 'p'.repeat(16384), ...Array(8).fill('x')),
    commands: [['AUTH', 'p'.repeat(16384), ...Array(8).fill('x')]],
    unauthenticated: true,
  },
  {
    name: 'unauthenticated: inline commands have no argument limit',
    input: 'PING ' + 'a '.repeat(20) + '\r\n',
    commands: [['PING', ...Array(20).fill('a')]],
    unauthenticated: true,
  },

  // Protocol errors. The commands before the error are still returned.
  { name: 'too big inline request', input: 'PING\r\n' + 'a'.repeat(INLINE_MAX_BYTES + 1), commands: [['PING']], error: E.PROTO_TOO_BIG_INLINE },
  { name: 'too big inline request, even with its newline', input: 'a'.repeat(70000) + '\r\n', commands: [], error: E.PROTO_TOO_BIG_INLINE },
  { name: 'unbalanced double quotes', input: 'SET "a b\r\n', commands: [], error: E.PROTO_UNBALANCED_QUOTES },
  { name: 'unbalanced single quotes', input: "SET 'a b\r\n", commands: [], error: E.PROTO_UNBALANCED_QUOTES },
  { name: 'a closing quote must be followed by a space', input: 'ECHO "a"b\r\n', commands: [], error: E.PROTO_UNBALANCED_QUOTES },
  { name: 'too big mbulk count string', input: '*' + '1'.repeat(70000), commands: [], error: E.PROTO_TOO_BIG_MBULK_COUNT },
  { name: 'too big mbulk count string: 64 KiB + 1 before the CR', input: '*' + '1'.repeat(65536) + '\r\n', commands: [], error: E.PROTO_TOO_BIG_MBULK_COUNT },
  { name: 'a 64 KiB mbulk count line is an invalid length, not too big', input: '*' + '1'.repeat(65535) + '\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: *abc', input: 'PING\r\n*abc\r\n', commands: [['PING']], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: *3000000000', input: '*3000000000\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: *+1', input: '*+1\r\n$4\r\nPING\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: leading zero', input: '*01\r\n$4\r\nPING\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: *-0', input: '*-0\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: 'invalid multibulk length: empty', input: '*\r\n', commands: [], error: E.PROTO_INVALID_MBULK_LEN },
  { name: "expected '$', got 'x'", input: '*1\r\nx\r\n', commands: [], error: E.protoExpectedDollar('x') },
  { name: "expected '$', got ':'", input: mb('GET', 'k') + '*2\r\n$3\r\nGET\r\n:4\r\n', commands: [['GET', 'k']], error: E.protoExpectedDollar(':') },
  { name: "expected '$': CR alone ends the header line", input: '*1\r$4\r\nPING\r\n', commands: [], error: E.protoExpectedDollar('4') },
  { name: "expected '$', got a byte 0xff", input: '*1\r\n\xff\r\n', commands: [], error: E.protoExpectedDollar('\xff') },
  { name: "a long line not starting with '$' is a too big bulk count string", input: '*1\r\nx' + 'a'.repeat(70000), commands: [], error: E.PROTO_TOO_BIG_BULK_COUNT },
  { name: 'invalid bulk length: negative', input: '*1\r\n$-1\r\n', commands: [], error: E.PROTO_INVALID_BULK_LEN },
  { name: 'invalid bulk length: not a number', input: '*1\r\n$ 4\r\nPING\r\n', commands: [], error: E.PROTO_INVALID_BULK_LEN },
  { name: 'invalid bulk length: above 512 MB', input: '*1\r\n$600000000\r\n', commands: [], error: E.PROTO_INVALID_BULK_LEN },
  { name: 'invalid bulk length: above proto-max-bulk-len', input: mb('ECHO', 'z'.repeat(2049)), commands: [], error: E.PROTO_INVALID_BULK_LEN, maxBulkBytes: 2048 },
  { name: 'too big bulk count string', input: '*1\r\n$' + '1'.repeat(70000), commands: [], error: E.PROTO_TOO_BIG_BULK_COUNT },
  { name: 'unauthenticated multibulk length', input: '*11\r\n', commands: [], error: E.PROTO_UNAUTH_MBULK_LEN, unauthenticated: true },
  { name: 'unauthenticated bulk length', input: '*1\r\n$16385\r\n', commands: [], error: E.PROTO_UNAUTH_BULK_LEN, unauthenticated: true },
];

describe('RequestParser', () => {
  for (const f of FIXTURES) {
    describe(f.name, () => {
      const input = typeof f.input === 'string' ? Buffer.from(f.input, 'latin1') : f.input;
      const whole = parse(f, [input]);

      it('as one chunk: the expected commands and error', () => {
        expect(whole.commands).to.deep.equal(f.commands);
        expect(whole.error).to.equal(f.error ?? null);
      });

      it('peekKeys() sees, in order, the second argument of the commands next() then returns', () => {
        const p = new RequestParser({ maxBulkBytes: () => f.maxBulkBytes ?? DEFAULT_MAX_BULK, unauthenticated: () => f.unauthenticated === true });
        p.feed(input);
        const offs = new Int32Array(64);
        const lens = new Int32Array(64);
        const n = p.peekKeys(64, offs, lens);
        const b = p.peekBuffer;
        const m = Math.min(n, whole.commands.length);
        const seen: (string | null)[] = [];
        for (let i = 0; i < m; i++) seen.push(offs[i] < 0 ? null : b.latin1Slice(offs[i], offs[i] + lens[i]));
        expect(seen).to.deep.equal(whole.commands.slice(0, m).map((c) => (c.length > 1 ? c[1] : null)));
      });

      it('bulkForm(i) is the exact $len\\r\\n...\\r\\n text of every argument', () => {
        whole.bulkForms.forEach((forms, n) => expect(forms).to.deep.equal(whole.commands[n].map(bulkString)));
      });

      if (!f.big) {
        it('byte by byte: the same outcome', () => {
          expect(parse(f, byteByByte(input))).to.deep.equal(whole);
        });
      }

      it('at 20 seeded random splits: the same outcome', () => {
        for (let seed = 1; seed <= 20; seed++) {
          const got = parse(f, randomSplit(input, seed));
          expect(got, `seed ${seed}`).to.deep.equal(whole);
        }
      });

      it('nextFrame() first (the byte fast path): the same outcome as one chunk and at 20 random splits', () => {
        expect(parse(f, [input], { frames: true })).to.deep.equal(whole);
        for (let seed = 1; seed <= 20; seed++) expect(parse(f, randomSplit(input, seed), { frames: true }), `seed ${seed}`).to.deep.equal(whole);
      });

      it('borrowed from one reused read buffer, overwritten after own(), with or without frames: the same outcome', () => {
        for (const frames of [false, true]) {
          const o = { frames, borrowed: true };
          if (!f.big) expect(parse(f, byteByByte(input), o), `byte by byte, frames ${frames}`).to.deep.equal(whole);
          expect(parse(f, [input], o), `one chunk, frames ${frames}`).to.deep.equal(whole);
          for (let seed = 1; seed <= 20; seed++) expect(parse(f, randomSplit(input, seed), o), `seed ${seed}, frames ${frames}`).to.deep.equal(whole);
        }
      });
    });
  }

  it('bulkForm of an argument is sliced from the request bytes when it arrived across chunks', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    const frame = Buffer.from(mb('SET', 'key', 'v'.repeat(100000)), 'latin1');
    for (let i = 0; i < frame.length; i += 1000) p.feed(frame.subarray(i, i + 1000));
    const argv = p.next();
    expect(argv).to.deep.equal(['SET', 'key', 'v'.repeat(100000)]);
    expect(p.bulkForm(1)).to.equal('$3\r\nkey\r\n');
    expect(p.bulkForm(2)).to.equal(bulkString('v'.repeat(100000)));
    expect(p.next()).to.equal(null);
    expect(p.buffered).to.equal(0);
  });

  it('consumed: where each command ended in the bytes fed, empty commands skipped before it included', () => {
    const cmds = [mb('SET', 'k', 'v'), '*0\r\n', mb('PING'), 'PING\r\n', '\r\n', mb('ECHO', 'x'.repeat(70000))];
    const input = Buffer.from(cmds.join('') + '*2\r\n$4\r\nECHO', 'latin1');
    const at = (n: number) => cmds.slice(0, n).join('').length;
    const want = [at(1), at(3), at(4), at(6)]; // *0 goes with PING, the empty line with ECHO
    for (const chunks of [[input], byteByByte(input), randomSplit(input, 7)]) {
      const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
      const ends: number[] = [];
      expect(p.consumed).to.equal(0);
      for (const c of chunks) {
        p.feed(c);
        for (let argv = p.next(); argv !== null; argv = p.next()) ends.push(p.consumed);
        p.release();
      }
      expect(ends).to.deep.equal(want);
      expect(p.consumed, 'an unfinished command is not counted').to.equal(at(6));
    }
  });

  it('buffered counts the bytes not yet parsed, including a partial bulk and the parsed arguments before it', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    const echo = 4 + 32; // ECHO, parsed: its bytes plus 32 of bookkeeping
    p.feed(Buffer.from('*2\r\n$4\r\nECHO\r\n$100000\r\n' + 'a'.repeat(50000)));
    expect(p.next()).to.equal(null);
    expect(p.buffered).to.equal(echo + '$100000\r\n'.length + 50000);
    p.feed(Buffer.alloc(30000, 'a'));
    expect(p.next()).to.equal(null);
    expect(p.buffered).to.equal(echo + '$100000\r\n'.length + 80000);
    p.feed(Buffer.from('a'.repeat(20000) + '\r\nPI'));
    expect(p.next()).to.deep.equal(['ECHO', 'a'.repeat(100000)]);
    expect(p.next()).to.equal(null);
    expect(p.buffered).to.equal(2);
  });

  it('buffered grows with the parsed arguments of a command that never ends (query buffer limit)', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    p.feed(Buffer.from('*2147483647\r\n'));
    for (let i = 0; i < 1000; i++) p.feed(Buffer.from('$1\r\nx\r\n'));
    expect(p.next()).to.equal(null);
    expect(p.buffered).to.equal(1000 * (1 + 32));
  });

  it('rejects a bulk longer than a string can hold even when proto-max-bulk-len allows it', () => {
    const p = new RequestParser({ maxBulkBytes: () => 2 ** 40 });
    p.feed(Buffer.from(`*2\r\n$4\r\nECHO\r\n$${MAX_ARG_BYTES + 1}\r\n`));
    expect(() => p.next()).to.throw(ProtocolError, E.PROTO_INVALID_BULK_LEN);
  });

  it('release() drops the last command and a consumed buffer; bulkForm still worked before', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    p.feed(Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n'));
    expect(p.next()).to.deep.equal(['SET', 'k', 'hello']);
    expect(p.bulkForm(2)).to.equal('$5\r\nhello\r\n');
    p.release();
    expect(p.buffered).to.equal(0);
    expect((p as unknown as { buf: Buffer }).buf.length).to.equal(0);
    expect((p as unknown as { argv: string[] }).argv).to.deep.equal([]);
  });

  it('the unauthenticated limits follow the callback as it changes', () => {
    let unauth = true;
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK, unauthenticated: () => unauth });
    p.feed(Buffer.from(mb('AUTH', 'pw')));
    expect(p.next()).to.deep.equal(['AUTH', 'pw']);
    unauth = false;
    const args = Array.from({ length: 11 }, (_, i) => String(i));
    p.feed(Buffer.from(mb('MSET', ...args, 'x'.repeat(20000))));
    expect(p.next()).to.deep.equal(['MSET', ...args, 'x'.repeat(20000)]);
  });
});

describe('RequestParser.peekKeys', () => {
  it('sees as many commands as are complete, stops at an inline command, and next() returns them in that order', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    const cmds = [['SET', 'k\x00\xff1', 'v'], ['PING'], ['GET', ''], ['MSET', 'a', '1', 'b', '2']];
    const text = cmds.map((c) => mb(...c)).join('') + 'PING\r\n' + mb('GET', 'after');
    p.feed(Buffer.from(text, 'latin1'));
    const offs = new Int32Array(16);
    const lens = new Int32Array(16);
    expect(p.peekKeys(16, offs, lens)).to.equal(4);
    expect(p.peekKeys(2, offs, lens), 'at most max').to.equal(2);
    p.peekKeys(16, offs, lens);
    expect(offs[1]).to.equal(-1);
    const b = p.peekBuffer;
    expect([0, 2, 3].map((i) => b.latin1Slice(offs[i], offs[i] + lens[i]))).to.deep.equal(['k\x00\xff1', '', 'a']);
    for (const c of cmds) expect(p.next()).to.deep.equal(c);
    expect(p.peekKeys(16, offs, lens), 'an inline command next').to.equal(0);
  });

  it('an incomplete last command is not seen', () => {
    const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK });
    const whole = mb('GET', 'a') + mb('GET', 'bb');
    p.feed(Buffer.from(whole.slice(0, whole.length - 3), 'latin1'));
    const offs = new Int32Array(16);
    const lens = new Int32Array(16);
    expect(p.peekKeys(16, offs, lens)).to.equal(1);
  });
});

describe('splitArgs', () => {
  it('returns null for unbalanced quotes and [] for a blank line', () => {
    expect(splitArgs('"abc')).to.equal(null);
    expect(splitArgs("'abc")).to.equal(null);
    expect(splitArgs('"a"b')).to.equal(null);
    expect(splitArgs("'a'b")).to.equal(null);
    expect(splitArgs(' \t ')).to.deep.equal([]);
  });

  it('a trailing backslash inside double quotes does not close them', () => {
    expect(splitArgs('"abc\\"')).to.equal(null);
    expect(splitArgs('"a\\\\"')).to.deep.equal(['a\\']);
  });
});

describe('RequestParser.nextFrame', () => {
  const limits = { maxBulkBytes: () => DEFAULT_MAX_BULK };

  it('parses a pipelined batch of whole commands with no strings, then declines at a partial one', () => {
    const p = new RequestParser(limits);
    const batch = mb('SET', 'k1', 'v1') + mb('GET', 'k1') + mb('SET', 'k2', '');
    const buf = Buffer.from(batch + mb('GET', 'k2').slice(0, 9), 'latin1');
    p.feed(buf);
    const seen: string[][] = [];
    while (p.nextFrame()) {
      const f = p.frame;
      seen.push(Array.from({ length: f.argc }, (_, k) => f.str(k)));
    }
    expect(seen).to.deep.equal([['SET', 'k1', 'v1'], ['GET', 'k1'], ['SET', 'k2', '']]);
    expect(p.consumed).to.equal(batch.length);
    expect(p.next()).to.equal(null); // the partial GET waits for more bytes
    p.feed(Buffer.from(mb('GET', 'k2').slice(9) + mb('GET', 'k3'), 'latin1'));
    // next() began the partial command: it finishes it; the frames go on after it.
    expect(p.nextFrame()).to.equal(false);
    expect(p.next()).to.deep.equal(['GET', 'k2']);
    expect(p.nextFrame()).to.equal(true);
    expect(p.frame.str(1)).to.equal('k3');
  });

  it('declines what next() must judge: inline, *0, leading zeros, a bulk without CRLF, over 64 arguments, unauthenticated limits', () => {
    const cases: Array<[string, boolean?]> = [
      ['PING\r\n'],
      ['*0\r\n'],
      ['*01\r\n$4\r\nPING\r\n'],
      ['*1\r\n$04\r\nPING\r\n'],
      ['*1\r\n$4\r\nPINGxx'],
      ['*1\r\n$-1\r\n'],
      [mb(...Array.from({ length: 65 }, () => 'x'))],
      [mb(...Array.from({ length: 11 }, () => 'x')), true],
      [mb('SET', 'k', 'v'.repeat(16385)), true],
    ];
    for (const [input, unauth] of cases) {
      const p = new RequestParser({ maxBulkBytes: () => DEFAULT_MAX_BULK, unauthenticated: () => unauth === true });
      p.feed(Buffer.from(input, 'latin1'));
      expect(p.nextFrame(), JSON.stringify(input.slice(0, 40))).to.equal(false);
      expect(p.buffered, 'nothing consumed').to.equal(input.length);
    }
    // Within the limits once authenticated, and at exactly 64 arguments.
    const p = new RequestParser(limits);
    p.feed(Buffer.from(mb(...Array.from({ length: 64 }, () => 'x')) + mb('SET', 'k', 'v'.repeat(16385)), 'latin1'));
    expect(p.nextFrame()).to.equal(true);
    expect(p.frame.argc).to.equal(64);
    expect(p.nextFrame()).to.equal(true);
    expect(p.frame.len[2]).to.equal(16385);
  });

  it('a bulk over proto-max-bulk-len is left to next(), which answers the protocol error', () => {
    const p = new RequestParser({ maxBulkBytes: () => 1024 * 1024 });
    p.feed(Buffer.from(mb('SET', 'k', 'v'.repeat(1024 * 1024 + 1)), 'latin1'));
    expect(p.nextFrame()).to.equal(false);
    expect(() => p.next()).to.throw(ProtocolError, E.PROTO_INVALID_BULK_LEN);
  });
});
