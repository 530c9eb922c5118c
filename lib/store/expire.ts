// Active expiry, as Redis's activeExpireCycle (expire.c): lazy expiry removes a key when it is read; this
// collector removes the expired keys nobody reads again. Per database it samples random keys with a TTL,
// deletes the expired ones, and samples again while more than an acceptable share of the sample had
// expired, all within a time budget. Expiry decisions read the node's clock (env.clock, so specs drive
// them); the time budget is real elapsed time (performance.now()).
import { performance } from 'perf_hooks';
import type { Config } from '../config/config';
import type { Keyspace } from './keyspace';

/** Keys sampled per database per loop at effort 1. */
export const ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20;
/** Time budget of a fast cycle at effort 1, microseconds. */
export const ACTIVE_EXPIRE_CYCLE_FAST_DURATION_US = 1000;
/** Share of each 1/hz period a slow cycle may use at effort 1, percent. */
export const ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC = 25;
/** Expired share of a sample, percent, above which the loop samples the same database again (effort 1). */
export const ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE = 10;
/** Databases visited per call unless the previous call ran out of time (Redis CRON_DBS_PER_CALL). */
const CRON_DBS_PER_CALL = 16;

export interface ExpireCycleOptions {
  /** A fast cycle (Redis runs one before sleeping): short budget, only when the last slow one was behind. */
  fast?: boolean;
  /** Elapsed-time source in ms (specs inject one); performance.now() by default. */
  timer?: () => number;
}

/** What a node's collector keeps between calls (Redis keeps these in statics and server fields). */
export interface ExpireCycleState {
  /** Next database to visit (grows without bound; taken modulo the number of databases). */
  currentDb: number;
  /** The previous call stopped because its time budget ran out. */
  timelimitExit: boolean;
  /** When the last fast cycle started, µs on the timer. */
  lastFastCycleUs: number;
  /** Running estimate of the expired share among keys with a TTL, 0..1 (INFO expired_stale_perc). */
  stalePerc: number;
  /** Total time spent in cycles, µs (INFO expire_cycle_cpu_milliseconds). */
  timeUsedUs: number;
  /** Per database: running average of the remaining TTL of sampled live keys, ms (INFO keyspace avg_ttl). */
  avgTtl: number[];
}

const states = new WeakMap<readonly Keyspace[], ExpireCycleState>();

/** The collector's state for a node's databases (created on first use). */
export function expireCycleState(dbs: readonly Keyspace[]): ExpireCycleState {
  let st = states.get(dbs);
  if (st === undefined) {
    st = { currentDb: 0, timelimitExit: false, lastFastCycleUs: -Infinity, stalePerc: 0, timeUsedUs: 0, avgTtl: [] };
    states.set(dbs, st);
  }
  return st;
}

const realTimer = (): number => performance.now();

/**
 * Removes expired keys nobody reads again, within a time budget of active-expire-effort-scaled 25% of
 * the 1/hz period (a fast cycle: 1 ms, and only when the last cycle was behind). Continues with the
 * database after the one it last visited. Does nothing on a replica (env.replica). Returns how many keys it removed (each counted in
 * stats.expired and reported through env.onRemoved by Keyspace.expireSlot).
 */
export function activeExpireCycle(dbs: readonly Keyspace[], config: Config, opts: ExpireCycleOptions = {}): number {
  if (dbs.length === 0 || dbs[0].env.replica) return 0; // a replica waits for its primary's DELs
  const timer = opts.timer ?? realTimer;
  const st = expireCycleState(dbs);
  const effort = config.num('active-expire-effort') - 1;
  const keysPerLoop = ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP + Math.floor(ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP / 4) * effort;
  const fastDurationUs = ACTIVE_EXPIRE_CYCLE_FAST_DURATION_US + Math.floor(ACTIVE_EXPIRE_CYCLE_FAST_DURATION_US / 4) * effort;
  const slowTimePerc = ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC + 2 * effort;
  const acceptableStale = ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE - effort;
  const startUs = timer() * 1000;

  if (opts.fast) {
    // Only when the last cycle was behind or many keys look stale, and not again within twice its duration.
    if (!st.timelimitExit && st.stalePerc * 100 < acceptableStale) return 0;
    if (startUs < st.lastFastCycleUs + fastDurationUs * 2) return 0;
    st.lastFastCycleUs = startUs;
  }

  const dbsPerCall = st.timelimitExit || CRON_DBS_PER_CALL > dbs.length ? dbs.length : CRON_DBS_PER_CALL;
  let timelimitUs = opts.fast ? fastDurationUs : Math.floor((slowTimePerc * 1_000_000) / config.num('hz') / 100);
  if (timelimitUs <= 0) timelimitUs = 1;
  st.timelimitExit = false;

  const env = dbs[0].env;
  let iteration = 0;
  let totalSampled = 0;
  let totalExpired = 0;
  for (let j = 0; j < dbsPerCall && !st.timelimitExit; j++) {
    const dbIndex = st.currentDb % dbs.length;
    const db = dbs[dbIndex];
    // Move on now, so that running out of time here restarts from the next database.
    st.currentDb++;
    let expired: number;
    let sampled: number;
    do {
      iteration++;
      const volatile = db.volatileCount;
      if (volatile === 0) {
        st.avgTtl[dbIndex] = 0;
        break;
      }
      const num = volatile > keysPerLoop ? keysPerLoop : volatile;
      const now = env.clock.now();
      expired = 0;
      sampled = 0;
      let ttlSum = 0;
      let ttlSamples = 0;
      while (sampled < num) {
        const s = db.randomVolatileSlot();
        if (s < 0) break;
        sampled++;
        const ttl = db.expireAt(s) - now;
        if (ttl <= 0) {
          db.expireSlot(s);
          expired++;
        } else {
          ttlSum += ttl;
          ttlSamples++;
        }
      }
      totalSampled += sampled;
      totalExpired += expired;
      if (ttlSamples > 0) {
        // Running average: this sample weighs 2%.
        const avg = ttlSum / ttlSamples;
        const prev = st.avgTtl[dbIndex] || avg;
        st.avgTtl[dbIndex] = Math.floor((prev / 50) * 49 + avg / 50);
      }
      if ((iteration & 0xf) === 0 && timer() * 1000 - startUs > timelimitUs) {
        st.timelimitExit = true;
        env.stats.expireCycleCapped++;
        break;
      }
    } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptableStale);
  }

  st.timeUsedUs += timer() * 1000 - startUs;
  // Running estimate of the stale share: this call weighs 5%.
  const current = totalSampled > 0 ? totalExpired / totalSampled : 0;
  st.stalePerc = current * 0.05 + st.stalePerc * 0.95;
  return totalExpired;
}
