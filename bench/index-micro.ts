// node dist/bench/index-micro.js — a few seconds. The keyspace index (store/hash-index.ts) against a JS
// Map: hash speed, then 1M random keys, lookups of 250k of them by fresh copies (as a command's key
// arrives from a socket: a new string whose hash V8 has not cached yet), hits and misses. Best of 3 rounds.
import * as v8 from 'v8';
import * as vm from 'vm';
import { HashIndex } from '../lib/store/hash-index';
import { hashString, randomSeed } from '../lib/store/key-hash';
import { murmur3 } from '../spec/helpers/murmur3';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const N = 1_000_000;
/** Lookups per measurement, each by a fresh copy of a random key. */
const Q = 250_000;
const ROUNDS = 3;
const seed = randomSeed();
let sink = 0;

/** A random key of len printable bytes, as a flat one-byte string (what the protocol parser makes). */
function randomKey(len: number): string {
  const b = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) b[i] = 33 + ((Math.random() * 94) | 0);
  return b.toString('latin1');
}

/** Q fresh string objects with the contents of random keys of `keys`. */
function freshCopies(keys: string[]): string[] {
  return Array.from({ length: Q }, () => Buffer.from(keys[(Math.random() * keys.length) | 0], 'latin1').toString('latin1'));
}

function ns(start: bigint, ops: number): number {
  return Number(process.hrtime.bigint() - start) / ops;
}

function best(f: () => number): string {
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) min = Math.min(min, f());
  return min.toFixed(1).padStart(7) + ' ns/op';
}

// 1. Hash speed on flat keys of 16 and 40 bytes.
for (const len of [16, 40]) {
  const keys = Array.from({ length: 4096 }, () => randomKey(len));
  const run = (h: (s: string, seed: number) => number) => () => {
    const t = process.hrtime.bigint();
    for (let r = 0; r < 100; r++) for (let i = 0; i < keys.length; i++) sink ^= h(keys[i], seed);
    return ns(t, 100 * keys.length);
  };
  console.log(`hashString ${len} B  ${best(run(hashString))}   (murmur3-32 ${best(run(murmur3))})`);
}

// 2. Build 1M keys into both; the slowest single insert shows the Map's rehash stalls.
const keys = Array.from({ length: N }, () => randomKey(8 + ((Math.random() * 25) | 0)));
gc();
let heap0 = process.memoryUsage().heapUsed;
const map = new Map<string, number>();
let worstMap = 0n;
let t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const t0 = process.hrtime.bigint();
  map.set(keys[i], i);
  const d = process.hrtime.bigint() - t0;
  if (d > worstMap) worstMap = d;
}
const mapInsert = ns(t, N);
gc();
const mapBytes = process.memoryUsage().heapUsed - heap0;

const index = new HashIndex((slot, key) => keys[slot] === key);
let worstIndex = 0n;
let worstGrow = 0n; // the slowest insert that started a growth (allocates the new table)
t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const grows = index.grows;
  const t0 = process.hrtime.bigint();
  index.insert(hashString(keys[i], seed), i);
  const d = process.hrtime.bigint() - t0;
  if (d > worstIndex) worstIndex = d;
  if (index.grows !== grows && d > worstGrow) worstGrow = d;
}
const indexInsert = ns(t, N);
while (index.step(1 << 16));
console.log(`insert 1M          Map.set ${mapInsert.toFixed(0)} ns/op, slowest ${Number(worstMap / 1000n)} µs; ` +
  `hashString+insert ${indexInsert.toFixed(0)} ns/op, slowest ${Number(worstIndex / 1000n)} µs, ` +
  `slowest growth start ${Number(worstGrow / 1000n)} µs (timer overhead included; slowest ones are GC or scheduling)`);
console.log(`memory             Map ${(mapBytes / N).toFixed(1)} B/key on the V8 heap, index ${(index.bytes / N).toFixed(1)} B/key ` +
  `off it (${index.capacity} buckets, load ${(N / index.capacity).toFixed(2)})`);

// 3. Lookups by fresh copies: hits, then misses. A pass per measurement (a string caches its V8 hash).
const absent = Array.from({ length: Q }, () => randomKey(8 + ((Math.random() * 25) | 0)));
const hashes = new Uint32Array(Q);
const rows: [string, () => number][] = [
  ['hit   Map.get', () => {
    const q = freshCopies(keys);
    const t = process.hrtime.bigint();
    for (let i = 0; i < Q; i++) sink ^= map.get(q[i])!;
    return ns(t, Q);
  }],
  ['hit   hashString + find', () => {
    const q = freshCopies(keys);
    const t = process.hrtime.bigint();
    for (let i = 0; i < Q; i++) sink ^= index.find(q[i], hashString(q[i], seed));
    return ns(t, Q);
  }],
  ['hit   find alone (hash given)', () => {
    const q = freshCopies(keys);
    for (let i = 0; i < Q; i++) hashes[i] = hashString(q[i], seed);
    const t = process.hrtime.bigint();
    for (let i = 0; i < Q; i++) sink ^= index.find(q[i], hashes[i]);
    return ns(t, Q);
  }],
  ['miss  Map.get', () => {
    const q = freshCopies(absent);
    const t = process.hrtime.bigint();
    for (let i = 0; i < Q; i++) sink ^= map.get(q[i]) ?? 1;
    return ns(t, Q);
  }],
  ['miss  hashString + find', () => {
    const q = freshCopies(absent);
    const t = process.hrtime.bigint();
    for (let i = 0; i < Q; i++) sink ^= index.find(q[i], hashString(q[i], seed));
    return ns(t, Q);
  }],
];
for (const [name, f] of rows) console.log(`${name.padEnd(31)} ${best(f)}`);
if (sink === 0.5) console.log(sink); // keep the results alive
