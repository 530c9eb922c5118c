// The replication backlog: the last `size` bytes of the stream, in a circular buffer, with Redis's offsets
// (master_repl_offset is the offset of the last byte produced; the first byte ever is offset 1). Appends
// are cheap string concatenations; they reach the buffer in batches (commit), before any read.

/** Pending appends are copied into the buffer once they pass this many bytes (or before a read). */
const COMMIT_BYTES = 64 * 1024;

export class Backlog {
  private buf: Buffer;
  /** Offset of the last byte appended (master_repl_offset). */
  offset: number;
  /** Bytes of history held in the buffer (committed or pending), at most size. */
  private held = 0;
  private pending = '';

  constructor(
    size: number,
    offset = 0,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, size));
    this.offset = offset;
  }

  get size(): number {
    return this.buf.length;
  }

  /** repl_backlog_histlen: bytes of history it can serve. */
  get histlen(): number {
    return Math.min(this.held + this.pending.length, this.buf.length);
  }

  /** repl_backlog_first_byte_offset: offset of the oldest byte held (offset + 1 when empty). */
  get firstByteOffset(): number {
    return this.offset - this.histlen + 1;
  }

  /** Appends stream bytes (a latin1 string); advances offset by their length. */
  append(s: string): void {
    this.pending += s;
    this.offset += s.length;
    if (this.pending.length >= COMMIT_BYTES) this.commit();
  }

  /** Appends stream bytes as received (a replica's); advances offset by their length. */
  appendBytes(b: Buffer): void {
    this.commit();
    const size = this.buf.length;
    const src = b.length > size ? b.subarray(b.length - size) : b;
    this.offset += b.length;
    let pos = (this.offset - src.length) % size; // where src's first byte goes (offsets start at 1)
    let done = 0;
    while (done < src.length) {
      const n = Math.min(size - pos, src.length - done);
      src.copy(this.buf, pos, done, done + n);
      done += n;
      pos = 0;
    }
    this.held = Math.min(this.held + src.length, size);
  }

  /** Forgets the history; the next byte appended gets offset + 1 (a full resync at `offset`). */
  reset(offset: number): void {
    this.pending = '';
    this.held = 0;
    this.offset = offset;
  }

  /** Changes the size, keeping the newest bytes that fit (CONFIG SET repl-backlog-size). */
  resize(size: number): void {
    size = Math.max(1, size);
    if (size === this.buf.length) return;
    const keep = Math.min(this.histlen, size);
    const tail = keep > 0 ? this.read(this.offset - keep + 1) : Buffer.alloc(0);
    this.buf = Buffer.allocUnsafe(size);
    this.held = 0;
    this.pending = '';
    const end = this.offset;
    this.offset -= keep;
    this.append(tail.toString('latin1'));
    this.offset = end;
  }

  /** True when every byte from offset `from` on is held (from may be offset + 1: nothing to send). */
  has(from: number): boolean {
    return from >= this.firstByteOffset && from <= this.offset + 1;
  }

  /** The bytes [from, offset]; `from` must satisfy has(from). */
  read(from: number): Buffer {
    this.commit();
    const n = this.offset - from + 1;
    if (n <= 0) return Buffer.alloc(0);
    const size = this.buf.length;
    const start = (from - 1) % size;
    if (start + n <= size) return Buffer.from(this.buf.subarray(start, start + n));
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, start, size);
    this.buf.copy(out, size - start, 0, n - (size - start));
    return out;
  }

  /** Copies pending appends into the circular buffer. */
  commit(): void {
    let s = this.pending;
    if (s.length === 0) return;
    this.pending = '';
    const size = this.buf.length;
    if (s.length > size) s = s.slice(s.length - size);
    // Offset of s's first byte: the stream ends at this.offset.
    const first = this.offset - s.length + 1;
    let pos = (first - 1) % size;
    let done = 0;
    while (done < s.length) {
      const n = Math.min(size - pos, s.length - done);
      this.buf.write(done === 0 && n === s.length ? s : s.slice(done, done + n), pos, n, 'latin1');
      done += n;
      pos = 0;
    }
    this.held = Math.min(this.held + s.length, size);
  }
}
