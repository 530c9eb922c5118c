// The ordered part of a sorted set: an order-statistic B+tree of (score, member) pairs in Redis's order
// (score ascending, ties by member bytes as memcmp: latin1 strings compare code unit by code unit, which
// is byte order), plus an index member -> leaf.
//
// Leaves hold up to LEAF_CAP pairs in two parallel arrays (members, and scores in a Float64Array: no boxed
// numbers) and are linked both ways for range walks; inner nodes hold up to INNER_CAP children with each
// child's subtree size (rank arithmetic) and a lower bound of its keys (the separator: every key of child i
// is >= sep[i] and below sep[i+1]; a separator may be lower than its child's first key after a removal,
// which keeps every search right). All operations are O(log n): rank, select by rank, first key matching a
// monotone predicate (score and lex ranges), insert and remove (splits; merges and borrowing below a
// quarter full).
//
// Memory: a tree of one leaf (up to LEAF_CAP members: every small sorted set) has no index: a member is
// found by scanning that leaf. Past that, `index` maps each member to its score (ZSCORE in one lookup; a
// member's place is then found by descending on its key, comparing scores in typed arrays first). Leaves
// grow their arrays by doubling, so a sorted set of 3 members holds arrays of 4. Appending past the
// largest key (increasing scores: time series) splits the last leaf unevenly, keeping the full one full.

/** Most pairs per leaf. */
export const LEAF_CAP = 64;
/** Most children per inner node. */
const INNER_CAP = 64;
/** A leaf (inner node) with fewer entries than this is merged with or refilled from a sibling. */
const LEAF_MIN = LEAF_CAP / 4;
const INNER_MIN = INNER_CAP / 4;
/** Smallest array capacity of a leaf. */
const LEAF_START = 4;

export class Leaf {
  n = 0;
  mem: (string | undefined)[];
  sc: Float64Array;
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(cap: number) {
    this.mem = new Array<string | undefined>(cap);
    this.sc = new Float64Array(cap);
  }
}

class Inner {
  n = 0;
  total = 0;
  kids: Node[] = new Array<Node>(INNER_CAP);
  cnt = new Float64Array(INNER_CAP);
  sepS = new Float64Array(INNER_CAP);
  sepM: string[] = new Array<string>(INNER_CAP);
}

type Node = Leaf | Inner;

/** A position in the tree: a leaf and an index in it (pos < leaf.n while valid). */
export interface Cursor {
  leaf: Leaf | null;
  pos: number;
}

/** A predicate over keys that is false for a prefix of the order and true for the rest. */
export type Monotone = (score: number, member: string) => boolean;

function cmpKey(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

function size(node: Node): number {
  return node instanceof Leaf ? node.n : node.total;
}

function nextCap(need: number): number {
  let c = LEAF_START;
  while (c < need) c *= 2;
  return Math.min(c, LEAF_CAP);
}

export class ZTree {
  private root: Node = new Leaf(LEAF_START);
  /** member -> score; null while the tree is one leaf. */
  private index: Map<string, number> | null = null;
  private head: Leaf;
  private tail: Leaf;

  constructor() {
    this.head = this.tail = this.root as Leaf;
  }

  get size(): number {
    return size(this.root);
  }

  // ---- lookups ----

  /** A member's score, undefined when absent. */
  score(member: string): number | undefined {
    if (this.index !== null) return this.index.get(member);
    const leaf = this.root as Leaf;
    const mem = leaf.mem;
    for (let i = 0, n = leaf.n; i < n; i++) if (mem[i] === member) return leaf.sc[i];
    return undefined;
  }

  /** The cursor at the present pair (score, member). */
  locate(score: number, member: string): Cursor {
    let node = this.root;
    while (node instanceof Inner) node = node.kids[this.childFor(node, score, member)];
    return { leaf: node, pos: this.leafLowerBound(node, score, member) };
  }

  /** The 0-based rank of (score, member), which must be present. */
  rankOf(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    while (node instanceof Inner) {
      const i = this.childFor(node, score, member);
      for (let j = 0; j < i; j++) rank += node.cnt[j];
      node = node.kids[i];
    }
    return rank + this.leafLowerBound(node, score, member);
  }

  /** The cursor at `rank` (0 <= rank < size). */
  select(rank: number): Cursor {
    let node = this.root;
    while (node instanceof Inner) {
      let i = 0;
      while (rank >= node.cnt[i]) rank -= node.cnt[i++];
      node = node.kids[i];
    }
    return { leaf: node, pos: rank };
  }

  /** How many keys do not match `pred` (the rank of the first that does; size when none does). */
  countBefore(pred: Monotone): number {
    let node = this.root;
    let rank = 0;
    while (node instanceof Inner) {
      // The last child whose lower bound does not match: the first match is in it or starts the next.
      let lo = 1;
      let hi = node.n - 1;
      let j = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (pred(node.sepS[mid], node.sepM[mid])) hi = mid - 1;
        else {
          j = mid;
          lo = mid + 1;
        }
      }
      for (let k = 0; k < j; k++) rank += node.cnt[k];
      node = node.kids[j];
    }
    let lo = 0;
    let hi = node.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(node.sc[mid], node.mem[mid] as string)) hi = mid;
      else lo = mid + 1;
    }
    return rank + lo;
  }

  /** First and last pairs (undefined when empty). */
  first(): Cursor | null {
    return this.head.n > 0 ? { leaf: this.head, pos: 0 } : null;
  }

  last(): Cursor | null {
    return this.tail.n > 0 ? { leaf: this.tail, pos: this.tail.n - 1 } : null;
  }

  /** Moves a cursor one pair forward (leaf null past the end). */
  static next(c: Cursor): void {
    const leaf = c.leaf as Leaf;
    if (++c.pos < leaf.n) return;
    c.leaf = leaf.next;
    c.pos = 0;
  }

  /** Moves a cursor one pair back (leaf null before the start). */
  static prev(c: Cursor): void {
    if (--c.pos >= 0) return;
    const p = (c.leaf as Leaf).prev;
    c.leaf = p;
    c.pos = p === null ? 0 : p.n - 1;
  }

  // ---- writes ----

  /** Inserts a pair whose member is absent. */
  insert(score: number, member: string): void {
    if (this.index !== null) this.index.set(member, score);
    const right = this.insertRec(this.root, score, member, true);
    if (right !== null) {
      const r = new Inner();
      this.setChild(r, 0, this.root);
      this.setChild(r, 1, right);
      r.n = 2;
      r.total = size(this.root) + size(right);
      this.root = r;
    }
  }

  /** Removes a present pair (score, member). */
  remove(score: number, member: string): void {
    if (this.index !== null) this.index.delete(member);
    this.removeRec(this.root, score, member);
    let root = this.root;
    while (root instanceof Inner && root.n === 1) root = root.kids[0];
    if (root !== this.root) {
      this.root = root;
      if (root instanceof Leaf) this.index = null;
    }
  }

  /** Builds the tree from pairs already in order (no duplicates): full leaves, then inner levels. */
  static fromSorted(members: readonly string[], scores: ArrayLike<number>): ZTree {
    const t = new ZTree();
    const n = members.length;
    if (n === 0) return t;
    if (n <= LEAF_CAP) {
      const leaf = new Leaf(nextCap(n));
      for (let i = 0; i < n; i++) {
        leaf.mem[i] = members[i];
        leaf.sc[i] = scores[i];
      }
      leaf.n = n;
      t.root = t.head = t.tail = leaf;
      return t;
    }
    // Leaves of LEAF_CAP, the last two evened out so that none is under LEAF_MIN.
    const counts: number[] = [];
    for (let left = n; left > 0; ) {
      const k = Math.min(LEAF_CAP, left);
      counts.push(k);
      left -= k;
    }
    const lastI = counts.length - 1;
    if (counts[lastI] < LEAF_MIN) {
      const both = counts[lastI - 1] + counts[lastI];
      counts[lastI - 1] = both - (both >> 1);
      counts[lastI] = both >> 1;
    }
    const index = new Map<string, number>();
    let level: Node[] = [];
    let at = 0;
    let prev: Leaf | null = null;
    for (const k of counts) {
      const leaf = new Leaf(LEAF_CAP);
      for (let i = 0; i < k; i++, at++) {
        const m = members[at];
        leaf.mem[i] = m;
        leaf.sc[i] = scores[at];
        index.set(m, scores[at]);
      }
      leaf.n = k;
      leaf.prev = prev;
      if (prev !== null) prev.next = leaf;
      else t.head = leaf;
      prev = leaf;
      level.push(leaf);
    }
    t.tail = prev as Leaf;
    t.index = index;
    while (level.length > 1) {
      const up: Node[] = [];
      for (let i = 0; i < level.length; ) {
        let k = Math.min(INNER_CAP, level.length - i);
        const rest = level.length - i - k;
        if (rest > 0 && rest < INNER_MIN) k -= INNER_MIN - rest;
        const node = new Inner();
        for (let j = 0; j < k; j++) {
          t.setChild(node, j, level[i + j]);
          node.total += node.cnt[j];
        }
        node.n = k;
        up.push(node);
        i += k;
      }
      level = up;
    }
    t.root = level[0];
    return t;
  }

  /**
   * Checks every invariant (specs): order, subtree sizes, separators as lower bounds, leaf links, the
   * index. Returns the first violation found, or null.
   */
  check(): string | null {
    const pairs: [number, string][] = [];
    const walk = (node: Node, lo: [number, string] | null, hi: [number, string] | null, depth: number, depths: number[]): string | null => {
      if (node instanceof Leaf) {
        depths.push(depth);
        for (let i = 0; i < node.n; i++) {
          const m = node.mem[i];
          if (typeof m !== 'string') return 'leaf hole';
          const s = node.sc[i];
          if (lo !== null && cmpKey(s, m, lo[0], lo[1]) < 0) return 'key below its separator';
          if (hi !== null && cmpKey(s, m, hi[0], hi[1]) >= 0) return 'key not below the next separator';
          pairs.push([s, m]);
        }
        if (node !== this.root && node.n < 1) return 'empty leaf';
        return null;
      }
      if (node.n < 1 || (node !== this.root && node.n < 2)) return 'inner node too small';
      let total = 0;
      for (let i = 0; i < node.n; i++) {
        const kid = node.kids[i];
        if (node.cnt[i] !== size(kid)) return 'wrong subtree size';
        total += node.cnt[i];
        const klo: [number, string] | null = i === 0 ? lo : [node.sepS[i], node.sepM[i]];
        const khi: [number, string] | null = i + 1 < node.n ? [node.sepS[i + 1], node.sepM[i + 1]] : hi;
        const err = walk(kid, klo, khi, depth + 1, depths);
        if (err !== null) return err;
      }
      if (total !== node.total) return 'wrong total';
      return null;
    };
    const depths: number[] = [];
    const err = walk(this.root, null, null, 0, depths);
    if (err !== null) return err;
    if (new Set(depths).size !== 1) return 'unbalanced';
    for (let i = 1; i < pairs.length; i++) if (cmpKey(pairs[i - 1][0], pairs[i - 1][1], pairs[i][0], pairs[i][1]) >= 0) return 'out of order';
    const linked: string[] = [];
    for (let l: Leaf | null = this.head; l !== null; l = l.next) {
      if (l.next !== null && l.next.prev !== l) return 'broken prev link';
      for (let i = 0; i < l.n; i++) linked.push(l.mem[i] as string);
      if (l.next === null && l !== this.tail) return 'wrong tail';
    }
    if (linked.length !== pairs.length || linked.some((m, i) => m !== pairs[i][1])) return 'leaf links disagree';
    if (this.index !== null) {
      if (this.index.size !== pairs.length) return 'index size';
      for (let l: Leaf | null = this.head; l !== null; l = l.next) for (let i = 0; i < l.n; i++) if (!Object.is(this.index.get(l.mem[i] as string), l.sc[i])) return 'index holds another score';
    } else if (!(this.root instanceof Leaf)) return 'no index for a tree';
    return null;
  }

  // ---- internals ----

  /** Child index of an inner node whose range holds (score, member). */
  private childFor(node: Inner, score: number, member: string): number {
    let lo = 1;
    let hi = node.n - 1;
    let j = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cmpKey(node.sepS[mid], node.sepM[mid], score, member) <= 0) {
        j = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return j;
  }

  /** Index of the first pair of a leaf not below (score, member). */
  private leafLowerBound(leaf: Leaf, score: number, member: string): number {
    let lo = 0;
    let hi = leaf.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpKey(leaf.sc[mid], leaf.mem[mid] as string, score, member) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Puts `child` at slot i of `node`, with its size and first key as separator. */
  private setChild(node: Inner, i: number, child: Node): void {
    node.kids[i] = child;
    node.cnt[i] = size(child);
    // A leaf's first key is exact; an inner child's slot-0 separator is a lower bound of its keys.
    if (child instanceof Inner) {
      node.sepS[i] = child.sepS[0];
      node.sepM[i] = child.sepM[0];
    } else {
      node.sepS[i] = child.sc[0];
      node.sepM[i] = child.mem[0] as string;
    }
  }

  /** Inserts below `node`; returns a new right sibling when `node` split. `edge`: node is the rightmost. */
  private insertRec(node: Node, score: number, member: string, edge: boolean): Node | null {
    if (node instanceof Leaf) return this.insertLeaf(node, score, member, edge);
    const i = this.childFor(node, score, member);
    if (i === 0 && cmpKey(score, member, node.sepS[0], node.sepM[0]) < 0) {
      node.sepS[0] = score;
      node.sepM[0] = member;
    }
    node.cnt[i]++;
    node.total++;
    const right = this.insertRec(node.kids[i], score, member, edge && i === node.n - 1);
    if (right === null) return null;
    node.cnt[i] = size(node.kids[i]);
    return this.insertChild(node, i + 1, right, edge && i === node.n - 1);
  }

  private insertLeaf(leaf: Leaf, score: number, member: string, edge: boolean): Leaf | null {
    const pos = this.leafLowerBound(leaf, score, member);
    if (leaf.n < LEAF_CAP) {
      if (leaf.n === leaf.mem.length) this.resize(leaf, leaf.n * 2);
      const mem = leaf.mem;
      for (let j = leaf.n; j > pos; j--) mem[j] = mem[j - 1];
      leaf.sc.copyWithin(pos + 1, pos, leaf.n);
      leaf.mem[pos] = member;
      leaf.sc[pos] = score;
      leaf.n++;
      return null;
    }
    // Split: appending at the very end keeps this leaf full; otherwise halve.
    if (this.index === null) {
      // The tree outgrows one leaf: index every member (the new one was added by insert()).
      const index = new Map<string, number>();
      for (let i = 0; i < leaf.n; i++) index.set(leaf.mem[i] as string, leaf.sc[i]);
      index.set(member, score);
      this.index = index;
    }
    const right = new Leaf(LEAF_CAP);
    const keep = edge && pos === leaf.n ? leaf.n : LEAF_CAP >> 1;
    const moved = leaf.n - keep;
    for (let i = 0; i < moved; i++) {
      right.mem[i] = leaf.mem[keep + i];
      right.sc[i] = leaf.sc[keep + i];
      leaf.mem[keep + i] = undefined;
    }
    right.n = moved;
    leaf.n = keep;
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.tail = right;
    leaf.next = right;
    if (pos < keep || (pos === keep && keep < LEAF_CAP)) this.insertLeaf(leaf, score, member, false);
    else this.insertLeaf(right, score, member, false);
    return right;
  }

  /** Inserts child `c` at slot i of `node`; returns a new right sibling when `node` split. */
  private insertChild(node: Inner, i: number, c: Node, edge: boolean): Inner | null {
    if (node.n < INNER_CAP) {
      this.shiftRight(node, i);
      this.setChild(node, i, c);
      node.n++;
      return null;
    }
    const right = new Inner();
    const keep = edge && i === node.n ? node.n : INNER_CAP >> 1;
    for (let j = keep; j < node.n; j++) this.moveSlot(node, j, right, j - keep);
    right.n = node.n - keep;
    node.n = keep;
    if (i < keep || (i === keep && keep < INNER_CAP)) this.insertChild(node, i, c, false);
    else this.insertChild(right, i - keep, c, false);
    this.retotal(node);
    this.retotal(right);
    return right;
  }

  private moveSlot(from: Inner, i: number, to: Inner, j: number): void {
    to.kids[j] = from.kids[i];
    to.cnt[j] = from.cnt[i];
    to.sepS[j] = from.sepS[i];
    to.sepM[j] = from.sepM[i];
    from.kids[i] = undefined as unknown as Node;
    from.sepM[i] = undefined as unknown as string;
  }

  private shiftRight(node: Inner, i: number): void {
    for (let j = node.n; j > i; j--) {
      node.kids[j] = node.kids[j - 1];
      node.cnt[j] = node.cnt[j - 1];
      node.sepS[j] = node.sepS[j - 1];
      node.sepM[j] = node.sepM[j - 1];
    }
  }

  private removeSlot(node: Inner, i: number): void {
    for (let j = i; j < node.n - 1; j++) {
      node.kids[j] = node.kids[j + 1];
      node.cnt[j] = node.cnt[j + 1];
      node.sepS[j] = node.sepS[j + 1];
      node.sepM[j] = node.sepM[j + 1];
    }
    node.n--;
    node.kids[node.n] = undefined as unknown as Node;
    node.sepM[node.n] = undefined as unknown as string;
  }

  private sum(node: Inner): number {
    let t = 0;
    for (let j = 0; j < node.n; j++) t += node.cnt[j];
    return t;
  }

  private retotal(node: Inner): void {
    node.total = this.sum(node);
  }

  private resize(leaf: Leaf, cap: number): void {
    const mem = new Array<string | undefined>(cap);
    const sc = new Float64Array(cap);
    for (let i = 0; i < leaf.n; i++) mem[i] = leaf.mem[i];
    sc.set(leaf.sc.subarray(0, leaf.n));
    leaf.mem = mem;
    leaf.sc = sc;
  }

  private removeRec(node: Node, score: number, member: string): void {
    if (node instanceof Leaf) {
      const pos = this.leafLowerBound(node, score, member);
      const mem = node.mem;
      for (let j = pos; j < node.n - 1; j++) mem[j] = mem[j + 1];
      node.sc.copyWithin(pos, pos + 1, node.n);
      node.n--;
      node.mem[node.n] = undefined;
      const cap = node.mem.length;
      if (cap > LEAF_START && node.n <= cap >> 2) this.resize(node, cap >> 1);
      return;
    }
    const i = this.childFor(node, score, member);
    node.cnt[i]--;
    node.total--;
    const child = node.kids[i];
    this.removeRec(child, score, member);
    if (child instanceof Leaf ? child.n < LEAF_MIN : child.n < INNER_MIN) this.rebalance(node, i);
  }

  /** Child i of `node` is under its minimum: merge it with a sibling, or even them out. */
  private rebalance(node: Inner, i: number): void {
    if (node.n < 2) return;
    const l = i > 0 ? i - 1 : i;
    const left = node.kids[l];
    const right = node.kids[l + 1];
    if (left instanceof Leaf && right instanceof Leaf) {
      const total = left.n + right.n;
      if (total <= LEAF_CAP) {
        this.mergeLeaves(left, right);
        node.cnt[l] = left.n;
        this.removeSlot(node, l + 1);
      } else {
        this.evenLeaves(left, right, total);
        node.cnt[l] = left.n;
        node.cnt[l + 1] = right.n;
        node.sepS[l + 1] = right.sc[0];
        node.sepM[l + 1] = right.mem[0] as string;
      }
      return;
    }
    const a = left as Inner;
    const b = right as Inner;
    const total = a.n + b.n;
    if (total <= INNER_CAP) {
      for (let j = 0; j < b.n; j++) this.moveSlot(b, j, a, a.n + j);
      a.n = total;
      this.retotal(a);
      node.cnt[l] = a.total;
      this.removeSlot(node, l + 1);
    } else {
      const want = total >> 1;
      if (a.n < want) {
        const k = want - a.n;
        for (let j = 0; j < k; j++) this.moveSlot(b, j, a, a.n + j);
        a.n += k;
        for (let j = k; j < b.n; j++) this.moveSlot(b, j, b, j - k);
        b.n -= k;
      } else {
        const k = a.n - want;
        for (let j = b.n - 1; j >= 0; j--) this.moveSlot(b, j, b, j + k);
        for (let j = 0; j < k; j++) this.moveSlot(a, want + j, b, j);
        a.n = want;
        b.n += k;
      }
      this.retotal(a);
      this.retotal(b);
      node.cnt[l] = a.total;
      node.cnt[l + 1] = b.total;
      node.sepS[l + 1] = b.sepS[0];
      node.sepM[l + 1] = b.sepM[0];
    }
  }

  private mergeLeaves(left: Leaf, right: Leaf): void {
    if (left.mem.length < left.n + right.n) this.resize(left, nextCap(left.n + right.n));
    for (let j = 0; j < right.n; j++) {
      left.mem[left.n + j] = right.mem[j];
      left.sc[left.n + j] = right.sc[j];
    }
    left.n += right.n;
    left.next = right.next;
    if (right.next !== null) right.next.prev = left;
    else this.tail = left;
  }

  private evenLeaves(left: Leaf, right: Leaf, total: number): void {
    const want = total >> 1;
    if (left.n < want) {
      const k = want - left.n;
      if (left.mem.length < want) this.resize(left, nextCap(want));
      for (let j = 0; j < k; j++) {
        left.mem[left.n + j] = right.mem[j];
        left.sc[left.n + j] = right.sc[j];
      }
      left.n = want;
      for (let j = k; j < right.n; j++) right.mem[j - k] = right.mem[j];
      right.sc.copyWithin(0, k, right.n);
      for (let j = right.n - k; j < right.n; j++) right.mem[j] = undefined;
      right.n -= k;
    } else {
      const k = left.n - want;
      if (right.mem.length < right.n + k) this.resize(right, nextCap(right.n + k));
      for (let j = right.n - 1; j >= 0; j--) right.mem[j + k] = right.mem[j];
      right.sc.copyWithin(k, 0, right.n);
      for (let j = 0; j < k; j++) {
        right.mem[j] = left.mem[want + j];
        right.sc[j] = left.sc[want + j];
        left.mem[want + j] = undefined;
      }
      right.n += k;
      left.n = want;
    }
  }
}
