// Differential: SORT and SORT_RO on sets against a real redis-server 7 (spec/helpers/differential.ts), every
// reply byte for byte in RESP2 and RESP3. Where Redis's order depends on a set's own order (BY a constant),
// the sorted set is an intset, which both servers iterate in ascending order; other sets are sorted
// numerically (ties broken by the elements' bytes) or ALPHA without BY, which leave no choice. ALPHA BY a
// pattern leaves ties on equal weights in whatever order Redis's qsort leaves them: the fixed sequences
// have no such ties, the random one compares those replies sorted. SORT ... STORE makes a list: its sequence runs once the list family is declared (needs LRANGE).
// DIFF_SELF=1 runs both sides on redis-server.
import { expect } from 'chai';
import { DiffPair, diffSelf, haveRedis, mapText, n, rng, sorted, type Step } from '../helpers/differential';
import { hasCommands, needs } from './needs';

const SEQUENCES: Record<string, Step[]> = {
  'numeric and ALPHA order, DESC, LIMIT, errors': [
    ['SADD', 'i', '3', '1', '10', '2', '-5', '100', '0'],
    ['SADD', 'f', '3', '1.5', '10', '2e1', '-5.25', '0x10', ' 7', 'inf', '-inf'],
    ['SADD', 'w', 'apple', 'Banana', 'cherry', '10', '9', '', '\xff', 'a\x00b'],
    ['SORT', 'i'],
    ['SORT', 'i', 'DESC'],
    ['SORT', 'i', 'ALPHA'],
    ['SORT', 'i', 'ALPHA', 'DESC'],
    ['SORT', 'f'],
    ['SORT', 'f', 'DESC'],
    ['SORT', 'f', 'ALPHA'],
    ['SORT', 'w'],
    ['SORT', 'w', 'ALPHA'],
    ['SORT', 'w', 'ALPHA', 'DESC'],
    ['SORT_RO', 'i'],
    ['SORT_RO', 'w', 'ALPHA', 'LIMIT', '1', '3'],
    ['SORT', 'i', 'LIMIT', '0', '3'],
    ['SORT', 'i', 'LIMIT', '2', '2'],
    ['SORT', 'i', 'LIMIT', '-5', '2'],
    ['SORT', 'i', 'LIMIT', '5', '-1'],
    ['SORT', 'i', 'LIMIT', '5', '100'],
    ['SORT', 'i', 'LIMIT', '7', '1'],
    ['SORT', 'i', 'LIMIT', '100', '1'],
    ['SORT', 'i', 'LIMIT', '0', '0'],
    ['SORT', 'i', 'LIMIT', '9223372036854775807', '9223372036854775807'],
    ['SORT', 'i', 'LIMIT', '-9223372036854775808', '2'],
    ['SORT', 'i', 'DESC', 'LIMIT', '1', '2', 'ASC'],
    ['SORT', 'i', 'LIMIT', 'x', '1'],
    ['SORT', 'i', 'LIMIT', '1', 'x'],
    ['SORT', 'i', 'LIMIT', '1'],
    ['SORT', 'i', 'LIMIT', '99999999999999999999', '1'],
    ['SORT', 'i', 'BADOPT'],
    ['SORT', 'i', 'BY'],
    ['SORT', 'i', 'GET'],
    ['SORT', 'i', 'STORE'],
    ['SORT_RO', 'i', 'STORE', 'd'],
    ['SORT', 'nokey'],
    ['SORT', 'nokey', 'ALPHA', 'LIMIT', '0', '5'],
    ['SET', 'str', 'v'],
    ['HSET', 'hash', 'f', 'v'],
    ['SORT', 'str'],
    ['SORT', 'hash', 'ALPHA'],
    ['SORT', 'str', 'BADOPT'],
    ['SORT'],
    ['SORT_RO'],
    ['SADD', 'bad', '1', '2', 'x'],
    ['SORT', 'bad'],
    ['SORT', 'bad', 'LIMIT', '0', '1'],
    ['SORT', 'bad', 'ALPHA'],
    ['SADD', 'nan', 'nan', '1'],
    ['SORT', 'nan'],
    ['SADD', 'ties', '1', '1.0', '01', '1e0', '+1', ' 1'],
    ['SORT', 'ties'],
    ['SORT', 'ties', 'DESC'],
    // Not here: weights out of a double's range (1e400, 1e-400). Redis tests errno == ERANGE after strtod
    // without clearing errno first, so one such weight makes its later numeric SORTs fail too, until some
    // other call overwrites errno (spec/commands/sort.spec.ts checks ours).
  ],
  'BY patterns: string keys, hash fields, missing weights, constant patterns': [
    ['SADD', 'i', '1', '2', '3', '4', '5'],
    ['MSET', 'w_1', '50', 'w_2', '40', 'w_3', '-1', 'w_5', '2.5'],
    ['SORT', 'i', 'BY', 'w_*'],
    ['SORT', 'i', 'BY', 'w_*', 'DESC'],
    ['SORT', 'i', 'BY', 'w_*', 'LIMIT', '1', '2'],
    ['SORT', 'i', 'BY', 'w_*', 'ALPHA'],
    ['SORT', 'i', 'BY', 'w_*', 'ALPHA', 'DESC'],
    // Weights compared ALPHA must not tie: Redis's order among equal weights is its qsort's (pqsort's with
    // LIMIT), unspecified. One member (4, a string key) has none.
    ['HSET', 'h_1', 'f', 'b', 'n', '3'],
    ['HSET', 'h_2', 'f', 'a', 'n', '1'],
    ['HSET', 'h_3', 'f', 'd', 'g', 'x'],
    ['SET', 'h_4', 'a string'],
    ['HSET', 'h_5', 'f', 'c', 'n', '-2'],
    ['SORT', 'i', 'BY', 'h_*->f', 'ALPHA'],
    ['SORT', 'i', 'BY', 'h_*->f', 'ALPHA', 'DESC'],
    ['SORT', 'i', 'BY', 'h_*->n'],
    ['SORT', 'i', 'BY', 'h_*->n', 'DESC', 'LIMIT', '0', '3'],
    ['SORT', 'i', 'BY', 'h_*->'],
    ['SORT', 'i', 'BY', 'nosort'],
    ['SORT', 'i', 'BY', 'nosort', 'DESC'],
    ['SORT', 'i', 'BY', 'nosort', 'LIMIT', '1', '2'],
    ['SORT', 'i', 'BY', 'nosort', 'BY', 'w_*'],
    ['SORT', 'i', 'BY', 'w_*', 'BY', 'nosort'],
    ['SORT', 'i', 'BY', 'nosort', 'ALPHA', 'DESC'],
    ['SET', 'bad_2', 'x'],
    ['SORT', 'i', 'BY', 'bad_*'],
    ['SORT', 'i', 'BY', 'bad_*', 'ALPHA'],
    ['SET', 'x_1_*', '2'],
    ['SET', 'x_2_*', '1'],
    ['SORT', 'i', 'BY', 'x_*_*', 'LIMIT', '0', '2'],
    ['SADD', 'w', 'apple', 'pear', 'fig'],
    ['MSET', 'len_apple', '5', 'len_pear', '4', 'len_fig', '3'],
    ['SORT', 'w', 'BY', 'len_*'],
    ['SORT', 'w', 'BY', 'len_*', 'DESC', 'GET', '#', 'GET', 'len_*'],
    ['HSET', 'fruit_apple', 'color', 'red'],
    ['HSET', 'fruit_pear', 'color', 'green'],
    ['HSET', 'fruit_fig', 'color', 'purple'],
    ['SORT', 'w', 'BY', 'fruit_*->color', 'ALPHA', 'GET', 'fruit_*->color'],
  ],
  'lists and sorted sets: numeric, ALPHA, their own order with BY nosort, LIMIT, GET, encodings after': [
    ['RPUSH', 'l', '3', '10', '1', '2', '10'],
    ['SORT', 'l'],
    ['SORT', 'l', 'DESC', 'LIMIT', '1', '3'],
    ['SORT', 'l', 'ALPHA'],
    ['SORT', 'l', 'BY', 'nosort'],
    ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2'],
    ['RPUSH', 'lw', 'b', 'a'],
    ['SORT', 'lw'],
    ['SORT', 'lw', 'ALPHA', 'GET', '#'],
    ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '2', 'bb'],
    ['SORT', 'z', 'ALPHA'],
    ['SORT', 'z', 'BY', 'nosort'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC'],
    ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'],
    ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
    ['OBJECT', 'ENCODING', 'z'],
    ['ZADD', 'zn', '1', '30', '2', '4'],
    ['SORT', 'zn'],
    ['SORT', 'zn', 'ALPHA', 'DESC'],
  ],
  'GET patterns: #, string keys, hash fields, missing keys and wrong types give nil': [
    ['SADD', 'i', '1', '2', '3'],
    ['MSET', 'o_1', 'one', 'o_2', 'two'],
    ['HSET', 'h_1', 'name', 'uno'],
    ['SADD', 'o_3', 'a set'],
    ['SORT', 'i', 'GET', 'o_*'],
    ['SORT', 'i', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->name'],
    ['SORT', 'i', 'GET', 'constant'],
    ['SORT', 'i', 'GET', '#', 'GET', '#'],
    ['SORT', 'i', 'DESC', 'LIMIT', '0', '1', 'GET', 'o_*', 'GET', '#'],
    ['SORT', 'i', 'LIMIT', '5', '5', 'GET', '#'],
    ['SORT', 'i', 'GET', 'h_*->'],
    ['SORT', 'i', 'GET', 'h_*->nope'],
    ['SORT', 'i', 'GET', 'o_*->name'],
    ['SORT', 'i', 'BY', 'nosort', 'GET', 'o_*'],
    ['SORT_RO', 'i', 'GET', '#', 'GET', 'o_*'],
    ['SORT', 'i', 'GET', '#', 'ALPHA', 'DESC'],
  ],
};

/** SORT ... STORE: a list (LRANGE to read it), as soon as the list family exists. */
const STORE_SEQUENCE: Step[] = [
  ['SADD', 'i', '3', '1', '2'],
  ['SADD', 'w', 'b', 'a', 'c'],
  ['SORT', 'i', 'STORE', 'd'],
  ['TYPE', 'd'],
  ['LRANGE', 'd', '0', '-1'],
  // 7.0 (the redis-server here) reports every list as quicklist, 7.2 a small one as listpack.
  n(mapText({ listpack: 'quicklist' }), 'OBJECT', 'ENCODING', 'd'),
  ['SORT', 'w', 'BY', 'nosort', 'STORE', 'd'],
  ['LRANGE', 'd', '0', '-1'],
  ['SORT', 'w', 'ALPHA', 'DESC', 'GET', '#', 'GET', 'nokey_*', 'STORE', 'd'],
  ['LRANGE', 'd', '0', '-1'],
  ['EXPIRE', 'd', '100'],
  ['SORT', 'i', 'LIMIT', '0', '1', 'STORE', 'd'],
  ['TTL', 'd'],
  ['SORT', 'i', 'LIMIT', '5', '1', 'STORE', 'd'],
  ['EXISTS', 'd'],
  ['SORT', 'nokey', 'STORE', 'd'],
  ['SET', 'str', 'v'],
  ['SORT', 'i', 'STORE', 'str'],
  ['TYPE', 'str'],
  ['SADD', 'bad', 'x'],
  ['SORT', 'bad', 'STORE', 'd'],
  ['EXISTS', 'd'],
];

// ---- the seeded random sequence ----

const INTS = ['1', '2', '3', '5', '8', '13', '-1', '0', '100'];
const STRS = ['a', 'b', 'c', '1', '2', '10', 'x y', '', '\xff', '1.5'];
const WEIGHTS = ['1', '2', '-3', '2.5', '1e3', '', 'x', '0x1A', ' 4', '7 ', 'inf'];

/**
 * `count` steps: SADD/SREM on an intset 'si' and a string set 'ss', weights (w_<m> strings, h_<m> hash
 * field f) set and deleted, and SORT with random options. BY a constant and ALPHA BY (whose ties keep the
 * set's order) only sort 'si'.
 */
export function randomSortSequence(seed: number, count: number): Step[] {
  const r = rng(seed);
  const member = () => r.pick([...INTS, ...STRS]);
  /**
   * A SORT of key with random options. ALPHA BY a pattern ties on equal (or missing) weights, and Redis
   * orders ties as its qsort happens to: such a reply is compared as a sorted multiset, without LIMIT.
   */
  const sortStep = (): Step => {
    const key = r.pick(['si', 'ss']);
    const out: string[] = [r.pick(['SORT', 'SORT_RO']), key];
    const alpha = r.chance(0.4);
    const by = r.pick(key === 'si' ? ['', 'w_*', 'h_*->f', 'nosort'] : ['', 'w_*', 'h_*->f']);
    const ties = alpha && by.includes('*');
    if (by !== '') out.push('BY', by);
    if (!ties && r.chance(0.3)) out.push('LIMIT', String(r.int(6) - 1), String(r.int(6) - 1));
    for (let g = r.int(3); g > 0; g--) out.push('GET', r.pick(['#', 'w_*', 'h_*->f', 'o_*', 'nope']));
    if (r.chance(0.4)) out.push(r.pick(['ASC', 'DESC']));
    if (alpha) out.push('ALPHA');
    return ties ? n(sorted, ...out) : out;
  };
  const gens: (() => Step)[] = [
    () => ['SADD', 'si', r.pick(INTS), r.pick(INTS)],
    () => ['SADD', 'ss', member(), member()],
    () => ['SREM', r.pick(['si', 'ss']), member()],
    () => ['SET', `w_${member()}`, r.pick(WEIGHTS)],
    () => ['HSET', `h_${member()}`, 'f', r.pick(WEIGHTS)],
    () => ['SET', `o_${member()}`, r.pick(WEIGHTS)],
    () => ['DEL', r.pick(['w_', 'h_', 'o_']) + member()],
    sortStep,
    sortStep,
    sortStep,
  ];
  const out: Step[] = [];
  for (let i = 0; i < count; i++) out.push(r.pick(gens)());
  return out;
}

(haveRedis ? needs(['sort', 'sort_ro', 'sadd', 'rpush', 'zadd']) : describe.skip)('differential: SORT on sets against redis-server 7', function () {
  this.timeout(60000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
  });
  after(async () => {
    await pair?.stop();
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, steps] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(steps.length);
        });
      }
      for (const seed of [5, 1234]) {
        it(`a seeded random sequence (seed ${seed}, 400 commands)`, async () => {
          const steps = randomSortSequence(seed, 400);
          const got = await pair.expectSame(steps, { resp, label: `seed ${seed}` });
          expect(got.length).to.equal(400);
          // The sequence must sort non-empty sets, not only errors.
          const nonEmpty = got.filter((c) => c.cmd[0].startsWith('SORT') && c.redis[0] === 0x2a && c.redis.length > 12);
          expect(nonEmpty.length).to.be.greaterThan(20);
        });
      }
      // Runs once lists exist (and always with DIFF_SELF=1, which checks the sequence on Redis alone).
      (diffSelf || hasCommands(['lrange']) ? describe : describe.skip)('STORE (a list)', () => {
        it('stores a list, drops the TTL, deletes on an empty result', async () => {
          const got = await pair.expectSame(STORE_SEQUENCE, { resp, label: 'STORE' });
          expect(got.length).to.equal(STORE_SEQUENCE.length);
        });
      });
    });
  }
});
