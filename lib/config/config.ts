// Typed configuration values. Text in (from a file, a flag or CONFIG SET), validated by the schema with
// Redis 7's error texts; text out (CONFIG GET, as Redis shows it: bytes as plain numbers, booleans as
// yes/no, client-output-buffer-limit with the class "slave").
import { DIRECTIVES, DIRECTIVES_BY_NAME, type ConfigValue, type Directive, type ObufClass, type ObufLimits } from './schema';

export type { ConfigValue } from './schema';

/** A configuration problem; the message is one line, fit to show as is. */
export class ConfigError extends Error {}

const UNITS = new Map<string, number>([
  ['', 1], ['b', 1], ['k', 1e3], ['kb', 1024], ['m', 1e6], ['mb', 1024 ** 2], ['g', 1e9], ['gb', 1024 ** 3],
]);

/**
 * Parses a memory amount as Redis's memtoll: decimal digits, then an optional unit b, k (1000),
 * kb (1024), m, mb, g, gb in any case. No sign, no spaces, no fraction ("1.5gb" is malformed). Like
 * memtoll, empty digits count as 0 ("" and "kb" are 0). Returns NaN when malformed.
 */
export function parseBytes(text: string): number {
  const m = /^(\d*)([a-z]*)$/i.exec(text);
  if (!m) return NaN;
  const mult = UNITS.get(m[2].toLowerCase());
  if (mult === undefined) return NaN;
  return (m[1] === '' ? 0 : Number(m[1])) * mult;
}

const INT64_MAX = '9223372036854775807';

/**
 * Parses a decimal integer as Redis's string2ll: optional '-', no '+', no leading zeros, no spaces,
 * within a signed 64-bit integer. Returns NaN when malformed (beyond 2^53 the result is approximate,
 * which only range checks see).
 */
export function parseInteger(text: string): number {
  if (!/^(0|-?[1-9]\d*)$/.test(text)) return NaN;
  const digits = text[0] === '-' ? text.slice(1) : text;
  if (digits.length > 19 || (digits.length === 19 && digits > INT64_MAX && !(text[0] === '-' && digits === '9223372036854775808'))) {
    return NaN;
  }
  return Number(text);
}

const OBUF_CLASSES = new Map<string, ObufClass>([['normal', 'normal'], ['replica', 'replica'], ['slave', 'replica'], ['pubsub', 'pubsub']]);

/**
 * Parses `<class> <hard> <soft> <soft-seconds>` groups (Redis's setConfigClientOutputBufferLimitOption)
 * over the current limits: only the classes named change. Returns the new limits or Redis's error text.
 */
function parseObuf(text: string, current: ObufLimits): ObufLimits | string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  const out: ObufLimits = { normal: { ...current.normal }, replica: { ...current.replica }, pubsub: { ...current.pubsub } };
  for (let i = 0; i < words.length; i += 4) {
    const cls = OBUF_CLASSES.get(words[i].toLowerCase());
    if (!cls) return 'Invalid client class specified in buffer limit configuration.';
    const hard = parseBytes(words[i + 1]);
    const soft = parseBytes(words[i + 2]);
    const secs = parseBytes(words[i + 3]);
    if (Number.isNaN(hard) || Number.isNaN(soft) || Number.isNaN(secs)) {
      return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    }
    out[cls] = { hard, soft, softSeconds: secs };
  }
  return out;
}

const NO_OBUF: ObufLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 0, soft: 0, softSeconds: 0 },
  pubsub: { hard: 0, soft: 0, softSeconds: 0 },
};

/**
 * Converts text to a directive's typed value (`current` is the value it changes: an output-buffer line
 * changes only the classes it names). Returns the value, or Redis's CONFIG SET reason when invalid:
 * "argument couldn't be parsed into an integer", "argument must be a memory value", "argument must be
 * between MIN and MAX inclusive", "argument must be 'yes' or 'no'", "argument(s) must be one of the
 * following: a, b, ...", the buffer-limit texts, or the directive's own (save, appendonly, dir).
 */
export function parseValue(d: Directive, text: string, current?: ConfigValue): { value: ConfigValue } | { error: string } {
  let value: ConfigValue;
  switch (d.type) {
    case 'int':
    case 'bytes': {
      let n = d.type === 'int' ? parseInteger(text) : parseBytes(text);
      if (Number.isNaN(n)) return { error: d.type === 'int' ? 'argument couldn\'t be parsed into an integer' : 'argument must be a memory value' };
      if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) {
        return { error: `argument must be between ${d.min} and ${d.max} inclusive` };
      }
      if (d.clamp) n = Math.min(Math.max(n, d.clamp[0]), d.clamp[1]);
      value = n;
      break;
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (t !== 'yes' && t !== 'no') return { error: 'argument must be \'yes\' or \'no\'' };
      value = t === 'yes';
      break;
    }
    case 'enum': {
      const t = text.toLowerCase();
      if (!d.values?.includes(t)) return { error: `argument(s) must be one of the following: ${d.values?.join(', ')}` };
      value = t;
      break;
    }
    case 'string':
      value = text;
      break;
    case 'obuf': {
      const r = parseObuf(text, (current as ObufLimits | undefined) ?? NO_OBUF);
      if (typeof r === 'string') return { error: r };
      value = r;
      break;
    }
  }
  return d.refine ? d.refine(value) : { value };
}

/** A directive's value as CONFIG GET shows it. */
export function formatValue(d: Directive, v: ConfigValue): string {
  switch (d.type) {
    case 'bool':
      return v ? 'yes' : 'no';
    case 'obuf': {
      const o = v as ObufLimits;
      return (['normal', 'replica', 'pubsub'] as const)
        .map((c) => `${c === 'replica' ? 'slave' : c} ${o[c].hard} ${o[c].soft} ${o[c].softSeconds}`)
        .join(' ');
    }
    default:
      return String(v);
  }
}

type Listener = (name: string, value: ConfigValue) => void;

/** The node's configuration: every directive's current typed value. */
export class Config {
  private values = new Map<string, ConfigValue>();
  private listeners: Listener[] = [];

  constructor() {
    for (const d of DIRECTIVES) {
      const r = parseValue(d, d.default, NO_OBUF);
      if ('error' in r) throw new Error(`bad default for ${d.name}: ${r.error}`);
      this.values.set(d.name, r.value);
    }
  }

  num(name: string): number {
    return this.values.get(name) as number;
  }
  str(name: string): string {
    return this.values.get(name) as string;
  }
  bool(name: string): boolean {
    return this.values.get(name) as boolean;
  }
  obuf(): ObufLimits {
    return this.values.get('client-output-buffer-limit') as ObufLimits;
  }
  /** The typed value of a directive (any case, or an alias); undefined when unknown. */
  get(name: string): ConfigValue | undefined {
    const d = DIRECTIVES_BY_NAME.get(name.toLowerCase());
    return d ? this.values.get(d.name) : undefined;
  }

  /**
   * Sets a directive (any case, or an alias) from text, then tells the listeners. Throws ConfigError:
   * "Bad directive or wrong number of arguments" when unknown, else parseValue's reason. Does not check
   * `mutable` or `protected` (CONFIG SET does).
   */
  set(name: string, text: string): void {
    const d = DIRECTIVES_BY_NAME.get(name.toLowerCase());
    if (!d) throw new ConfigError('Bad directive or wrong number of arguments');
    const r = parseValue(d, text, this.values.get(d.name));
    if ('error' in r) throw new ConfigError(r.error);
    this.values.set(d.name, r.value);
    for (const l of this.listeners) l(d.name, r.value);
  }

  /** The value of a directive (any case, or an alias) as CONFIG GET shows it. Throws ConfigError when unknown. */
  format(name: string): string {
    const d = DIRECTIVES_BY_NAME.get(name.toLowerCase());
    if (!d) throw new ConfigError(`unknown directive '${name}'`);
    return formatValue(d, this.values.get(d.name) as ConfigValue);
  }

  /** Calls fn after every change (the node applies changes that need action: maxmemory-policy, hz...). */
  onChange(fn: Listener): void {
    this.listeners.push(fn);
  }
}
