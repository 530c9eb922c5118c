// Replication commands: PSYNC and REPLCONF (the replica's handshake, Redis's declarations), REPLSNAP,
// REPLSNAP-PIECE and REPLSNAP-END (internal: the snapshot entries a primary sends, applied only from the
// master client),
// ROLE, WAIT, and REPLICAOF / SLAVEOF for standalone nodes. The machinery is lib/replication/.
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { restoreValue } from '../store/dump';
import { SNAPSHOT_OWNER } from '../store/staging';
import { parseInt64, parseSafeInt } from './args';
import { declarer, type CommandSpec } from './types';

/** PSYNC replid offset: +FULLRESYNC or +CONTINUE, then this connection carries the stream. */
function psync(c: Client, argv: string[]): void {
  const repl = c.node.repl;
  if (repl.role === 'replica') return c.out.error("NOMASTERLINK Can't SYNC while not connected with my master");
  if (repl.primary.isLink(c)) return; // already a replica link: ignore, as Redis
  if (repl.primary.isStale(c)) return c.out.error(E.ERR_STALE_PRIMARY);
  // A restarted primary waiting for its replica to take over has no data to give (cluster/agent.ts).
  if (c.node.cluster?.unavailable === true) return c.out.error(E.ERR_STALE_PRIMARY);
  // Cluster mode: only this node's shard's replicas, by its view (a node that left its shard has no data to give).
  if (c.node.cluster?.refusesReplica(repl.primary.announcedId(c)) === true) return c.out.error(E.ERR_NOT_MY_REPLICA);
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
  const v = restoreValue(argv[3], c.config);
  if (v === 'checksum' || v === 'format') return;
  const db = argv.length > 4 ? c.node.dbs[Number(argv[4])] : c.db;
  if (db === undefined) return;
  const at = Number(argv[2]);
  db.set(argv[1], v, Number.isFinite(at) && at > 0 ? at : 0);
}

/**
 * REPLSNAP-PIECE key <expireAt ms or 0> <piece> <db> <seq> [LAST]: a piece of a large value of the snapshot
 * (master client only): staged (store/staging.ts) until the LAST, which sets the whole value with the
 * expiry given with it. A bad piece drops what was staged (the key is missing until the stream sets it).
 */
function replsnapPiece(c: Client, argv: string[]): void {
  if (!c.master) return c.out.error(E.ERR_MASTER_ONLY);
  const db = c.node.dbs[Number(argv[4])];
  const seq = Number(argv[5]);
  if (db === undefined || !Number.isSafeInteger(seq) || seq < 0) return c.node.staging.drop(SNAPSHOT_OWNER);
  const last = argv.length > 6 && argv[6].toLowerCase() === 'last';
  const v = c.node.staging.piece(SNAPSHOT_OWNER, db.id, argv[1], seq, argv[3], last, c.config);
  if (v === 'staged' || v === 'order' || v === 'checksum' || v === 'format') return;
  const at = Number(argv[2]);
  db.set(argv[1], v, Number.isFinite(at) && at > 0 ? at : 0);
}

/** REPLSNAP-END: the snapshot is complete (master client only; the link then acks). Pieces left staged go. */
function replsnapEnd(c: Client): void {
  if (!c.master) return c.out.error(E.ERR_MASTER_ONLY);
  c.node.staging.drop(SNAPSHOT_OWNER);
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

const cmd = declarer('server', { acl: ADMIN_ACL });

export const replicationCommands: readonly CommandSpec[] = [
  cmd({ name: 'psync', summary: 'An internal command used in replication.', since: '2.8.0', arity: -3, flags: ['admin', 'noscript', 'no_multi'], handler: psync }),
  cmd({ name: 'replconf', summary: 'An internal command for configuring the replication stream.', since: '3.0.0', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'], handler: replconf }),
  cmd({ name: 'replsnap', summary: 'Internal: one key of a replica\'s snapshot (from its primary only).', since: '7.0.0', arity: -4, flags: ['admin', 'noscript', 'skip_monitor'], handler: replsnap }),
  cmd({ name: 'replsnap-piece', summary: 'Internal: a piece of a large key of a replica\'s snapshot (from its primary only).', since: '7.0.0', arity: -6, flags: ['admin', 'noscript', 'skip_monitor'], handler: replsnapPiece }),
  cmd({ name: 'replsnap-end', summary: 'Internal: the end of a replica\'s snapshot (from its primary only).', since: '7.0.0', arity: 1, flags: ['admin', 'noscript', 'skip_monitor'], handler: replsnapEnd }),
  cmd({ name: 'role', summary: 'Returns the replication role.', since: '2.8.12', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast'], acl: ['admin', 'fast', 'dangerous'], handler: role }),
  cmd({ name: 'wait', summary: 'Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.', since: '3.0.0', arity: 3, flags: ['noscript'], acl: ['slow', 'connection'], handler: wait, group: 'generic' }),
  cmd({ name: 'replicaof', summary: 'Configures a server as replica of another, or promotes it to a master.', since: '5.0.0', arity: 3, flags: ['admin', 'noscript', 'stale'], handler: replicaof }),
  cmd({ name: 'slaveof', summary: 'Sets a Redis server as a replica of another, or promotes it to being a master.', since: '1.0.0', arity: 3, flags: ['admin', 'noscript', 'stale'], handler: replicaof }),
];
