// Progress of start / add-node while they wait (pure but for the line sink): one line on stderr each time
// a stage changes (nodes registered, slots assigned or migrating, replicas in sync), never a spinner.
// stdout stays for the final address line, which users and specs parse.
import { SLOTS } from '../cluster/slots';
import { assignedSlots, type Snapshot } from './snapshot';

/** Where progress lines go (the launcher's main: stderr). */
export type ProgressSink = (line: string) => void;

export interface Progress {
  /** Nodes on the awaited ports that hold a registration in etcd, and how many ports are awaited. */
  registered: number;
  nodes: number;
  /** Slots with an owner, and slots being migrated. */
  assigned: number;
  migrating: number;
  /** Replicas in their shard's in-sync set, and replicas expected (at least those in the topology). */
  inSync: number;
  replicas: number;
}

/** The progress figures of snapshot `s` for nodes on 127.0.0.1 `ports`, expecting `expectedReplicas` replicas. */
export function progressOf(s: Snapshot, ports: readonly number[], expectedReplicas: number): Progress {
  const want = new Set(ports);
  let registered = 0;
  for (const r of s.registrations.values()) if (r.ip === '127.0.0.1' && want.has(r.port)) registered++;
  const t = s.topology;
  let replicas = 0;
  let inSync = 0;
  if (t !== null) {
    for (const sh of Object.values(t.shards)) {
      replicas += sh.replicas.length;
      inSync += sh.inSync.length;
    }
  }
  return {
    registered,
    nodes: ports.length,
    assigned: t === null ? 0 : assignedSlots(t),
    migrating: t === null ? 0 : t.migrating.length,
    inSync,
    replicas: Math.max(replicas, expectedReplicas),
  };
}

/** Writes a stage's line when its text differs from the last one written for that stage. */
export class ProgressReporter {
  private last = new Map<string, string>();

  constructor(private readonly sink: ProgressSink | undefined) {}

  /** One line for `stage` (`stage: text`), unless it repeats the previous line of that stage. */
  line(stage: string, text: string): void {
    if (this.sink === undefined || this.last.get(stage) === text) return;
    this.last.set(stage, text);
    this.sink(`${stage}: ${text}`);
  }

  /**
   * The lines of `p` whose figures changed, in stage order. The slots line changes with the count of
   * assigned slots and when migration starts or ends, not with every slot moved.
   */
  update(p: Progress): void {
    this.line('nodes', `${p.registered}/${p.nodes} registered in etcd`);
    if (p.assigned > 0 || p.registered === p.nodes) {
      const moving = this.last.get('slots')?.includes('migrating') && p.migrating > 0;
      if (!moving) this.line('slots', `${p.assigned}/${SLOTS} assigned${p.migrating > 0 ? `, ${p.migrating} migrating` : ''}`);
    }
    if (p.replicas > 0 && p.assigned > 0) this.line('replicas', `${p.inSync}/${p.replicas} in sync`);
  }
}
