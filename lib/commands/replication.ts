// Replication commands: PSYNC and REPLCONF (the replica's handshake, Redis's declarations), REPLSNAP and
// REPLSNAP-END (internal: the snapshot entries a primary sends, applied only from the master client),
// ROLE, WAIT, and REPLICAOF / SLAVEOF for standalone nodes. The machinery is lib/replication/.
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { restoreValue } from '../store/dump';
import { parseInt64, parseSafeInt } from './args';
import { NO_KEYS, type CommandSpec } from './types';

/** PSYNC replid offset: +FULLRESYNC or +CONTINUE, then this connection carries the stream. */
function psync(c: Client, argv: string[]): void {
  const repl = c.node.repl;
  if (repl.role === 'replica') return c.out.error("NOMASTERLINK Can't SYNC while not connected with my master");
  if (repl.primary.isLink(c)) return; // already a replica link: ignore, as Redis
  if (repl.primary.isStale(c)) return c.out.error(E.ERR_STALE_PRIMARY);
  // A restarted primary waiting for its replica to take over has no data to give (cluster/agent.ts).
  if (c.node.cluster?.unavailable === true) return c.out.error(E.ERR_STALE_PRIMARY);
  const offset = parseSafeInt(argv[2]);
  repl.primary.psync(c, argv[1], offset === null ? -1 : offset);
}

/**
 * REPLCONF <option> <value> ...: listening-port, node-id, epoch (a newer epoch than ours: ERR stale
 * primary), ip-address and capa (accepted), ACK <offset> (from a replica link; no reply), GETACK (from
 * the master client on a replica: ack at once; no reply). Errors as Redis: syntax error for an odd
 * argument count, "Unrecognized REPLCONF option".
 */
function replconf(c: Client, argv: string[]): void {
  const repl = c.node.repl;
  if (argv.length % 2 === 0) return c.out.error(E.ERR_SYNTAX);
  for (let i = 1; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const val = argv[i + 1];
    if (opt === 'ack') {
      const n = parseSafeInt(val);
      if (n !== null) repl.primary.ack(c, n);
      return;
    }
    if (opt === 'getack') {
      if (c.master) repl.masterLink?.ack();
      return;
    }
    if (opt === 'listening-port' || opt === 'node-id' || opt === 'epoch') {
      const err = repl.primary.announce(c, opt, val);
      if (err !== null) return c.out.error(err);
    } else if (opt !== 'ip-address' && opt !== 'capa' && opt !== 'rdb-only') {
      return c.out.error(`ERR Unrecognized REPLCONF option: ${argv[i]}`);
    }
  }
  c.out.ok();
}

/** REPLSNAP key <expireAt ms or 0> <DUMP payload> [db]: one snapshot entry (master client only). */
function replsnap(c: Client, argv: string[]): void {
  if (!c.master) return c.out.error(E.ERR_MASTER_ONLY);
  const v = restoreValue(argv[3]);
  if (v === 'checksum' || v === 'format') return;
  const db = argv.length > 4 ? c.node.dbs[Number(argv[4])] : c.db;
  if (db === undefined) return;
  const at = Number(argv[2]);
  db.set(argv[1], v, Number.isFinite(at) && at > 0 ? at : 0);
}

/** REPLSNAP-END: the snapshot is complete (master client only; the link then acks). */
function replsnapEnd(c: Client): void {
  if (!c.master) return c.out.error(E.ERR_MASTER_ONLY);
}

/** ROLE: ["master", offset, [[ip, port, offset]...]] or ["slave", host, port, state, offset], as Redis. */
function role(c: Client): void {
  const repl = c.node.repl;
  const out = c.out;
  if (repl.role === 'master') {
    const reps = repl.primary.states().filter((r) => r.state === 'online');
    out.array(3);
    out.bulk('master');
    out.int(repl.offset);
    out.array(reps.length);
    for (const r of reps) out.bulks([r.ip, String(r.port), String(r.offset)]);
    return;
  }
  const link = repl.masterLink;
  out.array(5);
  out.bulk('slave');
  out.bulk(link?.host ?? '');
  out.int(link?.port ?? 0);
  out.bulk(link === null ? 'connect' : link.state);
  out.int(link !== null && link.state === 'connected' ? repl.offset : -1);
}

/** WAIT numreplicas timeout: how many replicas acked this node's offset, within timeout ms (0 = forever). */
function wait(c: Client, argv: string[]): void {
  const repl = c.node.repl;
  if (repl.role === 'replica') return c.out.error(E.ERR_WAIT_REPLICA);
  const n = parseInt64(argv[1]);
  if (n === null || typeof n !== 'number') return c.out.error(E.ERR_NOT_INTEGER);
  const t = parseInt64(argv[2]);
  if (t === null || typeof t !== 'number') return c.out.error('ERR timeout is not an integer or out of range');
  if (t < 0) return c.out.error(E.ERR_TIMEOUT_NEGATIVE);
  repl.primary.wait(c, n, t);
}

/**
 * REPLICAOF host port | NO ONE (and SLAVEOF): follow a primary (epoch 0) or become primary, as Redis's
 * replies: +OK, "+OK Already connected to specified master". Cluster mode: ERR REPLICAOF not allowed.
 */
function replicaof(c: Client, argv: string[]): void {
  const node = c.node;
  const repl = node.repl;
  if (node.cluster !== null) return c.out.error(E.ERR_REPLICAOF_CLUSTER);
  if (argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one') {
    if (repl.role === 'replica') {
      repl.becomePrimary();
      node.log.notice('MASTER MODE enabled (user request)');
    }
    return c.out.ok();
  }
  const port = parseInt64(argv[2]);
  if (port === null || typeof port !== 'number' || port < 0 || port > 65535) return c.out.error(E.ERR_INVALID_PORT);
  const link = repl.masterLink;
  if (repl.role === 'replica' && link !== null && link.host === argv[1] && link.port === port) {
    return c.out.simple('OK Already connected to specified master');
  }
  repl.unfollow();
  repl.follow(argv[1], port, 0);
  node.log.notice(`REPLICAOF ${argv[1]}:${port} enabled (user request)`);
  c.out.ok();
}

const ADMIN_ACL = ['admin', 'slow', 'dangerous'];

function spec(name: string, summary: string, since: string, arity: number, flags: CommandSpec['flags'], acl: readonly string[], handler: CommandSpec['handler'], group: CommandSpec['group'] = 'server'): CommandSpec {
  return { name, group, summary, since, arity, flags, acl, keys: NO_KEYS, handler };
}

export const replicationCommands: readonly CommandSpec[] = [
  spec('psync', 'An internal command used in replication.', '2.8.0', -3, ['admin', 'noscript', 'no_multi'], ADMIN_ACL, psync),
  spec('replconf', 'An internal command for configuring the replication stream.', '3.0.0', -1, ['admin', 'noscript', 'loading', 'stale', 'allow_busy'], ADMIN_ACL, replconf),
  spec('replsnap', 'Internal: one key of a replica\'s snapshot (from its primary only).', '7.0.0', -4, ['admin', 'noscript', 'skip_monitor'], ADMIN_ACL, replsnap),
  spec('replsnap-end', 'Internal: the end of a replica\'s snapshot (from its primary only).', '7.0.0', 1, ['admin', 'noscript', 'skip_monitor'], ADMIN_ACL, replsnapEnd),
  spec('role', 'Returns the replication role.', '2.8.12', 1, ['noscript', 'loading', 'stale', 'fast'], ['admin', 'fast', 'dangerous'], role),
  spec('wait', 'Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.', '3.0.0', 3, ['noscript'], ['slow', 'connection'], wait, 'generic'),
  spec('replicaof', 'Configures a server as replica of another, or promotes it to a master.', '5.0.0', 3, ['admin', 'noscript', 'stale'], ADMIN_ACL, replicaof),
  spec('slaveof', 'Sets a Redis server as a replica of another, or promotes it to being a master.', '1.0.0', 3, ['admin', 'noscript', 'stale'], ADMIN_ACL, replicaof),
];
