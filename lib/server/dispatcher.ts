// The one gatekeeper, in Redis's order (server.c processCommand): lookup, arity, auth, cluster routing,
// memory for denyoom commands, run, statistics. Handlers never repeat these checks.
import * as E from '../protocol/errors';
import type { Command, FastHandler } from '../commands/types';
import type { Frame } from '../protocol/parser';
import { keySlotBytes } from '../util/slots';
import type { Client } from './client';
import type { NodeCore as Node } from './host';
import { performance } from 'perf_hooks';

/**
 * Runs one command for client c, writing exactly one reply (or none when the connection is closing).
 * Rejections: unknown command or subcommand, wrong arity, NOAUTH, a cluster redirect or refusal
 * (MOVED, ASK, CROSSSLOT, CLUSTERDOWN, TRYAGAIN: cluster/router.ts), OOM. A handler's exception is a bug:
 * it becomes ERR internal error and is logged; the node keeps running.
 */
export function execute(node: Node, c: Client, argv: string[]): void {
  if (c.master) return executeMaster(node, c, argv);
  // ASKING holds for the one command after it, whatever that command's fate (Redis's resetClient).
  const asking = c.asking;
  c.asking = false;
  let cmd = node.commands.lookup(argv[0]);
  if (cmd === undefined) {
    reject(node, c, undefined, E.errUnknownCommand(argv));
    return;
  }
  if (cmd.subs !== undefined && argv.length >= 2) {
    const sub = cmd.subs.get(argv[1].toLowerCase());
    if (sub === undefined) {
      reject(node, c, undefined, E.ERR_UNKNOWN_SUBCOMMAND(argv[1], cmd.fullName));
      return;
    }
    cmd = sub;
  }
  run(node, c, cmd, argv, null, asking);
}

/**
 * Runs the command c's parser just parsed into `f` (RequestParser.nextFrame): a command with a byte
 * fast path passes the same gatekeeper with no argument strings made (unless a check needs them);
 * any other is made into strings and runs as execute() runs it.
 */
export function executeFrame(node: Node, c: Client, f: Frame): void {
  const cmd = node.commands.lookupFast(f.buf, f.off[0], f.len[0]);
  if (cmd === undefined) return execute(node, c, c.frameArgv());
  const asking = c.asking;
  c.asking = false;
  run(node, c, cmd, null, f, asking);
}

/**
 * The gatekeeper's checks in Redis's order, then the handler, replication effects and statistics.
 * Exactly one of argv (the string arguments) and f (a frame, for a command with a fast path) is given;
 * a check that needs strings (cluster routing off the fast slot check, MONITOR) makes them from f.
 */
function run(node: Node, c: Client, cmd: Command, argv: string[] | null, f: Frame | null, asking: boolean): void {
  const out = c.out;
  const spec = cmd.spec;
  const arity = spec.arity;
  const argc = argv !== null ? argv.length : (f as Frame).argc;
  if ((arity > 0 && argc !== arity) || argc < -arity) {
    reject(node, c, cmd, E.ERR_WRONG_ARITY(cmd.fullName));
    return;
  }
  // Redis's authRequired(): a client that never authenticated may run anything once requirepass is
  // cleared at run time, and needs AUTH again if a password is set later.
  if (!c.authenticated && !cmd.noAuth && node.config.str('requirepass') !== '') {
    reject(node, c, cmd, E.ERR_NOAUTH);
    return;
  }
  const agent = node.cluster;
  if (agent !== null) {
    // A frame's one key in a slot served here as it is: no strings needed (router.ts servesHere).
    const local = f !== null && spec.keys.first === 1 && spec.keys.last === 1 && spec.getKeys === undefined && f.argc > 1 && agent.servesHere(spec, keySlotBytes(f.buf, f.off[1], f.len[1]));
    if (!local) {
      if (argv === null) argv = c.frameArgv();
      const redirect = agent.route(c, spec, argv, asking);
      if (redirect !== null) {
        reject(node, c, cmd, redirect);
        return;
      }
    }
  }
  // Over maxmemory after evicting, or near V8's heap limit (heapTight): commands that may grow memory
  // get OOM, everything else still runs.
  if (node.maxmemory > 0 || node.heapTight) {
    const full = (node.maxmemory > 0 && !node.evictor.makeRoom()) || node.heapTight;
    if (full && cmd.denyoom) {
      reject(node, c, cmd, E.ERR_OOM);
      return;
    }
  }
  // A read-only replica refuses writes; a primary with min-replicas-to-write refuses them without
  // enough good replicas (Redis's order: after OOM).
  const repl = node.repl;
  if (repl.gate && cmd.write) {
    if (repl.role === 'replica') {
      reject(node, c, cmd, E.ERR_READONLY_REPLICA);
      return;
    }
    if (repl.primary.goodReplicas(node.config.num('min-replicas-max-lag')) < node.config.num('min-replicas-to-write')) {
      reject(node, c, cmd, E.ERR_NOREPLICAS);
      return;
    }
  }
  if (node.monitors.size > 0 && !cmd.unmonitored) {
    if (argv === null) argv = c.frameArgv();
    node.feedMonitors(c, argv);
  }
  const handler = spec.handler;
  if (handler === undefined) {
    // A container called without a subcommand passes arity only when declared so; answer as Redis.
    reject(node, c, cmd, E.ERR_WRONG_ARITY(cmd.fullName));
    return;
  }
  // Set before running, as Redis: CLIENT LIST / INFO show the caller's cmd as the running command.
  c.lastCommand = cmd.fullName;
  const errorsBefore = out.errors;
  const effects = node.env.effects;
  effects.db = c.db.id;
  out.checkpoint();
  const chain = node.cmdChain;
  const t0 = chain > 0 ? chain : performance.now();
  try {
    if (argv === null) {
      const fast = spec.fast as FastHandler;
      if (!fast(c, f as Frame)) handler(c, c.frameArgv());
    } else handler(c, argv);
  } catch (e) {
    node.stats.internalErrors++;
    node.log.warning(`internal error in '${cmd.fullName}': ${e instanceof Error ? e.stack : String(e)}`);
    out.rollback(); // no half-written reply before the error
    out.internalError();
  }
  // Replication: the effects the handler recorded (none unless this primary has a backlog).
  if (effects.size > 0) repl.applyEffects(effects);
  // replication-ack sync: a write's reply (and every later one on this connection) waits for the replicas.
  if (agent !== null && agent.gate !== null && cmd.write) agent.gate.hold(c);
  const stat = cmd.stat;
  const t1 = performance.now();
  stat.usec += (t1 - t0) * 1000;
  if (chain >= 0) node.cmdChain = t1;
  stat.calls++;
  if (out.errors !== errorsBefore) {
    stat.failed++;
    node.stats.countError(out.lastError);
  }
  node.stats.totalCommands++;
  // Clients blocked on keys this command made ready are served now (blocking.ts).
  node.blocking.afterCommand();
}

/**
 * A command from the master client (the replication stream on a replica): no auth, routing, OOM or
 * read-only checks, and no reply (whatever the handler writes is dropped). A malformed command is
 * skipped. A handler's exception is logged.
 */
function executeMaster(node: Node, c: Client, argv: string[]): void {
  let cmd = node.commands.lookup(argv[0]);
  if (cmd !== undefined && cmd.subs !== undefined && argv.length >= 2) cmd = cmd.subs.get(argv[1].toLowerCase());
  if (cmd === undefined || cmd.spec.handler === undefined) {
    node.log.warning(`replication stream: unknown command '${argv[0]}'`);
    return;
  }
  const arity = cmd.spec.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return;
  c.lastCommand = cmd.fullName;
  try {
    node.env.fromPrimary = true;
    cmd.spec.handler(c, argv);
  } catch (e) {
    node.stats.internalErrors++;
    node.log.warning(`internal error in '${cmd.fullName}' from the primary: ${e instanceof Error ? e.stack : String(e)}`);
  }
  node.env.fromPrimary = false;
  c.out.discard();
  cmd.stat.calls++;
  node.stats.totalCommands++;
  node.blocking.afterCommand();
}

/**
 * A frame of the replication stream (the master client on a replica) whose command has a byte fast
 * path: runs it as executeMaster() would (no checks, no reply) and returns true; false when the caller
 * must run it as strings (no fast path, or the fast handler declined).
 */
export function executeMasterFrame(node: Node, c: Client, f: Frame): boolean {
  const cmd = node.commands.lookupFast(f.buf, f.off[0], f.len[0]);
  if (cmd === undefined) return false;
  const arity = cmd.spec.arity;
  if ((arity > 0 && f.argc !== arity) || f.argc < -arity) return false;
  let done = false;
  c.lastCommand = cmd.fullName;
  try {
    node.env.fromPrimary = true;
    done = (cmd.spec.fast as FastHandler)(c, f);
  } catch (e) {
    node.stats.internalErrors++;
    node.log.warning(`internal error in '${cmd.fullName}' from the primary: ${e instanceof Error ? e.stack : String(e)}`);
    done = true;
  }
  node.env.fromPrimary = false;
  c.out.discard();
  if (done) {
    cmd.stat.calls++;
    node.stats.totalCommands++;
    node.blocking.afterCommand();
  }
  return done;
}

/** Writes a rejection and counts it (rejected_calls for a known command). */
function reject(node: Node, c: Client, cmd: Command | undefined, msg: string): void {
  if (cmd) cmd.stat.rejected++;
  c.out.error(msg);
  node.stats.countError(msg);
}
