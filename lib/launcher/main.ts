// shardcache-cluster: starts and manages a local cluster (nodes + etcd) in a directory, as Redis's
// create-cluster. Exit codes: 0 ok, 1 error (one line on stderr, after any progress lines), 2 usage error.
import { parseArgs, UsageError, USAGE } from './args';
import { addNode, removeNode, start, status, stop } from './ops';

/** Runs the command in argv and resolves with the exit code (output already written). */
export async function run(argv: string[]): Promise<number> {
  // Progress while start / add-node / remove-node wait; stdout keeps only the final result line.
  const progress = (line: string) => void process.stderr.write(`${line}\n`);
  try {
    const c = parseArgs(argv);
    let out: string;
    switch (c.cmd) {
      case 'help':
        out = USAGE;
        break;
      case 'start':
        out = await start(c, progress);
        break;
      case 'add-node':
        out = await addNode(c, progress);
        break;
      case 'remove-node':
        out = await removeNode(c, progress);
        break;
      case 'stop':
        out = await stop(c.dir);
        break;
      case 'status':
        out = await status(c.dir);
        break;
    }
    process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
    return 0;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    if (e instanceof UsageError) {
      process.stderr.write(`shardcache-cluster: ${msg}${e.hint ? ' (shardcache-cluster help for usage)' : ''}\n`);
      return 2;
    }
    process.stderr.write(`shardcache-cluster: ${msg}\n`);
    return 1;
  }
}

/** Entry point of bin/shardcache-cluster: exits with run's code once stdout is flushed. */
export function main(argv: string[]): void {
  void run(argv).then((code) => {
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
  });
}
