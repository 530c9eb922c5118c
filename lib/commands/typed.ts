// The one typed lookup for handlers: a key holding the wanted type, missing, or WRONGTYPE, with Redis's
// error text written here and nowhere else.
import * as E from '../protocol/errors';
import { WRONG_TYPE, type KeyBytes } from '../store/keyspace';
import type { TypeName, Value } from '../store/value';
import type { CommandContext } from './context';

export { WRONG_TYPE };

/**
 * For a read: the slot of key when it holds `type` (a keyspace hit), -1 when absent (a miss), or
 * WRONG_TYPE after writing the WRONGTYPE error.
 */
export function readTyped(c: CommandContext, key: string, type: TypeName): number {
  const s = c.db.lookupTyped(key, type, true);
  if (s === WRONG_TYPE) c.out.error(E.ERR_WRONGTYPE);
  return s;
}

/** For a write that needs the key to exist: as readTyped without counting hits or misses. */
export function writeTyped(c: CommandContext, key: string, type: TypeName): number {
  const s = c.db.lookupTyped(key, type, false);
  if (s === WRONG_TYPE) c.out.error(E.ERR_WRONGTYPE);
  return s;
}

/**
 * For a write that creates the key when absent: the slot of key holding `type`, a new key holding
 * make() when it was absent, or WRONG_TYPE after writing the WRONGTYPE error. A created collection is
 * empty until the handler fills it; the handler then calls db.written(slot), which also deletes it if
 * it stayed empty.
 */
export function createTyped(c: CommandContext, key: string, type: TypeName, make: () => Value): number {
  const s = c.db.lookupTyped(key, type, false);
  if (s === WRONG_TYPE) c.out.error(E.ERR_WRONGTYPE);
  if (s !== -1) return s;
  return c.db.add(key, make());
}

/** readTyped() of a key given as request bytes (the byte fast path), with its index hash. */
export function readTypedBytes(c: CommandContext, key: KeyBytes, hash: number, type: TypeName): number {
  const s = c.db.lookupTypedBytes(key, hash, type, true);
  if (s === WRONG_TYPE) c.out.error(E.ERR_WRONGTYPE);
  return s;
}

/** writeTyped() of a key given as request bytes (the byte fast path), with its index hash. */
export function writeTypedBytes(c: CommandContext, key: KeyBytes, hash: number, type: TypeName): number {
  const s = c.db.lookupTypedBytes(key, hash, type, false);
  if (s === WRONG_TYPE) c.out.error(E.ERR_WRONGTYPE);
  return s;
}
