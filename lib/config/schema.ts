// One schema of typed defaults for every directive. Names, ranges and error texts are Redis 7's where the
// concept exists. The config file, `--name value` flags, CONFIG GET and CONFIG SET all go through it.
import * as fs from 'fs';
import * as path from 'path';

export type DirectiveType = 'int' | 'bytes' | 'string' | 'bool' | 'enum' | 'obuf';

/** A directive's typed value: int and bytes are numbers, bool a boolean, obuf the three classes' limits. */
export type ConfigValue = number | string | boolean | ObufLimits;

/** A refined value, or why the value is refused (the text CONFIG SET shows after " - "). */
export type Refined = { value: ConfigValue } | { error: string };

export interface Directive {
  name: string;
  type: DirectiveType;
  /** Default as it would be written in the config file. */
  default: string;
  /** One line for conf/shardcache.conf and the README. */
  doc: string;
  /** CONFIG SET may change it at run time ("can't set immutable config" otherwise). */
  mutable: boolean;
  /**
   * CONFIG SET refuses it with "can't set protected config", as Redis 7 does by default
   * (enable-protected-configs no). Start-up (file and flags) may still set it.
   */
  protected?: boolean;
  /** Range of int and bytes values, inclusive ("argument must be between MIN and MAX inclusive"). */
  min?: number;
  max?: number;
  /** Values in range but outside clamp are accepted and stored clamped (Redis's hz: 1..500). */
  clamp?: readonly [number, number];
  /** Allowed values for enums, in Redis's order (its error message lists them in this order). */
  values?: readonly string[];
  /**
   * Takes several words (`bind 127.0.0.1 ::1`, `save 900 1 300 10`, one output class per line); the
   * value is the words joined by one space. Other directives take exactly one word.
   */
  multi?: boolean;
  /** A check or normalisation after the type's own parsing. */
  refine?: (value: ConfigValue) => Refined;
  /** Older names Redis also accepts (CONFIG GET answers with the name asked). */
  aliases?: readonly string[];
}

/** maxmemory-policy values, in Redis's order. */
export const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type MaxmemoryPolicy = (typeof MAXMEMORY_POLICIES)[number];

/** io-mode values: how client connections are read (server/socket-io.ts). */
export const IO_MODES = ['handle', 'stream'] as const;

const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;
const NO_DISK = 'shardcache keeps no data on disk';

/** bind: the addresses, separated by single spaces. */
function refineBind(v: ConfigValue): Refined {
  return { value: String(v).split(/\s+/).filter((a) => a !== '').join(' ') };
}

/** save: Redis's syntax (pairs of seconds and changes) is checked, but only "" (no snapshots) is accepted. */
function refineSave(v: ConfigValue): Refined {
  const words = String(v).split(/\s+/).filter((w) => w !== '');
  if (words.length % 2 !== 0 || words.some((w) => !/^(0|[1-9]\d{0,17})$/.test(w))) return { error: 'Invalid save parameters' };
  if (words.length > 0) return { error: `${NO_DISK}: only save "" is supported` };
  return { value: '' };
}

/** appendonly: a yes/no that must be no. */
function refineAppendonly(v: ConfigValue): Refined {
  return v === true ? { error: `${NO_DISK}: only appendonly no is supported` } : { value: v };
}

/**
 * dir: must be an existing directory; stored as an absolute path (CONFIG GET shows it as Redis shows
 * getcwd()). Relative paths resolve against the current directory. Start-up chdirs into it (main.ts).
 */
function refineDir(v: ConfigValue): Refined {
  const abs = path.resolve(String(v));
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return { error: 'No such file or directory' };
  }
  return st.isDirectory() ? { value: abs } : { error: 'Not a directory' };
}

/** cluster-etcd: comma-separated http(s)://host:port URLs, stored without spaces. */
function refineEtcd(v: ConfigValue): Refined {
  const urls = String(v).split(/[\s,]+/).filter((u) => u !== '');
  for (const u of urls) if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(u)) return { error: `bad etcd endpoint '${u}' (expected http://host:port)` };
  return { value: urls.join(',') };
}

/** cluster-name: part of an etcd key, so letters, digits, '-', '_' and '.' only. */
function refineClusterName(v: ConfigValue): Refined {
  return /^[A-Za-z0-9._-]{1,64}$/.test(String(v)) ? { value: v } : { error: 'cluster-name must be 1-64 letters, digits, ".", "_" or "-"' };
}

export const DIRECTIVES: readonly Directive[] = [
  // network
  { name: 'bind', type: 'string', default: '127.0.0.1', multi: true, refine: refineBind, mutable: false, doc: 'Addresses to listen on, space separated (IPv4 or IPv6; several may be given).' },
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535, mutable: false, doc: 'TCP port; 0 picks a free one (logged at start-up), unlike Redis where 0 disables TCP.' },
  { name: 'tcp-backlog', type: 'int', default: '511', min: 0, max: INT_MAX, mutable: false, doc: 'Listen backlog (the kernel caps it at net.core.somaxconn).' },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: INT_MAX, mutable: true, doc: 'Close a client idle for this many seconds (0 = never).' },
  { name: 'tcp-keepalive', type: 'int', default: '300', min: 0, max: INT_MAX, mutable: true, doc: 'TCP keepalive interval, seconds (0 = off).' },
  { name: 'io-mode', type: 'enum', default: 'handle', values: IO_MODES, mutable: false, doc: 'How connections are read: handle = into one preallocated buffer through the socket handle; stream = Node\'s net.Socket data events (a new buffer per read). The environment variable SHARDCACHE_IO_MODE overrides it.' },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: UINT_MAX, mutable: true, doc: 'Most clients connected at once; more get "-ERR max number of clients reached".' },
  // security
  { name: 'requirepass', type: 'string', default: '', mutable: true, doc: 'Password for AUTH; empty = no authentication.' },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], mutable: false, doc: 'Who may run DEBUG (it can block the node): no one, every client, or loopback clients only (local).' },
  // general
  { name: 'databases', type: 'int', default: '16', min: 1, max: INT_MAX, mutable: false, doc: 'Number of databases (SELECT 0..N-1).' },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'], mutable: true, doc: 'Log verbosity: debug, verbose, notice, warning or nothing.' },
  { name: 'logfile', type: 'string', default: '', mutable: false, doc: 'Log file (relative to dir); empty = standard output.' },
  { name: 'dir', type: 'string', default: './', refine: refineDir, mutable: true, protected: true, doc: 'Working directory: the node chdirs into it at start-up; relative logfile and pidfile paths start there.' },
  { name: 'pidfile', type: 'string', default: '', mutable: false, doc: 'Write the process id here at start-up, remove it at exit; empty = none.' },
  { name: 'hz', type: 'int', default: '10', min: 0, max: INT_MAX, clamp: [1, 500], mutable: true, doc: 'Background tasks (active expiry, idle clients) run this many times a second; kept within 1..500.' },
  // persistence: none. Accepted so that configs and tools that set them (redis-benchmark, test suites) work.
  { name: 'save', type: 'string', default: '', multi: true, refine: refineSave, mutable: true, doc: 'No snapshots: shardcache keeps no data on disk. Only "" is accepted.' },
  { name: 'appendonly', type: 'bool', default: 'no', refine: refineAppendonly, mutable: true, doc: 'No append-only file: only "no" is accepted.' },
  // limits
  { name: 'proto-max-bulk-len', type: 'bytes', default: '512mb', min: 1024 * 1024, max: 512 * 1024 * 1024, mutable: true, doc: 'Largest bulk string a request may carry (at most 512mb here).' },
  { name: 'client-query-buffer-limit', type: 'bytes', default: '1gb', min: 1024 * 1024, max: 2 ** 40, mutable: true, doc: 'A client whose unparsed input exceeds this is disconnected.' },
  { name: 'client-output-buffer-limit', type: 'obuf', default: 'normal 0 0 0 replica 256mb 64mb 60 pubsub 32mb 8mb 60', multi: true, mutable: true, doc: '<class> <hard> <soft> <soft-seconds>: disconnect a client whose pending replies exceed hard, or soft for soft-seconds (0 = no limit). Classes: normal, replica (or slave), pubsub.' },
  // memory
  { name: 'maxmemory', type: 'bytes', default: '0', min: 0, max: 2 ** 53, mutable: true, doc: 'Memory limit for data (used_memory); 0 = none.' },
  { name: 'maxmemory-policy', type: 'enum', default: 'noeviction', values: MAXMEMORY_POLICIES, mutable: true, doc: 'What to evict at the limit: ' + MAXMEMORY_POLICIES.join(', ') + '.' },
  { name: 'maxmemory-samples', type: 'int', default: '5', min: 1, max: INT_MAX, mutable: true, doc: 'Keys sampled per eviction (more = closer to true LRU/LFU/TTL order, slower).' },
  { name: 'maxmemory-eviction-tenacity', type: 'int', default: '10', min: 0, max: 100, mutable: true, doc: 'How long one command may spend evicting, as Redis (10 = about 500 us per call, 100 = no limit).' },
  { name: 'lfu-log-factor', type: 'int', default: '10', min: 0, max: INT_MAX, mutable: true, doc: 'LFU counter logarithm factor.' },
  { name: 'lfu-decay-time', type: 'int', default: '1', min: 0, max: INT_MAX, mutable: true, doc: 'Minutes of idleness that decrement an LFU counter by one (0 = never).' },
  { name: 'active-expire-effort', type: 'int', default: '1', min: 1, max: 10, mutable: true, doc: 'Effort of the periodic expiry collector (1-10): more keys sampled, more CPU allowed.' },
  // data structures
  { name: 'hash-max-listpack-entries', type: 'int', default: '512', min: 0, max: 2 ** 53, aliases: ['hash-max-ziplist-entries'], mutable: true, doc: 'A hash with more fields than this is reported as hashtable (OBJECT ENCODING) for good; also the size up to which HSCAN returns a hash whole.' },
  { name: 'hash-max-listpack-value', type: 'bytes', default: '64', min: 0, max: 2 ** 53, aliases: ['hash-max-ziplist-value'], mutable: true, doc: 'A hash written a field or value longer than this many bytes is reported as hashtable for good.' },
  { name: 'list-max-listpack-size', type: 'int', default: '-2', min: -2147483648, max: INT_MAX, aliases: ['list-max-ziplist-size'], mutable: true, doc: 'A list stays listpack (OBJECT ENCODING) while it fits one node, and a quicklist node holds up to: -1..-5 = 4/8/16/32/64 KB of listpack bytes, a positive number = that many elements.' },
  { name: 'list-compress-depth', type: 'int', default: '0', min: 0, max: INT_MAX, mutable: true, doc: 'Accepted for redis.conf compatibility; list nodes are never compressed.' },
  { name: 'set-max-intset-entries', type: 'int', default: '512', min: 0, max: 2 ** 53, mutable: true, doc: 'A set of integers only (64-bit, canonical) is reported as intset (OBJECT ENCODING) up to this many members.' },
  { name: 'set-max-listpack-entries', type: 'int', default: '128', min: 0, max: 2 ** 53, mutable: true, doc: 'A set with a non-integer member is reported as listpack up to this many members; past it hashtable for good. A listpack or intset set comes whole from one SSCAN call.' },
  { name: 'set-max-listpack-value', type: 'int', default: '64', min: 0, max: 2 ** 53, mutable: true, doc: 'A set given a member longer than this many bytes is reported as hashtable for good.' },
  { name: 'hll-sparse-max-bytes', type: 'bytes', default: '3000', min: 0, max: 2 ** 53, mutable: true, doc: 'A sparse HyperLogLog that would grow past this many bytes (header included) becomes dense (12304 bytes).' },
  { name: 'zset-max-listpack-entries', type: 'int', default: '128', min: 0, max: 2 ** 53, aliases: ['zset-max-ziplist-entries'], mutable: true, doc: 'A sorted set growing past this many members is reported as skiplist (OBJECT ENCODING) for good; a listpack one keeps -0 scores as 0 and comes whole from one ZSCAN, as in Redis.' },
  { name: 'zset-max-listpack-value', type: 'bytes', default: '64', min: 0, max: 2 ** 53, aliases: ['zset-max-ziplist-value'], mutable: true, doc: 'A sorted set given a member longer than this many bytes is reported as skiplist for good.' },
  // replication
  { name: 'repl-backlog-size', type: 'bytes', default: '1mb', min: 1, max: 2 ** 53, mutable: true, doc: 'Bytes of the replication stream kept for replicas that reconnect (partial resync).' },
  { name: 'repl-ping-replica-period', type: 'int', default: '10', min: 1, max: INT_MAX, aliases: ['repl-ping-slave-period'], mutable: true, doc: 'Seconds between the PINGs a primary sends its replicas.' },
  { name: 'repl-timeout', type: 'int', default: '60', min: 1, max: INT_MAX, mutable: true, doc: 'Seconds without traffic after which a primary drops a replica, or a replica its primary link.' },
  { name: 'min-replicas-to-write', type: 'int', default: '0', min: 0, max: INT_MAX, aliases: ['min-slaves-to-write'], mutable: true, doc: 'Refuse writes (NOREPLICAS) with fewer than this many replicas acked within min-replicas-max-lag; 0 = off.' },
  { name: 'min-replicas-max-lag', type: 'int', default: '10', min: 0, max: INT_MAX, aliases: ['min-slaves-max-lag'], mutable: true, doc: 'Seconds: a replica counts for min-replicas-to-write if it acked within this.' },
  // cluster (cluster mode is on when cluster-etcd is set)
  { name: 'cluster-etcd', type: 'string', default: '', refine: refineEtcd, mutable: false, doc: 'etcd endpoints (http://host:port, comma separated) of the cluster to join; empty = standalone node.' },
  { name: 'cluster-name', type: 'string', default: 'shardcache', refine: refineClusterName, mutable: false, doc: 'Cluster name: its keys in etcd live under /shardcache/<name>/.' },
  { name: 'cluster-announce-ip', type: 'string', default: '', mutable: false, doc: 'Address announced to clients in MOVED/ASK and CLUSTER replies; empty = the first bind address.' },
  { name: 'cluster-announce-port', type: 'int', default: '0', min: 0, max: 65535, mutable: false, doc: 'Port announced to clients; 0 = the port listened on.' },
  { name: 'cluster-node-timeout', type: 'int', default: '15000', min: 1000, max: INT_MAX, mutable: false, doc: 'Milliseconds: a node is dead when its etcd lease (TTL = this, rounded up to seconds, at least 2 s) ends.' },
  { name: 'cluster-heartbeat-timeout', type: 'int', default: '1500', min: 200, max: INT_MAX, mutable: false, doc: 'Milliseconds without a reply to the heartbeat PINGs (every 200 ms) after which a node is suspected (frozen or unreachable); a suspected primary with a live in-sync replica is replaced at once in replication-ack sync.' },
  { name: 'cluster-vnodes', type: 'int', default: '256', min: 1, max: 4096, mutable: false, doc: 'Virtual nodes per shard on the consistent-hash ring (the same on every node).' },
  { name: 'cluster-config-file', type: 'string', default: 'nodes.conf', mutable: false, doc: 'File (relative to dir) keeping this node\'s 40-hex id across restarts; created at first start.' },
  { name: 'cluster-replicas', type: 'int', default: '2', min: 0, max: 16, mutable: false, doc: 'Replicas per shard: the coordinator fills every shard to one primary and this many replicas before it opens a new shard.' },
  { name: 'replication-ack', type: 'enum', default: 'sync', values: ['sync', 'async'], mutable: true, doc: 'sync: a write is acknowledged once every in-sync replica of its shard applied it; async: at once, as Redis.' },
  { name: 'cluster-lost-slots', type: 'enum', default: 'keep', values: ['keep', 'reassign'], mutable: true, doc: 'A shard whose primary is lost with no in-sync replica: keep its slots (CLUSTERDOWN until it returns or CLUSTER FORGET) unless its process is proven gone; reassign: give them to the other shards, empty.' },
  { name: 'cluster-require-full-coverage', type: 'bool', default: 'yes', mutable: true, doc: 'As Redis: while a slot has no live owner, commands with keys get CLUSTERDOWN The cluster is down.' },
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
