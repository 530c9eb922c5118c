// The keyspace's key -> slot index, off the V8 heap: open addressing in one Int32Array, no JS Map, no
// object per key, no allocation per operation.
//
// Layout: bucket i is t[2i] = the key's 32-bit hash (key-hash.ts, as an int32) and t[2i+1] = slot + 1
// (0 = empty), so a probe reads hash and slot from the same cache line (8 buckets per 64-byte line). The
// keys themselves are not stored: the keyspace holds them per slot and answers equals(slot, key); the
// stored hash is compared first, so equals() runs about once per successful find and almost never on a
// miss. Capacity is a power of two, the home bucket is hash & mask, probing is linear, and a deletion
// shifts the following entries of the run back (no tombstones in the live table).
//
// Load: at most MAX_LOAD = 0.7. Linear probing costs about (1 + 1/(1-a))/2 buckets for a hit and
// (1 + 1/(1-a)^2)/2 for a miss: 2.2 and 6.1 at 0.7, one or two cache lines either way, while the table
// costs 8 / a bytes per key: 11.4 just before a growth, 22.9 just after.
//
// Resizing is incremental, never a full rehash at once (one over 10M keys would stall every client):
// when an insert would pass the limit, a table of twice the capacity becomes the live table and the old
// one is kept until a cursor has walked it, STEP buckets per find / insert / remove (and step(n) from an
// idle timer). Old buckets are copied in index order and never cleared, so every probe run of the old
// table stays intact; an old entry at a position below the cursor has been copied and is ignored. While
// both tables exist, inserts go to the new table, finds look in the new table then the old one, and a
// remove of an entry not yet copied marks it with a tombstone in the old table (it is thrown away soon).
// Shrinking is the same walk into a table of half the capacity, started by a remove that leaves fewer
// than capacity/8 entries (down to the initial capacity), or by step() on such a table; clear() returns to
// the initial capacity at once.
//
// Why the new table cannot fill up before the walk ends (no second resize can start during one): each
// operation copies STEP = 8 old buckets, so a walk over C old buckets takes at most C/8 operations, hence
// at most C/8 more entries. Growth starts at 0.7C entries into a table of 2C (limit 1.4C): at most 0.825C
// at the end. Shrinking starts below C/8 into a table of C/2 (limit 0.35C): at most C/4 at the end.
// insert() still finishes a walk at once if that bound ever failed, rather than probe a full table.

/** Most entries per bucket, on average, before the table grows. */
export const MAX_LOAD = 0.7;
/** Old buckets copied per find / insert / remove while a resize is under way. */
export const STEP = 8;
/** A remove leaving fewer than capacity / SHRINK_BELOW entries starts shrinking (above the initial capacity). */
export const SHRINK_BELOW = 8;
/** Smallest capacity, in buckets. */
const MIN_CAPACITY = 4;
/** Marks an entry removed from the old table before its bucket was copied (old table only). */
const TOMB = -1;

function roundCapacity(n: number): number {
  let c = MIN_CAPACITY;
  while (c < n) c *= 2;
  return c;
}

export class HashIndex<K = string> {
  /** Live table: [2i] hash, [2i+1] slot + 1 (0 = empty). */
  private t: Int32Array;
  private mask: number;
  /** Entries in t, and the most it may hold. */
  private count = 0;
  private limit: number;
  /** The table being emptied into t during a resize, else null; its buckets below `cursor` are copied. */
  private old: Int32Array | null = null;
  private oldMask = 0;
  private cursor = 0;
  /** Entries in both tables (an old entry below the cursor is counted once, in t). */
  private live = 0;
  private readonly initialCapacity: number;
  /** For specs: the most old buckets one find / insert / remove has copied (step(n) not counted). */
  maxBucketsPerOp = 0;
  /** For specs: how many resizes have started (grow, shrink). */
  grows = 0;
  shrinks = 0;

  /**
   * equals(slot, key): whether the key held at slot is key. The keyspace owns the keys; the index only
   * stores their hashes and slots. initialCapacity: buckets (rounded up to a power of two, at least 4).
   */
  constructor(private readonly equals: (slot: number, key: K) => boolean, initialCapacity = 1024) {
    this.initialCapacity = roundCapacity(initialCapacity);
    this.t = new Int32Array(2 * this.initialCapacity);
    this.mask = this.initialCapacity - 1;
    this.limit = Math.floor(this.initialCapacity * MAX_LOAD);
  }

  get size(): number {
    return this.live;
  }

  /** Buckets of the live table. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the typed arrays (both tables while resizing), for used_memory accounting. */
  get bytes(): number {
    return this.t.byteLength + (this.old === null ? 0 : this.old.byteLength);
  }

  /** For specs: true while two tables exist. */
  get resizing(): boolean {
    return this.old !== null;
  }

  /** The slot of key (hash = hashString(key, seed), computed by the caller), -1 when absent. */
  find(key: K, hash: number): number {
    if (this.old !== null) this.advance();
    const t = this.t;
    const mask = this.mask;
    const h = hash | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = t[2 * i + 1];
      if (s === 0) break;
      if (t[2 * i] === h && this.equals(s - 1, key)) return s - 1;
    }
    return this.old === null ? -1 : this.findOld(key, h);
  }

  /**
   * The slot of the first entry of the live table with this hash (its key unchecked), -1 when none:
   * the keyspace touches what a lookup will read next, for a batch of keys at once (prefetch). Reads
   * only; never moves a resize along.
   */
  candidate(hash: number): number {
    const t = this.t;
    const mask = this.mask;
    const h = hash | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = t[2 * i + 1];
      if (s === 0) return -1;
      if (t[2 * i] === h) return s - 1;
    }
  }

  /** Inserts a key known to be absent, with its hash and slot. */
  insert(hash: number, slot: number): void {
    if (this.old !== null) {
      this.advance();
      // Unreachable by the bound in the header; finishing the walk beats probing a full table.
      if (this.old !== null && this.count >= this.limit) this.advance(this.oldMask + 1);
    }
    if (this.old === null && this.count >= this.limit) {
      this.begin(2 * (this.mask + 1));
      this.grows++;
      this.advance();
    }
    this.place(hash | 0, slot + 1);
    this.count++;
    this.live++;
  }

  /** Removes the entry of slot, whose key hashed to hash; false when there is none. */
  remove(hash: number, slot: number): boolean {
    if (this.old !== null) this.advance();
    const h = hash | 0;
    const i = this.locate(h, slot + 1);
    if (i >= 0) {
      this.deleteAt(i);
      this.count--;
    } else {
      const j = this.locateOld(h, slot + 1);
      if (j < 0) return false;
      this.old![2 * j + 1] = TOMB;
    }
    this.live--;
    if (this.old === null && this.sparse()) {
      this.beginShrink();
      this.advance();
    }
    return true;
  }

  /** The entry of slot `from` (key hash `hash`) now says slot `to` (the key moved); false when absent. */
  relocate(hash: number, from: number, to: number): boolean {
    const h = hash | 0;
    const i = this.locate(h, from + 1);
    if (i >= 0) {
      this.t[2 * i + 1] = to + 1;
      return true;
    }
    const j = this.locateOld(h, from + 1);
    if (j < 0) return false;
    this.old![2 * j + 1] = to + 1;
    return true;
  }

  /** Empties the index and returns to the initial capacity. */
  clear(): void {
    this.t = new Int32Array(2 * this.initialCapacity);
    this.mask = this.initialCapacity - 1;
    this.limit = Math.floor(this.initialCapacity * MAX_LOAD);
    this.old = null;
    this.count = 0;
    this.live = 0;
  }

  /**
   * An idle timer's share of resizing: copies up to n old buckets if a resize is under way, or starts the
   * shrink a sparse table is due (a resize only starts in insert / remove otherwise, so after a mass delete
   * memory returns without further traffic; a finished shrink that leaves the table still sparse starts
   * the next). True while resizing work remains.
   */
  step(n: number): boolean {
    if (this.old === null && this.sparse()) this.beginShrink();
    if (this.old !== null) {
      this.copy(n);
      if (this.old === null && this.sparse()) this.beginShrink();
    }
    return this.old !== null;
  }

  /**
   * For specs: the longest distance of an entry of the live table from its home bucket (a miss on its
   * run reads that many buckets and more). Scans the whole table.
   */
  maxDisplacement(): number {
    const t = this.t;
    const mask = this.mask;
    let max = 0;
    for (let i = 0; i <= mask; i++) {
      if (t[2 * i + 1] !== 0) max = Math.max(max, (i - (t[2 * i] & mask)) & mask);
    }
    return max;
  }

  /** The old table's part of find(): entries below the cursor and tombstones are skipped. */
  private findOld(key: K, h: number): number {
    const o = this.old!;
    const mask = this.oldMask;
    const cursor = this.cursor;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = o[2 * i + 1];
      if (s === 0) return -1;
      if (s > 0 && i >= cursor && o[2 * i] === h && this.equals(s - 1, key)) return s - 1;
    }
  }

  /** The bucket of the live table holding (h, s1 = slot + 1), or -1. */
  private locate(h: number, s1: number): number {
    const t = this.t;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = t[2 * i + 1];
      if (s === 0) return -1;
      if (s === s1 && t[2 * i] === h) return i;
    }
  }

  /** The bucket of the old table holding (h, s1) and not yet copied, or -1 (also when there is no old table). */
  private locateOld(h: number, s1: number): number {
    const o = this.old;
    if (o === null) return -1;
    const mask = this.oldMask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = o[2 * i + 1];
      if (s === 0) return -1;
      if (s === s1 && i >= this.cursor && o[2 * i] === h) return i;
    }
  }

  /** Writes (h, s1) into the first empty bucket of its run in the live table. */
  private place(h: number, s1: number): void {
    const t = this.t;
    const mask = this.mask;
    let i = h & mask;
    while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
    t[2 * i] = h;
    t[2 * i + 1] = s1;
  }

  /**
   * Empties bucket i of the live table by backward shift: each later entry of the run moves into the hole
   * unless its home bucket lies cyclically in (hole, its position], where the hole would hide it.
   */
  private deleteAt(i: number): void {
    const t = this.t;
    const mask = this.mask;
    for (let j = (i + 1) & mask; ; j = (j + 1) & mask) {
      const s = t[2 * j + 1];
      if (s === 0) break;
      const home = t[2 * j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        t[2 * i] = t[2 * j];
        t[2 * i + 1] = s;
        i = j;
      }
    }
    t[2 * i] = 0;
    t[2 * i + 1] = 0;
  }

  /** Fewer than capacity / SHRINK_BELOW entries, above the initial capacity (with no resize under way). */
  private sparse(): boolean {
    const cap = this.mask + 1;
    return this.live * SHRINK_BELOW < cap && cap > this.initialCapacity;
  }

  private beginShrink(): void {
    this.begin((this.mask + 1) / 2);
    this.shrinks++;
  }

  /** Starts a resize: the live table becomes the old one, a table of cap buckets the live one. */
  private begin(cap: number): void {
    this.old = this.t;
    this.oldMask = this.mask;
    this.cursor = 0;
    this.t = new Int32Array(2 * cap);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * MAX_LOAD);
    this.count = 0;
  }

  /** One operation's share of the walk (n buckets: STEP, or all of them in the unreachable case). */
  private advance(n = STEP): void {
    const copied = this.copy(n);
    if (copied > this.maxBucketsPerOp) this.maxBucketsPerOp = copied;
  }

  /** Copies the next n old buckets (live entries only) into the live table; drops the old table at the end. */
  private copy(n: number): number {
    const o = this.old!;
    const start = this.cursor;
    const end = Math.min(start + n, this.oldMask + 1);
    for (let i = start; i < end; i++) {
      const s = o[2 * i + 1];
      if (s > 0) {
        this.place(o[2 * i], s);
        this.count++;
      }
    }
    this.cursor = end;
    if (end > this.oldMask) this.old = null;
    return end - start;
  }
}
