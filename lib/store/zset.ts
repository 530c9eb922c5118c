// Sorted-set values (Redis's t_zset.c as data): members are byte strings (latin1), scores IEEE doubles
// (never NaN), ordered by score, then by member bytes. The structure is an order-statistic B+tree with a
// member -> score index (zset-tree.ts); this class adds Redis's semantics on top: ZADD's flags (zsetAdd),
// the encoding Redis would report, and the byte count.
//
// Encoding: Redis keeps a small sorted set in a listpack and a large one in a skiplist + dict, and the
// choice shows beyond OBJECT ENCODING: a listpack stores a score that holds an integer as that integer, so
// -0 becomes 0 there (util.c double2ll), while a skiplist keeps -0. `listpack` tracks what Redis would have
// (the rules of zsetTypeCreate, zsetTypeMaybeConvert, zsetAdd and zsetConvertToListpackIfNeeded, with
// zset-max-listpack-entries and zset-max-listpack-value passed in by the caller), and scores written while
// it holds are stored as the listpack would give them back.
//
// Memory: `bytes` is exactly ZSET_BASE_BYTES + sum of (member bytes + ZSET_MEMBER_OVERHEAD_BYTES), a model of
// the tree's leaf slots, the index entry and the string header, kept current by every mutator.
import type { Collection } from './value';
import { LEAF_CAP, ZTree, type Cursor, type Monotone } from './zset-tree';

export type { Cursor, Monotone };

/** Bytes charged per sorted set on top of its members: the value, its tree root and arrays, empty. */
export const ZSET_BASE_BYTES = 128;
/** Bytes charged per member on top of its bytes: leaf slots (member, score), index entry, string header. */
export const ZSET_MEMBER_OVERHEAD_BYTES = 72;
/** Most members one sorted set holds (V8's Map holds at most 2^24 entries); ZADD answers an error beyond it. */
export const ZSET_MAX_MEMBERS = 16_000_000;

// zsetAdd's input flags.
export const ZADD_NX = 1;
export const ZADD_XX = 2;
export const ZADD_GT = 4;
export const ZADD_LT = 8;
export const ZADD_INCR = 16;
// zsetAdd's outcome flags.
export const ZADD_ADDED = 1;
export const ZADD_UPDATED = 2;
export const ZADD_NOP = 4;
/** The increment made the score NaN (inf + -inf): nothing changed. */
export const ZADD_NAN = 8;

/** The score a listpack gives back for `score`: -0 is stored as the integer 0. */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

export class ZSetValue implements Collection {
  readonly type = 'zset' as const;
  bytes = ZSET_BASE_BYTES;
  charged = 0;
  stamp = 0;
  private tree = new ZTree();
  /** Redis would hold this sorted set in a listpack. */
  private listpack: boolean;
  /**
   * The listpack limits were applied at least once. A value just restored from a DUMP payload has not
   * seen them: the first look at its encoding or the first write applies them, as Redis converts a sorted
   * set when it loads one.
   */
  private limitsApplied: boolean;
  /** The score zsetAdd computed last (ZADD INCR's reply: not the stored one for a listpack's -0). */
  lastScore = 0;
  /**
   * Members removed or moved by a score change so far (never decreases): ZSCAN's cursor carries it, so
   * that a scan resumes early enough when members before its position went away.
   */
  moves = 0;

  /** A new, empty sorted set; `listpack` as zsetTypeCreate decided. */
  constructor(listpack = true, limitsApplied = true) {
    this.listpack = listpack;
    this.limitsApplied = limitsApplied;
  }

  /**
   * zsetTypeCreate: a listpack when `sizeHint` members of up to `lenHint` bytes fit the limits, else a
   * skiplist.
   */
  static create(sizeHint: number, lenHint: number, maxEntries: number, maxValue: number): ZSetValue {
    return new ZSetValue(sizeHint <= maxEntries && lenHint <= maxValue);
  }

  get size(): number {
    return this.tree.size;
  }

  /** True while Redis would report 'listpack'. */
  get isListpack(): boolean {
    return this.listpack;
  }

  encoding(config: { num(name: string): number }): string {
    if (!this.limitsApplied) this.applyLimits(config.num('zset-max-listpack-entries'), config.num('zset-max-listpack-value'));
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /**
   * For a value that has not seen the limits yet (restored): listpack when it fits them (with its -0
   * scores turned to 0, as the conversion stores them), else skiplist. A no-op afterwards.
   */
  applyLimits(maxEntries: number, maxValue: number): void {
    if (this.limitsApplied) return;
    this.limitsApplied = true;
    this.listpack = false;
    this.convertToListpackIfNeeded(maxEntries, maxValue, this.longestMember());
  }

  // ---- reads ----

  score(member: string): number | undefined {
    return this.tree.score(member);
  }

  has(member: string): boolean {
    return this.tree.score(member) !== undefined;
  }

  /** 0-based rank of a member (from the highest score when `reverse`), -1 when absent. */
  rank(member: string, reverse = false): number {
    const s = this.tree.score(member);
    if (s === undefined) return -1;
    const r = this.tree.rankOf(s, member);
    return reverse ? this.tree.size - 1 - r : r;
  }

  /** The cursor at a rank, 0 <= rank < size. */
  at(rank: number): Cursor {
    return this.tree.select(rank);
  }

  /** How many pairs come before the first one matching the monotone `pred` (size when none does). */
  countBefore(pred: Monotone): number {
    return this.tree.countBefore(pred);
  }

  first(): Cursor | null {
    return this.tree.first();
  }

  last(): Cursor | null {
    return this.tree.last();
  }

  /** Visits every pair in order (DUMP, clone, set operations). */
  forEach(visit: (member: string, score: number) => void): void {
    for (let c = this.tree.first(); c !== null && c.leaf !== null; ZTree.next(c)) visit(c.leaf.mem[c.pos] as string, c.leaf.sc[c.pos]);
  }

  /**
   * forEach a piece at a time (DUMP in pieces): visits the pairs from rank `start` on until the visitor
   * returns false (after that pair); returns the rank to go on from, -1 when none is left. Ranks hold
   * while the sorted set is not written.
   */
  forEachFrom(start: number, visit: (member: string, score: number) => boolean): number {
    if (start >= this.tree.size) return -1;
    let rank = start;
    for (const c = this.tree.select(start); c.leaf !== null; ZTree.next(c)) {
      rank++;
      if (!visit(c.leaf.mem[c.pos] as string, c.leaf.sc[c.pos])) break;
    }
    return rank < this.tree.size ? rank : -1;
  }

  /** Longest member in bytes (zsetConvertToListpackIfNeeded's maxelelen). */
  longestMember(): number {
    let n = 0;
    this.forEach((m) => {
      if (m.length > n) n = m.length;
    });
    return n;
  }

  // ---- writes ----

  /** zsetConvert(OBJ_ENCODING_SKIPLIST): reported as skiplist for good (SORT does this to what it sorts). */
  toSkiplist(): void {
    this.limitsApplied = true;
    this.listpack = false;
  }

  /**
   * zsetTypeMaybeConvert: a listpack about to take `sizeHint` members (ZADD's pair count) beyond
   * zset-max-listpack-entries becomes a skiplist, whether or not they are new.
   */
  maybeConvert(sizeHint: number, maxEntries: number): void {
    if (this.listpack && sizeHint > maxEntries) this.listpack = false;
  }

  /**
   * Redis's zsetAdd: adds a member or updates its score under the ZADD_* input flags; returns the ZADD_*
   * outcome flags (0 when an existing member kept its score). `lastScore` is the resulting score (for
   * INCR: the old score plus `score`). NaN input gives ZADD_NAN. A new member converts a listpack first
   * when it would pass the limits (size + 1 > maxEntries, or a member longer than maxValue bytes).
   */
  add(score: number, member: string, flags: number, maxEntries: number, maxValue: number): number {
    if (score !== score) return ZADD_NAN;
    const cur = this.tree.score(member);
    if (cur !== undefined) {
      if (flags & ZADD_NX) return ZADD_NOP;
      if (flags & ZADD_INCR) {
        score += cur;
        if (score !== score) return ZADD_NAN;
      }
      if ((flags & ZADD_LT && score >= cur) || (flags & ZADD_GT && score <= cur)) return ZADD_NOP;
      this.lastScore = score;
      if (score === cur) return 0;
      this.moves++;
      this.tree.remove(cur, member);
      this.tree.insert(this.listpack ? listpackScore(score) : score, member);
      return ZADD_UPDATED;
    }
    if (flags & ZADD_XX) return ZADD_NOP;
    if (this.listpack && (this.tree.size + 1 > maxEntries || member.length > maxValue)) this.listpack = false;
    this.tree.insert(this.listpack ? listpackScore(score) : score, member);
    this.bytes += member.length + ZSET_MEMBER_OVERHEAD_BYTES;
    this.lastScore = score;
    return ZADD_ADDED;
  }

  /** Removes a member; true when it was there. */
  delete(member: string): boolean {
    const s = this.tree.score(member);
    if (s === undefined) return false;
    this.moves++;
    this.tree.remove(s, member);
    this.bytes -= member.length + ZSET_MEMBER_OVERHEAD_BYTES;
    return true;
  }

  /**
   * Removes the pairs of ranks from..to (inclusive, 0 <= from <= to < size), calling visit for each in
   * rank order (or from `to` down to `from` when `reverse`) before it goes. Returns how many went.
   */
  removeRange(from: number, to: number, reverse = false, visit?: (member: string, score: number) => void): number {
    const n = to - from + 1;
    const members: string[] = new Array<string>(n);
    const scores = new Float64Array(n);
    const c = this.tree.select(from);
    for (let i = 0; i < n; i++, ZTree.next(c)) {
      const leaf = c.leaf as NonNullable<Cursor['leaf']>;
      members[i] = leaf.mem[c.pos] as string;
      scores[i] = leaf.sc[c.pos];
    }
    if (visit !== undefined) {
      if (reverse) for (let i = n - 1; i >= 0; i--) visit(members[i], scores[i]);
      else for (let i = 0; i < n; i++) visit(members[i], scores[i]);
    }
    let freed = 0;
    for (let i = 0; i < n; i++) freed += members[i].length + ZSET_MEMBER_OVERHEAD_BYTES;
    if (n === this.tree.size) this.tree = new ZTree();
    else for (let i = 0; i < n; i++) this.tree.remove(scores[i], members[i]);
    this.bytes -= freed;
    this.moves += n;
    return n;
  }

  /**
   * zsetConvertToListpackIfNeeded (the result of a *STORE): a skiplist of at most maxEntries members, none
   * longer than maxValue (`longest`: its longest member), becomes a listpack; its -0 scores become 0.
   */
  convertToListpackIfNeeded(maxEntries: number, maxValue: number, longest: number): void {
    if (this.listpack || this.tree.size > maxEntries || longest > maxValue) return;
    this.listpack = true;
    this.normalizeNegativeZero();
  }

  /** A deep copy with the same contents, encoding and bytes (COPY). */
  clone(): ZSetValue {
    const z = new ZSetValue(this.listpack, this.limitsApplied);
    const members: string[] = [];
    const scores: number[] = [];
    this.forEach((m, s) => {
      members.push(m);
      scores.push(s);
    });
    z.tree = ZTree.fromSorted(members, scores);
    z.bytes = this.bytes;
    return z;
  }

  /**
   * A sorted set from pairs in order, without duplicates (DUMP payloads, set operations): its encoding
   * not yet decided (applyLimits) unless `listpack` is given.
   */
  static fromSorted(members: readonly string[], scores: ArrayLike<number>, listpack?: boolean): ZSetValue {
    const z = new ZSetValue(listpack ?? false, listpack !== undefined);
    z.tree = ZTree.fromSorted(members, scores);
    let bytes = ZSET_BASE_BYTES;
    for (const m of members) bytes += m.length + ZSET_MEMBER_OVERHEAD_BYTES;
    z.bytes = bytes;
    if (listpack === true) z.normalizeNegativeZero();
    return z;
  }

  /** Every -0 score becomes 0 (the order does not change: -0 and 0 are equal scores). */
  private normalizeNegativeZero(): void {
    const negZero: string[] = [];
    this.forEach((m, s) => {
      if (s === 0 && Object.is(s, -0)) negZero.push(m);
    });
    for (const m of negZero) {
      this.tree.remove(-0, m);
      this.tree.insert(0, m);
    }
  }

  /** Most members a tree of one leaf holds (specs). */
  static readonly LEAF_CAP = LEAF_CAP;

  /** The tree's invariants (specs): null when they hold. */
  check(): string | null {
    return this.tree.check();
  }
}
