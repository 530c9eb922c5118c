// One connection: its parser, its reply writer and its state (database, name, protocol, auth). Every
// command parsed from one read runs before the replies leave, in a single socket write.
import type * as net from 'net';
import { ProtocolError, RequestParser, bulkString, flat } from '../protocol/parser';
import { Reply } from '../protocol/reply';
import type { KeyWait } from '../commands/context';
import type { Session } from '../commands/types';
import type { Config } from '../config/config';
import type { Effects } from '../store/effects';
import type { Keyspace } from '../store/keyspace';
import type { Clock } from '../util/clock';
import type { NodeCore } from './host';
import { replyWriter, type ReplyWriter } from './socket-io';

/** The clock of the master client's commands: no expiry is past for them (Client.clock). */
const PRIMARY_STREAM_CLOCK: Clock = { now: () => 0 };

/** Stop reading from a client whose pending output exceeds this, until it drains (bytes). */
const PAUSE_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Commands one client may run in one event-loop turn before it yields to the others (the rest of its
 * input waits in the parser, its socket pauses, both go on next turn). libuv reads a readable socket up
 * to 32 times (64 KiB each) in one go, so a client pipelining a bulk load had 2 MB of commands run before
 * anyone else was served (a lone GET waited 265 ms at the median); Redis reads 16 KiB per client per
 * turn, about this many small commands.
 */
const FAIR_TURN_COMMANDS = 500;

/**
 * A pipelined batch's keys are hashed and their index buckets, columns and arena entries touched ahead
 * (Keyspace.prefetch), this many commands at a time, so that their cache misses overlap.
 */
const PREFETCH = 16;
const peekOffs = new Int32Array(PREFETCH);
const peekLens = new Int32Array(PREFETCH);
const peekHashes = new Int32Array(PREFETCH);

export class Client implements Session {
  readonly id: number;
  readonly out = new Reply();
  db: Keyspace;
  name = '';
  libName = '';
  libVer = '';
  authenticated: boolean;
  readonly createdAt: number;
  /** ms time of the last command (CLIENT LIST idle, `timeout`). */
  lastInteraction: number;
  /** Full name of the last command run ('NULL' before any). */
  lastCommand = 'NULL';
  /** Set by QUIT, protocol errors and CLIENT KILL: the connection closes once pending replies are written. */
  closeAfterReply = false;
  closed = false;
  /** Waiting in the node's list of clients to flush at the end of this event-loop turn. */
  flushQueued = false;
  /** In MONITOR mode. */
  monitor = false;
  /** ASKING was sent: the next command may run on a slot this node imports (cleared after it). */
  asking = false;
  /** READONLY was sent (replica reads, cluster mode). */
  readonly = false;
  /**
   * replication-ack sync: the replication offset of this client's last write; its replies stay unwritten
   * until the shard's in-sync replicas acknowledged it (cluster/ack-gate.ts). 0 = nothing held.
   */
  waitOffset = 0;
  /** A replica's link on its primary (it sent PSYNC): CLIENT LIST flags=S, CLIENT KILL TYPE replica. */
  replicaLink = false;
  /** The replication link's client on a replica: the dispatcher skips auth, routing, OOM and replies. */
  master = false;
  /** Blocked (WAIT): no further command of this connection runs until unblock(). */
  blocked = false;
  /** When the pending output first exceeded the soft limit (0 = not over it). */
  softLimitSince = 0;
  readonly addr: string;
  readonly laddr: string;
  private readonly parser: RequestParser;
  /** True while a command parsed from the socket runs: its arguments' bulk forms can be sliced. */
  private fromWire = false;
  /** Hashes of the next commands' keys computed ahead (prefetch): [hintAt, hintEnd) of `hints`. */
  private hints: Int32Array | null = null;
  private hintAt = 0;
  private hintEnd = 0;
  /** The client closed its sending side (end of stream): close once what it sent was answered. */
  private inputEnded = false;
  /** Commands run in event-loop turn `turnSeen` (Node.turn) (FAIR_TURN_COMMANDS). */
  private turnCommands = 0;
  private turnSeen = -1;
  /** Paused until the next event-loop turn (yieldTurn), or until its output drains (checkOutputLimits). */
  private yielding = false;
  private outputPaused = false;

  /** How replies reach the socket (socket-io.ts); null without a socket. */
  private readonly writer: ReplyWriter | null;

  /** writer: how replies are written (socket-io.ts replyWriter); socket.write when not given. */
  constructor(
    readonly node: NodeCore,
    readonly socket: net.Socket | null,
    writer?: ReplyWriter,
  ) {
    this.writer = socket === null ? null : (writer ?? replyWriter(socket, 'stream'));
    this.id = node.nextClientId++;
    this.db = node.dbs[0];
    this.authenticated = node.config.str('requirepass') === '';
    this.createdAt = this.lastInteraction = node.clock.now();
    this.addr = socket ? formatAddr(socket.remoteAddress, socket.remotePort) : '';
    this.laddr = socket ? formatAddr(socket.localAddress, socket.localPort) : '';
    this.parser = new RequestParser({
      maxBulkBytes: () => node.protoMaxBulkLen,
      unauthenticated: () => !this.authenticated && node.config.str('requirepass') !== '',
    });
  }

  /**
   * The clock handlers read. For the master client (a replica applying its primary's stream) time stands
   * at 0: nothing in the stream is relative (expiries arrive absolute), and a hash field past its expiry
   * on this node's clock is still live for the primary's commands (see StoreEnv.fromPrimary).
   */
  get clock(): Clock {
    return this.master ? PRIMARY_STREAM_CLOCK : this.node.clock;
  }

  get config(): Config {
    return this.node.config;
  }

  /** The node's effect recorder (one command runs at a time). */
  get effects(): Effects {
    return this.node.env.effects;
  }

  /** False for a client with no socket (specs, the master client). */
  get connected(): boolean {
    return this.socket !== null;
  }

  get dbIndex(): number {
    return this.db.id;
  }

  /** Bytes received but not yet parsed (CLIENT LIST qbuf). */
  get queryBufferBytes(): number {
    return this.parser.buffered;
  }

  /** Bytes of replies not yet taken by the kernel (CLIENT LIST omem). */
  get outputBytes(): number {
    return (this.writer?.pending ?? 0) + this.out.pendingBytes;
  }

  /**
   * The arguments of the frame the parser holds, as strings (a command or a check the byte fast path
   * does not take): next() would have returned them. The prefetched key hash goes along (StoreEnv.hintKey).
   */
  frameArgv(): string[] {
    const argv = this.parser.frameArgv();
    const f = this.parser.frame;
    if (f.hashed) {
      const env = this.node.env;
      env.hintKey = argv[1];
      env.hintHash = f.hash;
    }
    return argv;
  }

  /** Argument i of the running command as a RESP bulk string (a stored string value). */
  bulkArg(argv: readonly string[], i: number): string {
    return this.fromWire ? this.parser.bulkForm(i) : flat(bulkString(argv[i]));
  }

  /**
   * Handles bytes from the socket: parse and run every complete command; their replies leave in one
   * write once this event-loop turn has read every ready socket (Node.flushLater). borrowed: chunk is
   * the shared read buffer (io-mode handle), overwritten by the next read: what the parser still holds
   * of it when the commands stop (an unfinished command, or input left while this client is blocked,
   * yields its turn or waits for its output to drain) is copied before returning.
   */
  onData(chunk: Buffer, borrowed = false): void {
    if (this.closed) return; // bytes after a protocol error or QUIT are not parsed
    const node = this.node;
    node.stats.netInputBytes += chunk.length;
    this.lastInteraction = node.clock.now();
    this.parser.feed(chunk, borrowed);
    this.processInput();
    if (borrowed) this.parser.own();
  }

  /** End of the client's stream (it half-closed): runs what is left, answers, then closes. */
  onEnd(): void {
    if (this.closed) return;
    // A blocked client (BLPOP, WAIT) that hung up will never read its reply: close now, as Redis frees a
    // client whose read returns EOF (its wait goes with it: Node.forget).
    if (this.blocked) return this.close();
    this.inputEnded = true;
    this.processInput();
  }

  /**
   * Stops running and reading this client until the next event-loop turn, so that others' input is read
   * and served first; then runs what its parser still holds and reads again.
   */
  private yieldTurn(): void {
    const socket = this.socket;
    if (socket === null || this.yielding || this.closed) return;
    this.yielding = true;
    socket.pause();
    setImmediate(() => {
      this.yielding = false;
      if (this.closed || this.outputPaused) return; // its 'drain' goes on
      this.processInput();
      if (!this.closed && !this.outputPaused && !this.yielding) socket.resume();
    });
  }

  /**
   * Hashes the keys of the next complete commands buffered and has the keyspace touch what their
   * lookups will read (a pipelined batch only: a lone command gains nothing). The hashes wait in `hints`
   * for the commands to run.
   */
  private prefetch(): void {
    const n = this.parser.peekKeys(PREFETCH, peekOffs, peekLens);
    this.hintAt = this.hintEnd = 0;
    if (n < 2) return;
    const db = this.db;
    const b = this.parser.peekBuffer;
    const hints = (this.hints ??= new Int32Array(PREFETCH));
    let k = 0;
    for (let i = 0; i < n; i++) {
      // A command without a key keeps its place with a hash nothing will ask for.
      const h = peekOffs[i] < 0 ? 0 : db.hashBytes(b, peekOffs[i], peekLens[i]) | 0;
      hints[i] = h;
      if (peekOffs[i] >= 0) peekHashes[k++] = h;
    }
    this.hintEnd = n;
    db.prefetch(peekHashes, k);
  }

  /**
   * Runs the complete commands the parser holds, then writes their replies. Stops early, to go on once
   * the socket drains, when the replies of this batch pass PAUSE_OUTPUT_BYTES and the client does not
   * read them, and after FAIR_TURN_COMMANDS in one event-loop turn (yieldTurn). A protocol error is
   * answered and closes the connection after the reply; any other exception here is a bug of ours: it is
   * logged and closes this connection only.
   */
  private processInput(): void {
    const node = this.node;
    if (this.turnSeen !== node.turn) {
      this.turnSeen = node.turn;
      this.turnCommands = 0;
    }
    // Commands of one batch time each other: one clock read each (NodeCore.cmdChain).
    node.cmdChain = 0;
    try {
      while (!this.closeAfterReply && !this.blocked && !this.yielding) {
        if (this.out.pendingBytes > PAUSE_OUTPUT_BYTES && this.socket !== null) {
          this.flush();
          if (this.closed || this.outputPaused) break;
        }
        if (this.hintAt === this.hintEnd) this.prefetch();
        const parser = this.parser;
        if (!this.master && parser.nextFrame()) {
          // The byte fast path (dispatcher.ts executeFrame): no argument strings unless needed.
          const f = parser.frame;
          if (this.hintAt < this.hintEnd) {
            f.hash = (this.hints as Int32Array)[this.hintAt++];
            f.hashed = f.argc > 1;
          }
          this.fromWire = true;
          node.executeFrame(this, f);
          this.fromWire = false;
        } else {
          const argv = parser.next();
          if (argv === null) break;
          if (this.hintAt < this.hintEnd) {
            const h = (this.hints as Int32Array)[this.hintAt++];
            if (argv.length > 1) {
              const env = node.env;
              env.hintKey = argv[1];
              env.hintHash = h;
            }
          }
          this.fromWire = true;
          node.execute(this, argv);
          this.fromWire = false;
        }
        if (++this.turnCommands >= FAIR_TURN_COMMANDS && this.socket !== null) this.yieldTurn();
      }
    } catch (e) {
      this.fromWire = false;
      if (e instanceof ProtocolError) {
        node.log.verbose(`Protocol error (${e.message}) from client: ${this.describe()}`);
        this.out.error(e.message);
        this.closeAfterReply = true;
      } else {
        node.stats.internalErrors++;
        node.log.warning(`Closing client after an internal error: ${e instanceof Error ? e.stack : String(e)}`);
        this.close();
        return;
      }
    } finally {
      node.cmdChain = -1;
    }
    if (this.closed) return;
    if (!this.closeAfterReply && this.parser.buffered > node.config.num('client-query-buffer-limit')) {
      node.log.warning(`Closing client that reached max query buffer length: ${this.describe()}`);
      node.stats.clientQueryLimitDisconnections++;
      this.close();
      return;
    }
    this.parser.release();
    if (this.socket === null) return;
    // The client half-closed and everything it sent has run: answer, then close (as Redis, which reads
    // the end of stream only after the data before it).
    if (this.inputEnded && !this.yielding && !this.blocked && !this.outputPaused) this.closeAfterReply = true;
    if (this.closeAfterReply) this.flush();
    else this.node.flushLater(this);
  }

  /**
   * May block (BLPOP & co): not the replication link's client. MULTI/EXEC and scripts, once they exist,
   * must make this false while they run (Redis's CLIENT_DENY_BLOCKING): blocking commands there answer
   * at once as on a timeout.
   */
  get canBlock(): boolean {
    return !this.master;
  }

  /** Blocks the running command on keys (server/blocking.ts); it replies when served, timed out or unblocked. */
  blockOnKeys(wait: KeyWait): void {
    this.node.blocking.block(this, wait, this.node.commands.lookup(this.lastCommand));
  }

  /** Stops running this connection's commands (the running one answers later, then unblock()). */
  block(): void {
    this.blocked = true;
  }

  /** Resumes after block(): the blocked command's reply was written; runs the commands received meanwhile. */
  unblock(): void {
    if (!this.blocked) return;
    this.blocked = false;
    if (this.closed) return;
    this.processInput();
  }

  /** Writes pending replies in one socket write; closes when asked to; enforces output limits. */
  flush(): void {
    const socket = this.socket;
    const writer = this.writer;
    if (socket === null || writer === null || this.closed) return;
    if (this.waitOffset !== 0) {
      const gate = this.node.cluster?.gate;
      if (gate && !gate.passed(this.waitOffset)) return; // the gate flushes it once acknowledged
      this.waitOffset = 0;
    }
    if (this.out.pending) {
      const data = this.out.takeBytes();
      if (!Array.isArray(data)) this.node.stats.netOutputBytes += data.length;
      else for (const part of data) this.node.stats.netOutputBytes += part.length;
      writer.write(data);
      // Written through at once (the usual case): the reply buffer is free again.
      if (writer.pending === 0) this.out.recycle();
    }
    if (this.closeAfterReply) {
      this.closed = true;
      socket.end();
      this.node.forget(this);
      return;
    }
    if (writer.pending > 0) this.checkOutputLimits();
  }

  /** Closes the connection now, dropping pending output. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.discard();
    this.socket?.destroy();
    this.node.forget(this);
  }

  /** Checks client-output-buffer-limit (normal class) and pauses reading from a client that does not read. */
  checkOutputLimits(now = this.node.clock.now()): void {
    const socket = this.socket;
    const writer = this.writer;
    if (socket === null || writer === null) return;
    const pending = writer.pending;
    const lim = this.node.config.obuf().normal;
    let over = lim.hard > 0 && pending >= lim.hard;
    if (!over && lim.soft > 0 && pending >= lim.soft) {
      if (this.softLimitSince === 0) this.softLimitSince = now;
      else if (now - this.softLimitSince >= lim.softSeconds * 1000) over = true;
    } else if (pending < lim.soft) {
      this.softLimitSince = 0;
    }
    if (over) {
      this.node.log.warning(`Client ${this.describe()} scheduled to be closed ASAP for overcoming of output buffer limits.`);
      this.node.stats.clientOutputLimitDisconnections++;
      this.close();
      return;
    }
    if (pending > PAUSE_OUTPUT_BYTES && !this.outputPaused) {
      this.outputPaused = true;
      socket.pause();
      writer.whenDrained(() => {
        this.outputPaused = false;
        if (this.closed) return;
        if (!this.yielding) socket.resume();
        this.processInput(); // commands already received but not run while paused
      });
    }
  }

  /** `id=.. addr=.. ...` (CLIENT LIST / CLIENT INFO line, without the newline). */
  describe(now = this.node.clock.now()): string {
    const age = Math.floor((now - this.createdAt) / 1000);
    const idle = Math.floor((now - this.lastInteraction) / 1000);
    const flags = this.master ? 'M' : this.replicaLink ? 'S' : this.monitor ? 'O' : 'N';
    const qbuf = this.parser.buffered;
    const omem = this.outputBytes;
    return (
      `id=${this.id} addr=${this.addr} laddr=${this.laddr} fd=${fdOf(this.socket)} name=${this.name} ` +
      `age=${age} idle=${idle} flags=${flags} db=${this.dbIndex} sub=0 psub=0 ssub=0 multi=-1 ` +
      `qbuf=${qbuf} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=${omem} ` +
      `tot-mem=${qbuf + omem} events=r cmd=${this.lastCommand} user=default redir=-1 resp=${this.out.resp} ` +
      `lib-name=${this.libName} lib-ver=${this.libVer}`
    );
  }
}

/** `ip:port`, with IPv6 addresses in brackets (`[::1]:6379`), as Redis's anetFormatAddr. */
function formatAddr(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function fdOf(socket: net.Socket | null): number {
  const handle = (socket as unknown as { _handle?: { fd?: number } } | null)?._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}
