// npm run bench [-- --rounds N] [--rows 1,2,5,7,8,9,10] [--profile] [--quick]
// Runs redis-benchmark against a real redis-server and a shardcache node in turn (A B A B ...), so both
// see the same machine, and prints shardcache/redis ratios. Rows 5, 7 and 8 (memory, latency while the
// keyspace grows, RSS after FLUSHALL) are in memory-rows.ts. Writes the same figures as JSON under
// bench/results/. Without redis-server on PATH it says so and reports shardcache alone.
// SHARDCACHE_IO_MODE=stream npm run bench measures the nodes with io-mode stream (lib/server/socket-io.ts).
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reportMemoryRows, runMemoryRows, type MemoryRowsResults } from './memory-rows';
import { median, onPath, preload, RESULTS, ROOT, startServer, stopServer, type Server } from './servers';

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface Row {
  id: string;
  title: string;
  /** redis-benchmark tests run one at a time, so each gets its own CPU figure. */
  tests: string[];
  args: string[];
  /** Requests per test (for CPU per request). */
  requests: number;
  /**
   * Keys to load before the row (key:000000000000 ...), value size in bytes; with hashFields, hashes
   * h:000000000000 ... of that many fields f0, f1, ... instead.
   */
  preload?: { keys: number; valueBytes: number; hashFields?: number };
  /** Tests that are not redis-benchmark's own (-t): test name -> the command it sends. */
  commands?: Record<string, string[]>;
  /** Per test: arguments after the row's (a later -n wins), and the requests they make. */
  testArgs?: Record<string, string[]>;
  testRequests?: Record<string, number>;
  profile?: boolean;
}

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const PROFILE = args.includes('--profile');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(args[roundsArg + 1]) : QUICK ? 1 : 3;
const scale = QUICK ? 10 : 1;
const rowsArg = args.indexOf('--rows');
const ONLY = rowsArg >= 0 ? new Set(args[rowsArg + 1].split(',')) : null;
const wanted = (id: string) => ONLY === null || ONLY.has(id);

const ROWS: Row[] = [
  { id: '1', title: 'no pipelining: -t set,get -n 200000 -c 50', tests: ['set', 'get'], args: ['-n', `${200000 / scale}`, '-c', '50'], requests: 200000 / scale },
  {
    id: '2',
    title: 'pipelining, 1M keys: -t set,get -n 2000000 -r 1000000 -P 16 -c 50',
    tests: ['set', 'get'],
    args: ['-n', `${2000000 / scale}`, '-r', '1000000', '-P', '16', '-c', '50'],
    requests: 2000000 / scale,
    preload: { keys: 1000000 / scale, valueBytes: 3 },
    profile: true,
  },
  { id: '3', title: '1 KiB values: -t set,get -n 200000 -c 50 -d 1024', tests: ['set', 'get'], args: ['-n', `${200000 / scale}`, '-c', '50', '-d', '1024'], requests: 200000 / scale },
  { id: '4', title: 'many clients: -t get -n 200000 -c 500', tests: ['get'], args: ['-n', `${200000 / scale}`, '-c', '500'], requests: 200000 / scale },
  {
    id: '6',
    title: 'hashes, 100k of 10 fields: hset/hget h:__rand_int__ f5 -n 1000000 -r 100000 -P 16 -c 50',
    tests: ['hset', 'hget'],
    commands: { hset: ['hset', 'h:__rand_int__', 'f5', 'v'], hget: ['hget', 'h:__rand_int__', 'f5'] },
    args: ['-n', `${1000000 / scale}`, '-r', `${100000 / scale}`, '-P', '16', '-c', '50'],
    requests: 1000000 / scale,
    preload: { keys: 100000 / scale, valueBytes: 3, hashFields: 10 },
  },
  // Issue 12: the list, set and sorted-set tests of redis-benchmark's default suite, as it runs them (one
  // key each: mylist, myset, myzset; __rand_int__ is 0 without -r). LRANGE_N are sent as commands on the
  // list LPUSH/RPUSH just grew (redis-benchmark's own lrange tests would LPUSH first and count that CPU),
  // before LPOP/RPOP empty it again.
  ...(['1', '16'] as const).map((pipeline) => {
    const n = pipeline === '1' ? 100000 : 1000000;
    return {
      id: pipeline === '1' ? '9' : '10',
      title: `lists, sets, sorted sets: -t lpush,rpush,lrange_100/300/600,lpop,rpop,sadd,spop,zadd,zpopmin -n ${n} -c 50${pipeline === '1' ? '' : ' -P 16 (lrange_*: -n 100000)'}`,
      tests: ['lpush', 'rpush', 'lrange_100', 'lrange_300', 'lrange_600', 'lpop', 'rpop', 'sadd', 'spop', 'zadd', 'zpopmin'],
      commands: { lrange_100: ['lrange', 'mylist', '0', '99'], lrange_300: ['lrange', 'mylist', '0', '299'], lrange_600: ['lrange', 'mylist', '0', '599'] },
      args: ['-n', `${n / scale}`, '-c', '50', '-P', pipeline],
      requests: n / scale,
      // LRANGE_600 -P 16 answers ~10 MB per batch of 50 clients: a tenth of the requests keeps the row short.
      testArgs: pipeline === '1' ? undefined : { lrange_100: ['-n', `${100000 / scale}`], lrange_300: ['-n', `${100000 / scale}`], lrange_600: ['-n', `${100000 / scale}`] },
      testRequests: pipeline === '1' ? undefined : { lrange_100: 100000 / scale, lrange_300: 100000 / scale, lrange_600: 100000 / scale },
    } satisfies Row;
  }),
];
/** utime+stime of a process, in microseconds. */
function cpuMicros(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerReq: number;
}

/** One redis-benchmark test against one server, with the server's CPU over it. */
function runTest(s: Server, test: string, row: Row): Measure {
  const before = cpuMicros(s.proc.pid as number);
  const custom = row.commands?.[test];
  const what = custom === undefined ? ['-t', test] : [];
  const r = spawnSync('redis-benchmark', ['-p', String(s.port), ...what, ...row.args, ...(row.testArgs?.[test] ?? []), '--csv', ...(custom ?? [])], { maxBuffer: 16 * 1024 * 1024 });
  const after = cpuMicros(s.proc.pid as number);
  if (r.status !== 0) throw new Error(`redis-benchmark failed against ${s.name}: ${r.stderr?.toString()}`);
  const lines = r.stdout.toString().trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const values = lines[lines.length - 1].split(',').map((v) => v.replace(/"/g, ''));
  const col = (name: string) => Number(values[header.indexOf(name)]);
  return { rps: col('rps'), p50: col('p50_latency_ms'), p99: col('p99_latency_ms'), cpuUsPerReq: (after - before) / (row.testRequests?.[test] ?? row.requests) };
}

/** "row.test" -> server -> one Measure per round. */
type Results = Record<string, Record<string, Measure[]>>;

async function main(): Promise<void> {
  for (const tool of ['redis-benchmark', 'redis-cli']) {
    if (!onPath(tool)) throw new Error(`${tool} not found: apt-get install redis-tools`);
  }
  const haveRedis = onPath('redis-server');
  if (!haveRedis) console.log('redis-server not found (apt-get install redis-server): reporting shardcache alone.');
  const names: Server['name'][] = haveRedis ? ['redis', 'shardcache'] : ['shardcache'];
  fs.mkdirSync(RESULTS, { recursive: true });
  const results: Results = {};
  for (const row of ROWS.filter((r) => wanted(r.id))) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of names) {
        const profiling = PROFILE && row.profile && name === 'shardcache' && round === 0;
        const s = await startServer(name, profiling ? ['--cpu-prof', '--cpu-prof-dir', RESULTS] : []);
        try {
          if (row.preload) preload(s.port, row.preload.keys, row.preload.valueBytes, row.preload.hashFields);
          for (const test of row.tests) {
            const m = runTest(s, test, row);
            const key = `${row.id}.${test}`;
            ((results[key] ??= {})[name] ??= []).push(m);
            console.log(`row ${row.id} round ${round + 1} ${name.padEnd(10)} ${test.padEnd(4)} ${Math.round(m.rps)} req/s p50 ${m.p50} ms p99 ${m.p99} ms cpu ${m.cpuUsPerReq.toFixed(2)} us/req`);
          }
        } finally {
          await stopServer(s);
        }
      }
    }
  }
  const memory = await runMemoryRows({ names, rounds: ROUNDS, quick: QUICK, wanted });
  report(results, memory, haveRedis);
}

function report(results: Results, memory: MemoryRowsResults, haveRedis: boolean): void {
  const table: Record<string, unknown>[] = [];
  const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log('\nMedians of ' + ROUNDS + ' rounds' + (haveRedis ? ', shardcache/redis ratios' : ''));
  if (Object.keys(results).length > 0) console.log('row  test  server       req/s   p50 ms  p99 ms  cpu us/req | ratio req/s  ratio cpu');
  for (const [key, byServer] of Object.entries(results)) {
    const med = (name: string, f: keyof Measure) => median((byServer[name] ?? []).map((m) => m[f]));
    for (const name of Object.keys(byServer)) {
      const line: Record<string, unknown> = { row: key.split('.')[0], test: key.split('.')[1], server: name, rps: med(name, 'rps'), p50: med(name, 'p50'), p99: med(name, 'p99'), cpuUsPerReq: med(name, 'cpuUsPerReq') };
      if (haveRedis && name === 'shardcache') {
        line.ratioRps = med('shardcache', 'rps') / med('redis', 'rps');
        line.ratioCpu = med('shardcache', 'cpuUsPerReq') / med('redis', 'cpuUsPerReq');
      }
      table.push(line);
      console.log(
        `${String(line.row).padEnd(4)} ${String(line.test).padEnd(5)} ${name.padEnd(10)} ${fmt(line.rps as number).padStart(9)} ${fmt(line.p50 as number, 3).padStart(8)} ${fmt(line.p99 as number, 3).padStart(7)} ${fmt(line.cpuUsPerReq as number, 2).padStart(11)} |` +
          (line.ratioRps !== undefined ? ` ${fmt(line.ratioRps as number, 2).padStart(11)} ${fmt(line.ratioCpu as number, 2).padStart(10)}` : ''),
      );
    }
  }
  const memoryRows = reportMemoryRows(memory, haveRedis);
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, redis: haveRedis ? execFileSync('redis-server', ['--version']).toString().trim() : null };
  // The nodes inherit SHARDCACHE_IO_MODE (io-mode), so a run says which it measured.
  const ioMode = process.env.SHARDCACHE_IO_MODE || 'default (handle)';
  console.log(`machine: ${machine.cpus} x ${machine.model}, ${machine.memGiB} GiB, node ${machine.node}, io-mode ${ioMode}`);
  const file = path.join(RESULTS, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, quick: QUICK, ioMode, machine, rows: table, ...memoryRows }, null, 2));
  console.log(`written ${path.relative(ROOT, file)}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
