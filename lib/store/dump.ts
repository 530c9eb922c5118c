// DUMP / RESTORE payloads: shardcache's own serialization of one value, so that a key can travel between
// nodes (RESTORE, later slot migration). Laid out like Redis's (type, body, version, CRC64) but with a
// version number Redis never uses, so neither side misreads the other's payloads.
//
//   offset  size  field
//   0       1     type: Redis's RDB type numbers for the type as such (0 = string, 1 = list, 2 = set, 4 = hash,
//                 5 = zset as RDB_TYPE_ZSET_2: binary double scores), not Redis's encoding-specific ones (its
//                 lists are RDB type 18, RDB_TYPE_LIST_QUICKLIST_2): the body below is ours whatever the encoding
//   1       n     body, self-delimiting, type-specific; "varint" is an unsigned LEB128 (7 bits a byte, low
//                 first), "bytes" a varint length then that many bytes:
//                   string: bytes
//                   set:    varint member count (>= 1), one encoding byte (0 intset, 1 listpack, 2 hashtable:
//                           what OBJECT ENCODING said when dumped), then per member: member bytes, in the
//                           set's order (an intset ascending). The restoring side chooses the encoding as
//                           Redis does when it loads that RDB type (store/set.ts SetValue.load, with its own
//                           set-max-* directives): an intset or listpack stays one unless too large, a
//                           hashtable is loaded member by member as RDB_TYPE_SET. Corrupt: a repeated
//                           member, a non-integer in an intset, an unknown encoding byte.
//                   hash:   varint field count (>= 1), one flags byte (bit 0: fields carry expiries), then
//                           per field: field bytes, value bytes, and with bit 0 a varint absolute expiry
//                           in ms (0: none). Fields in the hash's order; expired-not-collected fields are
//                           kept with their expiry (the restoring side hides and collects them).
//                   list:   varint node count (>= 1), then per node a varint element count (>= 1) and
//                           its elements as bytes, head to tail. The nodes are the list's chunks (as
//                           Redis's payload keeps its quicklist nodes); the restoring side keeps them and
//                           converts as Redis's loader does (listpack when one node fits the limits).
//                   zset:   varint member count (>= 1), then per member in the set's order: member bytes and
//                           its score as 8 bytes, an IEEE 754 double, little-endian (exact: -0, inf kept;
//                           NaN is refused). The restoring side sorts the pairs, refuses duplicates, and
//                           picks the encoding by the zset-max-listpack-* limits as Redis does on load.
//   1+n     2     format version, little-endian: 0x8000 | DUMP_FORMAT. The high bit marks a shardcache
//                 payload: Redis's RDB versions stay below 0x8000, so a real Redis rejects ours with
//                 "DUMP payload version or checksum are wrong" and we reject Redis's the same way.
//   3+n     8     CRC64 (Jones polynomial, reflected, init 0: Redis's crc64) of bytes [0, 3+n), little-endian
//
// A reader accepts format versions 1..DUMP_FORMAT: a new type gets a new type byte (old readers answer
// "Bad data format" for it); a changed body layout bumps DUMP_FORMAT. Payloads are byte strings (latin1).
//
// Pieces (slot migration and replica snapshots of large values: a million-field hash is a 20 MB payload,
// too much to build or parse in one event-loop turn). DumpWriter makes the payload a piece at a time:
// each piece cut between two items (hash fields with their values, set members, list elements; a string's
// bytes anywhere), the first carrying the type byte and the header (counts, flags, encoding), the last the
// version and CRC; the pieces joined are exactly dumpValue's payload. The value must not change between
// pieces (callers watch Collection.stamp). DumpLoader builds the value as the pieces come, each in work
// proportional to the piece (no step redoes the items before), and checks the version and CRC with the
// last; the result is restoreValue's for the joined payload, except that a malformed body may be reported
// ('format') at the piece where it shows, before the checksum is known.
import { HASH_MAX_FIELDS, HashValue } from './hash';
import { ListValue } from './list';
import { DEFAULT_SET_LIMITS, ENC_HASHTABLE, SET_MAX_MEMBERS, SetLoader, SetValue, setLimits, type SetEncoding } from './set';
import { stringPayload, stringValue, type Value } from './value';
import { ZSET_MAX_MEMBERS, ZSetValue } from './zset';

/** Current format version (the low 15 bits of the version field). */
export const DUMP_FORMAT = 1;
/** Marks a shardcache payload in the version field. */
const VERSION_FLAG = 0x8000;
export const TYPE_STRING = 0;
/** Redis's RDB_TYPE_LIST (the type, not its encoding). */
export const TYPE_LIST = 1;
/** Redis's RDB_TYPE_SET. */
export const TYPE_SET = 2;
/** Redis's RDB_TYPE_HASH. */
export const TYPE_HASH = 4;
/** Redis's RDB_TYPE_ZSET_2 (scores as binary doubles). */
export const TYPE_ZSET = 5;
/** Hash body flag: every field is followed by its expiry. */
const HASH_FLAG_TTL = 1;
/** type + empty varint + version + CRC. */
const MIN_PAYLOAD_BYTES = 1 + 1 + 2 + 8;
/** The version field and the CRC that end a payload. */
const TRAILER_BYTES = 2 + 8;
/** The version field as written. */
const VERSION_BYTES = String.fromCharCode((VERSION_FLAG | DUMP_FORMAT) & 0xff, (VERSION_FLAG | DUMP_FORMAT) >>> 8);

/** A collection with more elements than this is sent in pieces (slot migration, replica snapshots). */
export const CHUNK_MIN_ITEMS = 1024;
/** A value charged more bytes than this (Collection.bytes, a string's length) is sent in pieces. */
export const CHUNK_MIN_BYTES = 256 * 1024;
/** Most elements (fields, members) in one piece. */
export const PIECE_MAX_ITEMS = 1000;
/** Bytes of one piece, about (it ends with the element that reaches this). */
export const PIECE_MAX_BYTES = 64 * 1024;

/** Restoring reads the set-max-* directives from this (a Config). */
export type DumpConfig = { num(name: string): number };

// CRC64-Jones (poly 0xad93d23594c935a9, reflected: 0x95ac9329ac4bc9b5) as two 32-bit halves.
const T_LO = new Int32Array(256);
const T_HI = new Int32Array(256);
{
  const poly = 0x95ac9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    T_LO[i] = Number(crc & 0xffffffffn) | 0;
    T_HI[i] = Number(crc >> 32n) | 0;
  }
}

/** A running CRC64 over latin1 strings fed in order. */
class Crc64 {
  private lo = 0;
  private hi = 0;

  /** Adds the bytes [from, to) of s. */
  update(s: string, from: number, to: number): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = from; i < to; i++) {
      const idx = (lo ^ s.charCodeAt(i)) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
      hi = (hi >>> 8) ^ T_HI[idx];
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** The CRC so far as 8 little-endian bytes (a latin1 string). */
  bytes(): string {
    return le32(this.lo) + le32(this.hi);
  }
}

/** CRC64 of the bytes [0, end) of a latin1 string, as 8 little-endian bytes (a latin1 string). */
function crc64Bytes(s: string, end: number): string {
  const c = new Crc64();
  c.update(s, 0, end);
  return c.bytes();
}

/** CRC64 of a whole latin1 string (for specs: Redis's crc64 gives 0xe9c6d914c4b8d9ca for "123456789"). */
export function crc64(s: string): bigint {
  const b = crc64Bytes(s, s.length);
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b.charCodeAt(i));
  return v;
}

function le32(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

function varint(n: number): string {
  let s = '';
  while (n >= 0x80) {
    s += String.fromCharCode((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  return s + String.fromCharCode(n);
}

function bytesField(b: string): string {
  return varint(b.length) + b;
}

const F64 = new Float64Array(1);
const U8 = new Uint8Array(F64.buffer);
/** True on little-endian machines (the payload's doubles are little-endian). */
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function doubleBytes(d: number): string {
  F64[0] = d;
  return LE
    ? String.fromCharCode(U8[0], U8[1], U8[2], U8[3], U8[4], U8[5], U8[6], U8[7])
    : String.fromCharCode(U8[7], U8[6], U8[5], U8[4], U8[3], U8[2], U8[1], U8[0]);
}

// ---- writing ----

/** A value's body, written a piece at a time. */
interface BodyWriter {
  /** No item is left to write. */
  readonly done: boolean;
  /** The type byte and the header. */
  head(): string;
  /**
   * Appends items to s until none is left, `maxItems` were appended or s reached `maxBytes` (at least one
   * item when any is left); returns the longer string.
   */
  items(s: string, maxBytes: number, maxItems: number): string;
}

class HashWriter implements BodyWriter {
  done = false;
  private at = 0;
  private readonly ttl: boolean;

  constructor(private readonly h: HashValue) {
    this.ttl = h.volatileSize > 0;
  }

  head(): string {
    return String.fromCharCode(TYPE_HASH) + varint(this.h.size) + String.fromCharCode(this.ttl ? HASH_FLAG_TTL : 0);
  }

  items(s: string, maxBytes: number, maxItems: number): string {
    if (this.h.size === 0) this.at = -1;
    if (this.at < 0) {
      this.done = true;
      return s;
    }
    let n = 0;
    const ttl = this.ttl;
    this.at = this.h.forEachRawFrom(this.at, (f, v, at) => {
      s += bytesField(f) + bytesField(v);
      if (ttl) s += varint(at);
      return ++n < maxItems && s.length < maxBytes;
    });
    this.done = this.at < 0;
    return s;
  }
}

class SetWriter implements BodyWriter {
  done = false;
  private at = 0;

  constructor(private readonly v: SetValue) {}

  head(): string {
    return String.fromCharCode(TYPE_SET) + varint(this.v.size) + String.fromCharCode(this.v.encodingId);
  }

  items(s: string, maxBytes: number, maxItems: number): string {
    if (this.v.size === 0) this.at = -1;
    if (this.at < 0) {
      this.done = true;
      return s;
    }
    let n = 0;
    this.at = this.v.forEachFrom(this.at, (m) => {
      s += bytesField(m);
      return ++n < maxItems && s.length < maxBytes;
    });
    this.done = this.at < 0;
    return s;
  }
}

class ZSetWriter implements BodyWriter {
  done = false;
  private at = 0;

  constructor(private readonly z: ZSetValue) {}

  head(): string {
    return String.fromCharCode(TYPE_ZSET) + varint(this.z.size);
  }

  items(s: string, maxBytes: number, maxItems: number): string {
    if (this.at < 0 || this.z.size === 0) {
      this.done = true;
      return s;
    }
    const parts: string[] = [s];
    let bytes = s.length;
    let n = 0;
    this.at = this.z.forEachFrom(this.at, (m, score) => {
      parts.push(bytesField(m), doubleBytes(score));
      bytes += m.length + 10;
      return ++n < maxItems && bytes < maxBytes;
    });
    this.done = this.at < 0;
    return parts.join('');
  }
}

/** A list's chunks are its payload's nodes; a piece may end inside a node. */
class ListWriter implements BodyWriter {
  done = false;
  /** Next element to write (index from the head). */
  private i = 0;
  private counts: number[] = [];
  /** Next node whose count is to be written, and the elements of the current node not yet written. */
  private k = 0;
  private left = 0;

  constructor(private readonly l: ListValue) {}

  head(): string {
    this.counts = this.l.nodeCounts();
    return String.fromCharCode(TYPE_LIST) + varint(this.counts.length);
  }

  items(s: string, maxBytes: number, maxItems: number): string {
    const l = this.l;
    const parts: string[] = [s];
    let bytes = s.length;
    let n = 0;
    this.i += l.visit(this.i, l.size - this.i, false, (b, from, to) => {
      if (this.left === 0) {
        this.left = this.counts[this.k++];
        parts.push(varint(this.left));
      }
      this.left--;
      parts.push(varint(to - from), b.latin1Slice(from, to));
      bytes += to - from + 2;
      return ++n < maxItems && bytes < maxBytes;
    });
    this.done = this.i >= l.size;
    return parts.join('');
  }
}

/** A string's bytes go in slices of up to maxBytes (its "items" are bytes). */
class StringWriter implements BodyWriter {
  done = false;
  private at = 0;
  private readonly p: string;

  constructor(v: string) {
    this.p = stringPayload(v);
  }

  head(): string {
    return String.fromCharCode(TYPE_STRING) + varint(this.p.length);
  }

  items(s: string, maxBytes: number): string {
    const p = this.p;
    const take = Math.max(1, maxBytes - s.length);
    const end = Math.min(p.length, this.at + take);
    const out = this.at === 0 && end === p.length ? s + p : s + p.slice(this.at, end);
    this.at = end;
    this.done = end >= p.length;
    return out;
  }
}

function bodyWriter(v: Value): BodyWriter {
  if (typeof v === 'string') return new StringWriter(v);
  if (v instanceof HashValue) return new HashWriter(v);
  if (v instanceof ListValue) return new ListWriter(v);
  if (v instanceof SetValue) return new SetWriter(v);
  if (v instanceof ZSetValue) return new ZSetWriter(v);
  throw new Error(`DUMP of a ${v.type} value is not implemented`);
}

/**
 * A value's DUMP payload a piece at a time (see the header): next() until `done`. The value must not
 * change meanwhile (for a collection: the same object with the same `stamp`).
 */
export class DumpWriter {
  /** The last piece was returned. */
  done = false;
  private readonly body: BodyWriter;
  private readonly crc = new Crc64();
  private started = false;

  constructor(v: Value) {
    this.body = bodyWriter(v);
  }

  /**
   * The next piece: the items that fit `maxBytes` (it may pass it by one item) and `maxItems` (a string
   * counts bytes only), at least one while any is left; the first piece starts with the header, the last
   * ends with the version and CRC.
   */
  next(maxBytes = Infinity, maxItems = Infinity): string {
    let s = '';
    if (!this.started) {
      this.started = true;
      s = this.body.head();
    }
    s = this.body.items(s, maxBytes, maxItems);
    if (this.body.done) {
      s += VERSION_BYTES;
      this.done = true;
    }
    this.crc.update(s, 0, s.length);
    return this.done ? s + this.crc.bytes() : s;
  }
}

/** The DUMP payload of a value. */
export function dumpValue(v: Value): string {
  return new DumpWriter(v).next();
}

// ---- reading ----

/** Reads varints and byte fields of a payload up to `end`; a read past it returns -1 / null. */
class Reader {
  constructor(
    private s: string,
    public pos: number,
    readonly end: number,
  ) {}

  get more(): boolean {
    return this.pos < this.end;
  }

  /** A varint of at most 8 bytes (2^56 is beyond any length or time here), -1 when malformed. */
  varint(): number {
    let n = 0;
    let mul = 1;
    for (let k = 0; ; k++) {
      if (this.pos >= this.end || k >= 8) return -1;
      const b = this.s.charCodeAt(this.pos++);
      n += (b & 0x7f) * mul;
      mul *= 0x80;
      if (b < 0x80) return n;
    }
  }

  bytes(): string | null {
    const n = this.varint();
    if (n < 0 || this.pos + n > this.end) return null;
    const b = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Up to n bytes, as many as are left. */
  upTo(n: number): string {
    const to = Math.min(this.end, this.pos + n);
    const b = this.s.slice(this.pos, to);
    this.pos = to;
    return b;
  }

  byte(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos++) : -1;
  }

  /** An 8-byte little-endian double, null when truncated. */
  double(): number | null {
    if (this.pos + 8 > this.end) return null;
    for (let i = 0; i < 8; i++) U8[LE ? i : 7 - i] = this.s.charCodeAt(this.pos + i);
    this.pos += 8;
    return F64[0];
  }
}

/** A value's body, read a piece at a time: the header by the constructor (see bodyReader), then items. */
interface BodyReader {
  /** Reads items up to the reader's end; false when malformed (an item cut by the end, one too many). */
  read(r: Reader): boolean;
  /** Every announced item was read: the value; else null. */
  value(): Value | null;
  /** Bytes the value being built holds. */
  readonly bytes: number;
}

/** A hash body: malformed when empty, with duplicate fields or unknown flags. */
class HashReader implements BodyReader {
  private readonly h = new HashValue();
  private got = 0;

  constructor(
    private readonly count: number,
    private readonly ttl: boolean,
  ) {}

  static header(r: Reader): HashReader | null {
    const count = r.varint();
    if (count < 1 || count > HASH_MAX_FIELDS) return null;
    const flags = r.byte();
    if (flags < 0 || (flags & ~HASH_FLAG_TTL) !== 0) return null;
    return new HashReader(count, (flags & HASH_FLAG_TTL) !== 0);
  }

  get bytes(): number {
    return this.h.bytes;
  }

  read(r: Reader): boolean {
    const h = this.h;
    while (r.more) {
      if (this.got === this.count) return false;
      const f = r.bytes();
      const v = f === null ? null : r.bytes();
      if (f === null || v === null) return false;
      if (!h.set(f, v, 0)) return false;
      if (this.ttl) {
        const at = r.varint();
        if (at < 0) return false;
        if (at > 0) h.setExpiry(h.find(f, 0), at);
      }
      this.got++;
    }
    return true;
  }

  value(): Value | null {
    return this.got === this.count ? this.h : null;
  }
}

/** A list body: malformed without a node or with an empty one. A node's elements go in once it is whole. */
class ListReader implements BodyReader {
  private readonly l = new ListValue();
  private nodesRead = 0;
  /** Elements of the current node still to come, and those read so far (with their bytes). */
  private left = 0;
  private els: string[] = [];
  private elBytes = 0;

  constructor(private readonly nodes: number) {}

  static header(r: Reader): ListReader | null {
    const nodes = r.varint();
    return nodes < 1 ? null : new ListReader(nodes);
  }

  get bytes(): number {
    return this.l.bytes + this.elBytes;
  }

  read(r: Reader): boolean {
    while (r.more) {
      if (this.left === 0) {
        if (this.nodesRead === this.nodes) return false;
        const n = r.varint();
        if (n < 1) return false;
        this.left = n;
        this.nodesRead++;
        continue;
      }
      const e = r.bytes();
      if (e === null) return false;
      this.els.push(e);
      this.elBytes += e.length;
      if (--this.left === 0) {
        this.l.appendNode(this.els);
        this.els = [];
        this.elBytes = 0;
      }
    }
    return true;
  }

  value(): Value | null {
    return this.nodesRead === this.nodes && this.left === 0 ? this.l : null;
  }
}

/** A set body (see SetValue.load for the encoding chosen): malformed when empty, repeated, or corrupt. */
class SetReader implements BodyReader {
  private got = 0;

  constructor(
    private readonly count: number,
    private readonly loader: SetLoader,
  ) {}

  static header(r: Reader, config: DumpConfig | undefined): SetReader | null {
    const count = r.varint();
    if (count < 1 || count > SET_MAX_MEMBERS) return null;
    const enc = r.byte();
    if (enc < 0 || enc > ENC_HASHTABLE) return null;
    const L = config === undefined ? DEFAULT_SET_LIMITS : setLimits(config);
    return new SetReader(count, new SetLoader(enc as SetEncoding, count, L));
  }

  get bytes(): number {
    return this.loader.set.bytes;
  }

  read(r: Reader): boolean {
    while (r.more) {
      if (this.got === this.count) return false;
      const m = r.bytes();
      if (m === null || !this.loader.add(m)) return false;
      this.got++;
    }
    return true;
  }

  value(): Value | null {
    return this.got === this.count ? this.loader.finish() : null;
  }
}

/**
 * A sorted-set body: malformed when empty, truncated, with a NaN score or a repeated member. A whole
 * payload's pairs are sorted and the tree built at once (ZSetValue.fromSorted); in pieces, each pair is
 * inserted as it comes (O(log n) each). Either way the encoding is decided by the first look or write.
 */
class ZSetReader implements BodyReader {
  private got = 0;
  /** In pieces: the sorted set being built; whole: null (the pairs are collected). */
  private readonly z: ZSetValue | null;
  private members: string[] = [];
  private scores: number[] = [];

  constructor(
    private readonly count: number,
    pieces: boolean,
  ) {
    this.z = pieces ? new ZSetValue(false, false) : null;
  }

  static header(r: Reader, pieces: boolean): ZSetReader | null {
    const count = r.varint();
    return count < 1 || count > ZSET_MAX_MEMBERS ? null : new ZSetReader(count, pieces);
  }

  get bytes(): number {
    return this.z === null ? 0 : this.z.bytes;
  }

  read(r: Reader): boolean {
    const z = this.z;
    while (r.more) {
      if (this.got === this.count) return false;
      const m = r.bytes();
      const s = m === null ? null : r.double();
      if (m === null || s === null || s !== s) return false;
      if (z === null) {
        this.members.push(m);
        this.scores.push(s);
      } else {
        if (z.has(m)) return false;
        z.add(s, m, 0, Infinity, Infinity);
      }
      this.got++;
    }
    return true;
  }

  value(): Value | null {
    if (this.got !== this.count) return null;
    if (this.z !== null) return this.z;
    const pairs = this.members.map((m, i) => ({ m, s: this.scores[i] }));
    pairs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.m < b.m ? -1 : a.m > b.m ? 1 : 0));
    const seen = new Set<string>();
    for (const p of pairs) {
      if (seen.has(p.m)) return null;
      seen.add(p.m);
    }
    const members = pairs.map((p) => p.m);
    const scores = pairs.map((p) => p.s);
    return ZSetValue.fromSorted(members, scores);
  }
}

/** A string body: its length, then that many bytes, in any number of pieces. */
class StringReader implements BodyReader {
  private parts: string[] = [];
  bytes = 0;

  constructor(private readonly length: number) {}

  static header(r: Reader): StringReader | null {
    const n = r.varint();
    return n < 0 ? null : new StringReader(n);
  }

  read(r: Reader): boolean {
    if (!r.more) return true;
    if (this.bytes === this.length) return false;
    const b = r.upTo(this.length - this.bytes);
    this.parts.push(b);
    this.bytes += b.length;
    return !r.more;
  }

  value(): Value | null {
    if (this.bytes !== this.length) return null;
    return stringValue(this.parts.length === 1 ? this.parts[0] : this.parts.join(''));
  }
}

/**
 * The body reader for a type byte, its header read from r (`pieces`: the body comes in pieces): null
 * when the header is malformed, 'type' for an unknown type.
 */
function bodyReader(type: number, r: Reader, config: DumpConfig | undefined, pieces: boolean): BodyReader | null | 'type' {
  switch (type) {
    case TYPE_STRING:
      return StringReader.header(r);
    case TYPE_HASH:
      return HashReader.header(r);
    case TYPE_LIST:
      return ListReader.header(r);
    case TYPE_SET:
      return SetReader.header(r, config);
    case TYPE_ZSET:
      return ZSetReader.header(r, pieces);
    default:
      return 'type';
  }
}

/** True when the version field at payload[at, at+2) is one this node reads. */
function knownVersion(payload: string, at: number): boolean {
  const version = payload.charCodeAt(at) | (payload.charCodeAt(at + 1) << 8);
  if ((version & VERSION_FLAG) === 0) return false;
  const format = version & ~VERSION_FLAG;
  return format >= 1 && format <= DUMP_FORMAT;
}

/**
 * The value a payload holds. 'checksum': too short, not a shardcache payload, a newer format than this
 * node reads, or a wrong CRC (ERR DUMP payload version or checksum are wrong). 'format': the checksum
 * holds but the type is unknown or the body does not fill the payload exactly (ERR Bad data format).
 * `config` gives the set-max-* directives that choose a restored set's encoding (Redis's defaults without).
 */
export function restoreValue(payload: string, config?: DumpConfig): Value | 'checksum' | 'format' {
  const n = payload.length;
  if (n < MIN_PAYLOAD_BYTES) return 'checksum';
  if (!knownVersion(payload, n - TRAILER_BYTES)) return 'checksum';
  if (crc64Bytes(payload, n - 8) !== payload.slice(n - 8)) return 'checksum';
  const r = new Reader(payload, 1, n - TRAILER_BYTES);
  const body = bodyReader(payload.charCodeAt(0), r, config, false);
  if (body === null || body === 'type' || !body.read(r)) return 'format';
  return body.value() ?? 'format';
}

/**
 * Builds a value from its payload given a piece at a time, as DumpWriter cuts it (see the header):
 * feed() every piece but the last, then finish() the last (its final bytes are the version and CRC).
 */
export class DumpLoader {
  private readonly crc = new Crc64();
  private body: BodyReader | null = null;
  /** The body is malformed: nothing more is parsed (the value is dropped). */
  private failed = false;
  private length = 0;

  constructor(private readonly config?: DumpConfig) {}

  /** Bytes the value being built holds. */
  get bytes(): number {
    return this.body === null ? 0 : this.body.bytes;
  }

  /** A piece other than the last; false once the body is known to be malformed ('format'). */
  feed(piece: string): boolean {
    this.crc.update(piece, 0, piece.length);
    this.length += piece.length;
    if (!this.failed) this.parse(piece, piece.length);
    return !this.failed;
  }

  /** The last piece: the value, or 'checksum' / 'format' as restoreValue answers for the joined payload. */
  finish(piece: string): Value | 'checksum' | 'format' {
    const n = piece.length;
    if (this.length + n < MIN_PAYLOAD_BYTES || n < TRAILER_BYTES) return 'checksum';
    if (!knownVersion(piece, n - TRAILER_BYTES)) return 'checksum';
    this.crc.update(piece, 0, n - 8);
    if (this.crc.bytes() !== piece.slice(n - 8)) return 'checksum';
    if (!this.failed) this.parse(piece, n - TRAILER_BYTES);
    const v = this.failed || this.body === null ? null : this.body.value();
    this.body = null;
    return v ?? 'format';
  }

  private parse(s: string, end: number): void {
    const r = new Reader(s, 0, end);
    if (this.body === null) {
      if (!r.more) return;
      const body = bodyReader(r.byte(), r, this.config, true);
      if (body === null || body === 'type') {
        this.failed = true;
        return;
      }
      this.body = body;
    }
    if (!this.body.read(r)) {
      this.failed = true;
      this.body = null;
    }
  }
}
