// The slab arena (lib/store/arena.ts) against a model: every live entry keeps its bytes wherever
// compaction moves it, the figures are exact, and memory goes back once entries are freed.
import { expect } from 'chai';
import fc from 'fast-check';
import { Arena, ENTRY_HEADER } from '../../lib/store/arena';

const SLAB = 4096; // small slabs: many slab changes, compactions and large entries per run

/** The payload owner `o` writes: its size then a pattern from its id, so a misplaced byte shows. */
function fill(a: Arena, addr: number, size: number, o: number): void {
  const b = a.buf(addr);
  const off = a.off(addr);
  for (let i = 0; i < size; i++) b[off + i] = (o * 31 + i) & 0xff;
}

function intact(a: Arena, addr: number, size: number, o: number): boolean {
  if (a.sizeOf(addr) !== size) return false;
  const b = a.buf(addr);
  const off = a.off(addr);
  for (let i = 0; i < size; i++) if (b[off + i] !== ((o * 31 + i) & 0xff)) return false;
  return true;
}

type Op =
  | { kind: 'alloc'; size: number }
  | { kind: 'free'; pick: number }
  | { kind: 'compact'; budget: number }
  | { kind: 'resize'; pick: number; size: number; greedy: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('alloc' as const), size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 900, max: 3000 })) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), budget: fc.integer({ min: 0, max: 5000 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('resize' as const),
      pick: fc.nat(),
      size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 900, max: 3000 }), fc.integer({ min: 60000, max: 140000 })),
      greedy: fc.boolean(),
    }),
  },
);

describe('Arena', () => {
  it('keeps every live entry intact and its figures exact through allocs, frees, resizes and compactions (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const addrOf = new Map<number, number>();
        const sizeOf = new Map<number, number>();
        const a = new Arena((o, addr) => {
          expect(addrOf.has(o), `moved owner ${o} is live`).to.equal(true);
          addrOf.set(o, addr);
        }, SLAB);
        let next = 0;
        for (const x of ops) {
          if (x.kind === 'alloc') {
            const o = next++;
            const addr = a.alloc(x.size, o);
            fill(a, addr, x.size, o);
            addrOf.set(o, addr);
            sizeOf.set(o, x.size);
          } else if (x.kind === 'free') {
            if (addrOf.size === 0) continue;
            const o = [...addrOf.keys()][x.pick % addrOf.size];
            a.free(addrOf.get(o) as number);
            addrOf.delete(o);
            sizeOf.delete(o);
          } else if (x.kind === 'resize') {
            if (addrOf.size === 0) continue;
            const o = [...addrOf.keys()][x.pick % addrOf.size];
            const old = sizeOf.get(o) as number;
            const addr = a.resize(addrOf.get(o) as number, x.size, o, x.greedy);
            // The kept bytes are the old ones; then the whole payload gets the owner's pattern again.
            const b = a.buf(addr);
            const off = a.off(addr);
            for (let i = 0; i < Math.min(old, x.size); i++) if (b[off + i] !== ((o * 31 + i) & 0xff)) return false;
            fill(a, addr, x.size, o);
            addrOf.set(o, addr);
            sizeOf.set(o, x.size);
          } else {
            a.compact(x.budget);
          }
          let live = 0;
          for (const [o, addr] of addrOf) {
            const size = sizeOf.get(o) as number;
            if (!intact(a, addr, size, o)) return false;
            live += size + ENTRY_HEADER;
          }
          if (a.allocated !== live) return false;
          if (a.active < a.allocated) return false;
        }
        // Everything freed: every slab and large buffer goes back.
        for (const addr of addrOf.values()) a.free(addr);
        a.compactAll();
        return a.allocated === 0 && a.active <= SLAB && a.stats.slabs <= 1;
      }),
      { numRuns: 150 },
    );
  });

  it('after most entries are freed, compactAll brings what it holds under twice the live bytes plus a slab', () => {
    const a = new Arena(() => undefined, SLAB);
    const addrs: number[] = [];
    for (let i = 0; i < 5000; i++) addrs.push(a.alloc(40, i));
    const full = a.active;
    expect(full).to.be.at.least(5000 * 48);
    // Free 9 of every 10 entries: every slab is sparse but none is empty.
    for (let i = 0; i < addrs.length; i++) if (i % 10 !== 0) a.free(addrs[i]);
    expect(a.active, 'no slab empty yet').to.equal(full);
    a.compactAll();
    expect(a.allocated).to.equal(500 * 48);
    expect(a.active).to.be.at.most(2 * a.allocated + SLAB);
    expect(a.needsCompaction).to.equal(false);
  });

  it('compact(budget) moves about budget bytes per call, so writes pay for compaction a little at a time', () => {
    const a = new Arena(() => undefined, SLAB);
    const addrs: number[] = [];
    for (let i = 0; i < 2000; i++) addrs.push(a.alloc(40, i));
    for (let i = 0; i < addrs.length; i++) if (i % 4 !== 0) a.free(addrs[i]);
    expect(a.needsCompaction).to.equal(true);
    const moved = a.compact(200);
    expect(moved).to.be.at.least(200);
    expect(moved).to.be.below(200 + 48 + 1);
    let calls = 1;
    while (a.needsCompaction) {
      a.compact(200);
      calls++;
    }
    expect(calls, 'many small steps, not one').to.be.above(10);
  });

  it('a large payload gets a buffer of its own, released as soon as it is freed', () => {
    const a = new Arena(() => undefined, SLAB);
    const small = a.alloc(10, 0);
    const big = a.alloc(100000, 1);
    expect(a.buf(big).length).to.equal(100000 + ENTRY_HEADER);
    const before = a.active;
    a.free(big);
    expect(a.active).to.equal(before - (100000 + ENTRY_HEADER));
    expect(a.sizeOf(small)).to.equal(10);
  });

  it('resize grows in place where there is room: the last entry of the slab being filled, a large buffer with room', () => {
    const a = new Arena(() => undefined, SLAB);
    const x = a.alloc(10, 0);
    expect(a.resize(x, 500, 0)).to.equal(x); // at the top of the slab
    const y = a.alloc(10, 1);
    const x2 = a.resize(x, 600, 0); // no longer at the top: it moves
    expect(x2).to.not.equal(x);
    expect(a.sizeOf(y)).to.equal(10);
    // Greedy growth past GROW_OWN_BYTES: a buffer with as much room again, then in place.
    const big = a.resize(x2, 70000, 0, true);
    expect(a.buf(big).length).to.equal(140000 + ENTRY_HEADER);
    expect(a.resize(big, 139000, 0, true)).to.equal(big);
    expect(a.allocated).to.equal(139000 + 10 + 2 * ENTRY_HEADER);
    const moved = a.resize(big, 150000, 0, true);
    expect(moved).to.not.equal(big);
    expect(a.active).to.equal(a.buf(moved).length + SLAB * (a.stats.slabs - 1));
  });
});
