// A node with no sockets and a manual clock, for unit specs of command families: run() sends one
// command through the real dispatcher and returns the decoded RESP2 reply (errors as ReplyError).
import { Config } from '../../lib/config/config';
import type { Client } from '../../lib/server/client';
import { createNode, type FullNode as Node } from '../../lib/create-node';
import { ManualClock } from '../../lib/util/clock';
import { RequestParser } from '../../lib/protocol/parser';
import { decodeResp2 } from './resp';
import { encodeCommand } from '../../lib/replication/stream';

export class UnitNode {
  readonly clock = new ManualClock();
  readonly config: Config;
  readonly node: Node;
  readonly client: Client;

  constructor(settings: Record<string, string> = {}) {
    this.config = new Config();
    for (const [k, v] of Object.entries(settings)) this.config.set(k, v);
    this.node = createNode(this.config, { clock: this.clock });
    this.client = this.node.detachedClient();
  }

  /** A second client on the same node. */
  newClient(): Client {
    return this.node.detachedClient();
  }

  /**
   * Runs one command and returns its raw reply text (RESP2 or RESP3, as the client speaks). The command
   * goes in as request bytes, as from a socket (client.ts: the byte fast path takes it when it can),
   * unless an argument holds a char beyond latin1 (then its strings go to the dispatcher as they are).
   */
  raw(argv: string[], c: Client = this.client): string {
    if (argv.length > 0 && !c.master && argv.every((a) => !/[^\x00-\xff]/.test(a))) c.onData(Buffer.from(encodeCommand(argv), 'latin1'));
    else this.node.execute(c, argv);
    const out = c.out.take();
    return typeof out === 'string' ? out : out.map((p) => (typeof p === 'string' ? p : p.toString('latin1'))).join('');
  }

  /** Runs one command and returns its decoded RESP2 reply (bulk strings as latin1 strings, errors as ReplyError). */
  run(...argv: string[]): unknown {
    return this.runAs(this.client, ...argv);
  }

  runAs(c: Client, ...argv: string[]): unknown {
    const replies = decodeResp2(this.raw(argv, c));
    if (replies.length !== 1) throw new Error(`expected one reply to ${argv.join(' ')}, got ${replies.length}`);
    return replies[0];
  }

  /** The commands the replication backlog received while fn ran (a backlog is created if absent). */
  effects(fn: () => void): string[][] {
    const b = this.node.repl.ensureBacklog();
    const from = b.offset + 1;
    fn();
    const p = new RequestParser({ maxBulkBytes: () => 1 << 30, unauthenticated: () => false });
    p.feed(b.read(from));
    const out: string[][] = [];
    for (let argv = p.next(); argv !== null; argv = p.next()) out.push(argv);
    return out;
  }
}
