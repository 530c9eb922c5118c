// Differential: HyperLogLog (PFADD PFCOUNT PFMERGE PFDEBUG) on a real redis-server 7 and on a shardcache
// node, every reply compared byte for byte in RESP2 and RESP3 (spec/helpers/differential.ts), and the
// stored strings compared with GET after the writes: the representation (sparse opcodes, promotion to
// dense at hll-sparse-max-bytes, the cached cardinality in the header) must be Redis's to the byte.
// PFADD runs of up to 100,000 elements in batches, under several hll-sparse-max-bytes; unions; PFDEBUG;
// strings that are not HLLs and corrupt HLLs; HLLs carried from one server to the other with GET/SET.
// DIFF_SELF=1 runs both sides on redis-server (to check the sequences themselves).
import { expect } from 'chai';
import Redis from 'ioredis';
import { DiffPair, bulk, each, haveRedis, n, rng, text, type Normalizer, type Step } from '../helpers/differential';
import { needs } from './needs';

/** The header of a sparse HLL whose cached cardinality is stale. */
const SPARSE_HDR = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
const DENSE_HDR = 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';

/** Elements `prefix0` ... with a few binary ones, deterministic. */
function elements(prefix: string, from: number, count: number): string[] {
  const out: string[] = [];
  for (let i = from; i < from + count; i++) out.push(i % 11 === 0 ? `${prefix}\x00\xff${i}\r\n` : `${prefix}${i}`);
  return out;
}

/**
 * PFADD of `total` elements into key in batches (small ones first: the sparse form's every step), a GET of
 * the value after each batch and a PFCOUNT (then GET: the cached cardinality) now and then.
 */
function growth(key: string, total: number, prefix: string): Step[] {
  const steps: Step[] = [];
  let done = 0;
  let batch = 0;
  while (done < total) {
    const size = Math.min(total - done, batch < 30 ? 1 + batch * 2 : batch < 40 ? 100 : 2000);
    steps.push(['PFADD', key, ...elements(prefix, done, size)]);
    steps.push(['GET', key]);
    if (batch % 4 === 0) steps.push(['PFCOUNT', key], ['GET', key], ['PFDEBUG', 'ENCODING', key]);
    done += size;
    batch++;
  }
  steps.push(['PFCOUNT', key], ['GET', key], ['STRLEN', key]);
  return steps;
}

const DEFAULTS: Step[] = [['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']];

/** INFO stats reduced to the keyspace hit and miss counters (which lookups count as reads). */
const hitsAndMisses: Normalizer = each((r) => {
  const s = r.t === '$' || r.t === '=' ? text(r) : null;
  if (s === null) return r;
  return bulk(s.split('\r\n').filter((l) => /^keyspace_(hits|misses):/.test(l)).join('\n'));
});

const SEQUENCES: Record<string, Step[]> = {
  'keyspace hits and misses: PFCOUNT and the sources of PFMERGE count, the rest does not': [
    ['CONFIG', 'RESETSTAT'],
    ['PFADD', 'a', 'x'],
    ['PFADD', 'nokey-add'],
    ['PFCOUNT', 'a'],
    ['PFCOUNT', 'nokey'],
    ['PFCOUNT', 'a', 'nokey', 'a'],
    ['PFMERGE', 'm', 'a', 'nokey'],
    ['PFMERGE', 'm2'],
    ['PFDEBUG', 'ENCODING', 'a'],
    ['PFDEBUG', 'ENCODING', 'nokey'],
    n(hitsAndMisses, 'INFO', 'stats'),
  ],
  'PFADD of 100,000 elements in batches: every stored byte, the count and its cache': growth('h', 100000, 'element:'),
  'hll-sparse-max-bytes 0, 100, 1000, 12000, 20000: promotion when the sparse form would pass it': [
    ...['0', '100', '1000', '12000', '20000'].flatMap((max): Step[] => [['CONFIG', 'SET', 'hll-sparse-max-bytes', max], ...growth(`h${max}`, 6000, `m${max}:`)]),
    // A smaller limit applies to HLLs made under a larger one at their next growth.
    ['PFADD', 'h20000', 'more1', 'more2', 'more3'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '50'],
    ['PFDEBUG', 'ENCODING', 'h20000'],
    ['PFADD', 'h20000', ...elements('late:', 0, 40)],
    ['PFDEBUG', 'ENCODING', 'h20000'],
    ['GET', 'h20000'],
    ...DEFAULTS,
  ],
  'PFADD and PFCOUNT basics: new keys, no elements, repeats, binary elements': [
    ['PFADD', 'e'],
    ['GET', 'e'],
    ['PFADD', 'e'],
    ['PFCOUNT', 'e'],
    ['GET', 'e'],
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['GET', 'h'],
    ['PFADD', 'h', 'a', 'c'],
    ['PFADD', 'h', '', '\x00', '\x00\x00', '\xff\xfe\r\n', 'x'.repeat(1000)],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['PFCOUNT', 'nokey'],
    ['PFCOUNT', 'nokey', 'nokey2'],
    ['PFCOUNT', 'h', 'nokey'],
    ['EXISTS', 'nokey'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['TYPE', 'h'],
    ['STRLEN', 'h'],
  ],
  'PFMERGE: sparse and dense inputs, missing keys, the destination itself, TTL kept': [
    ['PFADD', 's1', ...elements('s1:', 0, 50)],
    ['PFADD', 's2', ...elements('s2:', 0, 80)],
    ['PFADD', 'd1', ...elements('d1:', 0, 5000)],
    ['PFDEBUG', 'ENCODING', 'd1'],
    ['PFMERGE', 'm1', 's1', 's2', 'nokey'],
    ['GET', 'm1'],
    ['PFCOUNT', 'm1'],
    ['GET', 'm1'],
    ['PFMERGE', 'm1', 'd1'],
    ['GET', 'm1'],
    ['PFCOUNT', 'm1'],
    ['PFMERGE', 'm2', 's1', 'd1', 's2'],
    ['GET', 'm2'],
    ['PFMERGE', 's1', 's2'],
    ['GET', 's1'],
    ['PFMERGE', 'only'],
    ['GET', 'only'],
    ['PFMERGE', 'only'],
    ['GET', 'only'],
    ['PFCOUNT', 's1', 's2', 'd1', 'm2'],
    ['PFCOUNT', 'd1', 'd1'],
    ['PFADD', 'ttl', 'x'],
    ['EXPIRE', 'ttl', '1000'],
    ['PFMERGE', 'ttl', 's2'],
    ['TTL', 'ttl'],
    ['PFADD', 'ttl', 'y'],
    ['TTL', 'ttl'],
    ['CONFIG', 'SET', 'hll-sparse-max-bytes', '40'],
    ['PFMERGE', 'm3', 's1', 's2'],
    ['PFDEBUG', 'ENCODING', 'm3'],
    ['GET', 'm3'],
    ...DEFAULTS,
  ],
  'PFDEBUG: GETREG (making it dense), DECODE, ENCODING, TODENSE, errors': [
    ['PFADD', 'h', ...elements('r:', 0, 30)],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFDEBUG', 'encoding', 'h'],
    ['PFDEBUG', 'GETREG', 'h'],
    ['PFDEBUG', 'ENCODING', 'h'],
    ['GET', 'h'],
    ['PFDEBUG', 'TODENSE', 'h'],
    ['PFDEBUG', 'DECODE', 'h'],
    ['PFADD', 'h2', 'a'],
    ['PFDEBUG', 'TODENSE', 'h2'],
    ['GET', 'h2'],
    ['PFCOUNT', 'h2'],
    ['PFDEBUG', 'NOPE', 'h2'],
    ['PFDEBUG', 'nope\x00x', 'h2'],
    ['PFDEBUG', 'GETREG', 'nokey'],
    ['PFDEBUG', 'NOPE', 'nokey'],
    ['SET', 'str', 'abc'],
    ['PFDEBUG', 'ENCODING', 'str'],
    ['HSET', 'hh', 'f', 'v'],
    ['PFDEBUG', 'ENCODING', 'hh'],
  ],
  'strings that are not HLLs, other types, corrupt HLLs': [
    ['HSET', 'hh', 'f', 'v'],
    ['PFADD', 'ok', 'a'],
    ['PFADD', 'hh', 'a'],
    ['PFCOUNT', 'hh'],
    ['PFCOUNT', 'ok', 'hh'],
    ['PFMERGE', 'd', 'ok', 'hh'],
    ['PFMERGE', 'hh', 'ok'],
    ['EXISTS', 'd'],
    ['SET', 'short', 'HYLL'],
    ['SET', 'magic', `hyll${SPARSE_HDR.slice(4)}\x7f\xff`],
    ['SET', 'enc', `HYLL\x02${SPARSE_HDR.slice(5)}\x7f\xff`],
    ['SET', 'dense', `${DENSE_HDR}\x7f\xff`],
    ['SET', 'int', '123'],
    ...['short', 'magic', 'enc', 'dense', 'int'].flatMap((k): Step[] => [
      ['PFADD', k, 'a'],
      ['PFCOUNT', k],
      ['PFCOUNT', 'ok', k],
      ['PFMERGE', 'd2', k],
      ['PFDEBUG', 'ENCODING', k],
    ]),
    ['EXISTS', 'd2'],
    // Runs that do not cover 16384 registers: XZERO:16383; an XZERO cut short; XZERO:8000 only.
    ['SET', 'c1', `${SPARSE_HDR}\x7f\xfe`],
    ['SET', 'c2', `${SPARSE_HDR}\x7f`],
    ['SET', 'c3', `${SPARSE_HDR}\x5f\x3f`],
    ...['c1', 'c2', 'c3'].flatMap((k): Step[] => [
      ['PFCOUNT', k],
      ['PFCOUNT', k, 'ok'],
      ['PFMERGE', 'd3', k],
      ['PFDEBUG', 'TODENSE', k],
      ['PFDEBUG', 'GETREG', k],
      ['PFDEBUG', 'DECODE', k],
    ]),
    // Elements landing below register 8000 are added before one beyond it meets the end of the runs.
    ['PFADD', 'c3', ...elements('c:', 0, 20)],
    ['GET', 'c3'],
    ['PFADD', 'c1', 'a'],
    ['GET', 'c1'],
    // A valid sparse HLL with registers planted past what PFADD makes (VAL:32 x4), and a dense one with
    // registers above 51.
    ['SET', 'v32', `${SPARSE_HDR}\xff\x7f\xfb`],
    ['PFCOUNT', 'v32'],
    ['PFADD', 'v32', ...elements('v:', 0, 10)],
    ['GET', 'v32'],
    ['SET', 'hi', `${DENSE_HDR}${'\xff'.repeat(12288)}`],
    ['PFCOUNT', 'hi'],
    ['PFCOUNT', 'hi', 'ok'],
    ['PFMERGE', 'hi2', 'hi', 'ok'],
    ['GET', 'hi2'],
    ['PFADD', 'hi', 'a'],
  ],
  'the cached cardinality: planted by SETRANGE, reused until a change, u64 replied as signed': [
    ['PFADD', 'h', 'a', 'b', 'c'],
    ['PFCOUNT', 'h'],
    ['SETRANGE', 'h', '8', '\x07'],
    ['PFCOUNT', 'h'],
    ['SETRANGE', 'h', '8', '\xff\xff\xff\xff\xff\xff\xff\x7f'],
    ['PFCOUNT', 'h'],
    ['SETRANGE', 'h', '8', '\x01\x00\x00\x00\x00\x00\x20\x00'],
    ['PFCOUNT', 'h'],
    ['PFADD', 'h', 'a'],
    ['PFCOUNT', 'h'],
    ['PFADD', 'h', 'zz'],
    ['GET', 'h'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['SETRANGE', 'h', '15', '\x80'],
    ['PFCOUNT', 'h'],
    ['GET', 'h'],
    ['SETRANGE', 'h', '5', 'xyz'],
    ['PFADD', 'h', 'q'],
    ['GET', 'h'],
  ],
};

/** A random sequence over a few HLL keys: adds, counts, unions, encodings, GETs, limit changes. */
function randomHllSequence(seed: number, count: number): Step[] {
  const r = rng(seed);
  const KEYS = ['p1', 'p2', 'p3', 'p4'];
  const k = () => r.pick(KEYS);
  let next = 0;
  const els = (): string[] => {
    const m = r.pick([0, 1, 2, 5, 20, 60, 400]);
    // Some elements repeat earlier ones (no register change).
    return Array.from({ length: m }, () => (r.chance(0.2) && next > 0 ? `r${r.int(next)}` : `r${next++}`));
  };
  const gens: (() => Step)[] = [
    () => ['PFADD', k(), ...els()],
    () => ['PFADD', k(), ...els()],
    () => ['PFCOUNT', k()],
    () => ['PFCOUNT', k(), k(), ...(r.chance(0.5) ? [k()] : [])],
    () => ['PFMERGE', k(), ...(r.chance(0.8) ? [k()] : []), ...(r.chance(0.5) ? [k()] : [])],
    () => ['PFDEBUG', 'ENCODING', k()],
    () => ['PFDEBUG', r.pick(['TODENSE', 'DECODE']), k()],
    () => ['GET', k()],
    () => ['DEL', k()],
    () => ['DEL', k()],
    () => ['CONFIG', 'SET', 'hll-sparse-max-bytes', r.pick(['0', '200', '1000', '3000', '3000', '8000'])],
  ];
  const out: Step[] = [];
  for (let i = 0; i < count; i++) out.push(r.pick(gens)());
  for (const key of KEYS) out.push(['GET', key], ['PFCOUNT', key], ['GET', key]);
  out.push(...DEFAULTS);
  return out;
}

const HLL_COMMANDS = ['pfadd', 'pfcount', 'pfmerge', 'pfdebug'];

const commandsIn = (steps: Step[]): number => steps.filter((s) => !('sleepMs' in s)).length;

(haveRedis ? needs(HLL_COMMANDS) : describe.skip)('differential: HyperLogLog against redis-server 7', function () {
  this.timeout(180000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
  });
  after(async () => {
    await pair?.stop();
  });
  beforeEach(async () => {
    await pair.expectSame(DEFAULTS, { resp: 2, label: 'defaults' });
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, steps] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(commandsIn(steps));
        });
      }
      for (const seed of [5, 61, 2024]) {
        it(`a seeded random sequence (seed ${seed}, 300 commands)`, async () => {
          const steps = randomHllSequence(seed + resp, 300);
          const got = await pair.expectSame(steps, { resp, label: `seed ${seed}` });
          expect(got.length).to.equal(steps.length);
          const dense = got.filter((c) => c.cmd[0] === 'GET' && c.redis.length > 12000);
          const sparse = got.filter((c) => c.cmd[0] === 'GET' && c.redis.length > 30 && c.redis.length < 12000);
          expect([dense.length, sparse.length].map((x) => x > 2), `GETs of dense and sparse HLLs: ${dense.length}, ${sparse.length}`).to.deep.equal([true, true]);
        });
      }
    });
  }

  it('an HLL made by one server is read and extended by the other (GET/SET), with the same bytes and counts', async () => {
    const a = new Redis(pair.redis.port, '127.0.0.1', { lazyConnect: true });
    const b = new Redis(pair.node.port, '127.0.0.1', { lazyConnect: true });
    await Promise.all([a.connect(), b.connect()]);
    try {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ]) {
        for (const size of [10, 300, 20000]) {
          await Promise.all([a.del('x'), b.del('x')]);
          const first = elements(`x${size}:`, 0, size);
          for (let i = 0; i < first.length; i += 1000) await from.pfadd('x', ...first.slice(i, i + 1000));
          const made = await from.getBuffer('x');
          expect(made).to.not.equal(null);
          await to.set('x', made as Buffer);
          const more = elements(`y${size}:`, 0, 500);
          expect(await a.pfcount('x', 'x')).to.equal(await b.pfcount('x', 'x'));
          expect([await a.pfadd('x', ...more), await b.pfadd('x', ...more)]).to.deep.equal([1, 1]);
          expect(await a.pfcount('x')).to.equal(await b.pfcount('x'));
          const [va, vb] = [(await a.getBuffer('x')) as Buffer, (await b.getBuffer('x')) as Buffer];
          expect(va.equals(vb), `size ${size}`).to.equal(true);
        }
      }
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
