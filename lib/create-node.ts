// The composition root of a node: the server (lib/server/node.ts) with its plug-ins wired in. The server
// layer knows replication and metrics only through the interfaces it declares (server/ports.ts,
// Node.info); this is the one place that puts the concrete parts together. lib/main.ts (the process)
// and the specs create nodes here.
import type { ClusterAgent } from './cluster/agent';
import type { Config } from './config/config';
import { infoText } from './metrics/info';
import { Replication } from './replication/replication';
import { Node, type NodeOptions } from './server/node';

/** A node with its replication plug-in as the concrete class (specs and the cluster wiring use it). */
export type FullNode = Node<Replication, ClusterAgent>;

/** A node for `config`: replication plugged in, INFO answered by lib/metrics/info.ts. */
export function createNode(config: Config, opts: NodeOptions = {}): FullNode {
  const node = new Node<Replication, ClusterAgent>(config, opts);
  node.repl = new Replication(node);
  node.info = (sections) => infoText(node, sections);
  return node;
}
