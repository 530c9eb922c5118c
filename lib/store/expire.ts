// Active expiry (placeholder: filled in by the expiry work): run from the node's cron, hz times a second.
import type { Config } from '../config/config';
import type { Keyspace } from './keyspace';

/** Removes expired keys nobody reads again, within a time budget. Returns how many it removed. */
export function activeExpireCycle(_dbs: readonly Keyspace[], _config: Config): number {
  return 0;
}
