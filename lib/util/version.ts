// Version strings, at the bottom of the house so that command families, INFO and the node all import them
// from one place without importing the node (node.ts re-exports them).

/** The Redis version we answer as (HELLO, INFO redis_version). */
export const REDIS_VERSION = '7.2.0';
export const SHARDCACHE_VERSION = '0.1.0';
