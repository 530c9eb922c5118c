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
import { HASH_MAX_FIELDS, HashValue } from './hash';
import { ListValue } from './list';
import { DEFAULT_SET_LIMITS, ENC_HASHTABLE, SET_MAX_MEMBERS, SetValue, setLimits, type SetEncoding } from './set';
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

/** CRC64 of the bytes [0, end) of a latin1 string, as 8 little-endian bytes (a latin1 string). */
function crc64Bytes(s: string, end: number): string {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < end; i++) {
    const idx = (lo ^ s.charCodeAt(i)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ T_LO[idx];
    hi = (hi >>> 8) ^ T_HI[idx];
  }
  return le32(lo) + le32(hi);
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

/** The type byte and body of a hash. */
function hashBody(h: HashValue): string {
  const withTtl = h.volatileSize > 0;
  let s = String.fromCharCode(TYPE_HASH) + varint(h.size) + String.fromCharCode(withTtl ? HASH_FLAG_TTL : 0);
  h.forEachRaw((f, v, at) => {
    s += bytesField(f) + bytesField(v);
    if (withTtl) s += varint(at);
  });
  return s;
}

/** The type byte and body of a list: its chunks as nodes. */
function listBody(l: ListValue): string {
  const counts = l.nodeCounts();
  const parts: string[] = [String.fromCharCode(TYPE_LIST), varint(counts.length)];
  let k = 0;
  let left = 0;
  l.visit(0, l.size, false, (b, from, to) => {
    if (left === 0) {
      left = counts[k++];
      parts.push(varint(left));
    }
    left--;
    parts.push(varint(to - from), b.latin1Slice(from, to));
  });
  return parts.join('');
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

/** The type byte and body of a sorted set. */
function zsetBody(z: ZSetValue): string {
  const parts: string[] = [String.fromCharCode(TYPE_ZSET), varint(z.size)];
  z.forEach((m, score) => {
    parts.push(bytesField(m), doubleBytes(score));
  });
  return parts.join('');
}

/** The type byte and body of a set. */
function setBody(v: SetValue): string {
  let s = String.fromCharCode(TYPE_SET) + varint(v.size) + String.fromCharCode(v.encodingId);
  v.forEach((m) => {
    s += bytesField(m);
  });
  return s;
}

/** The DUMP payload of a value. */
export function dumpValue(v: Value): string {
  let head: string;
  if (typeof v === 'string') head = String.fromCharCode(TYPE_STRING) + bytesField(stringPayload(v));
  else if (v instanceof HashValue) head = hashBody(v);
  else if (v instanceof ListValue) head = listBody(v);
  else if (v instanceof SetValue) head = setBody(v);
  else if (v instanceof ZSetValue) head = zsetBody(v);
  else throw new Error(`DUMP of a ${v.type} value is not implemented`);
  const version = VERSION_FLAG | DUMP_FORMAT;
  const body = head + String.fromCharCode(version & 0xff, version >>> 8);
  return body + crc64Bytes(body, body.length);
}

/** Reads varints and byte fields of a payload up to `end`; a read past it returns -1 / null. */
class Reader {
  constructor(
    private s: string,
    public pos: number,
    private end: number,
  ) {}

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

/** A sorted-set body: null when malformed (truncated, empty, NaN scores, duplicate members). */
function readZset(r: Reader): ZSetValue | null {
  const count = r.varint();
  if (count < 1 || count > ZSET_MAX_MEMBERS) return null;
  const pairs: { m: string; s: number }[] = [];
  for (let i = 0; i < count; i++) {
    const m = r.bytes();
    const s = m === null ? null : r.double();
    if (m === null || s === null || s !== s) return null;
    pairs.push({ m, s });
  }
  pairs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.m < b.m ? -1 : a.m > b.m ? 1 : 0));
  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.m)) return null;
    seen.add(p.m);
  }
  return ZSetValue.fromSorted(
    pairs.map((p) => p.m),
    pairs.map((p) => p.s),
  );
}

/** A hash body: null when malformed (truncated, empty, duplicate fields, unknown flags). */
function readHash(r: Reader): HashValue | null {
  const count = r.varint();
  if (count < 1 || count > HASH_MAX_FIELDS) return null;
  const flags = r.byte();
  if (flags < 0 || (flags & ~HASH_FLAG_TTL) !== 0) return null;
  const h = new HashValue();
  for (let i = 0; i < count; i++) {
    const f = r.bytes();
    const v = f === null ? null : r.bytes();
    if (f === null || v === null) return null;
    if (!h.set(f, v, 0)) return null;
    if (flags & HASH_FLAG_TTL) {
      const at = r.varint();
      if (at < 0) return null;
      if (at > 0) h.setExpiry(h.find(f, 0), at);
    }
  }
  return h;
}

/** A list body: null when malformed (truncated, no node, an empty node). */
function readList(r: Reader): ListValue | null {
  const nodes = r.varint();
  if (nodes < 1) return null;
  const l = new ListValue();
  for (let k = 0; k < nodes; k++) {
    const n = r.varint();
    if (n < 1) return null;
    const els: string[] = [];
    for (let i = 0; i < n; i++) {
      const e = r.bytes();
      if (e === null) return null;
      els.push(e);
    }
    l.appendNode(els);
  }
  return l;
}

/** A set body (see SetValue.load for the encoding chosen): null when malformed or corrupt. */
function readSet(r: Reader, config: { num(name: string): number } | undefined): SetValue | null {
  const count = r.varint();
  if (count < 1 || count > SET_MAX_MEMBERS) return null;
  const enc = r.byte();
  if (enc < 0 || enc > ENC_HASHTABLE) return null;
  const list: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = r.bytes();
    if (m === null) return null;
    list.push(m);
  }
  return SetValue.load(enc as SetEncoding, list, config === undefined ? DEFAULT_SET_LIMITS : setLimits(config));
}

/**
 * The value a payload holds. 'checksum': too short, not a shardcache payload, a newer format than this
 * node reads, or a wrong CRC (ERR DUMP payload version or checksum are wrong). 'format': the checksum
 * holds but the type is unknown or the body does not fill the payload exactly (ERR Bad data format).
 * `config` gives the set-max-* directives that choose a restored set's encoding (Redis's defaults without).
 */
export function restoreValue(payload: string, config?: { num(name: string): number }): Value | 'checksum' | 'format' {
  const n = payload.length;
  if (n < MIN_PAYLOAD_BYTES) return 'checksum';
  const version = payload.charCodeAt(n - 10) | (payload.charCodeAt(n - 9) << 8);
  if ((version & VERSION_FLAG) === 0) return 'checksum';
  const format = version & ~VERSION_FLAG;
  if (format < 1 || format > DUMP_FORMAT) return 'checksum';
  if (crc64Bytes(payload, n - 8) !== payload.slice(n - 8)) return 'checksum';
  const end = n - 10;
  const r = new Reader(payload, 1, end);
  let value: Value | null;
  switch (payload.charCodeAt(0)) {
    case TYPE_STRING: {
      const b = r.bytes();
      value = b === null ? null : stringValue(b);
      break;
    }
    case TYPE_SET:
      value = readSet(r, config);
      break;
    case TYPE_HASH:
      value = readHash(r);
      break;
    case TYPE_LIST:
      value = readList(r);
      break;
    case TYPE_ZSET:
      value = readZset(r);
      break;
    default:
      return 'format';
  }
  if (value === null || r.pos !== end) return 'format';
  return value;
}
