// COMMAND and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS, GETKEYSANDFLAGS, HELP), all answered
// from the CommandSpec declarations. Replies have Redis 7's shape; the COMMAND container's declaration is
// in server.ts.
import * as E from '../protocol/errors';
import type { Reply } from '../protocol/reply';
import type { Session as Client } from './types';
import { globMatch } from '../util/glob';
import { is } from './args';
import { replyHelp } from './help';
import { keyIndexes, type Command, type CommandSpec, type ServerHost } from './types';

/**
 * Redis's order of flags in COMMAND INFO (addReplyFlagsForCommand). Flags Redis hides there
 * (may_replicate, sentinel, only_sentinel, protected) are absent.
 */
export const FLAG_ORDER: readonly string[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale',
  'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading',
  'no_multi', 'movablekeys', 'allow_busy',
];

/** Redis's order of ACL categories (ACLCommandCategories). */
const ACL_ORDER: readonly string[] = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo',
  'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

function ordered(items: readonly string[], order: readonly string[]): string[] {
  const rank = (s: string) => {
    const i = order.indexOf(s);
    return i < 0 ? order.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/** The flags COMMAND INFO shows for a spec, in Redis's order ('movablekeys' when keys move). */
export function infoFlags(spec: CommandSpec): string[] {
  const flags: string[] = spec.flags.filter((f) => FLAG_ORDER.includes(f));
  if (spec.getKeys) flags.push('movablekeys');
  return ordered(flags, FLAG_ORDER);
}

/** The ACL categories COMMAND INFO shows, without '@', in Redis's order. */
export function infoAcl(spec: CommandSpec): string[] {
  return ordered(spec.acl, ACL_ORDER);
}

/**
 * Key spec flags derived from the command flags: RO+access for readonly commands, RW+update for writes
 * (Redis's own specs are finer: RM+delete for DEL, OW for MSET...).
 */
function keySpecFlags(spec: CommandSpec): string[] {
  if (spec.flags.includes('write')) return ['RW', 'update'];
  return ['RO', 'access'];
}

/** The command for a name as COMMAND INFO/DOCS take it: 'get', 'CONFIG|GET'; undefined when unknown. */
export function findCommand(node: ServerHost, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar < 0) return node.commands.lookup(name);
  const parent = node.commands.lookup(name.slice(0, bar));
  return parent?.subs?.get(name.slice(bar + 1).toLowerCase());
}

/** One key spec (a map): begin_search index / find_keys range from first/last/step, 'unknown' for movable keys. */
function writeKeySpec(out: Reply, spec: CommandSpec): void {
  out.map(3);
  out.bulk('flags');
  const flags = keySpecFlags(spec);
  out.set(flags.length);
  for (const f of flags) out.simple(f);
  const { first, last, step } = spec.keys;
  out.bulk('begin_search');
  out.map(2);
  out.bulk('type');
  if (spec.getKeys) {
    out.bulk('unknown');
    out.bulk('spec');
    out.map(0);
    out.bulk('find_keys');
    out.map(2);
    out.bulk('type');
    out.bulk('unknown');
    out.bulk('spec');
    out.map(0);
    return;
  }
  out.bulk('index');
  out.bulk('spec');
  out.map(1);
  out.bulk('index');
  out.int(first);
  out.bulk('find_keys');
  out.map(2);
  out.bulk('type');
  out.bulk('range');
  out.bulk('spec');
  out.map(3);
  out.bulk('lastkey');
  out.int(last < 0 ? last : last - first);
  out.bulk('keystep');
  out.int(step);
  out.bulk('limit');
  out.int(0);
}

/**
 * COMMAND INFO's entry for one command, Redis 7's shape: [name, arity, flags, first, last, step,
 * acl categories, tips, key specs, subcommands]. RESP3 types as redis-server 7.0.15 sends them: flags,
 * categories, tips and key specs are sets; subcommands a set when empty, else an array.
 */
export function writeCommandInfo(out: Reply, cmd: Command): void {
  const spec = cmd.spec;
  out.array(10);
  out.bulk(cmd.fullName);
  out.int(spec.arity);
  const flags = infoFlags(spec);
  out.set(flags.length);
  for (const f of flags) out.simple(f);
  out.int(spec.keys.first);
  out.int(spec.keys.last);
  out.int(spec.keys.step);
  const acl = infoAcl(spec);
  out.set(acl.length);
  for (const a of acl) out.simple('@' + a);
  out.set(0); // tips
  const hasKeys = spec.keys.first !== 0 || spec.getKeys !== undefined;
  out.set(hasKeys ? 1 : 0);
  if (hasKeys) writeKeySpec(out, spec);
  // As Redis 7 on the wire: no subcommands is an empty set (~0), some are an array (*N).
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  if (subs.length === 0) out.set(0);
  else out.array(subs.length);
  for (const sub of subs) writeCommandInfo(out, sub);
}

/** COMMAND DOCS's value for one command: a map of summary, since, group (and subcommands). */
function writeCommandDocs(out: Reply, cmd: Command): void {
  const spec = cmd.spec;
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  out.map(subs.length > 0 ? 4 : 3);
  out.bulk('summary');
  out.bulk(spec.summary);
  out.bulk('since');
  out.bulk(spec.since);
  out.bulk('group');
  out.bulk(spec.group);
  if (subs.length === 0) return;
  out.bulk('subcommands');
  out.map(subs.length);
  for (const sub of subs) {
    out.bulk(sub.fullName);
    writeCommandDocs(out, sub);
  }
}

/** COMMAND (no subcommand): every command's info. */
export function commandAll(c: Client): void {
  const list = c.node.commands.list;
  c.out.array(list.length);
  for (const cmd of list) writeCommandInfo(c.out, cmd);
}

/** COMMAND COUNT: the number of top-level commands. */
export function commandCount(c: Client): void {
  c.out.int(c.node.commands.list.length);
}

/** COMMAND INFO [name ...]: every command's info, or one entry per name (nil when unknown). */
export function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) return commandAll(c);
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const cmd = findCommand(c.node, argv[i]);
    if (cmd) writeCommandInfo(c.out, cmd);
    else c.out.nil();
  }
}

/** COMMAND DOCS [name ...]: a map of name to docs, for every command or the known names asked for. */
export function commandDocs(c: Client, argv: string[]): void {
  let cmds: readonly Command[] = c.node.commands.list;
  if (argv.length > 2) {
    const found: Command[] = [];
    for (let i = 2; i < argv.length; i++) {
      const cmd = findCommand(c.node, argv[i]);
      if (cmd) found.push(cmd);
    }
    cmds = found;
  }
  c.out.map(cmds.length);
  for (const cmd of cmds) {
    c.out.bulk(cmd.fullName);
    writeCommandDocs(c.out, cmd);
  }
}

/**
 * COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names of commands and
 * subcommands ('config|get'). No modules exist, so MODULE selects nothing. Anything else: syntax error.
 */
export function commandList(c: Client, argv: string[]): void {
  let keep: (cmd: Command) => boolean = () => true;
  if (argv.length === 5 && is(argv[2], 'filterby')) {
    const arg = argv[4];
    if (is(argv[3], 'module')) keep = () => false;
    else if (is(argv[3], 'aclcat')) keep = (cmd) => cmd.spec.acl.includes(arg.toLowerCase());
    else if (is(argv[3], 'pattern')) keep = (cmd) => globMatch(arg, cmd.fullName, true);
    else return c.out.error(E.ERR_SYNTAX);
  } else if (argv.length !== 2) {
    return c.out.error(E.ERR_SYNTAX);
  }
  const names: string[] = [];
  for (const cmd of c.node.commands.all()) if (keep(cmd)) names.push(cmd.fullName);
  c.out.bulks(names);
}

/**
 * The argv indexes of the keys of the command in argv[2..] (shifted to argv), or an error text: Invalid
 * command specified, The command has no key arguments, Invalid number of arguments specified for
 * command, Invalid arguments specified for command (no key found where one is mandatory).
 */
function getKeys(c: Client, argv: string[]): { cmd: Command; keys: number[] } | string {
  let cmd = c.node.commands.lookup(argv[2]);
  if (cmd?.subs && argv.length > 3) cmd = cmd.subs.get(argv[3].toLowerCase());
  if (!cmd) return E.ERR_GETKEYS_INVALID_COMMAND;
  const spec = cmd.spec;
  if (spec.keys.first === 0 && !spec.getKeys) return E.ERR_GETKEYS_NO_KEYS;
  const argc = argv.length - 2;
  if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) return E.ERR_GETKEYS_ARITY;
  const keys = keyIndexes(spec, argv.slice(2));
  if (keys.length === 0 && !spec.flags.includes('no_mandatory_keys')) return E.ERR_GETKEYS_INVALID_ARGS;
  return { cmd, keys };
}

/** COMMAND GETKEYS command [arg ...]: the keys of a full command (errors: see getKeys). */
export function commandGetKeys(c: Client, argv: string[]): void {
  const r = getKeys(c, argv);
  if (typeof r === 'string') return c.out.error(r);
  c.out.array(r.keys.length);
  for (const k of r.keys) c.out.bulk(argv[k + 2]);
}

/** COMMAND GETKEYSANDFLAGS command [arg ...]: [key, [key spec flags]] per key. */
export function commandGetKeysAndFlags(c: Client, argv: string[]): void {
  const r = getKeys(c, argv);
  if (typeof r === 'string') return c.out.error(r);
  const flags = keySpecFlags(r.cmd.spec);
  c.out.array(r.keys.length);
  for (const k of r.keys) {
    c.out.array(2);
    c.out.bulk(argv[k + 2]);
    c.out.set(flags.length);
    for (const f of flags) c.out.simple(f);
  }
}

export function commandHelp(c: Client): void {
  replyHelp(c, 'COMMAND', [
    '(no subcommand)',
    '    Return details about all Redis commands.',
    'COUNT',
    '    Return the total number of commands in this Redis server.',
    'LIST',
    '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]',
    '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]',
    '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>',
    '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>',
    '    Return the keys and the access flags from a full Redis command.',
  ]);
}
