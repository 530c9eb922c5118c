// Turns a node into a cluster node (cluster-etcd set): its persistent id, its announced address, the
// hash-slot index of db 0, the agent (etcd) and the migration engine.
import * as path from 'path';
import type { Keyspace } from '../store/keyspace';
import { AckGate, STREAM_HEARTBEAT_MS, type AckSource } from './ack-gate';
import { ClusterAgent } from './agent';
import type { ClusterNodeHost, ReplicationRole } from './host';
import { Migrator, type MigratorHost } from './migrator';
import { loadOrCreateNodeId } from './node-id';

/** What turning a node into a cluster node needs of it (server/node.ts Node has these). */
export interface ClusterSetupHost extends ClusterNodeHost {
  /** Set here: the node routes as a cluster node from then on. */
  cluster: ClusterAgent | null;
  /** The port listened on (the announced one unless cluster-announce-port is set). */
  readonly port: number;
  readonly log: MigratorHost['log'];
  readonly config: {
    str(name: string): string;
    num(name: string): number;
    bool(name: string): boolean;
    onChange(fn: (name: string) => void): void;
  };
  readonly dbs: ReadonlyArray<Keyspace>;
  readonly repl: ReplicationRole &
    AckSource & {
      /** The id replication speaks for this node under (REPLCONF node-id). */
      nodeId: string;
      /** As a primary, stream a PING when nothing was streamed for this long, ms (replicas' read leases). */
      heartbeatMs: number;
      onAck(cb: (id: string, offset: number) => void): void;
      /** Sends a command as is to this node's replicas, after a SELECT of `db` when db >= 0. */
      propagate(argv: readonly string[], db: number): void;
    };
}

/**
 * Creates node.cluster (call before listen: from then on the node routes as a cluster node, with an empty
 * view until etcd answers). Throws when the node id file is unreadable or invalid.
 */
export function enableClusterMode(node: ClusterSetupHost): ClusterAgent {
  const config = node.config;
  const myId = loadOrCreateNodeId(path.resolve(config.str('cluster-config-file')));
  const bind = config.str('bind').split(' ')[0] ?? '127.0.0.1';
  const ip = config.str('cluster-announce-ip') || (bind === '0.0.0.0' || bind === '::' || bind === '*' ? '127.0.0.1' : bind);
  const agent = new ClusterAgent(node, {
    myId,
    endpoints: config.str('cluster-etcd').split(','),
    clusterName: config.str('cluster-name'),
    announce: { ip, port: config.num('cluster-announce-port') || config.num('port') },
    nodeTimeoutMs: config.num('cluster-node-timeout'),
    vnodes: config.num('cluster-vnodes'),
    replicas: config.num('cluster-replicas'),
  });
  agent.requireFullCoverage = config.bool('cluster-require-full-coverage');
  config.onChange((name) => {
    if (name === 'cluster-require-full-coverage') agent.requireFullCoverage = config.bool(name);
  });
  node.dbs[0].enableSlotIndex();
  agent.migrator = new Migrator({
    db: node.dbs[0],
    log: node.log,
    password: () => config.str('requirepass'),
    commit: (from, slots) => agent.commit(from, slots),
    deleted: (key) => node.repl.propagate(['DEL', key], 0),
  });
  // Replication speaks for this node under its cluster id; the gate holds replies in replication-ack sync.
  node.repl.nodeId = myId;
  // Replicas' READONLY reads hold a lease renewed by their primary's stream (router.ts): keep it flowing.
  node.repl.heartbeatMs = STREAM_HEARTBEAT_MS;
  const gate = new AckGate(agent, node.repl);
  gate.sync = config.str('replication-ack') === 'sync';
  config.onChange((name) => {
    if (name === 'replication-ack') {
      gate.sync = config.str(name) === 'sync';
      gate.release();
    }
  });
  node.repl.onAck((id, offset) => {
    gate.acked(id, offset);
    gate.release();
  });
  agent.gate = gate;
  node.cluster = agent;
  return agent;
}

/** Starts the agent once the node listens (the announced port is the one listened on unless set). */
export function startClusterMode(node: ClusterSetupHost, agent: ClusterAgent): void {
  if (agent.opts.announce.port === 0) agent.opts.announce = { ...agent.opts.announce, port: node.port };
  node.log.notice(`Cluster mode: node ${agent.myId}, etcd ${agent.opts.endpoints.join(',')}, cluster '${node.config.str('cluster-name')}'`);
  agent.start();
}
