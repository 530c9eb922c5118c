// Bitmap commands on string values (Redis 7.2 bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
// BITFIELD_RO. They read and write a string's bytes where the keyspace keeps them (Keyspace.stringView),
// so GETBIT, SETBIT and BITCOUNT on a large bitmap copy nothing; a write past the end grows the value with
// zero bytes (Keyspace.resizeString, greedily: growing bit by bit copies a logarithmic number of times).
// Bit 0 is the most significant bit of the first byte. Effects are the commands themselves (deterministic
// given the key's state), so a 1 MB bitmap is not resent to replicas per SETBIT.
//
// Arguments are parsed in Redis's order, with its texts; a keyword compared with strcasecmp in C stops at
// a NUL byte there, and here (cstr). Offsets are limited by proto-max-bulk-len, and for writes by the
// longest string a value may hold here (MAX_ARG_BYTES, 56 bytes under 512 MB: values cross the API as
// latin1 strings): a write within the last 56 bytes of 512 MB is refused where Redis makes the string.
import * as E from '../protocol/errors';
import { MAX_ARG_BYTES } from '../protocol/parser';
import { EMPTY_STRING_VALUE, type StringView } from '../store/keyspace';
import { bitpos, getBits, popcount, setBits } from '../util/bits';
import { cstr, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import { readTyped, WRONG_TYPE, writeTyped } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

/** The view handlers read values through (one command runs at a time). */
const view: StringView = { buf: Buffer.alloc(0), off: 0, len: 0 };

/**
 * Bytes a bitmap offset may address: proto-max-bulk-len; for a write, also within what a value can hold
 * here (a read past the end allocates nothing, so it keeps Redis's limit).
 */
function maxBytes(c: Client, write: boolean): number {
  const limit = c.config.num('proto-max-bulk-len');
  return write ? Math.min(limit, MAX_ARG_BYTES) : limit;
}

/**
 * A bit offset argument (getBitOffsetFromArgument): a non-negative integer whose byte is below the size
 * limit (maxBytes); with `hash` and bits > 0, `#n` means n * bits. Returns the offset, or -1 after writing
 * "bit offset is not an integer or out of range".
 */
function bitOffset(c: Client, arg: string, hash: boolean, bits: number, write: boolean): number {
  const useHash = hash && bits > 0 && arg.charCodeAt(0) === 35; // '#'
  let v = parseInt64(useHash ? arg.slice(1) : arg);
  if (v !== null && useHash) {
    const p = BigInt.asIntN(64, BigInt(v) * BigInt(bits)); // C's wrapping multiply
    v = p >= -(2n ** 53n) && p <= 2n ** 53n ? Number(p) : p;
  }
  if (v === null || v < 0 || v >= maxBytes(c, write) * 8) {
    c.out.error(E.ERR_BIT_OFFSET);
    return -1;
  }
  return Number(v);
}

/** Set by stringForBits: the key was created or lengthened. */
let grown = false;

/**
 * The slot of key as a string of at least `bytes` bytes, created or padded with zero bytes as needed
 * (lookupStringForBitCommand; `grown` tells whether it was), or WRONG_TYPE after the error.
 */
function stringForBits(c: Client, key: string, bytes: number): number {
  const db = c.db;
  let s = writeTyped(c, key, 'string');
  grown = false;
  if (s === WRONG_TYPE) return s;
  // A new string gets its size exactly; one that grows gets room to grow again (as Redis's sdsnewlen and
  // sdsgrowzero).
  const created = s < 0;
  if (created) s = db.add(key, EMPTY_STRING_VALUE);
  else if (db.stringView(s, view).len >= bytes) return s;
  db.resizeString(s, bytes, true, !created);
  grown = true;
  return s;
}

// ---- SETBIT, GETBIT ----

/**
 * SETBIT key offset value: the bit's old value; sets or clears it, growing the string with zero bytes
 * (keeps the TTL). Errors: bit offset is not an integer or out of range, bit is not an integer or out of
 * range (value not 0 or 1), WRONGTYPE.
 */
function setbit(c: Client, argv: string[]): void {
  const off = bitOffset(c, argv[2], false, 0, true);
  if (off < 0) return;
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) return c.out.error(E.ERR_BIT_VALUE);
  const byte = Math.floor(off / 8);
  const s = stringForBits(c, argv[1], byte + 1);
  if (s === WRONG_TYPE) return;
  const v = c.db.stringView(s, view);
  const at = v.off + byte;
  const mask = 1 << (7 - (off & 7));
  const old = v.buf[at] & mask;
  if (grown || (old !== 0) !== (on === 1)) {
    v.buf[at] = on === 1 ? v.buf[at] | mask : v.buf[at] & ~mask;
    c.effects.command(['SETBIT', argv[1], argv[2], argv[3]]);
  }
  c.out.int(old !== 0 ? 1 : 0);
}

/** GETBIT key offset: the bit (0 past the end or for a missing key). Errors: bit offset, WRONGTYPE. */
function getbit(c: Client, argv: string[]): void {
  const off = bitOffset(c, argv[2], false, 0, false);
  if (off < 0) return;
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const v = c.db.stringView(s, view);
  const byte = Math.floor(off / 8);
  c.out.int(byte < v.len && v.buf[v.off + byte] & (1 << (7 - (off & 7))) ? 1 : 0);
}

// ---- BITCOUNT, BITPOS ----

/** Range bounds after parsing (BITCOUNT, BITPOS): bytes start..end and the edge masks in BIT mode. */
const range = { start: 0, end: 0, firstMask: 0, lastMask: 0 };

/**
 * Turns start/end (negative from the end; in bits when isBit) into byte bounds clamped to a string of
 * `len` bytes, with the masks of the bits outside the range in the first and last byte (bitcountCommand).
 */
function clampRange(start: number | bigint, end: number | bigint, len: number, isBit: boolean): void {
  const total = isBit ? len * 8 : len;
  let a = Number(start);
  let b = Number(end);
  if (a < 0) a = total + a;
  if (b < 0) b = total + b;
  if (a < 0) a = 0;
  if (b < 0) b = 0;
  if (b >= total) b = total - 1;
  range.firstMask = 0;
  range.lastMask = 0;
  if (isBit && a <= b) {
    range.firstMask = ~((1 << (8 - (a & 7))) - 1) & 0xff;
    range.lastMask = (1 << (7 - (b & 7))) - 1;
    a = Math.floor(a / 8);
    b = Math.floor(b / 8);
  }
  range.start = a;
  range.end = b;
}

/** BIT or BYTE (any case): 1, 0, or -1 after writing a syntax error. */
function unitArg(c: Client, arg: string): number {
  const u = cstr(arg).toLowerCase();
  if (u === 'bit') return 1;
  if (u === 'byte') return 0;
  c.out.error(E.ERR_SYNTAX);
  return -1;
}

/**
 * BITCOUNT key [start end [BYTE|BIT]]: the set bits of the string or of a range (negative indexes from
 * the end; in bits with BIT). 0 for a missing key (whatever the arguments) and for an empty range. Errors:
 * WRONGTYPE, not an integer, syntax error (a lone start, a bad unit, too many arguments).
 */
function bitcount(c: Client, argv: string[]): void {
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const v = c.db.stringView(s, view);
  if (argv.length === 4 || argv.length === 5) {
    const start = parseInt64(argv[2]);
    const end = start === null ? null : parseInt64(argv[3]);
    if (start === null || end === null) return c.out.error(E.ERR_NOT_INTEGER);
    if (start < 0 && end < 0 && start > end) return c.out.int(0);
    let isBit = 0;
    if (argv.length === 5) isBit = unitArg(c, argv[4]);
    if (isBit < 0) return;
    clampRange(start, end, v.len, isBit === 1);
  } else if (argv.length === 2) {
    range.start = 0;
    range.end = v.len - 1;
    range.firstMask = range.lastMask = 0;
  } else return c.out.error(E.ERR_SYNTAX);
  const { start, end, firstMask, lastMask } = range;
  if (start > end) return c.out.int(0);
  let n = popcount(v.buf, v.off + start, v.off + end + 1);
  if (firstMask !== 0) n -= popcount8(v.buf[v.off + start] & firstMask);
  if (lastMask !== 0) n -= popcount8(v.buf[v.off + end] & lastMask);
  c.out.int(n);
}

function popcount8(x: number): number {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
}

/** redisBitpos on one byte: the first `bit` in x (0..7), 8 for no 0, -1 for no 1. */
function bitpos8(x: number, bit: number): number {
  if (bit === 1) return x === 0 ? -1 : Math.clz32(x) - 24;
  return x === 0xff ? 8 : Math.clz32(~x & 0xff) - 24;
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]]: the position of the first bit equal to `bit` in the string or
 * range. A missing key: -1 for 1, 0 for 0. As Redis: looking for 0 in all ones gives the first bit past
 * the string unless an end was given (then -1); an empty range gives -1. Errors: not an integer, the bit
 * argument must be 1 or 0, WRONGTYPE, syntax error.
 */
function bitposCommand(c: Client, argv: string[]): void {
  const bitArg = parseInt64(argv[2]);
  if (bitArg === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (bitArg !== 0 && bitArg !== 1) return c.out.error(E.ERR_BITPOS_BIT);
  const bit = bitArg;
  const s = readTyped(c, argv[1], 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(bit ? -1 : 0);
  const v = c.db.stringView(s, view);
  let endGiven = false;
  const argc = argv.length;
  if (argc === 4 || argc === 5 || argc === 6) {
    const start = parseInt64(argv[3]);
    if (start === null) return c.out.error(E.ERR_NOT_INTEGER);
    let isBit = 0;
    if (argc === 6) isBit = unitArg(c, argv[5]);
    if (isBit < 0) return;
    let end: number | bigint;
    if (argc >= 5) {
      const e = parseInt64(argv[4]);
      if (e === null) return c.out.error(E.ERR_NOT_INTEGER);
      end = e;
      endGiven = true;
    } else end = isBit ? v.len * 8 + 7 : v.len - 1;
    clampRange(start, end, v.len, isBit === 1);
  } else if (argc === 3) {
    range.start = 0;
    range.end = v.len - 1;
    range.firstMask = range.lastMask = 0;
  } else return c.out.error(E.ERR_SYNTAX);
  let { start } = range;
  const { end, firstMask, lastMask } = range;
  if (start > end) return c.out.int(-1);
  const p = v.buf;
  const o = v.off;
  let bytes = end - start + 1;
  let pos = 0;
  found: {
    if (firstMask !== 0) {
      let tmp = bit ? p[o + start] & ~firstMask : p[o + start] | firstMask;
      if (lastMask !== 0 && bytes === 1) tmp = bit ? tmp & ~lastMask : tmp | lastMask;
      pos = bitpos8(tmp & 0xff, bit);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break found;
      start++;
      bytes--;
    }
    const cur = bytes - (lastMask !== 0 ? 1 : 0);
    if (cur > 0) {
      pos = bitpos(p, o + start, o + start + cur, bit);
      if (bytes === cur || (pos !== -1 && pos !== cur * 8)) break found;
      start += cur;
      bytes -= cur;
    }
    const tmp = bit ? p[o + end] & ~lastMask : p[o + end] | lastMask;
    pos = bitpos8(tmp & 0xff, bit);
  }
  // Looking for a 0 in an explicit range: the first bit after it does not count.
  if (endGiven && bit === 0 && pos === bytes * 8) return c.out.int(-1);
  if (pos !== -1) pos += start * 8;
  c.out.int(pos);
}

// ---- BITOP ----

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...]: stores the bitwise operation of the strings (missing keys
 * are empty; shorter ones are zero padded) at destkey, replacing whatever it held (its TTL too), and
 * replies its length: the longest source's. A result of 0 bytes deletes destkey. Errors: syntax error
 * (operation), BITOP NOT must be called with a single source key, WRONGTYPE (a source).
 */
function bitop(c: Client, argv: string[]): void {
  const name = cstr(argv[1]).toLowerCase();
  const op = name === 'and' ? OP_AND : name === 'or' ? OP_OR : name === 'xor' ? OP_XOR : name === 'not' ? OP_NOT : -1;
  if (op < 0) return c.out.error(E.ERR_SYNTAX);
  if (op === OP_NOT && argv.length !== 4) return c.out.error(E.ERR_BITOP_NOT);
  const db = c.db;
  const n = argv.length - 3;
  const slots: number[] = [];
  for (let j = 0; j < n; j++) {
    const s = readTyped(c, argv[j + 3], 'string');
    if (s === WRONG_TYPE) return;
    slots.push(s);
  }
  // Views after every lookup (a lookup may delete an expired key).
  const srcs: Buffer[] = [];
  const offs: number[] = [];
  const lens: number[] = [];
  let maxLen = 0;
  for (const s of slots) {
    if (s < 0) {
      srcs.push(view.buf);
      offs.push(0);
      lens.push(0);
      continue;
    }
    const v = db.stringView(s, view);
    srcs.push(v.buf);
    offs.push(v.off);
    lens.push(v.len);
    if (v.len > maxLen) maxLen = v.len;
  }
  const dest = argv[2];
  if (maxLen === 0) {
    if (db.delete(dest)) c.effects.command(['BITOP', ...argv.slice(1)]);
    return c.out.int(0);
  }
  const res = Buffer.allocUnsafe(maxLen);
  const b0 = srcs[0];
  const o0 = offs[0];
  const l0 = lens[0];
  for (let i = 0; i < maxLen; i++) {
    let out = i < l0 ? b0[o0 + i] : 0;
    if (op === OP_NOT) out = ~out & 0xff;
    for (let k = 1; k < n; k++) {
      const byte = i < lens[k] ? srcs[k][offs[k] + i] : 0;
      if (op === OP_AND) out &= byte;
      else if (op === OP_OR) out |= byte;
      else out ^= byte;
    }
    res[i] = out;
  }
  const s = db.set(dest, EMPTY_STRING_VALUE, 0);
  db.resizeString(s, maxLen, false);
  const v = db.stringView(s, view);
  res.copy(v.buf, v.off);
  c.effects.command(['BITOP', ...argv.slice(1)]);
  c.out.int(maxLen);
}

// ---- BITFIELD ----

const BF_GET = 0;
const BF_SET = 1;
const BF_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface BitfieldOp {
  offset: number;
  value: bigint;
  opcode: number;
  overflow: number;
  bits: number;
  signed: boolean;
}

const U64 = 2n ** 64n;
const toU64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const toI64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * A bitfield type argument (getBitfieldTypeFromArgument): i1..i64 or u1..u63 (the width read as C reads
 * it, up to a NUL byte). Returns [signed, bits], or null after writing the error.
 */
function bitfieldType(c: Client, arg: string): [boolean, number] | null {
  const signed = arg.charCodeAt(0) === 105; // 'i'
  if (signed || arg.charCodeAt(0) === 117 /* 'u' */) {
    const bits = parseInt64(cstr(arg.slice(1)));
    if (bits !== null && bits >= 1 && bits <= (signed ? 64 : 63)) return [signed, Number(bits)];
  }
  c.out.error(E.ERR_BITFIELD_TYPE);
  return null;
}

/** Outcome of an overflow check: 0 none, 1 over, -1 under, and in `limit` the value to store instead. */
let limit = 0n;

/** checkUnsignedBitfieldOverflow with C's u64/i64 arithmetic. */
function unsignedOverflow(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = (1n << BigInt(bits)) - 1n;
  const maxincr = toI64(max - value);
  const minincr = toI64(-value);
  let r = 0;
  if (value > max || (incr > 0n && incr > maxincr)) r = 1;
  else if (incr < 0n && incr < minincr) r = -1;
  if (r === 0) return 0;
  if (ow === OW_WRAP) limit = toU64(value + incr) & max;
  else if (ow === OW_SAT) limit = r > 0 ? max : 0n;
  return r;
}

/** checkSignedBitfieldOverflow with C's u64/i64 arithmetic. */
function signedOverflow(value: bigint, incr: bigint, bits: number, ow: number): number {
  const max = bits === 64 ? 2n ** 63n - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = toI64(max - value);
  const minincr = toI64(min - value);
  let r = 0;
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) r = 1;
  else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) r = -1;
  if (r === 0) return 0;
  if (ow === OW_WRAP) {
    let w = toU64(value + incr);
    if (bits < 64) {
      const mask = toU64(-1n << BigInt(bits));
      w = w & (1n << BigInt(bits - 1)) ? w | mask : w & ~mask & (U64 - 1n);
    }
    limit = toI64(w);
  } else if (ow === OW_SAT) limit = r > 0 ? max : min;
  return r;
}

/** An integer reply from a bigint. */
function replyInt(c: Client, v: bigint): void {
  if (v >= -(2n ** 53n) && v <= 2n ** 53n) c.out.int(Number(v));
  else c.out.bigint(v);
}

/**
 * BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
 * [OVERFLOW WRAP|SAT|FAIL] ... (and BITFIELD_RO, `readonly`: GET only). An array with one reply per GET,
 * SET (the old value) and INCRBY (the new value); with OVERFLOW FAIL an overflowing SET or INCRBY writes
 * nothing and replies nil. Types i1..i64, u1..u63; `#n` offsets count in units of the type's width. A
 * write grows the string to its farthest bit first. Errors (every argument is checked before the key is
 * read): syntax error, Invalid OVERFLOW type specified, Invalid bitfield type, bit offset, not an integer,
 * BITFIELD_RO only supports the GET subcommand, WRONGTYPE.
 */
function bitfieldGeneric(c: Client, argv: string[], readonly: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = OW_WRAP;
  let writes = false;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const remargs = argv.length - j - 1;
    const sub = cstr(argv[j]).toLowerCase();
    let opcode: number;
    if (sub === 'get' && remargs >= 2) opcode = BF_GET;
    else if (sub === 'set' && remargs >= 3) opcode = BF_SET;
    else if (sub === 'incrby' && remargs >= 3) opcode = BF_INCRBY;
    else if (sub === 'overflow' && remargs >= 1) {
      const ow = cstr(argv[++j]).toLowerCase();
      if (ow === 'wrap') overflow = OW_WRAP;
      else if (ow === 'sat') overflow = OW_SAT;
      else if (ow === 'fail') overflow = OW_FAIL;
      else return c.out.error(E.ERR_BITFIELD_OVERFLOW);
      continue;
    } else return c.out.error(E.ERR_SYNTAX);
    const type = bitfieldType(c, argv[j + 1]);
    if (type === null) return;
    const [signed, bits] = type;
    const offset = bitOffset(c, argv[j + 2], true, bits, opcode !== BF_GET);
    if (offset < 0) return;
    let value = 0n;
    if (opcode !== BF_GET) {
      writes = true;
      if (offset + bits - 1 > highest) highest = offset + bits - 1;
      const v = parseInt64(argv[j + 3]);
      if (v === null) return c.out.error(E.ERR_NOT_INTEGER);
      value = BigInt(v);
    }
    ops.push({ offset, value, opcode, overflow, bits, signed });
    j += opcode === BF_GET ? 2 : 3;
  }
  const db = c.db;
  const key = argv[1];
  let s: number;
  let created = false;
  if (!writes) {
    s = readTyped(c, key, 'string');
    if (s === WRONG_TYPE) return;
  } else {
    if (readonly) return c.out.error(E.ERR_BITFIELD_RO);
    s = stringForBits(c, key, Math.floor(highest / 8) + 1);
    if (s === WRONG_TYPE) return;
    created = grown;
  }
  const out = c.out;
  out.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    // A write made the string long enough; a GET reads bytes past the end as zero.
    const v = s >= 0 ? db.stringView(s, view) : null;
    const b = v === null ? view.buf : v.buf;
    const from = v === null ? 0 : v.off;
    const to = v === null ? 0 : v.off + v.len;
    const raw = getBits(b, from, to, op.offset, op.bits);
    const old = op.signed && op.bits < 64 && raw >> BigInt(op.bits - 1) ? raw - (1n << BigInt(op.bits)) : op.signed ? toI64(raw) : raw;
    if (op.opcode === BF_GET) {
      replyInt(c, old);
      continue;
    }
    let next: bigint;
    let reply: bigint;
    let r: number;
    if (op.signed) {
      if (op.opcode === BF_INCRBY) {
        r = signedOverflow(old, op.value, op.bits, op.overflow);
        next = r !== 0 ? limit : old + op.value;
        reply = next;
      } else {
        next = op.value;
        r = signedOverflow(next, 0n, op.bits, op.overflow);
        if (r !== 0) next = limit;
        reply = old;
      }
    } else {
      if (op.opcode === BF_INCRBY) {
        next = toU64(old + op.value);
        r = unsignedOverflow(old, op.value, op.bits, op.overflow);
        if (r !== 0) next = limit;
        reply = next;
      } else {
        next = toU64(op.value);
        r = unsignedOverflow(next, 0n, op.bits, op.overflow);
        if (r !== 0) next = limit;
        reply = old;
      }
    }
    if (r !== 0 && op.overflow === OW_FAIL) {
      out.nil();
      continue;
    }
    replyInt(c, reply);
    setBits(b, from, op.offset, op.bits, next);
    if (created || old !== next) changes++;
  }
  // Redis propagates only when a field changed; a key created or grown (all writes failing) is a change
  // too, or a replica would miss it.
  if (changes > 0 || created) c.effects.command(['BITFIELD', ...argv.slice(1)]);
}

function bitfield(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, false);
}

function bitfieldRo(c: Client, argv: string[]): void {
  bitfieldGeneric(c, argv, true);
}

// ---- declarations (as Redis 7's COMMAND INFO) ----

const cmd = declarer('bitmap', { keys: ONE_KEY });

export const bitmapCommands: readonly CommandSpec[] = [
  cmd({ name: 'setbit', summary: "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.", since: '2.2.0', arity: 4, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], handler: setbit }),
  cmd({ name: 'getbit', summary: 'Returns a bit value by offset.', since: '2.2.0', arity: 3, flags: ['readonly', 'fast'], acl: ['read', 'bitmap', 'fast'], handler: getbit }),
  cmd({ name: 'bitcount', summary: 'Counts the number of set bits (population counting) in a string.', since: '2.6.0', arity: -2, flags: ['readonly'], acl: ['read', 'bitmap', 'slow'], handler: bitcount }),
  cmd({ name: 'bitpos', summary: 'Finds the first set (1) or clear (0) bit in a string.', since: '2.8.7', arity: -3, flags: ['readonly'], acl: ['read', 'bitmap', 'slow'], handler: bitposCommand }),
  cmd({ name: 'bitop', summary: 'Performs bitwise operations on multiple strings, and stores the result.', since: '2.6.0', arity: -4, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], keys: { first: 2, last: -1, step: 1 }, handler: bitop }),
  cmd({ name: 'bitfield', summary: 'Performs arbitrary bitfield integer operations on strings.', since: '3.2.0', arity: -2, flags: ['write', 'denyoom'], acl: ['write', 'bitmap', 'slow'], handler: bitfield }),
  cmd({ name: 'bitfield_ro', summary: 'Performs arbitrary read-only bitfield integer operations on strings.', since: '6.0.0', arity: -2, flags: ['readonly', 'fast'], acl: ['read', 'bitmap', 'fast'], handler: bitfieldRo }),
];
