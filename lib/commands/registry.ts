// The command table: every family's declarations in one Map, keyed by lower-case name (and, for speed,
// the upper-case spelling clients most often send). Add a family here and its commands exist everywhere:
// dispatcher, COMMAND, README table spec.
import type { Command, CommandSpec } from './types';
import { connectionCommands } from './connection';
import { stringCommands } from './string';
import { hashCommands } from './hash';
import { hashExpireCommands } from './hash-expire';
import { keyspaceCommands } from './keyspace';
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
  { name: 'keyspace', commands: keyspaceCommands },
  { name: 'cluster', commands: clusterCommands },
  { name: 'replication', commands: replicationCommands },
];

export const allSpecs: readonly CommandSpec[] = families.flatMap((f) => f.commands);

function build(spec: CommandSpec, parent?: Command): Command {
  const fullName = parent ? `${parent.fullName}|${spec.name}` : spec.name;
  const cmd: Command = { spec, fullName, parent, stat: { calls: 0, usec: 0, rejected: 0, failed: 0 } };
  if (spec.subcommands) {
    cmd.subs = new Map();
    for (const sub of spec.subcommands) cmd.subs.set(sub.name, build(sub, cmd));
  }
  return cmd;
}

export class CommandTable {
  private byName = new Map<string, Command>();
  /** Top-level commands, in declaration order. */
  readonly list: Command[] = [];

  constructor(specs: readonly CommandSpec[] = allSpecs) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
      const cmd = build(spec);
      this.list.push(cmd);
      this.byName.set(spec.name, cmd);
      this.byName.set(spec.name.toUpperCase(), cmd);
    }
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
