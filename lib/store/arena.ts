// A slab arena: the keyspace's bytes (keys and string values) off the V8 heap, so the garbage collector
// never walks them and memory goes back to the system when they go.
//
// Memory comes in slabs (1 MiB Buffers outside the V8 heap). Entries are appended to the slab being
// filled (bump allocation: no free lists, no search): header (u32 payload size, i32 owner; -1 = freed)
// then the payload. An entry's address is `slab * 2^32 + offset of its payload`, a plain number that
// a Float64Array holds exactly. A freed entry's bytes are not reused in place: its slab's live count
// drops, a slab left with no live entry is released at once, and one whose live bytes fell under half
// its size is "sparse": compact() moves its live entries to the slab being filled (telling the owner
// the new address through onMove) until it is empty and released. That is what bounds fragmentation
// and returns memory after mass deletes. A payload larger than a quarter slab gets a buffer of its own,
// released as soon as it is freed.
//
// resize() changes an entry's size (a string value that grew: SETBIT past its end, HyperLogLog updates).
// It works in place when it can: a large payload whose buffer has room, the last entry of the slab being
// filled. Otherwise the entry moves; a payload of GROW_OWN_BYTES or more that moves to grow (asked to be
// greedy: a bitmap set past its end) gets a buffer
// of its own with as much room again (at most GROW_SLACK_MAX_BYTES more), as Redis's sds strings grow
// greedily, so that a value growing a few bytes at a time is copied a logarithmic number of times.
//
// The arena never moves anything by itself: compact() runs only when its owner calls it, so addresses
// the owner holds stay valid between its own calls.

/** Bytes of an entry's header: payload size (u32), owner (i32, -1 once freed). */
export const ENTRY_HEADER = 8;
/** Size of a slab. */
export const SLAB_BYTES = 1 << 20;
/** addr = slab * ADDR_SPAN + payload offset. */
const ADDR_SPAN = 2 ** 32;
/** A slab whose live bytes fall under this share of its size is compacted. */
const SPARSE_SHARE = 0.5;
/** A payload at least this large that has to move to grow gets a buffer of its own with room to grow (bytes). */
export const GROW_OWN_BYTES = 64 * 1024;
/** Most room added beyond the size asked for when a payload moves to grow (bytes). */
const GROW_SLACK_MAX_BYTES = 1 << 20;

/** What the arena holds (INFO's allocator_* figures). */
export interface ArenaStats {
  /** Bytes of live entries, headers included. */
  readonly allocated: number;
  /** Bytes of every slab and large buffer held. */
  readonly active: number;
  /** Slabs and large buffers held. */
  readonly slabs: number;
}

export class Arena {
  private slabs: (Buffer | null)[] = [];
  /** Live bytes (headers included) per slab id. */
  private live: number[] = [];
  /** Where the entries of each slab end (the fill offset when it stopped being filled). */
  private ends: number[] = [];
  /** True for a large payload's own buffer. */
  private large: boolean[] = [];
  private freeIds: number[] = [];
  /** The slab being filled (-1: none) and its next free offset. */
  private cur = -1;
  private top = 0;
  /** Slabs to compact, and where the walk of the first one stopped. */
  private sparse = new Set<number>();
  private walkId = -1;
  private walkOff = 0;
  private allocatedBytes = 0;
  private activeBytes = 0;
  private releasedBytes = 0;
  private slabCount = 0;

  /**
   * `onMove(owner, addr)`: compact() moved `owner`'s entry; `addr` is its new address. `slabBytes`
   * (specs): the slab size.
   */
  constructor(
    private readonly onMove: (owner: number, addr: number) => void,
    private readonly slabBytes = SLAB_BYTES,
  ) {}

  get stats(): ArenaStats {
    return { allocated: this.allocatedBytes, active: this.activeBytes, slabs: this.slabCount };
  }

  /** Bytes of live entries, headers included. */
  get allocated(): number {
    return this.allocatedBytes;
  }

  /** Bytes held (slabs and large buffers). */
  get active(): number {
    return this.activeBytes;
  }

  /**
   * Bytes of slabs and large buffers released so far: the system gets them back when the garbage
   * collector frees their Buffers (the node's idle reclaimer watches this).
   */
  get released(): number {
    return this.releasedBytes;
  }

  /** Room for a payload of `size` bytes belonging to `owner` (>= 0); returns its address. */
  alloc(size: number, owner: number): number {
    const need = size + ENTRY_HEADER;
    if (need > this.slabBytes >>> 2) return this.allocLarge(size, owner);
    if (this.cur < 0 || this.top + need > this.slabBytes) this.startSlab();
    const id = this.cur;
    const b = this.slabs[id] as Buffer;
    const off = this.top;
    b.writeUInt32LE(size, off);
    b.writeInt32LE(owner, off + 4);
    this.top = off + need;
    this.live[id] += need;
    this.allocatedBytes += need;
    return id * ADDR_SPAN + off + ENTRY_HEADER;
  }

  /** Frees the entry at `addr`. */
  free(addr: number): void {
    const id = Math.floor(addr / ADDR_SPAN);
    const off = addr - id * ADDR_SPAN - ENTRY_HEADER;
    const b = this.slabs[id] as Buffer;
    const need = b.readUInt32LE(off) + ENTRY_HEADER;
    b.writeInt32LE(-1, off + 4);
    this.allocatedBytes -= need;
    const live = (this.live[id] -= need);
    if (this.large[id]) {
      this.release(id);
      return;
    }
    if (id === this.cur) {
      if (live === 0) this.top = 0; // empty: fill it again from the start
      return;
    }
    if (live === 0) this.release(id);
    else if (live < this.slabBytes * SPARSE_SHARE) this.sparse.add(id);
  }

  /**
   * Changes the payload size of the entry at `addr` to `size`, keeping its first min(old, size) bytes
   * (the bytes beyond the old size are undefined). Returns the entry's address: the same when it changed
   * in place (a large payload with room in its buffer, or the last entry of the slab being filled with
   * room after it), else a new one (the old address is freed; the owner must take the new one).
   * `greedy`: the payload is expected to grow again (see the header: room to grow when it moves).
   */
  resize(addr: number, size: number, owner: number, greedy = false): number {
    const id = Math.floor(addr / ADDR_SPAN);
    const hdr = addr - id * ADDR_SPAN - ENTRY_HEADER;
    const b = this.slabs[id] as Buffer;
    const old = b.readUInt32LE(hdr);
    const delta = size - old;
    if (delta === 0) return addr;
    const inPlace = this.large[id]
      ? hdr + ENTRY_HEADER + size <= b.length
      : id === this.cur && hdr + ENTRY_HEADER + old === this.top && size + ENTRY_HEADER <= this.slabBytes >>> 2 && this.top + delta <= this.slabBytes;
    if (inPlace) {
      b.writeUInt32LE(size, hdr);
      this.live[id] += delta;
      this.allocatedBytes += delta;
      if (this.large[id]) this.ends[id] += delta;
      else this.top += delta;
      return addr;
    }
    const na =
      greedy && delta > 0 && size >= GROW_OWN_BYTES ? this.allocLarge(size, owner, size + Math.min(size, GROW_SLACK_MAX_BYTES)) : this.alloc(size, owner);
    const from = hdr + ENTRY_HEADER;
    b.copy(this.buf(na), this.off(na), from, from + Math.min(old, size));
    this.free(addr);
    return na;
  }

  /** The buffer holding the entry at `addr`. */
  buf(addr: number): Buffer {
    return this.slabs[Math.floor(addr / ADDR_SPAN)] as Buffer;
  }

  /** The offset of the payload at `addr` in buf(addr). */
  off(addr: number): number {
    return addr % ADDR_SPAN;
  }

  /** The payload size of the entry at `addr`. */
  sizeOf(addr: number): number {
    const id = Math.floor(addr / ADDR_SPAN);
    return (this.slabs[id] as Buffer).readUInt32LE(addr - id * ADDR_SPAN - ENTRY_HEADER);
  }

  /** True while some slab is sparse (compact() has work). */
  get needsCompaction(): boolean {
    return this.sparse.size > 0;
  }

  /**
   * Moves live entries out of sparse slabs into the slab being filled, about `budget` bytes of them
   * (at least one entry when there is work), releasing each slab it empties. Returns the bytes moved.
   */
  compact(budget: number): number {
    let moved = 0;
    while (moved < budget && this.sparse.size > 0) {
      if (this.walkId < 0 || !this.sparse.has(this.walkId)) {
        this.walkId = this.sparse.values().next().value as number;
        this.walkOff = 0;
      }
      const id = this.walkId;
      const src = this.slabs[id] as Buffer;
      const end = this.ends[id];
      let off = this.walkOff;
      while (off < end && moved < budget) {
        const size = src.readUInt32LE(off);
        const owner = src.readInt32LE(off + 4);
        const need = size + ENTRY_HEADER;
        if (owner >= 0) {
          const addr = this.alloc(size, owner);
          src.copy(this.buf(addr), this.off(addr), off + ENTRY_HEADER, off + need);
          src.writeInt32LE(-1, off + 4);
          this.live[id] -= need;
          this.allocatedBytes -= need;
          moved += need;
          this.onMove(owner, addr);
        }
        off += need;
      }
      this.walkOff = off;
      if (off >= end || this.live[id] === 0) {
        // Every live entry moved out (entries freed meanwhile only lowered the count).
        this.sparse.delete(id);
        this.walkId = -1;
        this.release(id);
      }
    }
    return moved;
  }

  /** Compacts every sparse slab now (MEMORY PURGE). Returns the bytes moved. */
  compactAll(): number {
    return this.compact(Infinity);
  }

  private startSlab(): void {
    if (this.cur >= 0) {
      const id = this.cur;
      this.ends[id] = this.top;
      if (this.live[id] === 0) this.release(id);
      else if (this.live[id] < this.slabBytes * SPARSE_SHARE) this.sparse.add(id);
    }
    this.cur = this.newId(Buffer.allocUnsafeSlow(this.slabBytes), false);
    this.top = 0;
  }

  /** A payload in a buffer of its own with room for `capacity` bytes (resize() grows it in place up to that). */
  private allocLarge(size: number, owner: number, capacity = size): number {
    const need = size + ENTRY_HEADER;
    const b = Buffer.allocUnsafeSlow(capacity + ENTRY_HEADER);
    b.writeUInt32LE(size, 0);
    b.writeInt32LE(owner, 4);
    const id = this.newId(b, true);
    this.live[id] = need;
    this.ends[id] = need;
    this.allocatedBytes += need;
    return id * ADDR_SPAN + ENTRY_HEADER;
  }

  private newId(b: Buffer, large: boolean): number {
    const id = this.freeIds.length > 0 ? (this.freeIds.pop() as number) : this.slabs.length;
    this.slabs[id] = b;
    this.live[id] = 0;
    this.ends[id] = b.length;
    this.large[id] = large;
    this.activeBytes += b.length;
    this.slabCount++;
    return id;
  }

  private release(id: number): void {
    const b = this.slabs[id] as Buffer;
    this.activeBytes -= b.length;
    this.releasedBytes += b.length;
    this.slabCount--;
    this.slabs[id] = null;
    this.sparse.delete(id);
    if (this.walkId === id) this.walkId = -1;
    if (id === this.cur) this.cur = -1;
    this.freeIds.push(id);
  }
}
