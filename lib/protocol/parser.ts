// Incremental RESP request parser: multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and inline (`GET k\r\n`)
// commands, a frame split anywhere across reads, many frames in one read. Arguments are latin1 strings,
// so every byte maps to one char and keys stay binary-safe. Limits and error texts are Redis's
// (networking.c: processInlineBuffer, processMultibulkBuffer).
import { constants as bufferConstants } from 'buffer';
import * as E from './errors';

/** Inline requests and the `*N` / `$N` header lines may not exceed this many bytes (PROTO_INLINE_MAX_SIZE). */
export const INLINE_MAX_BYTES = 64 * 1024;
/** Redis 7 accepts multibulk lengths up to INT_MAX. */
export const MBULK_MAX_COUNT = 2147483647;
/** Before AUTH, Redis allows at most this many arguments and this many bytes per argument. */
const UNAUTH_MAX_COUNT = 10;
const UNAUTH_MAX_BULK_BYTES = 16384;
/**
 * The longest argument a latin1 string can hold with room for its bulk header (V8's limit is 2^29 - 24
 * chars, slightly less than proto-max-bulk-len's 512mb maximum): longer ones get "invalid bulk length".
 */
export const MAX_ARG_BYTES = bufferConstants.MAX_STRING_LENGTH - 32;
/** Bytes charged per parsed argument of an unfinished command, on top of its length (buffered). */
const ARG_OVERHEAD_BYTES = 32;
const EMPTY_ARGV: string[] = [];

const EMPTY = Buffer.alloc(0);
/**
 * Largest join of what a parser had left with a borrowed read that is made in the scratch buffer shared
 * by all parsers (one join lives at a time: until own()); larger ones allocate, as unborrowed feeds do.
 * Above glibc's mmap threshold (128 KiB here, bin/shardcache-server) an allocation is its own mapping
 * and cannot fragment the heap.
 */
const JOIN_MAX_BYTES = 256 * 1024;
let joint = Buffer.alloc(0);
const CR = 13;
const LF = 10;

/** Most arguments a command parsed by nextFrame() may have (longer ones go through next()). */
export const FRAME_MAX_ARGS = 64;

/**
 * A command parsed without making strings (RequestParser.nextFrame): argument k is the bytes
 * buf[off[k], off[k] + len[k]), and its bulk form (`$len\r\n...\r\n`) starts at hdr[k]. The parser
 * owns one Frame; it is valid until the next call into the parser.
 */
export class Frame {
  buf: Buffer = EMPTY;
  argc = 0;
  readonly off = new Int32Array(FRAME_MAX_ARGS);
  readonly len = new Int32Array(FRAME_MAX_ARGS);
  readonly hdr = new Int32Array(FRAME_MAX_ARGS);
  /** The index hash of argument 1 computed ahead (Client.prefetch), when `hashed`. */
  hashed = false;
  hash = 0;

  /** Argument k as a latin1 string (made on demand: the fast path needs none). */
  str(k: number): string {
    return this.buf.latin1Slice(this.off[k], this.off[k] + this.len[k]);
  }

  /** End of argument k's bulk form (after its CRLF). */
  bulkEnd(k: number): number {
    return this.off[k] + this.len[k] + 2;
  }
}

/** Thrown by next(): the client gets `-<message>` and its connection is closed after the reply. */
export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len, bytes (read for each bulk, so CONFIG SET applies at once). */
  maxBulkBytes: () => number;
  /** True while the client must still authenticate (tighter limits, as Redis). */
  unauthenticated?: () => boolean;
}

/**
 * Feed chunks with feed(); call next() until it returns null (needs more bytes). next() returns the
 * arguments of one command (never empty) or throws ProtocolError. After a command is returned,
 * bulkForm(i) gives argument i encoded as a RESP bulk string (`$len\r\n...\r\n`), sliced straight from
 * the request bytes when it arrived that way.
 *
 * A chunk fed as borrowed (a read buffer the caller will overwrite) is parsed in place; own() must be
 * called before its bytes change, and copies what the parser still needs of it (an unfinished command).
 * Arguments are strings, copied out of the bytes, so nothing next() returned refers to a chunk.
 */
export class RequestParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks waiting for a large bulk to complete, and how many bytes buf must hold before parsing resumes. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private need = 0;
  // Multibulk state: arguments still expected (0 = between commands), length of the current bulk (-1 = header not read).
  private remaining = 0;
  private bulkLen = -1;
  private argv: string[] = EMPTY_ARGV;
  /** Bytes held by the arguments of the command being read (counted in `buffered`). */
  private argBytes = 0;
  // For argument k < argc: where its `$` header and its data start, and in which buffer. The arrays are
  // reused from command to command (argc says how much of them is valid).
  private argc = 0;
  private hdrAt: number[] = [];
  private dataAt: number[] = [];
  private hdrBuf: Buffer[] = [];
  /** Bytes fed so far, and how many of them the commands returned so far took (with any skipped before). */
  private fed = 0;
  private done = 0;
  /** The command nextFrame() last parsed. */
  readonly frame = new Frame();
  /** The last chunk fed as borrowed, while buf, hdrBuf or frame may still refer to it (own() clears it). */
  private lent: Buffer | null = null;

  constructor(private readonly limits: ParserLimits) {}

  /**
   * Bytes received and not yet run as commands: unparsed bytes plus the arguments already parsed of an
   * unfinished command (what client-query-buffer-limit bounds).
   */
  get buffered(): number {
    return this.buf.length - this.pos + this.pendingBytes + this.argBytes;
  }

  /**
   * Bytes fed so far up to the end of the command next() last returned (empty commands skipped before it
   * included): the bytes of that command are those from the previous value on. Never goes back.
   */
  get consumed(): number {
    return this.done;
  }

  /**
   * Drops references to the last command and to a fully consumed read buffer, so that an idle
   * connection does not keep its last (possibly huge) request alive. Call between batches.
   */
  release(): void {
    if (this.remaining === 0) {
      this.argv = EMPTY_ARGV;
      this.hdrBuf.fill(EMPTY, 0, this.argc);
      this.argc = 0;
    }
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = EMPTY;
      this.pos = 0;
    }
    this.frame.buf = EMPTY;
  }

  /**
   * Adds bytes received. borrowed: chunk is valid only until own() is called (the caller reuses its
   * memory for the next read), so it is parsed in place and never kept past own().
   */
  feed(chunk: Buffer, borrowed = false): void {
    this.fed += chunk.length;
    if (this.need > 0 && this.buf.length - this.pos + this.pendingBytes + chunk.length < this.need) {
      this.pending.push(borrowed ? copyOf(chunk, 0) : chunk);
      this.pendingBytes += chunk.length;
      return;
    }
    if (this.pos >= this.buf.length && this.pendingBytes === 0) {
      this.buf = chunk;
      if (borrowed) this.lent = chunk;
    } else {
      const rest = this.buf.length - this.pos;
      const n = rest + this.pendingBytes + chunk.length;
      if (borrowed && n <= JOIN_MAX_BYTES) {
        // What was left joined with the read in the shared scratch buffer, borrowed like the read
        // itself: no allocation per read (a client that pipelines leaves an unfinished command at the
        // end of almost every read).
        if (joint.length < n) joint = Buffer.allocUnsafeSlow(Math.max(n, Math.min(2 * joint.length, JOIN_MAX_BYTES)));
        let at = this.buf.copy(joint, 0, this.pos);
        for (const p of this.pending) at += p.copy(joint, at);
        chunk.copy(joint, at);
        this.buf = joint.subarray(0, n);
        this.lent = this.buf;
      } else {
        this.buf = Buffer.concat([this.buf.subarray(this.pos), ...this.pending, chunk]);
      }
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.pos = 0;
    this.need = 0;
  }

  /**
   * Stops referring to the chunk last fed as borrowed: copies the bytes still needed (the unparsed rest,
   * from the first header of an unfinished command when it began in that chunk) into a buffer of the
   * parser's own. The common case, a read that held whole commands only, copies nothing. The last
   * complete command's bulkForm() then builds its arguments instead of slicing them, and its frame is empty.
   */
  own(): void {
    const lent = this.lent;
    if (lent === null) return;
    this.lent = null;
    if (this.frame.buf === lent) this.frame.buf = EMPTY; // its command has run
    // buf is the lent chunk, or (after release()) empty with the chunk fully parsed.
    const pos = this.buf === lent ? this.pos : lent.length;
    let from = pos;
    if (this.remaining > 0) {
      for (let k = 0; k < this.argc; k++) if (this.hdrBuf[k] === lent && this.hdrAt[k] < from) from = this.hdrAt[k];
    } else {
      for (let k = 0; k < this.argc; k++) if (this.hdrBuf[k] === lent) this.hdrBuf[k] = EMPTY;
    }
    if (from >= lent.length) {
      if (this.buf === lent) {
        this.buf = EMPTY;
        this.pos = 0;
      }
      return;
    }
    const copy = copyOf(lent, from);
    if (this.remaining > 0) {
      for (let k = 0; k < this.argc; k++) {
        if (this.hdrBuf[k] !== lent) continue;
        this.hdrBuf[k] = copy;
        this.hdrAt[k] -= from;
        this.dataAt[k] -= from;
      }
    }
    this.buf = copy;
    this.pos = pos - from;
  }

  /**
   * Looks ahead, without parsing, over up to `max` complete multibulk commands buffered from where next()
   * will start: for the i-th, the offset and length in peekBuffer of its second argument (the key of
   * most commands), or -1 when it has fewer than two arguments. Returns how many it saw; stops at
   * anything else (an inline or incomplete command, a malformed header, more than 64 arguments), which
   * next() then handles as usual. The i-th command next() returns is the i-th seen here.
   */
  peekKeys(max: number, offs: Int32Array, lens: Int32Array): number {
    if (this.remaining !== 0 || this.pendingBytes !== 0) return 0;
    const b = this.buf;
    const end = b.length;
    let p = this.pos;
    let n = 0;
    while (n < max && p < end && b[p] === 42 /* '*' */) {
      let q = p + 1;
      let count = 0;
      for (; q < end && b[q] !== CR; q++) {
        const d = b[q] - 48;
        if (d < 0 || d > 9 || count > 64) return n;
        count = count * 10 + d;
      }
      q += 2;
      if (q > end || count < 1 || count > 64) return n;
      let keyOff = -1;
      let keyLen = -1;
      for (let a = 0; a < count; a++) {
        if (q >= end || b[q] !== 36 /* '$' */) return n;
        let len = 0;
        for (q++; q < end && b[q] !== CR; q++) {
          const d = b[q] - 48;
          if (d < 0 || d > 9 || len > 1e9) return n;
          len = len * 10 + d;
        }
        q += 2;
        if (a === 1) {
          keyOff = q;
          keyLen = len;
        }
        q += len + 2;
        if (q > end) return n;
      }
      offs[n] = keyOff;
      lens[n] = keyLen;
      n++;
      p = q;
    }
    return n;
  }

  /** The buffer peekKeys() offsets point into (valid until the next feed()). */
  get peekBuffer(): Buffer {
    return this.buf;
  }

  /**
   * The byte fast path's parse: when the next command is a complete, well-formed multibulk of at most
   * FRAME_MAX_ARGS arguments wholly in the current buffer, each bulk ending in CRLF, within every limit,
   * records it in `frame` (no strings made), consumes it and returns true. Anything else (inline, split
   * across reads, malformed, over a limit) returns false and consumes nothing: next() then handles it
   * exactly as always, errors included.
   */
  nextFrame(): boolean {
    if (this.remaining !== 0 || this.pendingBytes !== 0) return false;
    const b = this.buf;
    const end = b.length;
    const p = this.pos;
    if (p >= end || b[p] !== 42 /* '*' */ || b[p + 1] === 48 /* '0': *0 or a leading zero */) return false;
    let q = p + 1;
    let count = 0;
    for (; q < end; q++) {
      const d = b[q] - 48;
      if (d < 0 || d > 9) break;
      count = count * 10 + d;
      if (count > FRAME_MAX_ARGS) return false;
    }
    if (count === 0 || q + 1 >= end || b[q] !== CR || b[q + 1] !== LF) return false;
    q += 2;
    const f = this.frame;
    // Before AUTH, Redis's tighter limits apply (asked only when they matter: -1 not asked yet).
    let unauth = -1;
    if (count > UNAUTH_MAX_COUNT) {
      if (this.limits.unauthenticated?.()) return false;
      unauth = 0;
    }
    for (let a = 0; a < count; a++) {
      if (q >= end || b[q] !== 36 /* '$' */) return false;
      const h = q++;
      const ds = q;
      let len = 0;
      for (; q < end; q++) {
        const d = b[q] - 48;
        if (d < 0 || d > 9) break;
        len = len * 10 + d;
        if (len > MAX_ARG_BYTES) return false;
      }
      if (q === ds || (b[ds] === 48 && q - ds > 1) || q + 1 >= end || b[q] !== CR || b[q + 1] !== LF) return false;
      q += 2;
      const stop = q + len;
      if (stop + 2 > end || b[stop] !== CR || b[stop + 1] !== LF) return false;
      if (len > this.limits.maxBulkBytes()) return false;
      if (len > UNAUTH_MAX_BULK_BYTES) {
        if (unauth < 0) unauth = this.limits.unauthenticated?.() ? 1 : 0;
        if (unauth === 1) return false;
      }
      f.hdr[a] = h;
      f.off[a] = q;
      f.len[a] = len;
      q = stop + 2;
    }
    f.buf = b;
    f.argc = count;
    f.hashed = false;
    this.pos = q;
    this.argc = 0;
    this.argv = EMPTY_ARGV;
    this.done = this.fed - (end - q);
    return true;
  }

  /**
   * The arguments of the command nextFrame() last returned, as next() would have returned them (and
   * bulkForm() works on them): for a command the fast path does not take.
   */
  frameArgv(): string[] {
    const f = this.frame;
    const argv: string[] = [];
    for (let k = 0; k < f.argc; k++) {
      argv.push(f.buf.latin1Slice(f.off[k], f.off[k] + f.len[k]));
      this.hdrAt[k] = f.hdr[k];
      this.dataAt[k] = f.off[k];
      this.hdrBuf[k] = f.buf;
    }
    this.argc = f.argc;
    this.argv = argv;
    return argv;
  }

  /** The next complete command, or null when more bytes are needed. Throws ProtocolError. */
  next(): string[] | null {
    for (;;) {
      if (this.remaining === 0) {
        if (this.pos >= this.buf.length) return null;
        if (this.buf[this.pos] !== 42 /* '*' */) {
          const inline = this.parseInline();
          if (inline === null) return null;
          if (inline.length === 0) continue;
          this.done = this.fed - (this.buf.length - this.pos) - this.pendingBytes;
          return inline;
        }
        const count = this.readHeader(E.PROTO_TOO_BIG_MBULK_COUNT);
        if (count === null) return null;
        if (count > MBULK_MAX_COUNT || Number.isNaN(count)) throw new ProtocolError(E.PROTO_INVALID_MBULK_LEN);
        if (count > UNAUTH_MAX_COUNT && this.limits.unauthenticated?.()) {
          throw new ProtocolError(E.PROTO_UNAUTH_MBULK_LEN);
        }
        if (count <= 0) continue; // `*0` and `*-1` are empty commands: skipped, as Redis does
        this.remaining = count;
        this.argv = [];
        this.argc = 0;
        this.argBytes = 0;
      }
      while (this.remaining > 0) {
        if (this.bulkLen < 0) {
          if (this.pos >= this.buf.length) return null;
          const at = this.pos;
          const len = this.readHeader(E.PROTO_TOO_BIG_BULK_COUNT);
          if (len === null) return null;
          // As Redis, the first byte is checked once the whole line is in (a long line without CR is
          // "too big bulk count string" whatever it starts with).
          const c = this.buf[at];
          if (c !== 36 /* '$' */) throw new ProtocolError(E.protoExpectedDollar(String.fromCharCode(c)));
          if (Number.isNaN(len) || len < 0 || len > this.limits.maxBulkBytes() || len > MAX_ARG_BYTES) {
            throw new ProtocolError(E.PROTO_INVALID_BULK_LEN);
          }
          if (len > UNAUTH_MAX_BULK_BYTES && this.limits.unauthenticated?.()) {
            throw new ProtocolError(E.PROTO_UNAUTH_BULK_LEN);
          }
          this.bulkLen = len;
          const k = this.argc;
          this.hdrAt[k] = at;
          this.dataAt[k] = this.pos;
          this.hdrBuf[k] = this.buf;
        }
        const end = this.pos + this.bulkLen;
        if (end + 2 > this.buf.length) {
          // The bulk spans reads: resume at its header once buf holds all of it (feed() concatenates;
          // earlier arguments keep a reference to the buffer they came from in hdrBuf).
          const k = this.argc;
          this.pos = this.hdrAt[k];
          this.need = this.dataAt[k] - this.hdrAt[k] + this.bulkLen + 2;
          this.bulkLen = -1;
          return null;
        }
        this.argv.push(this.buf.latin1Slice(this.pos, end));
        this.argc++;
        this.argBytes += this.bulkLen + ARG_OVERHEAD_BYTES;
        this.pos = end + 2; // Redis skips the two bytes after a bulk without checking them
        this.bulkLen = -1;
        this.remaining--;
      }
      this.argBytes = 0;
      this.done = this.fed - (this.buf.length - this.pos) - this.pendingBytes;
      return this.argv;
    }
  }

  /**
   * Argument i of the command last returned by next(), as a RESP bulk string. Sliced from the request
   * when it arrived as a well-formed bulk; built otherwise (inline commands).
   */
  bulkForm(i: number): string {
    const arg = this.argv[i];
    if (i < this.argc) {
      const b = this.hdrBuf[i];
      const end = this.dataAt[i] + arg.length;
      if (b[end] === CR && b[end + 1] === LF) return b.latin1Slice(this.hdrAt[i], end + 2);
    }
    return flat(bulkString(arg));
  }

  /**
   * Reads a `*N\r\n` or `$N\r\n` line at pos. Returns N (NaN when not a valid integer), or null when the
   * line is incomplete. Throws with tooBig when more than INLINE_MAX_BYTES come before the CR.
   */
  private readHeader(tooBig: string): number | null {
    const nl = this.buf.indexOf(CR, this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > INLINE_MAX_BYTES) throw new ProtocolError(tooBig);
      return null;
    }
    // Measured to the CR, never to the end of the read, so that the outcome does not depend on how
    // the bytes were split into reads.
    if (nl - this.pos > INLINE_MAX_BYTES) throw new ProtocolError(tooBig);
    if (nl + 1 >= this.buf.length) return null; // the byte after CR has not arrived
    const n = parseStrictInt(this.buf, this.pos + 1, nl);
    this.pos = nl + 2;
    return n;
  }

  /** One inline command ([] for an empty line), or null when the line is incomplete. */
  private parseInline(): string[] | null {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > INLINE_MAX_BYTES) throw new ProtocolError(E.PROTO_TOO_BIG_INLINE);
      return null;
    }
    if (nl - this.pos > INLINE_MAX_BYTES) throw new ProtocolError(E.PROTO_TOO_BIG_INLINE);
    let end = nl;
    if (end > this.pos && this.buf[end - 1] === CR) end--;
    const line = this.buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    this.argc = 0;
    const args = splitArgs(line);
    if (args === null) throw new ProtocolError(E.PROTO_UNBALANCED_QUOTES);
    this.argv = args;
    return args;
  }
}

/** A copy of b[from, end) in memory of its own (small ones from Node's shared pool). */
function copyOf(b: Buffer, from: number): Buffer {
  const c = Buffer.allocUnsafe(b.length - from);
  b.copy(c, 0, from);
  return c;
}

/**
 * Makes V8 flatten a string built by concatenation (a rope) in place, so that what is stored costs its
 * bytes only; returns it.
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** `$len\r\n<s>\r\n` for a latin1 string. */
export function bulkString(s: string): string {
  return '$' + s.length + '\r\n' + s + '\r\n';
}

/**
 * Parses the decimal integer in buf[start, end) as Redis's string2ll does: optional '-', no '+', no
 * leading zeros, no spaces. Returns NaN when malformed or beyond 2^53.
 */
function parseStrictInt(buf: Buffer, start: number, end: number): number {
  if (start >= end || end - start > 17) return NaN;
  let i = start;
  let neg = false;
  if (buf[i] === 45 /* '-' */) {
    neg = true;
    i++;
    if (i === end) return NaN;
  }
  if (buf[i] === 48 /* '0' */) return end - i === 1 && !neg ? 0 : NaN;
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/**
 * Splits an inline command line as Redis's sdssplitargs: spaces separate arguments; "double quotes"
 * understand \n \r \t \b \a \\ \" and \xHH; 'single quotes' understand only \'. A closing quote must be
 * followed by a space or the end. Returns null for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return out;
    let cur = '';
    let inDq = false;
    let inSq = false;
    for (;;) {
      if (inDq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === 'x' && i + 3 < n && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i];
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          inDq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (inSq) {
        if (i >= n) return null;
        const c = line[i];
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line.charCodeAt(i + 1))) return null;
          inSq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else {
        if (i >= n) break;
        const c = line[i];
        if (isSpace(line.charCodeAt(i))) break;
        if (c === '"') inDq = true;
        else if (c === "'") inSq = true;
        else cur += c;
      }
      i++;
    }
    out.push(flat(cur));
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}
