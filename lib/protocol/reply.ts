// Reply writer: handlers call these methods and never look at the protocol version; the writer emits
// RESP2 or RESP3 itself. Replies are written as bytes into one Buffer per connection, which the
// connection sends with a single socket write per read batch (see server/client.ts): no reply string is
// built and converted, and a stored value's bytes are copied straight from the keyspace (rawBytes).
// Large payloads are kept as separate Buffers so they are not copied.
import { ERR_INTERNAL } from './errors';

export const OK = '+OK\r\n';
export const PONG = '+PONG\r\n';
export const QUEUED = '+QUEUED\r\n';
export const NULL_BULK_2 = '$-1\r\n';
export const NULL_ARRAY_2 = '*-1\r\n';
export const NULL_3 = '_\r\n';
export const EMPTY_ARRAY = '*0\r\n';
export const ZERO = ':0\r\n';
export const ONE = ':1\r\n';

/** Integer replies 0..INT_CACHE-1 are precomputed (shared.integers in Redis). */
const INT_CACHE = 10000;
const INTS: string[] = [];
for (let i = 0; i < INT_CACHE; i++) INTS.push(':' + i + '\r\n');

/** Aggregate headers up to this length are precomputed. */
const HDR_CACHE = 1024;
const ARRAY_HDRS: string[] = [];
const BULK_HDRS: string[] = [];
for (let i = 0; i < HDR_CACHE; i++) {
  ARRAY_HDRS.push('*' + i + '\r\n');
  BULK_HDRS.push('$' + i + '\r\n');
}

const CRLF_RE = /[\r\n]/g;

/**
 * Pending text beyond this many chars moves into the list of chunks, so that one reply (KEYS on millions
 * of keys) or one batch never builds a string near V8's 2^29-char limit.
 */
/** A new output buffer holds at least this much. */
const CHUNK_BYTES = 4 * 1024;
/** recycle() keeps a buffer up to this size for the next replies (a larger one was for a large reply). */
const KEEP_BYTES = 64 * 1024;
/** Output past this is sealed into a chunk of its own and a new buffer begins (no giant copies). */
const SEAL_BYTES = 1024 * 1024;
/** Strings up to this long are copied by a JS loop, longer ones by Buffer#latin1Write (a native call). */
const SHORT = 24;
const EMPTY = Buffer.alloc(0);

export class Reply {
  /** Protocol version of the connection: 2 or 3 (HELLO changes it). */
  resp: 2 | 3 = 2;
  /** Error replies written since creation (the dispatcher reads it to count failed calls). */
  errors = 0;
  /** The last error message written (INFO errorstats counts its code). */
  lastError = '';
  /** Pending output: bytes [start, pos) of buf, after the sealed chunks in parts (null: none). */
  private buf: Buffer = EMPTY;
  private start = 0;
  private pos = 0;
  private parts: Buffer[] | null = null;
  /** Buffers added whole by bulkBuffer (take() hands them back as they are). */
  private externals: WeakSet<Buffer> | null = null;
  // checkpoint(): what was pending when the running command started (bytes of the open region, chunks).
  private markBytes = 0;
  private markParts = 0;

  /** Appends a latin1 string's bytes. */
  private w(str: string): void {
    const n = str.length;
    if (this.pos + n > this.buf.length) this.room(n);
    const b = this.buf;
    const p = this.pos;
    if (n <= SHORT) for (let i = 0; i < n; i++) b[p + i] = str.charCodeAt(i);
    else b.latin1Write(str, p);
    this.pos = p + n;
  }

  /** Appends bytes [from, to) of src (a stored value, as it is). */
  rawBytes(src: Buffer, from: number, to: number): void {
    const n = to - from;
    if (this.pos + n > this.buf.length) this.room(n);
    const b = this.buf;
    const p = this.pos;
    if (n <= SHORT) for (let i = 0; i < n; i++) b[p + i] = src[from + i];
    else src.copy(b, p, from, to); // no view object per call
    this.pos = p + n;
  }

  /** Makes room for n more bytes: a new buffer holding the open region (sealed first when large). */
  private room(n: number): void {
    let used = this.pos - this.start;
    if (used > 0 && used + n > SEAL_BYTES) {
      this.seal();
      used = 0;
    }
    const nb = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, 2 * used + n));
    if (used > 0) this.buf.copy(nb, 0, this.start, this.pos);
    this.buf = nb;
    this.start = 0;
    this.pos = used;
  }

  /** Moves the open region into parts. */
  private seal(): void {
    if (this.pos === this.start) return;
    if (this.parts === null) this.parts = [];
    this.parts.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  /** A preformatted RESP fragment (a constant such as OK, or a stored value in bulk form). */
  raw(frag: string): void {
    this.w(frag);
  }

  ok(): void {
    this.w(OK);
  }

  simple(text: string): void {
    this.w('+' + text + '\r\n');
  }

  /** An error reply. `msg` starts with its code (`ERR ...`, `WRONGTYPE ...`); newlines become spaces, as Redis. */
  error(msg: string): void {
    this.errors++;
    this.lastError = msg;
    if (msg.indexOf('\r') >= 0 || msg.indexOf('\n') >= 0) msg = msg.replace(CRLF_RE, ' ');
    this.w('-' + msg + '\r\n');
  }

  int(n: number): void {
    if (n >= 0 && n < INT_CACHE && Number.isInteger(n)) return this.w(INTS[n]);
    // A safe integer's digits straight into the buffer (an LPUSH's growing length, INCR's counter): no
    // string per reply. Anything else (not an integer, beyond 2^53) as JS prints it.
    if (!Number.isSafeInteger(n)) return this.w(':' + n + '\r\n');
    const neg = n < 0;
    let v = neg ? -n : n;
    let digits = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) digits++;
    const len = 1 + (neg ? 1 : 0) + digits + 2;
    if (this.pos + len > this.buf.length) this.room(len);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x3a; // ':'
    if (neg) b[p++] = 0x2d; // '-'
    for (let i = p + digits - 1; i >= p; i--) {
      const q = Math.floor(v / 10);
      b[i] = 0x30 + (v - q * 10);
      v = q;
    }
    p += digits;
    b[p] = 13;
    b[p + 1] = 10;
    this.pos = p + 2;
  }

  /** A 64-bit integer reply held as a bigint (INCRBY and friends near the edges). */
  bigint(n: bigint): void {
    this.w(':' + n.toString() + '\r\n');
  }

  bulk(str: string): void {
    const n = str.length;
    this.w(n < HDR_CACHE ? BULK_HDRS[n] : '$' + n + '\r\n');
    this.w(str);
    this.w('\r\n');
  }

  /** A bulk string of the bytes src[from, to) (a list element), copied. */
  bulkBytes(src: Buffer, from: number, to: number): void {
    const n = to - from;
    const hdr = n < HDR_CACHE ? BULK_HDRS[n] : '$' + n + '\r\n';
    const h = hdr.length;
    // One room check and no calls per element: LRANGE and friends write hundreds of these per reply.
    if (this.pos + h + n + 2 > this.buf.length) this.room(h + n + 2);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < h; i++) b[p + i] = hdr.charCodeAt(i);
    p += h;
    if (n <= SHORT) for (let i = 0; i < n; i++) b[p + i] = src[from + i];
    else src.copy(b, p, from, to);
    p += n;
    b[p] = 13;
    b[p + 1] = 10;
    this.pos = p + 2;
  }

  /** A bulk string whose bytes are in a Buffer (not copied when large). */
  bulkBuffer(b: Buffer): void {
    if (b.length < 16384) {
      this.bulk(b.latin1Slice(0, b.length));
      return;
    }
    this.w('$' + b.length + '\r\n');
    this.seal();
    if (this.parts === null) this.parts = [];
    this.parts.push(b);
    (this.externals ??= new WeakSet()).add(b);
    this.w('\r\n');
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nil(): void {
    this.w(this.resp === 3 ? NULL_3 : NULL_BULK_2);
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nilArray(): void {
    this.w(this.resp === 3 ? NULL_3 : NULL_ARRAY_2);
  }

  array(n: number): void {
    this.w(n < HDR_CACHE ? ARRAY_HDRS[n] : '*' + n + '\r\n');
  }

  /** A map of n pairs: `%n` in RESP3, an array of 2n elements in RESP2. */
  map(n: number): void {
    if (this.resp === 3) this.w('%' + n + '\r\n');
    else this.array(2 * n);
  }

  /**
   * A list of n pairs (HRANDFIELD ... WITHVALUES): n two-element arrays in RESP3, each opened by pair();
   * a flat array of 2n elements in RESP2.
   */
  pairs(n: number): void {
    this.array(this.resp === 3 ? n : 2 * n);
  }

  /** Opens one pair of a pairs() list: `*2` in RESP3, nothing in RESP2. */
  pair(): void {
    if (this.resp === 3) this.w(ARRAY_HDRS[2]);
  }

  /** A set of n elements: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    if (this.resp === 3) this.w('~' + n + '\r\n');
    else this.array(n);
  }

  /** A push message (MONITOR output is plain status lines; pub/sub will use this). */
  push(n: number): void {
    if (this.resp === 3) this.w('>' + n + '\r\n');
    else this.array(n);
  }

  /** A double: `,` in RESP3, a bulk string in RESP2. `text` is its Redis formatting. */
  double(text: string): void {
    if (this.resp === 3) this.w(',' + text + '\r\n');
    else this.bulk(text);
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.w(b ? '#t\r\n' : '#f\r\n');
    else this.w(b ? ONE : ZERO);
  }

  /** A verbatim string (INFO, CLIENT INFO): `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) this.w('=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n');
    else this.bulk(text);
  }

  /** An array of bulk strings. */
  bulks(items: readonly string[]): void {
    this.array(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i]);
  }

  internalError(): void {
    this.error(ERR_INTERNAL);
  }

  /** Bytes pending. */
  get pendingBytes(): number {
    let n = this.pos - this.start;
    if (this.parts) for (const p of this.parts) n += p.length;
    return n;
  }

  /** True when something is waiting to be written. */
  get pending(): boolean {
    return this.pos > this.start || this.parts !== null;
  }

  /**
   * Takes everything written so far as bytes: one Buffer (the common case), or a list of chunks when
   * the output was large or a large Buffer was added. Resets the writer; the bytes taken are never
   * written over (the socket may hold them until sent).
   */
  takeBytes(): Buffer | Buffer[] {
    const region = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    // What was pending at the checkpoint has left: a rollback now only drops what came after.
    this.markBytes = 0;
    this.markParts = 0;
    if (this.parts === null) return region;
    const parts = this.parts;
    if (region.length > 0) parts.push(region);
    this.parts = null;
    return parts;
  }

  /**
   * takeBytes() as latin1 text (specs and tools): one string, or a list of chunks where a large Buffer
   * added by bulkBuffer stays the same Buffer.
   */
  take(): string | (string | Buffer)[] {
    const t = this.takeBytes();
    if (!Array.isArray(t)) return t.latin1Slice(0, t.length);
    return t.map((p) => (this.externals?.has(p) ? p : p.latin1Slice(0, p.length)));
  }

  /**
   * Everything taken was sent (the socket holds none of it): the next replies reuse the buffer from its
   * start, so a connection does not allocate (and the allocator does not fragment) one per reply batch.
   */
  recycle(): void {
    if (this.parts !== null || this.start !== this.pos) return;
    if (this.buf.length > KEEP_BYTES) this.buf = EMPTY;
    this.start = this.pos = 0;
  }

  /** Remembers what is pending now: rollback() returns to it (a command that failed half-way). */
  checkpoint(): void {
    this.markBytes = this.pos - this.start;
    this.markParts = this.parts === null ? 0 : this.parts.length;
  }

  /** Drops what was written since checkpoint(), so that a failed command leaves no partial reply. */
  rollback(): void {
    if (this.parts === null || this.parts.length === this.markParts) {
      this.pos = this.start + this.markBytes;
      return;
    }
    // Sealed since: the bytes pending at the checkpoint are the start of the first chunk added after it.
    const first = this.parts[this.markParts];
    const keep = Math.min(this.markBytes, first.length);
    this.parts.length = this.markParts;
    if (this.markParts === 0) this.parts = null;
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, keep));
    first.copy(this.buf, 0, 0, keep);
    this.start = 0;
    this.pos = keep;
  }

  /** Drops pending output (CLIENT REPLY OFF style; also used when a connection dies). */
  discard(): void {
    this.start = this.pos;
    this.parts = null;
    this.markBytes = 0;
    this.markParts = 0;
  }

}
