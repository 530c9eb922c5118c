// Reply writer: handlers call these methods and never look at the protocol version; the writer emits
// RESP2 or RESP3 itself. Replies accumulate in one latin1 string per read batch, which the connection
// sends with a single socket write (see server/client.ts). Large payloads are kept as separate Buffers
// so they are not copied into the string.
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
const SPILL_CHARS = 64 * 1024 * 1024;

export class Reply {
  /** Protocol version of the connection: 2 or 3 (HELLO changes it). */
  resp: 2 | 3 = 2;
  /** Error replies written since creation (the dispatcher reads it to count failed calls). */
  errors = 0;
  /** The last error message written (INFO errorstats counts its code). */
  lastError = '';
  /** Pending output: text, then (when a large Buffer was added) a list of chunks. */
  private s = '';
  private parts: (string | Buffer)[] | null = null;
  // checkpoint(): what was pending when the running command started.
  private markChars = 0;
  private markParts = 0;

  /** A preformatted RESP fragment (a constant such as OK, or a stored value in bulk form). */
  raw(frag: string): void {
    this.s += frag;
    if (this.s.length > SPILL_CHARS) this.spill();
  }

  ok(): void {
    this.s += OK;
  }

  simple(text: string): void {
    this.s += '+' + text + '\r\n';
  }

  /** An error reply. `msg` starts with its code (`ERR ...`, `WRONGTYPE ...`); newlines become spaces, as Redis. */
  error(msg: string): void {
    this.errors++;
    this.lastError = msg;
    if (msg.indexOf('\r') >= 0 || msg.indexOf('\n') >= 0) msg = msg.replace(CRLF_RE, ' ');
    this.s += '-' + msg + '\r\n';
  }

  int(n: number): void {
    this.s += n >= 0 && n < INT_CACHE && Number.isInteger(n) ? INTS[n] : ':' + n + '\r\n';
  }

  /** A 64-bit integer reply held as a bigint (INCRBY and friends near the edges). */
  bigint(n: bigint): void {
    this.s += ':' + n.toString() + '\r\n';
  }

  bulk(str: string): void {
    const n = str.length;
    this.s += (n < HDR_CACHE ? BULK_HDRS[n] : '$' + n + '\r\n') + str + '\r\n';
    if (this.s.length > SPILL_CHARS) this.spill();
  }

  /** A bulk string whose bytes are in a Buffer (not copied when large). */
  bulkBuffer(b: Buffer): void {
    if (b.length < 16384) {
      this.bulk(b.latin1Slice(0, b.length));
      return;
    }
    this.s += '$' + b.length + '\r\n';
    this.pushPart(b);
    this.s += '\r\n';
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nil(): void {
    this.s += this.resp === 3 ? NULL_3 : NULL_BULK_2;
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nilArray(): void {
    this.s += this.resp === 3 ? NULL_3 : NULL_ARRAY_2;
  }

  array(n: number): void {
    this.s += n < HDR_CACHE ? ARRAY_HDRS[n] : '*' + n + '\r\n';
  }

  /** A map of n pairs: `%n` in RESP3, an array of 2n elements in RESP2. */
  map(n: number): void {
    if (this.resp === 3) this.s += '%' + n + '\r\n';
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
    if (this.resp === 3) this.s += ARRAY_HDRS[2];
  }

  /** A set of n elements: `~n` in RESP3, an array in RESP2. */
  set(n: number): void {
    if (this.resp === 3) this.s += '~' + n + '\r\n';
    else this.array(n);
  }

  /** A push message (MONITOR output is plain status lines; pub/sub will use this). */
  push(n: number): void {
    if (this.resp === 3) this.s += '>' + n + '\r\n';
    else this.array(n);
  }

  /** A double: `,` in RESP3, a bulk string in RESP2. `text` is its Redis formatting. */
  double(text: string): void {
    if (this.resp === 3) this.s += ',' + text + '\r\n';
    else this.bulk(text);
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.s += b ? '#t\r\n' : '#f\r\n';
    else this.s += b ? ONE : ZERO;
  }

  /** A verbatim string (INFO, CLIENT INFO): `=len\r\ntxt:...` in RESP3, a bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) this.s += '=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n';
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

  /** Bytes pending (approximate: chars of the text plus Buffer lengths). */
  get pendingBytes(): number {
    let n = this.s.length;
    if (this.parts) for (const p of this.parts) n += p.length;
    return n;
  }

  /** True when something is waiting to be written. */
  get pending(): boolean {
    return this.s.length > 0 || this.parts !== null;
  }

  /**
   * Takes everything written so far: one latin1 string (the common case), or a list of chunks when a
   * large Buffer was added. Resets the writer.
   */
  take(): string | (string | Buffer)[] {
    const s = this.s;
    this.s = '';
    if (this.parts === null) return s;
    const parts = this.parts;
    if (s.length) parts.push(s);
    this.parts = null;
    return parts;
  }

  /** Remembers what is pending now: rollback() returns to it (a command that failed half-way). */
  checkpoint(): void {
    this.markChars = this.s.length;
    this.markParts = this.parts === null ? 0 : this.parts.length;
  }

  /** Drops what was written since checkpoint(), so that a failed command leaves no partial reply. */
  rollback(): void {
    if (this.parts === null || this.parts.length === this.markParts) {
      this.s = this.s.slice(0, this.markChars);
      return;
    }
    // Spilled since: the text pending at the checkpoint is the start of the first chunk added after it.
    const first = this.parts[this.markParts];
    this.s = this.markChars > 0 && typeof first === 'string' ? first.slice(0, this.markChars) : '';
    this.parts.length = this.markParts;
    if (this.markParts === 0) this.parts = null;
  }

  /** Drops pending output (CLIENT REPLY OFF style; also used when a connection dies). */
  discard(): void {
    this.s = '';
    this.parts = null;
  }

  private spill(): void {
    if (this.parts === null) this.parts = [];
    this.parts.push(this.s);
    this.s = '';
  }

  private pushPart(b: Buffer): void {
    if (this.parts === null) this.parts = [];
    if (this.s.length) this.parts.push(this.s);
    this.s = '';
    this.parts.push(b);
  }
}
