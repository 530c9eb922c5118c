// Connection commands: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO and the CLIENT container
// (client-command.ts). Redis 7.2 replies and error texts; auth itself is enforced by the dispatcher.
import * as crypto from 'crypto';
import * as E from '../protocol/errors';
import { PONG } from '../protocol/reply';
import type { Session as Client } from './types';
import { REDIS_VERSION } from '../util/version';
import { clientCommand, validClientName } from './client-command';
import { is, parseInt64 } from './args';
import { NO_KEYS, type CommandSpec } from './types';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** PING [message]: PONG, or the message as a bulk string. More than one argument: arity error. */
function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) return c.out.error(E.ERR_WRONG_ARITY('ping'));
  if (argv.length === 1) c.out.raw(PONG);
  else c.out.bulk(argv[1]);
}

/** ECHO message: the message as a bulk string. */
function echo(c: Client, argv: string[]): void {
  c.out.bulk(argv[1]);
}

/**
 * SELECT index: OK. Errors: ERR value is not an integer (malformed), ERR value is out of range (beyond a
 * C int, as getIntFromObjectOrReply), ERR DB index is out of range.
 */
function select(c: Client, argv: string[]): void {
  const n = parseInt64(argv[1]);
  if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (typeof n === 'bigint' || n < INT32_MIN || n > INT32_MAX) return c.out.error(E.errIntRange(INT32_MIN, INT32_MAX));
  if (c.node.cluster !== null && n !== 0) return c.out.error(E.ERR_SELECT_CLUSTER);
  if (n < 0 || n >= c.node.dbs.length) return c.out.error(E.ERR_DB_INDEX);
  c.db = c.node.dbs[n];
  c.out.ok();
}

/** QUIT: OK, then the connection closes. */
function quit(c: Client): void {
  c.out.ok();
  c.closeAfterReply = true;
}

/**
 * RESET: +RESET after putting the connection back as new: database 0, no name, RESP2, MONITOR off, and
 * "needs AUTH" again when requirepass is set. lib-name / lib-ver stay (they describe the library).
 */
function reset(c: Client): void {
  if (c.monitor) {
    c.monitor = false;
    c.node.monitors.delete(c);
  }
  c.db = c.node.dbs[0];
  c.asking = false;
  c.readonly = false;
  c.out.resp = 2;
  c.name = '';
  c.authenticated = c.node.config.str('requirepass') === '';
  c.out.simple('RESET');
}

/** sha256 of a byte string: compared in constant time so a password does not leak through timing. */
function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s, 'latin1').digest();
}

/**
 * Checks user/password against the only user, 'default' (password: requirepass; none = any password
 * passes, as Redis's nopass user). Marks c authenticated and returns true, or returns false.
 */
function authenticate(c: Client, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = c.node.config.str('requirepass');
  if (required !== '' && !crypto.timingSafeEqual(digest(pass), digest(required))) return false;
  c.authenticated = true;
  return true;
}

/**
 * AUTH [username] password: OK. Errors: ERR syntax error (more than two arguments), ERR AUTH <password>
 * called without any password configured (one-argument form with no requirepass), WRONGPASS.
 */
function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.out.error(E.ERR_SYNTAX);
  if (argv.length === 2 && c.node.config.str('requirepass') === '') return c.out.error(E.ERR_AUTH_NOPASS);
  const ok = argv.length === 2 ? authenticate(c, 'default', argv[1]) : authenticate(c, argv[1], argv[2]);
  if (ok) c.out.ok();
  else c.out.error(E.ERR_WRONGPASS);
}

/**
 * HELLO [protover [AUTH username password] [SETNAME name]]: switches the connection to RESP protover and
 * replies with the server map (in the new protocol). Order as Redis 7.2: protover (ERR not an integer,
 * NOPROTO), options (ERR Syntax error in HELLO option, bad name), AUTH (WRONGPASS), then NOAUTH when
 * still not authenticated; only then the name and protocol change.
 */
function hello(c: Client, argv: string[]): void {
  let ver = 0;
  if (argv.length >= 2) {
    const v = parseInt64(argv[1]);
    if (v === null) return c.out.error(E.ERR_HELLO_PROTO_NOT_INT);
    if (v !== 2 && v !== 3) return c.out.error(E.ERR_PROTO_NOT_SUPPORTED);
    ver = v;
  }
  let user: string | null = null;
  let pass = '';
  let name: string | null = null;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j], 'auth') && more >= 2) {
      user = argv[j + 1];
      pass = argv[j + 2];
      j += 2;
    } else if (is(argv[j], 'setname') && more >= 1) {
      name = argv[j + 1];
      if (!validClientName(name)) return c.out.error(E.ERR_CLIENT_NAME);
      j++;
    } else {
      return c.out.error(E.errHelloOption(argv[j]));
    }
  }
  if (user !== null && !authenticate(c, user, pass)) return c.out.error(E.ERR_WRONGPASS);
  if (!c.authenticated) return c.out.error(E.ERR_HELLO_NOAUTH);
  if (name !== null) c.name = name;
  if (ver !== 0) c.out.resp = ver as 2 | 3;
  const out = c.out;
  out.map(7);
  out.bulk('server');
  out.bulk('redis');
  out.bulk('version');
  out.bulk(REDIS_VERSION);
  out.bulk('proto');
  out.int(out.resp);
  out.bulk('id');
  out.int(c.id);
  out.bulk('mode');
  out.bulk('standalone');
  out.bulk('role');
  out.bulk('master');
  out.bulk('modules');
  out.array(0);
}

/** Flags shared by the connection-state commands that run before AUTH (COMMAND INFO order). */
const NO_AUTH_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

export const connectionCommands: readonly CommandSpec[] = [
  {
    name: 'ping',
    group: 'connection',
    summary: 'Returns the server\'s liveliness response.',
    since: '1.0.0',
    arity: -1,
    flags: ['fast'],
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: ping,
  },
  {
    name: 'echo',
    group: 'connection',
    summary: 'Returns the given string.',
    since: '1.0.0',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: echo,
  },
  {
    name: 'select',
    group: 'connection',
    summary: 'Changes the selected database.',
    since: '1.0.0',
    arity: 2,
    flags: ['loading', 'stale', 'fast'],
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: select,
  },
  {
    name: 'quit',
    group: 'connection',
    summary: 'Closes the connection.',
    since: '1.0.0',
    arity: -1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: quit,
  },
  {
    name: 'reset',
    group: 'connection',
    summary: 'Resets the connection.',
    since: '6.2.0',
    arity: 1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: reset,
  },
  {
    name: 'auth',
    group: 'connection',
    summary: 'Authenticates the connection.',
    since: '1.0.0',
    arity: -2,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: auth,
  },
  {
    name: 'hello',
    group: 'connection',
    summary: 'Handshakes with the Redis server.',
    since: '6.0.0',
    arity: -1,
    flags: NO_AUTH_FLAGS,
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: hello,
  },
  clientCommand,
];
