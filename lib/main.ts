// shardcache-server [config-file] [--name value ...]: starts one standalone node.
import * as path from 'path';
import { ConfigError } from './config/config';
import { loadConfig } from './config/load';
import { Node, REDIS_VERSION, SHARDCACHE_VERSION } from './server/node';

/** Starts a node from command-line arguments. Exits 1 with one line on a config or bind error. */
export async function main(args: string[]): Promise<Node | undefined> {
  if (args[0] === '--version' || args[0] === '-v') {
    process.stdout.write(`shardcache v=${SHARDCACHE_VERSION} redis_version=${REDIS_VERSION}\n`);
    return undefined;
  }
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write('Usage: shardcache-server [/path/to/shardcache.conf] [--name value ...]\n');
    return undefined;
  }
  let node: Node;
  try {
    const config = loadConfig(args);
    node = new Node(config);
    if (args.length > 0 && !args[0].startsWith('--')) node.configFile = path.resolve(args[0]);
    node.log.setFile(config.str('logfile'));
  } catch (e) {
    const msg = e instanceof ConfigError ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`*** FATAL CONFIG ERROR *** ${msg}\n`);
    process.exit(1);
  }
  try {
    const port = await node.listen();
    node.writePidfile();
    node.log.notice(`shardcache ${SHARDCACHE_VERSION} (redis ${REDIS_VERSION} compatible) pid=${process.pid}, standalone mode`);
    node.log.notice(`Ready to accept connections tcp on port ${port}`);
  } catch (e) {
    node.log.warning(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
  const stop = (sig: string) => {
    node.log.notice(`Received ${sig} scheduling shutdown...`);
    void node.shutdown().then(() => {
      node.log.notice('shardcache is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  node.requestShutdown = () => {
    node.log.warning('User requested shutdown...');
    void node.shutdown().then(() => {
      node.log.notice('shardcache is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return node;
}
