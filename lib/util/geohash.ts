// Redis's geohash (geohash.c, geohash_helper.c of Redis 7.2) step for step, so that GEOADD stores the
// same scores as Redis and a search looks at the same boxes with the same floating-point operations.
//
// A position is a 52-bit integer: the latitude's and longitude's offsets in their ranges (latitude
// -85.05112878..85.05112878, longitude -180..180) as 26-bit fixed-point numbers, interleaved (latitude in
// the even bits, longitude in the odd ones). Held as a double (exact below 2^53: it is the sorted-set
// score); the bit operations work on its two 32-bit halves, the rare 64-bit moves (neighbours) on BigInt.
// Distances are Redis's haversine on a sphere of 6372797.560856 m, with Math.sin/cos/asin/sqrt (V8's
// fdlibm: they may differ from glibc's in the last bit, which a printed distance of 4 decimals hides).

export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const GEO_STEP_MAX = 26;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const TWO32 = 4294967296;

const degRad = (ang: number): number => ang * D_R;
const radDeg = (ang: number): number => ang / D_R;

/** A geohash of `step` bits per coordinate: `bits` holds 2 * step bits. */
export interface GeoHashBits {
  bits: number;
  step: number;
}

export interface GeoHashArea {
  hash: GeoHashBits;
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** A search shape as geo.c's GeoShape: a circle (radius) or a box (width, height), in `conversion` units. */
export interface GeoShape {
  circle: boolean;
  lon: number;
  lat: number;
  /** Meters per unit of the radius / width / height. */
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

/** The 16 low bits of x spread to the even bits of a 32-bit result. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit x gathered into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** interleave64(xlo, ylo) of two 32-bit values (x in the even bits), as a double (rounded above 2^53, as C's (double) cast of it would be). */
function interleave(x: number, y: number): number {
  const lo = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const hi = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** (uint64_t) of a double as x86-64 code compiled by gcc computes it, as two 32-bit halves. */
function toUint64(d: number): { hi: number; lo: number } {
  if (d >= 0 && d < 2 ** 53) {
    const t = Math.floor(d);
    const hi = Math.floor(t / TWO32);
    return { hi, lo: t - hi * TWO32 };
  }
  let b: bigint;
  if (!(d === d) || d >= 2 ** 64 || d <= -(2 ** 63)) b = d < 0 && d > -Infinity ? -(2n ** 63n) : 0n;
  else b = BigInt(Math.trunc(d));
  b = BigInt.asUintN(64, b);
  return { hi: Number(b >> 32n), lo: Number(b & 0xffffffffn) };
}

/**
 * geohashEncode: the hash of (longitude, latitude) in the given ranges at `step` bits per coordinate, or
 * null when out of the WGS84 limits or the ranges.
 */
export function geohashEncode(lonMin: number, lonMax: number, latMin: number, latMax: number, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return null;
  let latOffset = (latitude - latMin) / (latMax - latMin);
  let longOffset = (longitude - lonMin) / (lonMax - lonMin);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  // C converts the doubles to uint32_t (truncation) to call interleave64.
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

/** geohashEncodeWGS84. */
export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, longitude, latitude, step);
}

/** geohashAlign52Bits: the hash as a 52-bit score. */
export function align52(h: GeoHashBits): number {
  return h.bits * 2 ** (52 - h.step * 2);
}

/** geohashDecode in the given ranges (the hash's bits taken as C's uint64_t). */
function decodeIn(lonMin: number, lonMax: number, latMin: number, latMax: number, h: GeoHashBits): GeoHashArea {
  const { hi, lo } = toUint64(h.bits);
  const ilato = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const ilono = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  const latScale = latMax - latMin;
  const longScale = lonMax - lonMin;
  const div = 2 ** h.step;
  return {
    hash: h,
    latMin: latMin + (ilato * 1.0 / div) * latScale,
    latMax: latMin + ((ilato + 1) * 1.0 / div) * latScale,
    lonMin: lonMin + (ilono * 1.0 / div) * longScale,
    lonMax: lonMin + ((ilono + 1) * 1.0 / div) * longScale,
  };
}

export function geohashDecodeWGS84(h: GeoHashBits): GeoHashArea {
  return decodeIn(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, h);
}

/** decodeGeohash (geo.c): a score's [longitude, latitude], the centre of its cell, clamped. */
export function decodeScore(score: number): [number, number] {
  const a = geohashDecodeWGS84({ bits: score, step: GEO_STEP_MAX });
  let x = (a.lonMin + a.lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (a.latMin + a.latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string of a score: decoded, re-encoded on the standard ranges (latitude -90..90). */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = geohashEncode(-180, 180, -90, 90, lon, lat, 26);
  const bits = h === null ? 0n : bigOf(h.bits);
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

function bigOf(d: number): bigint {
  const { hi, lo } = toUint64(d);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

// ---- search areas (geohash_helper.c) ----

/** geohashEstimateStepsByRadius. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [min lon, min lat, max lon, max lat] around the shape. */
export function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.circle ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  return [south ? s.lon - longDeltaBottom : s.lon - longDeltaTop, s.lat - latDelta, south ? s.lon + longDeltaBottom : s.lon + longDeltaTop, s.lat + latDelta];
}

function moveX(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  const bits = bigOf(h.bits);
  let x = bits & 0xaaaaaaaaaaaaaaaan;
  const y = bits & 0x5555555555555555n;
  const zz = 0x5555555555555555n >> BigInt(64 - h.step * 2);
  if (d > 0) x = x + (zz + 1n);
  else {
    x = x | zz;
    x = x - (zz + 1n);
  }
  x = BigInt.asUintN(64, x) & (0xaaaaaaaaaaaaaaaan >> BigInt(64 - h.step * 2));
  return { bits: Number(x | y), step: h.step };
}

function moveY(h: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return h;
  const bits = bigOf(h.bits);
  const x = bits & 0xaaaaaaaaaaaaaaaan;
  let y = bits & 0x5555555555555555n;
  const zz = 0xaaaaaaaaaaaaaaaan >> BigInt(64 - h.step * 2);
  if (d > 0) y = y + (zz + 1n);
  else {
    y = y | zz;
    y = y - (zz + 1n);
  }
  y = BigInt.asUintN(64, y) & (0x5555555555555555n >> BigInt(64 - h.step * 2));
  return { bits: Number(x | y), step: h.step };
}

const ZERO: GeoHashBits = { bits: 0, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the nine boxes to search, in geo.c's order (the centre, N, S, E, W,
 * NE, NW, SE, SW), the useless ones zeroed ({ bits: 0, step: 0 }).
 */
export function searchBoxes(s: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radiusMeters = (s.circle ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))) * s.conversion;
  let steps = estimateSteps(radiusMeters, s.lat);
  const around = (step: number) => {
    const hash = geohashEncodeWGS84(s.lon, s.lat, step) as GeoHashBits;
    const n = {
      north: moveY(moveX(hash, 0), 1),
      south: moveY(moveX(hash, 0), -1),
      east: moveY(moveX(hash, 1), 0),
      west: moveY(moveX(hash, -1), 0),
      northEast: moveY(moveX(hash, 1), 1),
      northWest: moveY(moveX(hash, -1), 1),
      southEast: moveY(moveX(hash, 1), -1),
      southWest: moveY(moveX(hash, -1), -1),
    };
    return { hash, n, area: geohashDecodeWGS84(hash) };
  };
  let r = around(steps);
  const north = geohashDecodeWGS84(r.n.north);
  const south = geohashDecodeWGS84(r.n.south);
  const east = geohashDecodeWGS84(r.n.east);
  const west = geohashDecodeWGS84(r.n.west);
  const decrease = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    r = around(steps);
  }
  const n = r.n;
  if (steps >= 2) {
    if (r.area.latMin < minLat) n.south = n.southWest = n.southEast = ZERO;
    if (r.area.latMax > maxLat) n.north = n.northEast = n.northWest = ZERO;
    if (r.area.lonMin < minLon) n.west = n.southWest = n.northWest = ZERO;
    if (r.area.lonMax > maxLon) n.east = n.southEast = n.northEast = ZERO;
  }
  return [r.hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/** scoresOfGeoHashBox: the score range [min, max) of the members inside a box. */
export function boxScores(h: GeoHashBits): [number, number] {
  return [align52(h), align52({ bits: h.bits + 1, step: h.step })];
}

// ---- distances ----

export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: meters between two points (haversine). */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geoWithinShape's test for a member at (x, y): its distance from the shape's centre in meters, or -1
 * when outside (a circle: farther than the radius; a box: beyond half its height in latitude or half its
 * width in longitude, measured as Redis does).
 */
export function withinShape(s: GeoShape, x: number, y: number): number {
  if (s.circle) {
    const d = distance(s.lon, s.lat, x, y);
    return d > s.radius * s.conversion ? -1 : d;
  }
  // geohashGetDistanceIfInRectangle(width, height, centre, member): the latitude distance first, then the
  // longitude distance measured along the member's parallel.
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  if (latDistance(y, s.lat) > heightM / 2) return -1;
  if (distance(x, y, s.lon, y) > widthM / 2) return -1;
  return distance(s.lon, s.lat, x, y);
}
