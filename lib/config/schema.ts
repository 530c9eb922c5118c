// One schema of typed defaults for every directive. Names are Redis's where the concept exists. The
// config file, `--name value` flags, CONFIG GET and CONFIG SET all go through it.

export type DirectiveType = 'int' | 'bytes' | 'string' | 'bool' | 'enum' | 'obuf';

export interface Directive {
  name: string;
  type: DirectiveType;
  /** Default as it would be written in the config file. */
  default: string;
  /** One line for conf/shardcache.conf and the README. */
  doc: string;
  /** CONFIG SET may change it at run time. */
  mutable: boolean;
  min?: number;
  max?: number;
  /** Allowed values for enums. */
  values?: readonly string[];
  /** Older names Redis also accepts (CONFIG GET answers with the name asked). */
  aliases?: readonly string[];
}

export const MAXMEMORY_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

const INT_MAX = 2147483647;

export const DIRECTIVES: readonly Directive[] = [
  // network
  { name: 'bind', type: 'string', default: '127.0.0.1', mutable: false, doc: 'Addresses to listen on, space separated.' },
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535, mutable: false, doc: 'TCP port; 0 picks a free one (logged at start-up).' },
  { name: 'tcp-backlog', type: 'int', default: '511', min: 0, max: INT_MAX, mutable: false, doc: 'Listen backlog.' },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: INT_MAX, mutable: true, doc: 'Close a client idle for this many seconds (0 = never).' },
  { name: 'tcp-keepalive', type: 'int', default: '300', min: 0, max: INT_MAX, mutable: true, doc: 'TCP keepalive interval, seconds (0 = off).' },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: INT_MAX, mutable: true, doc: 'Most clients connected at once; more get "-ERR max number of clients reached".' },
  // security
  { name: 'requirepass', type: 'string', default: '', mutable: true, doc: 'Password for AUTH; empty = no authentication.' },
  // general
  { name: 'databases', type: 'int', default: '16', min: 1, max: INT_MAX, mutable: false, doc: 'Number of databases (SELECT 0..N-1).' },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'], mutable: true, doc: 'Log verbosity.' },
  { name: 'logfile', type: 'string', default: '', mutable: false, doc: 'Log file; empty = standard output.' },
  { name: 'dir', type: 'string', default: './', mutable: true, doc: 'Working directory for files the node keeps (node id, later).' },
  { name: 'pidfile', type: 'string', default: '', mutable: false, doc: 'Write the process id here at start-up, remove it at exit; empty = none.' },
  { name: 'hz', type: 'int', default: '10', min: 1, max: 500, mutable: true, doc: 'Background tasks (active expiry, idle clients) run this many times a second.' },
  // persistence: none. Accepted so that tools which read them (redis-benchmark) see what Redis would show.
  { name: 'save', type: 'string', default: '', mutable: true, doc: 'No snapshots: shardcache keeps no data on disk. Only "" is accepted.', values: [''] },
  { name: 'appendonly', type: 'enum', default: 'no', values: ['no'], mutable: true, doc: 'No append-only file: only "no" is accepted.' },
  // limits
  { name: 'proto-max-bulk-len', type: 'bytes', default: '512mb', min: 1024 * 1024, max: 512 * 1024 * 1024, mutable: true, doc: 'Largest bulk string a request may carry.' },
  { name: 'client-query-buffer-limit', type: 'bytes', default: '1gb', min: 1024 * 1024, max: 2 ** 40, mutable: true, doc: 'A client whose unparsed input exceeds this is disconnected.' },
  { name: 'client-output-buffer-limit', type: 'obuf', default: 'normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60', mutable: true, doc: '<class> <hard> <soft> <soft-seconds>: disconnect a client whose pending replies exceed hard, or soft for soft-seconds (0 = no limit).' },
  // memory
  { name: 'maxmemory', type: 'bytes', default: '0', min: 0, max: 2 ** 53, mutable: true, doc: 'Memory limit for data (used_memory); 0 = none.' },
  { name: 'maxmemory-policy', type: 'enum', default: 'noeviction', values: MAXMEMORY_POLICIES, mutable: true, doc: 'What to evict at the limit.' },
  { name: 'maxmemory-samples', type: 'int', default: '5', min: 1, max: 64, mutable: true, doc: 'Keys sampled per eviction (more = closer to true LRU/LFU/TTL order, slower).' },
  { name: 'maxmemory-eviction-tenacity', type: 'int', default: '10', min: 0, max: 100, mutable: true, doc: 'How long one command may spend evicting, as Redis (10 = about 500 us per call).' },
  { name: 'lfu-log-factor', type: 'int', default: '10', min: 0, max: INT_MAX, mutable: true, doc: 'LFU counter logarithm factor.' },
  { name: 'lfu-decay-time', type: 'int', default: '1', min: 0, max: INT_MAX, mutable: true, doc: 'Minutes of idleness that decrement an LFU counter by one.' },
  { name: 'active-expire-effort', type: 'int', default: '1', min: 1, max: 10, mutable: true, doc: 'Effort of the periodic expiry collector (1-10): more keys sampled, more CPU allowed.' },
];

export const DIRECTIVES_BY_NAME: ReadonlyMap<string, Directive> = new Map(
  DIRECTIVES.flatMap((d) => [[d.name, d] as const, ...(d.aliases ?? []).map((a) => [a, d] as const)]),
);

/** One client class's output limits (client-output-buffer-limit), bytes and seconds; 0 = none. */
export interface ObufLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}
export type ObufClass = 'normal' | 'replica' | 'pubsub';
export type ObufLimits = Record<ObufClass, ObufLimit>;
