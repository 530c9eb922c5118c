// A node: its databases, configuration, clients, counters and listening sockets. One process, one node.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as v8 from 'v8';
import { CommandTable } from '../commands/registry';
import type { NodeCore } from './host';
import type { ClusterPort, ReplicationPort } from './ports';
import type { Config } from '../config/config';
import { ServerStats } from './stats';
import { activeExpireCycle } from '../store/expire';
import { activeExpireFieldsCycle } from '../store/field-expire';
import { Evictor } from '../store/evict';
import { Keyspace, newStoreEnv, type StoreEnv } from '../store/keyspace';
import { Staging, connectionOwner } from '../store/staging';
import { systemClock, type Clock } from '../util/clock';
import { Client } from './client';
import { BlockingKeys, type BlockedClient } from './blocking';
import type { Command } from '../commands/types';
import * as E from '../protocol/errors';
import { ALL_KEYS } from '../commands/types';
import type { Frame } from '../protocol/parser';
import { execute, executeFrame, executeMasterFrame } from './dispatcher';
import { Logger, type LogLevel } from './log';
import { formatMonitorLine } from './monitor';
import { IdleReclaimer } from './reclaim';
import { chooseIoMode, IO_MODE_ENV, replyWriter, startReading, type IoMode } from './socket-io';

export { REDIS_VERSION, SHARDCACHE_VERSION } from '../util/version';

/** Share of V8's heap limit (heap_size_limit) above which writes are refused. */
export const HEAP_TIGHT_SHARE = 0.9;
/**
 * Bytes each keyspace may move out of sparse slabs per cron tick (store/arena.ts): while commands run,
 * 256 KB (~0.1 ms; 2.5 MB/s at hz 10); in a tick with no command since the last, 8 MB (~3 ms; 80 MB/s),
 * so that after a mass delete the live data left in sparse slabs moves within seconds and the memory
 * goes back.
 */
const HOUSEKEEP_BYTES = 256 * 1024;
const HOUSEKEEP_IDLE_BYTES = 8 * 1024 * 1024;

export interface NodeOptions {
  clock?: Clock;
}

/**
 * A node; R and C are the replication and cluster plug-ins' types (the composition root knows the concrete
 * ones; the server layer only the ports it declares).
 */
export class Node<R extends ReplicationPort = ReplicationPort, C extends ClusterPort = ClusterPort> implements NodeCore {
  readonly clock: Clock;
  readonly env: StoreEnv;
  readonly dbs: Keyspace[];
  /** Values arriving in pieces, per connection (store/staging.ts); a connection's go when it closes. */
  readonly staging: Staging;
  readonly stats = new ServerStats();
  readonly commands = new CommandTable();
  readonly evictor: Evictor;
  /** Full garbage collections when idle after large growth (reclaim.ts). */
  readonly reclaimer = new IdleReclaimer(this);
  readonly log = new Logger();
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  readonly runId = crypto.randomBytes(20).toString('hex');
  /** Clients blocked on keys (BLPOP & co): server/blocking.ts. */
  readonly blocking: BlockingKeys = new BlockingKeys(this);
  readonly startedAt: number;
  nextClientId = 1;
  /** maxmemory in bytes (cached: read before every command). */
  maxmemory = 0;
  /**
   * True while V8's heap is above HEAP_TIGHT_SHARE of its limit (checked by the cron): writes then get
   * OOM, as over maxmemory, instead of the process dying of heap exhaustion (with maxmemory 0 or set
   * above what the heap can hold).
   */
  heapTight = false;
  /** proto-max-bulk-len in bytes (cached: read for every request argument). */
  protoMaxBulkLen = 0;
  /** Active expiry on (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire = true;
  /** Ports actually listened on (port 0 picks one). */
  port = 0;
  /** How accepted connections are read (socket-io.ts): `io-mode`, or SHARDCACHE_IO_MODE; set by listen(). */
  ioMode: IoMode = 'stream';
  /** Absolute path of the config file the node started from; '' when none (INFO config_file). */
  configFile = '';
  /**
   * SHUTDOWN calls this once its arguments are valid (now: SHUTDOWN NOW, no cluster hand-off). lib/main.ts
   * sets it to close the node and exit the process with 0; by default (unit specs) it only closes the node
   * and never exits.
   */
  requestShutdown: (now: boolean) => void = () => {
    void this.shutdown();
  };
  /** Cluster mode: this node's agent (etcd, view, coordinator); null for a standalone node. */
  cluster: C | null = null;
  /**
   * Replication: role, offsets, backlog, replica links, the link to a primary (lib/replication/), plugged
   * in by the composition root (lib/create-node.ts) right after construction.
   */
  repl!: R;
  private servers: net.Server[] = [];
  private cronTimer: NodeJS.Timeout | null = null;
  private monitorFlush: NodeJS.Immediate | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    readonly config: Config,
    opts: NodeOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.env = newStoreEnv(this.clock);
    this.dbs = [];
    for (let i = 0; i < config.num('databases'); i++) this.dbs.push(new Keyspace(i, this.env));
    this.staging = new Staging(this.env.memory);
    this.evictor = new Evictor(this.dbs, this.env, config);
    this.startedAt = this.clock.now();
    this.log.level = config.str('loglevel') as LogLevel;
    this.applyConfig();
    config.onChange((name) => {
      this.applyConfig();
      if (name === 'hz' && this.cronTimer) this.startCron();
    });
  }

  /** Caches the directives read on the hot path. */
  private applyConfig(): void {
    this.maxmemory = this.config.num('maxmemory');
    this.protoMaxBulkLen = this.config.num('proto-max-bulk-len');
    const policy = this.config.str('maxmemory-policy');
    this.env.lfu = policy.endsWith('-lfu');
    this.env.lfuParams.logFactor = this.config.num('lfu-log-factor');
    this.env.lfuParams.decayTime = this.config.num('lfu-decay-time');
    this.log.level = this.config.str('loglevel') as LogLevel;
  }

  /** Runs one command for c (see dispatcher.ts). */
  execute(c: Client, argv: string[]): void {
    execute(this, c, argv);
  }

  executeFrame(c: Client, f: Frame): void {
    executeFrame(this, c, f);
  }

  executeMasterFrame(c: Client, f: Frame): boolean {
    return executeMasterFrame(this, c, f);
  }

  /** A client with no socket: specs run commands through it and read c.out.take(). */
  detachedClient(): Client {
    const c = new Client(this, null);
    this.clients.set(c.id, c);
    return c;
  }

  /**
   * After a blocked command replied (blocking.ts): its effects to replication, its reply behind the
   * replication-ack gate, its error in the statistics.
   */
  afterBlocked(c: BlockedClient, cmd: Command | undefined, failed: boolean): void {
    const fx = this.env.effects;
    if (fx.size > 0) this.repl.applyEffects(fx);
    const agent = this.cluster;
    if (agent !== null && agent.gate !== null && cmd !== undefined && cmd.write) agent.gate.hold(c as Client);
    if (failed) {
      if (cmd !== undefined) cmd.stat.failed++;
      this.stats.countError(c.out.lastError);
    }
  }

  /** Forgets a closed client. */
  forget(c: Client): void {
    this.staging.drop(connectionOwner(c.id));
    this.blocking.forget(c);
    this.clients.delete(c.id);
    this.monitors.delete(c);
    this.repl.forget(c);
  }

  /**
   * Writes c's replies once this event-loop turn has read from every ready socket (Redis's
   * beforeSleep / handleClientsWithPendingWrites), so the writes of one turn go out together.
   */
  flushLater(c: Client): void {
    if (c.flushQueued) return;
    c.flushQueued = true;
    this.pendingFlush.push(c);
    if (this.pendingFlushTimer === null) this.pendingFlushTimer = setImmediate(this.flushPending);
  }

  /** totalCommands at the last cron tick (a tick with none since is idle). */
  private commandsAtLastCron = -1;
  /** Event-loop turns in which clients ran commands (each ends with flushPending); clients' fairness counts per turn. */
  turn = 0;
  /** See NodeCore.cmdChain. */
  cmdChain = -1;
  private pendingFlush: Client[] = [];
  private pendingFlushTimer: NodeJS.Immediate | null = null;
  /** Writes every client's replies queued by flushLater now (the end of the event-loop turn; specs). */
  readonly flushPending = (): void => {
    this.turn++;
    if (this.pendingFlushTimer !== null) clearImmediate(this.pendingFlushTimer);
    this.pendingFlushTimer = null;
    const list = this.pendingFlush;
    this.pendingFlush = [];
    for (let i = 0; i < list.length; i++) {
      list[i].flushQueued = false;
      list[i].flush();
    }
  };

  /**
   * Sends a command to every MONITOR client (flushed once per event-loop turn). Never throws: a failure
   * (a line too large to build, a broken monitor) is logged and the command still runs.
   */
  feedMonitors(c: Client, argv: readonly string[]): void {
    try {
      const line = formatMonitorLine(this.clock.now(), c, argv);
      for (const m of this.monitors) if (m !== c) m.out.raw(line);
    } catch (e) {
      this.log.warning(`MONITOR feed failed: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (this.monitorFlush === null) {
      this.monitorFlush = setImmediate(() => {
        this.monitorFlush = null;
        for (const m of this.monitors) m.flush();
      });
    }
  }

  /**
   * Listens on every `bind` address at `port`. Resolves with the port; rejects with Redis's one-line
   * message when an address cannot be bound ("... bind: Address already in use").
   */
  async listen(): Promise<number> {
    const addrs = this.config.str('bind').split(/\s+/).filter((a) => a !== '');
    let port = this.config.num('port');
    this.ioMode = chooseIoMode(this.config.str('io-mode'), process.env[IO_MODE_ENV]);
    if (this.config.str('io-mode') !== this.ioMode) this.config.set('io-mode', this.ioMode); // CONFIG GET shows the mode in use
    for (const addr of addrs) {
      // Half-open: a client's end of stream does not end the socket before its replies are written.
      // Paused: accept() sets up how it is read (socket-io.ts) before the first read.
      const server = net.createServer({ noDelay: true, allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.accept(socket));
      await new Promise<void>((resolve, reject) => {
        server.once('error', (e: NodeJS.ErrnoException) => {
          const why = e.code === 'EADDRINUSE' ? 'Address already in use' : e.code === 'EADDRNOTAVAIL' ? 'Cannot assign requested address' : e.message;
          reject(new Error(`Could not create server TCP listening socket ${addr}:${port}: bind: ${why}`));
        });
        server.listen({ host: addr, port, backlog: this.config.num('tcp-backlog') }, () => resolve());
      });
      port = (server.address() as net.AddressInfo).port;
      // Accept errors (EMFILE...) after listening must not crash the node: log them, keep serving.
      server.on('error', (e: Error) => this.log.warning(`Accepting client connection: ${e.message}`));
      this.servers.push(server);
    }
    this.port = port;
    this.startCron();
    return port;
  }

  private accept(socket: net.Socket): void {
    this.stats.connectionsReceived++;
    if (this.clients.size >= this.config.num('maxclients')) {
      this.stats.rejectedConnections++;
      socket.on('error', () => undefined); // a peer's reset must not become an uncaught exception
      socket.end('-ERR max number of clients reached\r\n');
      socket.resume(); // read (and drop) until the peer's end of stream, which closes the socket
      return;
    }
    const keepalive = this.config.num('tcp-keepalive');
    if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
    const c = new Client(this, socket, replyWriter(socket, this.ioMode));
    this.clients.set(c.id, c);
    startReading(socket, this.ioMode, {
      onData: (chunk, borrowed) => c.onData(chunk, borrowed),
      onEnd: () => c.onEnd(),
      onError: () => c.close(),
      onClose: () => {
        c.closed = true;
        this.forget(c);
      },
    });
  }

  private startCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.tickLruClock();
    this.cronTimer = setInterval(() => this.cron(), Math.max(1, Math.floor(1000 / this.config.num('hz'))));
    this.cronTimer.unref();
  }

  /**
   * Keeps the LRU clock (StoreEnv.lruClock) on a node that runs on the system clock, as Redis's cron
   * keeps server.lruclock: with 1 s of resolution, a tick of 1/hz s is exact enough.
   */
  private tickLruClock(): void {
    if (this.clock === systemClock) this.env.lruClock = Math.floor(Date.now() / 1000);
  }

  /** Background work, hz times a second: active expiry, ops/sec samples, memory reclaim when idle, idle clients, output limits. */
  cron(): void {
    const now = this.clock.now();
    this.tickLruClock();
    this.stats.sample(now);
    this.stats.notePeak(this.env.memory.used);
    if (this.activeExpire) {
      activeExpireCycle(this.dbs, this.config);
      activeExpireFieldsCycle(this.dbs, this.config);
    }
    const idle = this.stats.totalCommands === this.commandsAtLastCron;
    this.commandsAtLastCron = this.stats.totalCommands;
    for (const db of this.dbs) db.housekeep(idle ? HOUSEKEEP_IDLE_BYTES : HOUSEKEEP_BYTES);
    this.reclaimer.tick(now);
    const heap = v8.getHeapStatistics();
    const tight = heap.used_heap_size > HEAP_TIGHT_SHARE * heap.heap_size_limit;
    if (tight !== this.heapTight) {
      this.heapTight = tight;
      this.log.warning(tight ? `Heap at ${Math.round(heap.used_heap_size / 2 ** 20)} MB of a ${Math.round(heap.heap_size_limit / 2 ** 20)} MB limit: refusing writes (OOM) until it drops` : 'Heap back under its limit: accepting writes');
    }
    this.cronBlocked();
    const timeout = this.config.num('timeout') * 1000;
    for (const c of this.clients.values()) {
      if (c.socket === null) continue;
      if (this.blocking.isBlocked(c)) continue; // a blocked client is not idle (Redis skips it too)
      if (timeout > 0 && !c.monitor && now - c.lastInteraction > timeout) {
        this.log.verbose(`Closing idle client`);
        c.close();
      } else if (c.softLimitSince !== 0) {
        c.checkOutputLimits(now);
      }
    }
  }

  /**
   * Blocked clients, from the cron: deadlines passed (a safety net for the registry's own timer); in
   * cluster mode, waits whose slot moved away get the redirect; on a replica, every wait ends with
   * Redis's UNBLOCKED error (the connection closes after it).
   */
  private cronBlocked(): void {
    const b = this.blocking;
    if (b.size === 0) return;
    b.expireDue();
    if (this.repl.role === 'replica' && this.cluster === null) {
      b.unblockAll(E.ERR_UNBLOCKED_ROLE_CHANGE);
      return;
    }
    const agent = this.cluster;
    if (agent === null) return;
    b.checkRoutes((c, cmd, keys) => (cmd === undefined ? null : agent.route(c as Client, { ...cmd.spec, keys: ALL_KEYS, getKeys: undefined }, [cmd.spec.name, ...keys], false)));
  }

  /** Bytes of off-heap slabs and tables the keyspaces let go of so far (the reclaimer's trigger). */
  releasedBytes(): number {
    let n = 0;
    for (const db of this.dbs) n += db.releasedBytes;
    return n;
  }

  /** MEMORY PURGE: every keyspace's sparse slabs compacted, then a full garbage collection (frees them). */
  purgeMemory(): void {
    for (const db of this.dbs) db.compactAll();
    this.reclaimer.run();
  }

  /**
   * The INFO text for the given section arguments. The composition root (lib/create-node.ts) installs
   * lib/metrics/info.ts here; the server layer does not import the metrics that read it.
   */
  info: (sections: readonly string[]) => string = () => '';

  /** Writes the pidfile when configured. */
  writePidfile(): void {
    const pidfile = this.config.str('pidfile');
    if (pidfile) fs.writeFileSync(pidfile, `${process.pid}\n`);
  }

  /** Stops listening, closes every client, stops the cron and removes the pidfile. Idempotent. */
  shutdown(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      if (this.cronTimer) clearInterval(this.cronTimer);
      this.cronTimer = null;
      this.repl.close();
      const closing = this.servers.map((s) => new Promise<void>((r) => s.close(() => r())));
      for (const c of [...this.clients.values()]) {
        c.flush();
        c.close();
      }
      await Promise.all(closing);
      const pidfile = this.config.str('pidfile');
      if (pidfile) fs.rmSync(pidfile, { force: true });
    })();
    return this.stopping;
  }
}
