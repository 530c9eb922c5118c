// node dist/bench/zset-memory.js [members (default 1000000)] — run under `flock /tmp/bench.lock`.
// Issue 12's memory figure: ZADD of N distinct members ("member:0000001" ...) with random scores into ONE
// sorted set, on a real redis-server (the one on PATH: PATH=/path/to/7.2/src:$PATH for another) and on a
// shardcache node, one
// after the other; reports each one's RSS growth per member (after MEMORY PURGE on both: jemalloc's purge,
// a full GC) and the ratio. Members go in 1,000 per ZADD, pipelined 16 deep.
import { spawnSync } from 'child_process';
import * as net from 'net';
import { rssBytes, sleep, startServer, stopServer, type Server } from './servers';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 1000;
const DEPTH = 16;

function command(argv: string[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

/** Sends the commands pipelined DEPTH deep and waits for every reply (counted by CRLF-terminated lines of top-level replies: ZADD answers integers). */
async function pipeline(port: number, cmds: Buffer[]): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((res, rej) => {
    sock.once('connect', () => res());
    sock.once('error', rej);
  });
  let sent = 0;
  let replies = 0;
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (sent < cmds.length && sent - replies < DEPTH) sock.write(cmds[sent++]);
    };
    sock.on('data', (d: Buffer) => {
      pending += d.toString('latin1');
      let at: number;
      while ((at = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 2);
        if (line[0] === '-') return reject(new Error(line));
        replies++;
      }
      if (replies === cmds.length) resolve();
      else pump();
    });
    sock.on('error', reject);
    pump();
  });
  sock.destroy();
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args]).stdout.toString();
}

async function measure(name: Server['name']): Promise<{ perMember: number; rssMB: number; usedMemoryMB: number; ms: number }> {
  const s = await startServer(name);
  try {
    cli(s.port, 'MEMORY', 'PURGE');
    await sleep(500);
    const before = rssBytes(s.proc.pid as number);
    const cmds: Buffer[] = [];
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < N; i += BATCH) {
      const argv = ['ZADD', 'z'];
      for (let j = i; j < Math.min(N, i + BATCH); j++) argv.push(String(rnd() * 1e6), `member:${String(j).padStart(7, '0')}`);
      cmds.push(command(argv));
    }
    const t0 = Date.now();
    await pipeline(s.port, cmds);
    const ms = Date.now() - t0;
    const card = Number(cli(s.port, 'ZCARD', 'z').trim());
    if (card !== N) throw new Error(`${name}: ZCARD ${card}, expected ${N}`);
    cli(s.port, 'MEMORY', 'PURGE');
    await sleep(1500);
    const after = rssBytes(s.proc.pid as number);
    const used = /used_memory:(\d+)/.exec(cli(s.port, 'INFO', 'memory'));
    return { perMember: (after - before) / N, rssMB: after / 2 ** 20, usedMemoryMB: used ? Number(used[1]) / 2 ** 20 : NaN, ms };
  } finally {
    await stopServer(s);
  }
}

async function main(): Promise<void> {
  const redis = await measure('redis');
  const node = await measure('shardcache');
  const version = /v=([\d.]+)/.exec(spawnSync('redis-server', ['--version']).stdout.toString());
  console.log(`ZADD of ${N} distinct members with random scores into one sorted set (redis ${version?.[1] ?? '?'})`);
  for (const [label, r] of [['redis-server', redis], ['shardcache', node]] as const) {
    console.log(`  ${label.padEnd(12)} RSS growth ${r.perMember.toFixed(1)} B/member, RSS ${r.rssMB.toFixed(0)} MB, used_memory ${r.usedMemoryMB.toFixed(0)} MB, load ${r.ms} ms`);
  }
  console.log(`  ratio shardcache/redis: ${(node.perMember / redis.perMember).toFixed(2)}x`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
