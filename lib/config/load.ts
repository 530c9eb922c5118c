// Reads the configuration the way redis-server does: an optional config file first (`-` = standard
// input), then `--name value ...` flags that override it. Any unknown or invalid directive stops with one
// ConfigError line naming the file, the line number and the directive.
import * as fs from 'fs';
import { splitArgs } from '../protocol/parser';
import { Config, ConfigError } from './config';
import { DIRECTIVES_BY_NAME } from './schema';

const UNKNOWN = 'unknown directive';

/** Nested `include`s deeper than this are refused (a file including itself). */
const MAX_INCLUDE_DEPTH = 16;

/** Reads a config file (latin1; '-' = standard input). Throws ConfigError with Redis's wording. */
function readConfigFile(file: string): string {
  try {
    return fs.readFileSync(file === '-' ? 0 : file, 'latin1');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : code === 'EISDIR' ? 'Is a directory' : String(e);
    throw new ConfigError(`can't open config file '${file}': ${why}`);
  }
}

/**
 * Applies one directive's words. A directive takes exactly one word unless the schema marks it `multi`
 * (bind, save, client-output-buffer-limit: any number, joined by spaces). Returns an error text (the
 * reason alone), or null when applied.
 */
function apply(config: Config, name: string, args: string[], depth: number): string | null {
  const lname = name.toLowerCase();
  if (lname === 'include') {
    if (args.length !== 1) return 'wrong number of arguments';
    if (depth >= MAX_INCLUDE_DEPTH) return `includes nested deeper than ${MAX_INCLUDE_DEPTH}`;
    applyConfigText(config, readConfigFile(args[0]), args[0], depth + 1);
    return null;
  }
  const d = DIRECTIVES_BY_NAME.get(lname);
  if (!d) return UNKNOWN;
  if (!d.multi && args.length !== 1) return 'wrong number of arguments';
  try {
    config.set(lname, args.join(' '));
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  return null;
}

/** `'text'` for messages, with control characters escaped so the message stays on one line. */
function quote(text: string): string {
  return `'${text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** "unknown directive 'x'" or "directive 'x': <reason>". */
function what(name: string, err: string): string {
  return err === UNKNOWN ? `${UNKNOWN} ${quote(name)}` : `directive ${quote(name)}: ${err}`;
}

/**
 * Applies the text of a config file: one directive per line, `#` comments, blank lines, words split as
 * redis.conf (quotes, \xHH), directive names in any case, `include <file>`. `source` names the file in
 * errors. Throws ConfigError "<source>:<line>: directive '<name>': <reason> (>>> '<line text>')" (or
 * "<source>:<line>: unknown directive '<name>' (>>> ...)").
 */
export function applyConfigText(config: Config, text: string, source: string, depth = 0): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitArgs(line);
    if (words === null) throw new ConfigError(`${source}:${i + 1}: unbalanced quotes (>>> ${quote(line)})`);
    if (words.length === 0) continue;
    const err = apply(config, words[0], words.slice(1), depth);
    if (err !== null) throw new ConfigError(`${source}:${i + 1}: ${what(words[0], err)} (>>> ${quote(line)})`);
  }
}

/**
 * Builds the configuration from redis-server style arguments: `[config-file] [--name value ...]`. The
 * file is applied first, then the flags in order (a later one wins). A flag's value is every word up to
 * the next `--name` (`--bind 127.0.0.1 ::1`; `--save ""` or a bare `--save` for no snapshots). Throws
 * ConfigError, one line: the file's errors as applyConfigText, the flags' as
 * "command line: directive '<name>': <reason> (>>> '--name words')".
 */
export function loadConfig(args: readonly string[]): Config {
  const config = new Config();
  let i = 0;
  if (args.length > 0 && !args[0].startsWith('--')) {
    applyConfigText(config, readConfigFile(args[0]), args[0]);
    i = 1;
  }
  while (i < args.length) {
    const flag = args[i];
    if (!flag.startsWith('--') || flag.length <= 2) {
      throw new ConfigError(`command line: expected --name, got ${quote(flag)} (the config file, if any, comes first)`);
    }
    const name = flag.slice(2);
    const words: string[] = [];
    i++;
    while (i < args.length && !args[i].startsWith('--')) words.push(args[i++]);
    const err = apply(config, name, words, 0);
    if (err !== null) {
      const shown = [flag, ...words.map((w) => (w === '' || /\s/.test(w) ? `"${w}"` : w))].join(' ');
      throw new ConfigError(`command line: ${what(name, err)} (>>> ${quote(shown)})`);
    }
  }
  return config;
}
