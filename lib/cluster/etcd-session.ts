// The cluster agent's connection to etcd, shared by its parts: the client, the key layout under the
// cluster's prefix, whether etcd is reachable (logged once when it goes and once when it is back), and the
// stopped flag every background loop polls. etcd keys (P = /shardcache/<cluster-name>): P/nodes/<id>
// (registrations, on leases), P/topology (the topology JSON), P/election/coordinator/... (etcd3's Election),
// P/withdrawn/<id> (a restarted primary's marker: its old process is gone).
import type { Etcd3 } from 'etcd3';
import type { Clock } from '../util/clock';
import { connectEtcd } from './etcd';
import type { ClusterLog } from './host';

/** Pause between retries of an etcd operation that failed (registration, watch, controller, commit), ms. */
export const RETRY_MS = 250;

/** Resolves after `ms` (a timer that does not keep the process alive). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export interface EtcdSessionHost {
  readonly log: ClusterLog;
  readonly clock: Clock;
  /** The epoch of the view the node serves with (said in the "etcd unreachable" line). */
  epoch(): number;
}

export class EtcdSession {
  /** The client (connects lazily, on the first call). Specs replace it with a stand-in. */
  etcd: Etcd3;
  /** P: every key of this cluster lives under it. */
  readonly prefix: string;
  /** P/topology. */
  readonly topologyKey: string;
  /** P/nodes/: a node's registration is this followed by its id. */
  readonly nodesPrefix: string;
  /** P/withdrawn/: a restarted process's marker that its old process (and its data) is gone (membership.ts). */
  readonly withdrawnPrefix: string;
  /** P/election/coordinator/: campaigns for coordinator, one key each. */
  readonly campaignsPrefix: string;
  /** TTL of this node's leases (registration, campaign), s. */
  readonly ttl: number;
  /** Set once by the agent's stop(): every loop ends, nothing is retried. */
  stopped = false;
  /** True from an etcd failure until the next success. */
  down = false;
  /**
   * When this node last became coordinator or saw etcd come back (ms on the node's clock): the controller
   * gives missing nodes a longer grace from then on.
   */
  calmSince = 0;

  constructor(
    endpoints: string[],
    clusterName: string,
    ttlSeconds: number,
    private readonly host: EtcdSessionHost,
  ) {
    this.ttl = ttlSeconds;
    this.prefix = `/shardcache/${clusterName}`;
    this.topologyKey = `${this.prefix}/topology`;
    this.nodesPrefix = `${this.prefix}/nodes/`;
    this.campaignsPrefix = `${this.prefix}/election/coordinator/`;
    this.withdrawnPrefix = `${this.prefix}/withdrawn/`;
    this.etcd = connectEtcd(endpoints);
  }

  /** An etcd operation (`what`) failed: logs it once until ok() (not after stop). */
  failed(what: string, e: unknown): void {
    if (this.stopped || this.down) return;
    this.down = true;
    this.host.log.warning(`etcd unreachable (${what}: ${e instanceof Error ? e.message : String(e)}): serving with the last topology (epoch ${this.host.epoch()}); changes wait`);
  }

  /** An etcd operation succeeded: after a failure, logs that etcd is back and starts a calm period. */
  ok(): void {
    if (!this.down) return;
    this.down = false;
    this.calmSince = this.host.clock.now();
    this.host.log.notice('etcd reachable again');
  }
}
