// Hash values (Redis's t_hash.c as data): fields and values are byte strings (latin1), one absolute
// expiry per field for the hashes that have any (Redis 7.4 hash-field expiration).
//
// Layout: a Map from field to entry number, and per entry its field, its value and (only once some field
// of this hash got a TTL) its expiry. Entries are visited in entry-number order, which is what HGETALL,
// HSCAN and DUMP show:
// - small hashes (the ones Redis keeps in a listpack) append new fields and leave a hole where a field
//   was deleted, compacting the holes away now and then: the order is insertion order, as a listpack's;
// - large hashes ('hashtable', sticky as in Redis) reuse holes and never compact, so an entry number is
//   stable while the field exists, and HSCAN's cursor (an entry number) returns every field present for
//   the whole scan exactly once, whatever is added or removed meanwhile.
//
// Expiry: a field whose expiry is at or before `now` is invisible to every read method at once (they take
// `now`); removing it is the caller's job (collectExpired: the command layer's lazy expiry and the active
// collector, which propagate HDEL; a replica only hides). `nextExpire` is the earliest field expiry, kept
// by a binary min-heap of (expiry, entry) pairs with lazy deletion: a pair is live while its entry still
// has that expiry; dead pairs are dropped when they reach the top, and the heap is rebuilt when they
// outnumber the live ones.
//
// Memory: `bytes` is exactly HASH_BASE_BYTES + Σ (field bytes + value bytes + FIELD_OVERHEAD_BYTES) +
// FIELD_TTL_BYTES per field with a TTL: a model of what the structures cost, kept current by every mutator.
import type { Collection } from './value';

/** Bytes charged per hash value on top of its fields: the object, its Map and arrays, empty. */
export const HASH_BASE_BYTES = 96;
/** Bytes charged per field on top of its field and value bytes: Map entry, array cells, string headers. */
export const FIELD_OVERHEAD_BYTES = 48;
/** Bytes charged per field with a TTL: its expiry cell and its heap pair. */
export const FIELD_TTL_BYTES = 16;
/**
 * Most fields one hash holds (V8's Map holds at most 2^24 entries); HSET and friends answer an error
 * beyond it instead of throwing.
 */
export const HASH_MAX_FIELDS = 16_000_000;
/** A small hash compacts its holes once there are more than this many and more holes than fields. */
const MIN_HOLES_TO_COMPACT = 8;

/** fieldExpiry(): no such field (or it has expired). */
export const NO_FIELD = -2;
/** fieldExpiry(): the field has no TTL. */
export const NO_TTL = -1;

export class HashValue implements Collection {
  readonly type = 'hash' as const;
  bytes = HASH_BASE_BYTES;
  charged = 0;
  stamp = 0;
  /** Earliest field expiry in ms since the epoch (expired-not-collected ones included); 0: no field has a TTL. */
  nextExpire = 0;
  /** Field -> entry number. */
  private index = new Map<string, number>();
  /** Per entry: its field (undefined: a hole) and value. */
  private fields: (string | undefined)[] = [];
  private vals: string[] = [];
  /** Per entry: absolute expiry in ms, 0 none; null while no field of this hash ever had a TTL. */
  private exp: number[] | null = null;
  /** Holes reusable by new fields (large hashes only). */
  private free: number[] = [];
  private ttlCount = 0;
  private heapAt: number[] = [];
  private heapEntry: number[] = [];
  /** 'hashtable': set for good once the hash outgrew the listpack limits. */
  private big = false;
  /** Some field had a TTL while small ('listpackex', sticky as Redis's). */
  private hadTtl = false;
  /** Longest field or value written since the last encoding check, bytes. */
  private longest = 0;
  /**
   * A write has applied the listpack limits at least once (convertIfNeeded). Until then (a hash just
   * restored from a DUMP payload or a snapshot) the first look at its encoding applies them, as Redis
   * converts a hash when it loads it; after, only writes do, as Redis (HSET converts, HGET and HDEL never).
   */
  private limitsApplied = false;

  /** Fields, expired-not-collected ones included. */
  get size(): number {
    return this.index.size;
  }

  /** Fields with a TTL, expired-not-collected ones included. */
  get volatileSize(): number {
    return this.ttlCount;
  }

  /** True once the hash is 'hashtable'-encoded (HSCAN then pages by cursor). */
  get isLarge(): boolean {
    return this.big;
  }

  /** Fields alive at `now`. */
  liveSize(now: number): number {
    if (this.nextExpire === 0 || this.nextExpire > now) return this.index.size;
    let dead = 0;
    const exp = this.exp as number[];
    for (let i = 0; i < this.heapAt.length; i++) {
      const at = this.heapAt[i];
      const e = this.heapEntry[i];
      if (at <= now && exp[e] === at && this.fields[e] !== undefined) dead++;
    }
    return this.index.size - dead;
  }

  // ---- reads ----

  /** Entry number of a field alive at `now`, -1 when absent or expired. */
  find(field: string, now: number): number {
    const e = this.index.get(field);
    if (e === undefined) return -1;
    if (this.exp !== null) {
      const at = this.exp[e];
      if (at !== 0 && at <= now) return -1;
    }
    return e;
  }

  /** The value of a field alive at `now`; undefined when absent or expired. */
  get(field: string, now: number): string | undefined {
    const e = this.find(field, now);
    return e < 0 ? undefined : this.vals[e];
  }

  has(field: string, now: number): boolean {
    return this.find(field, now) >= 0;
  }

  fieldAt(entry: number): string {
    return this.fields[entry] as string;
  }

  valueAt(entry: number): string {
    return this.vals[entry];
  }

  /** Absolute expiry of an entry in ms, 0 when it has none. */
  expiryAt(entry: number): number {
    return this.exp === null ? 0 : this.exp[entry];
  }

  /** A field's expiry: NO_FIELD when absent or expired at `now`, NO_TTL without one, else ms since the epoch. */
  fieldExpiry(field: string, now: number): number {
    const e = this.find(field, now);
    if (e < 0) return NO_FIELD;
    const at = this.expiryAt(e);
    return at === 0 ? NO_TTL : at;
  }

  /** Visits the entries alive at `now` in order (insertion order while small). */
  forEach(now: number, visit: (entry: number) => void): void {
    const exp = this.nextExpire !== 0 && this.nextExpire <= now ? this.exp : null;
    const fields = this.fields;
    for (let e = 0; e < fields.length; e++) {
      if (fields[e] === undefined) continue;
      if (exp !== null && exp[e] !== 0 && exp[e] <= now) continue;
      visit(e);
    }
  }

  /** Visits every entry, expired ones included, with its expiry (0 none): DUMP. */
  forEachRaw(visit: (field: string, value: string, expireAt: number) => void): void {
    for (let e = 0; e < this.fields.length; e++) {
      const f = this.fields[e];
      if (f !== undefined) visit(f, this.vals[e], this.expiryAt(e));
    }
  }

  /**
   * forEachRaw a piece at a time (DUMP in pieces): visits the entries from entry number `start` on until
   * the visitor returns false (after that entry); returns the entry number to go on from, -1 when none is
   * left. Entry numbers hold while the hash is not written.
   */
  forEachRawFrom(start: number, visit: (field: string, value: string, expireAt: number) => boolean): number {
    const fields = this.fields;
    let e = start;
    while (e < fields.length) {
      const f = fields[e];
      const go = f === undefined || visit(f, this.vals[e], this.expiryAt(e));
      e++;
      if (!go) break;
    }
    while (e < fields.length && fields[e] === undefined) e++;
    return e < fields.length ? e : -1;
  }

  /**
   * HSCAN's walk: visits entries alive at `now` from entry `cursor` on, until `count` entries were
   * visited or 10*count entry numbers were looked at; returns the next cursor, 0 at the end. A small
   * hash is visited whole in one call, whatever the cursor and count (as Redis does with a listpack).
   */
  scan(cursor: number, count: number, now: number, visit: (entry: number) => void): number {
    if (!this.big) {
      this.forEach(now, visit);
      return 0;
    }
    const fields = this.fields;
    const exp = this.exp;
    const maxSteps = Math.max(count * 10, 100);
    let seen = 0;
    let e = cursor;
    for (let steps = 0; e < fields.length && seen < count && steps < maxSteps; e++, steps++) {
      if (fields[e] === undefined) continue;
      if (exp !== null && exp[e] !== 0 && exp[e] <= now) continue;
      visit(e);
      seen++;
    }
    return e >= fields.length ? 0 : e;
  }

  /**
   * Entry numbers of random fields alive at `now` (HRANDFIELD). unique: min(count, live) distinct
   * entries (all of them, in order, when count >= live); else exactly `count` draws with repetition
   * (none when the hash has no live field).
   */
  sample(count: number, unique: boolean, now: number): number[] {
    const live: number[] = [];
    const sparse = this.fields.length > 4 * this.index.size + 16;
    const anyExpired = this.nextExpire !== 0 && this.nextExpire <= now;
    const out: number[] = [];
    if (!unique) {
      if (sparse || anyExpired) {
        this.forEach(now, (e) => live.push(e));
        if (live.length === 0) return out;
        for (let i = 0; i < count; i++) out.push(live[Math.floor(Math.random() * live.length)]);
        return out;
      }
      if (this.index.size === 0) return out;
      for (let i = 0; i < count; i++) out.push(this.randomEntry());
      return out;
    }
    const size = anyExpired ? this.liveSize(now) : this.index.size;
    if (count >= size) {
      this.forEach(now, (e) => out.push(e));
      return out;
    }
    if (count * 3 > size || sparse || anyExpired) {
      // Drop random entries from the whole list until count remain (Redis's CASE 3).
      this.forEach(now, (e) => live.push(e));
      let n = live.length;
      while (n > count) {
        const i = Math.floor(Math.random() * n);
        live[i] = live[--n];
      }
      live.length = count;
      return live;
    }
    // Few of many: draw until count distinct (Redis's CASE 4).
    const picked = new Set<number>();
    while (picked.size < count) {
      const e = this.randomEntry();
      if (!picked.has(e)) {
        picked.add(e);
        out.push(e);
      }
    }
    return out;
  }

  /** A uniformly random entry of a non-empty hash that is not sparse (no expiry check). */
  private randomEntry(): number {
    for (;;) {
      const e = Math.floor(Math.random() * this.fields.length);
      if (this.fields[e] !== undefined) return e;
    }
  }

  // ---- writes ----

  /**
   * Sets a field's value (HSET): a new field, or one expired at `now`, is created without a TTL; an
   * existing one loses its TTL unless keepTtl (HINCRBY, HINCRBYFLOAT). Returns true when the field was
   * created (absent or expired before).
   */
  set(field: string, value: string, now: number, keepTtl = false): boolean {
    let e = this.index.get(field);
    if (field.length > this.longest) this.longest = field.length;
    if (value.length > this.longest) this.longest = value.length;
    if (e !== undefined) {
      let created = false;
      if (this.exp !== null && this.exp[e] !== 0) {
        const expired = this.exp[e] <= now;
        if (expired || !keepTtl) this.clearTtl(e);
        created = expired;
      }
      this.bytes += value.length - this.vals[e].length;
      this.vals[e] = value;
      return created;
    }
    e = this.big ? this.takeHole() : -1;
    if (e >= 0) {
      this.fields[e] = field;
      this.vals[e] = value;
      if (this.exp !== null) this.exp[e] = 0;
    } else {
      e = this.fields.length;
      this.fields.push(field);
      this.vals.push(value);
      if (this.exp !== null) this.exp.push(0);
    }
    this.index.set(field, e);
    this.bytes += field.length + value.length + FIELD_OVERHEAD_BYTES;
    return true;
  }

  /** Removes a field. Returns true when it existed and was alive at `now` (HDEL's count). */
  delete(field: string, now: number): boolean {
    const e = this.index.get(field);
    if (e === undefined) return false;
    const alive = this.exp === null || this.exp[e] === 0 || this.exp[e] > now;
    this.removeEntry(e);
    return alive;
  }

  /**
   * Sets (at > 0) or removes (at = 0) the expiry of an existing entry, absolute ms. The caller checked
   * the field is alive and NX/XX/GT/LT allow it.
   */
  setExpiry(entry: number, at: number): void {
    if (at === 0) {
      if (this.exp !== null && this.exp[entry] !== 0) this.clearTtl(entry);
      return;
    }
    if (this.exp === null) this.exp = new Array<number>(this.fields.length).fill(0);
    if (this.exp[entry] === 0) {
      this.ttlCount++;
      this.bytes += FIELD_TTL_BYTES;
    }
    this.exp[entry] = at;
    if (!this.big) this.hadTtl = true;
    this.heapPush(at, entry);
    this.settleHeap();
  }

  /**
   * Removes fields expired at `now`, earliest first, at most `max` of them, calling onField for each
   * after its removal. Returns how many it removed.
   */
  collectExpired(now: number, max: number, onField: (field: string) => void): number {
    let n = 0;
    while (n < max && this.nextExpire !== 0 && this.nextExpire <= now) {
      const e = this.heapEntry[0];
      const field = this.fields[e] as string;
      this.removeEntry(e);
      n++;
      onField(field);
    }
    return n;
  }

  /**
   * Applies the listpack limits (hash-max-listpack-entries, hash-max-listpack-value, bytes) after a
   * write: a hash with more fields, or that was written a longer field or value, becomes 'hashtable'
   * for good.
   */
  convertIfNeeded(maxEntries: number, maxValueBytes: number): void {
    if (!this.big && (this.index.size > maxEntries || this.longest > maxValueBytes)) {
      this.compact();
      this.big = true;
    }
    this.longest = 0;
    this.limitsApplied = true;
  }

  /**
   * The encoding Redis would report: listpack, listpackex (small, with field TTLs) or hashtable. The
   * limits of `config` apply here only to a hash no write has checked yet (see limitsApplied).
   */
  encoding(config: { num(name: string): number }): string {
    if (!this.limitsApplied) this.convertIfNeeded(config.num('hash-max-listpack-entries'), config.num('hash-max-listpack-value'));
    return this.big ? 'hashtable' : this.hadTtl ? 'listpackex' : 'listpack';
  }

  clone(): HashValue {
    const h = new HashValue();
    h.big = this.big;
    h.hadTtl = this.hadTtl;
    h.longest = this.longest;
    h.limitsApplied = this.limitsApplied;
    if (this.big) {
      // Keep entry numbers (a hashtable's order).
      h.index = new Map(this.index);
      h.fields = this.fields.slice();
      h.vals = this.vals.slice();
      h.free = this.free.slice();
      h.exp = this.exp === null ? null : this.exp.slice();
      h.ttlCount = this.ttlCount;
      h.heapAt = this.heapAt.slice();
      h.heapEntry = this.heapEntry.slice();
      h.nextExpire = this.nextExpire;
      h.bytes = this.bytes;
      return h;
    }
    this.forEachRaw((f, v, at) => {
      h.set(f, v, 0);
      if (at !== 0) h.setExpiry(h.index.get(f) as number, at);
    });
    return h;
  }

  // ---- internals ----

  private removeEntry(e: number): void {
    const field = this.fields[e] as string;
    if (this.exp !== null && this.exp[e] !== 0) this.clearTtl(e);
    this.index.delete(field);
    this.bytes -= field.length + this.vals[e].length + FIELD_OVERHEAD_BYTES;
    this.fields[e] = undefined;
    this.vals[e] = '';
    if (this.big) {
      if (e === this.fields.length - 1) this.trimTail();
      else this.free.push(e);
    } else {
      if (e === this.fields.length - 1) this.trimTail();
      const holes = this.fields.length - this.index.size;
      if (holes > MIN_HOLES_TO_COMPACT && holes > this.index.size) this.compact();
    }
  }

  /** Drops trailing holes (their numbers stay in the free list until takeHole() skips them). */
  private trimTail(): void {
    const fields = this.fields;
    let n = fields.length;
    while (n > 0 && fields[n - 1] === undefined) n--;
    fields.length = n;
    this.vals.length = n;
    if (this.exp !== null) this.exp.length = n;
  }

  /** A reusable hole below the end, -1 when none. */
  private takeHole(): number {
    const free = this.free;
    while (free.length > 0) {
      const e = free.pop() as number;
      if (e < this.fields.length && this.fields[e] === undefined) return e;
    }
    return -1;
  }

  private clearTtl(e: number): void {
    const exp = this.exp as number[];
    exp[e] = 0;
    this.ttlCount--;
    this.bytes -= FIELD_TTL_BYTES;
    this.settleHeap();
  }

  /** Renumbers the entries without holes, keeping their order; rebuilds the heap. */
  private compact(): void {
    const fields: string[] = [];
    const vals: string[] = [];
    const exp: number[] | null = this.exp === null ? null : [];
    for (let e = 0; e < this.fields.length; e++) {
      const f = this.fields[e];
      if (f === undefined) continue;
      this.index.set(f, fields.length);
      fields.push(f);
      vals.push(this.vals[e]);
      if (exp !== null) exp.push((this.exp as number[])[e]);
    }
    this.fields = fields;
    this.vals = vals;
    this.exp = exp;
    this.free = [];
    this.rebuildHeap();
  }

  /** True when heap pair i still describes its entry. */
  private pairLive(i: number): boolean {
    const e = this.heapEntry[i];
    return this.fields[e] !== undefined && (this.exp as number[])[e] === this.heapAt[i];
  }

  /** Drops dead pairs from the top, rebuilds when they dominate, and sets nextExpire. */
  private settleHeap(): void {
    if (this.ttlCount === 0) {
      this.heapAt.length = 0;
      this.heapEntry.length = 0;
      this.nextExpire = 0;
      return;
    }
    if (this.heapAt.length > 2 * this.ttlCount + 16) this.rebuildHeap();
    while (!this.pairLive(0)) this.heapPop();
    this.nextExpire = this.heapAt[0];
  }

  private rebuildHeap(): void {
    this.heapAt = [];
    this.heapEntry = [];
    const exp = this.exp;
    if (exp !== null) {
      for (let e = 0; e < this.fields.length; e++) {
        if (this.fields[e] !== undefined && exp[e] !== 0) this.heapPush(exp[e], e);
      }
    }
    this.nextExpire = this.heapAt.length > 0 ? this.heapAt[0] : 0;
  }

  private heapPush(at: number, e: number): void {
    const A = this.heapAt;
    const E = this.heapEntry;
    let i = A.length;
    A.push(at);
    E.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (A[p] <= at) break;
      A[i] = A[p];
      E[i] = E[p];
      i = p;
    }
    A[i] = at;
    E[i] = e;
  }

  private heapPop(): void {
    const A = this.heapAt;
    const E = this.heapEntry;
    const at = A.pop() as number;
    const e = E.pop() as number;
    const n = A.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && A[c + 1] < A[c]) c++;
      if (A[c] >= at) break;
      A[i] = A[c];
      E[i] = E[c];
      i = c;
    }
    A[i] = at;
    E[i] = e;
  }
}
