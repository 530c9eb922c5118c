// maxmemory eviction, as Redis's performEvictions (evict.c). makeRoom() runs before every command while
// maxmemory is set: under the limit it is one comparison; over it, it evicts keys by maxmemory-policy
// until used_memory <= maxmemory. The LRU, LFU and TTL policies sample maxmemory-samples keys per
// database per round into a pool of the EVPOOL_SIZE best candidates seen across databases (kept between
// calls) and evict the best; the random policies evict a random key, visiting databases in turn.
import { performance } from 'perf_hooks';
import type { Config } from '../config/config';
import type { MaxmemoryPolicy } from '../config/schema';
import type { Keyspace, StoreEnv } from './keyspace';
import { lfuDecayed } from './lfu';

/** Candidates the pool keeps (Redis EVPOOL_SIZE). */
export const EVPOOL_SIZE = 16;

/**
 * Most keys sampled per database per round. Redis accepts maxmemory-samples up to INT_MAX (and caps a
 * round at the database's size); sampling with replacement here, a huge value would loop for minutes.
 */
export const MAX_SAMPLES = 64;

const enum Kind {
  None,
  Lru,
  Lfu,
  Ttl,
  Random,
}

/**
 * Time one makeRoom() call may spend evicting, µs, for maxmemory-eviction-tenacity (Redis
 * evictionTimeLimitUs): 0..10 linear up to 500 µs, then +15% a step, 100 = no limit.
 */
export function evictionTimeLimitUs(tenacity: number): number {
  if (tenacity <= 10) return 50 * tenacity;
  if (tenacity < 100) return Math.floor(500 * Math.pow(1.15, tenacity - 10));
  return Infinity;
}

export class Evictor {
  /** maxmemory in bytes; 0 = no limit (cached from the config: read before every command). */
  private max = 0;
  private kind = Kind.None;
  /** allkeys-* (else volatile-*: only keys with a TTL are candidates). */
  private allkeys = false;
  private samples = 5;
  private timeLimitMs = 0.5;
  private readonly memory: { used: number };
  // The pool, as parallel arrays sorted by score ascending (best candidate last), filled from the left.
  private readonly poolKey: (string | undefined)[] = new Array<string | undefined>(EVPOOL_SIZE).fill(undefined);
  private readonly poolDb = new Int32Array(EVPOOL_SIZE);
  private readonly poolScore = new Float64Array(EVPOOL_SIZE);
  /** Next database for the random policies. */
  private nextDb = 0;
  /** Eviction that ran out of time continues on the next event-loop turn (Redis startEvictionTimeProc). */
  private continuation: NodeJS.Immediate | null = null;

  constructor(
    private readonly dbs: readonly Keyspace[],
    private readonly env: StoreEnv,
    private readonly config: Config,
  ) {
    this.memory = env.memory;
    this.applyConfig();
    config.onChange((name) => {
      if (name.startsWith('maxmemory')) this.applyConfig();
    });
  }

  private applyConfig(): void {
    const c = this.config;
    this.max = c.num('maxmemory');
    const policy = c.str('maxmemory-policy') as MaxmemoryPolicy;
    const kind = policy === 'noeviction' ? Kind.None
      : policy.endsWith('-lru') ? Kind.Lru
      : policy.endsWith('-lfu') ? Kind.Lfu
      : policy === 'volatile-ttl' ? Kind.Ttl
      : Kind.Random;
    const allkeys = policy.startsWith('allkeys-');
    // Scores of different policies do not compare: start the pool afresh (Redis keeps it; harmless either way).
    if (kind !== this.kind || allkeys !== this.allkeys) this.clearPool();
    this.kind = kind;
    this.allkeys = allkeys;
    this.samples = Math.min(c.num('maxmemory-samples'), MAX_SAMPLES);
    this.timeLimitMs = evictionTimeLimitUs(c.num('maxmemory-eviction-tenacity')) / 1000;
  }

  /**
   * Evicts until used_memory <= maxmemory. Returns true when under the limit (or no limit is set), and
   * also when the time budget ran out with keys still evictable (eviction then continues on the next
   * event-loop turn, as Redis's EVICT_RUNNING: the command runs). Returns false when over the limit
   * with nothing to evict: noeviction, no keys, or a volatile-* policy and no key with a TTL.
   */
  makeRoom(): boolean {
    if (this.memory.used <= this.max) return true;
    if (this.env.replica) return true; // a replica never evicts (its primary's DELs free memory)
    return this.perform();
  }

  /** True while an eviction that ran out of time is still to continue. */
  get running(): boolean {
    return this.continuation !== null;
  }

  private perform(): boolean {
    if (this.max === 0) return true;
    if (this.kind === Kind.None) return false;
    const start = performance.now();
    let freed = 0;
    while (this.memory.used > this.max) {
      if (!(this.kind === Kind.Random ? this.evictRandom() : this.evictFromPool())) return false;
      freed++;
      if ((freed & 15) === 0 && performance.now() - start > this.timeLimitMs) {
        this.continueLater();
        return true;
      }
    }
    return true;
  }

  private continueLater(): void {
    if (this.continuation !== null) return;
    this.continuation = setImmediate(() => {
      this.continuation = null;
      if (this.memory.used > this.max) this.perform();
    });
    this.continuation.unref();
  }

  /** Evicts a random key, from the next database that has a candidate. Returns false when none has. */
  private evictRandom(): boolean {
    const dbs = this.dbs;
    for (let i = 0; i < dbs.length; i++) {
      this.nextDb = (this.nextDb + 1) % dbs.length;
      const db = dbs[this.nextDb];
      const s = this.allkeys ? db.randomSlot() : db.randomVolatileSlot();
      if (s >= 0) {
        db.evictSlot(s);
        return true;
      }
    }
    return false;
  }

  /**
   * Refills the pool from every database and evicts its best candidate that still exists (a key may have
   * been deleted, or lost its TTL, since it entered the pool). Returns false when there is no candidate.
   */
  private evictFromPool(): boolean {
    const dbs = this.dbs;
    const keys = this.poolKey;
    for (;;) {
      let total = 0;
      for (let i = 0; i < dbs.length; i++) {
        const n = this.allkeys ? dbs[i].size : dbs[i].volatileCount;
        if (n !== 0) {
          this.populate(i);
          total += n;
        }
      }
      if (total === 0) return false;
      for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
        const key = keys[k];
        if (key === undefined) continue;
        const db = dbs[this.poolDb[k]];
        keys[k] = undefined;
        const s = db.peek(key);
        if (s >= 0 && (this.allkeys || db.expireAt(s) !== 0)) {
          db.evictSlot(s);
          return true;
        }
      }
    }
  }

  /** Samples maxmemory-samples (at most MAX_SAMPLES) keys of database dbIndex into the pool (Redis evictionPoolPopulate). */
  private populate(dbIndex: number): void {
    const db = this.dbs[dbIndex];
    const keys = this.poolKey;
    const scores = this.poolScore;
    const pdb = this.poolDb;
    const now = this.env.clock.now();
    const nowSec = Math.floor(now / 1000);
    for (let j = 0; j < this.samples; j++) {
      const s = this.allkeys ? db.randomSlot() : db.randomVolatileSlot();
      if (s < 0) return;
      const key = db.keyAt(s);
      // A higher score is a better candidate.
      let score: number;
      if (this.kind === Kind.Lru) score = Math.max(0, nowSec - db.accessField(s));
      else if (this.kind === Kind.Lfu) score = 255 - lfuDecayed(db.accessField(s), now, this.env.lfuParams);
      else score = -db.expireAt(s);
      // Sampled again before it left the pool: keep one entry.
      let dup = false;
      for (let k = 0; k < EVPOOL_SIZE && keys[k] !== undefined; k++) {
        if (keys[k] === key && pdb[k] === dbIndex) {
          dup = true;
          break;
        }
      }
      if (dup) continue;
      // The first empty place, or the first entry with a lower score than ours.
      let k = 0;
      while (k < EVPOOL_SIZE && keys[k] !== undefined && scores[k] < score) k++;
      if (k === 0 && keys[EVPOOL_SIZE - 1] !== undefined) continue; // worse than all of a full pool
      if (k < EVPOOL_SIZE && keys[k] === undefined) {
        // an empty place: nothing to move
      } else if (keys[EVPOOL_SIZE - 1] === undefined) {
        // room on the right: shift [k, end-1) one right
        for (let i = EVPOOL_SIZE - 1; i > k; i--) this.moveEntry(i - 1, i);
      } else {
        // full: drop the worst (leftmost), shift [1, k) one left, insert at k-1
        k--;
        for (let i = 0; i < k; i++) this.moveEntry(i + 1, i);
      }
      keys[k] = key;
      scores[k] = score;
      pdb[k] = dbIndex;
    }
  }

  private moveEntry(from: number, to: number): void {
    this.poolKey[to] = this.poolKey[from];
    this.poolScore[to] = this.poolScore[from];
    this.poolDb[to] = this.poolDb[from];
  }

  private clearPool(): void {
    this.poolKey.fill(undefined);
  }
}
