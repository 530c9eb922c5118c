// The slots of keys with a TTL, as a dense list plus each slot's place in it, so that adding, removing
// and sampling one at random are O(1) (active expiry and the volatile-* eviction policies sample it).
import { I32Column } from './columns';

export class VolatileSet {
  /** Per slot: its position in `list` + 1, 0 when not listed. */
  private pos = new I32Column();
  private list = new I32Column();
  private n = 0;

  get count(): number {
    return this.n;
  }

  /** Room for slots [0, slots). */
  ensure(slots: number): void {
    this.pos.ensure(slots);
    this.list.ensure(slots);
  }

  add(slot: number): void {
    this.pos.set(slot, this.n + 1);
    this.list.set(this.n++, slot);
  }

  remove(slot: number): void {
    const p = this.pos.get(slot) - 1;
    const last = this.list.get(--this.n);
    this.list.set(p, last);
    this.pos.set(last, p + 1);
    this.pos.set(slot, 0);
  }

  /** A listed slot chosen at random, -1 when none. */
  random(): number {
    return this.n === 0 ? -1 : this.list.get(Math.floor(Math.random() * this.n));
  }

  get byteLength(): number {
    return this.pos.byteLength + this.list.byteLength;
  }
}
