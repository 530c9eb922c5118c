// A replica's link to its primary: connect, handshake ((AUTH) REPLCONF listening-port / node-id / epoch,
// PSYNC), then apply the stream through a master client (Client.master: no auth, routing, OOM, replies),
// keep the applied bytes (as received) in this node's own backlog with the primary's offsets, ack after
// every read and every second, and reconnect with backoff when the link drops.
import * as net from 'net';
import { RequestParser } from '../protocol/parser';
import { Client } from '../server/client';
import type { ReplicationState as Replication } from './state';
import { encodeCommand } from './stream';

/** Redis's repl state names (ROLE): connect, connecting, handshake, sync, connected. */
export type LinkState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

const EMPTY = Buffer.alloc(0);
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 1000;

export class ReplicaLink {
  state: LinkState = 'connect';
  /** ms (node clock) of the last bytes received from the primary. */
  lastIoMs = 0;
  /** When bytes last arrived after a silence longer than three heartbeats (ms, node clock); 0: never. */
  streamGapAt = 0;
  /**
   * A connection to the primary was refused since those bytes: no process listens on its port, so the
   * primary is gone and answers no client any more (a promotion need not wait for its reads to end).
   */
  refusedSinceIo = false;
  /** ms (node clock) when the last synced link went down; 0 when it never was up (INFO master_link_down_since_seconds). */
  downSinceMs = 0;
  /** Bytes of snapshot entries applied in the current full sync (INFO master_sync_read_bytes). */
  snapKeys = 0;
  /** REPLCONF ACKs sent, and reads of stream bytes handled (specs count batching). */
  acksSent = 0;
  reads = 0;
  private socket: net.Socket | null = null;
  private stopped = false;
  private backoff = BACKOFF_MIN_MS;
  private retryTimer: NodeJS.Timeout | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  /** Handshake: raw bytes of replies not yet complete, and how many replies are still expected. */
  private pendingText = '';
  private expected = 0;
  private parser: RequestParser | null = null;
  /**
   * Stream bytes received and not yet in the backlog, in chunks: from stream position rxAt (counted as
   * the parser's `consumed`), the end of the last command applied, on. Applied commands reach the backlog
   * as the bytes the primary sent, a read's worth at a time, not re-encoded one by one.
   */
  private rx: Buffer[] = [];
  private rxAt = 0;
  private readonly master: Client;

  constructor(
    private readonly repl: Replication,
    readonly host: string,
    readonly port: number,
    readonly epoch: number,
  ) {
    const c = new Client(repl.node, null);
    c.master = true;
    c.authenticated = true;
    c.name = '';
    this.master = c;
  }

  /** Connects (and keeps reconnecting until stop()). */
  start(): void {
    if (this.stopped) return;
    this.state = 'connecting';
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('connect', () => this.handshake(socket));
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && socket === this.socket) this.refusedSinceIo = true;
      this.repl.node.log.verbose(`Replication link ${this.host}:${this.port}: ${e.message}`);
    });
    socket.on('close', () => this.onClose(socket));
    if (this.ackTimer === null) {
      this.ackTimer = setInterval(() => this.tick(), 1000);
      this.ackTimer.unref();
    }
  }

  /** Drops the connection now, as a network failure would; the link reconnects (specs). */
  drop(): void {
    this.socket?.destroy();
  }

  /** Closes the link for good. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.ackTimer !== null) clearInterval(this.ackTimer);
    this.retryTimer = this.ackTimer = null;
    this.socket?.destroy();
    this.socket = null;
    this.state = 'connect';
  }

  private handshake(socket: net.Socket): void {
    const repl = this.repl;
    const node = repl.node;
    this.state = 'handshake';
    this.pendingText = '';
    this.parser = null;
    const cmds: string[][] = [];
    const pass = node.config.str('requirepass');
    if (pass !== '') cmds.push(['AUTH', pass]);
    cmds.push(['REPLCONF', 'listening-port', String(node.port)]);
    cmds.push(['REPLCONF', 'node-id', repl.nodeId]);
    cmds.push(['REPLCONF', 'epoch', String(this.epoch)]);
    // A replica with a history asks to continue it; a fresh one (no backlog) asks for everything.
    if (repl.history !== null && !repl.partial) cmds.push(['PSYNC', repl.replid, String(repl.offset + 1)]);
    else cmds.push(['PSYNC', '?', '-1']);
    this.expected = cmds.length;
    socket.write(cmds.map(encodeCommand).join(''), 'latin1');
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    const repl = this.repl;
    const now = repl.node.clock.now();
    // Bytes after a silence longer than three stream heartbeats may have been held up in the network
    // (a partition healing): they prove nothing about now (Replication.streamGapAt).
    if (repl.heartbeatMs > 0 && this.lastIoMs > 0 && now - this.lastIoMs > 3 * repl.heartbeatMs) this.streamGapAt = now;
    this.lastIoMs = now;
    this.refusedSinceIo = false;
    this.reads++;
    repl.inputBytes += chunk.length;
    if (this.parser === null) {
      this.pendingText += chunk.toString('latin1');
      if (!this.readReplies(socket)) return;
      if (this.parser === null) return;
      const rest = this.pendingText;
      this.pendingText = '';
      if (rest.length === 0) return;
      chunk = Buffer.from(rest, 'latin1');
    }
    const parser = this.parser as RequestParser;
    parser.feed(chunk);
    this.rx.push(chunk);
    const node = repl.node;
    const master = this.master;
    // Stream commands applied since rxAt end here; their bytes go to the backlog together.
    let applied = this.rxAt;
    try {
      for (;;) {
        // A stream command with a byte fast path (SET key value, DEL, ...) runs on the bytes.
        let argv: string[] | null;
        if (parser.nextFrame()) {
          if (node.executeMasterFrame(master, parser.frame)) {
            applied = parser.consumed;
            continue;
          }
          argv = parser.frameArgv();
        } else {
          argv = parser.next();
          if (argv === null) break;
        }
        const name = argv[0];
        if (name === 'REPLSNAP' || name === 'REPLSNAP-PIECE' || name === 'REPLSNAP-END') {
          // Snapshot entries are not stream bytes (no offset): what was applied before them is kept first
          // (REPLSNAP-END acks the offset).
          this.keep(applied);
          this.take(parser.consumed);
          applied = parser.consumed;
          node.execute(master, argv);
          if (name === 'REPLSNAP' || (name === 'REPLSNAP-PIECE' && argv.length > 6)) this.snapKeys++;
          else if (name === 'REPLSNAP-END') this.synced();
          continue;
        }
        node.execute(master, argv);
        applied = parser.consumed;
      }
    } catch (e) {
      this.keep(applied);
      node.log.warning(`Replication stream from ${this.host}:${this.port} unreadable: ${e instanceof Error ? e.message : String(e)}`);
      socket.destroy();
      return;
    }
    this.keep(applied);
    parser.release();
    // One ack per read, once every complete command in it is applied: the writes it carried share it.
    if (this.state === 'connected') this.ack();
  }

  /** Appends the received bytes up to stream position `upTo` (applied commands) to the backlog. */
  private keep(upTo: number): void {
    const b = this.take(upTo);
    if (b.length > 0) this.repl.appendApplied(b);
  }

  /** Removes and returns the received bytes from rxAt up to stream position `upTo`. */
  private take(upTo: number): Buffer {
    let n = upTo - this.rxAt;
    if (n <= 0) return EMPTY;
    this.rxAt = upTo;
    const first = this.rx[0];
    if (first.length > n) {
      this.rx[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.rx.shift();
      return first;
    }
    const parts: Buffer[] = [];
    while (n > 0) {
      const c = this.rx[0];
      if (c.length <= n) {
        parts.push(c);
        this.rx.shift();
        n -= c.length;
      } else {
        parts.push(c.subarray(0, n));
        this.rx[0] = c.subarray(n);
        n = 0;
      }
    }
    return Buffer.concat(parts);
  }

  /** Reads handshake replies; returns false when the link was dropped. On PSYNC's reply, sets up streaming. */
  private readReplies(socket: net.Socket): boolean {
    const repl = this.repl;
    while (this.expected > 0) {
      const eol = this.pendingText.indexOf('\r\n');
      if (eol < 0) return true;
      const line = this.pendingText.slice(0, eol);
      this.pendingText = this.pendingText.slice(eol + 2);
      this.expected--;
      if (line[0] === '-') {
        repl.node.log.warning(`Primary ${this.host}:${this.port} refused the replication handshake: ${line.slice(1)}`);
        socket.destroy();
        return false;
      }
      if (this.expected > 0) continue;
      // PSYNC's reply.
      const words = line.slice(1).split(' ');
      if (words[0] === 'FULLRESYNC') {
        for (const db of repl.node.dbs) db.flush();
        repl.node.staging.dropAll();
        repl.adoptHistory(words[1], Number(words[2]));
        repl.partial = true;
        this.master.db = repl.node.dbs[0];
        this.snapKeys = 0;
        this.state = 'sync';
        repl.node.log.notice(`Full resync from primary ${this.host}:${this.port}: ${words[1]}:${words[2]}`);
      } else if (words[0] === 'CONTINUE') {
        repl.ensureBacklog();
        if (words[1] !== undefined) repl.switchReplid(words[1]);
        this.state = 'connected';
        repl.node.log.notice(`Partial resync from primary ${this.host}:${this.port} at offset ${repl.offset + 1}`);
      } else {
        repl.node.log.warning(`Unexpected reply to PSYNC from ${this.host}:${this.port}: ${line}`);
        socket.destroy();
        return false;
      }
      this.backoff = BACKOFF_MIN_MS;
      this.parser = new RequestParser({ maxBulkBytes: () => 2 ** 40, unauthenticated: () => false });
      this.rx = [];
      this.rxAt = 0;
      if (this.state === 'connected') this.ack();
    }
    return true;
  }

  /** REPLSNAP-END applied: in sync; tell the primary at once. */
  private synced(): void {
    this.state = 'connected';
    this.repl.partial = false;
    this.repl.node.log.notice(`Primary ${this.host}:${this.port} <-> replica sync: finished with ${this.snapKeys} keys`);
    this.ack();
  }

  /** REPLCONF ACK <offset> to the primary (after each applied batch, each second, on GETACK). */
  ack(): void {
    const s = this.socket;
    if (s === null || this.state !== 'connected') return;
    this.acksSent++;
    s.write(encodeCommand(['REPLCONF', 'ACK', String(this.repl.offset)]), 'latin1');
  }

  /** Each second: ack; drop a link silent for repl-timeout. */
  private tick(): void {
    const node = this.repl.node;
    if (this.socket === null) return;
    const timeout = node.config.num('repl-timeout') * 1000;
    if (this.state !== 'connecting' && this.lastIoMs > 0 && node.clock.now() - this.lastIoMs > timeout) {
      node.log.warning(`Timeout on the link to primary ${this.host}:${this.port}`);
      this.socket.destroy();
      return;
    }
    this.ack();
  }

  /**
   * A streaming link dropped, or this replica is being promoted: one connection attempt at once (closed
   * as soon as it connects), so that a refused one proves the primary's process gone (refusedSinceIo) before the reconnect's backoff, and a
   * promotion that follows need not hold its writes (issue 10; cluster/ack-gate.ts PROMOTION_HOLD_MS).
   */
  probe(): void {
    const io = this.lastIoMs;
    const s = net.connect({ host: this.host, port: this.port });
    s.on('connect', () => s.destroy());
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && this.lastIoMs === io) this.refusedSinceIo = true;
    });
    s.unref();
  }

  private onClose(socket: net.Socket): void {
    if (socket !== this.socket) return;
    this.socket = null;
    this.parser = null;
    this.rx = [];
    const wasStreaming = this.state === 'connected';
    if (wasStreaming) this.downSinceMs = this.repl.node.clock.now();
    if (this.stopped) return;
    this.state = 'connect';
    if (wasStreaming) this.probe();
    this.repl.node.log.notice(`Connection with primary ${this.host}:${this.port} lost; retrying in ${this.backoff} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.start();
    }, this.backoff);
    this.retryTimer.unref();
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
  }
}
