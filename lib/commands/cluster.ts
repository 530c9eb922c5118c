// Cluster family: CLUSTER SLOTS/SHARDS/NODES/INFO/MYID/KEYSLOT/COUNTKEYSINSLOT/GETKEYSINSLOT/HELP, and
// ASKING, READONLY, READWRITE. Replies come from the node's current ClusterView (the same one the router
// redirects by). On a standalone node each answers Redis's "This instance has cluster support disabled".
import { clusterInfo, clusterNodes, clusterShards, clusterSlots, writeClusterReply } from '../cluster/replies';
import { keySlot, SLOTS } from '../cluster/slots';
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { is, parseInt64 } from './args';
import { replyHelp } from './help';
import { NO_KEYS, type ClusterHost, type CommandFlag, type CommandSpec, type Handler } from './types';

/** Wraps a handler that needs cluster mode: on a standalone node it answers the disabled error. */
function clustered(run: (c: Client, argv: string[], agent: ClusterHost) => void): Handler {
  return (c, argv) => {
    const agent = c.node.cluster;
    if (agent === null) return c.out.error(E.ERR_CLUSTER_DISABLED);
    run(c, argv, agent);
  };
}

/** A slot argument: the number, or null after replying `errText` (non-integer: Redis's integer error). */
function slotArg(c: Client, arg: string, errText: string): number | null {
  const n = parseInt64(arg);
  if (n === null || typeof n === 'bigint') {
    c.out.error(E.ERR_NOT_INTEGER);
    return null;
  }
  if (n < 0 || n >= SLOTS) {
    c.out.error(errText);
    return null;
  }
  return n;
}

const slots = clustered((c, _argv, a) => writeClusterReply(c.out, clusterSlots(a.view)));
const shards = clustered((c, _argv, a) => writeClusterReply(c.out, clusterShards(a.view, () => 0)));
const nodes = clustered((c, _argv, a) => c.out.verbatim(clusterNodes(a.view, a.myId, c.clock.now())));
const info = clustered((c, _argv, a) => c.out.verbatim(clusterInfo(a.view, a.myId)));
const myid = clustered((c, _argv, a) => c.out.bulk(a.myId));
/** CLUSTER KEYSLOT key: the key's hash slot. */
const keyslot = clustered((c, argv) => c.out.int(keySlot(argv[2])));
/** CLUSTER COUNTKEYSINSLOT slot: keys of db 0 in the slot. Errors: not an integer, Invalid slot. */
const countkeysinslot = clustered((c, argv) => {
  const slot = slotArg(c, argv[2], E.ERR_INVALID_SLOT);
  if (slot !== null) c.out.int(c.node.dbs[0].countKeysInSlot(slot));
});
/** CLUSTER GETKEYSINSLOT slot count: up to count keys of the slot. Errors: not an integer, Invalid slot or number of keys. */
const getkeysinslot = clustered((c, argv) => {
  const n = parseInt64(argv[3]);
  if (parseInt64(argv[2]) === null || n === null || typeof n === 'bigint') return c.out.error(E.ERR_NOT_INTEGER);
  if (n < 0) return c.out.error(E.ERR_INVALID_SLOT_OR_KEYS);
  const slot = slotArg(c, argv[2], E.ERR_INVALID_SLOT_OR_KEYS);
  if (slot === null) return;
  const keys = c.node.dbs[0].keysInSlot(slot, n);
  c.out.array(keys.length);
  for (const k of keys) c.out.bulk(k);
});
const help = clustered((c) =>
  replyHelp(c, 'CLUSTER', [
    'COUNTKEYSINSLOT <slot>',
    '    Return the number of keys in <slot>.',
    'FAILOVER [FORCE|TAKEOVER]',
    '    Promote current replica node to being a master.',
    'GETKEYSINSLOT <slot> <count>',
    '    Return key names stored by current node in a slot.',
    'INFO',
    '    Return information about the cluster.',
    'KEYSLOT <key>',
    '    Return the hash slot for <key>.',
    'MYID',
    '    Return the node id.',
    'NODES',
    '    Return cluster configuration seen by node. Output format:',
    '    <id> <ip:port@bus-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...',
    'SHARDS',
    '    Return information about slot range mappings and the nodes associated with them.',
    'SLOTS',
    '    Return information about slots range mappings. Each range is made of:',
    '    start, end, master and replicas IP addresses, ports and ids',
    'Slots are assigned by the etcd coordinator, not by CLUSTER ADDSLOTS/SETSLOT/MEET (see the README).',
  ]),
);

/**
 * CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica: OK, then this node is promoted by a topology
 * transaction (a planned switch: in replication-ack sync an in-sync replica holds every acknowledged
 * write). FORCE and TAKEOVER are accepted and mean the same here (etcd decides, no vote to skip). Errors:
 * syntax error; on a primary "You should send CLUSTER FAILOVER to a replica"; a replica outside any shard
 * "I'm a replica but my master is unknown to me"; a replica not in the in-sync set.
 */
const failover = clustered((c, argv, a) => {
  if (argv.length > 3 || (argv.length === 3 && !is(argv[2], 'force') && !is(argv[2], 'takeover'))) return c.out.error(E.ERR_SYNTAX);
  if (a.isPrimary) return c.out.error(E.ERR_FAILOVER_ON_PRIMARY);
  const me = a.view.node(a.myId);
  if (me === undefined || me.shard === null) return c.out.error(E.ERR_FAILOVER_NO_PRIMARY);
  if (!a.view.shard(me.shard)!.inSync.includes(a.myId)) return c.out.error(E.ERR_FAILOVER_NOT_IN_SYNC);
  c.out.ok();
  a.failover().then(
    (ok) => {
      if (!ok) c.node.log.warning('CLUSTER FAILOVER: not done (no longer an in-sync replica)');
    },
    (e: Error) => c.node.log.warning(`CLUSTER FAILOVER failed: ${e.message}`),
  );
});

/** ASKING: OK; the next command may run on a slot this node is importing. */
export const asking: Handler = clustered((c) => {
  c.asking = true;
  c.out.ok();
});
const readonly = clustered((c) => {
  c.readonly = true;
  c.out.ok();
});
const readwrite = clustered((c) => {
  c.readonly = false;
  c.out.ok();
});

const STALE: readonly CommandFlag[] = ['stale'];

function sub(name: string, summary: string, since: string, arity: number, handler: Handler, flags: readonly CommandFlag[] = STALE): CommandSpec {
  const acl = flags.includes('admin') ? ['admin', 'slow', 'dangerous'] : ['slow'];
  return { name, group: 'cluster', summary, since, arity, flags, acl, keys: NO_KEYS, handler };
}

function top(name: string, summary: string, handler: Handler, flags: readonly CommandFlag[]): CommandSpec {
  return { name, group: 'cluster', summary, since: '3.0.0', arity: 1, flags, acl: ['fast', 'connection'], keys: NO_KEYS, handler };
}

export const clusterCommands: readonly CommandSpec[] = [
  {
    name: 'cluster',
    group: 'cluster',
    summary: 'A container for Redis Cluster commands.',
    since: '3.0.0',
    arity: -2,
    flags: [],
    acl: ['slow'],
    keys: NO_KEYS,
    subcommands: [
      sub('countkeysinslot', 'Returns the number of keys in a hash slot.', '3.0.0', 3, countkeysinslot),
      sub('failover', 'Forces a replica to perform a manual failover of its master.', '3.0.0', -2, failover, ['admin', 'stale']),
      sub('getkeysinslot', 'Returns the key names in a hash slot.', '3.0.0', 4, getkeysinslot),
      sub('help', 'Returns helpful text about the different subcommands.', '5.0.0', 2, help, ['loading', 'stale']),
      sub('info', 'Returns information about the state of a node.', '3.0.0', 2, info),
      sub('keyslot', 'Returns the hash slot for a key.', '3.0.0', 3, keyslot),
      sub('myid', 'Returns the ID of a node.', '3.0.0', 2, myid),
      sub('nodes', 'Returns the cluster configuration for a node.', '3.0.0', 2, nodes),
      sub('shards', 'Returns the mapping of cluster slots to shards.', '7.0.0', 2, shards),
      sub('slots', 'Returns the mapping of cluster slots to nodes.', '3.0.0', 2, slots),
    ],
  },
  top('asking', 'Signals that a cluster client is following an -ASK redirect.', asking, ['fast']),
  top('readonly', 'Enables read-only queries for a connection to a Redis Cluster replica node.', readonly, ['loading', 'stale', 'fast']),
  top('readwrite', 'Enables read-write queries for a connection to a Redis Cluster replica node.', readwrite, ['loading', 'stale', 'fast']),
];
