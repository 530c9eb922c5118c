// Set values (Redis's t_set.c as data): members are byte strings (latin1), held once each.
//
// Layout: `members`, an array of the member strings, and `tab`, an open-addressing table (linear probing,
// keyed HalfSipHash of the member, store/key-hash.ts, so that nobody can choose colliding members) whose
// slots hold member positions + 1 (0: empty). Sets of at most LINEAR_MAX positions have no table and are
// searched by a scan. Every operation is O(1) (expected; the table doubles or halves at once when its load
// leaves [1/8, 0.7], which rehashes every member: ~30 ms per million members).
//
// Order and positions, by encoding (the one Redis would report, kept exactly as t_set.c moves between them):
// - 'intset' and 'listpack' (small): a removed member leaves a hole (undefined) and the holes are compacted
//   away now and then, so the positions keep the insertion order, which is a listpack's order. An intset
//   is iterated in ascending integer order, as Redis's: the array is sorted (and compacted) lazily, by the
//   first read that needs the order after an append broke it.
// - 'hashtable' (large; sticky, as in Redis): no holes. A removed member's position is taken by the last
//   member (swap-remove), so SPOP and SRANDMEMBER draw a uniform position in O(1).
//   SSCAN walks positions from the end towards 0; its cursor is the number of positions still to visit.
//   Why a member present for the whole scan is returned at least once: members only ever move down (the
//   last one into a removed one's place) and new ones are appended at the end. A member in the visited
//   region [cursor, length) that moves down may land below the cursor and be returned again (allowed); a
//   member below the cursor stays below it until visited.
//
// Memory: `bytes` = SET_BASE_BYTES + per member its V8 string (stringBytes: a 16-byte header and the bytes,
// rounded up to 8) + MEMBER_SLOT_BYTES per array position + the table (TABLE_BASE_BYTES + 4 bytes a slot).
// A model of what the structures cost (measured: README, sets), kept current by every mutator.
import { hashString, randomSeed } from './key-hash';
import type { Collection } from './value';

/** Bytes charged per set on top of its members: the object and its empty array. */
export const SET_BASE_BYTES = 80;
/** Bytes charged per array position: the 8-byte pointer and the array's growth slack (1.5x). */
export const MEMBER_SLOT_BYTES = 10;
/** Bytes charged for a table on top of its 4-byte slots: the typed array and its buffer objects. */
export const TABLE_BASE_BYTES = 128;
/** Most members one set holds (V8 arrays stop near 2^27 elements); SADD and friends answer an error beyond. */
export const SET_MAX_MEMBERS = 100_000_000;
/** Sets with at most this many positions are searched by a scan, without a table. */
const LINEAR_MAX = 8;
/** A small set compacts its holes once there are more than this many and more holes than members. */
const MIN_HOLES_TO_COMPACT = 8;
/** Smallest table, slots (a power of two). */
const MIN_TABLE = 16;
/** Load (positions / slots) above which the table doubles. */
const MAX_LOAD = 0.7;

/** OBJECT ENCODING values, in the order a set can only move forward (but SINTERSTORE and SPOP, see below). */
export const ENC_INTSET = 0;
export const ENC_LISTPACK = 1;
export const ENC_HASHTABLE = 2;
export type SetEncoding = typeof ENC_INTSET | typeof ENC_LISTPACK | typeof ENC_HASHTABLE;
const ENCODING_NAMES = ['intset', 'listpack', 'hashtable'];

/** The directives that choose a set's encoding (Redis 7.2's set-max-intset-entries & co). */
export interface SetLimits {
  /** set-max-intset-entries. */
  intsetEntries: number;
  /** set-max-listpack-entries. */
  listpackEntries: number;
  /** set-max-listpack-value (bytes). */
  listpackValue: number;
}

export const DEFAULT_SET_LIMITS: SetLimits = { intsetEntries: 512, listpackEntries: 128, listpackValue: 64 };

/** The limits as `config` has them. */
export function setLimits(config: { num(name: string): number }): SetLimits {
  return {
    intsetEntries: config.num('set-max-intset-entries'),
    listpackEntries: config.num('set-max-listpack-entries'),
    listpackValue: config.num('set-max-listpack-value'),
  };
}

/** intsetMaxEntries(): set-max-intset-entries capped at 2^30, as t_set.c (an intset holds no more). */
function intsetMax(L: SetLimits): number {
  return Math.min(L.intsetEntries, 2 ** 30);
}

const INT_RE = /^(0|-?[1-9]\d*)$/;
const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * True when s is a 64-bit integer in canonical form (Redis's string2ll: no '+', no leading zeros, not
 * "-0", at most 20 chars, in range): what an intset holds.
 */
export function isInt64(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20 || !INT_RE.test(s)) return false;
  const neg = s.charCodeAt(0) === 45;
  const digits = n - (neg ? 1 : 0);
  if (digits < 19) return true;
  if (digits > 19) return false;
  return neg ? s.slice(1) <= INT64_MIN_DIGITS : s <= INT64_MAX_DIGITS;
}

/** Compares two canonical integers (isInt64) by value: negative, 0 or positive. */
export function compareInt64(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  if (a.length !== b.length) return a.length < b.length !== an ? -1 : 1;
  if (a === b) return 0;
  return a < b !== an ? -1 : 1;
}

/** Bytes of a V8 one-byte string of n chars: a 16-byte header, the chars, rounded up to 8. */
export function stringBytes(n: number): number {
  return (16 + n + 7) & ~7;
}

const SEED = randomSeed();

export class SetValue implements Collection {
  readonly type = 'set' as const;
  bytes = SET_BASE_BYTES;
  charged = 0;
  stamp = 0;
  /** Member strings by position; undefined: a hole (small encodings only). */
  private members: (string | undefined)[] = [];
  /** Slot -> position + 1, 0 empty; null while the set has at most LINEAR_MAX positions. */
  private tab: Int32Array | null = null;
  private count = 0;
  private enc: SetEncoding;
  /** intset only: the live members are in ascending order in `members`. */
  private sorted = true;

  constructor(enc: SetEncoding = ENC_INTSET) {
    this.enc = enc;
  }

  /**
   * Redis's setTypeCreate: the empty set that will receive `first` and about `hint` members: an intset
   * when `first` is an integer and hint <= set-max-intset-entries, else a listpack when hint <=
   * set-max-listpack-entries, else a hashtable.
   */
  static create(first: string, hint: number, L: SetLimits): SetValue {
    if (isInt64(first) && hint <= L.intsetEntries) return new SetValue(ENC_INTSET);
    return new SetValue(hint <= L.listpackEntries ? ENC_LISTPACK : ENC_HASHTABLE);
  }

  get size(): number {
    return this.count;
  }

  /** The encoding as a number (ENC_*). */
  get encodingId(): SetEncoding {
    return this.enc;
  }

  encoding(): string {
    return ENCODING_NAMES[this.enc];
  }

  // ---- reads ----

  has(m: string): boolean {
    return this.find(m) >= 0;
  }

  /**
   * Visits the members in Redis's order: an intset ascending, a listpack in insertion order, a hashtable
   * in position order. The visitor must not change the set.
   */
  forEach(visit: (m: string) => void): void {
    if (this.enc === ENC_INTSET) this.sortInts();
    const ms = this.members;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m !== undefined) visit(m);
    }
  }

  /**
   * forEach a piece at a time (DUMP in pieces): visits the members from position `start` on (0: the
   * first) until the visitor returns false (after that member); returns the position to go on from, -1
   * when none is left. Positions hold while the set is not written.
   */
  forEachFrom(start: number, visit: (m: string) => boolean): number {
    if (this.enc === ENC_INTSET) this.sortInts();
    const ms = this.members;
    let i = start;
    while (i < ms.length) {
      const m = ms[i++];
      if (m !== undefined && !visit(m)) break;
    }
    while (i < ms.length && ms[i] === undefined) i++;
    return i < ms.length ? i : -1;
  }

  /** forEach that stops at the first member for which `stop` returns true; returns whether it stopped. */
  some(stop: (m: string) => boolean): boolean {
    if (this.enc === ENC_INTSET) this.sortInts();
    const ms = this.members;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m !== undefined && stop(m)) return true;
    }
    return false;
  }

  /** The members in forEach order. */
  toArray(): string[] {
    const out: string[] = [];
    this.forEach((m) => out.push(m));
    return out;
  }

  /** A uniformly random member of a non-empty set. */
  random(): string {
    return this.members[this.randomPosition()] as string;
  }

  /**
   * k distinct members drawn uniformly (0 <= k <= size): in forEach order when `ordered` (a listpack's
   * SRANDMEMBER and SPOP return their picks in listpack order), else in random order.
   */
  sample(k: number, ordered: boolean): string[] {
    const n = this.count;
    if (k >= n) return this.toArray();
    if (this.enc === ENC_INTSET && ordered) this.sortInts();
    let pos: number[];
    if (k * 3 > n) {
      // Selection sampling over all positions (Knuth's algorithm S): k of n, in position order.
      pos = [];
      let need = k;
      let left = n;
      const ms = this.members;
      for (let i = 0; i < ms.length && need > 0; i++) {
        if (ms[i] === undefined) continue;
        if (Math.random() * left < need) {
          pos.push(i);
          need--;
        }
        left--;
      }
      if (!ordered) shuffle(pos);
    } else {
      const seen = new Set<number>();
      pos = [];
      while (pos.length < k) {
        const p = this.randomPosition();
        if (!seen.has(p)) {
          seen.add(p);
          pos.push(p);
        }
      }
      if (ordered) pos.sort((a, b) => a - b);
    }
    return pos.map((p) => this.members[p] as string);
  }

  /**
   * SSCAN's walk. A small set (intset, listpack) is visited whole in one call, whatever the cursor and
   * count, as Redis does; returns 0. A hashtable: the positions below `cursor` (0: all) from the highest
   * down, `count` of them; returns the next cursor, 0 at the end (see the header for the guarantee).
   */
  scan(cursor: number, count: number, visit: (m: string) => void): number {
    if (this.enc !== ENC_HASHTABLE) {
      this.forEach(visit);
      return 0;
    }
    const ms = this.members;
    let p = cursor === 0 || cursor > ms.length ? ms.length : cursor;
    for (let seen = 0; p > 0 && seen < count; seen++) visit(ms[--p] as string);
    return p;
  }

  // ---- writes ----

  /**
   * Adds a member (Redis's setTypeAddAux), moving the encoding as t_set.c does: an intset takes an integer
   * and becomes a hashtable past set-max-intset-entries; it takes a non-integer by becoming a listpack
   * when it has fewer than set-max-listpack-entries members and neither that member nor its longest
   * integer is longer than set-max-listpack-value, else a hashtable; a listpack becomes a hashtable when
   * full or given a member longer than set-max-listpack-value. Returns true when the member is new.
   */
  add(m: string, L: SetLimits): boolean {
    if (this.find(m) >= 0) return false;
    if (this.enc === ENC_INTSET) {
      if (isInt64(m)) {
        this.append(m);
        if (this.count > intsetMax(L)) this.convert(ENC_HASHTABLE);
        return true;
      }
      const longest = this.count === 0 ? 0 : this.longestInt();
      const toListpack = this.count < L.listpackEntries && m.length <= L.listpackValue && longest <= L.listpackValue;
      this.convert(toListpack ? ENC_LISTPACK : ENC_HASHTABLE);
      this.append(m);
      return true;
    }
    if (this.enc === ENC_LISTPACK && !(this.count < L.listpackEntries && m.length <= L.listpackValue)) {
      this.convert(ENC_HASHTABLE);
    }
    this.append(m);
    return true;
  }

  /** Redis's setTypeMaybeConvert: a hashtable now when about `hint` members are coming and would not fit. */
  maybeConvert(hint: number, L: SetLimits): void {
    if ((this.enc === ENC_LISTPACK && hint > L.listpackEntries) || (this.enc === ENC_INTSET && hint > L.intsetEntries)) {
      this.convert(ENC_HASHTABLE);
    }
  }

  /**
   * Redis's maybeConvertToIntset (SINTERSTORE of integers only): an intset when every member is an integer
   * and they fit one.
   */
  maybeConvertToIntset(L: SetLimits): void {
    if (this.enc === ENC_INTSET || this.count > intsetMax(L)) return;
    const ms = this.members;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m !== undefined && !isInt64(m)) return;
    }
    this.enc = ENC_INTSET;
    this.sorted = false;
  }

  /** Removes a member. Returns true when it was there. */
  remove(m: string): boolean {
    const p = this.find(m);
    if (p < 0) return false;
    this.removeAt(p);
    return true;
  }

  /** Removes and returns a uniformly random member of a non-empty set. */
  pop(): string {
    const p = this.randomPosition();
    const m = this.members[p] as string;
    this.removeAt(p);
    return m;
  }

  /** A copy with the same members, encoding and order (COPY; Redis's setTypeDup keeps the encoding). */
  clone(): SetValue {
    const s = new SetValue(this.enc);
    s.members = this.members.slice();
    s.tab = this.tab === null ? null : this.tab.slice();
    s.count = this.count;
    s.sorted = this.sorted;
    s.bytes = this.bytes;
    return s;
  }

  /**
   * Loads members as restoring a DUMP payload does (Redis's rdbLoadObject): `dumped` is the encoding
   * the payload was made from. An intset or listpack payload keeps its encoding and order unless it has
   * more members than its limit (then a hashtable); a hashtable payload is loaded as Redis loads
   * RDB_TYPE_SET: an intset while the members are integers (a hashtable at once when there are more than
   * set-max-intset-entries), a listpack from the first non-integer when fewer than set-max-listpack-entries
   * were loaded and none is longer than set-max-listpack-value, then a hashtable when one does not fit.
   * Returns null when a member repeats or an intset payload holds a non-integer (a corrupt payload).
   */
  static load(dumped: SetEncoding, list: readonly string[], L: SetLimits): SetValue | null {
    const loader = new SetLoader(dumped, list.length, L);
    for (const m of list) if (!loader.add(m)) return null;
    return loader.finish();
  }

  /**
   * For SetLoader: appends m unless present (false then). `rdbSet`: loading a hashtable payload as Redis
   * loads RDB_TYPE_SET, moving intset -> listpack -> hashtable as members stop fitting (maxLen: the
   * longest member so far).
   */
  loadMember(m: string, rdbSet: boolean, L: SetLimits, maxLen: number): boolean {
    if (this.find(m) >= 0) return false;
    if (rdbSet) {
      if (this.enc === ENC_INTSET && !isInt64(m)) {
        this.convert(this.count < L.listpackEntries && maxLen <= L.listpackValue ? ENC_LISTPACK : ENC_HASHTABLE);
      }
      if (this.enc === ENC_LISTPACK && !(this.count < L.listpackEntries && m.length <= L.listpackValue)) this.convert(ENC_HASHTABLE);
    }
    this.append(m);
    return true;
  }

  /** For SetLoader: a hashtable about to receive `n` members sizes its table for them at once. */
  reserve(n: number): void {
    if (this.enc === ENC_HASHTABLE && this.count === 0 && n > LINEAR_MAX) this.rebuildTable(n);
  }

  /** For SetLoader: an intset or listpack payload with more than `max` members becomes a hashtable. */
  loadDone(max: number): void {
    if (this.count > max) this.convert(ENC_HASHTABLE);
  }

  /** `bytes` computed from scratch (specs check that the mutators keep `bytes` equal to it). */
  recount(): number {
    let n = SET_BASE_BYTES + this.members.length * MEMBER_SLOT_BYTES;
    for (const m of this.members) if (m !== undefined) n += stringBytes(m.length);
    if (this.tab !== null) n += TABLE_BASE_BYTES + 4 * this.tab.length;
    return n;
  }

  // ---- internals ----

  /** Position of m, -1 when absent. */
  private find(m: string): number {
    const tab = this.tab;
    if (tab === null) {
      const ms = this.members;
      for (let i = 0; i < ms.length; i++) if (ms[i] === m) return i;
      return -1;
    }
    const mask = tab.length - 1;
    for (let s = hashString(m, SEED) & mask; ; s = (s + 1) & mask) {
      const e = tab[s];
      if (e === 0) return -1;
      if (this.members[e - 1] === m) return e - 1;
    }
  }

  /** Table slot holding position p (which is in the table). */
  private slotOf(p: number): number {
    const tab = this.tab as Int32Array;
    const mask = tab.length - 1;
    let s = hashString(this.members[p] as string, SEED) & mask;
    while (tab[s] !== p + 1) s = (s + 1) & mask;
    return s;
  }

  private insertSlot(p: number): void {
    const tab = this.tab as Int32Array;
    const mask = tab.length - 1;
    let s = hashString(this.members[p] as string, SEED) & mask;
    while (tab[s] !== 0) s = (s + 1) & mask;
    tab[s] = p + 1;
  }

  /** Empties slot s and shifts back the entries after it that probed past it (no tombstones). */
  private deleteSlot(s: number): void {
    const tab = this.tab as Int32Array;
    const mask = tab.length - 1;
    let hole = s;
    for (let j = (s + 1) & mask; tab[j] !== 0; j = (j + 1) & mask) {
      const home = hashString(this.members[tab[j] - 1] as string, SEED) & mask;
      // The entry at j may move to the hole when its home is not in (hole, j] (cyclically).
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        tab[hole] = tab[j];
        hole = j;
      }
    }
    tab[hole] = 0;
  }

  /** Appends a member known to be absent. */
  private append(m: string): void {
    const ms = this.members;
    if (this.enc === ENC_INTSET && this.sorted && ms.length > 0 && compareInt64(ms[ms.length - 1] as string, m) > 0) this.sorted = false;
    const p = ms.length;
    ms.push(m);
    this.count++;
    this.bytes += stringBytes(m.length) + MEMBER_SLOT_BYTES;
    if (this.tab === null) {
      if (ms.length > LINEAR_MAX) this.rebuildTable();
    } else if (ms.length > this.tab.length * MAX_LOAD) this.rebuildTable();
    else this.insertSlot(p);
  }

  private removeAt(p: number): void {
    const ms = this.members;
    const m = ms[p] as string;
    if (this.tab !== null) this.deleteSlot(this.slotOf(p));
    this.count--;
    this.bytes -= stringBytes(m.length);
    const last = ms.length - 1;
    if (this.enc === ENC_HASHTABLE) {
      if (p !== last) {
        const moved = ms[last] as string;
        if (this.tab !== null) this.tab[this.slotOf(last)] = p + 1;
        ms[p] = moved;
      }
      ms.length = last;
      this.bytes -= MEMBER_SLOT_BYTES;
      this.maybeShrink();
      return;
    }
    ms[p] = undefined;
    if (p === last) this.trimTail();
    const holes = ms.length - this.count;
    if (holes > MIN_HOLES_TO_COMPACT && holes > this.count) this.compact();
  }

  /** Drops trailing holes. */
  private trimTail(): void {
    const ms = this.members;
    let n = ms.length;
    while (n > 0 && ms[n - 1] === undefined) n--;
    this.bytes -= (ms.length - n) * MEMBER_SLOT_BYTES;
    ms.length = n;
  }

  /** Removes the holes, keeping the order, and rebuilds the table. */
  private compact(): void {
    const ms = this.members;
    if (ms.length === this.count) return;
    const out: string[] = [];
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m !== undefined) out.push(m);
    }
    this.bytes -= (ms.length - out.length) * MEMBER_SLOT_BYTES;
    this.members = out;
    this.rebuildTable();
  }

  /**
   * A table sized for the positions (none while they fit LINEAR_MAX), or for `expect` positions when more
   * are coming (SetLoader: no rebuild while they arrive), all positions inserted.
   */
  private rebuildTable(expect = 0): void {
    const n = Math.max(this.members.length, expect);
    if (this.tab !== null) this.bytes -= TABLE_BASE_BYTES + 4 * this.tab.length;
    if (n <= LINEAR_MAX) {
      this.tab = null;
      return;
    }
    let cap = MIN_TABLE;
    while (n > cap * (MAX_LOAD / 2)) cap *= 2;
    this.tab = new Int32Array(cap);
    this.bytes += TABLE_BASE_BYTES + 4 * cap;
    const ms = this.members;
    for (let p = 0; p < ms.length; p++) if (ms[p] !== undefined) this.insertSlot(p);
  }

  /** A hashtable halves its table when the load drops below 1/8, and drops it at LINEAR_MAX members. */
  private maybeShrink(): void {
    const tab = this.tab;
    const n = this.members.length;
    if (tab !== null && (n <= LINEAR_MAX || (tab.length > MIN_TABLE && n < tab.length / 8))) this.rebuildTable();
  }

  /** A uniformly random live position of a non-empty set. */
  private randomPosition(): number {
    if (this.count === 0) throw new Error('a random member of an empty set');
    const ms = this.members;
    for (;;) {
      const p = Math.floor(Math.random() * ms.length);
      if (ms[p] !== undefined) return p;
    }
  }

  /** Sorts an intset's members ascending (compacting holes), if an append broke the order. */
  private sortInts(): void {
    if (this.sorted) return;
    const ms = this.members.filter((m) => m !== undefined) as string[];
    ms.sort(compareInt64);
    this.bytes -= (this.members.length - ms.length) * MEMBER_SLOT_BYTES;
    this.members = ms;
    this.sorted = true;
    this.rebuildTable();
  }

  /** Length of the longest member of an intset (the longer of its smallest and largest, as Redis reckons it). */
  private longestInt(): number {
    let max = 0;
    const ms = this.members;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      if (m !== undefined && m.length > max) max = m.length;
    }
    return max;
  }

  /** Moves to another encoding: an intset sorts first (its order becomes the listpack's); a hashtable has no holes. */
  private convert(to: SetEncoding): void {
    if (this.enc === ENC_INTSET) this.sortInts();
    if (to === ENC_HASHTABLE) this.compact();
    this.enc = to;
  }
}

/**
 * SetValue.load a member at a time (a payload arriving in pieces): `count` members of a payload dumped from
 * encoding `dumped` are announced, then add()ed (false: a repeated member or a non-integer in an intset, the
 * payload is corrupt), then finish() gives the set, as load() would have built it. Each add is O(1)
 * amortized: no step redoes the members added before.
 */
export class SetLoader {
  readonly set: SetValue;
  private maxLen = 0;

  constructor(
    private readonly dumped: SetEncoding,
    private readonly count: number,
    private readonly L: SetLimits,
  ) {
    this.set = new SetValue(dumped !== ENC_HASHTABLE ? dumped : count > intsetMax(L) ? ENC_HASHTABLE : ENC_INTSET);
    // A large set arriving in pieces: no table rebuild (O(size)) while they come.
    this.set.reserve(count);
  }

  add(m: string): boolean {
    const s = this.set;
    if (this.dumped !== ENC_HASHTABLE) {
      if (this.dumped === ENC_INTSET && !isInt64(m)) return false;
      return s.loadMember(m, false, this.L, 0);
    }
    if (m.length > this.maxLen) this.maxLen = m.length;
    return s.loadMember(m, true, this.L, this.maxLen);
  }

  /** The set once every announced member was added. */
  finish(): SetValue {
    const s = this.set;
    if (this.dumped !== ENC_HASHTABLE) s.loadDone(this.dumped === ENC_INTSET ? this.L.intsetEntries : this.L.listpackEntries);
    return s;
  }
}

/** Fisher-Yates, in place. */
function shuffle<T>(a: T[]): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
