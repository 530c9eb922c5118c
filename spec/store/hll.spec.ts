// The HyperLogLog representation (lib/store/hll.ts) against a model: 16384 registers in a plain array.
// Random register updates through the sparse form (splits, merges, promotion to dense at
// hll-sparse-max-bytes or a value above 32) must always decode to the model's registers and count as the
// model counts; corrupt sparse forms are refused. Byte equality with Redis is the differential spec's job
// (spec/integration/diff-hll.spec.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import {
  addTo,
  count,
  countRaw,
  decodeSparse,
  denseGet,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  hllPatLen,
  isHll,
  mergeInto,
  newHll,
  setRegisterMax,
  sparseSet,
  sparseToDense,
  type HllWork,
} from '../../lib/store/hll';

function registersOf(w: HllWork): Uint8Array {
  const r = new Uint8Array(HLL_REGISTERS);
  expect(mergeInto(r, w.buf, 0, w.len), 'valid').to.equal(true);
  return r;
}

function fresh(): HllWork {
  const b = newHll();
  return { buf: b, len: b.length };
}

const update = fc.record({
  index: fc.oneof(fc.integer({ min: 0, max: HLL_REGISTERS - 1 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: HLL_REGISTERS - 40, max: HLL_REGISTERS - 1 })),
  count: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 51 }) }),
});

describe('HyperLogLog representation', () => {
  it('a new HLL is sparse, one XZERO of 16384, cardinality 0 cached', () => {
    const w = fresh();
    expect(w.len).to.equal(HLL_HDR_SIZE + 2);
    expect(Buffer.from(w.buf).toString('latin1')).to.equal('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff');
    expect(isHll(w.buf, 0, w.len)).to.equal(true);
    expect(decodeSparse(w.buf, 0, w.len)).to.equal('Z:16384');
    expect(count(w.buf, 0, w.len)).to.equal(0);
  });

  it('sparse updates decode to the model registers; counts agree with dense and raw (property)', () => {
    fc.assert(
      fc.property(fc.array(update, { maxLength: 120 }), fc.constantFrom(3000, 60, 200, 100000), (ups, maxBytes) => {
        const w = fresh();
        const model = new Uint8Array(HLL_REGISTERS);
        for (const { index, count: c } of ups) {
          const changed = c > model[index];
          let r: number;
          if (w.buf[4] === HLL_DENSE) {
            const before = denseGet(w.buf, HLL_HDR_SIZE, index);
            setRegisterMax(w, index, c, maxBytes);
            r = c > before ? 1 : 0;
          } else r = sparseSet(w, index, c, maxBytes);
          expect(r, 'changed').to.equal(changed ? 1 : 0);
          if (changed) model[index] = c;
          if (w.buf[4] === HLL_SPARSE) expect(w.len, 'within max bytes unless it grew by promotion').to.be.at.most(Math.max(maxBytes, HLL_HDR_SIZE + 2));
          else expect(w.len).to.equal(HLL_DENSE_SIZE);
        }
        expect(Buffer.from(registersOf(w)).equals(Buffer.from(model))).to.equal(true);
        const n = count(w.buf, 0, w.len);
        expect(n).to.equal(countRaw(model));
        const d: HllWork = { buf: w.buf.slice(0, w.len), len: w.len };
        expect(sparseToDense(d)).to.equal(true);
        expect(d.len).to.equal(HLL_DENSE_SIZE);
        expect(count(d.buf, 0, d.len)).to.equal(n);
        for (let i = 0; i < HLL_REGISTERS; i += 97) expect(denseGet(d.buf, HLL_HDR_SIZE, i)).to.equal(model[i]);
      }),
      { numRuns: 300 },
    );
  });

  it('a register above 32 makes it dense; so does passing hll-sparse-max-bytes', () => {
    const w = fresh();
    expect(sparseSet(w, 5, 33, 3000)).to.equal(1);
    expect(w.buf[4]).to.equal(HLL_DENSE);
    const v = fresh();
    let i = 0;
    while (v.buf[4] === HLL_SPARSE) sparseSet(v, (i++ * 131) % HLL_REGISTERS, 1 + (i % 5), 100);
    expect(i).to.be.below(100);
  });

  it('refuses corrupt sparse forms: runs not covering exactly 16384 registers', () => {
    const bad = (ops: number[]): HllWork => {
      const b = new Uint8Array(HLL_HDR_SIZE + ops.length);
      b.set(newHll().subarray(0, HLL_HDR_SIZE));
      b.set(ops, HLL_HDR_SIZE);
      return { buf: b, len: b.length };
    };
    for (const ops of [[0x7f, 0xfe], [0x7f, 0xff, 0x00], [0x7f], [], [0x80, 0x7f, 0xff]]) {
      const w = bad(ops);
      expect(isHll(w.buf, 0, w.len)).to.equal(true); // the header is fine
      expect(count(w.buf, 0, w.len), JSON.stringify(ops)).to.equal(-1);
      expect(mergeInto(new Uint8Array(HLL_REGISTERS), w.buf, 0, w.len)).to.equal(false);
      expect(sparseToDense({ buf: w.buf, len: w.len })).to.equal(false);
    }
    // An opcode run past the last register: the update finds no opcode covering it.
    const short = bad([0x7f, 0xfe]); // XZERO:16383
    expect(sparseSet(short, 16383, 1, 3000)).to.equal(-1);
    expect(addTo(bad([]), 'x', 3000)).to.equal(-1);
  });

  it('isHll: the magic, a known encoding, a dense one of exactly 12304 bytes', () => {
    const h = newHll();
    const b = Buffer.from(h);
    expect(isHll(b, 0, b.length)).to.equal(true);
    expect(isHll(b, 0, 15)).to.equal(false);
    b[0] = 0x68; // 'h'
    expect(isHll(b, 0, b.length)).to.equal(false);
    const c = Buffer.from(h);
    c[4] = 2;
    expect(isHll(c, 0, c.length)).to.equal(false);
    c[4] = HLL_DENSE;
    expect(isHll(c, 0, c.length)).to.equal(false);
    const d = Buffer.alloc(HLL_DENSE_SIZE);
    d.write('HYLL', 'latin1');
    expect(isHll(d, 0, d.length)).to.equal(true);
  });

  it('hllPatLen: the register is the low 14 bits of the hash, the value 1 + the zeros after them (1..51)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const p = hllPatLen(`e${i}`);
      const value = p & 63;
      expect(value).to.be.within(1, 51);
      expect(p >>> 6).to.be.below(HLL_REGISTERS);
      seen.add(value);
    }
    expect(seen.has(1) && seen.has(2) && seen.has(8)).to.equal(true);
  });
});

