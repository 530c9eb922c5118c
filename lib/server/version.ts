// Versions, in a module of their own so that any module can import them without import cycles.

/** The Redis version the node claims (INFO redis_version, HELLO). */
export const REDIS_VERSION = '7.2.0';
export const SHARDCACHE_VERSION = '0.1.0';
