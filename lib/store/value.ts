// Values. A string value is stored in its RESP bulk form (`$len\r\n<bytes>\r\n`) as a latin1 string,
// so GET writes it as is: no header to build, no copy into a Buffer; it stays a primitive, so the string
// path allocates nothing more than before. Every other type is a Collection: an object that changes in
// place and keeps its own byte count, which the keyspace settles into used_memory (Keyspace.written).
import { bulkString, flat } from '../protocol/parser';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';
export type CollectionType = Exclude<TypeName, 'string'>;

/**
 * A hash, list, set, sorted set or stream value. Its mutators change it in place and keep `bytes`
 * current; after a command changed it, the handler calls Keyspace.written(slot), which charges
 * `bytes - charged` to the keyspace, sets `charged = bytes`, and deletes the key when `size` is 0
 * (Redis deletes empty collections).
 */
export interface Collection {
  readonly type: CollectionType;
  /** Bytes this value is charged in used_memory, kept current by the value's own mutators. */
  bytes: number;
  /** Bytes the keyspace last charged for it (managed by the keyspace only). */
  charged: number;
  /**
   * Bumped by Keyspace.written(slot) after every change in place (managed by the keyspace only): a
   * value sent a piece at a time (store/dump.ts DumpWriter) is known unchanged while its identity and
   * stamp are.
   */
  stamp: number;
  /** Entries (fields, elements, members), expired-not-collected ones included; 0 = empty. */
  readonly size: number;
  /** Earliest expiry of a part of the value (hash fields), ms since the epoch; 0 or absent: none. */
  readonly nextExpire?: number;
  /** A deep copy with the same contents and bytes (COPY). */
  clone(): Collection;
  /**
   * The encoding Redis would report (OBJECT ENCODING): 'listpack', 'hashtable', ..., given the
   * `*-max-listpack-*` directives read from `config`.
   */
  encoding(config: { num(name: string): number }): string;
}

/** A stored value: a string in bulk form, or a collection. */
export type Value = string | Collection;

/** The value for a string payload (latin1), flattened so it holds no rope nodes. */
export function stringValue(payload: string): string {
  return flat(bulkString(payload));
}

/** The payload (the stored bytes as a latin1 string) of a string value. */
export function stringPayload(v: string): string {
  return v.slice(v.indexOf('\r') + 2, v.length - 2);
}

/** Byte length of a string value's payload. */
export function stringLength(v: string): number {
  return v.length - v.indexOf('\r') - 4;
}

export function typeName(v: Value): TypeName {
  return typeof v === 'string' ? 'string' : v.type;
}

/** Bytes a value is charged in used_memory (a string: its stored bulk form). */
export function valueBytes(v: Value): number {
  return typeof v === 'string' ? v.length : v.bytes;
}

/** A copy of a value that shares nothing mutable with it (strings are immutable). */
export function copyValue(v: Value): Value {
  return typeof v === 'string' ? v : v.clone();
}
