// Waiting for a cluster to settle: etcd's topology (snapshot.unsettledReason) and then every node's own
// view (CLUSTER INFO: cluster_state:ok at the topology's epoch or later), so that a client routed by any
// node right after gets the final map.
import type { Etcd3 } from 'etcd3';
import { progressOf, type ProgressReporter } from './progress';
import { command, infoFields } from './resp';
import { readSnapshot, unsettledReason, type Snapshot } from './snapshot';
import { sleep } from './proc';

/** Why node `port` does not yet serve the topology of `version` (null when it does). Never rejects. */
async function nodeLagReason(port: number, version: number): Promise<string | null> {
  try {
    const r = await command(port, ['CLUSTER', 'INFO'], 1000);
    if (typeof r !== 'string') return `node on port ${port} answered CLUSTER INFO with ${r instanceof Error ? r.message : String(r)}`;
    const f = infoFields(r);
    if (f.get('cluster_state') !== 'ok') return `node on port ${port} says cluster_state:${f.get('cluster_state')}`;
    if (Number(f.get('cluster_current_epoch')) < version) return `node on port ${port} is at epoch ${f.get('cluster_current_epoch')} < ${version}`;
    return null;
  } catch (e) {
    return `node on port ${port}: ${(e as Error).message}`;
  }
}

export interface WaitOptions {
  client: Etcd3;
  prefix: string;
  /** Ports that must be primaries owning slots or in-sync replicas (snapshot.unsettledReason). */
  ports: readonly number[];
  /** Replicas per shard the coordinator works towards (cluster-replicas of the nodes). */
  replicas: number;
  /** Ports whose CLUSTER INFO must say ok; default `ports`. */
  askPorts?: readonly number[];
  /** Extra condition on the snapshot: a reason while unmet, null once met. */
  extra?: (s: Snapshot) => string | null;
  /** Gets a line per stage change (nodes registered, slots assigned, replicas in sync, ready). */
  progress?: ProgressReporter;
  /** Replicas the finished cluster will have (for the progress line's x/y); default 0. */
  expectedReplicas?: number;
  /** Rejects early with the reason when this resolves (e.g. a node process exited). */
  abort?: Promise<string>;
  timeoutMs: number;
}

/**
 * Polls every 100 ms until the cluster has settled; resolves with the final snapshot. Rejects with
 * "cluster not ready in N ms: <last reason>" on timeout, or with the abort reason.
 */
export async function waitSettled(o: WaitOptions): Promise<Snapshot> {
  let aborted: string | null = null;
  void o.abort?.then((r) => (aborted = r));
  const until = Date.now() + o.timeoutMs;
  let reason = 'nothing read yet';
  for (;;) {
    if (aborted !== null) throw new Error(aborted);
    try {
      const s = await readSnapshot(o.client, o.prefix);
      o.progress?.update(progressOf(s, o.ports, o.expectedReplicas ?? 0));
      let r = unsettledReason(s, o.ports, o.replicas) ?? o.extra?.(s) ?? null;
      if (r === null) {
        for (const p of o.askPorts ?? o.ports) {
          r = await nodeLagReason(p, s.topology!.version);
          if (r !== null) break;
        }
      }
      if (r === null) {
        o.progress?.line('ready', `every node serves the topology of epoch ${s.topology!.version} (cluster_state:ok)`);
        return s;
      }
      reason = r;
    } catch (e) {
      reason = `etcd: ${(e as Error).message.split('\n')[0].replace(/\. Last error:.*$/, '')}`;
    }
    if (Date.now() > until) throw new Error(`cluster not ready in ${o.timeoutMs} ms: ${reason}`);
    await sleep(100);
  }
}
