// Slot migration, run on the source primary (README: "When a node joins, leaves or dies").
//
// For every migration in the view whose `from` is my shard, the keys of the slot are copied to the
// target shard's primary, one target connection (Peer) per target shard, slot after slot in ascending
// order. Each key goes as `RESTORE-ASKING key <ttl ms or 0> <DUMP payload> REPLACE` (a relative TTL, as
// Redis's MIGRATE, so that clock differences between hosts do not shift expiries),
// pipelined, at most batchKeys sends awaiting a reply per target. The window spans slots: once every key
// of a slot was sent, the next slot starts while the earlier one's replies come back (with ~6 keys a slot,
// one round trip per slot would cap the rate at a few thousand keys/s). A key is "in flight" from its first
// send until an OK for its latest state arrived:
// - written meanwhile (noteWrite): sent again, its current value, or when it is gone (or expired) the
//   delete form `RESTORE-ASKING key 1 <payload of ''> REPLACE ABSTTL` (a past expiry with REPLACE removes
//   the key and answers OK);
// - otherwise deleted locally (no expiry/eviction counted).
// An error reply or a lost connection: logged once (until the next OK), the key stays in flight and goes
// again after RETRY_PAUSE_MS; nothing is deleted locally without an OK. A slot with no key left and none in
// flight is handed to host.commit(); commits coalesce: one at a time, slots emptied meanwhile go together
// in the next one; a false or rejected commit is retried after RETRY_PAUSE_MS.
// A migration that leaves the view stops: its keys in flight are forgotten (stay local), replies ignored.
import type { ClusterLog } from './host';
import { dumpValue } from '../store/dump';
import type { Keyspace } from '../store/keyspace';
import { stringValue } from '../store/value';
import { Peer, PeerError, type PeerReply } from './peer';
import type { ClusterView } from './view';

export interface MigratorHost {
  /** Database 0, hash-slot index enabled. */
  db: Keyspace;
  log: ClusterLog & { verbose(msg: string): void };
  /** requirepass, for AUTH on peer connections ('' = none). */
  password(): string;
  /** The lead's agent: finalize the migrations of `slots` from shard `from` (CAS the topology); true = done. */
  commit(from: string, slots: number[]): Promise<boolean>;
  /** A key moved to its target was deleted here (the node's replicas must delete it too). */
  deleted?(key: string): void;
}

export interface MigratorOptions {
  /** Sends awaiting a reply per target (default 100). */
  batchKeys?: number;
}

/** Pause after an error reply, a lost connection or a failed commit before trying again, ms. */
export const RETRY_PAUSE_MS = 500;

/** The delete form's payload: an empty string (with expiry 1 ms ABSTTL it is never created). */
const DELETE_PAYLOAD = dumpValue(stringValue(''));

/** A key in flight. One send at a time per key: a resend waits for the previous reply. */
interface Flight {
  slot: number;
  /** Written locally since its latest send: that send's OK does not allow deleting it. */
  dirty: boolean;
  /** The latest send carried a value (false: the delete form). */
  sentValue: boolean;
  /** Its migration stopped: replies are ignored. */
  cancelled: boolean;
}

/** Work towards one target shard. */
interface Target {
  shard: string;
  /** `ip:port` of the target primary; a change replaces the Target. */
  addr: string;
  peer: Peer;
  /** Slots not started yet, ascending. */
  queue: number[];
  /** The slot whose keys are being sent, -1 between slots. */
  current: number;
  /** Keys in flight to this target, any slot. */
  flight: Map<string, Flight>;
  /** Keys in flight per slot (slots with none are absent). A started slot is done when it has none and no key here. */
  perSlot: Map<number, number>;
  /** Sends awaiting a reply. */
  outstanding: number;
  /** Keys in flight whose latest send failed: to send again after the pause. */
  retry: string[];
  paused: NodeJS.Timeout | null;
  /** An error was logged and no OK came since (log once). */
  failing: boolean;
  stopped: boolean;
}

export class Migrator {
  readonly stats = { keysMoved: 0, slotsCommitted: 0 };
  private readonly batch: number;
  private readonly targets = new Map<string, Target>();
  /** Every key in flight, all targets. */
  private readonly flights = new Map<string, Flight>();
  /** Slots emptied here (committing or committed) and still migrating in the view: never redone. */
  private readonly done = new Set<number>();
  /** Emptied slots waiting for the next commit. */
  private readonly toCommit = new Set<number>();
  private committing: Promise<void> | null = null;
  private commitTimer: NodeJS.Timeout | null = null;
  private commitFailing = false;
  private myShard: string | null = null;
  private stopped = false;

  constructor(
    private readonly host: MigratorHost,
    opts: MigratorOptions = {},
  ) {
    this.batch = Math.max(1, opts.batchKeys ?? 100);
  }

  /** Starts and stops work to match the migrations out of myShard in view (null: not a primary, stop all). */
  update(view: ClusterView, myShard: string | null): void {
    if (this.stopped) return;
    this.myShard = myShard;
    const wanted = new Map<string, number[]>();
    const migrating = new Set<number>();
    if (myShard !== null) {
      for (const m of view.topology.migrating) {
        if (m.from !== myShard) continue;
        migrating.add(m.slot);
        let list = wanted.get(m.to);
        if (list === undefined) wanted.set(m.to, (list = []));
        list.push(m.slot);
      }
    }
    for (const s of this.done) if (!migrating.has(s)) this.done.delete(s);
    for (const s of this.toCommit) if (!migrating.has(s)) this.toCommit.delete(s);

    for (const [shard, t] of this.targets) {
      if (!wanted.has(shard) || addrOf(view, shard) !== t.addr) this.stopTarget(t);
    }
    for (const [shard, slots] of wanted) {
      const todo = new Set(slots.filter((s) => !this.done.has(s)));
      let t = this.targets.get(shard);
      if (t === undefined) {
        const addr = addrOf(view, shard);
        if (addr === null || todo.size === 0) continue;
        const colon = addr.lastIndexOf(':');
        t = {
          shard,
          addr,
          peer: new Peer(addr.slice(0, colon), Number(addr.slice(colon + 1)), this.host.password()),
          queue: [],
          current: -1,
          flight: new Map(),
          perSlot: new Map(),
          outstanding: 0,
          retry: [],
          paused: null,
          failing: false,
          stopped: false,
        };
        this.targets.set(shard, t);
        this.host.log.notice(`Migrating ${todo.size} slot(s) to shard ${shard} at ${addr}`);
      }
      this.cancelSlots(t, (slot) => !todo.has(slot));
      if (t.current >= 0 && !todo.has(t.current)) t.current = -1;
      // Slots started (current, or draining: all sent, replies pending) are not queued again.
      todo.delete(t.current);
      for (const slot of t.perSlot.keys()) todo.delete(slot);
      t.queue = [...todo].sort((a, b) => a - b);
    }
    for (const t of this.targets.values()) this.pump(t);
  }

  /** True when key was sent to a target and is not yet acknowledged and deleted here. */
  inFlight(key: string): boolean {
    return this.flights.has(key);
  }

  /** A client wrote or deleted key: when it is in flight, its current state is sent again before it is deleted. */
  noteWrite(key: string): void {
    const f = this.flights.get(key);
    if (f !== undefined) f.dirty = true;
  }

  /** Stops every migration (keys in flight stay here) and waits for a running commit. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.targets.values()) this.stopTarget(t);
    if (this.commitTimer !== null) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    this.toCommit.clear();
    if (this.committing !== null) await this.committing;
  }

  // ---- sending ----

  /** Sends retries, then fills the window from the current slot; moves to the next slot when one is empty. */
  private pump(t: Target): void {
    if (t.stopped || t.paused !== null) return;
    while (t.retry.length > 0 && t.outstanding < this.batch) {
      const key = t.retry.pop() as string;
      const f = t.flight.get(key);
      if (f !== undefined) this.sendKey(t, key, f);
    }
    // Refill only once half the window came back: each refill walks the slot's list past the keys in flight.
    if (t.outstanding * 2 > this.batch) return;
    const db = this.host.db;
    for (;;) {
      if (t.current < 0) {
        if (t.queue.length === 0) {
          if (t.flight.size === 0) this.stopTarget(t); // all slots done
          return;
        }
        t.current = t.queue.shift() as number;
      }
      const slot = t.current;
      const want = this.batch - t.outstanding;
      if (want <= 0) return;
      const inSlot = t.perSlot.get(slot) ?? 0;
      let sent = 0;
      // Keys in flight that are still here come back in this walk too: ask for that many more.
      for (const key of db.keysInSlot(slot, want + inSlot)) {
        if (t.flight.has(key)) continue;
        const f: Flight = { slot, dirty: false, sentValue: false, cancelled: false };
        t.flight.set(key, f);
        this.flights.set(key, f);
        this.sendKey(t, key, f);
        if (++sent === want) break;
      }
      if (sent > 0) t.perSlot.set(slot, inSlot + sent);
      if (sent === want) return; // window full
      // Every key of the slot is in flight: on to the next slot; this one is done once its replies are in.
      t.current = -1;
      if (inSlot + sent === 0) this.slotEmptied(slot);
    }
  }

  /** Sends key's current state: its value and expiry, or the delete form when it is gone or expired. */
  private sendKey(t: Target, key: string, f: Flight): void {
    const db = this.host.db;
    const s = db.peek(key);
    let argv: string[];
    if (s >= 0 && !db.isExpired(s)) {
      // A relative TTL, as Redis's MIGRATE: the target's clock may differ from ours.
      const exp = db.expireAt(s);
      const ttl = exp === 0 ? 0 : Math.max(1, exp - db.env.clock.now());
      argv = ['RESTORE-ASKING', key, String(ttl), dumpValue(db.valueAt(s)), 'REPLACE'];
      f.sentValue = true;
    } else {
      argv = ['RESTORE-ASKING', key, '1', DELETE_PAYLOAD, 'REPLACE', 'ABSTTL'];
      f.sentValue = false;
    }
    f.dirty = false;
    t.outstanding++;
    t.peer.send(argv).then(
      (r) => this.onReply(t, key, f, r),
      (e: Error) => this.onReply(t, key, f, new PeerError(e.message)),
    );
  }

  /** A reply (or a lost connection, as a PeerError) for key's latest send. */
  private onReply(t: Target, key: string, f: Flight, r: PeerReply): void {
    t.outstanding--;
    if (f.cancelled || t.stopped) return;
    if (r !== 'OK') {
      const why = r instanceof PeerError ? r.message : `unexpected reply ${JSON.stringify(r)}`;
      if (!t.failing) {
        t.failing = true;
        this.host.log.warning(`Migration to shard ${t.shard} at ${t.addr}: ${why}; retrying every ${RETRY_PAUSE_MS} ms`);
      }
      t.retry.push(key);
      if (t.paused === null) {
        t.paused = setTimeout(() => {
          t.paused = null;
          this.pump(t);
        }, RETRY_PAUSE_MS);
        t.paused.unref();
      }
      return;
    }
    if (t.failing) {
      t.failing = false;
      this.host.log.notice(`Migration to shard ${t.shard} at ${t.addr} resumed`);
    }
    if (f.dirty) {
      if (t.paused === null) this.sendKey(t, key, f);
      else t.retry.push(key);
      return;
    }
    t.flight.delete(key);
    this.flights.delete(key);
    const db = this.host.db;
    const s = db.peek(key);
    if (s >= 0) {
      db.deleteSlot(s);
      this.host.deleted?.(key);
    }
    if (f.sentValue) this.stats.keysMoved++;
    const left = (t.perSlot.get(f.slot) ?? 0) - 1;
    if (f.slot !== t.current) {
      if (left > 0) t.perSlot.set(f.slot, left);
      else {
        t.perSlot.delete(f.slot);
        // A key that appeared in a drained slot (the router should not let that happen): go over it again.
        if (db.countKeysInSlot(f.slot) === 0) this.slotEmptied(f.slot);
        else t.queue.unshift(f.slot);
      }
    } else if (left > 0) t.perSlot.set(f.slot, left);
    else t.perSlot.delete(f.slot);
    this.pump(t);
  }

  // ---- stopping ----

  /** Forgets t's keys in flight of the slots `which` selects: they stay here, their replies are ignored. */
  private cancelSlots(t: Target, which: (slot: number) => boolean): void {
    for (const [key, f] of t.flight) {
      if (!which(f.slot)) continue;
      f.cancelled = true;
      t.flight.delete(key);
      this.flights.delete(key);
      t.perSlot.delete(f.slot);
    }
    t.retry = t.retry.filter((key) => t.flight.has(key));
  }

  private stopTarget(t: Target): void {
    if (t.stopped) return;
    this.cancelSlots(t, () => true);
    t.current = -1;
    t.stopped = true;
    t.queue = [];
    if (t.paused !== null) clearTimeout(t.paused);
    t.paused = null;
    t.peer.close();
    if (this.targets.get(t.shard) === t) this.targets.delete(t.shard);
  }

  // ---- commits ----

  private slotEmptied(slot: number): void {
    if (this.done.has(slot)) return;
    this.done.add(slot);
    this.toCommit.add(slot);
    this.kickCommit();
  }

  /** Starts a commit of every emptied slot unless one is running or waiting out a pause. */
  private kickCommit(): void {
    if (this.committing !== null || this.commitTimer !== null || this.toCommit.size === 0 || this.stopped) return;
    const from = this.myShard;
    if (from === null) return;
    const slots = [...this.toCommit].sort((a, b) => a - b);
    this.toCommit.clear();
    this.committing = this.runCommit(from, slots);
  }

  private async runCommit(from: string, slots: number[]): Promise<void> {
    // Never call host.commit from inside pump(): the agent may call update() synchronously from it.
    await Promise.resolve();
    if (this.stopped) {
      this.committing = null;
      return;
    }
    let ok = false;
    let why = 'not applied';
    try {
      ok = await this.host.commit(from, slots);
    } catch (e) {
      why = (e as Error).message;
    }
    this.committing = null;
    if (ok) {
      this.stats.slotsCommitted += slots.length;
      if (this.commitFailing) this.host.log.notice('Migration commits succeed again');
      this.commitFailing = false;
      this.host.log.verbose(`Committed ${slots.length} migrated slot(s) from shard ${from}`);
      this.kickCommit();
      return;
    }
    // Slots still migrating (done) go again with the next commit, after a pause.
    for (const s of slots) if (this.done.has(s)) this.toCommit.add(s);
    if (!this.commitFailing) {
      this.commitFailing = true;
      this.host.log.warning(`Migration commit of ${slots.length} slot(s) failed (${why}); retrying every ${RETRY_PAUSE_MS} ms`);
    }
    if (this.stopped) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = null;
      this.kickCommit();
    }, RETRY_PAUSE_MS);
    this.commitTimer.unref();
  }
}

/** `ip:port` of shard's primary in view, null when it has none. */
function addrOf(view: ClusterView, shard: string): string | null {
  const primary = view.primaryOf(shard);
  const addr = primary === null ? undefined : view.addrOf(primary);
  return addr === undefined ? null : `${addr.ip}:${addr.port}`;
}
