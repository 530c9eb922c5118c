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
//
// Large values (a collection of more than CHUNK_MIN_ITEMS elements, or a value over CHUNK_MIN_BYTES) go in
// pieces, so that neither node stalls on a multi-megabyte DUMP or RESTORE: `RESTORE-PIECE key 0 <piece>
// <seq>` for each piece of the payload (store/dump.ts DumpWriter: at most PIECE_MAX_ITEMS elements / about
// PIECE_MAX_BYTES), then `RESTORE-PIECE key <ttl> <last piece> <seq> LAST REPLACE`; the target stages the
// pieces outside its keyspace and restores the whole value with the last one (store/staging.ts). One
// piece at a time per key, the next sent when the previous one's OK arrives, and one such key at a time
// per target (others wait their turn in flight); small keys keep flowing meanwhile. Before each piece the
// key must still hold the same collection with the same stamp (Collection.stamp: not written since the
// first piece) and not be expired; otherwise the key starts over from its first piece (which replaces
// what the target staged), or goes as the delete form when gone. A key restarted CHUNK_MAX_RESTARTS
// times (written during each of its transfers) goes whole the next time, so that a hot key cannot hold
// its slot's migration for ever (that send stalls as before). An error or a lost connection: the key
// starts over from its first piece after the pause (the target dropped what it staged).
// Serializing is bounded per event-loop turn: once TURN_BUDGET_BYTES of payload were made in a turn, the
// rest (window refills, the next piece) waits for the next turn.
import type { ClusterLog } from './host';
import { CHUNK_MIN_BYTES, CHUNK_MIN_ITEMS, DumpWriter, PIECE_MAX_BYTES, PIECE_MAX_ITEMS, dumpValue } from '../store/dump';

export { CHUNK_MIN_BYTES, CHUNK_MIN_ITEMS, PIECE_MAX_BYTES, PIECE_MAX_ITEMS };
import type { Keyspace } from '../store/keyspace';
import { stringValue, type Collection, type Value } from '../store/value';
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
  /** A value goes in pieces above this many elements (default CHUNK_MIN_ITEMS) ... */
  chunkItems?: number;
  /** ... or above this many bytes (default CHUNK_MIN_BYTES). */
  chunkBytes?: number;
  /** Most elements per piece (default PIECE_MAX_ITEMS). */
  pieceItems?: number;
  /** Bytes per piece, about (default PIECE_MAX_BYTES). */
  pieceBytes?: number;
}

/** Pause after an error reply, a lost connection or a failed commit before trying again, ms. */
export const RETRY_PAUSE_MS = 500;
/** Payload bytes serialized per event-loop turn (about 4 ms of work here) before the rest waits a turn. */
export const TURN_BUDGET_BYTES = 256 * 1024;
/** A key in pieces restarted this many times (written meanwhile) goes whole the next time. */
export const CHUNK_MAX_RESTARTS = 3;

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
  /** The collection its latest whole send or first piece carried, and that collection's stamp then (null: a string or nothing). */
  sent: Collection | null;
  stamp: number;
  /** Going in pieces: the writer and the next piece's seq; null otherwise. */
  pieces: { writer: DumpWriter; seq: number } | null;
  /** Times its pieces started over because it changed. */
  restarts: number;
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
  /** The key going in pieces to this target (one at a time), null when none. */
  chunking: string | null;
  /** Large keys in flight waiting for their turn to go in pieces. */
  waiting: string[];
  /** The chunking key's next piece waits for the next event-loop turn (the turn's budget was spent). */
  pieceDue: boolean;
  /** A pump() scheduled for the next event-loop turn. */
  later: NodeJS.Immediate | null;
}

export class Migrator {
  /** piecesSent: RESTORE-PIECE commands; keysInPieces: keys that went in pieces; largestPiece: bytes. */
  readonly stats = { keysMoved: 0, slotsCommitted: 0, piecesSent: 0, keysInPieces: 0, largestPiece: 0 };
  private readonly batch: number;
  private readonly chunkItems: number;
  private readonly chunkBytes: number;
  private readonly pieceItems: number;
  private readonly pieceBytes: number;
  /** Payload bytes serialized in this event-loop turn, and the immediate that resets the count. */
  private spent = 0;
  private spentReset: NodeJS.Immediate | null = null;
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
    this.chunkItems = opts.chunkItems ?? CHUNK_MIN_ITEMS;
    this.chunkBytes = opts.chunkBytes ?? CHUNK_MIN_BYTES;
    this.pieceItems = Math.max(1, opts.pieceItems ?? PIECE_MAX_ITEMS);
    this.pieceBytes = Math.max(1, opts.pieceBytes ?? PIECE_MAX_BYTES);
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
          chunking: null,
          waiting: [],
          pieceDue: false,
          later: null,
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

  /** Pieces of key sent in its current transfer in pieces; 0 when it is not going in pieces. */
  piecesOf(key: string): number {
    return this.flights.get(key)?.pieces?.seq ?? 0;
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

  /**
   * Sends retries and the chunking key's due piece, then fills the window from the current slot; moves to
   * the next slot when one is empty. Once the turn's serializing budget is spent, the rest waits a turn.
   */
  private pump(t: Target): void {
    if (t.stopped || t.paused !== null) return;
    while (t.retry.length > 0 && t.outstanding < this.batch) {
      const key = t.retry.pop() as string;
      const f = t.flight.get(key);
      if (f !== undefined) this.sendKey(t, key, f);
    }
    if (t.pieceDue) {
      const f = t.chunking === null ? undefined : t.flight.get(t.chunking);
      if (f === undefined || f.pieces === null) t.pieceDue = false;
      else if (!this.overBudget(t)) this.sendPiece(t, t.chunking as string, f);
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
      let spent = false;
      // Keys in flight that are still here come back in this walk too: ask for that many more.
      for (const key of db.keysInSlot(slot, want + inSlot)) {
        if (t.flight.has(key)) continue;
        if (this.overBudget(t)) {
          spent = true;
          break;
        }
        const f: Flight = { slot, dirty: false, sentValue: false, cancelled: false, sent: null, stamp: 0, pieces: null, restarts: 0 };
        t.flight.set(key, f);
        this.flights.set(key, f);
        this.sendKey(t, key, f);
        if (++sent === want) break;
      }
      if (sent > 0) t.perSlot.set(slot, inSlot + sent);
      if (sent === want || spent) return; // window full, or the rest next turn
      // Every key of the slot is in flight: on to the next slot; this one is done once its replies are in.
      t.current = -1;
      if (inSlot + sent === 0) this.slotEmptied(slot);
    }
  }

  /** True (and a pump of t scheduled for the next turn) when this turn's serializing budget is spent. */
  private overBudget(t: Target): boolean {
    if (this.spent < TURN_BUDGET_BYTES) return false;
    if (t.later === null) {
      t.later = setImmediate(() => {
        t.later = null;
        this.pump(t);
      });
    }
    return true;
  }

  /** Counts payload bytes serialized in this turn. */
  private spend(bytes: number): void {
    this.spent += bytes;
    if (this.spentReset === null) {
      this.spentReset = setImmediate(() => {
        this.spentReset = null;
        this.spent = 0;
      });
    }
  }

  /** True when v goes in pieces. */
  private large(v: Value): boolean {
    if (typeof v === 'string') return v.length > this.chunkBytes;
    return v.size > this.chunkItems || v.bytes > this.chunkBytes;
  }

  /** key's TTL to send, relative (as Redis's MIGRATE: the target's clock may differ from ours); 0 none. */
  private ttlOf(s: number): number {
    const db = this.host.db;
    const exp = db.expireAt(s);
    return exp === 0 ? 0 : Math.max(1, exp - db.env.clock.now());
  }

  /**
   * Sends key's current state from the start: its value and expiry (a large value: its first piece, or
   * it waits for the target's chunking key), or the delete form when it is gone or expired.
   */
  private sendKey(t: Target, key: string, f: Flight): void {
    const db = this.host.db;
    const s = db.peek(key);
    if (f.pieces !== null) {
      f.pieces = null;
      t.pieceDue = false;
    }
    let argv: string[];
    if (s >= 0 && !db.isExpired(s)) {
      const v = db.valueAt(s);
      if (this.large(v) && f.restarts < CHUNK_MAX_RESTARTS) {
        if (t.chunking !== null && t.chunking !== key) {
          if (!t.waiting.includes(key)) t.waiting.push(key);
          return;
        }
        t.chunking = key;
        f.dirty = false;
        f.pieces = { writer: new DumpWriter(v), seq: 0 };
        f.sent = typeof v === 'string' ? null : v;
        f.stamp = typeof v === 'string' ? 0 : v.stamp;
        this.stats.keysInPieces++;
        this.sendPiece(t, key, f);
        return;
      }
      if (f.restarts >= CHUNK_MAX_RESTARTS && this.large(v)) {
        this.host.log.verbose(`Migration: ${JSON.stringify(key)} changed during ${f.restarts} transfers in pieces; sending it whole`);
      }
      const payload = dumpValue(v);
      this.spend(payload.length);
      argv = ['RESTORE-ASKING', key, String(this.ttlOf(s)), payload, 'REPLACE'];
      f.sentValue = true;
      f.sent = typeof v === 'string' ? null : v;
      f.stamp = typeof v === 'string' ? 0 : v.stamp;
    } else {
      argv = ['RESTORE-ASKING', key, '1', DELETE_PAYLOAD, 'REPLACE', 'ABSTTL'];
      f.sentValue = false;
      f.sent = null;
    }
    f.dirty = false;
    this.transmit(t, key, f, argv);
  }

  /**
   * Sends the next piece of the chunking key, or starts it over when it changed since its first piece
   * (another collection, another stamp, gone or expired: Collection.stamp is bumped by every write).
   */
  private sendPiece(t: Target, key: string, f: Flight): void {
    t.pieceDue = false;
    const p = f.pieces as { writer: DumpWriter; seq: number };
    const db = this.host.db;
    const s = db.peek(key);
    const v = s < 0 || db.isExpired(s) ? null : db.valueAt(s);
    const same = v !== null && (typeof v === 'string' ? f.sent === null && p.seq > 0 && !f.dirty : v === f.sent && v.stamp === f.stamp);
    if (p.seq > 0 && !same) {
      f.restarts++;
      this.sendKey(t, key, f);
      return;
    }
    const piece = p.writer.next(this.pieceBytes, this.pieceItems);
    this.spend(piece.length);
    this.stats.piecesSent++;
    if (piece.length > this.stats.largestPiece) this.stats.largestPiece = piece.length;
    const seq = String(p.seq++);
    let argv: string[];
    if (p.writer.done) {
      argv = ['RESTORE-PIECE', key, String(this.ttlOf(s)), piece, seq, 'LAST', 'REPLACE'];
      f.sentValue = true;
      f.dirty = false;
    } else argv = ['RESTORE-PIECE', key, '0', piece, seq];
    this.transmit(t, key, f, argv);
  }

  private transmit(t: Target, key: string, f: Flight, argv: string[]): void {
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
    if (f.pieces !== null && !f.pieces.writer.done) {
      // A piece staged: the next one (this turn unless paused or the turn's budget is spent).
      if (t.paused !== null || this.overBudget(t)) t.pieceDue = true;
      else this.sendPiece(t, key, f);
      return;
    }
    // Changed since it was sent, by a client (dirty) or by the store itself (a hash field expired, the key
    // expired or was evicted: the stamp, the value's identity).
    if (f.dirty || this.changed(key, f)) {
      if (f.pieces !== null) f.restarts++;
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
    if (t.chunking === key) this.nextChunking(t);
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

  /** True when the collection key's latest send carried is no longer its value, or was written since. */
  private changed(key: string, f: Flight): boolean {
    if (f.sent === null) return false;
    const db = this.host.db;
    const s = db.peek(key);
    return s < 0 || db.valueAt(s) !== f.sent || f.sent.stamp !== f.stamp;
  }

  /** The chunking key is done (or cancelled): the next large key waiting in flight starts. */
  private nextChunking(t: Target): void {
    t.chunking = null;
    t.pieceDue = false;
    while (t.waiting.length > 0) {
      const key = t.waiting.shift() as string;
      const f = t.flight.get(key);
      if (f === undefined) continue;
      this.sendKey(t, key, f); // its first piece, or whole (it shrank, or changed too often), or deleted
      if (t.chunking !== null) return;
    }
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
      if (t.chunking === key) {
        // What the target staged of it goes now (not only when this connection closes).
        if (f.pieces !== null && f.pieces.seq > 0 && !t.stopped) t.peer.send(['RESTORE-PIECE', key, 'DISCARD']).catch(() => undefined);
        t.chunking = null;
        t.pieceDue = false;
      }
    }
    t.retry = t.retry.filter((key) => t.flight.has(key));
    t.waiting = t.waiting.filter((key) => t.flight.has(key));
    if (t.chunking === null && t.waiting.length > 0 && !t.stopped) this.nextChunking(t);
  }

  private stopTarget(t: Target): void {
    if (t.stopped) return;
    this.cancelSlots(t, () => true);
    t.current = -1;
    t.stopped = true;
    t.queue = [];
    if (t.paused !== null) clearTimeout(t.paused);
    t.paused = null;
    if (t.later !== null) clearImmediate(t.later);
    t.later = null;
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
