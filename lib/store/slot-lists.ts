// The keyspace's hash-slot index (cluster mode only): per Redis Cluster hash slot (0..16383) the head of
// an intrusive doubly-linked list threaded through per-entry next/prev columns, plus a count per hash
// slot, so adding and deleting a key stay O(1) and a slot's keys can be listed or dropped (migration,
// CLUSTER GETKEYSINSLOT). Entry links are stored + 1 (0 = none), so new segments need no fill.
import { SLOTS } from '../util/slots';
import { I32Column, U16Column } from './columns';

export class HashSlotLists {
  private head = new Int32Array(SLOTS); // entry + 1, 0 = empty
  private counts = new Int32Array(SLOTS);
  private of = new U16Column();
  private next = new I32Column();
  private prev = new I32Column();

  /** Room for entries [0, n). */
  ensure(n: number): void {
    this.of.ensure(n);
    this.next.ensure(n);
    this.prev.ensure(n);
  }

  /** Keys in hash slot `hs`. */
  count(hs: number): number {
    return this.counts[hs];
  }

  /** The first entry of hash slot `hs`, -1 when none. */
  first(hs: number): number {
    return this.head[hs] - 1;
  }

  /** The entry after `s` in its hash slot's list, -1 when none. */
  after(s: number): number {
    return this.next.get(s) - 1;
  }

  /** Puts entry s at the head of hash slot hs's list. */
  link(s: number, hs: number): void {
    const h = this.head[hs];
    this.of.set(s, hs);
    this.next.set(s, h);
    this.prev.set(s, 0);
    if (h !== 0) this.prev.set(h - 1, s + 1);
    this.head[hs] = s + 1;
    this.counts[hs]++;
  }

  /** Takes entry s out of its hash slot's list. */
  unlink(s: number): void {
    const hs = this.of.get(s);
    const n = this.next.get(s);
    const p = this.prev.get(s);
    if (p !== 0) this.next.set(p - 1, n);
    else this.head[hs] = n;
    if (n !== 0) this.prev.set(n - 1, p);
    this.counts[hs]--;
  }

  get byteLength(): number {
    return this.head.byteLength + this.counts.byteLength + this.of.byteLength + this.next.byteLength + this.prev.byteLength;
  }
}
