// Cluster family: CLUSTER SLOTS/SHARDS/NODES/INFO/MYID/KEYSLOT/COUNTKEYSINSLOT/GETKEYSINSLOT/HELP,
// FAILOVER and FORGET (topology transactions), and
// ASKING, READONLY, READWRITE. Replies come from the node's current ClusterView (the same one the router
// redirects by). On a standalone node each answers Redis's "This instance has cluster support disabled".
import { keySlot, SLOTS } from '../util/slots';
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { is, parseInt64 } from './args';
import { replyHelp } from './help';
import { declarer, NO_KEYS, type ClusterHost, type CommandFlag, type CommandSpec, type ForgetStatus, type Handler } from './types';

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

const slots = clustered((c, _argv, a) => a.writeSlots(c.out));
const shards = clustered((c, _argv, a) => a.writeShards(c.out));
const nodes = clustered((c, _argv, a) => c.out.verbatim(a.nodesText(c.clock.now())));
const info = clustered((c, _argv, a) => c.out.verbatim(a.infoText()));
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
    'FORGET <node-id>',
    '    Remove the shard of a lost primary (its lease ended) from the cluster: its slots go to the other',
    '    shards, EMPTY.',
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
  const refused = a.failoverRefusal();
  if (refused !== null) return c.out.error(refused);
  c.out.ok();
  a.failover().then(
    (ok) => {
      if (!ok) c.node.log.warning('CLUSTER FAILOVER: not done (no longer an in-sync replica)');
    },
    (e: Error) => c.node.log.warning(`CLUSTER FAILOVER failed: ${e.message}`),
  );
});

/** The error reply for a CLUSTER FORGET refusal, or null for 'ok'. */
function forgetError(id: string, r: ForgetStatus): string | null {
  switch (r.status) {
    case 'ok':
      return null;
    case 'unknown':
      return E.errUnknownNode(id);
    case 'myself':
      return E.ERR_FORGET_MYSELF;
    case 'live':
      return E.errForgetLive(id);
    case 'not-primary':
      return E.errForgetNotPrimary(id);
    case 'heir':
      return E.errForgetHeir(id);
    case 'answers':
      return E.errForgetAnswers(id);
  }
}

/**
 * CLUSTER FORGET node-id (cluster-lost-slots keep): removes the shard of a primary that is down (its lease
 * ended; the coordinator kept its slots because it may still hold the data) from the topology, so that
 * its slots go to the other shards, EMPTY. Replies once the transaction committed: OK. Errors: Unknown
 * node; this node itself (Redis's text); a registered node (not lost); not a shard's primary; a shard
 * with a live in-sync replica (it is being replaced); a node that answers PING (cut from etcd only: it may
 * hold writes no one else has); an etcd failure.
 */
const forget = clustered((c, argv, a) => {
  const id = argv[2];
  c.block();
  const done = (err: string | null): void => {
    if (c.closed) return;
    if (err === null) c.out.ok();
    else c.out.error(err);
    c.unblock();
  };
  a.forget(id).then(
    (r) => done(forgetError(id, r)),
    (e: Error) => done(`ERR CLUSTER FORGET failed, etcd: ${e.message}`),
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


/** CLUSTER's subcommands: keyless, 'stale' (they answer from a stale view too), ACL slow unless given. */
const sub = declarer('cluster', { flags: STALE, acl: ['slow'] });
/** ASKING, READONLY, READWRITE. */
const top = declarer('cluster', { acl: ['fast', 'connection'] });

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
      sub({ name: 'countkeysinslot', summary: 'Returns the number of keys in a hash slot.', since: '3.0.0', arity: 3, handler: countkeysinslot }),
      sub({ name: 'failover', summary: 'Forces a replica to perform a manual failover of its master.', since: '3.0.0', arity: -2, handler: failover, flags: ['admin', 'stale'], acl: ['admin', 'slow', 'dangerous'] }),
      sub({ name: 'forget', summary: 'Removes a node from the nodes table.', since: '3.0.0', arity: 3, handler: forget, flags: ['admin', 'stale'], acl: ['admin', 'slow', 'dangerous'] }),
      sub({ name: 'getkeysinslot', summary: 'Returns the key names in a hash slot.', since: '3.0.0', arity: 4, handler: getkeysinslot }),
      sub({ name: 'help', summary: 'Returns helpful text about the different subcommands.', since: '5.0.0', arity: 2, handler: help, flags: ['loading', 'stale'] }),
      sub({ name: 'info', summary: 'Returns information about the state of a node.', since: '3.0.0', arity: 2, handler: info }),
      sub({ name: 'keyslot', summary: 'Returns the hash slot for a key.', since: '3.0.0', arity: 3, handler: keyslot }),
      sub({ name: 'myid', summary: 'Returns the ID of a node.', since: '3.0.0', arity: 2, handler: myid }),
      sub({ name: 'nodes', summary: 'Returns the cluster configuration for a node.', since: '3.0.0', arity: 2, handler: nodes }),
      sub({ name: 'shards', summary: 'Returns the mapping of cluster slots to shards.', since: '7.0.0', arity: 2, handler: shards }),
      sub({ name: 'slots', summary: 'Returns the mapping of cluster slots to nodes.', since: '3.0.0', arity: 2, handler: slots }),
    ],
  },
  top({ name: 'asking', since: '3.0.0', arity: 1, summary: 'Signals that a cluster client is following an -ASK redirect.', handler: asking, flags: ['fast'] }),
  top({ name: 'readonly', since: '3.0.0', arity: 1, summary: 'Enables read-only queries for a connection to a Redis Cluster replica node.', handler: readonly, flags: ['loading', 'stale', 'fast'] }),
  top({ name: 'readwrite', since: '3.0.0', arity: 1, summary: 'Enables read-write queries for a connection to a Redis Cluster replica node.', handler: readwrite, flags: ['loading', 'stale', 'fast'] }),
];
