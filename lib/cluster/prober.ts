// Fast failure detection for the coordinator: one TCP connection to every other node of the topology.
// Death: when a node's process dies its kernel closes that connection at once; the prober dials again, and
// a refused connection (nothing listens on the node's port any more) is proof that the process is gone: it
// reports the node down without waiting for its etcd lease to run out. Any other failure (a timeout, an
// unreachable host: the machine itself may be gone, or the network) proves nothing, and the lease decides.
// Silence: the prober also sends PING on every connection each HEARTBEAT_MS; a node from which nothing
// came for `suspectMs` (frozen, cut off, a machine that lost power: nothing closes the connection) is
// reported suspect, once per suspicion; any reply clears it. A suspicion is not proof: the node may be
// alive and acting, so the caller decides what it may do with one (coordinator.ts).
import * as net from 'net';

/** Pause before redialling a node whose connection failed without proof of death, ms. */
const REDIAL_MS = 250;
/** A dial that neither connects nor fails within this is abandoned (and retried), ms. */
const DIAL_TIMEOUT_MS = 1000;
/** A PING goes on every connected socket this often, ms. */
export const HEARTBEAT_MS = 200;
/** Default silence after which a node is suspected (cluster-heartbeat-timeout), ms. */
export const SUSPECT_MS = 1500;
/** Heartbeat PINGs written to a node that has not answered are capped at this many bytes of backlog. */
const MAX_UNANSWERED_BYTES = 64 * 1024;
const PING = Buffer.from('PING\r\n');

interface Target {
  ip: string;
  port: number;
  socket: net.Socket | null;
  connected: boolean;
  timer: NodeJS.Timeout | null;
  /** Reported down already (until the node is seen alive again or its address changes). */
  reported: boolean;
  /** When anything last came from the node (or when probing it started), ms on performance.now(). */
  heardAt: number;
  /** When the node last replied (performance.now() ms); undefined until its first reply. */
  repliedAt: number | undefined;
  /** Reported suspect, and no reply since. */
  suspected: boolean;
  stopped: boolean;
}

export interface ProberOptions {
  /** Called once per suspicion: nothing came from node `id` for suspectMs. */
  onSuspect?: (id: string, silentMs: number) => void;
  /** Called when a suspected node answers again. */
  onAlive?: (id: string) => void;
  /** Silence before suspicion, ms (default SUSPECT_MS). */
  suspectMs?: number;
  /** PING period, ms (default HEARTBEAT_MS). */
  heartbeatMs?: number;
}

export class Prober {
  private targets = new Map<string, Target>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly suspectMs: number;
  private readonly heartbeatMs: number;
  /** When beat() last ran (performance.now() ms). */
  private lastBeat = performance.now();

  /** onDown(id) is called once per death seen: the node's port refused a connection after being up. */
  constructor(
    private readonly onDown: (id: string) => void,
    private readonly opts: ProberOptions = {},
  ) {
    this.suspectMs = opts.suspectMs ?? SUSPECT_MS;
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
  }

  /** Probes exactly these nodes (id -> address): new ones are dialled, gone ones dropped. */
  update(nodes: ReadonlyMap<string, { ip: string; port: number }>): void {
    for (const [id, t] of this.targets) {
      const want = nodes.get(id);
      if (want === undefined || want.ip !== t.ip || want.port !== t.port) this.drop(id);
    }
    for (const [id, addr] of nodes) {
      if (this.targets.has(id)) continue;
      const t: Target = { ip: addr.ip, port: addr.port, socket: null, connected: false, timer: null, reported: false, heardAt: performance.now(), repliedAt: undefined, suspected: false, stopped: false };
      this.targets.set(id, t);
      this.dial(id, t);
    }
    if (this.targets.size > 0 && this.heartbeat === null) {
      this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
      this.heartbeat.unref();
    } else if (this.targets.size === 0 && this.heartbeat !== null) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  /** The probed nodes suspected now (silent for suspectMs or more, no reply since). */
  suspects(): Set<string> {
    const out = new Set<string>();
    for (const [id, t] of this.targets) if (t.suspected) out.add(id);
    return out;
  }

  /** When node `id` last replied (performance.now() ms); undefined when it is not probed or never replied. */
  lastHeard(id: string): number | undefined {
    return this.targets.get(id)?.repliedAt;
  }

  /** Closes every connection. */
  stop(): void {
    for (const id of [...this.targets.keys()]) this.drop(id);
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private drop(id: string): void {
    const t = this.targets.get(id);
    if (t === undefined) return;
    t.stopped = true;
    if (t.timer) clearTimeout(t.timer);
    t.socket?.destroy();
    this.targets.delete(id);
  }

  /** Every HEARTBEAT_MS: PING each connected node, and suspect those silent for suspectMs. */
  private beat(): void {
    const now = performance.now();
    // This process itself stalled (frozen, a long pause): the replies waiting in its sockets have not been
    // read yet, so its own pause must not count as the nodes' silence.
    const stalled = now - this.lastBeat - this.heartbeatMs;
    this.lastBeat = now;
    if (stalled > this.suspectMs / 4) for (const t of this.targets.values()) t.heardAt = Math.min(now, t.heardAt + stalled);
    for (const [id, t] of this.targets) {
      const s = t.socket;
      // A frozen node reads nothing: stop piling PINGs up once a little is queued (silence is what counts).
      if (s !== null && t.connected && !s.destroyed && s.writableLength < MAX_UNANSWERED_BYTES) s.write(PING);
      const silent = now - t.heardAt;
      if (!t.suspected && silent >= this.suspectMs) {
        t.suspected = true;
        this.opts.onSuspect?.(id, Math.round(silent));
      }
    }
  }

  private heard(id: string, t: Target): void {
    t.heardAt = t.repliedAt = performance.now();
    if (t.suspected) {
      t.suspected = false;
      this.opts.onAlive?.(id);
    }
  }

  private dial(id: string, t: Target): void {
    if (t.stopped) return;
    const s = net.connect({ host: t.ip, port: t.port });
    t.socket = s;
    t.connected = false;
    let connected = false;
    s.setTimeout(DIAL_TIMEOUT_MS, () => {
      if (!connected) s.destroy(new Error('dial timeout'));
    });
    s.on('connect', () => {
      // The kernel accepts connections for a frozen process too: only a reply counts as hearing the node.
      connected = true;
      t.connected = true;
      t.reported = false; // alive (again)
      s.setTimeout(0);
      s.setKeepAlive(true, 1000);
      s.setNoDelay(true);
    });
    s.on('data', () => this.heard(id, t)); // +PONG (or -NOAUTH: any reply shows the process runs)
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && e.code === 'ECONNREFUSED' && !t.reported) {
        t.reported = true;
        this.onDown(id);
      }
    });
    s.on('close', () => {
      if (t.stopped || t.socket !== s) return;
      t.socket = null;
      t.connected = false;
      // Dropped after being up: dial again at once (a refusal then proves the death); else wait a little.
      t.timer = setTimeout(() => this.dial(id, t), connected ? 0 : REDIAL_MS);
      t.timer.unref();
    });
    s.unref();
  }
}
