// Command-line parsing of shardcache-cluster (pure): `<command> [--flag value ...]` -> a typed Command.
// Every problem is a UsageError (exit 2); nothing here touches the file system or the network.
import { DIRECTIVES_BY_NAME } from '../config/schema';

export class UsageError extends Error {
  /** hint: whether to point at `shardcache-cluster help` (false for a valid but unsupported request). */
  constructor(msg: string, readonly hint = true) {
    super(msg);
    this.name = 'UsageError';
  }
}

export const USAGE =
  'Usage: shardcache-cluster start --nodes N [--replicas R] [--base-port P] [--etcd URL] [--dir D]\n' +
  '                                [--name NAME] [--node-timeout MS] [--timeout MS]\n' +
  '       shardcache-cluster status [--dir D]\n' +
  '       shardcache-cluster add-node [--dir D] [--port P] [--timeout MS]\n' +
  '       shardcache-cluster remove-node [--dir D] (--port P | --id ID) [--timeout MS]\n' +
  '       shardcache-cluster stop [--dir D]\n' +
  'start: N is the total number of nodes and must be a multiple of R+1 (default R = 2, as the\n' +
  'cluster-replicas directive): the cluster gets N/(R+1) shards of one primary and R replicas each\n' +
  '(--nodes 3: 1 primary, 2 replicas; --nodes 6 --replicas 1: 3 primaries, 3 replicas;\n' +
  '--nodes 3 --replicas 0: 3 primaries without replicas).\n';

export const DEFAULT_DIR = './shardcache-cluster';
export const DEFAULT_BASE_PORT = 7000;
export const DEFAULT_NAME = 'shardcache';
/** The server's own default cluster-node-timeout, ms. */
export const DEFAULT_NODE_TIMEOUT_MS = 15000;
/**
 * Replicas per shard when --replicas is not given: the cluster-replicas directive's default, so that
 * `start --nodes 3` builds the same cluster as three nodes started by hand (one primary, two replicas).
 */
const REPLICAS_DIRECTIVE = DIRECTIVES_BY_NAME.get('cluster-replicas')!;
export const DEFAULT_REPLICAS = Number(REPLICAS_DIRECTIVE.default);
/** How long start / add-node / remove-node wait for the cluster to settle, ms. */
export const DEFAULT_WAIT_MS = 60000;

export interface StartCommand {
  cmd: 'start';
  dir: string;
  nodes: number;
  replicas: number;
  basePort: number;
  /** External etcd URLs (comma-separated as given); null: the launcher starts its own etcd. */
  etcd: string | null;
  name: string;
  nodeTimeoutMs: number;
  timeoutMs: number;
}
export interface StatusCommand { cmd: 'status'; dir: string }
export interface StopCommand { cmd: 'stop'; dir: string }
export interface AddNodeCommand { cmd: 'add-node'; dir: string; port: number | null; timeoutMs: number }
export interface RemoveNodeCommand { cmd: 'remove-node'; dir: string; port: number | null; id: string | null; timeoutMs: number }
export interface HelpCommand { cmd: 'help' }
export type Command = StartCommand | StatusCommand | StopCommand | AddNodeCommand | RemoveNodeCommand | HelpCommand;

const FLAGS: Record<Exclude<Command['cmd'], 'help'>, readonly string[]> = {
  start: ['nodes', 'replicas', 'base-port', 'etcd', 'dir', 'name', 'node-timeout', 'timeout'],
  status: ['dir'],
  stop: ['dir'],
  'add-node': ['dir', 'port', 'timeout'],
  'remove-node': ['dir', 'port', 'id', 'timeout'],
};

/** A decimal integer in [min, max]; UsageError naming the flag otherwise. */
function intFlag(flags: Map<string, string>, name: string, min: number, max: number, dflt: number | null): number | null {
  const v = flags.get(name);
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${v}'`);
  return Number(v);
}

/**
 * Parses `argv` (without node and script). Returns the command with every default filled in.
 * Throws UsageError for: no or unknown command, an unknown or repeated flag, a flag without a value,
 * a stray argument, a bad number, start without --nodes, start with --nodes not a multiple of --replicas + 1,
 * remove-node without exactly one of --port/--id, a base port so high that the nodes' ports would pass 65535.
 */
export function parseArgs(argv: readonly string[]): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) throw new UsageError('missing command');
  if (cmd === 'help' || cmd === '--help' || cmd === '-h') return { cmd: 'help' };
  if (!Object.prototype.hasOwnProperty.call(FLAGS, cmd)) throw new UsageError(`unknown command '${cmd}'`);
  const allowed = FLAGS[cmd as keyof typeof FLAGS];
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m === null) throw new UsageError(`unexpected argument '${a}'`);
    const name = m[1];
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name} for ${cmd}`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    let value = m[2];
    if (value === undefined) {
      if (i + 1 >= rest.length) throw new UsageError(`--${name} needs a value`);
      value = rest[++i];
    }
    flags.set(name, value);
  }
  const dir = flags.get('dir') ?? DEFAULT_DIR;
  if (dir === '') throw new UsageError('--dir must not be empty');
  const timeoutMs = intFlag(flags, 'timeout', 1, 3600000, DEFAULT_WAIT_MS)!;
  switch (cmd) {
    case 'start': {
      const nodes = intFlag(flags, 'nodes', 1, 1000, null);
      if (nodes === null) throw new UsageError('start needs --nodes N');
      const basePort = intFlag(flags, 'base-port', 1, 65535, DEFAULT_BASE_PORT)!;
      if (basePort + nodes - 1 > 65535) throw new UsageError(`--base-port ${basePort} leaves no room for ${nodes} nodes (ports up to 65535)`);
      const etcd = flags.get('etcd') ?? null;
      if (etcd !== null && !/^https?:\/\/[^,\s]+(,https?:\/\/[^,\s]+)*$/.test(etcd)) throw new UsageError(`--etcd must be http://HOST:PORT[,more], got '${etcd}'`);
      const name = flags.get('name') ?? DEFAULT_NAME;
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name may only hold letters, digits, '.', '_' and '-', got '${name}'`);
      // As create-cluster: every shard gets its primary and R replicas, so N must split evenly.
      const replicas = intFlag(flags, 'replicas', REPLICAS_DIRECTIVE.min ?? 0, REPLICAS_DIRECTIVE.max ?? 16, DEFAULT_REPLICAS)!;
      if (nodes % (replicas + 1) !== 0) {
        const shard = `1 primary + ${replicas} replica${replicas === 1 ? '' : 's'}`;
        if (flags.has('replicas')) throw new UsageError(`--nodes ${nodes} is not a multiple of --replicas + 1 = ${replicas + 1} (each shard is ${shard})`);
        throw new UsageError(
          `--nodes ${nodes} is not a multiple of ${replicas + 1}: by default each shard is ${shard} (as cluster-replicas); ` +
            `give --nodes ${replicas + 1}, ${2 * (replicas + 1)}, ..., or --replicas 0 for ${nodes} primar${nodes === 1 ? 'y' : 'ies'} without replicas`,
        );
      }
      return {
        cmd, dir, nodes, basePort, etcd, name, timeoutMs, replicas,
        nodeTimeoutMs: intFlag(flags, 'node-timeout', 1, 3600000, DEFAULT_NODE_TIMEOUT_MS)!,
      };
    }
    case 'status':
    case 'stop':
      return { cmd, dir };
    case 'add-node':
      return { cmd, dir, timeoutMs, port: intFlag(flags, 'port', 1, 65535, null) };
    case 'remove-node': {
      const port = intFlag(flags, 'port', 1, 65535, null);
      const id = flags.get('id') ?? null;
      if ((port === null) === (id === null)) throw new UsageError('remove-node needs exactly one of --port P or --id ID');
      if (id !== null && !/^[0-9a-f]{1,40}$/.test(id)) throw new UsageError(`--id must be a node id (hex, or a unique prefix of one), got '${id}'`);
      return { cmd, dir, timeoutMs, port, id };
    }
  }
  throw new UsageError(`unknown command '${cmd}'`);
}
