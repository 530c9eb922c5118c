// Per-slot columns of the keyspace (expiry, LRU, arena address, ...) in fixed segments of 32Ki entries.
// A column grows by adding a segment, never by copying: one flat typed array per column, doubled when
// full, copied ~450 MB and stalled every client for 1.1 s when the keyspace passed 8M keys (issue 11,
// item 2). A read costs one more indexed load (the segment, almost always cached).
//
// One class per element type, on purpose: a single generic class would make every element access site
// see several typed-array kinds (polymorphic), on the keyspace's hottest path. A segment is 64-256 KB:
// large enough that the allocator maps it on its own (returned to the system when freed, not left in
// its heap), and untouched pages of an almost empty database's segments cost no memory.

const SEG_BITS = 15;
/** Entries per segment. */
export const SEGMENT = 1 << SEG_BITS;
const SEG_MASK = SEGMENT - 1;

/** Segments needed for `n` entries. */
const segmentsFor = (n: number): number => Math.ceil(n / SEGMENT);

/** A column of float64 (absolute times, arena addresses); new entries hold `init`. */
export class F64Column {
  private segs: Float64Array[] = [];
  constructor(private readonly init = 0) {}
  get(i: number): number {
    return this.segs[i >>> SEG_BITS][i & SEG_MASK];
  }
  set(i: number, v: number): void {
    this.segs[i >>> SEG_BITS][i & SEG_MASK] = v;
  }
  /** Room for entries [0, n). */
  ensure(n: number): void {
    while (this.segs.length < segmentsFor(n)) {
      const a = new Float64Array(SEGMENT);
      if (this.init !== 0) a.fill(this.init);
      this.segs.push(a);
    }
  }
  get byteLength(): number {
    return this.segs.length * SEGMENT * 8;
  }
}

/** A column of int32 (slot numbers, list links); new entries hold `init`. */
export class I32Column {
  private segs: Int32Array[] = [];
  constructor(private readonly init = 0) {}
  get(i: number): number {
    return this.segs[i >>> SEG_BITS][i & SEG_MASK];
  }
  set(i: number, v: number): void {
    this.segs[i >>> SEG_BITS][i & SEG_MASK] = v;
  }
  ensure(n: number): void {
    while (this.segs.length < segmentsFor(n)) {
      const a = new Int32Array(SEGMENT);
      if (this.init !== 0) a.fill(this.init);
      this.segs.push(a);
    }
  }
  get byteLength(): number {
    return this.segs.length * SEGMENT * 4;
  }
}

/** A column of uint32 (LRU seconds, LFU fields), new entries 0. */
export class U32Column {
  private segs: Uint32Array[] = [];
  get(i: number): number {
    return this.segs[i >>> SEG_BITS][i & SEG_MASK];
  }
  set(i: number, v: number): void {
    this.segs[i >>> SEG_BITS][i & SEG_MASK] = v;
  }
  ensure(n: number): void {
    while (this.segs.length < segmentsFor(n)) this.segs.push(new Uint32Array(SEGMENT));
  }
  get byteLength(): number {
    return this.segs.length * SEGMENT * 4;
  }
}

/** A column of uint16 (cluster hash slots), new entries 0. */
export class U16Column {
  private segs: Uint16Array[] = [];
  get(i: number): number {
    return this.segs[i >>> SEG_BITS][i & SEG_MASK];
  }
  set(i: number, v: number): void {
    this.segs[i >>> SEG_BITS][i & SEG_MASK] = v;
  }
  ensure(n: number): void {
    while (this.segs.length < segmentsFor(n)) this.segs.push(new Uint16Array(SEGMENT));
  }
  get byteLength(): number {
    return this.segs.length * SEGMENT * 2;
  }
}
