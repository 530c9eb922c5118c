// maxmemory eviction (placeholder: filled in by the eviction work). makeRoom() is called before every
// command while maxmemory is set; it evicts keys by maxmemory-policy until used_memory <= maxmemory.
import type { Config } from '../config/config';
import type { Keyspace, StoreEnv } from './keyspace';

export class Evictor {
  constructor(
    private readonly dbs: readonly Keyspace[],
    private readonly env: StoreEnv,
    private readonly config: Config,
  ) {}

  /** Evicts until under maxmemory. Returns false when still over the limit (noeviction, or nothing to evict). */
  makeRoom(): boolean {
    const max = this.config.num('maxmemory');
    return max === 0 || this.env.memory.used <= max || this.dbs.length < 0;
  }
}
