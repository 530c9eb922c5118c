// Fast death detection for the coordinator: one idle TCP connection to every other node of the topology.
// When a node's process dies its kernel closes that connection at once; the prober dials again, and a
// refused connection (nothing listens on the node's port any more) is proof that the process is gone: it
// reports the node down without waiting for its etcd lease to run out. Any other failure (a timeout, an
// unreachable host: the machine itself may be gone, or the network) proves nothing, and the lease decides.
import * as net from 'net';

/** Pause before redialling a node whose connection failed without proof of death, ms. */
const REDIAL_MS = 250;
/** A dial that neither connects nor fails within this is abandoned (and retried), ms. */
const DIAL_TIMEOUT_MS = 1000;

interface Target {
  ip: string;
  port: number;
  socket: net.Socket | null;
  timer: NodeJS.Timeout | null;
  /** Reported down already (until the node is seen alive again or its address changes). */
  reported: boolean;
  stopped: boolean;
}

export class Prober {
  private targets = new Map<string, Target>();

  /** onDown(id) is called once per death seen: the node's port refused a connection after being up. */
  constructor(private readonly onDown: (id: string) => void) {}

  /** Probes exactly these nodes (id -> address): new ones are dialled, gone ones dropped. */
  update(nodes: ReadonlyMap<string, { ip: string; port: number }>): void {
    for (const [id, t] of this.targets) {
      const want = nodes.get(id);
      if (want === undefined || want.ip !== t.ip || want.port !== t.port) this.drop(id);
    }
    for (const [id, addr] of nodes) {
      if (this.targets.has(id)) continue;
      const t: Target = { ip: addr.ip, port: addr.port, socket: null, timer: null, reported: false, stopped: false };
      this.targets.set(id, t);
      this.dial(id, t);
    }
  }

  /** Closes every connection. */
  stop(): void {
    for (const id of [...this.targets.keys()]) this.drop(id);
  }

  private drop(id: string): void {
    const t = this.targets.get(id);
    if (t === undefined) return;
    t.stopped = true;
    if (t.timer) clearTimeout(t.timer);
    t.socket?.destroy();
    this.targets.delete(id);
  }

  private dial(id: string, t: Target): void {
    if (t.stopped) return;
    const s = net.connect({ host: t.ip, port: t.port });
    t.socket = s;
    let connected = false;
    s.setTimeout(DIAL_TIMEOUT_MS, () => {
      if (!connected) s.destroy(new Error('dial timeout'));
    });
    s.on('connect', () => {
      connected = true;
      t.reported = false; // alive (again)
      s.setTimeout(0);
      s.setKeepAlive(true, 1000);
    });
    s.on('data', () => undefined); // the node sends nothing unasked; ignore anything
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && e.code === 'ECONNREFUSED' && !t.reported) {
        t.reported = true;
        this.onDown(id);
      }
    });
    s.on('close', () => {
      if (t.stopped || t.socket !== s) return;
      t.socket = null;
      // Dropped after being up: dial again at once (a refusal then proves the death); else wait a little.
      t.timer = setTimeout(() => this.dial(id, t), connected ? 0 : REDIAL_MS);
      t.timer.unref();
    });
    s.unref();
  }
}
