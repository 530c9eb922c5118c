// Clients blocked on keys (Redis 7.2 blocked.c): BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
// BZPOPMAX, BZMPOP, and whatever else declares a KeyWait (commands/context.ts) through
// CommandContext.blockOnKeys: a waited value type, its own serve() and timedOut().
//
// - Per database and key, the waiters in the order they blocked (FIFO); per client its one waiter.
// - The store signals a key that came to hold a collection (StoreEnv.keyReady: a push creating a list,
//   RESTORE, RENAME, COPY, MOVE; SWAPDB signals every waited key of both databases). The signal only
//   queues the key (once) while somebody waits on it; afterCommand() — the dispatcher calls it after every
//   command, the replication link's included — then serves, key by key in signal order, the key's waiters
//   that were there when its turn came, in their order, each only if the key still holds its waited type:
//   its serve() retries the command, which pops (and records its effects, sent to replication right after
//   it) or finds nothing and waits on. A served BLMOVE's push can make another key ready: it is handled
//   in the same loop, as Redis's handleClientsBlockedOnKeys.
// - A served client runs the commands it sent meanwhile only after the loop (Redis's
//   processUnblockedClients), so the next waiter of the same key is served before them.
// - Deadlines: ms on the node's clock (sub-second: BLPOP k 0.05 waits 50 ms), in a min-heap with one
//   timer armed for the earliest; expireDue() answers the passed ones with their timeout reply. Specs on a
//   manual clock advance it and call expireDue().
// - A client that disconnects is forgotten at once (no waiter, timer entry or ready key is left behind).
// - CLIENT UNBLOCK id [TIMEOUT|ERROR] (unblock()), a slot that moved away in cluster mode (-MOVED, from
//   the cron: checkRoutes()), and this node turning replica (UNBLOCKED ..., the connection closed after the
//   reply, as Redis's disconnectAllBlockedClients) end a wait from outside.
import type { KeyWait } from '../commands/context';
import type { Command } from '../commands/types';
import type { Reply } from '../protocol/reply';
import type { Keyspace, StoreEnv } from '../store/keyspace';
import type { Clock } from '../util/clock';

/** What the registry needs of a connection (server/client.ts Client). */
export interface BlockedClient {
  readonly id: number;
  readonly db: Keyspace;
  readonly out: Reply;
  readonly closed: boolean;
  closeAfterReply: boolean;
  /** Stops running the connection's commands (the blocked one replies later). */
  block(): void;
  /** Resumes after the reply was written: runs what the connection sent meanwhile. */
  unblock(): void;
}

/** What the registry needs of its node. */
export interface BlockingHost {
  readonly clock: Clock;
  readonly env: StoreEnv;
  readonly log: { warning(msg: string): void };
  /**
   * After a blocked command replied (served, timed out or unblocked): sends the effects it recorded to
   * replication and holds its reply behind the replication-ack gate (cluster mode); `cmd` is the
   * blocked command, `failed` whether its reply was an error (statistics).
   */
  afterBlocked(c: BlockedClient, cmd: Command | undefined, failed: boolean): void;
}

interface Waiter {
  readonly c: BlockedClient;
  readonly wait: KeyWait;
  /** The client's database when it blocked (its keys are there). */
  readonly db: Keyspace;
  /** The blocked command (statistics, cluster routing). */
  readonly cmd: Command | undefined;
  /** The distinct keys. */
  readonly keys: readonly string[];
  active: boolean;
}

/** The text CLIENT UNBLOCK id ERROR answers the blocked client with. */
export const UNBLOCKED_BY_CLIENT = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

export class BlockingKeys {
  /** Per database, per key: its waiters in the order they blocked. */
  private byDb = new Map<Keyspace, Map<string, Waiter[]>>();
  private byClient = new Map<BlockedClient, Waiter>();
  /** Keys signalled since the last afterCommand(), each once. */
  private ready: { db: Keyspace; key: string }[] = [];
  private readySet = new Map<Keyspace, Set<string>>();
  /** Waiters with a deadline: a binary min-heap by deadline; inactive ones are dropped when they reach the top. */
  private heap: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  /** Served or unblocked clients whose pending input runs once the current loop is done. */
  private resumed: BlockedClient[] = [];
  private handling = false;
  private readonly signal = (db: Keyspace, key: string | null): void => this.onKeyReady(db, key);

  constructor(private readonly host: BlockingHost) {}

  /** Clients blocked on keys (INFO blocked_clients). */
  get size(): number {
    return this.byClient.size;
  }

  /** Keys with at least one waiter, over every database (INFO total_blocking_keys). */
  get keyCount(): number {
    let n = 0;
    for (const m of this.byDb.values()) n += m.size;
    return n;
  }

  /** Blocked clients with a deadline (INFO clients_in_timeout_table). */
  get withDeadline(): number {
    let n = 0;
    for (const w of this.byClient.values()) if (w.wait.deadline > 0) n++;
    return n;
  }

  /** True when client c waits on keys. */
  isBlocked(c: BlockedClient): boolean {
    return this.byClient.has(c);
  }

  /** Blocks c's running command `cmd` on wait.keys until served, its deadline, or unblock(). */
  block(c: BlockedClient, wait: KeyWait, cmd: Command | undefined): void {
    const old = this.byClient.get(c);
    if (old !== undefined) this.remove(old);
    const keys = [...new Set(wait.keys)];
    const w: Waiter = { c, wait, db: c.db, cmd, keys, active: true };
    let perKey = this.byDb.get(w.db);
    if (perKey === undefined) this.byDb.set(w.db, (perKey = new Map()));
    for (const k of keys) {
      const list = perKey.get(k);
      if (list === undefined) perKey.set(k, [w]);
      else list.push(w);
    }
    this.byClient.set(c, w);
    this.host.env.keyReady = this.signal;
    if (wait.deadline > 0) {
      this.heapPush(w);
      this.arm();
    }
    c.block();
  }

  /** The store's signal (StoreEnv.keyReady): queues key (all waited keys of db when null) if somebody waits on it. */
  private onKeyReady(db: Keyspace, key: string | null): void {
    const perKey = this.byDb.get(db);
    if (perKey === undefined) return;
    if (key === null) {
      for (const k of perKey.keys()) this.onKeyReady(db, k);
      return;
    }
    if (!perKey.has(key)) return;
    let set = this.readySet.get(db);
    if (set === undefined) this.readySet.set(db, (set = new Set()));
    if (set.has(key)) return;
    set.add(key);
    this.ready.push({ db, key });
  }

  /**
   * After every command (the dispatcher): serves the waiters of the keys that became ready, then lets the
   * served and unblocked clients run what they sent meanwhile.
   */
  afterCommand(): void {
    if (this.handling) return;
    if (this.ready.length === 0 && this.resumed.length === 0) return;
    this.handling = true;
    try {
      while (this.ready.length > 0) {
        const list = this.ready;
        this.ready = [];
        for (const { db, key } of list) {
          this.readySet.get(db)?.delete(key);
          const waiters = this.byDb.get(db)?.get(key);
          if (waiters === undefined) continue;
          for (const w of waiters.slice()) {
            if (!w.active) continue;
            const s = db.lookup(key, true);
            if (s < 0 || db.typeAt(s) !== w.wait.type) continue;
            this.tryServe(w);
          }
        }
      }
    } finally {
      this.handling = false;
    }
    this.resumeAll();
  }

  /** Runs waiter w's serve(); when it replied, ends the wait. */
  private tryServe(w: Waiter): void {
    const c = w.c;
    if (c.closed) {
      this.remove(w);
      return;
    }
    const fx = this.host.env.effects;
    fx.db = c.db.id;
    const errors = c.out.errors;
    c.out.checkpoint();
    let served: boolean;
    try {
      served = w.wait.serve();
    } catch (e) {
      this.host.log.warning(`internal error serving a blocked '${w.cmd?.fullName ?? '?'}': ${e instanceof Error ? e.stack : String(e)}`);
      c.out.rollback();
      c.out.internalError();
      served = true;
    }
    if (!served) return;
    this.finish(w, c.out.errors !== errors);
  }

  /** Ends w's wait after its reply was written: bookkeeping, effects, and its input runs after the loop. */
  private finish(w: Waiter, failed: boolean): void {
    this.remove(w);
    this.host.afterBlocked(w.c, w.cmd, failed);
    this.resumed.push(w.c);
  }

  private resumeAll(): void {
    while (this.resumed.length > 0) {
      const list = this.resumed;
      this.resumed = [];
      for (const c of list) c.unblock();
    }
  }

  /** Removes w from every structure (its heap entry is dropped lazily). */
  private remove(w: Waiter): void {
    if (!w.active) return;
    w.active = false;
    this.byClient.delete(w.c);
    const perKey = this.byDb.get(w.db);
    if (perKey !== undefined) {
      for (const k of w.keys) {
        const list = perKey.get(k);
        if (list === undefined) continue;
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        if (list.length === 0) perKey.delete(k);
      }
      if (perKey.size === 0) this.byDb.delete(w.db);
    }
    if (this.byClient.size === 0) {
      this.host.env.keyReady = null;
      this.ready = [];
      this.readySet.clear();
      this.heap = [];
      this.disarm();
    }
  }

  /** A closed connection: forgets its wait, if any. */
  forget(c: BlockedClient): void {
    const w = this.byClient.get(c);
    if (w !== undefined) this.remove(w);
  }

  /**
   * CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of client `c` with its timeout reply, or the
   * UNBLOCKED error. False when c is not blocked on keys.
   */
  unblock(c: BlockedClient, error: boolean): boolean {
    const w = this.byClient.get(c);
    if (w === undefined) return false;
    // Its input runs after the running command (afterCommand), as Redis queues it for reprocessing.
    this.endFromOutside(w, error ? UNBLOCKED_BY_CLIENT : null);
    return true;
  }

  /** Ends w's wait with `error`, or its timeout reply when null. */
  private endFromOutside(w: Waiter, error: string | null): void {
    const c = w.c;
    if (c.closed) {
      this.remove(w);
      return;
    }
    if (error === null) w.wait.timedOut();
    else c.out.error(error);
    this.finish(w, error !== null);
  }

  /** Answers every waiter whose deadline passed (now on the node's clock) with its timeout reply. */
  expireDue(now = this.host.clock.now()): void {
    while (this.heap.length > 0) {
      const w = this.heap[0];
      if (w.active && w.wait.deadline > now) break;
      this.heapPop();
      if (w.active) this.endFromOutside(w, null);
    }
    if (!this.handling) this.resumeAll();
    this.arm();
  }

  /**
   * Cluster mode (the node's cron): ends, with the redirect, the waits whose keys' slot this node no
   * longer serves (`route` answers MOVED or CLUSTERDOWN for it; Redis's clusterRedirectBlockedClientIfNeeded).
   */
  checkRoutes(route: (c: BlockedClient, cmd: Command | undefined, keys: readonly string[]) => string | null): void {
    for (const w of [...this.byClient.values()]) {
      const r = route(w.c, w.cmd, w.keys);
      if (r !== null && (r.startsWith('MOVED') || r.startsWith('CLUSTERDOWN'))) this.endFromOutside(w, r);
    }
    if (!this.handling) this.resumeAll();
  }

  /** Ends every wait with `error` and closes those connections after the reply (the node turned replica). */
  unblockAll(error: string): void {
    for (const w of [...this.byClient.values()]) {
      w.c.closeAfterReply = true;
      this.endFromOutside(w, error);
    }
    if (!this.handling) this.resumeAll();
  }

  // ---- deadlines ----

  /** Arms the timer for the earliest active deadline. */
  private arm(): void {
    while (this.heap.length > 0 && !this.heap[0].active) this.heapPop();
    if (this.heap.length === 0) return this.disarm();
    const at = this.heap[0].wait.deadline;
    if (this.timer !== null && this.timerAt === at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expireDue();
    }, Math.max(1, at - this.host.clock.now()));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private heapPush(w: Waiter): void {
    const h = this.heap;
    let i = h.length;
    h.push(w);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p].wait.deadline <= w.wait.deadline) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = w;
  }

  private heapPop(): void {
    const h = this.heap;
    const last = h.pop() as Waiter;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && h[c + 1].wait.deadline < h[c].wait.deadline) c++;
      if (h[c].wait.deadline >= last.wait.deadline) break;
      h[i] = h[c];
      i = c;
    }
    h[i] = last;
  }
}
