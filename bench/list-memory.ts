// Memory of one long list, shardcache against a real redis-server in the same run: RPUSH 1M elements named
// as redis-benchmark's "element:__rand_int__" (20 bytes: `element:` and 12 digits) into one key, in
// commands of 100 elements through redis-cli --pipe, then RSS growth per element (right after the load and
// after 1 s idle) and used_memory growth per element. Run under `flock /tmp/bench.lock`:
//   npx tsc -p tsconfig.json && flock /tmp/bench.lock node dist/bench/list-memory.js [elements]
import { cli, pipeLoad, rssBytes, sleep, startServer, stopServer, type Server } from './servers';

const SETTLE_MS = 300;

function* rpushCommands(total: number, perCommand: number): Generator<Buffer> {
  let seed = 12345;
  let s = '';
  for (let i = 0; i < total; i += perCommand) {
    const n = Math.min(perCommand, total - i);
    s += `*${n + 2}\r\n$5\r\nRPUSH\r\n$4\r\nlist\r\n`;
    for (let j = 0; j < n; j++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const el = 'element:' + String(seed % 1000000).padStart(12, '0');
      s += `$${el.length}\r\n${el}\r\n`;
    }
    if (s.length > 1 << 20) {
      yield Buffer.from(s, 'latin1');
      s = '';
    }
  }
  if (s.length > 0) yield Buffer.from(s, 'latin1');
}

function usedMemory(port: number): number {
  const info = cli(port, 'INFO', 'memory') ?? '';
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Number(m[1]) : NaN;
}

async function measure(name: Server['name'], total: number): Promise<Record<string, number | string>> {
  const s = await startServer(name);
  try {
    await sleep(SETTLE_MS);
    const pid = s.proc.pid as number;
    const empty = rssBytes(pid);
    const used0 = usedMemory(s.port);
    const r = await pipeLoad(s.port, rpushCommands(total, 100));
    const loaded = rssBytes(pid);
    const len = Number(cli(s.port, 'LLEN', 'list'));
    const used1 = usedMemory(s.port);
    await sleep(1000);
    const idle = rssBytes(pid);
    return {
      server: name,
      elements: len,
      errors: r.errors,
      encoding: cli(s.port, 'OBJECT', 'ENCODING', 'list') ?? '?',
      rssPerElement: +((loaded - empty) / len).toFixed(1),
      rssPerElementIdle: +((idle - empty) / len).toFixed(1),
      usedMemoryPerElement: +((used1 - used0) / len).toFixed(1),
      loadMs: Math.round(r.ms),
    };
  } finally {
    await stopServer(s);
  }
}

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 1_000_000);
  const rows: Record<string, number | string>[] = [];
  for (const name of ['redis', 'shardcache', 'redis', 'shardcache'] as const) rows.push(await measure(name, total));
  console.table(rows);
  const per = (n: string) => rows.filter((r) => r.server === n).map((r) => r.rssPerElementIdle as number);
  const ratio = Math.min(...per('shardcache')) / Math.min(...per('redis'));
  console.log(`RSS per element after idle, best of two: shardcache / redis = ${ratio.toFixed(2)}`);
}

void main();
