// Hash-field expiry (Redis 7.4's HFE): expired fields are invisible at once (HashValue's reads take
// `now`); this module removes them, lazily when a command touches the hash (expireHashFields) and
// actively from the node's cron for the hashes nobody touches (activeExpireFieldsCycle). Every removal
// reaches replicas as `HDEL key field...` through env.onStoreWrite, and an emptied hash loses its key (the
// replica's HDEL empties it there too). A replica removes nothing by itself: it hides, and waits for its
// primary's HDELs.
import { performance } from 'perf_hooks';
import type { Config } from '../config/config';
import { HashValue } from './hash';
import type { Keyspace } from './keyspace';

/** Fields one hash gives up per visit of the active collector (a huge hash does not hog a cycle). */
export const FIELDS_PER_HASH_PER_VISIT = 1000;
/** Share of each 1/hz period the active field collector may use, percent (beside activeExpireCycle's 25). */
export const FIELD_EXPIRE_CYCLE_TIME_PERC = 10;
/** Hashes visited between two looks at the timer. */
const HASHES_PER_TIME_CHECK = 16;

/**
 * Removes the fields of the hash in `slot` that expired at `now`, at most `max`, propagating one HDEL
 * for them and settling the keyspace (db.written: bytes, the field-TTL registry, the key deleted when
 * emptied). Returns false when the key is gone afterwards. A no-op (true) on a replica or when nothing
 * expired.
 */
export function expireHashFields(db: Keyspace, slot: number, now: number, max = Infinity): boolean {
  const v = db.valueAt(slot);
  if (!(v instanceof HashValue) || v.nextExpire === 0 || v.nextExpire > now || db.env.replica) return true;
  const key = db.keyAt(slot);
  const fields: string[] = [];
  v.collectExpired(now, max, (f) => fields.push(f));
  db.env.stats.expiredFields += fields.length;
  if (db.env.onStoreWrite) db.env.onStoreWrite(db, ['HDEL', key, ...fields]);
  return db.written(slot);
}

/** Where each database's walk over its hashes with field TTLs stands (keyed by the set it walks). */
const walks = new WeakMap<ReadonlySet<number>, Iterator<number>>();

/**
 * The active collector: visits the hashes with field TTLs of every database, continuing where the last
 * call stopped, removing up to FIELDS_PER_HASH_PER_VISIT expired fields of each, until every hash was
 * visited once or FIELD_EXPIRE_CYCLE_TIME_PERC of the 1/hz period ran out. Does nothing on a replica.
 * `timer` (ms) is injectable for specs. Returns how many fields it removed.
 */
export function activeExpireFieldsCycle(
  dbs: readonly Keyspace[],
  config: Config,
  timer: () => number = () => performance.now(),
): number {
  if (dbs.length === 0 || dbs[0].env.replica) return 0;
  const budgetMs = (FIELD_EXPIRE_CYCLE_TIME_PERC * 1000) / config.num('hz') / 100;
  const start = timer();
  let removed = 0;
  let visited = 0;
  for (const db of dbs) {
    const set = db.slotsWithPartTtl();
    if (set.size === 0) continue;
    const now = db.env.clock.now();
    // One lap at most per call: a Set's iterator sees later additions, so bound the count.
    let left = set.size;
    let it = walks.get(set);
    let fresh = false;
    while (left > 0) {
      if (it === undefined) {
        it = set[Symbol.iterator]();
        fresh = true;
      }
      const r = it.next();
      if (r.done) {
        it = undefined;
        if (fresh) break; // a new walk found nothing: the set emptied meanwhile
        continue;
      }
      fresh = false;
      left--;
      const slot = r.value;
      // A key expired as a whole is the key collector's (its DEL covers the fields).
      if (!db.isExpired(slot, now)) {
        const before = db.env.stats.expiredFields;
        expireHashFields(db, slot, now, FIELDS_PER_HASH_PER_VISIT);
        removed += db.env.stats.expiredFields - before;
      }
      if (++visited % HASHES_PER_TIME_CHECK === 0 && timer() - start > budgetMs) {
        walks.set(set, it);
        return removed;
      }
    }
    if (it !== undefined) walks.set(set, it);
    else walks.delete(set);
  }
  return removed;
}
