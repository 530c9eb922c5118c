// Wire texts: every error string a client can see, exactly as Redis 7 writes it (clients parse some of
// them: `MOVED 3999 127.0.0.1:6381` is split on spaces, `WRONGTYPE` and `NOAUTH` are matched by prefix).
// Each constant is the message without the leading '-' and the trailing CRLF; Reply.error() adds both.
// An exception thrown inside a handler is a bug of ours, never a user's bad input: the dispatcher turns it
// into ERR_INTERNAL and logs it.

export const ERR_SYNTAX = 'ERR syntax error';
export const ERR_NOT_INTEGER = 'ERR value is not an integer or out of range';
export const ERR_NOT_FLOAT = 'ERR value is not a valid float';
export const ERR_WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const ERR_NO_SUCH_KEY = 'ERR no such key';
export const ERR_DB_INDEX = 'ERR DB index is out of range';
export const ERR_INCR_OVERFLOW = 'ERR increment or decrement would overflow';
export const ERR_DECR_OVERFLOW = 'ERR decrement would overflow';
export const ERR_INCR_NAN = 'ERR increment would produce NaN or Infinity';
export const ERR_STRING_TOO_LONG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
export const ERR_OFFSET_RANGE = 'ERR offset is out of range';
export const ERR_LCS_NOT_STRINGS = 'ERR The specified keys must contain string values';
export const ERR_LCS_IDX_AND_LEN = 'ERR If you want both the length and indexes, please just use IDX.';
export const ERR_LCS_TOO_BIG = 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len';
export const ERR_LCS_ALLOC = 'ERR Insufficient memory, failed allocating transient memory for LCS';
export const ERR_NOAUTH = 'NOAUTH Authentication required.';
export const ERR_WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const ERR_AUTH_NOPASS =
  'ERR AUTH <password> called without any password configured for the default user. ' +
  'Are you sure your configuration is correct?';
export const ERR_OOM = "OOM command not allowed when used memory > 'maxmemory'.";
export const ERR_INTERNAL = 'ERR internal error';
export const ERR_INVALID_EXPIRE = (cmd: string) => `ERR invalid expire time in '${cmd}' command`;
export const ERR_WRONG_ARITY = (fullName: string) => `ERR wrong number of arguments for '${fullName}' command`;
export const ERR_UNKNOWN_SUBCOMMAND = (sub: string, container: string) =>
  `ERR unknown subcommand '${truncate(sub, 128)}'. Try ${container.toUpperCase()} HELP.`;
export const ERR_PROTO_NOT_SUPPORTED = 'NOPROTO unsupported protocol version';
export const ERR_HELLO_PROTO_NOT_INT = 'ERR Protocol version is not an integer or out of range';
export const ERR_HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH ' +
  '<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
export const errHelloOption = (opt: string) => `ERR Syntax error in HELLO option '${opt}'`;
/** getRangeLongFromObjectOrReply's text (SELECT with an index beyond a C int). */
export const errIntRange = (min: number, max: number) => `ERR value is out of range, value must between ${min} and ${max}`;
export const ERR_CLIENT_NAME = 'ERR Client names cannot contain spaces, newlines or special characters.';
export const errSetinfoOption = (opt: string) => `ERR Unrecognized option '${opt}'`;
/** CLIENT SETINFO with a bad value: `attr` as the client spelled it. */
export const errSetinfoValue = (attr: string) => `ERR ${attr} cannot contain spaces, newlines or special characters.`;
export const ERR_NO_SUCH_CLIENT = 'ERR No such client';
/** addReplySubcommandSyntaxError: a known subcommand with a wrong number of arguments for its own parsing. */
export const errSubcommandSyntax = (sub: string, container: string) =>
  `ERR unknown subcommand or wrong number of arguments for '${truncate(sub, 128)}'. Try ${container} HELP.`;
export const ERR_UNBLOCK_REASON = 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR';
export const ERR_KILL_CLIENT_ID = 'ERR client-id should be greater than 0';
export const ERR_INVALID_CLIENT_ID = 'ERR Invalid client ID';
export const errUnknownClientType = (type: string) => `ERR Unknown client type '${type}'`;
export const errNoSuchUser = (user: string) => `ERR No such user '${user}'`;

// Hash commands (t_hash.c, Redis 7.2; field expiration as Redis 7.4).
export const ERR_HASH_NOT_INTEGER = 'ERR hash value is not an integer';
export const ERR_HASH_NOT_FLOAT = 'ERR hash value is not a float';
export const ERR_NAN_OR_INFINITY = 'ERR value is NaN or Infinity';
/** getRangeLongFromObjectOrReply's text for -LONG_MAX..LONG_MAX (HRANDFIELD's count of -2^63). */
export const ERR_LONG_RANGE = 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807';
export const ERR_OUT_OF_RANGE = 'ERR value is out of range';
export const ERR_FIELDS_MISSING = 'ERR Mandatory argument FIELDS is missing or not at the right position';
export const ERR_NUMFIELDS_MISMATCH = 'ERR The `numfields` parameter must match the number of arguments';
/** HEXPIRE family's numfields error; HTTL family and HPERSIST say ERR_NUMFIELDS_POSITIVE. */
export const ERR_NUMFIELDS_GT0 = 'ERR Parameter `numFields` should be greater than 0';
export const ERR_NUMFIELDS_POSITIVE = 'ERR Number of fields must be a positive integer';
export const ERR_FIELD_EXPIRE_NEGATIVE = 'ERR invalid expire time, must be >= 0';
/** Ours: one hash holds at most store/hash.ts HASH_MAX_FIELDS fields (V8's Map limit). */
export const ERR_HASH_TOO_BIG = (max: number) => `ERR hash would exceed the maximum of ${max} fields`;

// List commands (t_list.c, Redis 7.2; object.c's range texts).
export const ERR_MUST_BE_POSITIVE = 'ERR value is out of range, must be positive';
export const ERR_INDEX_OUT_OF_RANGE = 'ERR index out of range';
export const ERR_LPOS_RANK_ZERO =
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";
export const ERR_LPOS_COUNT_NEGATIVE = "ERR COUNT can't be negative";
export const ERR_LPOS_MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
export const ERR_NUMKEYS_GT0 = 'ERR numkeys should be greater than 0';
export const ERR_COUNT_GT0 = 'ERR count should be greater than 0';
export const ERR_TIMEOUT_NOT_FLOAT = 'ERR timeout is not a float or out of range';
export const ERR_TIMEOUT_OUT_OF_RANGE = 'ERR timeout is out of range';
// Set commands (t_set.c, Redis 7.2) and SORT (sort.c).
/** getPositiveLongFromObjectOrReply's text (SPOP's count), also for a count that is not an integer. */
export const ERR_NUMKEYS_TOO_MANY = "ERR Number of keys can't be greater than number of args";
export const ERR_LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
/** Ours: one set holds at most store/set.ts SET_MAX_MEMBERS members. */
export const ERR_SET_TOO_BIG = (max: number) => `ERR set would exceed the maximum of ${max} members`;
export const ERR_SORT_SCORE = "ERR One or more scores can't be converted into double";
/** Redis 7.2's sort.c texts for a BY pattern (with a '*') and any GET in cluster mode. */
export const ERR_SORT_BY_CLUSTER = 'ERR BY option of SORT denied in Cluster mode.';
export const ERR_SORT_GET_CLUSTER = 'ERR GET option of SORT denied in Cluster mode.';

// Bitmap commands (bitops.c, Redis 7.2).
export const ERR_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
export const ERR_BIT_VALUE = 'ERR bit is not an integer or out of range';
export const ERR_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
export const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';
export const ERR_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
export const ERR_BITFIELD_OVERFLOW = 'ERR Invalid OVERFLOW type specified';
export const ERR_BITFIELD_RO = 'ERR BITFIELD_RO only supports the GET subcommand';

// HyperLogLog commands (hyperloglog.c, Redis 7.2).
export const ERR_HLL_WRONGTYPE = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
export const ERR_HLL_CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';
export const ERR_PFDEBUG_NO_KEY = 'ERR The specified key does not exist';
export const ERR_PFDEBUG_NOT_SPARSE = 'ERR HLL encoding is not sparse';
export const errPfdebugSubcommand = (sub: string) => `ERR Unknown PFDEBUG subcommand '${sub}'`;

// Sorted-set commands (t_zset.c, Redis 7.2) and Redis's integer readers (object.c) they use.
export const ERR_ZADD_XX_NX = 'ERR XX and NX options at the same time are not compatible';
export const ERR_ZADD_GT_LT_NX = 'ERR GT, LT, and/or NX options at the same time are not compatible';
export const ERR_ZADD_INCR_PAIRS = 'ERR INCR option supports a single increment-element pair';
export const ERR_ZSCORE_NAN = 'ERR resulting score is not a number (NaN)';
export const ERR_MIN_MAX_NOT_FLOAT = 'ERR min or max is not a float';
export const ERR_MIN_MAX_NOT_LEX = 'ERR min or max not valid string range item';
export const ERR_ZRANGE_LIMIT_RANK = 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX';
export const ERR_ZRANGE_WITHSCORES_BYLEX = 'ERR syntax error, WITHSCORES not supported in combination with BYLEX';
export const ERR_WEIGHT_NOT_FLOAT = 'ERR weight value is not a float';
export const errAtLeastOneKey = (cmd: string) => `ERR at least 1 input key is needed for '${cmd}' command`;
/** getRangeLongFromObjectOrReply's text without a message of the command's own. */
export const errLongRange = (min: bigint, max: bigint) => `ERR value is out of range, value must between ${min} and ${max}`;
/** Ours: one sorted set holds at most store/zset.ts ZSET_MAX_MEMBERS members (V8's Map limit). */
export const ERR_ZSET_TOO_BIG = (max: number) => `ERR sorted set would exceed the maximum of ${max} members`;

// Geo commands (geo.c, Redis 7.2).
/** Both coordinates as printf's %f (lib/util/double.ts formatFixed(x, 6)). */
export const errGeoLonLat = (lon: string, lat: string) => `ERR invalid longitude,latitude pair ${lon},${lat}`;
export const ERR_GEO_UNIT = 'ERR unsupported unit provided. please use M, KM, FT, MI';
export const ERR_GEO_RADIUS = 'ERR need numeric radius';
export const ERR_GEO_RADIUS_NEGATIVE = 'ERR radius cannot be negative';
export const ERR_GEO_WIDTH = 'ERR need numeric width';
export const ERR_GEO_HEIGHT = 'ERR need numeric height';
export const ERR_GEO_BOX_NEGATIVE = 'ERR height or width cannot be negative';
export const ERR_GEO_MEMBER = 'ERR could not decode requested zset member';
export const ERR_GEO_COUNT = 'ERR COUNT must be > 0';
export const ERR_GEO_ANY = 'ERR the ANY argument requires COUNT argument';
export const errGeoStoreWith = (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
/** `cmd` as the client spelled it (Redis prints argv[0]). */
export const errGeoFrom = (cmd: string) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmd}`;
export const errGeoBy = (cmd: string) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmd}`;

// Keyspace commands (db.c, expire.c, object.c, cluster.c's DUMP/RESTORE).
export const ERR_EXPIRE_NX_CONFLICT = 'ERR NX and XX, GT or LT options at the same time are not compatible';
export const ERR_EXPIRE_GT_LT = 'ERR GT and LT options at the same time are not compatible';
export const ERR_UNSUPPORTED_OPTION = (opt: string) => `ERR Unsupported option ${opt}`;
export const ERR_INVALID_CURSOR = 'ERR invalid cursor';
/** getIntFromObjectOrReply's text for an integer outside int32 (Redis's typo kept). */
export const ERR_INT32_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';
export const ERR_SAME_OBJECT = 'ERR source and destination objects are the same';
export const ERR_BUSYKEY = 'BUSYKEY Target key name already exists.';
export const ERR_DUMP_PAYLOAD = 'ERR DUMP payload version or checksum are wrong';
export const ERR_BAD_DATA_FORMAT = 'ERR Bad data format';
/** RESTORE-PIECE (ours): not the piece expected; what the connection staged was dropped. */
export const ERR_PIECE_ORDER = 'ERR RESTORE-PIECE piece out of order, the staged pieces were dropped';
export const ERR_INVALID_TTL = 'ERR Invalid TTL value, must be >= 0';
export const ERR_INVALID_IDLETIME = 'ERR Invalid IDLETIME value, must be >= 0';
export const ERR_INVALID_FREQ = 'ERR Invalid FREQ value, must be >= 0 and <= 255';
export const ERR_LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when ' +
  'switching between policies at runtime LRU and LFU data will take some time to adjust.';
export const ERR_LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching ' +
  'between policies at runtime LRU and LFU data will take some time to adjust.';

/** Redis 7's unknown-command text: the name and up to 128 bytes of quoted arguments, each followed by a space. */
export function errUnknownCommand(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${truncate(argv[i], 128 - args.length)}' `;
  }
  return `ERR unknown command '${truncate(argv[0], 128)}', with args beginning with: ${args}`;
}

function truncate(s: string, max: number): string {
  return s.length > max ? s.slice(0, max) : s;
}

// Protocol errors (networking.c). The connection is closed after the reply.
export const PROTO_TOO_BIG_INLINE = 'ERR Protocol error: too big inline request';
export const PROTO_UNBALANCED_QUOTES = 'ERR Protocol error: unbalanced quotes in request';
export const PROTO_TOO_BIG_MBULK_COUNT = 'ERR Protocol error: too big mbulk count string';
export const PROTO_INVALID_MBULK_LEN = 'ERR Protocol error: invalid multibulk length';
export const PROTO_TOO_BIG_BULK_COUNT = 'ERR Protocol error: too big bulk count string';
export const PROTO_INVALID_BULK_LEN = 'ERR Protocol error: invalid bulk length';
export const PROTO_UNAUTH_MBULK_LEN = 'ERR Protocol error: unauthenticated multibulk length';
export const PROTO_UNAUTH_BULK_LEN = 'ERR Protocol error: unauthenticated bulk length';
export const protoExpectedDollar = (got: string) => `ERR Protocol error: expected '$', got '${got}'`;

// Server family (INFO, CONFIG, COMMAND, SWAPDB, SHUTDOWN, DEBUG).
export const ERR_CONFIG_SET_UNKNOWN = (name: string) => `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
export const ERR_CONFIG_SET_FAILED = (name: string, why: string) =>
  `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
export const CONFIG_IMMUTABLE = "can't set immutable config";
/** Redis 7's reason for a protected directive (enable-protected-configs no). */
export const CONFIG_PROTECTED = "can't set protected config";
/** Redis 7's rejection of DEBUG while enable-debug-command does not allow it (processCommand). */
export const ERR_DEBUG_NOT_ALLOWED =
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it ' +
  'from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.';
export const CONFIG_DUPLICATE = 'duplicate parameter';
export const ERR_GETKEYS_INVALID_COMMAND = 'ERR Invalid command specified';
export const ERR_GETKEYS_NO_KEYS = 'ERR The command has no key arguments';
export const ERR_GETKEYS_ARITY = 'ERR Invalid number of arguments specified for command';
export const ERR_GETKEYS_INVALID_ARGS = 'ERR Invalid arguments specified for command';
export const ERR_SWAPDB_FIRST = 'ERR invalid first DB index';
export const ERR_SWAPDB_SECOND = 'ERR invalid second DB index';
export const ERR_NO_SHUTDOWN = 'ERR No shutdown in progress.';
export const ERR_DEBUG_SUBCOMMAND = (sub: string) =>
  `ERR unknown subcommand or wrong number of arguments for '${truncate(sub, 128)}'. Try DEBUG HELP.`;

// Cluster mode (cluster.c getNodeByQuery / clusterRedirectClient and the commands refused there).
export const ERR_CLUSTER_DISABLED = 'ERR This instance has cluster support disabled';
export const errMoved = (slot: number, ip: string, port: number) => `MOVED ${slot} ${ip}:${port}`;
export const errAsk = (slot: number, ip: string, port: number) => `ASK ${slot} ${ip}:${port}`;
export const ERR_CROSSSLOT = "CROSSSLOT Keys in request don't hash to the same slot";
export const ERR_CLUSTERDOWN_UNBOUND = 'CLUSTERDOWN Hash slot not served';
export const ERR_CLUSTERDOWN_STATE = 'CLUSTERDOWN The cluster is down';
export const ERR_TRYAGAIN = 'TRYAGAIN Multiple keys request during rehashing of slot';
export const ERR_SELECT_CLUSTER = 'ERR SELECT is not allowed in cluster mode';
export const ERR_SWAPDB_CLUSTER = 'ERR SWAPDB is not allowed in cluster mode';
export const ERR_MOVE_CLUSTER = 'ERR MOVE is not allowed in cluster mode';
export const ERR_COPY_CLUSTER = 'ERR Copying to another database is not allowed in cluster mode';
export const ERR_INVALID_SLOT = 'ERR Invalid slot';
// CLUSTER FORGET (Redis's texts for an unknown node and for itself; ours for what only etcd mode has).
export const errUnknownNode = (id: string) => `ERR Unknown node ${truncate(id, 128)}`;
export const ERR_FORGET_MYSELF = "ERR I tried hard but I can't forget myself...";
export const errForgetLive = (id: string) =>
  `ERR Node ${id} is registered (its lease is alive): it is not lost; CLUSTER FORGET only gives away the slots of a shard whose primary is down`;
export const errForgetNotPrimary = (id: string) => `ERR Node ${id} is not the primary of a shard: only a lost primary's shard can be forgotten`;
export const errForgetHeir = (id: string) =>
  `ERR Node ${id}'s shard has a live in-sync replica: it is being replaced, not lost`;
export const errForgetAnswers = (id: string) =>
  `ERR Node ${id} answers on its address: it is cut from etcd, not lost; its slots stay with it (it may hold writes no one else has)`;
export const ERR_INVALID_SLOT_OR_KEYS = 'ERR Invalid slot or number of keys';

// Replication (replication.c, server.c processCommand).
export const ERR_READONLY_REPLICA = "READONLY You can't write against a read only replica.";
export const ERR_NOREPLICAS = 'NOREPLICAS Not enough good replicas to write.';
export const ERR_REPLICAOF_CLUSTER = 'ERR REPLICAOF not allowed in cluster mode.';
export const ERR_STALE_PRIMARY = 'ERR stale primary';
/** PSYNC in cluster mode from a node this node's topology does not list as a replica it leads. */
export const ERR_NOT_MY_REPLICA = 'ERR not a primary of this replica in my topology';
export const ERR_PSYNC_FIRST = 'ERR Replica is not in sync: PSYNC first';
export const ERR_MASTER_ONLY = 'ERR This command is reserved for the replication link';
export const ERR_WAIT_REPLICA = 'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';
export const ERR_TIMEOUT_NEGATIVE = 'ERR timeout is negative';
export const ERR_INVALID_PORT = 'ERR Invalid master port';
export const ERR_FAILOVER_ON_PRIMARY = 'ERR You should send CLUSTER FAILOVER to a replica';
export const ERR_FAILOVER_NO_PRIMARY = "ERR I'm a replica but my master is unknown to me";
export const ERR_FAILOVER_NOT_IN_SYNC = 'ERR This replica is not in sync with its primary: a failover now could lose acknowledged writes';
/** A blocked client (WAIT) when its master turns replica (Redis 7's text). */
export const ERR_UNBLOCKED_ROLE_CHANGE = 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)';
