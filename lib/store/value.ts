// Values. A string value is stored in its RESP bulk form (`$len\r\n<bytes>\r\n`) as a latin1 string,
// so GET writes it as is: no header to build, no copy into a Buffer. Other types (lists, hashes, ...)
// will be objects with a `type` field.
import { bulkString, flat } from '../protocol/parser';

/** A stored value. Today only strings, in bulk form. */
export type Value = string;

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** The value for a string payload (latin1), flattened so it holds no rope nodes. */
export function stringValue(payload: string): Value {
  return flat(bulkString(payload));
}

/** The payload (the stored bytes as a latin1 string) of a string value. */
export function stringPayload(v: Value): string {
  return v.slice(v.indexOf('\r') + 2, v.length - 2);
}

/** Byte length of a string value's payload. */
export function stringLength(v: Value): number {
  return v.length - v.indexOf('\r') - 4;
}

export function typeName(_v: Value): TypeName {
  return 'string';
}

/** Bytes a value is charged in used_memory (its stored form). */
export function valueBytes(v: Value): number {
  return v.length;
}
