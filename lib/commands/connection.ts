// Connection commands: PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT ...
import * as E from '../protocol/errors';
import { PONG } from '../protocol/reply';
import type { Client } from '../server/client';
import { parseSafeInt } from './args';
import { NO_KEYS, type CommandSpec } from './types';

/** PING [message]: PONG, or the message as a bulk string. */
function ping(c: Client, argv: string[]): void {
  if (argv.length === 1) c.out.raw(PONG);
  else c.out.bulk(argv[1]);
}

/** SELECT index: OK; ERR value is not an integer / DB index is out of range. */
function select(c: Client, argv: string[]): void {
  const n = parseSafeInt(argv[1]);
  if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
  if (n < 0 || n >= c.node.dbs.length) return c.out.error(E.ERR_DB_INDEX);
  c.db = c.node.dbs[n];
  c.out.ok();
}

/** QUIT: OK, then the connection closes. */
function quit(c: Client): void {
  c.out.ok();
  c.closeAfterReply = true;
}

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
    flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
    acl: ['fast', 'connection'],
    keys: NO_KEYS,
    handler: quit,
  },
];
