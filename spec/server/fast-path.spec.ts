// The byte fast path (dispatcher.ts executeFrame, parser.ts nextFrame, CommandSpec.fast) through real
// sockets: replies and the final dataset equal a real redis-server's over a seeded random sequence of
// string commands with binary keys and values; the gatekeeper (NOAUTH, OOM, READONLY, MONITOR, INFO
// commandstats / errorstats / keyspace hits) and replication apply to commands run from frames; commands
// split across TCP writes (the parser's next() path) mixed with whole ones answer in order; cluster
// redirects computed from a frame's key bytes. Commands without a fast path yet (MGET, MSET, DEL, EXISTS,
// INCR, ...) are in every sequence, so the spec covers them as they gain one.
import { expect } from 'chai';
import * as net from 'net';
import type { Frame } from '../../lib/protocol/parser';
import { haveRedis, readReply, rng, show, startRedis, type RedisProcess, type Resp } from '../helpers/differential';
import { startCluster, type TestCluster } from '../helpers/cluster';
import { startNode, until, type TestNode } from '../replication/harness';

type Arg = string | Buffer;
interface Reply {
  r: Resp;
  raw: Buffer;
}

const CRLF = Buffer.from('\r\n');
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const bytesOf = (a: Arg): Buffer => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a);

function multibulk(args: readonly Arg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = bytesOf(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** An inline command (a line of words, no multibulk): always parsed by next(), never a frame. */
class Inline {
  constructor(readonly line: string) {}
}
type Cmd = Arg[] | Inline;

const encodeCmd = (c: Cmd): Buffer => (c instanceof Inline ? Buffer.from(`${c.line}\r\n`, 'latin1') : multibulk(c));

/** A command readable in a failure message (long or binary arguments shortened / quoted). */
function fmt(args: Cmd): string {
  if (args instanceof Inline) return `(inline) ${args.line}`;
  return args
    .map((a) => {
      const s = bytesOf(a).toString('latin1');
      const cut = s.length > 40 ? `${s.slice(0, 37)}...(${s.length} bytes)` : s;
      return /^[\x21-\x7e]+$/.test(s) && s.length <= 40 ? s : JSON.stringify(cut);
    })
    .join(' ');
}

/** A raw connection: writes exact bytes, reads replies byte for byte (each with its raw bytes). */
class Wire {
  private buf: Buffer = Buffer.alloc(0);
  private got: Reply[] = [];
  private wake: (() => void) | null = null;
  private err: Error | null = null;
  private constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      for (;;) {
        let one: { r: Resp; end: number } | null;
        try {
          one = readReply(this.buf, 0);
        } catch (e) {
          this.err = e as Error;
          break;
        }
        if (one === null) break;
        this.got.push({ r: one.r, raw: Buffer.from(this.buf.subarray(0, one.end)) });
        this.buf = this.buf.subarray(one.end);
      }
      this.wake?.();
    });
    sock.on('error', (e) => {
      this.err = e;
      this.wake?.();
    });
    sock.on('close', () => {
      this.err ??= new Error('connection closed');
      this.wake?.();
    });
  }
  static open(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(port, '127.0.0.1', () => resolve(new Wire(sock)));
      sock.once('error', reject);
    });
  }
  /** Writes the commands in one write (a pipeline: the server sees them in one read, as frames). */
  send(...cmds: Cmd[]): void {
    this.sock.write(Buffer.concat(cmds.map(encodeCmd)));
  }
  write(b: Buffer): void {
    this.sock.write(b);
  }
  /** The next n replies (rejects after ms or when the connection fails first). */
  async take(n: number, ms = 15000): Promise<Reply[]> {
    const end = Date.now() + ms;
    while (this.got.length < n) {
      if (this.err) throw this.err;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.wake = null;
          reject(new Error(`${this.got.length} of ${n} replies after ${ms} ms`));
        }, Math.max(0, end - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          this.wake = null;
          resolve();
        };
      });
    }
    return this.got.splice(0, n);
  }
  /** Pipelines the commands and resolves with their replies. */
  async pipe(...cmds: Cmd[]): Promise<Resp[]> {
    this.send(...cmds);
    return (await this.take(cmds.length)).map((x) => x.r);
  }
  async call(...args: Arg[]): Promise<Resp> {
    return (await this.pipe(args))[0];
  }
  close(): void {
    this.sock.destroy();
  }
}

const ok: Resp = { t: '+', s: 'OK' };
const nil: Resp = { t: '$', b: null };
const err = (s: string): Resp => ({ t: '-', s });
const bulk = (a: Arg): Resp => ({ t: '$', b: bytesOf(a) });
const int = (n: number): Resp => ({ t: ':', s: String(n) });
const NOAUTH = err('NOAUTH Authentication required.');
const OOM = err("OOM command not allowed when used memory > 'maxmemory'.");
const READONLY = err("READONLY You can't write against a read only replica.");

function text(r: Resp): string {
  if ('b' in r && r.b !== null) return r.b.toString('latin1');
  if ('s' in r) return r.s;
  throw new Error(`not a string reply: ${show(r)}`);
}

/** Compares replies as RESP values (deep equality of the parsed form, bulk bytes included). */
function expectReplies(got: Resp[], want: Resp[], what: string): void {
  expect(got.map(show), what).to.deep.equal(want.map(show));
  expect(got, what).to.deep.equal(want);
}

interface FrameNode {
  executeFrame(c: unknown, f: Frame): void;
  commands: { lookupFast(b: Uint8Array, off: number, len: number): unknown };
}

/** True when the node has a byte fast path for the command `name`. */
function hasFast(t: TestNode, name: string): boolean {
  const b = Buffer.from(name, 'latin1');
  return (t.node as unknown as FrameNode).commands.lookupFast(b, 0, b.length) !== undefined;
}

/**
 * Counts, by upper-cased name, the commands a node ran from a frame with a byte fast path (executeFrame
 * with a command CommandTable.lookupFast knows): that the fast path, not next(), carried them.
 */
function spyFrames(t: TestNode): Map<string, number> {
  const seen = new Map<string, number>();
  const node = t.node as unknown as FrameNode;
  const orig = node.executeFrame;
  node.executeFrame = function (c: unknown, f: Frame): void {
    if (node.commands.lookupFast(f.buf, f.off[0], f.len[0]) !== undefined) {
      const name = f.str(0).toUpperCase();
      seen.set(name, (seen.get(name) ?? 0) + 1);
    }
    orig.call(this, c, f);
  };
  return seen;
}

function infoFields(r: Resp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text(r).split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** calls / rejected_calls / failed_calls of cmdstat_<name> ('absent' when never called). */
function cmdstat(info: Record<string, string>, name: string): string {
  const v = info[`cmdstat_${name}`];
  if (v === undefined) return 'absent';
  const f = Object.fromEntries(v.split(',').map((kv) => kv.split('=')));
  return `calls=${f.calls},rejected_calls=${f.rejected_calls},failed_calls=${f.failed_calls}`;
}

const STAT_COMMANDS = ['get', 'set', 'mget', 'mset', 'del', 'exists', 'incr', 'decr', 'incrby', 'decrby', 'type', 'hset'];

const COLLECTION_COMMANDS = ['lpush', 'rpush', 'lpop', 'rpop', 'llen', 'lrange', 'sadd', 'spop', 'sismember', 'scard', 'zadd', 'zpopmin', 'zpopmax', 'zscore', 'zcard', 'del', 'set', 'blpop'];

/** What both servers must agree on in INFO: command counts, keyspace hits/misses, errorstats. */
async function statsOf(w: Wire, names: readonly string[] = STAT_COMMANDS): Promise<Record<string, string>> {
  const [cs, st, es] = await w.pipe(['INFO', 'commandstats'], ['INFO', 'stats'], ['INFO', 'errorstats']);
  const c = infoFields(cs);
  const s = infoFields(st);
  const out: Record<string, string> = { keyspace_hits: s.keyspace_hits, keyspace_misses: s.keyspace_misses };
  for (const name of names) out[`cmdstat_${name}`] = cmdstat(c, name);
  for (const [k, v] of Object.entries(infoFields(es))) out[k] = v;
  return out;
}

/** Every key with its type, TTL class and value (hash fields sorted), sorted by key bytes. */
async function dataset(w: Wire): Promise<string[]> {
  const keys = (await w.call('KEYS', '*')) as { t: '*'; a: Resp[] };
  const names = (keys.a ?? []).map((k) => (k as { b: Buffer }).b).sort(Buffer.compare);
  const out: string[] = [];
  for (const k of names) {
    const [type, ttl] = await w.pipe(['TYPE', k], ['TTL', k]);
    const t = text(type);
    const ttlClass = Number(text(ttl)) > 0 ? 'ttl>0' : text(ttl);
    let v: string;
    if (t === 'string') v = (((await w.call('GET', k)) as { b: Buffer }).b as Buffer).toString('hex');
    else {
      const a = ((await w.call('HGETALL', k)) as { a: Resp[] }).a;
      const pairs: string[] = [];
      for (let i = 0; i < a.length; i += 2) pairs.push(`${text(a[i])}=${text(a[i + 1])}`);
      v = pairs.sort().join(',');
    }
    out.push(`${k.toString('hex')} ${t} ${ttlClass} ${v}`);
  }
  return out;
}

/** Every key with its type, encoding and contents (lists in order, sets sorted, zsets with scores), sorted by key bytes. */
async function collections(w: Wire): Promise<string[]> {
  const keys = (await w.call('KEYS', '*')) as { t: '*'; a: Resp[] };
  const names = (keys.a ?? []).map((k) => (k as { b: Buffer }).b).sort(Buffer.compare);
  const out: string[] = [];
  const items = (r: Resp): string[] => ((r as { a: Resp[] }).a ?? []).map((x) => text(x));
  for (const k of names) {
    const [type, enc] = await w.pipe(['TYPE', k], ['OBJECT', 'ENCODING', k]);
    const t = text(type);
    let v: string[];
    if (t === 'list') v = items(await w.call('LRANGE', k, '0', '-1'));
    else if (t === 'set') v = items(await w.call('SMEMBERS', k)).sort();
    else if (t === 'zset') v = items(await w.call('ZRANGE', k, '0', '-1', 'WITHSCORES'));
    else v = [text(await w.call('GET', k))];
    // Encodings of sorted sets only: Redis 7.0 has no listpack lists or sets (7.2 and the node do; the unit
    // spec fast-collections.spec.ts compares every encoding of the fast path with the string path's).
    out.push(`${k.toString('hex')} ${t} ${t === 'zset' ? text(enc) : ''} ${JSON.stringify(v)}`);
  }
  return out;
}

/** A seeded random sequence of list, set and sorted-set commands with fast paths (and errors, WRONGTYPE, declines). */
function collectionSequence(seed: number, total: number): Batch[] {
  const r = rng(seed);
  const bytes = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = r.int(256);
    return b;
  };
  const casing = (name: string): string => (r.chance(0.5) ? name : [...name].map((ch) => (r.chance(0.5) ? ch.toLowerCase() : ch)).join(''));
  const lists = ['l1', 'l2', ALL_BYTES, 'a\r\nb'].map(bytesOf);
  const sets = ['s1', 's2', '\xff\x00s'].map(bytesOf);
  const zsets = ['z1', 'z2', '{t}z'].map(bytesOf);
  const all = [...lists, ...sets, ...zsets, bytesOf('str'), bytesOf('nokey')];
  const key = (kind: Buffer[]) => (r.chance(0.85) ? r.pick(kind) : r.pick(all));
  const el = (): Buffer => (r.chance(0.3) ? bytes(r.pick([0, 1, 3, 64, 65, 300, 9000])) : bytesOf(r.pick(['a', 'b', '1', '-7', '12345678901234567890', '\r\n', '$-1\r\n'])));
  const member = (): Buffer => (r.chance(0.1) ? bytes(r.pick([1, 65])) : bytesOf(r.pick(['a', 'b', 'c', '1', '2', '300', '-4', '70000'])));
  const some = <T>(f: () => T, min: number, max: number): T[] => Array.from({ length: min + r.int(max - min + 1) }, f);
  const COUNTS = ['0', '1', '2', '5', '-1', 'abc', '9223372036854775808', ''];
  const IDX = ['0', '-1', '1', '-3', '2', '100', '-100', 'x', '9223372036854775807', '-9223372036854775808'];
  const SCORES = ['1', '-1', '0', '1.5', 'inf', '-inf', '+inf', '2', '1e3', 'nan', 'abc', '-0', '0x10'];
  // SPOP's member is random: it pops only from 'sp', which holds at most one member.
  let spFull = false;
  const one = (): Cmd => {
    switch (r.int(22)) {
      case 0:
      case 1:
        return [casing('lpush'), key(lists), ...some(el, 1, 4)];
      case 2:
      case 3:
        return [casing('rpush'), key(lists), ...some(el, 1, 4)];
      case 4:
        return [casing('lpop'), key(lists), ...(r.chance(0.5) ? [r.pick(COUNTS)] : []), ...(r.chance(0.05) ? ['1'] : [])];
      case 5:
        return [casing('rpop'), key(lists), ...(r.chance(0.5) ? [r.pick(COUNTS)] : [])];
      case 6:
        return [casing('llen'), key(lists)];
      case 7:
      case 8:
        return [casing('lrange'), key(lists), r.pick(IDX), r.pick(IDX)];
      case 9:
      case 10:
        return [casing('sadd'), key(sets), ...some(member, 1, 5)];
      case 11:
        return [casing(r.pick(['sismember', 'scard'])), key(sets), member()].slice(0, r.chance(0.5) ? 3 : 2);
      case 12: {
        if (r.chance(0.5) && !spFull) {
          spFull = true;
          return [casing('sadd'), 'sp', member()];
        }
        const k = r.pick(['sp', 'sp', 'str', 'never', 'l1']); // ('never' is never written)
        if (k === 'sp') spFull = false;
        return [casing('spop'), k];
      }
      case 13:
      case 14:
        return [casing('zadd'), key(zsets), ...some(() => [r.pick(SCORES), member()], 1, 4).flat()];
      case 15:
        return [casing('zadd'), key(zsets), r.pick(['NX', 'XX', 'CH', 'GT', 'LT', 'INCR']), r.pick(SCORES), member()];
      case 16:
        return [casing(r.pick(['zpopmin', 'zpopmax'])), key(zsets), ...(r.chance(0.5) ? [r.pick(COUNTS)] : [])];
      case 17:
        return [casing('zscore'), key(zsets), member()];
      case 18:
        return [casing('zcard'), key(zsets)];
      case 19:
        return r.pick<Cmd>([['SET', 'str', 'v'], ['DEL', r.pick(all)], ['GET', 'str'], new Inline('RPUSH l1 inline1 inline2'), new Inline('ZADD z1 3 inl')]);
      case 20:
        // Wrong arity and options at the wrong place.
        return r.pick<Cmd>([['lpush', 'l1'], ['llen'], ['lrange', 'l1', '0'], ['zadd', 'z1', '1'], ['zscore', 'z1'], ['spop', 'sp', '1', '2'], ['lpop', 'l1', '1', '2'], ['zpopmin', 'z1', '1', '2'], ['sismember', 's1'], ['zadd', 'z1', '1', 'a', 'nx', 'b']]);
      default:
        return [casing('lrange'), key(lists), '0', '-1'];
    }
  };
  const out: Batch[] = [];
  let n = 0;
  while (n < total) {
    const pipelined = !r.chance(0.2);
    const size = pipelined ? 1 + r.int(60) : 1 + r.int(5);
    out.push({ cmds: Array.from({ length: size }, one), pipelined });
    n += size;
  }
  return out;
}

/** sdscatrepr (Redis's MONITOR quoting) of raw bytes, written out here independently of lib/. */
function repr(a: Arg): string {
  let s = '"';
  for (const ch of bytesOf(a)) {
    if (ch === 0x5c || ch === 0x22) s += '\\' + String.fromCharCode(ch);
    else if (ch === 10) s += '\\n';
    else if (ch === 13) s += '\\r';
    else if (ch === 9) s += '\\t';
    else if (ch === 7) s += '\\a';
    else if (ch === 8) s += '\\b';
    else if (ch >= 32 && ch < 127) s += String.fromCharCode(ch);
    else s += '\\x' + ch.toString(16).padStart(2, '0');
  }
  return s + '"';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// The random sequence of part 1.

interface Batch {
  cmds: Cmd[];
  /** One write for the whole batch (else each command alone, waiting for its reply). */
  pipelined: boolean;
  /** A pause after the batch's replies (a short TTL set in it has passed on both servers by then). */
  sleepAfterMs?: number;
}

function sequence(seed: number, total: number): Batch[] {
  const r = rng(seed);
  const bytes = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = r.int(256);
    return b;
  };
  // Sizes around the 48-byte copy threshold of keyspace.ts copyBytes, which sees the value's bulk form
  // ($len CRLF value CRLF: a 41-byte value is 48 bytes) and the key alone.
  const SIZES = [0, 1, 40, 41, 42, 47, 48, 49, 100, 5000, 70000];
  const keys: Buffer[] = [
    '',
    'k1',
    'k2',
    'k3',
    'n1',
    'n2',
    'h1',
    'a\r\nb',
    '$3\r\nfoo\r\n',
    '{t}x',
    '\xff\x00',
    'GET',
    '*1',
  ].map(bytesOf);
  keys.push(ALL_BYTES, bytes(47), bytes(48), bytes(49), bytes(200), bytes(3000));
  const NUMS = ['0', '1', '-1', '17', '9223372036854775807', '-9223372036854775808', '9223372036854775808', '12a', ' 1', '01', '+1', '1.0', '-0', ''];
  const casing = (name: string): string => {
    switch (r.int(3)) {
      case 0:
        return name.toLowerCase();
      case 1:
        return name.toUpperCase();
      default:
        return [...name].map((ch) => (r.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase())).join('');
    }
  };
  const key = (): Buffer => r.pick(keys);
  const numKey = (): Buffer => (r.chance(0.7) ? bytesOf(r.pick(['n1', 'n2'])) : key());
  const value = (): Buffer => {
    const x = r.int(10);
    if (x < 6) return bytes(r.pick(SIZES));
    if (x < 7) return ALL_BYTES;
    return bytesOf(r.pick([...NUMS, 'OK', '\r\n', '$-1\r\n']));
  };
  const someKeys = (min: number, max: number): Buffer[] => Array.from({ length: min + r.int(max - min + 1) }, key);
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const setOptions = (): string[] => {
    const groups: string[][] = [];
    if (r.chance(0.45)) groups.push([r.pick(['NX', 'XX'])]);
    if (r.chance(0.35)) groups.push(['GET']);
    switch (r.int(7)) {
      case 0:
        groups.push(['EX', String(1000 + r.int(1000))]);
        break;
      case 1:
        groups.push(['PX', String(1000000 + r.int(1000))]);
        break;
      case 2:
      case 3:
        groups.push(['KEEPTTL']);
        break;
      case 4:
        groups.push(['EXAT', String(Math.floor(Date.now() / 1000) + 100000)]);
        break;
    }
    // Some invalid: Redis's syntax / expire-time errors.
    if (r.chance(0.1)) groups.push(r.pick([['NX', 'XX'], ['EX', '0'], ['PX', '-5'], ['EX', 'abc'], ['EX'], ['KEEPTTL', 'EX', '10'], ['FOO'], ['EX', '10', 'PX', '10'], ['EX', '9223372036854775807']]));
    return shuffle(groups)
      .flat()
      .map((w) => (/^[A-Z]+$/.test(w) ? casing(w) : w));
  };
  const one = (): Cmd => {
    if (r.chance(0.02)) {
      // Inline commands and commands over FRAME_MAX_ARGS (64) arguments: next() among frames (and the
      // prefetched key hashes must stay in step with the commands).
      switch (r.int(4)) {
        case 0:
          return new Inline(r.pick(['GET k1', 'get n1', 'SET k2 inline', 'EXISTS k1 k2 n1', 'PING', 'INCR n2', 'MGET k1 k2 k3']));
        case 1: {
          const args: Arg[] = [casing('mset')];
          for (let i = 33 + r.int(8); i > 0; i--) args.push(key(), value());
          return args;
        }
        case 2:
          return [casing('mget'), ...someKeys(64, 80)];
        default:
          return [casing('select'), r.pick(['0', '0', '1'])]; // frames in another db too
      }
    }
    const x = r.int(100);
    if (x < 22) return [casing('get'), key()];
    if (x < 36) return [casing('set'), key(), value()];
    if (x < 44) return [casing('set'), numKey(), r.chance(0.7) ? String(r.int(2000) - 1000) : r.pick(NUMS)];
    if (x < 54) return [casing('set'), key(), value(), ...setOptions()];
    if (x < 60) return [casing('mget'), ...someKeys(1, 6)];
    if (x < 66) {
      const args: Arg[] = [casing('mset')];
      for (let i = 1 + r.int(4); i > 0; i--) args.push(key(), value());
      if (r.chance(0.1)) args.push(key()); // odd: wrong number of arguments
      return args;
    }
    if (x < 70) return [casing('del'), ...someKeys(1, 4)];
    if (x < 74) return [casing('exists'), ...someKeys(1, 4)];
    if (x < 78) return [casing('incr'), numKey()];
    if (x < 81) return [casing('decr'), numKey()];
    if (x < 85) return [casing('incrby'), numKey(), r.pick(['1', '-1', '100', '-7', '9223372036854775807', '-9223372036854775808', 'abc', '1.5', '', ' 2'])];
    if (x < 88) return [casing('decrby'), numKey(), r.pick(['1', '-1', '100', '9223372036854775807', '-9223372036854775808', 'x'])];
    if (x < 91) return [casing('type'), key()];
    if (x < 94) return [casing('hset'), r.chance(0.6) ? bytesOf('h1') : key(), r.pick(['f', 'g']), value()];
    if (x < 99) {
      // Wrong arity (the fast path's argc check).
      return r.pick<Arg[]>([[casing('get')], [casing('get'), key(), 'extra'], [casing('set'), key()], [casing('set')], [casing('mget')], [casing('incr')], [casing('incrby'), key()], [casing('del')], [casing('exists')], [casing('type')], [casing('decr'), key(), '1']]);
    }
    return r.pick<Arg[]>([['GETT', 'k1'], ['se', 'k1', 'v'], ['GETS', 'k1']]);
  };
  const out: Batch[] = [];
  let n = 0;
  while (n < total) {
    if (r.chance(0.04)) {
      // A key that expires before the next batch: lazy expiry on GET, SET over an expired key.
      out.push({ cmds: [[casing('set'), key(), value(), 'PX', String(1 + r.int(5))]], pipelined: false, sleepAfterMs: 20 });
      n++;
      continue;
    }
    const pipelined = !r.chance(0.2);
    const size = pipelined ? 1 + r.int(80) : 1 + r.int(5);
    const cmds = Array.from({ length: size }, one);
    out.push({ cmds, pipelined });
    n += size;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

describe('server/fast-path: the byte fast path over sockets', function () {
  this.timeout(60000);
  let redis: RedisProcess | null = null;
  const nodes: TestNode[] = [];
  const wires: Wire[] = [];

  async function node(settings: Record<string, string> = {}): Promise<TestNode> {
    const t = await startNode(settings);
    nodes.push(t);
    return t;
  }
  async function wire(port: number): Promise<Wire> {
    const w = await Wire.open(port);
    wires.push(w);
    return w;
  }
  /** A connection to the shared redis-server, emptied and with its statistics reset. */
  async function freshRedis(ctx: Mocha.Context): Promise<Wire> {
    if (!haveRedis) ctx.skip();
    redis ??= await startRedis();
    const w = await wire(redis.port);
    expectReplies(await w.pipe(['FLUSHALL'], ['CONFIG', 'RESETSTAT']), [ok, ok], 'redis setup');
    return w;
  }

  afterEach(async () => {
    for (const w of wires.splice(0)) w.close();
    for (const t of nodes.splice(0)) await t.stop();
  });
  after(async () => {
    await redis?.stop();
  });

  it('a seeded random sequence of string commands (binary keys and values) answers and ends as redis-server', async function () {
    const rw = await freshRedis(this);
    const t = await node();
    const frames = spyFrames(t);
    const sw = await wire(t.port);
    // FASTSPEC_SEED / FASTSPEC_COMMANDS replay or widen the run (a failure names the command, not the seed).
    const batches = sequence(Number(process.env.FASTSPEC_SEED ?? 20261203), Number(process.env.FASTSPEC_COMMANDS ?? 5000));
    const done: Cmd[] = [];
    let resp3Nulls = 0;
    /** HELLO on both sides (its reply names the server: checked only for not being an error). */
    const hello = async (v: string) => {
      for (const x of [...(await rw.pipe(['HELLO', v])), ...(await sw.pipe(['HELLO', v]))]) expect(x.t, `HELLO ${v}`).to.not.equal('-');
    };
    for (const [bi, b] of batches.entries()) {
      // The second half in RESP3 (nulls, arrays and errors of frames encoded for it).
      if (bi === Math.floor(batches.length / 2)) await hello('3');
      const replies: Array<[Reply, Reply]> = [];
      if (b.pipelined) {
        rw.send(...b.cmds);
        sw.send(...b.cmds);
        const [x, y] = await Promise.all([rw.take(b.cmds.length), sw.take(b.cmds.length)]);
        x.forEach((rx, i) => replies.push([rx, y[i]]));
      } else {
        for (const c of b.cmds) {
          rw.send(c);
          sw.send(c);
          const [[x], [y]] = await Promise.all([rw.take(1), sw.take(1)]);
          replies.push([x, y]);
        }
      }
      for (let i = 0; i < b.cmds.length; i++) {
        const [x, y] = replies[i];
        if (y.r.t === '_') resp3Nulls++;
        if (!x.raw.equals(y.raw)) {
          const clip = (v: Buffer) => JSON.stringify(v.toString('latin1', 0, 200));
          expect.fail(
            `reply #${done.length + i + 1} differs: ${fmt(b.cmds[i])}\n  redis: ${show(x.r)}\n  node:  ${show(y.r)}\n  raw redis: ${clip(x.raw)}\n  raw node:  ${clip(y.raw)}\n` +
              `  after: ${[...done, ...b.cmds.slice(0, i)].slice(-5).map(fmt).join(' | ')}`,
          );
        }
      }
      done.push(...b.cmds);
      if (b.sleepAfterMs) await sleep(b.sleepAfterMs);
    }
    await hello('2');
    expect(done.length).to.be.at.least(Number(process.env.FASTSPEC_COMMANDS ?? 5000));
    expect(resp3Nulls, 'RESP3 nulls in the second half').to.be.greaterThan(10);
    // Statistics before the dataset is read (its GETs and TYPEs would count).
    expect(await statsOf(sw)).to.deep.equal(await statsOf(rw));
    let keys = 0;
    for (const db of ['1', '0']) {
      expectReplies(await rw.pipe(['SELECT', db]), [ok], 'redis SELECT');
      expectReplies(await sw.pipe(['SELECT', db]), [ok], 'node SELECT');
      const want = await dataset(rw);
      keys += want.length;
      expect(await dataset(sw), `db ${db}`).to.deep.equal(want);
    }
    expect(keys, 'keys at the end').to.be.greaterThan(10);
    // The fast path carried them (not next()): most GETs and SETs came as frames.
    expect(frames.get('GET') ?? 0, 'GETs run from frames').to.be.greaterThan(400);
    expect(frames.get('SET') ?? 0, 'SETs run from frames').to.be.greaterThan(400);
  });

  it('a seeded random sequence of list, set and sorted-set commands answers and ends as redis-server (listpack limits lowered)', async function () {
    const rw = await freshRedis(this);
    const limits = ['list-max-listpack-size', '4', 'set-max-intset-entries', '4', 'zset-max-listpack-entries', '4']; // (set-max-listpack-entries: 7.2 only)
    const t = await node();
    const frames = spyFrames(t);
    const sw = await wire(t.port);
    for (const w of [rw, sw]) expectReplies(await w.pipe(['CONFIG', 'SET', ...limits]), [ok], 'limits');
    const batches = collectionSequence(Number(process.env.FASTSPEC_SEED ?? 20261204), Number(process.env.FASTSPEC_COMMANDS ?? 4000));
    const done: Cmd[] = [];
    // A client blocked in BLPOP on each side, served by a fast-path push of the sequence.
    const [rb, sb] = [await wire(redis!.port), await wire(t.port)];
    rb.send(['BLPOP', 'l2', '0']);
    sb.send(['BLPOP', 'l2', '0']);
    for (const w of [rw, sw]) {
      for (let i = 0; infoFields(await w.call('INFO', 'clients')).blocked_clients !== '1'; i++) {
        expect(i, 'the BLPOP waiter blocked').to.be.lessThan(200);
        await sleep(10);
      }
    }
    for (const [bi, b] of batches.entries()) {
      if (bi === Math.floor(batches.length / 2)) {
        for (const x of [...(await rw.pipe(['HELLO', '3'])), ...(await sw.pipe(['HELLO', '3']))]) expect(x.t, 'HELLO 3').to.not.equal('-');
      }
      const replies: Array<[Reply, Reply]> = [];
      if (b.pipelined) {
        rw.send(...b.cmds);
        sw.send(...b.cmds);
        const [x, y] = await Promise.all([rw.take(b.cmds.length), sw.take(b.cmds.length)]);
        x.forEach((rx, i) => replies.push([rx, y[i]]));
      } else {
        for (const c of b.cmds) {
          rw.send(c);
          sw.send(c);
          const [[x], [y]] = await Promise.all([rw.take(1), sw.take(1)]);
          replies.push([x, y]);
        }
      }
      for (let i = 0; i < b.cmds.length; i++) {
        const [x, y] = replies[i];
        if (!x.raw.equals(y.raw)) {
          const clip = (v: Buffer) => JSON.stringify(v.toString('latin1', 0, 200));
          expect.fail(`reply #${done.length + i + 1} differs: ${fmt(b.cmds[i])}\n  redis: ${clip(x.raw)}\n  node:  ${clip(y.raw)}\n  after: ${[...done, ...b.cmds.slice(0, i)].slice(-5).map(fmt).join(' | ')}`);
        }
      }
      done.push(...b.cmds);
    }
    for (const w of [rw, sw]) await w.pipe(['HELLO', '2']);
    const [[bx], [by]] = await Promise.all([rb.take(1), sb.take(1)]);
    expect(by.raw.toString('latin1'), 'the BLPOP waiter').to.equal(bx.raw.toString('latin1'));
    expect(await statsOf(sw, COLLECTION_COMMANDS)).to.deep.equal(await statsOf(rw, COLLECTION_COMMANDS));
    const want = await collections(rw);
    expect(want.length, 'keys at the end').to.be.greaterThan(3);
    expect(await collections(sw)).to.deep.equal(want);
    for (const name of ['LPUSH', 'RPUSH', 'LPOP', 'RPOP', 'LRANGE', 'SADD', 'SPOP', 'ZADD', 'ZPOPMIN', 'ZSCORE']) expect(frames.get(name) ?? 0, `${name} from frames`).to.be.greaterThan(30);
  });

  describe('the gatekeeper on fast-path commands', () => {
    it('NOAUTH before AUTH when requirepass is set, served after', async () => {
      const t = await node({ requirepass: 'secret' });
      t.client.on('error', () => undefined); // the harness's client gets NOAUTH too
      const frames = spyFrames(t);
      const w = await wire(t.port);
      const got = await w.pipe(['GET', 'k'], ['SET', 'k', 'v'], ['gEt', 'k'], ['set', 'k', 'v', 'NX'], ['MGET', 'k'], ['INCR', 'n'], ['DEL', 'k'], ['AUTH', 'secret'], ['SET', 'k', 'v'], ['GET', 'k'], ['INCR', 'n']);
      expectReplies(got, [NOAUTH, NOAUTH, NOAUTH, NOAUTH, NOAUTH, NOAUTH, NOAUTH, ok, ok, bulk('v'), int(1)], 'pipeline');
      // A second unauthenticated connection: still refused (and the value not changed by it).
      const w2 = await wire(t.port);
      expectReplies(await w2.pipe(['SET', 'k', 'other'], ['GET', 'k']), [NOAUTH, NOAUTH], 'second connection');
      expectReplies(await w.pipe(['GET', 'k']), [bulk('v')], 'after the refused SET');
      expect(frames.get('GET'), 'GETs from frames').to.equal(5);
      expect(frames.get('SET'), 'SETs from frames').to.equal(4);
    });

    it('OOM for SET (and every denyoom command) over a tiny maxmemory with noeviction; GET still served', async () => {
      const t = await node({ 'maxmemory-policy': 'noeviction' });
      const frames = spyFrames(t);
      const w = await wire(t.port);
      expectReplies(await w.pipe(['SET', 'k', 'before'], ['CONFIG', 'SET', 'maxmemory', '1']), [ok, ok], 'setup');
      const got = await w.pipe(['SET', 'k', 'after'], ['sEt', 'k2', 'v'], ['SET', 'k', 'x', 'XX'], ['GET', 'k'], ['get', 'k2'], ['MSET', 'a', '1'], ['INCR', 'n'], ['INCRBY', 'n', '2'], ['MGET', 'k', 'k2'], ['EXISTS', 'k']);
      expectReplies(got, [OOM, OOM, OOM, bulk('before'), nil, OOM, OOM, OOM, { t: '*', a: [bulk('before'), nil] }, int(1)], 'over maxmemory');
      expectReplies(await w.pipe(['CONFIG', 'SET', 'maxmemory', '0'], ['SET', 'k', 'after'], ['GET', 'k']), [ok, ok, bulk('after')], 'limit lifted');
      expect(frames.get('SET'), 'SETs from frames').to.equal(5);
      expect(frames.get('GET'), 'GETs from frames').to.equal(3);
    });

    it('a replica refuses SET with READONLY and serves GET; SETs from frames on its primary reach it, binary values too', async () => {
      const p = await node();
      const rep = await node();
      const pFrames = spyFrames(p);
      const rFrames = spyFrames(rep);
      await rep.client.replicaof('127.0.0.1', String(p.port));
      await until(() => rep.node.repl.masterLinkUp, 'replica link up');
      const pw = await wire(p.port);
      const r = rng(7);
      const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => r.int(256)));
      const pairs: Array<[Buffer, Buffer]> = [
        [bytesOf('plain'), bytesOf('v1')],
        [ALL_BYTES, ALL_BYTES],
        [Buffer.alloc(0), Buffer.alloc(0)],
        [bytes(48), bytes(41)],
        [bytes(49), bytes(47)],
        [bytesOf('big'), bytes(70000)],
        [bytesOf('a\r\nb'), bytesOf('$-1\r\n')],
      ];
      const sets = pairs.map(([k, v], i) => [i % 2 ? 'set' : 'SET', k, v]);
      expectReplies(await pw.pipe(...sets, ['SET', 'plain', 'v2']), [...sets.map(() => ok), ok], 'primary SETs');
      // (The 70,000-byte SET may arrive in two reads and go through next().)
      expect(pFrames.get('SET'), 'SETs from frames on the primary').to.be.at.least(pairs.length);
      await until(() => rep.node.repl.offset === p.node.repl.offset, 'replica caught up', 10000);
      pairs[0][1] = bytesOf('v2');
      const rw = await wire(rep.port);
      const got = await rw.pipe(...pairs.map(([k]) => ['GET', k]), ['SET', 'x', 'y'], ['set', 'plain', 'z'], ['MSET', 'x', '1'], ['INCR', 'n'], ['DEL', 'plain'], ['GET', 'x'], ['GET', 'plain']);
      expectReplies(got, [...pairs.map(([, v]) => bulk(v)), READONLY, READONLY, READONLY, READONLY, READONLY, nil, bulk('v2')], 'replica');
      expect(rFrames.get('SET'), 'SETs from frames on the replica').to.equal(2);
      expect(rFrames.get('GET'), 'GETs from frames on the replica').to.equal(pairs.length + 2);
    });

    it('MONITOR shows pipelined GET/SET with their arguments exactly, as redis-server', async function () {
      const rw = await freshRedis(this);
      const t = await node();
      const frames = spyFrames(t);
      const cmds: Arg[][] = [
        ['GET', 'k'],
        ['sEt', 'k', Buffer.from('a"b\\c\n\r\t\x07\x08\x00\x7f\xff é', 'latin1')],
        ['get', ''],
        ['SET', '', ''],
        ['SET', Buffer.from([0, 1, 2, 0x20, 0x7e, 0x80, 0xfe]), 'v', 'EX', '100'],
        ['MGET', 'k', 'x'],
        ['INCR', 'n'],
        ['GET', 'k', 'extra'], // wrong arity: rejected before MONITOR sees it
        ['GET', 'k'],
      ];
      const shown = async (port: number): Promise<string[]> => {
        const mon = await wire(port);
        expectReplies(await mon.pipe(['MONITOR']), [ok], 'MONITOR');
        const w = await wire(port);
        await w.pipe(...cmds);
        await w.pipe(['ECHO', 'end']);
        // This connection's lines only (the harness's ioredis client may still be talking), up to ECHO end.
        const who = `127.0.0.1:${w.sock.localPort}`;
        const out: string[] = [];
        for (;;) {
          const line = text((await mon.take(1))[0].r);
          const m = /^\d+\.\d{6} \[0 ([^\]]+)\] (.*)$/s.exec(line);
          expect(m, line).to.not.equal(null);
          const [, from, args] = m as RegExpExecArray;
          if (from !== who) continue;
          if (args === '"ECHO" "end"') return out;
          out.push(args);
        }
      };
      const want = cmds.filter((c) => c.length !== 3 || c[2] !== 'extra').map((c) => c.map(repr).join(' '));
      const fromNode = await shown(t.port);
      expect(fromNode).to.deep.equal(want);
      rw.close();
      expect(await shown((redis as RedisProcess).port)).to.deep.equal(fromNode);
      expect(frames.get('GET'), 'GETs from frames').to.equal(4);
      expect(frames.get('SET'), 'SETs from frames').to.equal(3);
    });

    it('INFO commandstats, errorstats and keyspace hits/misses count fast-path commands as redis-server', async function () {
      const rw = await freshRedis(this);
      const t = await node();
      const frames = spyFrames(t);
      const sw = await wire(t.port);
      expectReplies(await sw.pipe(['CONFIG', 'RESETSTAT']), [ok], 'resetstat');
      const cmds: Arg[][] = [
        ['SET', 'a', '1'],
        ['GET', 'a'],
        ['get', 'a'],
        ['GET', 'missing'],
        ['HSET', 'h', 'f', 'v'],
        ['GET', 'h'], // WRONGTYPE: failed_calls
        ['GET'], // arity: rejected_calls
        ['GET', 'a', 'extra'],
        ['SET', 'a'],
        ['SET', 'a', '2', 'EX', '0'], // invalid expire time: failed
        ['SET', 'h', 'x', 'GET'], // WRONGTYPE with GET
        ['MGET', 'a', 'missing', 'h'],
        ['EXISTS', 'a', 'missing'],
        ['TYPE', 'a'],
        ['INCR', 'a'],
        ['INCR', 'h'],
        ['INCRBY', 'a', 'x'],
        ['DEL', 'a', 'missing'],
        ['GET', 'a'],
      ];
      const [x, y] = await Promise.all([rw.pipe(...cmds), sw.pipe(...cmds)]);
      expectReplies(y, x, 'replies');
      const want = await statsOf(rw);
      const got = await statsOf(sw);
      expect(got).to.deep.equal(want);
      // And as read off Redis 7.0.15 by hand, so that this fails alone too.
      expect(got.cmdstat_get).to.equal('calls=5,rejected_calls=2,failed_calls=1');
      expect(got.cmdstat_set).to.equal('calls=3,rejected_calls=1,failed_calls=2');
      expect(got.errorstat_WRONGTYPE).to.equal('count=3');
      expect(got.keyspace_hits, 'hits').to.equal(want.keyspace_hits);
      expect(Number(got.keyspace_hits)).to.be.greaterThan(0);
      expect(Number(got.keyspace_misses)).to.be.greaterThan(0);
      expect(frames.get('GET'), 'GETs from frames').to.equal(7);
    });
  });

  it('commands split across TCP writes at random positions, mixed with whole ones, answer in order as redis-server', async function () {
    const rw = await freshRedis(this);
    const t = await node();
    const frames = spyFrames(t);
    const sw = await wire(t.port);
    const r = rng(42);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => r.int(256)));
    // A SET and a GET byte by byte, each byte its own write.
    const value = bytes(60);
    for (const cmd of [multibulk(['SET', 'bb', value]), multibulk(['gEt', 'bb'])]) {
      for (let i = 0; i < cmd.length; i++) {
        rw.write(cmd.subarray(i, i + 1));
        sw.write(cmd.subarray(i, i + 1));
        await sleep(1);
      }
    }
    const [bx, by] = await Promise.all([rw.take(2), sw.take(2)]);
    expectReplies(bx.map((z) => z.r), [ok, bulk(value)], 'redis byte by byte');
    expectReplies(by.map((z) => z.r), [ok, bulk(value)], 'node byte by byte');
    expect(frames.size, 'no frame for a command that arrived byte by byte').to.equal(0);
    // Batches: some commands whole, others cut at random byte positions with a pause after each piece.
    const keys = ['s1', 's2', 's3', '', 'x{y}z'];
    let fastSent = 0;
    for (let round = 0; round < 6; round++) {
      const cmds: Arg[][] = [];
      for (let i = 0; i < 30; i++) {
        const k = r.pick(keys);
        const x = r.int(6);
        if (x < 2) cmds.push(['SET', k, bytes(r.pick([0, 1, 41, 48, 49, 300, 5000]))]);
        else if (x < 4) cmds.push([r.pick(['GET', 'get', 'Get']), k]);
        else if (x === 4) cmds.push(['MGET', ...keys]);
        else cmds.push(['SET', k, bytes(10), 'XX', 'GET']);
      }
      const chunks: Buffer[] = [];
      let pending: Buffer[] = [];
      for (const c of cmds) {
        const b = multibulk(c);
        if (r.chance(0.5)) {
          pending.push(b);
          continue;
        }
        let at = 0;
        for (let pieces = 1 + r.int(3); pieces > 0 && at < b.length - 1; pieces--) {
          const cut = at + 1 + r.int(b.length - at - 1);
          pending.push(b.subarray(at, cut));
          chunks.push(Buffer.concat(pending));
          pending = [];
          at = cut;
        }
        pending.push(b.subarray(at));
      }
      if (pending.length > 0) chunks.push(Buffer.concat(pending));
      for (const ch of chunks) {
        rw.write(ch);
        sw.write(ch);
        await sleep(2);
      }
      const [x, y] = await Promise.all([rw.take(cmds.length), sw.take(cmds.length)]);
      for (let i = 0; i < cmds.length; i++) expect(show(y[i].r), `round ${round} #${i}: ${fmt(cmds[i])}`).to.equal(show(x[i].r));
      expect(y.map((z) => z.raw)).to.deep.equal(x.map((z) => z.raw));
      fastSent += cmds.filter((c) => hasFast(t, String(c[0]))).length;
    }
    // Both paths ran: whole commands as frames, split ones (which have a fast path) through next().
    const fromFrames = [...frames.values()].reduce((a, b) => a + b, 0);
    expect(fromFrames, 'commands run from frames').to.be.greaterThan(10);
    expect(fastSent - fromFrames, 'fast-path commands run by next()').to.be.greaterThan(10);
  });
});

describe('server/fast-path: cluster routing and the ack gate from frames', function () {
  this.timeout(60000);
  let cluster: TestCluster | null = null;
  let kr: RedisProcess | null = null;
  const wires: Wire[] = [];
  const open = async (port: number): Promise<Wire> => {
    const w = await Wire.open(port);
    wires.push(w);
    return w;
  };
  /**
   * Pipelines the commands; again (50 ms later, 40 times at most) while a reply is CLUSTERDOWN: a primary
   * fences its reads for a moment when its replica's acks come late on a busy machine.
   */
  async function unfenced(w: Wire, ...cmds: Cmd[]): Promise<Resp[]> {
    for (let i = 0; ; i++) {
      const got = await w.pipe(...cmds);
      if (i >= 40 || !got.some((x) => x.t === '-' && x.s.startsWith('CLUSTERDOWN'))) return got;
      await sleep(50);
    }
  }
  /** The primary's port of every node's shard, by port (a primary maps to itself). */
  async function primaries(c: TestCluster): Promise<Map<number, number>> {
    const t = await c.topology();
    const out = new Map<number, number>();
    for (const sh of Object.values(t.shards)) {
      const p = t.nodes[sh.primary].addr.port;
      out.set(p, p);
      for (const r of sh.replicas) out.set(t.nodes[r].addr.port, p);
    }
    return out;
  }

  before(async function () {
    if (!haveRedis) this.skip();
    // Two shards of a primary and a replica (replication-ack sync, the default); a redis-server in
    // cluster mode only for CLUSTER KEYSLOT (Redis's own slot of each key).
    [cluster, kr] = await Promise.all([startCluster({ nodes: 4, replicas: 1 }), startRedis(['--cluster-enabled', 'yes'])]);
    await cluster.waitStable();
    // A primary refuses reads (CLUSTERDOWN) until its in-sync replica's acks vouch for it (membership.ts
    // readsFenced): wait for that on every node, so the MOVED below is the answer and not the fence.
    const c = cluster;
    for (const n of c.live()) {
      await c.waitUntil(
        async () => {
          const r = await c.command(n.port, 'GET', 'probe');
          return !(r instanceof Error && r.message.startsWith('CLUSTERDOWN'));
        },
        10000,
        `reads served by ${n.port}`,
      );
    }
  });
  after(async () => {
    for (const w of wires.splice(0)) w.close();
    await Promise.all([cluster?.stop(), kr?.stop()]);
  });

  it('GET/SET of a key another primary owns answer MOVED with the slot Redis computes; its owner serves them; a replica redirects to its primary', async () => {
    const c = cluster as TestCluster;
    const kw = await open((kr as RedisProcess).port);
    const primaryOf = await primaries(c);
    const ports = [...new Set(primaryOf.values())];
    expect(ports, 'two primaries').to.have.length(2);
    const ws = new Map<number, Wire>();
    for (const p of primaryOf.keys()) ws.set(p, await open(p));
    const owners = await c.slotOwners(ports[0]);
    const keys: Buffer[] = [
      'foo',
      'bar',
      '{user1000}.following',
      '{user1000}.followers',
      'a{}b',
      '{}x',
      '{{a}}',
      'x{a}y{b}',
      '}{a}',
      '{a',
      '',
      '\xff{\x80\r\n}z',
      '{\x00}',
    ].map(bytesOf);
    keys.push(ALL_BYTES);
    // Tagged keys whose slot by the whole key differs from their tag's: a hash-tag slip shows on some.
    for (let i = 0; i < 12; i++) keys.push(bytesOf(`{user${i}}.following:${i * 7}`), Buffer.from([0x7b, 0x80 + i, 0x00, 0x7d, 0xff, i]));
    const movedOn = new Set<number>();
    for (const k of keys) {
      const slot = Number(text(await kw.call('CLUSTER', 'KEYSLOT', k)));
      const owner = owners[slot];
      expect(ports, `owner of slot ${slot}`).to.include(owner);
      const other = ports.find((p) => p !== owner) as number;
      const moved = err(`MOVED ${slot} 127.0.0.1:${owner}`);
      const away = await unfenced(ws.get(other) as Wire, ['GET', k], ['SET', k, 'v'], ['gEt', k], ['set', k, ALL_BYTES]);
      expectReplies(away, [moved, moved, moved, moved], `${fmt([k])} on ${other}`);
      movedOn.add(other);
      const home = await unfenced(ws.get(owner) as Wire, ['SET', k, ALL_BYTES], ['GET', k], ['CLUSTER', 'KEYSLOT', k]);
      expectReplies(home, [ok, bulk(ALL_BYTES), int(slot)], `${fmt([k])} on its owner ${owner}`);
      // Its owner's replica: MOVED to the owner for GET and SET.
      const replica = [...primaryOf].find(([r, p]) => p === owner && r !== owner)![0];
      expectReplies(await unfenced(ws.get(replica) as Wire, ['GET', k], ['SET', k, 'v']), [moved, moved], `${fmt([k])} on replica ${replica}`);
    }
    expect(movedOn.size, 'both primaries redirected some key').to.equal(2);
  });

  it('a SET from a frame is acknowledged only once the in-sync replica has it (replication-ack sync)', async () => {
    const c = cluster as TestCluster;
    const primaryOf = await primaries(c);
    const owners = await c.slotOwners(c.seed);
    const owner = owners[Number(text(await (await open((kr as RedisProcess).port)).call('CLUSTER', 'KEYSLOT', 'gate')))];
    const replicaPort = [...primaryOf].find(([r, p]) => p === owner && r !== owner)![0];
    const replica = c.live().find((n) => n.port === replicaPort)!;
    const w = await open(owner);
    expectReplies(await unfenced(w, ['SET', 'gate', 'v1'], ['GET', 'gate']), [ok, bulk('v1')], 'replica running');
    replica.proc.kill('SIGSTOP');
    try {
      const t0 = Date.now();
      // The reply waits for the frozen replica until it leaves the in-sync set (LAG_MS, 500 ms).
      expectReplies(await w.pipe(['SET', 'gate', 'v2']), [ok], 'replica frozen');
      expect(Date.now() - t0, 'ms before the SET was acknowledged').to.be.at.least(300);
      expectReplies(await unfenced(w, ['GET', 'gate']), [bulk('v2')], 'after the SET');
    } finally {
      replica.proc.kill('SIGCONT');
    }
  });
});
