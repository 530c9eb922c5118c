// List values (Redis's t_list.c + quicklist.c as data): a deque of chunks, each chunk one Buffer holding
// its elements packed as bytes, so that a list of a million elements is a few hundred JS objects, not a
// million strings, and pushes and pops at either end are O(1).
//
// Chunk layout: bytes [start, end) of `buf` hold the elements in order, each as
//   [length, LEB128 forwards][the element's bytes][length, LEB128 mirrored: readable backwards]
// so the first element is read from `start` and the last from `end`; room is kept on both sides so that
// pushes at either end write in place (the buffer grows by doubling, bounded by the chunk's limit).
//
// Chunk boundaries follow Redis's quicklist rules, so OBJECT ENCODING answers as Redis 7.2 does: each
// chunk tracks `lp`, the byte size Redis's listpack would have for its elements (listpack.c's entry
// encoding: small integers in 2..10 bytes, strings with a 1, 2 or 5 byte header and a backlen), and a push
// opens a new chunk exactly when quicklist's _quicklistNodeAllowInsert would open a new node
// (list-max-listpack-size: a negative fill limits a node's listpack bytes to 4/8/16/32/64 KB, a positive
// one its element count). A small list is 'listpack': one chunk, converted to 'quicklist' when a write
// would pass the limit, and back once it shrinks to one chunk under half the limit (listTypeTryConversion).
// Pushes, pops, trims and range deletions split and drop chunks as quicklist does; an insert or LSET that
// overflows a chunk splits it at that point (quicklist's split-and-merge is not mirrored node for node,
// so after LINSERT/LSET on long lists the 'listpack' <-> 'quicklist' threshold may be met a little earlier
// or later than Redis's).
//
// Elements cross the API as latin1 strings (one char per byte), as keys and values do everywhere in the
// store; LRANGE-style readers visit (buf, from, to) byte ranges and copy them to the reply without strings.
//
// Memory: `bytes` is LIST_BASE_BYTES + 8 per ring cell + Σ (CHUNK_OVERHEAD_BYTES + the chunk buffer's
// capacity), kept current by every mutator. list-compress-depth is accepted but nothing is compressed.
import type { Collection } from './value';

/** Bytes charged per list value on top of its chunks: the object and its ring array, empty. */
export const LIST_BASE_BYTES = 96;
/** Bytes charged per chunk on top of its buffer: the chunk object, the Buffer and its backing store (measured ~330). */
export const CHUNK_OVERHEAD_BYTES = 320;
/** quicklist.c optimization_level: a node's listpack byte limit for fill -1 .. -5. */
const SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c SIZE_SAFETY_LIMIT: with a count fill, a node's listpack stays under this many bytes. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD: added to an element's length when checking whether a node takes it. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** listpack.c LP_HDR_SIZE + the EOF byte: an empty listpack's bytes. */
const LP_EMPTY_BYTES = 7;
/** Smallest chunk buffer, bytes. */
const MIN_CAP = 32;
/** Strings up to this long are copied by a JS loop (a native call costs more). */
const SHORT = 24;
/** A sealed chunk (a neighbour was opened next to it) is trimmed when it wastes more than this share of its used bytes. */
const TRIM_SHARE = 8;

/** The node limits of a fill (quicklistNodeLimit): listpack bytes and element count; Infinity for none. */
export function nodeLimits(fill: number): { size: number; count: number } {
  if (fill >= 0) return { size: Infinity, count: fill === 0 ? 1 : fill };
  const level = Math.min(-fill - 1, SIZE_LEVELS.length - 1);
  return { size: SIZE_LEVELS[level], count: Infinity };
}

/** quicklistNodeExceedsLimit: a node (or listpack) of `size` listpack bytes and `count` elements is too big for `fill`. */
export function exceedsLimit(fill: number, size: number, count: number): boolean {
  const lim = nodeLimits(fill);
  if (lim.size !== Infinity) return size > lim.size;
  if (size > SIZE_SAFETY_LIMIT) return true;
  return count > lim.count;
}

// ---- byte helpers ----

/** Bytes of a LEB128 length. */
function hdrSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

/** Bytes an element of `len` bytes takes in a chunk. */
function recordSize(len: number): number {
  return len + 2 * hdrSize(len);
}

/** Writes n as LEB128 at `at` (low 7 bits first); returns the offset after it. */
function writeFwd(b: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    b[at++] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  b[at++] = n;
  return at;
}

/** Writes n mirrored so that it reads backwards from `end` (the byte before `end` holds the low 7 bits). */
function writeBack(b: Buffer, end: number, n: number): void {
  let at = end - 1;
  while (n >= 0x80) {
    b[at--] = (n % 0x80) | 0x80;
    n = Math.floor(n / 0x80);
  }
  b[at] = n;
}

/** The LEB128 length at `at`. */
function readFwd(b: Buffer, at: number): number {
  let v = b[at];
  if (v < 0x80) return v;
  v &= 0x7f;
  let mul = 0x80;
  for (;;) {
    const x = b[++at];
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 0x80;
  }
}

/** The mirrored length that ends at `end`. */
function readBack(b: Buffer, end: number): number {
  let at = end - 1;
  let v = b[at];
  if (v < 0x80) return v;
  v &= 0x7f;
  let mul = 0x80;
  for (;;) {
    const x = b[--at];
    v += (x & 0x7f) * mul;
    if (x < 0x80) return v;
    mul *= 0x80;
  }
}

/** Writes one element record for latin1 string s at `at`; returns the offset after it. */
function writeRecord(b: Buffer, at: number, s: string): number {
  const n = s.length;
  at = writeFwd(b, at, n);
  if (n <= SHORT) for (let i = 0; i < n; i++) b[at + i] = s.charCodeAt(i);
  else b.latin1Write(s, at);
  at += n;
  const h = hdrSize(n);
  writeBack(b, at + h, n);
  return at + h;
}

/** writeRecord() of the element src[from, from + n) (request bytes). */
function writeRecordBytes(b: Buffer, at: number, src: Buffer, from: number, n: number): number {
  at = writeFwd(b, at, n);
  if (n <= SHORT) for (let i = 0; i < n; i++) b[at + i] = src[from + i];
  else src.copy(b, at, from, from + n);
  at += n;
  const h = hdrSize(n);
  writeBack(b, at + h, n);
  return at + h;
}

/** Bytes 0..9 as character codes (lpStringToInt64 reads digits). */
const D0 = 48;
const D9 = 57;
const MINUS = 45;

/**
 * Bytes of one listpack entry for the element in b[from, to) (listpack.c lpEncodeGetType + backlen): an
 * element lpStringToInt64 accepts is stored as an integer of 1..9 bytes, any other as a string.
 */
export function lpEntryBytes(b: Buffer, from: number, to: number): number {
  const len = to - from;
  let enc = -1;
  if (len > 0 && len < 21) enc = intEncodingBytes(b, from, to);
  if (enc < 0) enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return enc + (enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5);
}

/** listpack's integer encoding size for b[from, to) when lpStringToInt64 accepts it, else -1. */
function intEncodingBytes(b: Buffer, from: number, to: number): number {
  const len = to - from;
  if (len === 1 && b[from] === D0) return 1;
  let p = from;
  const neg = b[p] === MINUS;
  if (neg) p++;
  if (p >= to || b[p] < D0 + 1 || b[p] > D9) return -1;
  for (let i = p + 1; i < to; i++) if (b[i] < D0 || b[i] > D9) return -1;
  const digits = to - p;
  if (digits > 19) return -1;
  if (digits === 19) {
    const lim = neg ? '9223372036854775808' : '9223372036854775807';
    for (let i = 0; i < 19; i++) {
      const d = b[p + i] - D0 - (lim.charCodeAt(i) - D0);
      if (d < 0) break;
      if (d > 0) return -1;
    }
    return 9;
  }
  if (digits > 15) return 9;
  let v = 0;
  for (let i = p; i < to; i++) v = v * 10 + (b[i] - D0);
  if (neg) v = -v;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

// ---- chunks ----

class Chunk {
  /** Listpack bytes Redis would use for these elements (LP_EMPTY_BYTES + Σ entries). */
  lp = LP_EMPTY_BYTES;
  count = 0;
  constructor(
    public buf: Buffer,
    public start: number,
    public end: number,
  ) {}
}

/** A byte range visitor: the element is buf[from, to); return false to stop. */
export type ElementVisitor = (buf: Buffer, from: number, to: number) => boolean | void;

export class ListValue implements Collection {
  readonly type = 'list' as const;
  bytes = LIST_BASE_BYTES;
  charged = 0;
  stamp = 0;
  /** Ring of chunks: chunk k (0 = head) is ring[(head + k) & (ring.length - 1)]. */
  private ring: (Chunk | undefined)[] = [];
  private head = 0;
  private nchunks = 0;
  private len = 0;
  /** Σ chunk buffer capacities. */
  private cap = 0;
  /** 'listpack' (one chunk, converted by the limits) or 'quicklist'. */
  private lpEncoded = true;
  /**
   * The fill the list had when it became a quicklist (quicklistSetOptions at conversion): its chunk
   * boundaries follow it, as a quicklist keeps its fill when list-max-listpack-size changes later.
   */
  private qlFill = -2;
  /**
   * Built by RESTORE (appendNode): Redis's loader applies LIST_CONV_AUTO with the node's configuration;
   * here the first write or OBJECT ENCODING does, with list-max-listpack-size as it is then.
   */
  private autoPending = false;

  get size(): number {
    return this.len;
  }

  /** Number of chunks (quicklist nodes). */
  get chunks(): number {
    return this.nchunks;
  }

  /** True while the list is 'listpack'-encoded. */
  get isListpack(): boolean {
    return this.lpEncoded;
  }

  encoding(config?: { num(name: string): number }): string {
    if (this.autoPending && config !== undefined) this.shrinking(config.num('list-max-listpack-size'), false);
    return this.lpEncoded ? 'listpack' : 'quicklist';
  }

  // ---- conversions (t_list.c listTypeTryConversion*) ----

  /**
   * Before adding `addCount` elements of `addBytes` raw bytes (listTypeTryConversionAppend): a listpack
   * that would pass the fill's limit becomes a quicklist (its one chunk the first node).
   */
  growing(fill: number, addBytes: number, addCount: number): void {
    if (this.autoPending) this.shrinking(fill, false);
    if (!this.lpEncoded) return;
    const lp = this.nchunks === 0 ? LP_EMPTY_BYTES : this.chunk(0).lp;
    if (exceedsLimit(fill, lp + addBytes, this.len + addCount)) this.toQuicklist(fill);
  }

  private toQuicklist(fill: number): void {
    this.lpEncoded = false;
    this.qlFill = fill;
  }

  /**
   * After removing elements (LIST_CONV_SHRINKING; `shrinking` false: LIST_CONV_AUTO): a quicklist of one
   * chunk under half the limits (the whole limits for AUTO) becomes a listpack; with AUTO, a listpack
   * over the limits becomes a quicklist.
   */
  shrinking(fill: number, shrinking = true): void {
    if (this.autoPending) {
      this.autoPending = false;
      this.qlFill = fill;
      if (shrinking) this.shrinking(fill, false);
    }
    if (this.lpEncoded) {
      if (!shrinking && this.nchunks > 0 && exceedsLimit(fill, this.chunk(0).lp, this.len)) this.toQuicklist(fill);
      return;
    }
    if (this.nchunks !== 1) return;
    const lim = nodeLimits(fill);
    const div = shrinking ? 2 : 1;
    const c = this.chunk(0);
    if (c.lp > Math.floor(lim.size / div) || c.count > Math.floor(lim.count / div)) return;
    this.lpEncoded = true;
  }

  // ---- reads ----

  private chunk(k: number): Chunk {
    return this.ring[(this.head + k) & (this.ring.length - 1)] as Chunk;
  }

  /** The element at index i (0 <= i < size) as a latin1 string. */
  get(i: number): string {
    let out = '';
    this.visit(i, 1, false, (b, from, to) => {
      out = b.latin1Slice(from, to);
    });
    return out;
  }

  /** Every element, head to tail (specs, DUMP). */
  toArray(): string[] {
    const out: string[] = [];
    this.visit(0, this.len, false, (b, from, to) => {
      out.push(b.latin1Slice(from, to));
    });
    return out;
  }

  /**
   * Visits `count` elements from index `start` (0 <= start < size) towards the tail, or with `reverse`
   * towards the head, as byte ranges; stops early when the visitor returns false. Returns how many
   * elements were visited.
   */
  visit(start: number, count: number, reverse: boolean, fn: ElementVisitor): number {
    if (count <= 0 || start < 0 || start >= this.len) return 0;
    let [k, at] = this.locate(start);
    let seen = 0;
    while (seen < count) {
      const c = this.chunk(k);
      const b = c.buf;
      if (!reverse) {
        while (at < c.end && seen < count) {
          const n = readFwd(b, at);
          const from = at + hdrSize(n);
          at = from + n + hdrSize(n);
          seen++;
          if (fn(b, from, from + n) === false) return seen;
        }
        if (++k >= this.nchunks) break;
        at = this.chunk(k).start;
      } else {
        // `at` is the start of the element to visit first; walk backwards from its end.
        let end = at === -1 ? c.end : at + recordSize(readFwd(b, at));
        while (end > c.start && seen < count) {
          const n = readBack(b, end);
          const to = end - hdrSize(n);
          const from = to - n;
          end = from - hdrSize(n);
          seen++;
          if (fn(b, from, to) === false) return seen;
        }
        if (--k < 0) break;
        at = -1;
      }
    }
    return seen;
  }

  /** Chunk number and byte offset (record start) of element i (0 <= i < size), walking from the nearer end. */
  private locate(i: number): [number, number] {
    let k: number;
    let idx: number;
    if (i < this.len / 2) {
      k = 0;
      idx = i;
      while (idx >= this.chunk(k).count) idx -= this.chunk(k++).count;
    } else {
      k = this.nchunks - 1;
      idx = this.len - 1 - i; // from the tail of the list
      while (idx >= this.chunk(k).count) idx -= this.chunk(k--).count;
      idx = this.chunk(k).count - 1 - idx;
    }
    return [k, this.offsetIn(this.chunk(k), idx)];
  }

  /** Byte offset of the record of element idx of chunk c (0 <= idx <= count: count gives c.end). */
  private offsetIn(c: Chunk, idx: number): number {
    const b = c.buf;
    if (idx <= c.count / 2) {
      let at = c.start;
      for (let j = 0; j < idx; j++) at += recordSize(readFwd(b, at));
      return at;
    }
    let at = c.end;
    for (let j = c.count; j > idx; j--) at -= recordSize(readBack(b, at));
    return at;
  }

  // ---- pushes and pops ----

  /** Pushes at the head (LPUSH); the caller ran growing() first. */
  pushHead(s: string): void {
    const c = this.headRoom(s.length);
    c.start -= recordSize(s.length);
    writeRecord(c.buf, c.start, s);
    this.added(c, c.start);
  }

  /** pushHead() of the element src[from, from + len) (request bytes: the byte fast path). */
  pushHeadBytes(src: Buffer, from: number, len: number): void {
    const c = this.headRoom(len);
    c.start -= recordSize(len);
    writeRecordBytes(c.buf, c.start, src, from, len);
    this.added(c, c.start);
  }

  /** Pushes at the tail (RPUSH); the caller ran growing() first. */
  pushTail(s: string): void {
    const c = this.tailRoom(s.length);
    const at = c.end;
    c.end = writeRecord(c.buf, at, s);
    this.added(c, at);
  }

  /** pushTail() of the element src[from, from + len) (request bytes: the byte fast path). */
  pushTailBytes(src: Buffer, from: number, len: number): void {
    const c = this.tailRoom(len);
    const at = c.end;
    c.end = writeRecordBytes(c.buf, at, src, from, len);
    this.added(c, at);
  }

  /** The head chunk with room before its start for an element of `len` bytes (a new one when full). */
  private headRoom(len: number): Chunk {
    let c = this.nchunks === 0 ? null : this.chunk(0);
    if (c === null || (!this.lpEncoded && !this.allowInsert(c, len))) {
      if (c !== null) this.seal(c);
      c = this.newChunk(recordSize(len), true);
      this.ringUnshift(c);
    }
    const need = recordSize(len);
    if (c.start < need) this.makeRoom(c, need, true);
    return c;
  }

  /** The tail chunk with room after its end for an element of `len` bytes (a new one when full). */
  private tailRoom(len: number): Chunk {
    let c = this.nchunks === 0 ? null : this.chunk(this.nchunks - 1);
    if (c === null || (!this.lpEncoded && !this.allowInsert(c, len))) {
      if (c !== null) this.seal(c);
      c = this.newChunk(recordSize(len), false);
      this.ringPush(c);
    }
    const need = recordSize(len);
    if (c.buf.length - c.end < need) this.makeRoom(c, need, false);
    return c;
  }

  /** Removes and returns the head element, undefined when empty. */
  popHead(): string | undefined {
    if (this.len === 0) return undefined;
    const c = this.chunk(0);
    const b = c.buf;
    const n = readFwd(b, c.start);
    const from = c.start + hdrSize(n);
    const s = b.latin1Slice(from, from + n);
    c.lp -= lpEntryBytes(b, from, from + n);
    c.start = from + n + hdrSize(n);
    this.removedFrom(c, 0, 1);
    return s;
  }

  /** Removes and returns the tail element, undefined when empty. */
  popTail(): string | undefined {
    if (this.len === 0) return undefined;
    const k = this.nchunks - 1;
    const c = this.chunk(k);
    const b = c.buf;
    const n = readBack(b, c.end);
    const to = c.end - hdrSize(n);
    const s = b.latin1Slice(to - n, to);
    c.lp -= lpEntryBytes(b, to - n, to);
    c.end = to - n - hdrSize(n);
    this.removedFrom(c, k, 1);
    return s;
  }

  // ---- edits in the middle ----

  /** Replaces element i (0 <= i < size) with s (LSET); a chunk it overfills is split before it. */
  set(i: number, s: string): void {
    const [k, at0] = this.locate(i);
    const c = this.chunk(k);
    const b = c.buf;
    const n = readFwd(b, at0);
    const from = at0 + hdrSize(n);
    c.lp -= lpEntryBytes(b, from, from + n);
    const at = this.splice(c, at0, at0 + recordSize(n), s);
    c.count--; // splice counted one more
    this.len--;
    if (!this.lpEncoded && c.count > 1 && exceedsLimit(this.qlFill, c.lp, c.count)) this.splitAt(k, this.indexInChunk(c, at));
  }

  /**
   * Inserts s before element i (0 <= i <= size; size appends) (LINSERT). A chunk that would pass the
   * limit takes it at its edge into the neighbour when that has room, else is split at that point.
   */
  insert(i: number, s: string): void {
    if (i >= this.len) return this.pushTail(s);
    if (i === 0) return this.pushHead(s);
    let [k, at] = this.locate(i);
    let c = this.chunk(k);
    if (!this.lpEncoded && !this.allowInsert(c, s.length)) {
      if (at === c.start && k > 0 && this.allowInsert(this.chunk(k - 1), s.length)) {
        // Before the first element of c: at the tail of the previous chunk.
        const p = this.chunk(k - 1);
        this.splice(p, p.end, p.end, s);
        return;
      }
      const idx = this.indexInChunk(c, at);
      const nc = this.newChunk(recordSize(s.length), false);
      if (idx > 0) {
        this.splitAt(k, idx);
        k++;
      }
      this.ringInsert(k, nc);
      c = nc;
      at = nc.end;
    }
    this.splice(c, at, at, s);
  }

  /** Removes `count` elements from index start (0 <= start, start + count <= size). */
  removeRange(start: number, count: number): void {
    if (count <= 0) return;
    if (start === 0 && count === this.len) return this.clear();
    let [k, at] = this.locate(start);
    let left = count;
    while (left > 0) {
      const c = this.chunk(k);
      const b = c.buf;
      let end = at;
      let n = 0;
      while (end < c.end && n < left) {
        const l = readFwd(b, end);
        const from = end + hdrSize(l);
        c.lp -= lpEntryBytes(b, from, from + l);
        end = from + l + hdrSize(l);
        n++;
      }
      if (at === c.start) c.start = end;
      else if (end === c.end) c.end = at;
      else {
        b.copyWithin(at, end, c.end);
        c.end -= end - at;
      }
      left -= n;
      const gone = this.removedFrom(c, k, n);
      if (!gone) k++;
      if (left > 0) at = this.chunk(k).start;
    }
  }

  /**
   * Removes elements equal to `needle` (LREM): count > 0 the first count from the head, count < 0 the
   * last -count from the tail, 0 every one. Returns how many were removed.
   */
  removeMatching(needle: string, count: number): number {
    const nb = Buffer.from(needle, 'latin1');
    const limit = count === 0 ? Infinity : Math.abs(count);
    let removed = 0;
    if (count >= 0) {
      for (let k = 0; k < this.nchunks && removed < limit; ) {
        const r = this.filterChunk(k, nb, limit - removed, false);
        removed += r.removed;
        if (!r.gone) k++;
      }
    } else {
      for (let k = this.nchunks - 1; k >= 0 && removed < limit; k--) {
        removed += this.filterChunk(k, nb, limit - removed, true).removed;
      }
    }
    return removed;
  }

  /** LREM within chunk k: drops up to `max` elements equal to nb, from the chunk's tail when fromTail. */
  private filterChunk(k: number, nb: Buffer, max: number, fromTail: boolean): { removed: number; gone: boolean } {
    const c = this.chunk(k);
    const b = c.buf;
    // Record starts of the matches, in the chosen direction, at most max.
    const hits: number[] = [];
    if (!fromTail) {
      for (let at = c.start; at < c.end && hits.length < max; ) {
        const n = readFwd(b, at);
        const from = at + hdrSize(n);
        if (equalBytes(b, from, n, nb)) hits.push(at);
        at = from + n + hdrSize(n);
      }
    } else {
      for (let end = c.end; end > c.start && hits.length < max; ) {
        const n = readBack(b, end);
        const to = end - hdrSize(n);
        const start = to - n - hdrSize(n);
        if (equalBytes(b, to - n, n, nb)) hits.push(start);
        end = start;
      }
      hits.reverse();
    }
    if (hits.length === 0) return { removed: 0, gone: false };
    // Compact: copy the runs between hits over them.
    let w = hits[0];
    for (let h = 0; h < hits.length; h++) {
      const at = hits[h];
      const n = readFwd(b, at);
      const from = at + hdrSize(n);
      c.lp -= lpEntryBytes(b, from, from + n);
      const next = from + n + hdrSize(n);
      const runEnd = h + 1 < hits.length ? hits[h + 1] : c.end;
      if (runEnd > next) {
        b.copyWithin(w, next, runEnd);
        w += runEnd - next;
      }
    }
    c.end = w;
    const gone = this.removedFrom(c, k, hits.length);
    return { removed: hits.length, gone };
  }

  /** Removes every element. */
  clear(): void {
    this.ring = [];
    this.head = 0;
    this.nchunks = 0;
    this.len = 0;
    this.cap = 0;
    this.lpEncoded = true;
    this.account();
  }

  /** A copy with the same elements, chunk boundaries and encoding (COPY). */
  clone(): ListValue {
    const l = new ListValue();
    l.lpEncoded = this.lpEncoded;
    l.qlFill = this.qlFill;
    l.autoPending = this.autoPending;
    for (let k = 0; k < this.nchunks; k++) {
      const c = this.chunk(k);
      const used = c.end - c.start;
      const buf = Buffer.allocUnsafeSlow(Math.max(MIN_CAP, used));
      c.buf.copy(buf, 0, c.start, c.end);
      const nc = new Chunk(buf, 0, used);
      nc.count = c.count;
      nc.lp = c.lp;
      l.ringPush(nc);
      l.cap += buf.length;
    }
    l.len = this.len;
    l.account();
    return l;
  }

  /**
   * Appends the elements of one node as a chunk of its own (RESTORE: a node of the payload becomes a
   * chunk, as Redis's RDB loader keeps the quicklist's nodes). The first write or look at the encoding
   * then converts it as Redis's loader does (LIST_CONV_AUTO) with the configuration of that moment.
   */
  appendNode(elements: readonly string[]): void {
    if (elements.length === 0) return;
    let need = 0;
    for (const s of elements) need += recordSize(s.length);
    const c = this.newChunk(need, false);
    this.ringPush(c);
    for (const s of elements) {
      const at = c.end;
      c.end = writeRecord(c.buf, at, s);
      this.added(c, at);
    }
    this.lpEncoded = false;
    this.autoPending = true;
  }

  /** The element counts of the chunks, head first (DUMP writes them as the payload's nodes). */
  nodeCounts(): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.nchunks; k++) out.push(this.chunk(k).count);
    return out;
  }

  /**
   * Checks the structure against itself (specs): chunk counts and listpack sizes recomputed from the
   * bytes, the length, the capacity sum, `bytes`, no empty chunk, one chunk while 'listpack'. Throws on
   * the first mismatch.
   */
  checkInvariants(): void {
    let len = 0;
    let cap = 0;
    for (let k = 0; k < this.nchunks; k++) {
      const c = this.chunk(k);
      let n = 0;
      let lp = LP_EMPTY_BYTES;
      let at = c.start;
      while (at < c.end) {
        const l = readFwd(c.buf, at);
        const from = at + hdrSize(l);
        if (readBack(c.buf, from + l + hdrSize(l)) !== l) throw new Error(`chunk ${k}: backward length differs at ${at}`);
        lp += lpEntryBytes(c.buf, from, from + l);
        at = from + l + hdrSize(l);
        n++;
      }
      if (at !== c.end) throw new Error(`chunk ${k}: records overrun the end`);
      if (n !== c.count || n === 0) throw new Error(`chunk ${k}: count ${c.count}, has ${n}`);
      if (lp !== c.lp) throw new Error(`chunk ${k}: lp ${c.lp}, recomputed ${lp}`);
      if (c.start < 0 || c.end > c.buf.length) throw new Error(`chunk ${k}: bounds`);
      len += n;
      cap += c.buf.length;
    }
    if (len !== this.len) throw new Error(`length ${this.len}, counted ${len}`);
    if (cap !== this.cap) throw new Error(`capacity ${this.cap}, counted ${cap}`);
    if (this.lpEncoded && this.nchunks > 1) throw new Error('listpack with several chunks');
    const bytes = LIST_BASE_BYTES + 8 * this.ring.length + this.nchunks * CHUNK_OVERHEAD_BYTES + cap;
    if (bytes !== this.bytes) throw new Error(`bytes ${this.bytes}, recomputed ${bytes}`);
  }

  // ---- internals ----

  /** _quicklistNodeAllowInsert: chunk c takes one more element of `len` bytes under the quicklist's fill. */
  private allowInsert(c: Chunk, len: number): boolean {
    return !exceedsLimit(this.qlFill, c.lp + len + SIZE_ESTIMATE_OVERHEAD, c.count + 1);
  }

  /** After a record was written at b[from, to) of c: counts it. */
  private added(c: Chunk, from: number): void {
    const b = c.buf;
    const n = readFwd(b, from);
    const s = from + hdrSize(n);
    c.lp += lpEntryBytes(b, s, s + n);
    c.count++;
    this.len++;
  }

  /**
   * After `n` elements left chunk c (number k): counts them, drops the chunk when it emptied (returns
   * true), shrinks a buffer left mostly empty.
   */
  private removedFrom(c: Chunk, k: number, n: number): boolean {
    c.count -= n;
    this.len -= n;
    if (c.count === 0) {
      this.ringRemove(k);
      this.cap -= c.buf.length;
      this.account();
      return true;
    }
    const used = c.end - c.start;
    if (c.buf.length > 256 && used < c.buf.length / 4) this.realloc(c, used * 2, (used * 2 - used) >> 1);
    return false;
  }

  /**
   * Replaces bytes [at, delEnd) of chunk c with the record of s (counted as one added element). Returns
   * where the record was written (the content may have moved).
   */
  private splice(c: Chunk, at: number, delEnd: number, s: string): number {
    const rec = recordSize(s.length);
    const grow = rec - (delEnd - at);
    if (grow > 0 && c.buf.length - c.end < grow) {
      const off = at - c.start;
      const dOff = delEnd - c.start;
      this.makeRoom(c, grow, false);
      at = c.start + off;
      delEnd = c.start + dOff;
    }
    if (grow !== 0) c.buf.copyWithin(delEnd + grow, delEnd, c.end);
    c.end += grow;
    writeRecord(c.buf, at, s);
    this.added(c, at);
    return at;
  }

  /** Which element of chunk c starts at byte `at`. */
  private indexInChunk(c: Chunk, at: number): number {
    let idx = 0;
    for (let p = c.start; p < at; idx++) p += recordSize(readFwd(c.buf, p));
    return idx;
  }

  /** Splits chunk k before its element idx (0 < idx < count): elements idx.. move to a new chunk after it. */
  private splitAt(k: number, idx: number): void {
    const c = this.chunk(k);
    if (idx <= 0 || idx >= c.count) return;
    const at = this.offsetIn(c, idx);
    const used = c.end - at;
    const nc = this.newChunk(used, false);
    c.buf.copy(nc.buf, 0, at, c.end);
    nc.end = used;
    let lp = 0;
    for (let p = 0; p < used; ) {
      const n = readFwd(nc.buf, p);
      const from = p + hdrSize(n);
      lp += lpEntryBytes(nc.buf, from, from + n);
      p = from + n + hdrSize(n);
    }
    nc.lp += lp;
    nc.count = c.count - idx;
    c.lp -= lp;
    c.count = idx;
    c.end = at;
    this.ringInsert(k + 1, nc);
  }

  /** A new empty chunk with room for `need` bytes; `atHead`: the room is before its (empty) content. */
  private newChunk(need: number, atHead: boolean): Chunk {
    const cap = Math.max(MIN_CAP, need);
    const at = atHead ? cap : 0;
    const c = new Chunk(Buffer.allocUnsafeSlow(cap), at, at);
    this.cap += cap;
    this.account();
    return c;
  }

  /** Room for `need` more bytes before c.start (head) or after c.end: moves or grows the buffer. */
  private makeRoom(c: Chunk, need: number, head: boolean): void {
    const used = c.end - c.start;
    const want = used + need;
    const cap = c.buf.length;
    if (want * 2 <= cap) {
      // Enough room in all: centre the content, leaving at least `need` on the side asked for.
      const spare = cap - want;
      const start = head ? need + (spare >> 1) : spare >> 1;
      c.buf.copyWithin(start, c.start, c.end);
      c.start = start;
      c.end = start + used;
      return;
    }
    const ncap = Math.max(MIN_CAP, want * 2);
    const spare = ncap - want;
    this.realloc(c, ncap, head ? need + (spare >> 2) : spare >> 2);
  }

  /** Moves c's content into a new buffer of `ncap` bytes, starting at `start`. */
  private realloc(c: Chunk, ncap: number, start: number): void {
    const used = c.end - c.start;
    const nb = Buffer.allocUnsafeSlow(Math.max(MIN_CAP, ncap));
    c.buf.copy(nb, start, c.start, c.end);
    this.cap += nb.length - c.buf.length;
    c.buf = nb;
    c.start = start;
    c.end = start + used;
    this.account();
  }

  /** A chunk no push will grow any more (a neighbour opened beside it): trims its buffer when it wastes much. */
  private seal(c: Chunk): void {
    const used = c.end - c.start;
    if (c.buf.length - used > Math.max(64, used / TRIM_SHARE)) this.realloc(c, used, 0);
  }

  private account(): void {
    this.bytes = LIST_BASE_BYTES + 8 * this.ring.length + this.nchunks * CHUNK_OVERHEAD_BYTES + this.cap;
  }

  private growRing(): void {
    const old = this.ring;
    const n = Math.max(4, old.length * 2);
    const ring: (Chunk | undefined)[] = new Array(n);
    for (let k = 0; k < this.nchunks; k++) ring[k] = old[(this.head + k) & (old.length - 1)];
    this.ring = ring;
    this.head = 0;
    this.account();
  }

  private ringPush(c: Chunk): void {
    if (this.nchunks === this.ring.length) this.growRing();
    this.ring[(this.head + this.nchunks) & (this.ring.length - 1)] = c;
    this.nchunks++;
    this.account();
  }

  private ringUnshift(c: Chunk): void {
    if (this.nchunks === this.ring.length) this.growRing();
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = c;
    this.nchunks++;
    this.account();
  }

  /** Inserts c as chunk number k (shifting the later ones). */
  private ringInsert(k: number, c: Chunk): void {
    if (k === this.nchunks) return this.ringPush(c);
    if (k === 0) return this.ringUnshift(c);
    if (this.nchunks === this.ring.length) this.growRing();
    const mask = this.ring.length - 1;
    for (let j = this.nchunks; j > k; j--) this.ring[(this.head + j) & mask] = this.ring[(this.head + j - 1) & mask];
    this.ring[(this.head + k) & mask] = c;
    this.nchunks++;
    this.account();
  }

  /** Removes chunk number k. */
  private ringRemove(k: number): void {
    const mask = this.ring.length - 1;
    if (k === 0) {
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) & mask;
    } else {
      for (let j = k; j < this.nchunks - 1; j++) this.ring[(this.head + j) & mask] = this.ring[(this.head + j + 1) & mask];
      this.ring[(this.head + this.nchunks - 1) & mask] = undefined;
    }
    this.nchunks--;
    if (this.nchunks === 0) {
      this.ring = [];
      this.head = 0;
    }
  }
}

/** True when b[from, from + n) equals needle. */
function equalBytes(b: Buffer, from: number, n: number, needle: Buffer): boolean {
  if (n !== needle.length) return false;
  if (n > SHORT) return b.compare(needle, 0, n, from, from + n) === 0;
  for (let i = 0; i < n; i++) if (b[from + i] !== needle[i]) return false;
  return true;
}

/** True when the element b[from, to) equals needle (LPOS, LINSERT's pivot). */
export function elementEquals(b: Buffer, from: number, to: number, needle: Buffer): boolean {
  return equalBytes(b, from, to - from, needle);
}
