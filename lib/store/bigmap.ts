// A string -> number map that keeps working past V8's limit of 2^24 entries for one Map: a chain of
// Maps, each holding at most `perMap` entries. With fewer keys than that (the usual case) it is one Map
// and costs one extra field load per lookup.

/** V8's OrderedHashMap holds at most 2^24 entries; stay below it. */
export const MAP_MAX_ENTRIES = (1 << 24) - (1 << 16);

export class BigMap {
  private maps: Map<string, number>[] = [new Map()];
  private count = 0;

  constructor(private readonly perMap = MAP_MAX_ENTRIES) {}

  get size(): number {
    return this.count;
  }

  /** The value for key, or undefined. */
  get(key: string): number | undefined {
    const maps = this.maps;
    const v = maps[0].get(key);
    if (v !== undefined || maps.length === 1) return v;
    for (let i = 1; i < maps.length; i++) {
      const w = maps[i].get(key);
      if (w !== undefined) return w;
    }
    return undefined;
  }

  /** Sets key to value; the key may or may not exist. */
  set(key: string, value: number): void {
    for (const m of this.maps) {
      if (m.has(key)) {
        m.set(key, value);
        return;
      }
    }
    this.insert(key, value);
  }

  /** Inserts a key known to be absent. */
  insert(key: string, value: number): void {
    let last = this.maps[this.maps.length - 1];
    if (last.size >= this.perMap) {
      // Reuse a map that deletions left with room before growing the chain.
      const roomy = this.maps.find((m) => m.size < this.perMap);
      if (roomy) last = roomy;
      else this.maps.push((last = new Map()));
    }
    last.set(key, value);
    this.count++;
  }

  delete(key: string): boolean {
    for (let i = 0; i < this.maps.length; i++) {
      if (this.maps[i].delete(key)) {
        this.count--;
        if (this.maps.length > 1 && this.maps[i].size === 0) this.maps.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.maps = [new Map()];
    this.count = 0;
  }

  /** How many Maps the chain holds (for specs). */
  get chainLength(): number {
    return this.maps.length;
  }
}
