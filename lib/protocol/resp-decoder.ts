// The one RESP reply decoder: the node-to-node peer (cluster/peer.ts), the launcher (launcher/resp.ts) and
// the spec helpers decode replies with it. Incremental: feed() Buffers as they arrive, next() returns each
// complete reply once its last byte is in. RESP2 and RESP3 (Redis 7's protocol spec, without streamed
// strings and aggregates, which Redis never sends).
//
// Decoded values (strings are latin1: one char per byte, binary-safe, as everywhere in shardcache):
//   +simple, $bulk           string
//   -error, !blob error      RespError (an answer, returned as a value, never thrown)
//   :integer                 number (as redis-parser: beyond 2^53 precision is lost; use '(' for those)
//   $-1, *-1, _              null
//   *array                   RespValue[]
//   %map                     Map (keys compared by identity for aggregates, by value for strings/numbers)
//   ~set                     Set
//   ,double                  number (inf, -inf and nan included)
//   #t / #f                  boolean
//   (big number              bigint
//   =verbatim                RespVerbatim (format such as 'txt', and the text)
//   >push                    RespPush (out-of-band data: pub/sub messages, invalidations)
//   |attribute               decoded and dropped; the value that follows is returned (as clients do)
//
// Nothing is re-parsed when a reply arrives in pieces: an aggregate's decoded elements stay on a stack
// between calls, and a bulk string's bytes are gathered without copying until all of it is in.

/** An error reply (`-ERR ...`, `!21\r\n...`): message is the text without the type byte. */
export class RespError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespError';
  }
}

/** A RESP3 verbatim string (`=15\r\ntxt:Some string`): format is the three-letter type, text the rest. */
export class RespVerbatim {
  constructor(
    readonly format: string,
    readonly text: string,
  ) {}
  toString(): string {
    return this.text;
  }
}

/** A RESP3 push (`>`): out-of-band data, not the reply to a command. */
export class RespPush {
  constructor(readonly items: RespValue[]) {}
}

export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | RespError
  | RespVerbatim
  | RespPush
  | RespValue[]
  | Map<RespValue, RespValue>
  | Set<RespValue>;

/** Bytes that break the protocol. The decoder is unusable afterwards (every next() throws it again). */
export class RespProtocolError extends Error {
  constructor(message: string) {
    super(`Protocol error: ${message}`);
    this.name = 'RespProtocolError';
  }
}

/** What next() returns while the next reply is not complete yet. */
export const INCOMPLETE: unique symbol = Symbol('incomplete');

export interface RespDecoderOptions {
  /** 2: only the RESP2 type bytes (+ - : $ *) are valid, any other is a protocol error. Default 3 (all). */
  protocol?: 2 | 3;
  /** Largest bulk string accepted, bytes (a larger length is a protocol error). Default 512 MiB. */
  maxBulkBytes?: number;
}

/** Aggregate lengths above this are protocol errors (no reply has 2^32 elements). */
const MAX_AGGREGATE = 2 ** 32;
const DEFAULT_MAX_BULK_BYTES = 512 * 1024 * 1024;

const CR = 13;
const LF = 10;

type AggKind = 'array' | 'map' | 'set' | 'push' | 'attr';

/** An aggregate being decoded: `left` elements (a map counts keys and values) still to come. */
interface Frame {
  kind: AggKind;
  left: number;
  items: RespValue[];
}

/** element() opened an aggregate with at least one element (a frame was pushed). */
const OPENED: unique symbol = Symbol('opened');
/** A finished attribute: dropped, the next element takes its place. */
const DROPPED: unique symbol = Symbol('dropped');

export class RespDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Fed chunks not yet joined to buf, and their total length. */
  private chunks: Buffer[] = [];
  private chunksLen = 0;
  /** Bytes from pos that the element being read needs before it can be decoded. */
  private need = 0;
  private stack: Frame[] = [];
  private failed: RespProtocolError | null = null;
  private readonly resp2Only: boolean;
  private readonly maxBulk: number;

  constructor(o: RespDecoderOptions = {}) {
    this.resp2Only = o.protocol === 2;
    this.maxBulk = o.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES;
  }

  /** Adds received bytes (a string is taken as latin1). Never throws; errors surface in next(). */
  feed(data: Buffer | string): void {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    if (b.length === 0) return;
    if (this.pos === this.buf.length && this.chunksLen === 0) {
      this.buf = b;
      this.pos = 0;
    } else {
      this.chunks.push(b);
      this.chunksLen += b.length;
    }
  }

  /** Bytes fed and not yet consumed by a returned reply or a decoded part of an unfinished aggregate. */
  get buffered(): number {
    return this.buf.length - this.pos + this.chunksLen;
  }

  /** True when fed bytes hold the beginning of a reply that next() has not returned yet. */
  get pending(): boolean {
    return this.buffered > 0 || this.stack.length > 0;
  }

  /**
   * The next complete reply, or INCOMPLETE until more bytes are fed. Throws RespProtocolError on bytes
   * that are not RESP (an unknown type byte, a malformed length or number, a missing CRLF), and again on
   * every later call.
   */
  next(): RespValue | typeof INCOMPLETE {
    if (this.failed) throw this.failed;
    try {
      return this.decode();
    } catch (e) {
      if (!(e instanceof RespProtocolError)) throw e;
      this.failed = e;
      throw e;
    }
  }

  private decode(): RespValue | typeof INCOMPLETE {
    for (;;) {
      const v = this.element();
      if (v === INCOMPLETE) {
        if (!this.refill()) return INCOMPLETE;
        continue;
      }
      if (v === OPENED || v === DROPPED) continue;
      const done = this.attach(v);
      if (done !== INCOMPLETE) return done;
    }
  }

  /** Adds a complete element to the open aggregates; returns the top-level reply once one is whole. */
  private attach(v: RespValue | typeof DROPPED): RespValue | typeof INCOMPLETE {
    for (;;) {
      if (v === DROPPED) return INCOMPLETE; // an attribute ended: its value's element comes next
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) return v;
      top.items.push(v);
      if (--top.left > 0) return INCOMPLETE;
      this.stack.pop();
      v = finish(top);
    }
  }

  /** Joins buf's rest and the fed chunks when they hold what the pending element needs. */
  private refill(): boolean {
    if (this.chunksLen === 0 || this.buf.length - this.pos + this.chunksLen < this.need) return false;
    const rest = this.buf.subarray(this.pos);
    this.buf = Buffer.concat(rest.length > 0 ? [rest, ...this.chunks] : this.chunks);
    this.pos = 0;
    this.chunks = [];
    this.chunksLen = 0;
    this.need = 0;
    return true;
  }

  /** End of the line starting at `from` (index of its CR), or -1 when its CRLF has not arrived. */
  private lineEnd(from: number): number {
    const b = this.buf;
    const cr = b.indexOf(CR, from);
    if (cr < 0 || cr + 1 >= b.length) return -1;
    if (b[cr + 1] !== LF) throw new RespProtocolError('CR not followed by LF');
    return cr;
  }

  /**
   * Decodes one element at pos and consumes it: a scalar value, OPENED (an aggregate header, frame
   * pushed), DROPPED (an empty attribute), or INCOMPLETE with nothing consumed and `need` set.
   */
  private element(): RespValue | typeof INCOMPLETE | typeof OPENED | typeof DROPPED {
    const b = this.buf;
    const p = this.pos;
    const avail = b.length - p;
    if (avail === 0) {
      this.need = 1;
      return INCOMPLETE;
    }
    const type = b[p];
    if (this.resp2Only && type !== 0x2b && type !== 0x2d && type !== 0x3a && type !== 0x24 && type !== 0x2a) {
      throw new RespProtocolError(`unexpected reply type byte ${JSON.stringify(String.fromCharCode(type))} (RESP2)`);
    }
    const eol = this.lineEnd(p + 1);
    if (eol < 0) {
      this.need = avail + 1;
      return INCOMPLETE;
    }
    const line = b.latin1Slice(p + 1, eol);
    const next = eol + 2;
    switch (type) {
      case 0x2b: // '+'
        this.pos = next;
        return line;
      case 0x2d: // '-'
        this.pos = next;
        return new RespError(line);
      case 0x3a: // ':'
        this.pos = next;
        return Number(integer(line, 'integer'));
      case 0x24: // '$'
      case 0x21: // '!'
      case 0x3d: {
        // '='
        const n = integer(line, 'bulk length');
        if (n === -1 && type === 0x24) {
          this.pos = next;
          return null;
        }
        if (n < 0 || n > this.maxBulk) throw new RespProtocolError(`invalid bulk length ${line}`);
        if (b.length < next + n + 2) {
          this.need = next + n + 2 - p;
          return INCOMPLETE;
        }
        if (b[next + n] !== CR || b[next + n + 1] !== LF) throw new RespProtocolError('bulk string not followed by CRLF');
        const s = b.latin1Slice(next, next + n);
        this.pos = next + n + 2;
        if (type === 0x24) return s;
        if (type === 0x21) return new RespError(s);
        if (n < 4 || s.charCodeAt(3) !== 0x3a) throw new RespProtocolError('verbatim string without a format');
        return new RespVerbatim(s.slice(0, 3), s.slice(4));
      }
      case 0x2a: // '*'
      case 0x25: // '%'
      case 0x7e: // '~'
      case 0x3e: // '>'
      case 0x7c: {
        // '|'
        const kind: AggKind = type === 0x2a ? 'array' : type === 0x25 ? 'map' : type === 0x7e ? 'set' : type === 0x3e ? 'push' : 'attr';
        const n = integer(line, 'aggregate length');
        this.pos = next;
        if (n === -1 && kind === 'array') return null;
        if (n < 0 || n > MAX_AGGREGATE) throw new RespProtocolError(`invalid ${kind} length ${line}`);
        const frame: Frame = { kind, left: kind === 'map' || kind === 'attr' ? 2 * n : n, items: [] };
        if (frame.left === 0) return finish(frame);
        this.stack.push(frame);
        return OPENED;
      }
      case 0x5f: // '_'
        if (line !== '') throw new RespProtocolError('null with a payload');
        this.pos = next;
        return null;
      case 0x23: // '#'
        if (line !== 't' && line !== 'f') throw new RespProtocolError(`invalid boolean ${JSON.stringify(line)}`);
        this.pos = next;
        return line === 't';
      case 0x2c: {
        // ','
        this.pos = next;
        return double(line);
      }
      case 0x28: // '('
        if (!/^[-+]?\d+$/.test(line)) throw new RespProtocolError(`invalid big number ${JSON.stringify(line)}`);
        this.pos = next;
        return BigInt(line);
      default:
        throw new RespProtocolError(`unexpected reply type byte ${JSON.stringify(String.fromCharCode(type))}`);
    }
  }
}

/** The value of a finished aggregate (DROPPED for an attribute). */
function finish(f: Frame): RespValue | typeof DROPPED {
  switch (f.kind) {
    case 'array':
      return f.items;
    case 'push':
      return new RespPush(f.items);
    case 'set':
      return new Set(f.items);
    case 'map': {
      const m = new Map<RespValue, RespValue>();
      for (let i = 0; i < f.items.length; i += 2) m.set(f.items[i], f.items[i + 1]);
      return m;
    }
    case 'attr':
      return DROPPED;
  }
}

/** A plain decimal integer line (optional '-'); protocol error otherwise. */
function integer(line: string, what: string): number {
  if (!/^-?\d{1,20}$/.test(line)) throw new RespProtocolError(`invalid ${what} ${JSON.stringify(line)}`);
  return Number(line);
}

/** A RESP3 double line: a decimal or exponent form, inf, -inf or nan. */
function double(line: string): number {
  switch (line.toLowerCase()) {
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case 'nan':
    case '-nan':
      return NaN;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(line)) throw new RespProtocolError(`invalid double ${JSON.stringify(line)}`);
  return Number(line);
}

/**
 * Decodes every reply in `data` (one or more whole replies). Throws RespProtocolError on bad bytes, and an
 * Error naming the leftover when the data ends inside a reply.
 */
export function decodeAll(data: Buffer | string, o: RespDecoderOptions = {}): RespValue[] {
  const d = new RespDecoder(o);
  d.feed(data);
  const out: RespValue[] = [];
  for (let v = d.next(); v !== INCOMPLETE; v = d.next()) out.push(v);
  if (d.pending) {
    const text = typeof data === 'string' ? data : data.toString('latin1');
    throw new Error(`incomplete RESP reply: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text)}`);
  }
  return out;
}
