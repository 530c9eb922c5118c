// Version strings, in a leaf module so that command families can import them without importing the node
// (node.ts -> registry -> families would be a cycle). node.ts re-exports them.

/** The Redis version we answer as (HELLO, INFO redis_version). */
export const REDIS_VERSION = '7.2.0';
export const SHARDCACHE_VERSION = '0.1.0';
