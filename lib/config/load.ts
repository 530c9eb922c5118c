// Reads the configuration the way redis-server does: an optional config file first, then
// `--name value ...` flags that override it. Any unknown or invalid directive stops start-up with a
// message naming the file, line and directive.
import * as fs from 'fs';
import { splitArgs } from '../protocol/parser';
import { Config, ConfigError } from './config';
import { DIRECTIVES_BY_NAME } from './schema';

/** Applies one directive line's words to config. Throws ConfigError. */
function apply(config: Config, name: string, args: string[]): void {
  if (!DIRECTIVES_BY_NAME.has(name.toLowerCase())) throw new ConfigError('Bad directive or wrong number of arguments');
  if (args.length === 0 && name.toLowerCase() !== 'save' && name.toLowerCase() !== 'requirepass') {
    throw new ConfigError('wrong number of arguments');
  }
  config.set(name, args.join(' '));
}

/** Applies the text of a config file. `source` names it in errors. Throws ConfigError. */
export function applyConfigText(config: Config, text: string, source: string): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitArgs(line);
    if (words === null || words.length === 0) {
      throw new ConfigError(`${source}, line ${i + 1}: unbalanced quotes in '${line}'`);
    }
    try {
      apply(config, words[0], words.slice(1));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new ConfigError(`${source}, line ${i + 1}, directive '${words[0]}': ${msg} (>>> ${line})`);
    }
  }
}

/**
 * Builds the configuration from redis-server style arguments: `[config-file] [--name value ...]`.
 * A flag's value is every word up to the next `--name`. Throws ConfigError with a one-line message.
 */
export function loadConfig(args: readonly string[]): Config {
  const config = new Config();
  let i = 0;
  if (args.length > 0 && !args[0].startsWith('--')) {
    const file = args[0];
    let text: string;
    try {
      text = fs.readFileSync(file, 'latin1');
    } catch (e) {
      throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    applyConfigText(config, text, file);
    i = 1;
  }
  while (i < args.length) {
    const flag = args[i];
    if (!flag.startsWith('--') || flag.length <= 2) throw new ConfigError(`command line: expected --name, got '${flag}'`);
    const name = flag.slice(2);
    const words: string[] = [];
    i++;
    while (i < args.length && !args[i].startsWith('--')) words.push(args[i++]);
    try {
      apply(config, name, words);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new ConfigError(`command line, directive '${name}': ${msg}`);
    }
  }
  return config;
}
