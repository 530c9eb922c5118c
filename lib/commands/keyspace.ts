// Keyspace (generic) commands: DEL, EXISTS, EXPIRE and TTL families, SCAN, RENAME, COPY, DUMP/RESTORE...
import type { Client } from '../server/client';
import { ALL_KEYS, type CommandSpec } from './types';

/** DEL key [key ...]: the number of keys removed. */
function del(c: Client, argv: string[]): void {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (c.db.delete(argv[i])) n++;
  c.out.int(n);
}

export const keyspaceCommands: readonly CommandSpec[] = [
  {
    name: 'del',
    group: 'generic',
    summary: 'Deletes one or more keys.',
    since: '1.0.0',
    arity: -2,
    flags: ['write'],
    acl: ['keyspace', 'write', 'slow'],
    keys: ALL_KEYS,
    handler: del,
  },
];
