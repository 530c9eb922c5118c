// HyperLogLog commands (Redis 7.2 hyperloglog.c): PFADD PFCOUNT PFMERGE PFDEBUG. An HLL is a string value
// in Redis's exact representation (store/hll.ts), so GET/SET carry it between shardcache and Redis. A dense
// HLL is updated in place in the keyspace (Keyspace.stringView); a sparse one (at most
// hll-sparse-max-bytes) on a copy that is written back when it changed. Effects are the commands
// themselves, deterministic given the keys' state, as Redis propagates them: PFCOUNT of one key caches the
// cardinality in the value's header, which changes its bytes, so it is recorded too.
import * as E from '../protocol/errors';
import { EMPTY_STRING_VALUE, type StringView } from '../store/keyspace';
import {
  addTo,
  cachedCard,
  cardinality,
  count,
  countRaw,
  decodeSparse,
  denseAdd,
  denseGet,
  encodingOf,
  HLL_DENSE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  invalidateCache,
  isHll,
  mergeInto,
  newHll,
  setCachedCard,
  setRegisterMax,
  sparseToDense,
  type HllWork,
} from '../store/hll';
import { cstr } from './args';
import type { CommandContext as Client } from './context';
import { readTyped, WRONG_TYPE, writeTyped } from './typed';
import { declarer, ONE_KEY, type CommandSpec } from './types';

const view: StringView = { buf: Buffer.alloc(0), off: 0, len: 0 };
/** The copy a sparse HLL is changed on (work.buf is this scratch, or what the change made of it). */
const scratch = { buf: new Uint8Array(16384) };
const work: HllWork = { buf: scratch.buf, len: 0 };
/** Registers of a union (PFCOUNT of several keys, PFMERGE), one per byte. */
const max = new Uint8Array(HLL_REGISTERS);

/** Copies the HLL of the view into `work`. */
function load(v: StringView): void {
  if (scratch.buf.length < v.len + 8) scratch.buf = new Uint8Array(2 * v.len + 8);
  work.buf = scratch.buf;
  work.buf.set(v.buf.subarray(v.off, v.off + v.len));
  work.len = v.len;
}

/** Starts `work` as a new, empty HLL. */
function loadNew(): void {
  const h = newHll();
  work.buf = scratch.buf;
  work.buf.set(h);
  work.len = h.length;
}

/** Writes `work` as the value of the string in slot (its TTL kept). */
function store(c: Client, slot: number): void {
  c.db.resizeString(slot, work.len, false);
  const v = c.db.stringView(slot, view);
  v.buf.set(work.buf.subarray(0, work.len), v.off);
}

/**
 * The view of key's value when it is an HLL: the slot, -1 when missing, WRONG_TYPE after writing the
 * error (WRONGTYPE for another type, "Key is not a valid HyperLogLog string value." for another string).
 * `read`: a read lookup (counts a keyspace hit or miss).
 */
function hllAt(c: Client, key: string, read: boolean): number {
  const s = read ? readTyped(c, key, 'string') : writeTyped(c, key, 'string');
  if (s < 0) return s;
  const v = c.db.stringView(s, view);
  if (isHll(v.buf, v.off, v.len)) return s;
  c.out.error(E.ERR_HLL_WRONGTYPE);
  return WRONG_TYPE;
}

function sparseMax(c: Client): number {
  return c.config.num('hll-sparse-max-bytes');
}

/**
 * PFADD key [element ...]: 1 when a register changed (or the key was created), else 0. Creates the key
 * as an empty sparse HLL. Errors: WRONGTYPE (another type, a string that is not an HLL), INVALIDOBJ
 * Corrupted HLL object detected (a corrupt sparse HLL; the elements before the one that met it stay added,
 * as in Redis).
 */
function pfadd(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const s = hllAt(c, key, false);
  if (s === WRONG_TYPE) return;
  let updated = 0;
  if (s >= 0) {
    const v = db.stringView(s, view);
    if (encodingOf(v.buf, v.off) === HLL_DENSE) {
      // In place: the registers of a dense HLL never move.
      for (let j = 2; j < argv.length; j++) updated += denseAdd(v.buf, v.off, argv[j]);
      if (updated > 0) {
        invalidateCache(v.buf, v.off);
        c.effects.command(['PFADD', ...argv.slice(1)]);
      }
      return c.out.int(updated > 0 ? 1 : 0);
    }
    load(v);
  } else {
    loadNew();
    updated++;
  }
  const maxBytes = sparseMax(c);
  for (let j = 2; j < argv.length; j++) {
    const r = addTo(work, argv[j], maxBytes);
    if (r < 0) {
      // Redis keeps what was added before the corrupt part was met; it propagates nothing, but the value
      // changed, so its state goes to replicas.
      if (updated > 0 && s >= 0) {
        store(c, s);
        c.effects.key(key);
      }
      return c.out.error(E.ERR_HLL_CORRUPT);
    }
    updated += r;
  }
  if (updated > 0) {
    invalidateCache(work.buf, 0);
    store(c, s >= 0 ? s : db.add(key, EMPTY_STRING_VALUE));
    c.effects.command(['PFADD', ...argv.slice(1)]);
  }
  c.out.int(updated > 0 ? 1 : 0);
}

/**
 * PFCOUNT key [key ...]: the estimated cardinality of one HLL (0 when missing), or of the union of several
 * without changing them. With one key the estimate is cached in the value's header until the next change
 * (as Redis: the stored bytes change). Errors: WRONGTYPE, INVALIDOBJ Corrupted HLL object detected.
 */
function pfcount(c: Client, argv: string[]): void {
  const db = c.db;
  if (argv.length > 2) {
    max.fill(0);
    for (let j = 1; j < argv.length; j++) {
      const s = hllAt(c, argv[j], true);
      if (s === WRONG_TYPE) return;
      if (s < 0) continue;
      const v = db.stringView(s, view);
      if (!mergeInto(max, v.buf, v.off, v.len)) return c.out.error(E.ERR_HLL_CORRUPT);
    }
    return replyCard(c, cardinality(countRaw(max)));
  }
  const s = hllAt(c, argv[1], true);
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.int(0);
  const v = db.stringView(s, view);
  const cached = cachedCard(v.buf, v.off);
  if (cached !== -1) return replyCard(c, cached);
  const n = count(v.buf, v.off, v.len);
  if (n < 0) return c.out.error(E.ERR_HLL_CORRUPT);
  const card = cardinality(n);
  setCachedCard(v.buf, v.off, card);
  c.effects.command(['PFCOUNT', argv[1]]);
  replyCard(c, card);
}

/** A cardinality (a u64) replied as Redis's addReplyLongLong does: as a signed 64-bit integer. */
function replyCard(c: Client, card: number | bigint): void {
  if (typeof card === 'number') c.out.int(card);
  else c.out.bigint(BigInt.asIntN(64, card));
}

/**
 * PFMERGE destkey [sourcekey ...]: OK; destkey becomes the union of itself and the sources (created when
 * missing; dense when any input is dense), its cached cardinality marked stale. Errors: WRONGTYPE,
 * INVALIDOBJ Corrupted HLL object detected.
 */
function pfmerge(c: Client, argv: string[]): void {
  const db = c.db;
  max.fill(0);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const s = hllAt(c, argv[j], true);
    if (s === WRONG_TYPE) return;
    if (s < 0) continue;
    const v = db.stringView(s, view);
    if (encodingOf(v.buf, v.off) === HLL_DENSE) useDense = true;
    if (!mergeInto(max, v.buf, v.off, v.len)) return c.out.error(E.ERR_HLL_CORRUPT);
  }
  const key = argv[1];
  // The destination was read above as the first source: missing or a valid HLL.
  let s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  if (s >= 0) load(db.stringView(s, view));
  else loadNew();
  if (useDense && !sparseToDense(work)) return c.out.error(E.ERR_HLL_CORRUPT);
  const maxBytes = sparseMax(c);
  for (let j = 0; j < HLL_REGISTERS; j++) if (max[j] !== 0) setRegisterMax(work, j, max[j], maxBytes);
  invalidateCache(work.buf, 0);
  if (s < 0) s = db.add(key, EMPTY_STRING_VALUE);
  store(c, s);
  c.effects.command(['PFMERGE', ...argv.slice(1)]);
  c.out.ok();
}

/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the 16384 registers (making a sparse HLL dense), the sparse
 * opcodes as text, `dense` or `sparse`, or 1/0 whether TODENSE converted it. Errors: The specified key
 * does not exist, WRONGTYPE, INVALIDOBJ, HLL encoding is not sparse (DECODE), Unknown PFDEBUG subcommand.
 */
function pfdebug(c: Client, argv: string[]): void {
  const db = c.db;
  const sub = cstr(argv[1]).toLowerCase();
  const key = argv[2];
  const s = writeTyped(c, key, 'string');
  if (s === WRONG_TYPE) return;
  if (s < 0) return c.out.error(E.ERR_PFDEBUG_NO_KEY);
  let v = db.stringView(s, view);
  if (!isHll(v.buf, v.off, v.len)) return c.out.error(E.ERR_HLL_WRONGTYPE);
  const sparse = encodingOf(v.buf, v.off) === HLL_SPARSE;
  if (sub === 'getreg' || sub === 'todense') {
    if (sparse) {
      load(v);
      if (!sparseToDense(work)) return c.out.error(E.ERR_HLL_CORRUPT);
      store(c, s);
      c.effects.command(['PFDEBUG', ...argv.slice(1)]);
      v = db.stringView(s, view);
    }
    if (sub === 'todense') return c.out.int(sparse ? 1 : 0);
    c.out.array(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) c.out.int(denseGet(v.buf, v.off + HLL_HDR_SIZE, j));
    return;
  }
  if (sub === 'decode') {
    if (!sparse) return c.out.error(E.ERR_PFDEBUG_NOT_SPARSE);
    return c.out.bulk(decodeSparse(v.buf, v.off, v.len));
  }
  if (sub === 'encoding') return c.out.simple(sparse ? 'sparse' : 'dense');
  c.out.error(E.errPfdebugSubcommand(cstr(argv[1])));
}

// ---- declarations (as Redis 7's COMMAND INFO) ----

const cmd = declarer('hyperloglog', { keys: ONE_KEY });

export const hyperloglogCommands: readonly CommandSpec[] = [
  cmd({ name: 'pfadd', summary: 'Adds elements to a HyperLogLog key. Creates the key if it doesn\'t exist.', since: '2.8.9', arity: -2, flags: ['write', 'denyoom', 'fast'], acl: ['write', 'hyperloglog', 'fast'], handler: pfadd }),
  cmd({ name: 'pfcount', summary: 'Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).', since: '2.8.9', arity: -2, flags: ['readonly', 'may_replicate'], acl: ['read', 'hyperloglog', 'slow'], keys: { first: 1, last: -1, step: 1 }, handler: pfcount }),
  cmd({ name: 'pfmerge', summary: 'Merges one or more HyperLogLog values into a single key.', since: '2.8.9', arity: -2, flags: ['write', 'denyoom'], acl: ['write', 'hyperloglog', 'slow'], keys: { first: 1, last: -1, step: 1 }, handler: pfmerge }),
  cmd({ name: 'pfdebug', summary: 'Internal commands for debugging HyperLogLog values.', since: '2.8.9', arity: 3, flags: ['write', 'denyoom', 'admin'], acl: ['write', 'hyperloglog', 'admin', 'slow', 'dangerous'], keys: { first: 2, last: 2, step: 1 }, handler: pfdebug }),
];
