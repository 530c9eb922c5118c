// shardcache-server [config-file] [--name value ...]: starts one standalone node, as redis-server does.
import * as path from 'path';
import type { Config } from './config/config';
import { loadConfig } from './config/load';
import { createNode, type FullNode as Node } from './create-node';
import { REDIS_VERSION, SHARDCACHE_VERSION } from './server/node';
import { enableClusterMode, startClusterMode } from './cluster/setup';
import type { ClusterAgent } from './cluster/agent';

/** How long SHUTDOWN / SIGTERM of a cluster node waits for its slots to be handed off, ms. */
const HANDOFF_TIMEOUT_MS = 60_000;

const USAGE =
  'Usage: shardcache-server [/path/to/shardcache.conf] [--name value ...]\n' +
  '       shardcache-server -v or --version\n' +
  '       shardcache-server -h or --help\n\n' +
  'Examples:\n' +
  '       shardcache-server (run with the default configuration)\n' +
  '       shardcache-server conf/shardcache.conf\n' +
  '       shardcache-server --port 7777 --bind 127.0.0.1 ::1\n' +
  '       shardcache-server conf/shardcache.conf --loglevel verbose --maxmemory 100mb\n';

/** Writes one line to standard error (and to the logfile once it is open) and exits with 1. */
function fatal(msg: string, node?: Node, logToFile = false): never {
  process.stderr.write(`${msg}\n`);
  if (node && logToFile) node.log.warning(msg);
  process.exit(1);
}

/**
 * Starts a node from command-line arguments and resolves with it (undefined for --version / --help).
 * Order as redis-server: read file then flags; chdir into `dir`; open `logfile`; listen on every `bind`
 * address; write `pidfile`. Exits 1 with one line on standard error when any step fails:
 * "*** FATAL CONFIG ERROR *** <file>:<line>: directive '<name>': <reason> (>>> '<line>')", "Can't chdir
 * to '<dir>': ...", "Can't open the log file: ...", "Configured to not listen anywhere, exiting.",
 * "Could not create server TCP listening socket <addr>:<port>: bind: Address already in use".
 * SIGTERM and SIGINT shut down (pidfile removed) and exit 0; a second SIGINT exits 1 at once. A cluster
 * node (cluster-etcd set) first hands its slots off (except SHUTDOWN NOW), for at most HANDOFF_TIMEOUT_MS.
 */
export async function main(args: string[]): Promise<Node | undefined> {
  if (args[0] === '--version' || args[0] === '-v') {
    process.stdout.write(`shardcache v=${SHARDCACHE_VERSION} redis_version=${REDIS_VERSION}\n`);
    return undefined;
  }
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(USAGE);
    return undefined;
  }
  let config: Config;
  try {
    config = loadConfig(args);
  } catch (e) {
    fatal(`*** FATAL CONFIG ERROR *** ${e instanceof Error ? e.message : String(e)}`);
  }
  const configFile = args.length > 0 && !args[0].startsWith('--') && args[0] !== '-' ? path.resolve(args[0]) : '';
  const dir = config.str('dir');
  try {
    process.chdir(dir);
  } catch (e) {
    fatal(`*** FATAL CONFIG ERROR *** Can't chdir to '${dir}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const node = createNode(config);
  node.configFile = configFile;
  try {
    node.log.setFile(config.str('logfile'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code ?? String(e);
    fatal(`*** FATAL CONFIG ERROR *** Can't open the log file '${config.str('logfile')}': ${why}`);
  }
  const toFile = config.str('logfile') !== '';
  // Installed before listening, so that a signal sent once the node says it is ready is always handled.
  let stopping = false;
  let agent: ClusterAgent | null = null;
  const stop = (sig: string, now = false) => {
    if (stopping) {
      if (sig === 'SIGINT') {
        node.log.warning('You insist... exiting now.');
        process.exit(1);
      }
      return;
    }
    stopping = true;
    node.log.warning(sig === 'SHUTDOWN' ? 'User requested shutdown...' : `Received ${sig} scheduling shutdown...`);
    const a = agent;
    const leave = async () => {
      if (a === null) return;
      if (now) return a.stop();
      node.log.notice('Handing this node\'s slots off to the rest of the cluster...');
      const ok = await a.leave(HANDOFF_TIMEOUT_MS);
      node.log.notice(ok ? 'Hand-off done: slots handed off, node removed from the topology' : `Hand-off incomplete after ${HANDOFF_TIMEOUT_MS} ms or etcd unreachable: leaving anyway`);
    };
    void leave().then(() => node.shutdown()).then(() => {
      node.log.warning('shardcache is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  node.requestShutdown = (now: boolean) => stop('SHUTDOWN', now);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  node.log.warning('oO0OoO0OoO0Oo shardcache is starting oO0OoO0OoO0Oo');
  node.log.warning(`shardcache version=${SHARDCACHE_VERSION} (redis ${REDIS_VERSION} compatible), pid=${process.pid}, just started`);
  if (args.length === 0 || args[0].startsWith('--')) {
    node.log.warning('Warning: no config file specified, using the default config. In order to specify a config file use shardcache-server /path/to/shardcache.conf');
  } else {
    node.log.warning('Configuration loaded');
  }
  if (config.str('bind') === '') fatal('Configured to not listen anywhere, exiting.', node, toFile);
  if (config.str('cluster-etcd') !== '') {
    try {
      agent = enableClusterMode(node);
    } catch (e) {
      fatal(`*** FATAL CONFIG ERROR *** ${e instanceof Error ? e.message : String(e)}`, node, toFile);
    }
  }
  let port: number;
  try {
    port = await node.listen();
  } catch (e) {
    fatal(e instanceof Error ? e.message : String(e), node, toFile);
  }
  try {
    node.writePidfile();
  } catch (e) {
    node.log.warning(`Failed to write PID file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // CONFIG SET dir (when allowed) moves the process as Redis does; the value was checked to exist.
  config.onChange((name, value) => {
    if (name === 'dir') process.chdir(String(value));
  });
  node.log.notice(`Running mode=${agent ? 'cluster' : 'standalone'}, port=${port}, io-mode=${node.ioMode}.`);
  if (agent) startClusterMode(node, agent);
  node.log.notice('Ready to accept connections tcp');
  return node;
}
