// The primary's side: replica links (clients that sent PSYNC). Handshake details (REPLCONF), the PSYNC
// decision (continue from the backlog or full resync), the snapshot sent a chunk per event-loop turn
// interleaved with the live stream, one write per turn per replica, acks, heartbeats and timeouts.
//
// A large collection (more than CHUNK_MIN_ITEMS elements or CHUNK_MIN_BYTES: store/dump.ts) is not put
// in a chunk whole: it waits until the scan is over, then goes a piece per turn as `REPLSNAP-PIECE key
// <expireAt or 0> <piece> <db> <seq> [LAST]` (the replica stages the pieces and sets the whole value with
// the last, store/staging.ts). The live stream's bytes go before each piece, as before each chunk: a write
// to the key meanwhile reaches the replica's keyspace and bumps the collection's stamp, so the next piece
// starts the key over (seq 0) and the last piece carries its state after every write already streamed.
// A key gone or expired before its last piece is dropped (its DEL is in the stream); one restarted
// SNAP_MAX_RESTARTS times goes whole as REPLSNAP. Large strings go whole too (no stamp to watch).
import * as E from '../protocol/errors';
import type { Client } from '../server/client';
import type { ReplicaInfo, ReplicationState as Replication } from './state';
import { CHUNK_MIN_BYTES, CHUNK_MIN_ITEMS, DumpWriter, PIECE_MAX_BYTES, PIECE_MAX_ITEMS } from '../store/dump';
import { isRelayedOwner } from '../store/staging';
import type { Collection } from '../store/value';
import { SNAP_END, encodeCommand, snapEntry } from './stream';

/** What a connection announced with REPLCONF before PSYNC. */
interface Announce {
  port: number;
  id: string;
  epoch: number;
  /** REPLCONF epoch announced a newer epoch than ours: PSYNC is refused. */
  stale: boolean;
}

type LinkState = 'wait_bgsave' | 'send_bulk' | 'online';

interface Link {
  c: Client;
  id: string;
  ip: string;
  port: number;
  state: LinkState;
  /** Offset of the last stream byte written to it. */
  sent: number;
  ackOffset: number;
  lastAckMs: number;
  /** Snapshot still to send; null when sent (or none needed). */
  snap: Snapshot | null;
}

/** A snapshot's progress: the scan's database and cursor, the large keys it put aside, the one in pieces. */
interface Snapshot {
  db: number;
  cursor: number;
  large: { db: number; key: string }[];
  piece: SnapPiece | null;
}

/** A large key going in pieces: the collection and its stamp at the first piece (null: not started), the next seq. */
interface SnapPiece {
  db: number;
  key: string;
  value: Collection | null;
  stamp: number;
  writer: DumpWriter | null;
  seq: number;
  restarts: number;
}

/** Keys per snapshot chunk (one chunk per event-loop turn per replica) ... */
const SNAP_CHUNK_KEYS = 2000;
/** ... and payload bytes, about (keys are taken in scans of SNAP_SCAN_STEP until one of them is reached). */
const SNAP_CHUNK_BYTES = 1024 * 1024;
const SNAP_SCAN_STEP = 100;
/** A large key restarted this many times (written during its pieces) goes whole. */
const SNAP_MAX_RESTARTS = 3;
/** A chunk waits while the socket holds more than this many bytes not yet taken by the kernel. */
const SNAP_MAX_PENDING = 4 * 1024 * 1024;

export class Primary {
  private links = new Map<Client, Link>();
  private announced = new WeakMap<Client, Announce>();
  private flushTimer: NodeJS.Immediate | null = null;
  private tick: NodeJS.Timeout | null = null;
  private lastPingMs = 0;
  /** The lease heartbeat (repl.heartbeatMs > 0), and the stream offset it last saw. */
  private beat: NodeJS.Timeout | null = null;
  private beatOffset = -1;
  /** Clients blocked in WAIT, with the offset they wait for and how many replicas. */
  private waiting: { c: Client; offset: number; n: number; timer: NodeJS.Timeout | null }[] = [];

  /** INFO stats sync_full, sync_partial_ok, sync_partial_err (as Redis: a refused continuation counts an err and a full). */
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /** Socket writes of live stream bytes, over all links, and REPLCONF ACKs received (specs count batching). */
  streamWrites = 0;
  acksReceived = 0;
  /** Snapshot pieces of large keys sent (REPLSNAP-PIECE), over all full syncs. */
  snapPieces = 0;

  constructor(private readonly repl: Replication) {}

  get count(): number {
    return this.links.size;
  }

  /** REPLCONF listening-port / node-id / epoch. Returns an error text or null. */
  announce(c: Client, what: string, value: string): string | null {
    let a = this.announced.get(c);
    if (a === undefined) {
      a = { port: 0, id: '', epoch: 0, stale: false };
      this.announced.set(c, a);
    }
    if (what === 'listening-port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65535) return 'ERR value is not an integer or out of range';
      a.port = n;
    } else if (what === 'node-id') {
      a.id = value;
    } else if (what === 'epoch') {
      const n = Number(value);
      if (!Number.isInteger(n)) return 'ERR value is not an integer or out of range';
      a.epoch = n;
      a.stale = n > this.repl.epoch;
      if (a.stale) return 'ERR stale primary';
    }
    return null;
  }

  /** The node id c announced with REPLCONF node-id ('' when none). */
  announcedId(c: Client): string {
    return this.announced.get(c)?.id ?? '';
  }

  /** True when c announced a newer epoch than this node's. */
  isStale(c: Client): boolean {
    return this.announced.get(c)?.stale === true;
  }

  /**
   * PSYNC replid offset from c: writes +CONTINUE (then the backlog from offset) when replid/offset is
   * within this node's history, else +FULLRESYNC <replid> <offset> (then the snapshot), and turns c into
   * a replica link. Redis's rule: continue when replid is ours and offset within the backlog, or replid
   * is our replid2 and offset <= second_repl_offset.
   */
  psync(c: Client, replid: string, offset: number): void {
    const repl = this.repl;
    const a = this.announced.get(c);
    const b = repl.history;
    const known = replid === repl.replid || (replid === repl.replid2 && offset <= repl.secondOffset);
    const now = repl.node.clock.now();
    const link: Link = {
      c,
      id: a?.id ?? '',
      ip: remoteIp(c),
      port: a?.port ?? 0,
      state: 'online',
      sent: 0,
      ackOffset: 0,
      lastAckMs: now,
      snap: null,
    };
    if (known && b !== null && b.has(offset)) {
      c.out.raw(`+CONTINUE ${repl.replid}\r\n`);
      link.sent = offset - 1;
      link.ackOffset = offset - 1;
      this.syncPartialOk++;
    } else {
      if (replid !== '?') this.syncPartialErr++;
      this.syncFull++;
      // Values staged from pieces (RESTORE-PIECE) are not in the snapshot and their earlier pieces not in
      // the stream this replica gets: dropped (the other replicas are told), their senders start again.
      repl.node.staging.dropAll((owner) => !isRelayedOwner(owner));
      repl.ensureBacklog();
      c.out.raw(`+FULLRESYNC ${repl.replid} ${repl.offset}\r\n`);
      link.sent = repl.offset;
      link.state = 'send_bulk';
      link.snap = { db: 0, cursor: 0, large: [], piece: null };
    }
    c.flush(); // replies pending before PSYNC's, then PSYNC's: the stream follows on the socket
    repl.forceSelect();
    this.links.set(c, link);
    c.replicaLink = true; // CLIENT LIST flags=S, CLIENT KILL TYPE replica
    repl.node.log.notice(`Replica ${link.ip}:${link.port} asks for synchronization: ${link.state === 'online' ? 'partial resync accepted' : 'full resync'}`);
    this.startTick();
    this.startBeat();
    this.schedule();
  }

  /** REPLCONF ACK offset from a replica link (ignored from other clients). */
  ack(c: Client, offset: number): void {
    const link = this.links.get(c);
    if (link === undefined) return;
    this.acksReceived++;
    link.ackOffset = Math.max(link.ackOffset, offset);
    link.lastAckMs = this.repl.node.clock.now();
    // The replica acks only after it applied REPLSNAP-END: it is in sync.
    if (link.state !== 'online' && link.snap === null) link.state = 'online';
    this.repl.acked(link.id, link.ackOffset);
    if (this.waiting.length > 0) this.checkWaiting();
  }

  /**
   * Stream bytes produced since the last flush, and the offset before them: links that were sent
   * everything before get these even when the backlog wrapped meanwhile (a burst larger than it).
   */
  private turn = '';
  private turnFrom = -1;

  /** Stream bytes just appended to the backlog: written to the links at the end of this event-loop turn. */
  queue(bytes: string): void {
    if (this.links.size === 0) return;
    if (this.turn.length === 0) this.turnFrom = (this.repl.history as { offset: number }).offset - bytes.length;
    this.turn += bytes;
    this.schedule();
  }

  /** Writes pending stream bytes (and snapshot chunks) to every link at the end of this event-loop turn. */
  schedule(): void {
    if (this.flushTimer === null && this.links.size > 0) this.flushTimer = setImmediate(this.flush);
  }

  /**
   * One write per link: the stream it has not been sent, then its next snapshot chunk (if any). Runs once
   * per event-loop turn, after every client's input of the turn ran: the writes of all of them share it.
   * (Holding a link's bytes until it acknowledged the previous write, for larger batches, was measured:
   * no fewer acks under redis-benchmark -c 50, and in sync mode a write produced meanwhile then waits for
   * two round trips instead of one.)
   */
  readonly flush = (): void => {
    this.flushTimer = null;
    const repl = this.repl;
    const b = repl.history;
    if (b === null) return;
    const end = b.offset;
    const turn = this.turn;
    const turnFrom = this.turnFrom;
    this.turn = '';
    let shared: Buffer | null = null;
    let sharedFrom = -1;
    let more = false;
    for (const link of this.links.values()) {
      const socket = link.c.socket;
      if (socket === null || link.c.closed) continue;
      let data = '';
      let bytes: Buffer | string | null = null;
      if (link.sent < end) {
        if (turn.length > 0 && link.sent === turnFrom && turnFrom + turn.length === end) {
          bytes = turn; // the common case: this turn's bytes, as produced
        } else if (!b.has(link.sent + 1)) {
          // Fell out of the backlog: the replica reconnects and resyncs.
          link.c.close();
          continue;
        } else {
          if (sharedFrom !== link.sent + 1) {
            shared = b.read(link.sent + 1);
            sharedFrom = link.sent + 1;
          }
          bytes = shared;
        }
        link.sent = end;
      }
      if (link.snap !== null) {
        if (socket.writableLength < SNAP_MAX_PENDING) data = this.chunk(link);
        more = true;
      }
      if (bytes !== null) {
        if (typeof bytes === 'string') socket.write(bytes, 'latin1');
        else socket.write(bytes);
        repl.outputBytes += bytes.length;
        this.streamWrites++;
      }
      if (data !== '') {
        socket.write(data, 'latin1');
        repl.outputBytes += data.length;
      }
    }
    if (more) this.flushTimer = setImmediate(this.flush);
  };

  /**
   * The next snapshot chunk of link: REPLSNAP entries of up to SNAP_CHUNK_KEYS keys / SNAP_CHUNK_BYTES,
   * large collections put aside; after the scan, one piece of a large key per chunk; REPLSNAP-END last.
   */
  private chunk(link: Link): string {
    const snap = link.snap as Snapshot;
    const dbs = this.repl.node.dbs;
    const now = this.repl.node.clock.now();
    if (snap.piece !== null) return this.piece(snap, now);
    let out = '';
    let n = 0;
    while (n < SNAP_CHUNK_KEYS && out.length < SNAP_CHUNK_BYTES && snap.db < dbs.length) {
      const db = dbs[snap.db];
      const next = db.scan(snap.cursor, Math.min(SNAP_SCAN_STEP, SNAP_CHUNK_KEYS - n), (s) => {
        if (db.isExpired(s, now)) return; // its DEL follows in the stream
        const v = db.valueAt(s);
        if (typeof v !== 'string' && (v.size > CHUNK_MIN_ITEMS || v.bytes > CHUNK_MIN_BYTES)) {
          snap.large.push({ db: db.id, key: db.keyAt(s) });
          return;
        }
        out += snapEntry(db, s);
        n++;
      });
      if (next === 0) {
        snap.db++;
        snap.cursor = 0;
      } else snap.cursor = next;
    }
    if (snap.db < dbs.length || out !== '') return out;
    const large = snap.large.shift();
    if (large !== undefined) {
      snap.piece = { db: large.db, key: large.key, value: null, stamp: 0, writer: null, seq: 0, restarts: 0 };
      return this.piece(snap, now);
    }
    link.snap = null;
    return SNAP_END;
  }

  /** The next piece of the large key in snap.piece ('' when it went away), starting it over when it changed. */
  private piece(snap: Snapshot, now: number): string {
    const p = snap.piece as SnapPiece;
    const db = this.repl.node.dbs[p.db];
    const s = db.peek(p.key);
    const v = s < 0 || db.isExpired(s, now) ? null : db.valueAt(s);
    if (v === null || typeof v === 'string') {
      // Gone or expired (its DEL is in the stream; what the replica staged goes at REPLSNAP-END), or now a string.
      snap.piece = null;
      return v === null ? '' : snapEntry(db, s);
    }
    let w = p.writer;
    if (w === null || v !== p.value || v.stamp !== p.stamp) {
      if (w !== null) p.restarts++;
      if (p.restarts >= SNAP_MAX_RESTARTS) {
        snap.piece = null;
        return snapEntry(db, s);
      }
      p.value = v;
      p.stamp = v.stamp;
      p.writer = w = new DumpWriter(v);
      p.seq = 0;
    }
    const piece = w.next(PIECE_MAX_BYTES, PIECE_MAX_ITEMS);
    this.snapPieces++;
    const argv = ['REPLSNAP-PIECE', p.key, String(db.expireAt(s)), piece, String(db.id), String(p.seq++)];
    if (w.done) {
      argv.push('LAST');
      snap.piece = null;
    }
    return encodeCommand(argv);
  }

  /** Per second: heartbeat PING every repl-ping-replica-period, drop links silent for repl-timeout. */
  private startTick(): void {
    if (this.tick !== null) return;
    this.tick = setInterval(() => {
      const repl = this.repl;
      const now = repl.node.clock.now();
      if (this.links.size === 0) {
        clearInterval(this.tick as NodeJS.Timeout);
        this.tick = null;
        return;
      }
      const period = repl.node.config.num('repl-ping-replica-period') * 1000;
      if (now - this.lastPingMs >= period) {
        this.lastPingMs = now;
        repl.ping();
      }
      const timeout = repl.node.config.num('repl-timeout') * 1000;
      for (const link of [...this.links.values()]) {
        if (link.state === 'online' && now - link.lastAckMs > timeout) {
          repl.node.log.warning(`Disconnecting timedout replica ${link.ip}:${link.port}`);
          link.c.close();
        }
      }
    }, 1000);
    this.tick.unref();
  }

  /**
   * The read-lease heartbeat (cluster mode: repl.heartbeatMs, 100 ms): a PING in the stream whenever
   * nothing else was streamed during the last period, so every replica hears from its primary at least
   * that often and a healthy idle shard keeps its replicas' read leases (replica.ts, router.ts). The PING
   * is part of the stream (counted in offsets, acknowledged), as Redis's repl-ping-replica-period one.
   */
  private startBeat(): void {
    const ms = this.repl.heartbeatMs;
    if (this.beat !== null || ms <= 0) return;
    this.beat = setInterval(() => {
      if (this.links.size === 0) {
        this.stopBeat();
        return;
      }
      const offset = this.repl.offset;
      if (offset === this.beatOffset) this.repl.ping();
      this.beatOffset = this.repl.offset;
    }, ms);
    this.beat.unref();
  }

  private stopBeat(): void {
    if (this.beat !== null) clearInterval(this.beat);
    this.beat = null;
    this.beatOffset = -1;
  }

  /** The links as ReplicaInfo, in attach order. */
  infos(): ReplicaInfo[] {
    const out: ReplicaInfo[] = [];
    for (const l of this.links.values()) {
      out.push({ id: l.id, ip: l.ip, port: l.port, ackOffset: l.ackOffset, lastAckMs: l.lastAckMs, online: l.state === 'online' });
    }
    return out;
  }

  /** The ack offset of the last attached link announced as `id` (what infos() lists last for it); 0: none. */
  ackOffsetOf(id: string): number {
    let off = 0;
    for (const l of this.links.values()) if (l.id === id) off = l.ackOffset;
    return off;
  }

  /** INFO slaveN fields: state as Redis (wait_bgsave, send_bulk, online). */
  states(): { ip: string; port: number; state: LinkState; offset: number; lag: number }[] {
    const now = this.repl.node.clock.now();
    return [...this.links.values()].map((l) => ({ ip: l.ip, port: l.port, state: l.state, offset: l.ackOffset, lag: Math.floor((now - l.lastAckMs) / 1000) }));
  }

  /** Online replicas that acked within maxLagS seconds (min-replicas-to-write). */
  goodReplicas(maxLagS: number): number {
    const now = this.repl.node.clock.now();
    let n = 0;
    for (const l of this.links.values()) if (l.state === 'online' && now - l.lastAckMs <= maxLagS * 1000) n++;
    return n;
  }

  /** Online replicas whose ack reached offset. */
  ackedAtLeast(offset: number): number {
    let n = 0;
    for (const l of this.links.values()) if (l.state === 'online' && l.ackOffset >= offset) n++;
    return n;
  }

  /**
   * WAIT: answers now when n replicas acked offset (or n is 0), else blocks c until they do or
   * timeoutMs passes (0 = no limit), then answers the count.
   */
  wait(c: Client, n: number, timeoutMs: number): void {
    const offset = this.repl.offset;
    const have = this.ackedAtLeast(offset);
    if (have >= n || c.socket === null) return c.out.int(have);
    const w = { c, offset, n, timer: null as NodeJS.Timeout | null };
    if (timeoutMs > 0) w.timer = setTimeout(() => this.release(w), timeoutMs);
    this.waiting.push(w);
    c.block();
  }

  private checkWaiting(): void {
    for (const w of [...this.waiting]) if (w.c.closed || this.ackedAtLeast(w.offset) >= w.n) this.release(w);
  }

  private release(w: { c: Client; offset: number; n: number; timer: NodeJS.Timeout | null }): void {
    const i = this.waiting.indexOf(w);
    if (i < 0) return;
    this.waiting.splice(i, 1);
    if (w.timer !== null) clearTimeout(w.timer);
    if (w.c.closed) return;
    w.c.out.int(this.ackedAtLeast(w.offset));
    w.c.unblock();
  }

  /** A client closed: drop its link. */
  forget(c: Client): void {
    const link = this.links.get(c);
    if (link === undefined) return;
    this.links.delete(c);
    this.repl.node.log.notice(`Connection with replica ${link.ip}:${link.port} lost.`);
    if (this.waiting.length > 0) this.checkWaiting();
  }

  /** Closes every replica link (this node becomes a replica, or shuts down). */
  dropAll(): void {
    // Blocked WAIT clients are answered as Redis answers them when a master turns replica.
    for (const w of this.waiting.splice(0)) {
      if (w.timer !== null) clearTimeout(w.timer);
      if (w.c.closed) continue;
      w.c.out.error(E.ERR_UNBLOCKED_ROLE_CHANGE);
      w.c.unblock();
    }
    for (const c of [...this.links.keys()]) c.close();
    this.links.clear();
    if (this.tick !== null) clearInterval(this.tick);
    this.tick = null;
    this.stopBeat();
  }

  /** True when c is a replica link (its replies are not written: the stream owns its socket). */
  isLink(c: Client): boolean {
    return this.links.has(c);
  }
}

/** The address a client connected from, without the port. */
function remoteIp(c: Client): string {
  const ip = c.socket?.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
