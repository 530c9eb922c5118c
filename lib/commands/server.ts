// Server commands: INFO, CONFIG, COMMAND, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, SHUTDOWN, DEBUG, MONITOR.
// CONFIG's handlers are in server-config.ts, COMMAND's in server-command.ts.
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { is, parseSafeInt } from './args';
import { replyHelp } from './help';
import * as cmd from './server-command';
import * as cfg from './server-config';
import { NO_KEYS, type CommandFlag, type CommandSpec } from './types';

/** INFO [section ...]: the INFO text (a verbatim string in RESP3). */
function info(c: Client, argv: string[]): void {
  c.out.verbatim(c.node.info(argv.slice(1)));
}

/** DBSIZE: number of keys in the selected database. */
function dbsize(c: Client): void {
  c.out.int(c.db.size);
}

/** The optional SYNC|ASYNC of FLUSHDB/FLUSHALL: true when valid (both flush at once here). */
function flushArgsOk(argv: string[]): boolean {
  return argv.length === 1 || (argv.length === 2 && (is(argv[1], 'sync') || is(argv[1], 'async')));
}

/** FLUSHDB [SYNC|ASYNC]: OK after removing every key of the selected database; syntax error otherwise. */
function flushdb(c: Client, argv: string[]): void {
  if (!flushArgsOk(argv)) return c.out.error(E.ERR_SYNTAX);
  c.db.flush();
  c.effects.command(['FLUSHDB']);
  c.out.ok();
}

/** FLUSHALL [SYNC|ASYNC]: OK after removing every key of every database; syntax error otherwise. */
function flushall(c: Client, argv: string[]): void {
  if (!flushArgsOk(argv)) return c.out.error(E.ERR_SYNTAX);
  for (const db of c.node.dbs) db.flush();
  c.effects.command(['FLUSHALL'], -1);
  c.out.ok();
}

/** A 32-bit signed integer argument (getIntFromObject), or null. */
function parseInt32(s: string): number | null {
  const n = parseSafeInt(s);
  return n !== null && n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
}

/**
 * SWAPDB index1 index2: OK after exchanging the two databases' contents (clients stay on their index).
 * Errors: invalid first/second DB index (not an integer), DB index is out of range.
 */
function swapdb(c: Client, argv: string[]): void {
  if (c.node.cluster !== null) return c.out.error(E.ERR_SWAPDB_CLUSTER);
  const a = parseInt32(argv[1]);
  if (a === null) return c.out.error(E.ERR_SWAPDB_FIRST);
  const b = parseInt32(argv[2]);
  if (b === null) return c.out.error(E.ERR_SWAPDB_SECOND);
  const dbs = c.node.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) return c.out.error(E.ERR_DB_INDEX);
  if (a !== b) dbs[a].swapWith(dbs[b]);
  c.effects.command(['SWAPDB', argv[1], argv[2]], -1);
  c.out.ok();
}

/** TIME: [unix seconds, microseconds] as bulk strings, from the node's clock (ms resolution). */
function time(c: Client): void {
  const ms = c.clock.now();
  c.out.array(2);
  c.out.bulk(String(Math.floor(ms / 1000)));
  c.out.bulk(String((ms % 1000) * 1000));
}

/**
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: no reply; the connection closes and the node shuts down
 * through node.requestShutdown (nothing is ever saved, so SAVE changes nothing). A cluster node first
 * hands its slots off to the others, unless NOW (which, as Redis's, does not wait). Errors: syntax error for
 * unknown words, NOSAVE with SAVE, or ABORT with anything; ABORT alone: No shutdown in progress.
 */
function shutdown(c: Client, argv: string[]): void {
  let nosave = false;
  let save = false;
  let other = false;
  let now = false;
  let abort = false;
  for (let i = 1; i < argv.length; i++) {
    if (is(argv[i], 'nosave')) nosave = true;
    else if (is(argv[i], 'save')) save = true;
    else if (is(argv[i], 'now')) other = now = true;
    else if (is(argv[i], 'force')) other = true;
    else if (is(argv[i], 'abort')) abort = true;
    else return c.out.error(E.ERR_SYNTAX);
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) return c.out.error(E.ERR_SYNTAX);
  if (abort) return c.out.error(E.ERR_NO_SHUTDOWN);
  c.closeAfterReply = true;
  c.node.requestShutdown(now);
}

/** Blocks the whole process for ms, as Redis's DEBUG SLEEP blocks its event loop. Replaceable by specs. */
export const debugHooks = {
  sleep(ms: number): void {
    if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  },
};

/** C's atoi: the leading integer of s (after spaces), 0 when none. */
function atoi(s: string): number {
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

/**
 * enable-debug-command: yes, or local and c is local (Redis islocalClient: 127.0.0.1 or ::1; here also an
 * IPv4-mapped ::ffff:127.0.0.1, and a detached client without a socket, as Redis treats its unix socket).
 */
function debugAllowed(c: Client): boolean {
  const mode = c.node.config.str('enable-debug-command');
  if (mode === 'yes') return true;
  if (mode !== 'local') return false;
  if (!c.connected) return true;
  const ip = c.addr.slice(0, c.addr.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/**
 * Refused unless enable-debug-command allows the client (Redis's "DEBUG command not allowed" text).
 * DEBUG SLEEP seconds (decimals allowed; not a number = 0) | SET-ACTIVE-EXPIRE 0|1 (atoi: non-zero = on)
 * | HELP. Replies OK (HELP: its lines). Anything else, or a wrong count: unknown subcommand or wrong
 * number of arguments for '<sub>'. Try DEBUG HELP.
 */
function debug(c: Client, argv: string[]): void {
  if (!debugAllowed(c)) return c.out.error(E.ERR_DEBUG_NOT_ALLOWED);
  const sub = argv[1];
  if (is(sub, 'help') && argv.length === 2) {
    return replyHelp(c, 'DEBUG', [
      'SET-ACTIVE-EXPIRE <0|1>',
      '    Setting it to 0 disables expiring keys in background when they are not',
      '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
      '    default.',
      'SLEEP <seconds>',
      '    Stop the server for <seconds>. Decimals allowed.',
    ]);
  }
  if (is(sub, 'sleep') && argv.length === 3) {
    const secs = parseFloat(argv[2]);
    debugHooks.sleep(Number.isFinite(secs) ? Math.floor(secs * 1000) : 0);
    return c.out.ok();
  }
  if (is(sub, 'set-active-expire') && argv.length === 3) {
    c.node.activeExpire = atoi(argv[2]) !== 0;
    return c.out.ok();
  }
  c.out.error(E.ERR_DEBUG_SUBCOMMAND(sub));
}

/** MONITOR: OK, then the client receives every command the node runs. Again in monitor mode: no reply. */
function monitor(c: Client): void {
  if (c.monitor) return;
  c.monitor = true;
  c.node.monitors.add(c);
  c.out.ok();
}

const ADMIN: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const ADMIN_ACL = ['admin', 'slow', 'dangerous'];
const STALE: readonly CommandFlag[] = ['loading', 'stale'];
const CMD_ACL = ['slow', 'connection'];

/** Every command here is in the server group and takes no keys. */
type ServerSpec = Omit<CommandSpec, 'group' | 'keys' | 'subcommands'> & { subcommands?: ServerSpec[] };
function server(s: ServerSpec): CommandSpec {
  return { ...s, group: 'server', keys: NO_KEYS, subcommands: s.subcommands?.map(server) };
}

const declarations: ServerSpec[] = [
  { name: 'info', arity: -1, flags: STALE, acl: ['slow', 'dangerous'], handler: info,
    summary: 'Returns information and statistics about the server.', since: '1.0.0' },
  { name: 'config', arity: -2, flags: [], acl: ['slow'],
    summary: 'A container for server configuration commands.', since: '2.0.0',
    subcommands: [
      { name: 'get', arity: -3, flags: ADMIN, acl: ADMIN_ACL, handler: cfg.configGet,
        summary: 'Returns the effective values of configuration parameters.', since: '2.0.0' },
      { name: 'set', arity: -4, flags: ADMIN, acl: ADMIN_ACL, handler: cfg.configSet,
        summary: 'Sets configuration parameters in-flight.', since: '2.0.0' },
      { name: 'resetstat', arity: 2, flags: ADMIN, acl: ADMIN_ACL, handler: cfg.configResetStat,
        summary: "Resets the server's statistics.", since: '2.0.0' },
      { name: 'help', arity: 2, flags: STALE, acl: ['slow'], handler: cfg.configHelp,
        summary: 'Returns helpful text about the different subcommands.', since: '5.0.0' },
    ] },
  { name: 'command', arity: -1, flags: STALE, acl: CMD_ACL, handler: cmd.commandAll,
    summary: 'Returns detailed information about all commands.', since: '2.8.13',
    subcommands: [
      { name: 'count', arity: 2, flags: STALE, acl: CMD_ACL, handler: cmd.commandCount,
        summary: 'Returns a count of commands.', since: '2.8.13' },
      { name: 'docs', arity: -2, flags: STALE, acl: CMD_ACL, handler: cmd.commandDocs,
        summary: 'Returns documentary information about one, multiple or all commands.', since: '7.0.0' },
      { name: 'getkeys', arity: -4, flags: STALE, acl: CMD_ACL, handler: cmd.commandGetKeys,
        summary: 'Extracts the key names from an arbitrary command.', since: '2.8.13' },
      { name: 'getkeysandflags', arity: -4, flags: STALE, acl: CMD_ACL, handler: cmd.commandGetKeysAndFlags,
        summary: 'Extracts the key names and access flags for an arbitrary command.', since: '7.0.0' },
      { name: 'info', arity: -2, flags: STALE, acl: CMD_ACL, handler: cmd.commandInfo,
        summary: 'Returns information about one, multiple or all commands.', since: '2.8.13' },
      { name: 'list', arity: -2, flags: STALE, acl: CMD_ACL, handler: cmd.commandList,
        summary: 'Returns a list of command names.', since: '7.0.0' },
      { name: 'help', arity: 2, flags: STALE, acl: CMD_ACL, handler: cmd.commandHelp,
        summary: 'Returns helpful text about the different subcommands.', since: '5.0.0' },
    ] },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], acl: ['keyspace', 'read', 'fast'], handler: dbsize,
    summary: 'Returns the number of keys in the database.', since: '1.0.0' },
  { name: 'flushdb', arity: -1, flags: ['write'], acl: ['keyspace', 'write', 'slow', 'dangerous'], handler: flushdb,
    summary: 'Removes all keys from the current database.', since: '1.0.0' },
  { name: 'flushall', arity: -1, flags: ['write'], acl: ['keyspace', 'write', 'slow', 'dangerous'], handler: flushall,
    summary: 'Removes all keys from all databases.', since: '1.0.0' },
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'write', 'fast', 'dangerous'], handler: swapdb,
    summary: 'Swaps two Redis databases.', since: '4.0.0' },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['fast'], handler: time,
    summary: 'Returns the server time.', since: '2.6.0' },
  { name: 'shutdown', arity: -1, flags: [...ADMIN, 'no_multi', 'allow_busy'], acl: ADMIN_ACL, handler: shutdown,
    summary: 'Synchronously saves the database(s) to disk and shuts down the Redis server.', since: '1.0.0' },
  { name: 'debug', arity: -2, flags: ADMIN, acl: ADMIN_ACL, handler: debug,
    summary: 'A container for debugging commands.', since: '1.0.0' },
  { name: 'monitor', arity: 1, flags: ADMIN, acl: ADMIN_ACL, handler: monitor,
    summary: 'Listens for all requests received by the server in real-time.', since: '1.0.0' },
];

export const serverCommands: readonly CommandSpec[] = declarations.map(server);
