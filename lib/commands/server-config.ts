// CONFIG GET / SET / RESETSTAT / HELP (the CONFIG container's declaration is in server.ts).
import { parseValue } from '../config/config';
import { DIRECTIVES_BY_NAME, type Directive } from '../config/schema';
import * as E from '../protocol/errors';
import type { Session as Client } from './types';
import { globMatch } from '../util/glob';
import { replyHelp } from './help';

const GLOB_CHARS = /[[*?]/;

/**
 * CONFIG GET pattern [pattern ...]: a map of every directive (or alias) matching any pattern to its
 * value. A pattern without glob characters is an exact, case-insensitive name and is answered with the
 * spelling asked; glob patterns match case-insensitively. Each directive appears once.
 */
export function configGet(c: Client, argv: string[]): void {
  const config = c.node.config;
  const seen = new Set<Directive>();
  const names: string[] = [];
  const add = (name: string, d: Directive) => {
    if (seen.has(d)) return;
    seen.add(d);
    names.push(name);
  };
  for (let i = 2; i < argv.length; i++) {
    const pattern = argv[i];
    if (!GLOB_CHARS.test(pattern)) {
      const d = DIRECTIVES_BY_NAME.get(pattern.toLowerCase());
      if (d) add(pattern, d);
      continue;
    }
    for (const [name, d] of DIRECTIVES_BY_NAME) if (globMatch(pattern, name, true)) add(name, d);
  }
  c.out.map(names.length);
  for (const name of names) {
    c.out.bulk(name);
    c.out.bulk(config.format(name.toLowerCase()));
  }
}


/**
 * CONFIG SET name value [name value ...]: all or nothing. Errors, as Redis 7: syntax error for an odd
 * count; then the first problem among the names: Unknown option or number of arguments ... for an
 * unknown name, CONFIG SET failed (possibly related to argument '<name>') - can't set immutable config /
 * can't set protected config / duplicate parameter; then the first invalid value's reason. Nothing
 * changes unless every pair is valid.
 */
export function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) return c.out.error(E.ERR_SYNTAX);
  const config = c.node.config;
  const pairs: Array<{ asked: string; d: Directive; text: string }> = [];
  let problem = '';
  for (let i = 2; i < argv.length; i += 2) {
    const asked = argv[i];
    const d = DIRECTIVES_BY_NAME.get(asked.toLowerCase());
    if (!d) problem ||= E.ERR_CONFIG_SET_UNKNOWN(asked);
    else if (!d.mutable) problem ||= E.ERR_CONFIG_SET_FAILED(asked, E.CONFIG_IMMUTABLE);
    else if (d.protected) problem ||= E.ERR_CONFIG_SET_FAILED(asked, E.CONFIG_PROTECTED);
    else if (pairs.some((p) => p.d === d)) problem ||= E.ERR_CONFIG_SET_FAILED(asked, E.CONFIG_DUPLICATE);
    if (d) pairs.push({ asked, d, text: argv[i + 1] });
  }
  if (problem) return c.out.error(problem);
  for (const p of pairs) {
    const r = parseValue(p.d, p.text, config.get(p.d.name));
    if ('error' in r) return c.out.error(E.ERR_CONFIG_SET_FAILED(p.asked, r.error));
  }
  const before = pairs.map((p) => config.format(p.d.name));
  let applied = 0;
  try {
    for (const p of pairs) {
      config.set(p.d.name, p.text);
      applied++;
    }
  } catch (e) {
    // Validated above, so a failure here is a bug: undo what was applied and report the pair.
    for (let i = 0; i < applied; i++) config.set(pairs[i].d.name, before[i]);
    const why = e instanceof Error ? e.message : String(e);
    return c.out.error(E.ERR_CONFIG_SET_FAILED(pairs[applied].asked, why));
  }
  c.out.ok();
}

/** CONFIG RESETSTAT: zeroes server counters, keyspace hits/misses/expired/evicted and every command's stat. */
export function configResetStat(c: Client): void {
  const node = c.node;
  node.stats.reset();
  const ks = node.env.stats;
  ks.hits = ks.misses = ks.expired = ks.evicted = ks.expireCycleCapped = 0;
  for (const cmd of node.commands.all()) {
    const st = cmd.stat;
    st.calls = st.usec = st.rejected = st.failed = 0;
  }
  c.out.ok();
}

export function configHelp(c: Client): void {
  replyHelp(c, 'CONFIG', [
    'GET <pattern>',
    '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>',
    '    Set the configuration <directive> to <value>.',
    'RESETSTAT',
    '    Reset statistics reported by the INFO command.',
  ]);
}
