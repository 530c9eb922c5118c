// One database: keys, values, expiry times and LRU/LFU fields. Store functions return values or small
// statuses and never touch sockets.
//
// Layout (struct of arrays, so a key costs no object of its own, and off the V8 heap): per slot the
// address of its entry in a slab arena (store/arena.ts: u32 key length, the key's bytes, then a string
// value's bytes in RESP bulk form; a collection stays a JS object, in `colls`), its absolute expiry in
// ms (0 = none), its LRU seconds or LFU field, and its place in the dense list of volatile slots (for
// sampling keys with a TTL in O(1)). A typed-array hash index (store/hash-index.ts, seeded per process
// against hash flooding, grown and shrunk a few buckets per operation) maps a key to its slot; keys are
// compared as bytes in the arena. A key keeps its slot for as long as it exists, which is what SCAN's
// cursor walks: a key present for a whole scan is returned exactly once, also while the index grows.
// Freed slots are reused. Keys and values cross the API as latin1 strings (one char per byte).
//
// Hash-slot index (cluster mode only, off by default so a standalone key costs nothing more): per Redis
// Cluster hash slot (0..16383) the head of an intrusive doubly-linked list threaded through per-entry
// next/prev arrays, plus a count per hash slot. Add and delete stay O(1). Naming: "slot" alone is an entry
// of this keyspace's arrays; "hash slot" is a cluster slot (keySlot).
import { keySlot, keySlotBytes } from '../util/slots';
import type { Clock } from '../util/clock';
import { Arena } from './arena';
import { F64Column, SEGMENT, U32Column } from './columns';
import { HashIndex } from './hash-index';
import { hashBytes, hashString, randomSeed } from './key-hash';
import { Effects } from './effects';
import { lfuNew, lfuTouch, type LfuParams } from './lfu';
import { HashSlotLists } from './slot-lists';
import type { Collection, TypeName, Value } from './value';
import { VolatileSet } from './volatile-set';

/** Bytes charged per key on top of its key and value bytes: map entry, slot arrays, string headers. */
export const KEY_OVERHEAD_BYTES = 64;

/** Counters shared by every database of a node (INFO stats). */
export interface KeyspaceStats {
  hits: number;
  misses: number;
  expired: number;
  /** Hash fields removed because their own TTL passed (Redis 7.4's expired_subkeys). */
  expiredFields: number;
  evicted: number;
  /** Expired keys found by the active collector whose time budget ran out (INFO expired_time_cap_reached_count). */
  expireCycleCapped: number;
}

/** What the databases of a node share: the clock, the counters, memory accounting, the eviction mode. */
export interface StoreEnv {
  clock: Clock;
  stats: KeyspaceStats;
  /** Bytes held by all databases, by the node's own accounting (INFO used_memory). */
  memory: { used: number };
  /** True when the eviction policy is an LFU one: the per-key field holds LFU data instead of LRU time. */
  lfu: boolean;
  lfuParams: LfuParams;
  /** Called when a key is removed because it expired or was evicted (replication sends a DEL). */
  onRemoved?: (db: Keyspace, key: string, why: 'expired' | 'evicted') => void;
  /**
   * Called when the store changed a key by itself, outside any command, in a way a replica must repeat:
   * fields of a hash expired (argv `HDEL key field...`). Replication appends argv to the stream.
   */
  onStoreWrite?: (db: Keyspace, argv: readonly string[]) => void;
  /**
   * Replica mode: keys never expire by themselves (a read of an expired key answers as missing but leaves
   * it; expireSlot is a no-op) and nothing is evicted; only the primary's DEL removes a key.
   */
  replica: boolean;
  /**
   * A replica is applying its primary's stream (the master client's command runs): keys and hash fields
   * past their expiry on this node's clock are still live, as Redis's expireIfNeeded answers for the
   * master client, so the primary's writes apply to the value the primary saw.
   */
  fromPrimary: boolean;
  /** The running command's write effects (store/effects.ts): handlers record, replication consumes. */
  effects: Effects;
  /**
   * A key and its index hash computed ahead from the request bytes (Keyspace.prefetch): a lookup of a
   * key equal to hintKey uses hintHash instead of hashing again. Never wrong when stale: the hash is a
   * function of the key's bytes only.
   */
  hintKey: string | null;
  hintHash: number;
  /**
   * Set while clients are blocked on keys (server/blocking.ts, Redis's signalKeyAsReady): called when a
   * key comes to hold a collection (added, replaced: a push creating a list, RESTORE, RENAME, COPY,
   * MOVE), with key null when a whole database changed (SWAPDB). The server serves the blocked clients
   * after the running command; null (no blocked client) costs one comparison per added collection.
   */
  keyReady: ((db: Keyspace, key: string | null) => void) | null;
  /**
   * The LRU clock (seconds since the epoch) as the node's cron last set it, Redis's cached
   * server.lruclock: one clock read per tick instead of one per key access. -1: not kept (a node whose
   * clock is not the system clock, specs); the keyspace then reads the clock at every access.
   */
  lruClock: number;
}

export function newStoreEnv(clock: Clock): StoreEnv {
  return {
    clock,
    stats: { hits: 0, misses: 0, expired: 0, expiredFields: 0, evicted: 0, expireCycleCapped: 0 },
    memory: { used: 0 },
    lfu: false,
    lfuParams: { logFactor: 10, decayTime: 1 },
    replica: false,
    fromPrimary: false,
    effects: new Effects(),
    hintKey: null,
    hintHash: 0,
    keyReady: null,
    lruClock: -1,
  };
}

/** lookupTyped(): the key holds another type (the caller answers WRONGTYPE). */
export const WRONG_TYPE = -2;

/** Charges a value as it is now: a collection's `charged` becomes its `bytes`. Returns the bytes. */
function settle(v: Value): number {
  if (typeof v === 'string') return v.length;
  v.charged = v.bytes;
  return v.bytes;
}

/** `ttl` argument of set(): keep the key's current expiry (SET ... KEEPTTL). */
export const KEEP_TTL = -1;


/** The index's hash seed, random per process: keys that collide cannot be chosen from outside. */
const SEED = randomSeed();

/** Most keys prefetch() takes at once. */
export const PREFETCH_MAX = 64;

/**
 * A key given as bytes of a request, buf[off, off + len) (the byte fast path: no string is made). One
 * object is reused from command to command; the keyspace reads it only during the call it is passed to.
 */
export interface KeyBytes {
  buf: Buffer;
  off: number;
  len: number;
}

/**
 * A string value given as its RESP bulk form in request bytes, buf[from, to) (the byte fast path). One
 * object is reused; the keyspace copies the bytes during the call it is passed to.
 */
export class ValueBytes {
  buf: Buffer = Buffer.alloc(0);
  from = 0;
  to = 0;
}

/**
 * A string value's payload where it lies, buf[off, off + len) (Keyspace.stringView): read and written in
 * place by commands that work on a string's bytes (bitmaps, HyperLogLog). Valid until the next write to
 * the keyspace (a write may move entries).
 */
export interface StringView {
  buf: Buffer;
  off: number;
  len: number;
}

/** The bulk form of an empty string: a key made to be sized with resizeString(). */
export const EMPTY_STRING_VALUE = '$0\r\n\r\n';

/** Decimal digits of a non-negative integer. */
function digits(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

/** Copies src[from, to) to dst at `at`: a loop for short runs (a native copy costs more than it saves). */
function copyBytes(src: Buffer, from: number, to: number, dst: Buffer, at: number): void {
  if (to - from > 48) {
    src.copy(dst, at, from, to);
    return;
  }
  for (let i = from; i < to; i++) dst[at++] = src[i];
}

/** Bytes of an entry's key length field (u32) before the key. */
const KLEN = 4;

/**
 * Which keyspace the arena's and the index's callbacks serve: SWAPDB exchanges arenas and indexes
 * between two keyspaces, and their callbacks must follow.
 */
interface Home {
  db: Keyspace;
}

export class Keyspace {
  private home: Home;
  private index: HashIndex<string | KeyBytes>;
  private arena: Arena;
  /** Per slot: the address of its arena entry (never 0: it follows a header), 0 when the slot is free. */
  private addr = new F64Column();
  /** Per slot: its collection (hash, list, ...); undefined for a string or a free slot. */
  private colls: (Collection | undefined)[] = [];
  private expAt = new F64Column();
  private lru = new U32Column();
  /** The slots with a TTL. */
  private vol = new VolatileSet();
  /** Slots whose collection has parts with their own expiry (hash fields): the field collector's list. */
  private partTtl = new Set<number>();
  private free: number[] = [];
  /** Slots ever used: [0, hwm); the columns have room for [0, cap). */
  private hwm = 0;
  private cap = 0;
  /** Bytes this database holds (its share of env.memory.used). */
  usedBytes = 0;
  /** Bytes of arenas and tables dropped by flushes (see releasedBytes). */
  private dropped = 0;
  /** prefetch(): scratch, and where its reads go (so they are not optimized away). */
  private prefetchSlots = new Int32Array(PREFETCH_MAX);
  prefetchSink = 0;
  /** The hash-slot index (cluster mode), null while disabled. */
  private hs: HashSlotLists | null = null;

  constructor(
    readonly id: number,
    readonly env: StoreEnv,
  ) {
    this.home = { db: this };
    this.index = Keyspace.newIndex(this.home);
    this.arena = Keyspace.newArena(this.home);
  }

  private static newIndex(home: Home): HashIndex<string | KeyBytes> {
    return new HashIndex<string | KeyBytes>((slot, key) => home.db.keyEquals(slot, key));
  }

  private static newArena(home: Home): Arena {
    return new Arena((slot, a) => {
      home.db.addr.set(slot, a);
    });
  }

  /** Number of keys, including expired keys not yet collected (as Redis's DBSIZE). */
  get size(): number {
    return this.index.size;
  }

  /** Number of keys with a TTL. */
  get volatileCount(): number {
    return this.vol.count;
  }

  /** Upper bound of slot numbers (SCAN cursors and sampling range). */
  get slotLimit(): number {
    return this.hwm;
  }

  // ---- lookups ----

  /** The slot of key, expired or not; -1 when absent. Does not touch. */
  peek(key: string): number {
    return this.index.find(key, this.hashOf(key));
  }

  /**
   * The slot of a live key, -1 when absent. An expired key is deleted on the way (lazy expiry; a replica
   * leaves it). Updates the LRU/LFU field unless noTouch.
   */
  lookup(key: string, noTouch = false): number {
    return this.lookupIn(key, this.hashOf(key), noTouch);
  }

  /** lookup() of a key given as request bytes, with its index hash (hashBytes). */
  lookupBytes(key: KeyBytes, hash: number, noTouch = false): number {
    return this.lookupIn(key, hash, noTouch);
  }

  /** lookupRead() of a key given as request bytes. */
  lookupReadBytes(key: KeyBytes, hash: number): number {
    const s = this.lookupIn(key, hash, false);
    if (s < 0) this.env.stats.misses++;
    else this.env.stats.hits++;
    return s;
  }

  private lookupIn(key: string | KeyBytes, hash: number, noTouch: boolean): number {
    const s = this.index.find(key, hash);
    if (s < 0) return -1;
    const exp = this.expAt.get(s);
    if (exp !== 0 && exp <= this.env.clock.now() && !this.env.fromPrimary) {
      this.expireSlot(s);
      return -1;
    }
    if (!noTouch) this.touch(s);
    return s;
  }

  /**
   * The slot of a live key holding `type`; -1 when absent (expired keys as lookup()), WRONG_TYPE when it
   * holds another type. `read` counts a keyspace hit or miss (read commands), as lookupRead().
   */
  lookupTyped(key: string, type: TypeName, read: boolean): number {
    const s = read ? this.lookupRead(key) : this.lookup(key);
    if (s < 0) return -1;
    return this.typeAt(s) === type ? s : WRONG_TYPE;
  }

  /** lookupTyped() of a key given as request bytes, with its index hash (hashBytes). */
  lookupTypedBytes(key: KeyBytes, hash: number, type: TypeName, read: boolean): number {
    const s = read ? this.lookupReadBytes(key, hash) : this.lookupIn(key, hash, false);
    if (s < 0) return -1;
    return this.typeAt(s) === type ? s : WRONG_TYPE;
  }

  /** lookup() that also counts a keyspace hit or miss (read commands). */
  lookupRead(key: string): number {
    const s = this.lookup(key);
    if (s < 0) this.env.stats.misses++;
    else this.env.stats.hits++;
    return s;
  }

  /** True when key exists and has not expired (no touch, no stats). */
  exists(key: string): boolean {
    return this.lookup(key, true) >= 0;
  }

  keyAt(slot: number): string {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    return b.latin1Slice(o + KLEN, o + KLEN + b.readUInt32LE(o));
  }

  valueAt(slot: number): Value {
    const c = this.colls[slot];
    if (c !== undefined) return c;
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    return b.latin1Slice(o + KLEN + b.readUInt32LE(o), o + this.arena.sizeOf(a));
  }

  /**
   * Hands the string value in slot, in its stored bulk form, to `sink` as bytes (GET: no string is
   * built; the reply writer copies them).
   */
  writeStringValue(slot: number, sink: { rawBytes(src: Buffer, from: number, to: number): void }): void {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    sink.rawBytes(b, o + KLEN + b.readUInt32LE(o), o + this.arena.sizeOf(a));
  }

  /**
   * Points `view` at the payload of the string value in slot, in place (no copy): its bytes may be read,
   * and changed without changing the length (resizeString() changes it). Returns `view`.
   */
  stringView(slot: number, view: StringView): StringView {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    let p = o + KLEN + b.readUInt32LE(o) + 1; // after '$'
    let len = 0;
    for (let ch = b[p]; ch !== 13; ch = b[++p]) len = len * 10 + ch - 48;
    view.buf = b;
    view.off = p + 2;
    view.len = len;
    return view;
  }

  /**
   * Makes the string value in slot `len` bytes long, keeping its key, TTL and access field and its first
   * min(old, len) bytes; bytes added are zero (unless `zero` is false: then they are undefined and the
   * caller writes them). The value may move (views taken before are stale). `greedy`: it may grow again
   * (SETBIT past the end): a large one that moves gets room to grow in place, so that a string grown in
   * steps is copied a logarithmic number of times (store/arena.ts resize). Charges the difference.
   */
  resizeString(slot: number, len: number, zero = true, greedy = false): void {
    const a = this.addr.get(slot);
    let b = this.arena.buf(a);
    let o = this.arena.off(a);
    const klen = b.readUInt32LE(o);
    const size = this.arena.sizeOf(a);
    let v = o + KLEN + klen; // the bulk form's '$'
    let oldHdr = 1;
    while (b[v + oldHdr] !== 13) oldHdr++;
    oldHdr += 2; // '$', digits, CRLF
    const oldLen = size - KLEN - klen - oldHdr - 2;
    if (len === oldLen) return;
    const newHdr = digits(len) + 3;
    const newSize = KLEN + klen + newHdr + len + 2;
    const keep = Math.min(oldLen, len);
    // A shorter value: its bytes move left (when the header shrinks) before the entry is cut.
    if (len < oldLen && newHdr !== oldHdr) b.copyWithin(v + newHdr, v + oldHdr, v + oldHdr + keep);
    const na = this.arena.resize(a, newSize, slot, greedy);
    if (na !== a) {
      this.addr.set(slot, na);
      b = this.arena.buf(na);
      o = this.arena.off(na);
      v = o + KLEN + klen;
    }
    if (len > oldLen && newHdr !== oldHdr) b.copyWithin(v + newHdr, v + oldHdr, v + oldHdr + keep);
    b[v] = 36; // '$'
    b.latin1Write(String(len), v + 1);
    b[v + newHdr - 2] = 13;
    b[v + newHdr - 1] = 10;
    const end = v + newHdr + len;
    if (zero && len > oldLen) b.fill(0, v + newHdr + oldLen, end);
    b[end] = 13;
    b[end + 1] = 10;
    this.charge(newSize - size);
    this.maintain(Math.abs(newSize - size));
  }

  /** The type of the value in slot (without reading a string value). */
  typeAt(slot: number): TypeName {
    const c = this.colls[slot];
    return c === undefined ? 'string' : c.type;
  }

  /** The index hash of key (computed ahead when the request's bytes were prefetched). */
  private hashOf(key: string): number {
    const env = this.env;
    return key === env.hintKey ? env.hintHash : hashString(key, SEED);
  }

  /** The index hash of a key given as bytes (the same as for the equal latin1 string). */
  hashBytes(b: Uint8Array, off: number, len: number): number {
    return hashBytes(b, off, len, SEED);
  }

  /**
   * Touches, for a batch of keys (their hashes, hashBytes), what their lookups will read: the index
   * bucket, the key's column entry, its arena entry, one pass each, so that the cache misses of the
   * whole batch overlap instead of coming one after another as the commands run.
   */
  prefetch(hashes: Int32Array, n: number): void {
    const index = this.index;
    const slots = this.prefetchSlots;
    let sink = 0;
    for (let i = 0; i < n; i++) slots[i] = index.candidate(hashes[i]);
    for (let i = 0; i < n; i++) if (slots[i] >= 0) slots[i] = this.addr.get(slots[i]) !== 0 ? slots[i] : -1;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      if (s < 0) continue;
      const a = this.addr.get(s);
      sink += this.arena.buf(a)[this.arena.off(a)];
    }
    this.prefetchSink = sink;
  }

  /** True when the key in slot is `key` (the index's equality). */
  private keyEquals(slot: number, key: string | KeyBytes): boolean {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    let o = this.arena.off(a);
    if (typeof key !== 'string') {
      const n = key.len;
      if (b.readUInt32LE(o) !== n) return false;
      o += KLEN;
      const kb = key.buf;
      const ko = key.off;
      for (let i = 0; i < n; i++) if (b[o + i] !== kb[ko + i]) return false;
      return true;
    }
    const n = key.length;
    if (b.readUInt32LE(o) !== n) return false;
    o += KLEN;
    for (let i = 0; i < n; i++) if (b[o + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Absolute expiry of the key in slot, ms since the epoch; 0 when it has none. */
  expireAt(slot: number): number {
    return this.expAt.get(slot);
  }

  /** The raw LRU seconds or LFU field of the slot. */
  accessField(slot: number): number {
    return this.lru.get(slot);
  }

  setAccessField(slot: number, field: number): void {
    this.lru.set(slot, field);
  }

  /**
   * True when the key in slot has an expiry at or before now. (Redis keeps a key alive during its expiry
   * millisecond itself, `now > when`; here it is gone 1 ms earlier. Known, harmless, left as is.)
   */
  isExpired(slot: number, now = this.env.clock.now()): boolean {
    const exp = this.expAt.get(slot);
    return exp !== 0 && exp <= now;
  }

  // ---- writes ----

  /**
   * Sets key to value. `expireAtMs`: absolute expiry in ms, 0 for none, KEEP_TTL to keep the current one.
   * Returns the slot.
   */
  set(key: string, value: Value, expireAtMs = 0): number {
    return this.setIn(key, this.hashOf(key), value, expireAtMs);
  }

  /** set() of a key given as request bytes (with its hashBytes hash) to a string value given as bytes. */
  setBytes(key: KeyBytes, hash: number, value: ValueBytes, expireAtMs = 0): number {
    return this.setIn(key, hash, value, expireAtMs);
  }

  private setIn(key: string | KeyBytes, h: number, value: Value | ValueBytes, expireAtMs: number): number {
    const found = this.index.find(key, h);
    let s = found < 0 ? undefined : found;
    if (s !== undefined && this.expAt.get(s) !== 0 && this.isExpired(s) && !this.env.fromPrimary) {
      // An expired key is gone before the write (as Redis's lookupKeyWrite): KEEPTTL keeps nothing. A
      // replica (written only by its primary) replaces it without counting an expiry.
      if (this.env.replica) this.deleteSlot(s);
      else this.expireSlot(s);
      s = undefined;
    }
    if (s === undefined) {
      s = this.insert(key, h, value);
    } else {
      this.replaceValue(s, value);
      this.touch(s);
    }
    if (expireAtMs !== KEEP_TTL) this.setExpireAt(s, expireAtMs);
    return s;
  }

  /** Inserts a key known to be absent (not even expired). Returns its slot. */
  add(key: string, value: Value): number {
    return this.insert(key, this.hashOf(key), value);
  }

  /** add() of a key given as request bytes, with its hashBytes hash. */
  addBytes(key: KeyBytes, hash: number, value: Value): number {
    return this.insert(key, hash, value);
  }

  private insert(key: string | KeyBytes, h: number, value: Value | ValueBytes): number {
    let s: number;
    if (this.free.length > 0) s = this.free.pop() as number;
    else {
      s = this.hwm++;
      if (s >= this.cap) this.grow();
    }
    const klen = typeof key === 'string' ? key.length : key.len;
    const raw = value instanceof ValueBytes;
    const coll = typeof value === 'string' || raw ? null : value;
    const vlen = typeof value === 'string' ? value.length : raw ? value.to - value.from : 0;
    const a = this.arena.alloc(KLEN + klen + vlen, s);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    b.writeUInt32LE(klen, o);
    if (typeof key === 'string') b.latin1Write(key, o + KLEN);
    else copyBytes(key.buf, key.off, key.off + klen, b, o + KLEN);
    if (typeof value === 'string') b.latin1Write(value, o + KLEN + klen);
    else if (raw) copyBytes(value.buf, value.from, value.to, b, o + KLEN + klen);
    else this.colls[s] = value;
    this.addr.set(s, a);
    this.expAt.set(s, 0);
    this.lru.set(s, this.env.lfu ? lfuNew(this.env.clock.now()) : this.lruNow());
    this.index.insert(h, s);
    if (this.hs !== null) this.hs.link(s, typeof key === 'string' ? keySlot(key) : keySlotBytes(key.buf, key.off, klen));
    this.charge(klen + (coll === null ? vlen : settle(coll)) + KEY_OVERHEAD_BYTES);
    if (coll !== null && coll.nextExpire) this.partTtl.add(s);
    this.maintain(KLEN + klen + vlen);
    if (coll !== null && this.env.keyReady !== null) this.env.keyReady(this, typeof key === 'string' ? key : key.buf.latin1Slice(key.off, key.off + klen));
    return s;
  }

  /** Replaces the value in slot, keeping its key, TTL and access field. */
  replaceValue(slot: number, value: Value | ValueBytes): void {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    const klen = b.readUInt32LE(o);
    const size = this.arena.sizeOf(a);
    const oldColl = this.colls[slot];
    const oldBytes = oldColl === undefined ? size - KLEN - klen : oldColl.charged;
    const raw = value instanceof ValueBytes;
    const coll = typeof value === 'string' || raw ? null : value;
    const vlen = typeof value === 'string' ? value.length : raw ? value.to - value.from : 0;
    let eb = b;
    let eo = o;
    if (KLEN + klen + vlen !== size) {
      const na = this.arena.alloc(KLEN + klen + vlen, slot);
      eb = this.arena.buf(na);
      eo = this.arena.off(na);
      copyBytes(b, o, o + KLEN + klen, eb, eo);
      this.arena.free(a);
      this.addr.set(slot, na);
    } // else the same size: in place
    if (typeof value === 'string') eb.latin1Write(value, eo + KLEN + klen);
    else if (raw) copyBytes(value.buf, value.from, value.to, eb, eo + KLEN + klen);
    // (A string over a string leaves colls alone: writing undefined at a high slot would grow the array.)
    if (coll !== null) this.colls[slot] = coll;
    else if (oldColl !== undefined) this.colls[slot] = undefined;
    this.charge((coll === null ? vlen : settle(coll)) - oldBytes);
    if (coll !== null && coll.nextExpire) this.partTtl.add(slot);
    else this.partTtl.delete(slot);
    this.maintain(vlen);
    if (coll !== null && this.env.keyReady !== null) this.env.keyReady(this, this.keyAt(slot));
  }

  /** After a write: compacts about twice what was written from sparse slabs (store/arena.ts). */
  private maintain(written: number): void {
    if (this.arena.needsCompaction) this.arena.compact(2 * written + 64);
  }

  /**
   * After a command changed the collection in slot in place: charges what it grew or shrank, bumps its
   * stamp, keeps the list of keys with field expiries, and deletes the key when the collection is empty (as Redis).
   * Returns false when the key was deleted.
   */
  written(slot: number): boolean {
    const v = this.colls[slot];
    if (v === undefined) return true;
    if (v.size === 0) {
      this.deleteSlot(slot);
      return false;
    }
    this.charge(v.bytes - v.charged);
    v.charged = v.bytes;
    v.stamp++;
    if (v.nextExpire) this.partTtl.add(slot);
    else this.partTtl.delete(slot);
    return true;
  }

  /** Slots whose collection has parts with their own expiry (hash fields with a TTL). */
  slotsWithPartTtl(): ReadonlySet<number> {
    return this.partTtl;
  }

  /** Sets or clears (0) the absolute expiry of the key in slot. */
  setExpireAt(slot: number, ms: number): void {
    if (ms === 0) {
      if (this.expAt.get(slot) !== 0) this.vol.remove(slot);
      this.expAt.set(slot, 0);
      return;
    }
    if (this.expAt.get(slot) === 0) this.vol.add(slot);
    this.expAt.set(slot, ms);
  }

  /** Deletes key. Returns false when it did not exist (an expired key counts as absent but is removed). */
  delete(key: string): boolean {
    return this.deleteIn(key, this.hashOf(key));
  }

  /** delete() of a key given as request bytes, with its hashBytes hash. */
  deleteBytes(key: KeyBytes, hash: number): boolean {
    return this.deleteIn(key, hash);
  }

  private deleteIn(key: string | KeyBytes, hash: number): boolean {
    const s = this.index.find(key, hash);
    if (s < 0) return false;
    if (this.isExpired(s) && !this.env.fromPrimary) {
      // Counted and propagated as an expiry, not a deletion; a replica (its primary's DEL) just removes it.
      if (this.env.replica) this.deleteSlot(s);
      else this.expireSlot(s);
      return false;
    }
    this.deleteSlot(s);
    return true;
  }

  /** Removes the key in slot. */
  deleteSlot(slot: number): void {
    const a = this.addr.get(slot);
    const b = this.arena.buf(a);
    const o = this.arena.off(a);
    const klen = b.readUInt32LE(o);
    this.index.remove(hashBytes(b, o + KLEN, klen, SEED), slot);
    const c = this.colls[slot];
    const vbytes = c === undefined ? this.arena.sizeOf(a) - KLEN - klen : c.charged;
    this.charge(-(klen + vbytes + KEY_OVERHEAD_BYTES));
    if (c !== undefined) {
      this.partTtl.delete(slot);
      this.colls[slot] = undefined;
    }
    if (this.expAt.get(slot) !== 0) this.vol.remove(slot);
    if (this.hs !== null) this.hs.unlink(slot);
    this.arena.free(a);
    this.addr.set(slot, 0);
    this.expAt.set(slot, 0);
    this.free.push(slot);
  }

  /** Removes an expired key: counts it and tells the replication hook. A no-op on a replica. */
  expireSlot(slot: number): void {
    if (this.env.replica) return;
    const key = this.keyAt(slot);
    this.deleteSlot(slot);
    this.env.stats.expired++;
    this.env.onRemoved?.(this, key, 'expired');
  }

  /** Removes a key chosen by eviction. A no-op on a replica. */
  evictSlot(slot: number): void {
    if (this.env.replica) return;
    const key = this.keyAt(slot);
    this.deleteSlot(slot);
    this.env.stats.evicted++;
    this.env.onRemoved?.(this, key, 'evicted');
  }

  /** Removes every key. Returns how many there were. */
  flush(): number {
    const n = this.index.size;
    this.charge(-this.usedBytes);
    // New ones: the old slabs and tables go back to the system at the next garbage collection.
    const f = this.memoryFigures();
    this.dropped += this.arena.released + f.active;
    this.index = Keyspace.newIndex(this.home);
    this.arena = Keyspace.newArena(this.home);
    this.addr = new F64Column();
    this.colls = [];
    this.expAt = new F64Column();
    this.lru = new U32Column();
    this.vol = new VolatileSet();
    this.partTtl = new Set();
    this.free = [];
    this.hwm = 0;
    this.cap = 0;
    if (this.hs !== null) this.hs = new HashSlotLists();
    return n;
  }

  /** Exchanges the contents of two databases (SWAPDB). */
  swapWith(other: Keyspace): void {
    // The hash-slot index travels with the data (enabled or not).
    const fields = [
      'home', 'index', 'arena', 'addr', 'colls', 'expAt', 'lru', 'vol', 'partTtl', 'free', 'hwm', 'cap', 'usedBytes', 'hs',
    ] as const;
    for (const f of fields) {
      const mine = this[f as keyof this];
      (this as Record<string, unknown>)[f] = other[f as keyof Keyspace];
      (other as unknown as Record<string, unknown>)[f] = mine;
    }
    // The arenas' and indexes' callbacks follow their data.
    this.home.db = this;
    other.home.db = other;
    if (this.env.keyReady !== null) {
      this.env.keyReady(this, null);
      this.env.keyReady(other, null);
    }
  }

  // ---- memory upkeep ----

  /**
   * Background upkeep (the node's cron): moves up to about `budget` bytes out of sparse slabs (so memory
   * freed by deletes goes back to the system) and takes a few steps of an index resize under way.
   */
  housekeep(budget: number): void {
    if (this.arena.needsCompaction) this.arena.compact(budget);
    this.index.step(64);
  }

  /**
   * Bytes of slabs and tables this keyspace let go of so far, ever growing: they go back to the system
   * when the garbage collector frees them, which the node's idle reclaimer makes happen (server/reclaim.ts).
   */
  get releasedBytes(): number {
    return this.dropped + this.arena.released;
  }

  /** MEMORY PURGE: compacts every sparse slab now. */
  compactAll(): void {
    this.arena.compactAll();
  }

  /**
   * Bytes this keyspace holds off the V8 heap: `allocated` = live arena entries + index and per-slot
   * tables, `active` = arena slabs held + the same tables (INFO's allocator_* figures).
   */
  memoryFigures(): { allocated: number; active: number } {
    let tables = this.index.bytes + this.addr.byteLength + this.expAt.byteLength + this.lru.byteLength;
    tables += this.vol.byteLength + 8 * this.colls.length + (this.hs === null ? 0 : this.hs.byteLength);
    return { allocated: this.arena.allocated + tables, active: this.arena.active + tables };
  }

  // ---- hash-slot index (cluster mode) ----

  /** True once enableSlotIndex() ran (and after a flush, which keeps it). */
  get slotIndexEnabled(): boolean {
    return this.hs !== null;
  }

  /** Turns the hash-slot index on, indexing the keys already present (O(keys)). No-op when on. */
  enableSlotIndex(): void {
    if (this.hs !== null) return;
    const lists = new HashSlotLists();
    lists.ensure(this.cap);
    for (let s = 0; s < this.hwm; s++) if (this.addr.get(s) !== 0) lists.link(s, keySlot(this.keyAt(s)));
    this.hs = lists;
  }

  /** Keys in hash slot `hs`, expired-not-yet-collected included (CLUSTER COUNTKEYSINSLOT); 0 when the index is off. */
  countKeysInSlot(hs: number): number {
    return this.hs === null ? 0 : this.hs.count(hs);
  }

  /** Up to `count` keys of hash slot `hs`, expired ones included, most recently added first (CLUSTER GETKEYSINSLOT). */
  keysInSlot(hs: number, count: number): string[] {
    const out: string[] = [];
    const lists = this.hs;
    if (lists === null) return out;
    for (let s = lists.first(hs); s >= 0 && out.length < count; s = lists.after(s)) out.push(this.keyAt(s));
    return out;
  }

  /** Removes every key of hash slot `hs` (no expired/evicted counting, no onRemoved). Returns how many. */
  deleteKeysInSlot(hs: number): number {
    const lists = this.hs;
    if (lists === null) return 0;
    let n = 0;
    for (let s = lists.first(hs); s >= 0; s = lists.first(hs)) {
      this.deleteSlot(s);
      n++;
    }
    return n;
  }

  // ---- iteration and sampling ----

  /** True when slot holds a key (expired or not). */
  occupied(slot: number): boolean {
    return slot < this.hwm && this.addr.get(slot) !== 0;
  }

  /**
   * Visits occupied slots from `cursor` on, until `count` keys were visited or 10*count slots looked at.
   * Returns the next cursor, 0 when the walk reached the end.
   */
  scan(cursor: number, count: number, visit: (slot: number) => void): number {
    let seen = 0;
    const maxSteps = Math.max(count * 10, 100);
    let s = cursor;
    for (let steps = 0; s < this.hwm && seen < count && steps < maxSteps; s++, steps++) {
      if (this.addr.get(s) !== 0) {
        visit(s);
        seen++;
      }
    }
    return s >= this.hwm ? 0 : s;
  }

  /** A random occupied slot (expired or not), -1 when empty. */
  randomSlot(): number {
    if (this.index.size === 0) return -1;
    for (;;) {
      const s = Math.floor(Math.random() * this.hwm);
      if (this.addr.get(s) !== 0) return s;
    }
  }

  /** A random slot among keys with a TTL, -1 when none. */
  randomVolatileSlot(): number {
    return this.vol.random();
  }

  /** Every live key, in slot order (KEYS). Expired keys met on the way are collected (not on a replica). */
  forEachLive(visit: (slot: number) => void): void {
    const now = this.env.clock.now();
    for (let s = 0; s < this.hwm; s++) {
      if (this.addr.get(s) === 0) continue;
      if (this.isExpired(s, now)) this.expireSlot(s);
      else visit(s);
    }
  }

  // ---- internals ----

  /** Marks an access for LRU/LFU. */
  touch(slot: number): void {
    this.lru.set(slot, this.env.lfu ? lfuTouch(this.lru.get(slot), this.env.clock.now(), this.env.lfuParams) : this.lruNow());
  }

  /** The LRU clock: seconds since the epoch (StoreEnv.lruClock when the node keeps it). */
  lruNow(): number {
    const cached = this.env.lruClock;
    return cached >= 0 ? cached : Math.floor(this.env.clock.now() / 1000);
  }

  private charge(bytes: number): void {
    this.usedBytes += bytes;
    this.env.memory.used += bytes;
  }

  /** Room for SEGMENT more slots in every column (a new segment each: nothing is copied). */
  private grow(): void {
    this.cap += SEGMENT;
    this.addr.ensure(this.cap);
    this.expAt.ensure(this.cap);
    this.lru.ensure(this.cap);
    this.vol.ensure(this.cap);
    this.hs?.ensure(this.cap);
  }
}
