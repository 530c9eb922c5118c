// Arguments of the byte fast path (types.ts FastHandler): a frame's keys and values handed to the store
// as request bytes. One KeyBytes and one ValueBytes are reused by every fast handler: the store reads
// them only during the call they are passed to.
import type { Frame } from '../protocol/parser';
import { ValueBytes, type KeyBytes, type Keyspace } from '../store/keyspace';

const key: KeyBytes = { buf: Buffer.alloc(0), off: 0, len: 0 };
const value = new ValueBytes();

/** Argument k of f as a key. */
export function keyArg(f: Frame, k: number): KeyBytes {
  key.buf = f.buf;
  key.off = f.off[k];
  key.len = f.len[k];
  return key;
}

/** The index hash of argument k of f in db (computed ahead for argument 1 when the batch was prefetched). */
export function keyHash(db: Keyspace, f: Frame, k: number): number {
  return k === 1 && f.hashed ? f.hash : db.hashBytes(f.buf, f.off[k], f.len[k]);
}

/** Argument k of f as a string value: its bulk form as it arrived. */
export function valueArg(f: Frame, k: number): ValueBytes {
  value.buf = f.buf;
  value.from = f.hdr[k];
  value.to = f.bulkEnd(k);
  return value;
}

/** Every argument of f as strings, as the string path's argv (for effects: only when they are recorded). */
export function frameStrings(f: Frame): string[] {
  const argv = new Array<string>(f.argc);
  for (let k = 0; k < f.argc; k++) argv[k] = f.str(k);
  return argv;
}
