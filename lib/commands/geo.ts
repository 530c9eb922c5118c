// Geo commands on sorted sets (Redis 7.2 geo.c): GEOADD stores a position as the member's score (a 52-bit
// geohash, the same number Redis stores, so ZSCORE and the ZRANGE family see what they see in Redis);
// GEODIST, GEOHASH, GEOPOS read it back; GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family search the
// nine geohash boxes around a point as Redis does (lib/util/geohash.ts), keep the members inside the
// circle or box, and sort them by distance when asked (ties keep the order they were found in).
// Replies print as Redis: distances with 4 decimals (fixedpoint_d2string), coordinates as "%.17Lf" without
// trailing zeros (RESP3 doubles), hashes as integers.
// Effects: GEOADD as ZADD key score member for what changed (through ZADD's code); the STORE forms as
// the destination's resulting state.
import * as E from '../protocol/errors';
import { ZSetValue } from '../store/zset';
import { formatFixed, formatFixedPoint, formatHuman, parseDouble } from '../util/double';
import {
  align52,
  boxScores,
  decodeScore,
  distance,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  GEO_STEP_MAX,
  geohashEncodeWGS84,
  geohashString,
  searchBoxes,
  withinShape,
  type GeoShape,
} from '../util/geohash';
import { is, parseInt64 } from './args';
import type { CommandContext as Client } from './context';
import { declarer, type CommandSpec } from './types';
import { limits, lookupRead, WRONG_TYPE, zsetAt } from './zset-common';
import { zaddGeneric } from './zset';

/** extractLongLatOrReply: [longitude, latitude] from two arguments, or null after the error. */
function lonLat(c: Client, lonArg: string, latArg: string): [number, number] | null {
  const x = parseDouble(lonArg);
  if (x === null) {
    c.out.error(E.ERR_NOT_FLOAT);
    return null;
  }
  const y = parseDouble(latArg);
  if (y === null) {
    c.out.error(E.ERR_NOT_FLOAT);
    return null;
  }
  if (x < GEO_LONG_MIN || x > GEO_LONG_MAX || y < GEO_LAT_MIN || y > GEO_LAT_MAX) {
    c.out.error(E.errGeoLonLat(formatFixed(x, 6), formatFixed(y, 6)));
    return null;
  }
  return [x, y];
}

/** extractUnitOrReply: meters per unit, or -1 after the error. */
function unit(c: Client, u: string): number {
  if (is(u, 'm')) return 1;
  if (is(u, 'km')) return 1000;
  if (is(u, 'ft')) return 0.3048;
  if (is(u, 'mi')) return 1609.34;
  c.out.error(E.ERR_GEO_UNIT);
  return -1;
}

// ---- GEOADD, GEODIST, GEOHASH, GEOPOS ----

/**
 * GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD of each member with its geohash as score
 * (the same reply, errors and effects). Errors: syntax error (not triples, or NX with XX), value is not a
 * valid float, invalid longitude,latitude pair, WRONGTYPE.
 */
function geoadd(c: Client, argv: string[]): void {
  let at = 2;
  let nx = false;
  let xx = false;
  for (; at < argv.length; at++) {
    const o = argv[at];
    if (is(o, 'nx')) nx = true;
    else if (is(o, 'xx')) xx = true;
    else if (!is(o, 'ch')) break;
  }
  if ((argv.length - at) % 3 !== 0 || (xx && nx)) return c.out.error(E.ERR_SYNTAX);
  const zargv = ['zadd', ...argv.slice(1, at)];
  for (let i = at; i < argv.length; i += 3) {
    const xy = lonLat(c, argv[i], argv[i + 1]);
    if (xy === null) return;
    const h = geohashEncodeWGS84(xy[0], xy[1], GEO_STEP_MAX);
    zargv.push(String(h === null ? 0 : align52(h)), argv[i + 2]);
  }
  zaddGeneric(c, zargv, false);
}

/** GEODIST key member1 member2 [M|KM|FT|MI]: the distance with 4 decimals; nil when a member or the key is missing. */
function geodist(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = unit(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) return c.out.error(E.ERR_SYNTAX);
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.nil();
  const z = zsetAt(c, s);
  const a = z.score(argv[2]);
  const b = z.score(argv[3]);
  if (a === undefined || b === undefined) return c.out.nil();
  const [x1, y1] = decodeScore(a);
  const [x2, y2] = decodeScore(b);
  c.out.bulk(formatFixedPoint(distance(x1, y1, x2, y2) / toMeter, 4));
}

/** GEOHASH key member [...]: 11-character standard geohashes, nil for missing members. */
function geohash(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const z = s < 0 ? null : zsetAt(c, s);
  c.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === null ? undefined : z.score(argv[j]);
    if (score === undefined) c.out.nil();
    else c.out.bulk(geohashString(score));
  }
}

/** GEOPOS key member [...]: [longitude, latitude] per member, a null array for missing ones. */
function geopos(c: Client, argv: string[]): void {
  const s = lookupRead(c, argv[1]);
  if (s === WRONG_TYPE) return;
  const z = s < 0 ? null : zsetAt(c, s);
  c.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === null ? undefined : z.score(argv[j]);
    if (score === undefined) {
      c.out.nilArray();
      continue;
    }
    const [x, y] = decodeScore(score);
    c.out.array(2);
    c.out.double(formatHuman(x));
    c.out.double(formatHuman(y));
  }
}

// ---- searches ----

const COORDS = 1;
const MEMBER = 2;
const NOSTORE = 4;
const SEARCH = 8;
const SEARCHSTORE = 16;

interface Found {
  member: string;
  score: number;
  dist: number;
  x: number;
  y: number;
}

/** membersOfAllNeighbors: the members inside the shape, box by box, stopping at `limit` (0: none). */
function search(z: ZSetValue, shape: GeoShape, limit: number): Found[] {
  const boxes = searchBoxes(shape);
  const out: Found[] = [];
  let last = 0;
  for (let i = 0; i < boxes.length; i++) {
    const b = boxes[i];
    if (b.bits === 0 && b.step === 0) continue;
    if (last !== 0 && b.bits === boxes[last].bits && b.step === boxes[last].step) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const [min, max] = boxScores(b);
    // Scores in [min, max), in order.
    const rank = z.countBefore((s) => s >= min);
    if (rank < z.size) {
      const c = z.at(rank);
      while (c.leaf !== null) {
        const score = c.leaf.sc[c.pos];
        if (!(score < max)) break;
        const [x, y] = decodeScore(score);
        const d = withinShape(shape, x, y);
        if (d >= 0) out.push({ member: c.leaf.mem[c.pos] as string, score, dist: d, x, y });
        if (out.length > 0 && limit > 0 && out.length >= limit) break;
        if (++c.pos >= c.leaf.n) {
          c.leaf = c.leaf.next;
          c.pos = 0;
        }
      }
    }
    last = i;
  }
  return out;
}

/**
 * georadiusGeneric: GEORADIUS[_RO], GEORADIUSBYMEMBER[_RO], GEOSEARCH, GEOSEARCHSTORE. Errors in Redis's
 * order: WRONGTYPE; for GEORADIUS the position and radius (value is not a valid float, invalid
 * longitude,latitude pair, need numeric radius, radius cannot be negative, unsupported unit); for
 * GEORADIUSBYMEMBER the member (could not decode requested zset member) and radius; then each option
 * (syntax error, COUNT must be > 0, ...), then the combinations (STORE with a WITH option, no FROM or BY option, ANY
 * without COUNT).
 */
function georadiusGeneric(c: Client, argv: string[], srcAt: number, flags: number): void {
  const s = lookupRead(c, argv[srcAt]);
  if (s === WRONG_TYPE) return;
  const z = s < 0 ? null : zsetAt(c, s);
  const shape: GeoShape = { circle: true, lon: 0, lat: 0, conversion: 1, radius: 0, width: 0, height: 0 };
  let store: string | null = null;
  let storeDist = false;
  let base: number;
  if (flags & COORDS) {
    base = 6;
    const xy = lonLat(c, argv[2], argv[3]);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!radiusOf(c, argv[4], argv[5], shape)) return;
  } else if (flags & MEMBER && z === null) {
    base = 5;
  } else if (flags & MEMBER) {
    base = 5;
    const score = (z as ZSetValue).score(argv[2]);
    if (score === undefined) return c.out.error(E.ERR_GEO_MEMBER);
    [shape.lon, shape.lat] = decodeScore(score);
    if (!radiusOf(c, argv[3], argv[4], shape)) return;
  } else {
    base = 2;
    if (flags & SEARCHSTORE) {
      base = 3;
      store = argv[1];
    }
  }
  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = 0; // 0 none, 1 asc, 2 desc
  let any = false;
  let count = 0;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const a = argv[base + i];
    if (is(a, 'withdist')) withDist = true;
    else if (is(a, 'withhash')) withHash = true;
    else if (is(a, 'withcoord')) withCoords = true;
    else if (is(a, 'any')) any = true;
    else if (is(a, 'asc')) sort = 1;
    else if (is(a, 'desc')) sort = 2;
    else if (is(a, 'count') && i + 1 < remaining) {
      const n = parseInt64(argv[base + i + 1]);
      if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
      if (n <= 0) return c.out.error(E.ERR_GEO_COUNT);
      count = typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
      i++;
    } else if ((is(a, 'store') || is(a, 'storedist')) && i + 1 < remaining && !(flags & NOSTORE) && !(flags & SEARCH)) {
      store = argv[base + i + 1];
      storeDist = is(a, 'storedist');
      i++;
    } else if (is(a, 'storedist') && flags & SEARCH && flags & SEARCHSTORE) {
      storeDist = true;
    } else if (is(a, 'frommember') && i + 1 < remaining && flags & SEARCH && !fromLoc) {
      if (z !== null) {
        const score = z.score(argv[base + i + 1]);
        if (score === undefined) return c.out.error(E.ERR_GEO_MEMBER);
        [shape.lon, shape.lat] = decodeScore(score);
      }
      fromMember = true;
      i++;
    } else if (is(a, 'fromlonlat') && i + 2 < remaining && flags & SEARCH && !fromMember) {
      const xy = lonLat(c, argv[base + i + 1], argv[base + i + 2]);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromLoc = true;
      i += 2;
    } else if (is(a, 'byradius') && i + 2 < remaining && flags & SEARCH && !byBox) {
      if (!radiusOf(c, argv[base + i + 1], argv[base + i + 2], shape)) return;
      shape.circle = true;
      byRadius = true;
      i += 2;
    } else if (is(a, 'bybox') && i + 3 < remaining && flags & SEARCH && !byRadius) {
      const w = parseDouble(argv[base + i + 1]);
      if (w === null) return c.out.error(E.ERR_GEO_WIDTH);
      const h = parseDouble(argv[base + i + 2]);
      if (h === null) return c.out.error(E.ERR_GEO_HEIGHT);
      if (h < 0 || w < 0) return c.out.error(E.ERR_GEO_BOX_NEGATIVE);
      const conv = unit(c, argv[base + i + 3]);
      if (conv < 0) return;
      shape.width = w;
      shape.height = h;
      shape.conversion = conv;
      shape.circle = false;
      byBox = true;
      i += 3;
    } else return c.out.error(E.ERR_SYNTAX);
  }
  if (store !== null && (withDist || withHash || withCoords)) return c.out.error(E.errGeoStoreWith(flags & SEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  if (flags & SEARCH && !(fromMember || fromLoc)) return c.out.error(E.errGeoFrom(argv[0]));
  if (flags & SEARCH && !(byRadius || byBox)) return c.out.error(E.errGeoBy(argv[0]));
  if (any && count === 0) return c.out.error(E.ERR_GEO_ANY);
  if (z === null) {
    if (store !== null) {
      if (c.db.delete(store)) c.effects.key(store);
      return c.out.int(0);
    }
    return c.out.array(0);
  }
  if (count !== 0 && sort === 0 && !any) sort = 1;
  const found = search(z, shape, any ? count : 0);
  if (found.length === 0 && store === null) return c.out.array(0);
  const returned = count === 0 || found.length < count ? found.length : count;
  // A stable sort: equal distances keep the order they were found in (glibc's qsort is a merge sort here).
  if (sort === 1) found.sort((p, q) => (p.dist > q.dist ? 1 : p.dist < q.dist ? -1 : 0));
  else if (sort === 2) found.sort((p, q) => (p.dist > q.dist ? -1 : p.dist < q.dist ? 1 : 0));
  if (store === null) {
    const options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0);
    c.out.array(returned);
    for (let i = 0; i < returned; i++) {
      const p = found[i];
      if (options > 0) c.out.array(options + 1);
      c.out.bulk(p.member);
      if (withDist) c.out.bulk(formatFixedPoint(p.dist / shape.conversion, 4));
      if (withHash) c.out.int(Math.trunc(p.score));
      if (withCoords) {
        c.out.array(2);
        c.out.double(formatHuman(p.x));
        c.out.double(formatHuman(p.y));
      }
    }
    return;
  }
  storeResults(c, store, found.slice(0, returned), storeDist, shape.conversion);
}

/** extractDistanceOrReply into the shape (a circle's radius and unit); false after the error. */
function radiusOf(c: Client, radiusArg: string, unitArg: string, shape: GeoShape): boolean {
  const r = parseDouble(radiusArg);
  if (r === null) {
    c.out.error(E.ERR_GEO_RADIUS);
    return false;
  }
  if (r < 0) {
    c.out.error(E.ERR_GEO_RADIUS_NEGATIVE);
    return false;
  }
  const conv = unit(c, unitArg);
  if (conv < 0) return false;
  shape.radius = r;
  shape.conversion = conv;
  return true;
}

/** The STORE / STOREDIST / GEOSEARCHSTORE destination: the results as a sorted set (geohash or distance as score), or deleted. */
function storeResults(c: Client, dst: string, found: Found[], storeDist: boolean, conversion: number): void {
  if (found.length === 0) {
    if (c.db.delete(dst)) c.effects.key(dst);
    return c.out.int(0);
  }
  const acc = new Map<string, number>();
  for (const p of found) if (!acc.has(p.member)) acc.set(p.member, storeDist ? p.dist / conversion : p.score);
  const members = [...acc.keys()].sort((a, b) => {
    const x = acc.get(a) as number;
    const y = acc.get(b) as number;
    return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  const z = ZSetValue.fromSorted(
    members,
    members.map((m) => acc.get(m) as number),
    false,
  );
  const lim = limits(c);
  let longest = 0;
  for (const m of members) if (m.length > longest) longest = m.length;
  z.convertToListpackIfNeeded(lim.entries, lim.value, longest);
  c.db.set(dst, z);
  c.effects.key(dst);
  c.out.int(found.length);
}

function georadius(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 1, COORDS);
}

function georadiusbymember(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 1, MEMBER);
}

function georadiusRo(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 1, COORDS | NOSTORE);
}

function georadiusbymemberRo(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 1, MEMBER | NOSTORE);
}

function geosearch(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 1, SEARCH);
}

function geosearchstore(c: Client, argv: string[]): void {
  georadiusGeneric(c, argv, 2, SEARCH | SEARCHSTORE);
}

/** georadiusGetKeys: the source, and the STORE/STOREDIST destination (the last one given) from argv[5] on. */
function georadiusKeys(argv: readonly string[]): number[] {
  let stored = -1;
  for (let i = 5; i < argv.length; i++) {
    if ((is(argv[i], 'store') || is(argv[i], 'storedist')) && i + 1 < argv.length) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

// ---- declarations (Redis 7.2 COMMAND INFO) ----

const READ = ['read', 'geo', 'slow'] as const;
const WRITE = ['write', 'geo', 'slow'] as const;
const cmd = declarer('geo', { keys: { first: 1, last: 1, step: 1 } });

export const geoCommands: readonly CommandSpec[] = [
  cmd({ name: 'geoadd', summary: "Adds one or more members to a geospatial index. The key is created if it doesn't exist.", since: '3.2.0', arity: -5, flags: ['write', 'denyoom'], acl: WRITE, handler: geoadd }),
  cmd({ name: 'geodist', summary: 'Returns the distance between two members of a geospatial index.', since: '3.2.0', arity: -4, flags: ['readonly'], acl: READ, handler: geodist }),
  cmd({ name: 'geohash', summary: 'Returns members from a geospatial index as geohash strings.', since: '3.2.0', arity: -2, flags: ['readonly'], acl: READ, handler: geohash }),
  cmd({ name: 'geopos', summary: 'Returns the longitude and latitude of members from a geospatial index.', since: '3.2.0', arity: -2, flags: ['readonly'], acl: READ, handler: geopos }),
  cmd({ name: 'georadius', summary: 'Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.', since: '3.2.0', arity: -6, flags: ['write', 'denyoom'], acl: WRITE, getKeys: georadiusKeys, handler: georadius }),
  cmd({ name: 'georadiusbymember', summary: 'Queries a geospatial index for members within a distance from a member, optionally stores the result.', since: '3.2.0', arity: -5, flags: ['write', 'denyoom'], acl: WRITE, getKeys: georadiusKeys, handler: georadiusbymember }),
  cmd({ name: 'georadius_ro', summary: 'Returns members from a geospatial index that are within a distance from a coordinate.', since: '3.2.10', arity: -6, flags: ['readonly'], acl: READ, handler: georadiusRo }),
  cmd({ name: 'georadiusbymember_ro', summary: 'Returns members from a geospatial index that are within a distance from a member.', since: '3.2.10', arity: -5, flags: ['readonly'], acl: READ, handler: georadiusbymemberRo }),
  cmd({ name: 'geosearch', summary: 'Queries a geospatial index for members inside an area of a box or a circle.', since: '6.2.0', arity: -7, flags: ['readonly'], acl: READ, handler: geosearch }),
  cmd({ name: 'geosearchstore', summary: 'Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.', since: '6.2.0', arity: -8, flags: ['write', 'denyoom'], acl: WRITE, keys: { first: 1, last: 2, step: 1 }, handler: geosearchstore }),
];
