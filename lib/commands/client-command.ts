// CLIENT container: ID, SETNAME, GETNAME, SETINFO, INFO, LIST, KILL, NO-EVICT, NO-TOUCH, HELP (Redis 7.2
// texts). Every connection is a "normal" client of the user "default" until replication and ACLs exist.
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { replyHelp } from './help';
import { is, parseInt64 } from './args';
import { declarer, NO_KEYS, type CommandFlag, type CommandSpec, type Handler } from './types';

/**
 * True when s may be a client name or SETINFO value: printable ASCII without spaces ('!'..'~'), or
 * empty (which clears it). Names are fields of CLIENT LIST lines, split on spaces.
 */
export function validClientName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 0x21 || ch > 0x7e) return false;
  }
  return true;
}

/** Client types of CLIENT LIST / KILL TYPE (getClientTypeByName), or null when unknown. */
function clientType(name: string): 'normal' | 'master' | 'replica' | 'pubsub' | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'master':
      return 'master';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    default:
      return null;
  }
}

/** The type of a connection. MONITOR clients count as normal, as in Redis. */
/** A client's class for CLIENT LIST TYPE / CLIENT KILL TYPE: the primary's link on a replica, a replica's link on its primary, or normal. */
function typeOf(c: Client): 'normal' | 'master' | 'replica' {
  return c.master ? 'master' : c.replicaLink ? 'replica' : 'normal';
}

function clientId(c: Client): void {
  c.out.int(c.id);
}

/** CLIENT SETNAME name: OK (an empty name clears it); ERR Client names cannot contain spaces... */
function clientSetname(c: Client, argv: string[]): void {
  if (!validClientName(argv[2])) return c.out.error(E.ERR_CLIENT_NAME);
  c.name = argv[2];
  c.out.ok();
}

/** CLIENT GETNAME: the name, or nil when none. */
function clientGetname(c: Client): void {
  if (c.name === '') c.out.nil();
  else c.out.bulk(c.name);
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value: OK; ERR Unrecognized option; ERR <attr> cannot contain spaces... */
function clientSetinfo(c: Client, argv: string[]): void {
  const attr = argv[2];
  const value = argv[3];
  const isName = is(attr, 'lib-name');
  if (!isName && !is(attr, 'lib-ver')) return c.out.error(E.errSetinfoOption(attr));
  if (!validClientName(value)) return c.out.error(E.errSetinfoValue(attr));
  if (isName) c.libName = value;
  else c.libVer = value;
  c.out.ok();
}

/** CLIENT INFO: this connection's CLIENT LIST line, as a verbatim string. */
function clientInfo(c: Client): void {
  c.out.verbatim(c.describe() + '\n');
}

/**
 * CLIENT LIST [TYPE type | ID id [id ...]]: one line per connection (verbatim string). Errors: ERR Unknown
 * client type, ERR Invalid client ID, ERR syntax error.
 */
function clientList(c: Client, argv: string[]): void {
  const node = c.node;
  const now = c.clock.now();
  let text = '';
  if (argv.length === 4 && is(argv[2], 'type')) {
    const type = clientType(argv[3]);
    if (type === null) return c.out.error(E.errUnknownClientType(argv[3]));
    for (const other of node.clients.values()) if (typeOf(other) === type) text += other.describe(now) + '\n';
  } else if (argv.length > 3 && is(argv[2], 'id')) {
    for (let j = 3; j < argv.length; j++) {
      const id = parseInt64(argv[j]);
      if (id === null) return c.out.error(E.ERR_INVALID_CLIENT_ID);
      const other = typeof id === 'number' ? node.clients.get(id) : undefined;
      if (other) text += other.describe(now) + '\n';
    }
  } else if (argv.length !== 2) {
    return c.out.error(E.ERR_SYNTAX);
  } else {
    for (const other of node.clients.values()) text += other.describe(now) + '\n';
  }
  c.out.verbatim(text);
}

/** The filters of CLIENT KILL; a null field matches every connection. */
interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: string | null;
  id: number;
  skipme: boolean;
}

/** Parses the new-style CLIENT KILL options. Returns the filter, or writes an error and returns null. */
function parseKillFilter(c: Client, argv: string[]): KillFilter | null {
  const f: KillFilter = { addr: null, laddr: null, type: null, id: 0, skipme: true };
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i];
    const value = argv[i + 1];
    if (value === undefined) {
      c.out.error(E.ERR_SYNTAX);
      return null;
    }
    if (is(opt, 'id')) {
      const id = parseInt64(value);
      if (typeof id !== 'number' || id < 1) {
        c.out.error(E.ERR_KILL_CLIENT_ID);
        return null;
      }
      f.id = id;
    } else if (is(opt, 'type')) {
      f.type = clientType(value);
      if (f.type === null) {
        c.out.error(E.errUnknownClientType(value));
        return null;
      }
    } else if (is(opt, 'addr')) {
      f.addr = value;
    } else if (is(opt, 'laddr')) {
      f.laddr = value;
    } else if (is(opt, 'user')) {
      // 'default' is the only user: it matches every connection.
      if (value !== 'default') {
        c.out.error(E.errNoSuchUser(value));
        return null;
      }
    } else if (is(opt, 'skipme') && (is(value, 'yes') || is(value, 'no'))) {
      f.skipme = is(value, 'yes');
    } else {
      c.out.error(E.ERR_SYNTAX);
      return null;
    }
  }
  return f;
}

/**
 * CLIENT KILL addr (old form: OK, or ERR No such client; may kill the caller) and CLIENT KILL <filter>
 * <value> ... (new form: the number killed; SKIPME yes by default). Other connections close at once;
 * the caller's own connection closes after this reply.
 */
function clientKill(c: Client, argv: string[]): void {
  const oldForm = argv.length === 3;
  let f: KillFilter | null;
  if (oldForm) f = { addr: argv[2], laddr: null, type: null, id: 0, skipme: false };
  else if ((f = parseKillFilter(c, argv)) === null) return;
  const victims: Client[] = [];
  for (const other of c.node.clients.values()) {
    if (f.addr !== null && other.addr !== f.addr) continue;
    if (f.laddr !== null && other.laddr !== f.laddr) continue;
    if (f.type !== null && typeOf(other) !== f.type) continue;
    if (f.id !== 0 && other.id !== f.id) continue;
    if (other === c && f.skipme) continue;
    victims.push(other);
  }
  for (const v of victims) {
    if (v === c) c.closeAfterReply = true;
    else v.close();
  }
  if (!oldForm) c.out.int(victims.length);
  else if (victims.length === 0) c.out.error(E.ERR_NO_SUCH_CLIENT);
  else c.out.ok();
}

/**
 * CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when client `id` was blocked on keys (BLPOP & co) and now got its
 * timeout reply (TIMEOUT, the default) or "-UNBLOCKED client unblocked via CLIENT UNBLOCK" (ERROR); 0
 * otherwise (no such client, not blocked, or blocked in WAIT). Errors: the reason (checked first), not an
 * integer; more arguments: Redis's "unknown subcommand or wrong number of arguments".
 */
function clientUnblock(c: Client, argv: string[]): void {
  if (argv.length > 4) return c.out.error(E.errSubcommandSyntax(argv[1], 'CLIENT'));
  let error = false;
  if (argv.length === 4) {
    if (is(argv[3], 'error')) error = true;
    else if (!is(argv[3], 'timeout')) return c.out.error(E.ERR_UNBLOCK_REASON);
  }
  const id = parseInt64(argv[2]);
  if (id === null) return c.out.error(E.ERR_NOT_INTEGER);
  const target = typeof id === 'number' ? c.node.clients.get(id) : undefined;
  c.out.int(target !== undefined && c.node.blocking.unblock(target, error) ? 1 : 0);
}

/** CLIENT NO-EVICT / NO-TOUCH ON|OFF: OK (accepted; no client eviction or LRU exemption yet). */
function clientOnOff(c: Client, argv: string[]): void {
  if (is(argv[2], 'on') || is(argv[2], 'off')) c.out.ok();
  else c.out.error(E.ERR_SYNTAX);
}

const HELP = [
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
];

/** CLIENT HELP: the subcommands, one status line each. */
function clientHelp(c: Client): void {
  replyHelp(c, 'CLIENT', HELP);
}

const STATE: readonly CommandFlag[] = ['noscript', 'loading', 'stale'];
const ADMIN: readonly CommandFlag[] = ['admin', 'noscript', 'loading', 'stale'];
const ACL_SLOW = ['slow', 'connection'];
const ACL_ADMIN = ['admin', 'slow', 'dangerous', 'connection'];

const sub = declarer('connection');

export const clientCommand: CommandSpec = {
  name: 'client',
  group: 'connection',
  summary: 'A container for client connection commands.',
  since: '2.4.0',
  arity: -2,
  flags: [],
  acl: ['slow'],
  keys: NO_KEYS,
  subcommands: [
    sub({ name: 'id', summary: 'Returns the unique client ID of the connection.', since: '5.0.0', arity: 2, flags: STATE, acl: ACL_SLOW, handler: clientId }),
    sub({ name: 'setname', summary: 'Sets the connection name.', since: '2.6.9', arity: 3, flags: STATE, acl: ACL_SLOW, handler: clientSetname }),
    sub({ name: 'getname', summary: 'Returns the name of the connection.', since: '2.6.9', arity: 2, flags: STATE, acl: ACL_SLOW, handler: clientGetname }),
    sub({ name: 'setinfo', summary: 'Sets information specific to the client or connection.', since: '7.2.0', arity: 4, flags: STATE, acl: ACL_SLOW, handler: clientSetinfo }),
    sub({ name: 'info', summary: 'Returns information about the connection.', since: '6.2.0', arity: 2, flags: STATE, acl: ACL_SLOW, handler: clientInfo }),
    sub({ name: 'list', summary: 'Lists open connections.', since: '2.4.0', arity: -2, flags: ADMIN, acl: ACL_ADMIN, handler: clientList }),
    sub({ name: 'kill', summary: 'Terminates open connections.', since: '2.4.0', arity: -3, flags: ADMIN, acl: ACL_ADMIN, handler: clientKill }),
    sub({ name: 'unblock', summary: 'Unblocks a client blocked by a blocking command from a different connection.', since: '5.0.0', arity: -3, flags: ADMIN, acl: ACL_ADMIN, handler: clientUnblock }),
    sub({ name: 'no-evict', summary: 'Sets the client eviction mode of the connection.', since: '7.0.0', arity: 3, flags: ADMIN, acl: ACL_ADMIN, handler: clientOnOff }),
    sub({ name: 'no-touch', summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys.', since: '7.2.0', arity: 3, flags: STATE, acl: ACL_SLOW, handler: clientOnOff }),
    sub({ name: 'help', summary: 'Returns helpful text about the different subcommands.', since: '5.0.0', arity: 2, flags: ['loading', 'stale'], acl: ACL_SLOW, handler: clientHelp }),
  ],
};
