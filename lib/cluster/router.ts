// Cluster routing: does a command run here, or which redirect does the client get? Redis's
// getNodeByQuery (cluster.c), against the node's current ClusterView.
import type { CommandSpec } from '../commands/types';
import { keyIndexes } from '../commands/types';
import * as E from '../protocol/errors';
import { REPLICA_READ_LEASE_MS } from './ack-gate';
import type { MigratorLike } from './host';
import { keySlot } from '../util/slots';
import type { ClusterView } from './view';

/** What routing reads of the cluster agent (agent.ts ClusterAgent has these). */
export interface RoutingAgent {
  readonly myId: string;
  readonly view: ClusterView;
  readonly myShard: string | null;
  readonly isPrimary: boolean;
  readonly stateOk: boolean;
  readonly requireFullCoverage: boolean;
  readonly unavailable: boolean;
  readonly migrator: MigratorLike | null;
  writesFenced(): boolean;
  readsFenced(): boolean;
}

/** What routing reads of the client and its node (server/client.ts Client has these). */
export interface RoutedClient {
  /** READONLY was sent: reads may run on a replica. */
  readonly readonly: boolean;
  readonly node: {
    readonly dbs: ReadonlyArray<{ exists(key: string): boolean }>;
    /** The node's clock (the store's: the one leases and expiry are measured on). */
    readonly env: { readonly clock: { now(): number } };
    readonly repl: {
      /** True while this node holds a whole dataset: it synced at least once and no full sync is under way. */
      hasWholeDataset(): boolean;
      /** ms (node clock) of the last bytes from its primary over a synced link; -Infinity without one. */
      primaryHeardAt(): number;
    };
  };
}

/**
 * null when the command runs on this node, else the error to reply, in Redis's order:
 * - keys in two slots: CROSSSLOT Keys in request don't hash to the same slot
 * - a slot with no owner: CLUSTERDOWN Hash slot not served
 * - cluster state not ok (some slot has no owner) and cluster-require-full-coverage yes: CLUSTERDOWN The
 *   cluster is down
 * - a slot whose owning primary is not live (its lease is gone; the coordinator is replacing it) and
 *   cluster-require-full-coverage yes: CLUSTERDOWN Hash slot not served. Only that shard's slots go
 *   down; the others keep running. Redis's text for "this slot has no node serving it" while the
 *   cluster as a whole is up (getNodeByQuery's CLUSTER_REDIR_DOWN_UNBOUND); "The cluster is down" is
 *   its whole-cluster state, which would be untrue here. Clients treat both alike (CLUSTERDOWN: retry,
 *   refresh the slot map). With cluster-require-full-coverage no such a slot gets MOVED to that primary
 *   (as Redis, where clients then see connection errors).
 * - owned here but migrating: a key is here when it exists or is in flight to the target; all here ->
 *   run (a write first marks in-flight keys to be sent again); none -> ASK <slot> <target primary>;
 *   some -> TRYAGAIN Multiple keys request during rehashing of slot
 * - imported here and `asking` (the client sent ASKING just before) (or the command has the `asking` flag): run, except a
 *   multi-key command with a key missing -> TRYAGAIN
 * - a replica of the owning shard runs reads from a READONLY client while it holds its read lease (in the
 *   in-sync set of its view, a whole dataset, and bytes from its primary's stream within the last
 *   REPLICA_READ_LEASE_MS), unless its own etcd lease is in doubt without a majority agreeing that etcd is
 *   down (membership.ts readsFenced); other commands, and reads outside the lease, get MOVED to its primary
 * - otherwise: MOVED <slot> <owner's primary ip:port>
 * - a restarted node waiting for its replica to replace it (agent.unavailable): CLUSTERDOWN The cluster is down
 * - a write on a fenced primary (cluster/agent.ts writesFenced: lease about to end, no in-sync replica):
 *   CLUSTERDOWN The cluster is down
 * - a read (a command with keys and without the write flag) on a primary whose reads are fenced
 *   (membership.ts readsFenced: its slots may belong to another node by now): CLUSTERDOWN The cluster is down
 * Commands without keys always run here.
 */
/**
 * route()'s allocation-free case for a one-key command (a frame of the byte fast path): true when the
 * command runs here with no other check; false when route() must decide (it also answers the refusals).
 */
export function servesHere(agent: RoutingAgent, spec: CommandSpec, slot: number): boolean {
  if (agent.unavailable || spec.getKeys !== undefined) return false;
  if (agent.isPrimary && (spec.flags.includes('write') ? agent.writesFenced() : agent.readsFenced())) return false;
  return ownedHere(agent, slot);
}

/** A primary owning `slot`, not migrating it out, with the cluster state letting it serve. */
function ownedHere(agent: RoutingAgent, slot: number): boolean {
  if (!agent.stateOk && agent.requireFullCoverage) return false;
  const view = agent.view;
  return agent.isPrimary && agent.myShard !== null && view.ownerOfSlot(slot) === agent.myShard && view.migratingOut(slot) === null;
}

export function route(agent: RoutingAgent, c: RoutedClient, spec: CommandSpec, argv: readonly string[], asking: boolean): string | null {
  // Fast paths, no allocation: keyless commands, and one key in a slot owned here and not migrating.
  if (spec.getKeys === undefined) {
    const first = spec.keys.first;
    if (first === 0) return null;
    if (agent.unavailable) return E.ERR_CLUSTERDOWN_STATE;
    if (agent.isPrimary && (spec.flags.includes('write') ? agent.writesFenced() : agent.readsFenced())) return E.ERR_CLUSTERDOWN_STATE;
    if (first === spec.keys.last && first < argv.length && ownedHere(agent, keySlot(argv[first]))) return null;
  }
  const idx = keyIndexes(spec, argv);
  if (idx.length === 0) return null;
  if (agent.unavailable) return E.ERR_CLUSTERDOWN_STATE;
  if (spec.getKeys !== undefined && agent.isPrimary && (spec.flags.includes('write') ? agent.writesFenced() : agent.readsFenced())) return E.ERR_CLUSTERDOWN_STATE;
  const slot = keySlot(argv[idx[0]]);
  for (let i = 1; i < idx.length; i++) if (keySlot(argv[idx[i]]) !== slot) return E.ERR_CROSSSLOT;
  const view = agent.view;
  const owner = view.ownerOfSlot(slot);
  if (owner === null) return E.ERR_CLUSTERDOWN_UNBOUND;
  if (agent.requireFullCoverage) {
    if (!agent.stateOk) return E.ERR_CLUSTERDOWN_STATE;
    const primary = view.primaryOf(owner)!;
    if (primary !== agent.myId && !view.isLive(primary)) return E.ERR_CLUSTERDOWN_UNBOUND;
  }
  const mine = agent.myShard;
  const db = c.node.dbs[0];
  if (owner === mine && !agent.isPrimary) {
    // A replica: reads after READONLY run here while it is in the in-sync set and holds a whole dataset
    // (not mid full resync, not never synced), and while its read lease holds: its primary's stream was
    // heard within REPLICA_READ_LEASE_MS (the primary sends at least every STREAM_HEARTBEAT_MS). Its view
    // alone cannot tell: cut from etcd and from its primary, it would keep showing it in the set while the
    // primary, after LAG_MS without its acks, acknowledges writes without it. Anything else goes to the
    // shard's primary (as Redis).
    if (
      c.readonly &&
      !spec.flags.includes('write') &&
      c.node.repl.hasWholeDataset() &&
      view.shard(mine)!.inSync.includes(agent.myId) &&
      c.node.env.clock.now() - c.node.repl.primaryHeardAt() < REPLICA_READ_LEASE_MS &&
      !agent.readsFenced()
    )
      return null;
  } else if (owner === mine) {
    const dest = view.migratingOut(slot);
    if (dest === null) return null;
    const migrator = agent.migrator;
    let here = 0;
    for (const i of idx) if (db.exists(argv[i]) || (migrator !== null && migrator.inFlight(argv[i]))) here++;
    if (here === idx.length) {
      if (migrator !== null && spec.flags.includes('write')) for (const i of idx) if (migrator.inFlight(argv[i])) migrator.noteWrite(argv[i]);
      return null;
    }
    if (here > 0) return E.ERR_TRYAGAIN;
    const addr = view.addrOf(view.primaryOf(dest)!)!;
    return E.errAsk(slot, addr.ip, addr.port);
  }
  if (mine !== null && view.migratingOut(slot) === mine && (asking || spec.flags.includes('asking'))) {
    if (idx.length > 1) for (const i of idx) if (!db.exists(argv[i])) return E.ERR_TRYAGAIN;
    return null;
  }
  const addr = view.addrOf(view.primaryOf(owner)!)!;
  return E.errMoved(slot, addr.ip, addr.port);
}
