// The command table: every family's declarations in one Map, keyed by lower-case name (and, for speed,
// the upper-case spelling clients most often send). Add a family here and its commands exist everywhere:
// dispatcher, COMMAND, README table spec.
import type { Command, CommandSpec } from './types';
import { connectionCommands } from './connection';
import { stringCommands } from './string';
import { hashCommands } from './hash';
import { hashExpireCommands } from './hash-expire';
import { listCommands } from './list';
import { listBlockingCommands } from './list-blocking';
import { setCommands } from './set';
import { bitmapCommands } from './bitmap';
import { hyperloglogCommands } from './hyperloglog';
import { zsetCommands } from './zset';
import { zsetBlockingCommands } from './zset-blocking';
import { zsetRangeCommands } from './zset-range';
import { zsetSetopCommands } from './zset-setops';
import { geoCommands } from './geo';
import { keyspaceCommands } from './keyspace';
import { sortCommands } from './sort';
import { serverCommands } from './server';
import { memoryCommands } from './memory';
import { clusterCommands } from './cluster';
import { replicationCommands } from './replication';

/** Every declared command, by family, in the order the README lists them. */
export const families: ReadonlyArray<{ name: string; commands: readonly CommandSpec[] }> = [
  { name: 'connection', commands: connectionCommands },
  { name: 'server', commands: serverCommands },
  { name: 'memory', commands: memoryCommands },
  { name: 'string', commands: stringCommands },
  { name: 'hash', commands: [...hashCommands, ...hashExpireCommands] },
  { name: 'list', commands: [...listCommands, ...listBlockingCommands] },
  { name: 'set', commands: setCommands },
  { name: 'bitmap', commands: bitmapCommands },
  { name: 'hyperloglog', commands: hyperloglogCommands },
  { name: 'sorted-set', commands: [...zsetCommands, ...zsetBlockingCommands, ...zsetRangeCommands, ...zsetSetopCommands] },
  { name: 'geo', commands: geoCommands },
  { name: 'keyspace', commands: [...keyspaceCommands, ...sortCommands] },
  { name: 'cluster', commands: clusterCommands },
  { name: 'replication', commands: replicationCommands },
];

export const allSpecs: readonly CommandSpec[] = families.flatMap((f) => f.commands);

function build(spec: CommandSpec, parent?: Command): Command {
  const fullName = parent ? `${parent.fullName}|${spec.name}` : spec.name;
  const f = spec.flags;
  const cmd: Command = {
    spec,
    fullName,
    parent,
    stat: { calls: 0, usec: 0, rejected: 0, failed: 0 },
    write: f.includes('write'),
    denyoom: f.includes('denyoom'),
    noAuth: f.includes('no_auth'),
    unmonitored: f.includes('admin') || f.includes('skip_monitor'),
  };
  if (spec.subcommands) {
    cmd.subs = new Map();
    for (const sub of spec.subcommands) cmd.subs.set(sub.name, build(sub, cmd));
  }
  return cmd;
}

/** Longest name a byte fast path may have (27^11 < 2^53: packName stays exact). */
const FAST_NAME_MAX = 11;

/**
 * A command name of letters only, at most FAST_NAME_MAX of them, packed into one number in base 27
 * (a..z and A..Z as 1..26: any case); -1 for anything else.
 */
function packName(buf: Uint8Array, off: number, len: number): number {
  if (len > FAST_NAME_MAX) return -1;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const c = (buf[off + i] | 0x20) - 0x60;
    if (c < 1 || c > 26) return -1;
    v = v * 27 + c;
  }
  return v;
}

export class CommandTable {
  private byName = new Map<string, Command>();
  /** Commands with a byte fast path, by packed name (packName). */
  private fastByName = new Map<number, Command>();
  /** Top-level commands, in declaration order. */
  readonly list: Command[] = [];

  constructor(specs: readonly CommandSpec[] = allSpecs) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
      const cmd = build(spec);
      this.list.push(cmd);
      this.byName.set(spec.name, cmd);
      this.byName.set(spec.name.toUpperCase(), cmd);
      if (spec.fast !== undefined) {
        if (!/^[a-z]+$/.test(spec.name) || spec.name.length > FAST_NAME_MAX) throw new Error(`command ${spec.name}: a fast path needs a name of at most ${FAST_NAME_MAX} letters`);
        const b = Buffer.from(spec.name, 'latin1');
        this.fastByName.set(packName(b, 0, b.length), cmd);
      }
    }
  }

  /** The command with a byte fast path named by buf[off, off + len) (any case), or undefined. */
  lookupFast(buf: Uint8Array, off: number, len: number): Command | undefined {
    return this.fastByName.get(packName(buf, off, len));
  }

  /** The command for a name as a client sent it (any case), or undefined. */
  lookup(name: string): Command | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Every command and subcommand (for stats). */
  *all(): IterableIterator<Command> {
    for (const c of this.list) {
      yield c;
      if (c.subs) yield* c.subs.values();
    }
  }
}
