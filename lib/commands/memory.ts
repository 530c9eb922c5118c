// MEMORY USAGE and MEMORY PURGE: what one key costs by the node's accounting, and giving freed heap back.
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { KEY_OVERHEAD_BYTES } from '../store/keyspace';
import { valueBytes } from '../store/value';
import { is, parseSafeInt } from './args';
import { replyHelp } from './help';
import { NO_KEYS, type CommandSpec } from './types';

/**
 * MEMORY USAGE key [SAMPLES count]: bytes the key is charged in used_memory (key bytes + stored value
 * bytes + per-key overhead), nil when absent. Errors: syntax error, not an integer.
 */
function memoryUsage(c: Client, argv: string[]): void {
  if (argv.length === 5 && is(argv[3], 'samples')) {
    if (parseSafeInt(argv[4]) === null) return c.out.error(E.ERR_NOT_INTEGER);
  } else if (argv.length !== 3) return c.out.error(E.ERR_SYNTAX);
  const s = c.db.lookup(argv[2], true);
  if (s < 0) return c.out.nil();
  c.out.int(argv[2].length + valueBytes(c.db.valueAt(s)) + KEY_OVERHEAD_BYTES);
}

/**
 * MEMORY PURGE: OK after the keyspaces' sparse slabs were compacted and a full garbage collection freed
 * what was let go of (Redis purges jemalloc's dirty pages).
 */
function memoryPurge(c: Client): void {
  c.node.purgeMemory();
  c.out.ok();
}

function memoryHelp(c: Client): void {
  replyHelp(c, 'MEMORY', [
    'PURGE',
    '    Compact the keyspace\'s sparse slabs and run a full garbage collection, returning freed memory to the operating system.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return the memory in bytes charged to <key> in used_memory.',
  ]);
}

export const memoryCommands: readonly CommandSpec[] = [
  {
    name: 'memory',
    group: 'server',
    summary: 'A container for memory diagnostics commands.',
    since: '4.0.0',
    arity: -2,
    flags: [],
    acl: ['slow'],
    keys: NO_KEYS,
    subcommands: [
      { name: 'usage', group: 'server', summary: 'Estimates the memory usage of a key.', since: '4.0.0', arity: -3,
        flags: ['readonly'], acl: ['read', 'slow'], keys: { first: 2, last: 2, step: 1 }, handler: memoryUsage },
      { name: 'purge', group: 'server', summary: 'Asks the allocator to release memory.', since: '4.0.0', arity: 2,
        flags: [], acl: ['slow'], keys: NO_KEYS, handler: memoryPurge },
      { name: 'help', group: 'server', summary: 'Returns helpful text about the different subcommands.', since: '4.0.0',
        arity: 2, flags: ['loading', 'stale'], acl: ['slow'], keys: NO_KEYS, handler: memoryHelp },
    ],
  },
];
