// Server commands: INFO, CONFIG, COMMAND, DBSIZE, FLUSHDB/FLUSHALL, SWAPDB, TIME, SHUTDOWN, DEBUG, MONITOR.
import type { Client } from '../server/client';
import { NO_KEYS, type CommandSpec } from './types';

/** DBSIZE: number of keys in the selected database. */
function dbsize(c: Client): void {
  c.out.int(c.db.size);
}

export const serverCommands: readonly CommandSpec[] = [
  {
    name: 'dbsize',
    group: 'server',
    summary: 'Returns the number of keys in the database.',
    since: '1.0.0',
    arity: 1,
    flags: ['readonly', 'fast'],
    acl: ['keyspace', 'read', 'fast'],
    keys: NO_KEYS,
    handler: dbsize,
  },
];
