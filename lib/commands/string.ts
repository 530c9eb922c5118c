// String commands: GET, SET and their family.
import * as E from '../protocol/errors';
import { KEEP_TTL } from '../store/keyspace';
import { typeName } from '../store/value';
import type { Client } from '../server/client';
import { is, parseSafeInt } from './args';
import { ONE_KEY, type CommandSpec } from './types';

/** GET key: the value, nil when absent, WRONGTYPE for another type. */
function get(c: Client, argv: string[]): void {
  const db = c.db;
  const s = db.lookupRead(argv[1]);
  if (s < 0) return c.out.nil();
  const v = db.valueAt(s);
  if (typeName(v) !== 'string') return c.out.error(E.ERR_WRONGTYPE);
  c.out.raw(v);
}

/**
 * SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. Replies OK, or nil when NX/XX
 * prevented the write; with GET, the old value (nil when none). Errors: syntax error for conflicting or
 * unknown options, invalid expire time for a non-positive or overflowing time, WRONGTYPE with GET on
 * another type.
 */
function set(c: Client, argv: string[]): void {
  let nx = false;
  let xx = false;
  let withGet = false;
  let keepTtl = false;
  let expUnit = '';
  let expArg = '';
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    const hasNext = i + 1 < argv.length;
    if (a === 'nx' && !xx) nx = true;
    else if (a === 'xx' && !nx) xx = true;
    else if (a === 'get') withGet = true;
    else if (a === 'keepttl' && !expUnit) keepTtl = true;
    else if ((a === 'ex' || a === 'px' || a === 'exat' || a === 'pxat') && !keepTtl && !expUnit && hasNext) {
      expUnit = a;
      expArg = argv[++i];
    } else return c.out.error(E.ERR_SYNTAX);
  }
  let expireAt = keepTtl ? KEEP_TTL : 0;
  if (expUnit) {
    const n = parseSafeInt(expArg);
    if (n === null) return c.out.error(E.ERR_NOT_INTEGER);
    const ms = expUnit === 'ex' || expUnit === 'exat' ? n * 1000 : n;
    if (n <= 0 || !Number.isSafeInteger(ms)) return c.out.error(E.ERR_INVALID_EXPIRE('set'));
    expireAt = expUnit === 'ex' || expUnit === 'px' ? c.node.clock.now() + ms : ms;
    if (!Number.isSafeInteger(expireAt)) return c.out.error(E.ERR_INVALID_EXPIRE('set'));
  }
  const db = c.db;
  const key = argv[1];
  const s = withGet ? db.lookupRead(key) : db.lookup(key);
  let old: string | null = null;
  if (s >= 0 && withGet) {
    const v = db.valueAt(s);
    if (typeName(v) !== 'string') return c.out.error(E.ERR_WRONGTYPE);
    old = v;
  }
  if ((nx && s >= 0) || (xx && s < 0)) {
    if (withGet && old !== null) return c.out.raw(old);
    return c.out.nil();
  }
  db.set(key, c.bulkArg(argv, 2), expireAt);
  if (!withGet) return c.out.ok();
  if (old === null) return c.out.nil();
  c.out.raw(old);
}

export const stringCommands: readonly CommandSpec[] = [
  {
    name: 'get',
    group: 'string',
    summary: 'Returns the string value of a key.',
    since: '1.0.0',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['read', 'string', 'fast'],
    keys: ONE_KEY,
    handler: get,
  },
  {
    name: 'set',
    group: 'string',
    summary: 'Sets the string value of a key, ignoring its type. The key is created if it doesn\'t exist.',
    since: '1.0.0',
    arity: -3,
    flags: ['write', 'denyoom'],
    acl: ['write', 'string', 'slow'],
    keys: ONE_KEY,
    handler: set,
  },
];
