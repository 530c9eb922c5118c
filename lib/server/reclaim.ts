// Gives memory back after the data grew or shrank a lot. V8 collects the old generation only when its
// heap has grown well past the live data, and keeps the pages of what the keyspace's growth left behind
// (old Map tables, old slot arrays, promoted request garbage): after loading 1M keys of 100 bytes, RSS
// held ~300 bytes per key for ~240 bytes of live data. One full, compacting collection brings it back to
// the live size. It pauses the node (~100-300 ms for a few hundred MB), so the node runs it only when
// idle, or when asked (MEMORY PURGE).
import * as v8 from 'v8';
import * as vm from 'vm';

/** What the reclaimer reads of its node. */
export interface ReclaimHost {
  readonly stats: { readonly totalCommands: number };
  readonly env: { readonly memory: { readonly used: number } };
  /** Bytes of off-heap slabs and tables let go of so far (store/keyspace.ts releasedBytes, summed). */
  releasedBytes(): number;
  readonly log: { verbose(msg: string): void };
}

let gcFn: (() => void) | null | undefined;

/** Runs a full garbage collection. Returns false when the runtime does not allow it. */
export function fullGc(): boolean {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  gcFn();
  return true;
}

/** used_memory must move by this share of its value at the last collection... */
const GROWTH_SHARE = 0.25;
/** ...and by at least this many bytes, to be worth a collection. */
const MIN_CHANGE_BYTES = 32 * 1024 * 1024;
/** No command for this long (ms) means idle. */
const IDLE_MS = 200;

/** Decides, from the node's cron, when a full collection is worth its pause. */
export class IdleReclaimer {
  private usedAtLastGc = 0;
  private releasedAtLastGc = 0;
  private commandsSeen = -1;
  private quietSince = 0;
  /** Full collections run so far (INFO memory: shardcache_reclaims). */
  runs = 0;

  constructor(private readonly node: ReclaimHost) {}

  /**
   * Called hz times a second. Runs a full collection when used_memory moved by more than 25% (and 32 MB)
   * since the last one and no command ran for IDLE_MS. Returns true when it ran one.
   */
  tick(nowMs: number): boolean {
    const cmds = this.node.stats.totalCommands;
    if (cmds !== this.commandsSeen) {
      this.commandsSeen = cmds;
      this.quietSince = nowMs;
      return false;
    }
    if (nowMs - this.quietSince < IDLE_MS) return false;
    // Slabs dropped (FLUSHALL, deletes compacted away) are only returned once their Buffers are collected;
    // a flush right after start leaves used_memory where the last collection saw it, so count them too.
    if (this.node.releasedBytes() - this.releasedAtLastGc >= MIN_CHANGE_BYTES) return this.run();
    const used = this.node.env.memory.used;
    const change = Math.abs(used - this.usedAtLastGc);
    if (change < MIN_CHANGE_BYTES || change < GROWTH_SHARE * this.usedAtLastGc) return false;
    return this.run();
  }

  /** Runs a full collection now (MEMORY PURGE). */
  run(): boolean {
    this.usedAtLastGc = this.node.env.memory.used;
    this.releasedAtLastGc = this.node.releasedBytes();
    if (!fullGc()) return false;
    this.runs++;
    this.node.log.verbose(`Full garbage collection: used_memory ${this.usedAtLastGc} bytes`);
    return true;
  }
}
