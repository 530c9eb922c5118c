// Node's Buffer has latin1Slice(start, end) and latin1Write(string, offset) (what toString('latin1', ...)
// and write(string, offset, 'latin1') call after their argument checks); @types/node does not declare
// them. The request parser and the keyspace use them on the hot path.
export {};
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    /** Writes `s` (one byte per char) at `offset`; returns the bytes written. */
    latin1Write(s: string, offset: number, length?: number): number;
  }
}
