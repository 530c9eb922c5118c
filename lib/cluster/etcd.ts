// Thin etcd layer for cluster mode: node membership on leases, one topology value changed only by
// compare-and-swap on its mod revision, and a watch on it. Keys live under a caller-given prefix:
//   ${prefix}/nodes/${nodeId}   a node's registration, attached to its lease
//   ${prefix}/topology          the topology value (opaque string, UTF-8)
// Revisions are etcd's int64s as decimal strings ('0' = the key does not exist).
import { noop } from 'cockatiel';
import { Etcd3, type IKeyValue, type Lease } from 'etcd3';
import { systemClock, type Clock } from '../util/clock';

export interface ConnectOptions {
  /** Deadline of each unary call (get/put/txn/grant/revoke), ms. Default 2000. Streams have none. */
  callTimeoutMs?: number;
}

/**
 * A client for `endpoints` (e.g. ['http://127.0.0.1:2379']). Does not connect until the first call.
 * Unary calls fail after callTimeoutMs and are not retried (no circuit breaker either: callers retry); gRPC
 * reconnects quickly (100 ms..1 s backoff), as suits loopback.
 * Note: etcd3 1.1.2 ignores its own `dialTimeout` option; the call deadline is what bounds a call.
 * The caller closes it with client.close().
 */
export function connectEtcd(endpoints: string[], opts: ConnectOptions = {}): Etcd3 {
  const timeout = opts.callTimeoutMs ?? 2000;
  return new Etcd3({
    hosts: endpoints,
    // gRPC deadlines are wall-clock times: Date.now(), not an injected clock.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
    // No circuit breaker or client retries: etcd3's default breaker refuses every call for 5 s after three
    // failures, so a node would stay away that long after etcd came back. Callers retry on their own.
    faultHandling: { host: () => noop, global: noop },
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
    },
  });
}

export const nodeKey = (prefix: string, nodeId: string) => `${prefix}/nodes/${nodeId}`;
export const topologyKey = (prefix: string) => `${prefix}/topology`;

export interface NodeRegistration {
  lease: Lease;
  key: string;
  /** Stops renewing and deletes the lease (and so the key) now. Never rejects when etcd is unreachable. */
  revoke(): Promise<void>;
  /**
   * cb runs once when the registration must be considered gone: etcd3's 'lost' event (etcd said the lease
   * expired, or etcd has been unreachable for 2 TTLs), or earlier, as soon as TTL seconds have passed since
   * the last keepalive etcd confirmed (counted from when that keepalive was sent, so it never fires after
   * etcd itself could have expired the key). When it fires, renewal has stopped: register again with a
   * new lease. Not called after revoke().
   */
  onLost(cb: (err: Error) => void): void;
  /**
   * The earliest time (ms since the epoch, on registerNode's clock) at which etcd could let the lease
   * expire: TTL after the send of the last keepalive etcd confirmed. Fencing stops writes before it.
   */
  validUntil(): number;
}

/**
 * Grants a lease of ttlSeconds (>= 1), puts `${prefix}/nodes/${nodeId}` = value on it and keeps it alive
 * (every TTL/3). Resolves once the key is written; rejects (with the lease revoked) if grant or put fails.
 * Keepalive times are read on `clock` (the node's: validUntil() is compared with it).
 */
export async function registerNode(
  client: Etcd3,
  prefix: string,
  nodeId: string,
  value: string,
  ttlSeconds: number,
  clock: Clock = systemClock,
): Promise<NodeRegistration> {
  const key = nodeKey(prefix, nodeId);
  let confirmedAt = clock.now(); // a lower bound of when etcd last (re)started the TTL
  // Send times of the keepalives not answered yet, oldest first: etcd3 fires one every TTL/3 whether or
  // not the last was answered, and answers come in order, so a success confirms the OLDEST outstanding
  // send (taking the latest would overstate validUntil by up to TTL/3, or by a whole stall).
  const fired: number[] = [];
  const lease = client.lease(ttlSeconds);
  const lostCbs: Array<(err: Error) => void> = [];
  let done = false;
  let watchdog: NodeJS.Timeout | undefined;
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    clearInterval(watchdog);
    if (err) {
      lease.revoke().catch(() => undefined); // stop renewing; delete at once if etcd still answers
      for (const cb of lostCbs) cb(err);
    }
  };
  lease.on('lost', (err) => finish(err));
  lease.on('keepaliveFired', () => {
    fired.push(clock.now());
    if (fired.length > 64) fired.shift(); // never answered: keep the queue bounded
  });
  lease.on('keepaliveSucceeded', () => {
    const at = fired.shift();
    if (at !== undefined && at > confirmedAt) confirmedAt = at;
  });
  // A failed keepalive stream is re-established by etcd3: answers to the sends before are lost.
  lease.on('keepaliveFailed', () => void fired.splice(0));
  try {
    await lease.put(key).value(value).exec();
  } catch (e) {
    done = true;
    await lease.revoke().catch(() => undefined);
    throw e;
  }
  watchdog = setInterval(() => {
    if (clock.now() - confirmedAt >= ttlSeconds * 1000) {
      finish(new Error(`lease for ${key} not renewed for ${ttlSeconds} s`));
    }
  }, Math.max(50, (ttlSeconds * 1000) / 10));
  watchdog.unref();
  return {
    lease,
    key,
    revoke: async () => {
      finish(null);
      await lease.revoke().catch(() => undefined);
    },
    onLost: (cb) => void lostCbs.push(cb),
    validUntil: () => (done ? 0 : confirmedAt + ttlSeconds * 1000),
  };
}

export interface Topology {
  /** The value, or null when the key does not exist. */
  value: string | null;
  /** The key's mod revision, '0' when it does not exist: pass it to casTopology. */
  modRevision: string;
}

/** Reads `${prefix}/topology` (linearizable). Rejects on etcd errors/timeouts. */
export async function readTopology(client: Etcd3, prefix: string): Promise<Topology> {
  const res = await client.get(topologyKey(prefix)).exec();
  const kv = res.kvs[0];
  return kv ? { value: kv.value.toString('utf8'), modRevision: kv.mod_revision } : { value: null, modRevision: '0' };
}

/**
 * Writes newValue only if the topology key's mod revision is still expectedModRevision ('0': only if the
 * key does not exist). Resolves true if written, false if someone changed it first (re-read and retry).
 * Rejects on etcd errors/timeouts (the write may or may not have happened: re-read).
 */
export async function casTopology(
  client: Etcd3,
  prefix: string,
  expectedModRevision: string,
  newValue: string,
): Promise<boolean> {
  const key = topologyKey(prefix);
  const res = await client.if(key, 'Mod', '==', expectedModRevision).then(client.put(key).value(newValue)).commit();
  return res.succeeded;
}

/**
 * Calls cb(value, modRevision) for each change of the topology key after the watch starts (or, with
 * afterRevision, for each change after that revision: pass readTopology's modRevision to miss nothing).
 * A delete gives value null. Resolves once the watch is established, with a function that cancels it.
 * Reconnects on its own (etcd3 resumes from the last seen revision).
 */
export async function watchTopology(
  client: Etcd3,
  prefix: string,
  cb: (value: string | null, modRevision: string) => void,
  afterRevision?: string,
): Promise<() => Promise<void>> {
  let b = client.watch().key(topologyKey(prefix));
  if (afterRevision !== undefined) b = b.startRevision((BigInt(afterRevision) + 1n).toString());
  const w = await b.create();
  w.on('put', (kv: IKeyValue) => cb(kv.value.toString('utf8'), kv.mod_revision));
  w.on('delete', (kv: IKeyValue) => cb(null, kv.mod_revision));
  w.on('error', () => undefined); // etcd3 retries; an unhandled 'error' event would crash the process
  return () => w.cancel();
}
