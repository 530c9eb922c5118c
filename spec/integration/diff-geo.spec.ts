// Differential: the geo commands (GEOADD ... GEOSEARCHSTORE, the GEORADIUS family) on a real redis-server
// and on a shardcache node, replies compared byte for byte in RESP2 and RESP3 (spec/helpers/differential.ts):
// the scores GEOADD stores (ZSCORE must match), distances with 4 decimals, coordinates "%.17Lf", geohash
// strings, every option and error in Redis's order, searches by radius and box around points and members
// (unsorted replies in the order Redis finds them), STORE / STOREDIST results, and seeded random searches
// over a thousand random points. Where a stored distance shows as a score, 7.0 and 7.2 print it
// differently (spec/helpers/diff-versions.ts).
import { expect } from 'chai';
import { DiffPair, bulk, each, haveRedis, n, rng, type Normalizer, type Resp, type Step } from '../helpers/differential';
import { detectReference, forReference } from '../helpers/diff-versions';
import { needs } from './needs';

/**
 * Distances stored as scores (STOREDIST) compared to 12 significant digits: Redis computes them with glibc's
 * sin, cos and asin, shardcache with V8's, and about 2% of those calls differ in the last bit (neither is
 * correctly rounded), which shows only in a full double; the 4-decimal distances of WITHDIST and GEODIST
 * are compared exactly.
 */
const approx: Normalizer = each(function fix(r: Resp): Resp {
  if (r.t === ',') return { t: ',', s: Number(r.s).toPrecision(12) };
  if (r.t === '$' && r.b !== null && /^\d+\.\d+(e[+-]\d+)?$/.test(r.b.toString('latin1'))) return bulk(Number(r.b.toString('latin1')).toPrecision(12));
  if ('a' in r && r.a !== null) return { t: r.t, a: r.a.map(fix) } as Resp;
  return r;
});

const SICILY = ['13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania', '13.583333', '37.316667', 'Agrigento', '12.758489', '38.788135', 'edge1', '15.5', '38.2', 'Messina'];

const SEQUENCES: Record<string, Step[]> = {
  'GEOADD: options, scores as Redis stores them, errors': [
    ['GEOADD', 'g', ...SICILY],
    ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
    ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo'],
    ['GEOADD', 'g', 'CH', '13.3614', '38.1156', 'Palermo', '1', '1', 'new'],
    ['GEOADD', 'g', 'NX', '0', '0', 'Palermo', '2', '2', 'nx'],
    ['GEOADD', 'g', 'XX', 'CH', '0', '0', 'Palermo', '3', '3', 'xx'],
    ['GEOADD', 'g', 'NX', 'XX', '1', '1', 'a'],
    ['GEOADD', 'g', 'XX', 'NX', 'CH', '1', '1', 'a'],
    ['GEOADD', 'g', 'GT', '1', '1', 'a'],
    ['GEOADD', 'g', '1', '1'],
    ['GEOADD', 'g', '1', '1', 'a', '2'],
    ['GEOADD', 'g', 'x', '1', 'a'],
    ['GEOADD', 'g', '1', 'y', 'a'],
    ['GEOADD', 'g', '200', '1', 'a'],
    ['GEOADD', 'g', '-180.0001', '1', 'a'],
    ['GEOADD', 'g', '1', '85.06', 'a'],
    ['GEOADD', 'g', '1', '-85.0511288', 'a'],
    ['GEOADD', 'g', '180.0078125', '1', 'a'],
    ['GEOADD', 'g', 'inf', '1', 'a'],
    ['GEOADD', 'g', '-inf', '-inf', 'a'],
    ['GEOADD', 'g', '1e300', '1', 'a'],
    ['GEOADD', 'g', '-0', '-0', 'zero'],
    ['GEOADD', 'g', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '0', '0', 'origin', '179.99999', '-85', 'far'],
    ['ZRANGE', 'g', '0', '-1', 'WITHSCORES'],
    ['GEOADD', 'g', '1', '1', 'ok', '500', '1', 'bad'],
    ['ZSCORE', 'g', 'ok'],
    ['SET', 's', 'v'],
    ['GEOADD', 's', '1', '1', 'a'],
    ['GEOADD', 's', '1', '100', 'a'],
    ['GEOADD', 'nokey', 'XX', '1', '1', 'a'],
    ['EXISTS', 'nokey'],
    ['TYPE', 'g'],
  ],
  'GEODIST, GEOHASH, GEOPOS': [
    ['GEOADD', 'g', ...SICILY, '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '0', '0', 'origin', '-0.0001', '0.0001', 'near'],
    ['GEODIST', 'g', 'Palermo', 'Catania'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'km'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'MI'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'ft'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'M'],
    ['GEODIST', 'g', 'Palermo', 'Palermo'],
    ['GEODIST', 'g', 'ne', 'sw'],
    ['GEODIST', 'g', 'origin', 'near'],
    ['GEODIST', 'g', 'Palermo', 'nope'],
    ['GEODIST', 'nokey', 'a', 'b'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'yd'],
    ['GEODIST', 'g', 'Palermo', 'Catania', 'km', 'x'],
    ['GEODIST', 'nokey', 'a', 'b', 'yd'],
    ['GEOHASH', 'g', 'Palermo', 'Catania', 'nope', 'ne', 'sw', 'origin', 'near'],
    ['GEOHASH', 'nokey', 'a'],
    ['GEOPOS', 'g', 'Palermo', 'nope', 'ne', 'sw', 'origin', 'near', 'Messina'],
    ['GEOPOS', 'nokey', 'a', 'b'],
    ['ZADD', 'g', '0', 'z0', '4503599627370495', 'zmax', '1', 'one', '1e15', 'e15', '123.75', 'frac'],
    ['GEOPOS', 'g', 'z0', 'zmax', 'one', 'e15', 'frac'],
    ['GEOHASH', 'g', 'z0', 'zmax', 'one', 'e15', 'frac'],
    ['GEODIST', 'g', 'z0', 'zmax'],
    ['SET', 's', 'v'],
    ['GEOPOS', 's', 'a'],
    ['GEOHASH', 's', 'a'],
    ['GEODIST', 's', 'a', 'b'],
  ],
  'GEORADIUS and GEORADIUSBYMEMBER: options, sorting, COUNT [ANY], STORE / STOREDIST, _RO': [
    ['GEOADD', 'g', ...SICILY],
    ['GEORADIUS', 'g', '15', '37', '200', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'DESC', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'withhash', 'asc'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '2', 'DESC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '10', 'ANY', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '1', 'm'],
    ['GEORADIUS', 'g', '15', '37', '0', 'km'],
    ['GEORADIUS', 'g', '15', '37', '20000', 'km'],
    ['GEORADIUS', 'g', '15', '37', '124.3', 'mi', 'WITHDIST'],
    ['GEORADIUS', 'g', '15', '37', '656000', 'ft', 'WITHDIST', 'ASC'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'out'],
    ['ZRANGE', 'out', '0', '-1', 'WITHSCORES'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'out', 'ASC', 'COUNT', '2'],
    n(approx, 'ZRANGE', 'out', '0', '-1', 'WITHSCORES'),
    ['OBJECT', 'ENCODING', 'out'],
    ['GEORADIUS', 'g', '15', '37', '1', 'm', 'STORE', 'out'],
    ['EXISTS', 'out'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'out', 'WITHDIST'],
    ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'STORE', 'out'],
    ['GEORADIUS_RO', 'g', '15', '37', '200', 'km', 'ASC', 'WITHDIST'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '200', 'km', 'WITHDIST', 'ASC'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '100', 'km'],
    ['GEORADIUSBYMEMBER', 'g', 'nope', '200', 'km'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', 'x', 'km'],
    ['GEORADIUSBYMEMBER_RO', 'g', 'Agrigento', '100', 'km', 'WITHCOORD'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '200', 'km', 'STOREDIST', 'out2'],
    n(approx, 'ZRANGE', 'out2', '0', '-1', 'WITHSCORES'),
    ['GEORADIUS', 'g', '200', '37', '200', 'km'],
    ['GEORADIUS', 'g', 'x', '37', '200', 'km'],
    ['GEORADIUS', 'g', '15', '37', 'x', 'km'],
    ['GEORADIUS', 'g', '15', '37', '-1', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'yd'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '0'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', '-1'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT', 'x'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'COUNT'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'ANY'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FROMLONLAT', '1', '1'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'BYRADIUS', '1', 'km'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'FOO'],
    ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
    ['GEORADIUS', 'nokey', 'x', '37', '200', 'km'],
    ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'out'],
    ['EXISTS', 'out'],
    ['GEORADIUSBYMEMBER', 'nokey', 'a', 'x', 'yd'],
    ['GEORADIUSBYMEMBER', 'nokey', 'a', '1', 'km', 'STORE', 'out2'],
    ['EXISTS', 'out2'],
    ['SET', 's', 'v'],
    ['GEORADIUS', 's', 'x', '37', '200', 'km'],
    ['GEORADIUSBYMEMBER', 's', 'a', '1', 'km'],
  ],
  'GEOSEARCH and GEOSEARCHSTORE: FROMMEMBER/FROMLONLAT, BYRADIUS/BYBOX, errors as typed': [
    ['GEOADD', 'g', ...SICILY],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km', 'DESC', 'WITHDIST', 'WITHCOORD', 'WITHHASH'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '400', '400', 'km', 'ASC', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '100', '300', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '300', '100', 'km', 'WITHDIST'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Catania', 'BYBOX', '0', '0', 'm'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Catania', 'BYBOX', '200', '200', 'mi', 'COUNT', '2', 'ASC'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Catania', 'BYBOX', '200', '200', 'mi', 'COUNT', '1', 'ANY'],
    ['GEOSEARCH', 'g', 'BYRADIUS', '200', 'km', 'FROMLONLAT', '15', '37'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37'],
    ['GEOSEARCH', 'g', 'BYRADIUS', '200', 'km', 'ASC'],
    ['geosearch', 'g', 'BYRADIUS', '200', 'km', 'ASC'],
    ['GeoSearch', 'g', 'FROMLONLAT', '15', '37', 'ASC'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMMEMBER', 'nope', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '200', '37', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', 'x', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'x', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '1', 'km'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '1', 'yd'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STOREDIST'],
    ['GEOSEARCH', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ANY'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'a', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'a'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
    ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST', 'ASC', 'COUNT', '2'],
    n(approx, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES'),
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'WITHDIST'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
    ['EXISTS', 'dst'],
    ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm'],
    ['geosearchstore', 'dst', 'g', 'BYRADIUS', '1', 'm'],
    ['GEOSEARCHSTORE', 'dst', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'm', 'STORE', 'x'],
    ['SET', 's', 'v'],
    ['GEOSEARCH', 's', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
    ['GEOSEARCHSTORE', 'dst', 's', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
  ],
  'searches near the poles, across the antimeridian, and with huge radii (duplicate boxes)': [
    ['GEOADD', 'w', '179.9', '10', 'e1', '-179.9', '10', 'w1', '179.5', '10.2', 'e2', '-179.5', '9.8', 'w2', '0', '84.9', 'n1', '90', '84.5', 'n2', '-90', '-84.9', 's1', '0', '0', 'o', '0.001', '0.001', 'o2'],
    ['GEORADIUS', 'w', '180', '10', '100', 'km', 'ASC', 'WITHDIST'],
    ['GEORADIUS', 'w', '-180', '10', '100', 'km', 'ASC', 'WITHDIST'],
    ['GEOSEARCH', 'w', 'FROMLONLAT', '179.95', '10', 'BYBOX', '200', '200', 'km', 'ASC', 'WITHDIST'],
    ['GEORADIUS', 'w', '0', '85', '1000', 'km', 'ASC', 'WITHDIST'],
    ['GEORADIUS', 'w', '0', '-85', '1000', 'km', 'WITHDIST'],
    ['GEORADIUS', 'w', '0', '0', '10000', 'km', 'WITHDIST'],
    ['GEORADIUS', 'w', '0', '0', '6000', 'km'],
    ['GEORADIUS', 'w', '0', '0', '25000', 'km', 'ASC'],
    ['GEORADIUS', 'w', '0', '0', '0.2', 'km', 'WITHDIST', 'WITHHASH'],
    ['GEOSEARCH', 'w', 'FROMMEMBER', 'o', 'BYBOX', '40000', '40000', 'km', 'DESC'],
  ],
};

/**
 * `points` random positions (seeded) and `count` searches around random centres and members with radii
 * and boxes from meters to thousands of km, sorted or in the order found, with and without COUNT/ANY,
 * WITHDIST/WITHCOORD/WITHHASH, and STORE forms.
 */
function randomGeoSequence(seed: number, points: number, count: number): Step[] {
  const r = rng(seed);
  const lon = () => ((r.next() * 360 - 180) * (r.chance(0.1) ? 0.01 : 1)).toFixed(6);
  const lat = () => ((r.next() * 170 - 85) * (r.chance(0.1) ? 0.01 : 1)).toFixed(6);
  const out: Step[] = [];
  const args: string[] = [];
  for (let i = 0; i < points; i++) args.push(lon(), lat(), `p${i}`);
  out.push(['GEOADD', 'pts', ...args]);
  // A cluster of points around one place, so small searches find many.
  const cl: string[] = [];
  for (let i = 0; i < 200; i++) cl.push((2.35 + (r.next() - 0.5) * 0.2).toFixed(6), (48.85 + (r.next() - 0.5) * 0.2).toFixed(6), `c${i}`);
  out.push(['GEOADD', 'pts', ...cl]);
  const unit = () => r.pick(['m', 'km', 'mi', 'ft']);
  const size = (u: string) => {
    const km = r.pick([0.5, 2, 10, 50, 300, 1000, 3000, 8000]);
    const m = km * 1000 * (0.5 + r.next());
    const per = u === 'm' ? 1 : u === 'km' ? 1000 : u === 'mi' ? 1609.34 : 0.3048;
    return (m / per).toFixed(3);
  };
  const opts = (): string[] => {
    const o: string[] = [];
    if (r.chance(0.5)) o.push('WITHDIST');
    if (r.chance(0.3)) o.push('WITHCOORD');
    if (r.chance(0.2)) o.push('WITHHASH');
    if (r.chance(0.6)) o.push(r.pick(['ASC', 'DESC']));
    if (r.chance(0.3)) o.push('COUNT', String(1 + r.int(20)), ...(r.chance(0.3) ? ['ANY'] : []));
    return o;
  };
  const center = (): string[] => (r.chance(0.5) ? ['FROMLONLAT', lon(), lat()] : ['FROMMEMBER', r.chance(0.5) ? `c${r.int(200)}` : `p${r.int(points)}`]);
  const nearParis = (): string[] => ['FROMLONLAT', (2.35 + (r.next() - 0.5) * 0.1).toFixed(5), (48.85 + (r.next() - 0.5) * 0.1).toFixed(5)];
  const shape = (): string[] => {
    const u = unit();
    return r.chance(0.5) ? ['BYRADIUS', size(u), u] : ['BYBOX', size(u), size(u), u];
  };
  for (let i = 0; i < count; i++) {
    const k = r.int(6);
    if (k === 0) out.push(['GEOSEARCH', 'pts', ...center(), ...shape(), ...opts()]);
    else if (k === 1) out.push(['GEOSEARCH', 'pts', ...nearParis(), ...(r.chance(0.5) ? ['BYRADIUS', String(1 + r.int(8)), 'km'] : ['BYBOX', String(1 + r.int(10)), String(1 + r.int(10)), 'km']), ...opts()]);
    else if (k === 2) {
      const u = unit();
      out.push(['GEORADIUS', 'pts', lon(), lat(), size(u), u, ...opts()]);
    }
    else if (k === 3) out.push(['GEORADIUSBYMEMBER', 'pts', `c${r.int(200)}`, String(1 + r.int(20)), 'km', ...opts()]);
    else if (k === 4) {
      const dist = r.chance(0.5);
      out.push(['GEOSEARCHSTORE', 'dst', 'pts', ...nearParis(), 'BYRADIUS', String(1 + r.int(8)), 'km', ...(dist ? ['STOREDIST'] : [])]);
      out.push(dist ? n(approx, 'ZRANGE', 'dst', '0', '-1', 'WITHSCORES') : ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
    } else out.push(['GEODIST', 'pts', `p${r.int(points)}`, `c${r.int(200)}`, unit()]);
  }
  out.push(['GEOPOS', 'pts', ...Array.from({ length: 50 }, (_v, i) => `p${i}`)], ['GEOHASH', 'pts', ...Array.from({ length: 50 }, (_v, i) => `c${i}`)]);
  return out;
}

const GEO_COMMANDS = ['geoadd', 'geodist', 'geohash', 'geopos', 'georadius', 'georadiusbymember', 'georadius_ro', 'georadiusbymember_ro', 'geosearch', 'geosearchstore'];

(haveRedis ? needs(GEO_COMMANDS) : describe.skip)('differential: geo commands against redis-server', function () {
  this.timeout(120000);
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start();
    await detectReference(pair);
  });
  after(async () => {
    await pair?.stop();
  });

  for (const resp of [2, 3] as const) {
    describe(`RESP${resp}`, () => {
      for (const [name, seq] of Object.entries(SEQUENCES)) {
        it(name, async () => {
          const steps = forReference(seq);
          const got = await pair.expectSame(steps, { resp, label: name });
          expect(got.length).to.equal(steps.length);
        });
      }
      for (const seed of [3, 1999]) {
        it(`seeded random searches (seed ${seed}: 1,000 points, 300 commands)`, async () => {
          const steps = forReference(randomGeoSequence(seed, 1000, 300));
          const got = await pair.expectSame(steps, { resp, label: `geo seed ${seed}` });
          expect(got.length).to.equal(steps.length);
          const found = got.filter((c) => c.cmd[0] === 'GEOSEARCH' && c.redis.length > 30);
          expect(found.length).to.be.greaterThan(10);
        });
      }
    });
  }
});
