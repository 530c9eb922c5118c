// In-process nodes listening on 127.0.0.1 (port 0) and ioredis clients for replication specs.
import Redis from 'ioredis';
import { Config } from '../../lib/config/config';
import { createNode, type FullNode as Node } from '../../lib/create-node';

export interface TestNode {
  node: Node;
  port: number;
  client: Redis;
  stop(): Promise<void>;
}

/** A node on a free port with its own ioredis client. */
/** A node on a free port with an ioredis client; `clockSkewMs` sets its clock that far off the system's. */
export async function startNode(settings: Record<string, string> = {}, clockSkewMs = 0): Promise<TestNode> {
  const config = new Config();
  config.set('port', '0');
  config.set('loglevel', 'warning');
  for (const [k, v] of Object.entries(settings)) config.set(k, v);
  const node = createNode(config, clockSkewMs === 0 ? {} : { clock: { now: () => Date.now() + clockSkewMs } });
  node.log.level = 'nothing';
  const port = await node.listen();
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: false, maxRetriesPerRequest: 1 });
  return {
    node,
    port,
    client,
    async stop() {
      client.disconnect();
      await node.shutdown();
    },
  };
}

/** Resolves once cond() holds (polled every 10 ms); rejects after ms with what. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every key of db 0 with its value and absolute expiry (PEXPIRETIME), sorted by key. */
export async function dumpAll(r: Redis): Promise<string[]> {
  const keys = (await r.keys('*')).sort();
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const batch = keys.slice(i, i + 500);
    const p = r.pipeline();
    for (const k of batch) {
      p.get(k);
      p.pexpiretime(k);
    }
    const res = (await p.exec()) ?? [];
    batch.forEach((k, j) => out.push(`${k}=${String(res[2 * j][1])}@${String(res[2 * j + 1][1])}`));
  }
  return out;
}
