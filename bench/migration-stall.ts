// The longest event-loop stall on each side of a slot migration of one large value (issue 12): the source
// node runs in this process (no sockets but the migrator's), the target node in a child process; both
// probe their own event loop with a 1 ms interval timer (the longest gap between two ticks, minus the 1 ms,
// is the longest time the node could not answer a client). One run sends the value whole, as before
// RESTORE-PIECE (chunk thresholds at infinity: one RESTORE-ASKING), one in pieces (the defaults). Run
// under `flock /tmp/bench.lock`:
//   npx tsc -p tsconfig.json && flock /tmp/bench.lock node dist/bench/migration-stall.js [hash|set|list|zset] [elements] [whole|pieces]
import { spawn, type ChildProcess } from 'child_process';
import * as readline from 'readline';
import { Migrator, type MigratorOptions } from '../lib/cluster/migrator';
import { validateTopology } from '../lib/cluster/topology';
import { ClusterView } from '../lib/cluster/view';
import { Config } from '../lib/config/config';
import { createNode, type FullNode } from '../lib/create-node';
import type { Client } from '../lib/server/client';
import { Logger } from '../lib/server/log';
import { keySlot } from '../lib/util/slots';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const KEY = '{big}value';
const SLOT = keySlot(KEY);

/** Longest gap between ticks of a 1 ms interval, minus the 1 ms, since start(). */
class StallProbe {
  private last = 0;
  max = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    this.max = 0;
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.max = Math.max(this.max, now - this.last - 1);
      this.last = now;
    }, 1);
  }

  stop(): number {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    return Math.max(this.max, performance.now() - this.last - 1);
  }
}

function run(node: FullNode, ...argv: string[]): string {
  const c: Client = node.detachedClient();
  node.execute(c, argv);
  const out = c.out.take();
  c.close();
  return typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
}

function newNode(): FullNode {
  const config = new Config();
  config.set('bind', '127.0.0.1');
  config.set('port', '0');
  return createNode(config);
}

/** The child: a target node that reports its probe's maximum on "report" (and resets it). */
async function target(): Promise<void> {
  const node = newNode();
  await node.listen();
  const probe = new StallProbe();
  probe.start();
  process.stdout.write(`port ${node.port}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (line === 'report') {
      const max = probe.stop();
      process.stdout.write(`max ${max.toFixed(1)} dbsize ${run(node, 'DBSIZE').trim()} used ${node.env.memory.used}\n`);
      run(node, 'FLUSHALL');
      probe.start();
    } else if (line === 'exit') process.exit(0);
  });
}

/** Fills the source with `n` elements of `type` at KEY, 1,000 per command. */
function fill(node: FullNode, type: string, n: number): void {
  for (let i = 0; i < n; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      if (type === 'hash') args.push(`field:${j}`, `value:${j}`);
      else if (type === 'zset') args.push(String(j % 7777), `member:${j}`);
      else args.push(`element:${j}`);
    }
    run(node, { hash: 'HSET', set: 'SADD', list: 'RPUSH', zset: 'ZADD' }[type] as string, KEY, ...args);
  }
}

function view(port: number): ClusterView {
  const topology = validateTopology({
    version: 3,
    nodes: {
      [A]: { addr: { ip: '127.0.0.1', port: 1 }, shard: 's1', role: 'primary', epoch: 1 },
      [B]: { addr: { ip: '127.0.0.1', port }, shard: 's2', role: 'primary', epoch: 2 },
    },
    shards: { s1: { primary: A, replicas: [], inSync: [] }, s2: { primary: B, replicas: [], inSync: [] } },
    slots: [[0, 16383, 's1']],
    migrating: [{ slot: SLOT, from: 's1', to: 's2' }],
  });
  return new ClusterView(topology, [A, B]);
}

async function migrate(port: number, child: ChildProcess, lines: AsyncIterator<string>, type: string, n: number, opts: MigratorOptions): Promise<Record<string, number>> {
  const source = newNode();
  source.dbs[0].enableSlotIndex();
  fill(source, type, n);
  const log = new Logger();
  log.level = 'nothing';
  let done: () => void = () => undefined;
  const committed = new Promise<void>((r) => (done = r));
  const m = new Migrator(
    { db: source.dbs[0], log, password: () => '', commit: async () => (done(), true) },
    opts,
  );
  const probe = new StallProbe();
  probe.start();
  const t0 = performance.now();
  m.update(view(port), 's1');
  await committed;
  const ms = performance.now() - t0;
  const sourceMax = probe.stop();
  await m.stop();
  child.stdin?.write('report\n');
  const reply = await nextLine(lines, 'max ');
  const [, targetMax, , dbsize] = reply.split(' ');
  return { sourceMaxStallMs: Number(sourceMax.toFixed(1)), targetMaxStallMs: Number(targetMax), migrationMs: Math.round(ms), pieces: m.stats.piecesSent, targetKeys: Number(dbsize.replace(/^:/, '')) };
}

/** The child's next line starting with `prefix` (others, such as --trace-gc's, are passed through to stderr). */
async function nextLine(lines: AsyncIterator<string>, prefix: string): Promise<string> {
  for (;;) {
    const r = await lines.next();
    if (r.done === true) throw new Error('the target exited');
    const line = r.value as string;
    if (line.startsWith(prefix)) return line;
    process.stderr.write(`target: ${line}\n`);
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--target') return target();
  const type = process.argv[2] ?? 'hash';
  const n = Number(process.argv[3] ?? 1_000_000);
  const child = spawn(process.execPath, [...process.execArgv, __filename, '--target'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const port = Number((await nextLine(lines, 'port ')).split(' ')[1]);
  child.stdin?.write('report\n'); // reset the target's probe after its start
  await nextLine(lines, 'max ');
  try {
    const only = process.argv[4] ?? '';
    for (const round of [1, 2]) {
      if (only !== 'pieces') {
        const whole = await migrate(port, child, lines, type, n, { chunkItems: Infinity, chunkBytes: Infinity });
        console.log(JSON.stringify({ type, elements: n, round, mode: 'whole (RESTORE-ASKING)', ...whole }));
      }
      if (only === 'whole') continue;
      const pieces = await migrate(port, child, lines, type, n, {});
      console.log(JSON.stringify({ type, elements: n, round, mode: 'pieces (RESTORE-PIECE)', ...pieces }));
    }
  } finally {
    child.stdin?.write('exit\n');
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
