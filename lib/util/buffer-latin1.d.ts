// Node's Buffer has latin1Slice(start, end) (what toString('latin1', start, end) calls after its argument
// checks); @types/node does not declare it. The request parser uses it on the hot path.
export {};
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
  }
}
