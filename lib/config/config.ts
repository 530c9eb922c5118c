// Typed configuration values. Text in (from a file, a flag or CONFIG SET), validated by the schema;
// text out (CONFIG GET, as Redis shows it: bytes as plain numbers, booleans as yes/no).
import { DIRECTIVES, DIRECTIVES_BY_NAME, type Directive, type ObufClass, type ObufLimits } from './schema';

export class ConfigError extends Error {}

/**
 * Parses a memory amount as Redis's memtoll: a number with an optional unit k (1000), kb (1024), m, mb,
 * g, gb, any case. Returns NaN when malformed.
 */
export function parseBytes(text: string): number {
  const m = /^(-?\d+)([kmg]b?|b)?$/i.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const mult: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return n * mult[unit];
}

function parseInteger(text: string): number {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
}

const OBUF_CLASSES: Record<string, ObufClass> = { normal: 'normal', replica: 'replica', slave: 'replica', pubsub: 'pubsub' };

function parseObuf(text: string, current: ObufLimits): ObufLimits | string {
  const words = text.trim().split(/\s+/);
  if (words.length % 4 !== 0 || words[0] === '') return 'Wrong number of arguments in buffer limit configuration.';
  const out: ObufLimits = { normal: { ...current.normal }, replica: { ...current.replica }, pubsub: { ...current.pubsub } };
  for (let i = 0; i < words.length; i += 4) {
    const cls = OBUF_CLASSES[words[i].toLowerCase()];
    const hard = parseBytes(words[i + 1]);
    const soft = parseBytes(words[i + 2]);
    const secs = parseInteger(words[i + 3]);
    if (!cls) return 'Invalid client class specified in buffer limit configuration.';
    if (!(hard >= 0 && soft >= 0 && secs >= 0)) return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    out[cls] = { hard, soft, softSeconds: secs };
  }
  return out;
}

export type ConfigValue = number | string | boolean | ObufLimits;

const NO_OBUF: ObufLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 0, soft: 0, softSeconds: 0 },
  pubsub: { hard: 0, soft: 0, softSeconds: 0 },
};

/**
 * Converts text to a directive's typed value. Returns the value, or a string explaining why it is
 * invalid (CONFIG SET and start-up errors show it).
 */
export function parseValue(d: Directive, text: string, current?: ConfigValue): { value: ConfigValue } | { error: string } {
  switch (d.type) {
    case 'int':
    case 'bytes': {
      const n = d.type === 'int' ? parseInteger(text) : parseBytes(text);
      if (Number.isNaN(n)) return { error: d.type === 'int' ? 'argument couldn\'t be parsed into an integer' : 'argument must be a memory value' };
      if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) {
        return { error: `argument must be between ${d.min} and ${d.max} inclusive` };
      }
      return { value: n };
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (t !== 'yes' && t !== 'no') return { error: 'argument must be \'yes\' or \'no\'' };
      return { value: t === 'yes' };
    }
    case 'enum': {
      const t = text.toLowerCase();
      if (!d.values?.includes(t)) return { error: `argument(s) must be one of the following: ${d.values?.join(', ')}` };
      return { value: t };
    }
    case 'string':
      if (d.values && !d.values.includes(text)) return { error: `only ${d.values.map((v) => `"${v}"`).join(', ')} is supported` };
      return { value: text };
    case 'obuf': {
      const r = parseObuf(text, (current as ObufLimits | undefined) ?? NO_OBUF);
      return typeof r === 'string' ? { error: r } : { value: r };
    }
  }
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
  get(name: string): ConfigValue | undefined {
    return this.values.get(DIRECTIVES_BY_NAME.get(name)?.name ?? name);
  }

  /** Sets a directive from text. Throws ConfigError with the reason when unknown or invalid. */
  set(name: string, text: string): void {
    const d = DIRECTIVES_BY_NAME.get(name.toLowerCase());
    if (!d) throw new ConfigError(`Bad directive or wrong number of arguments`);
    const r = parseValue(d, text, this.values.get(d.name));
    if ('error' in r) throw new ConfigError(r.error);
    this.values.set(d.name, r.value);
    for (const l of this.listeners) l(d.name, r.value);
  }

  /** The value of a directive as CONFIG GET shows it. */
  format(name: string): string {
    const d = DIRECTIVES_BY_NAME.get(name) as Directive;
    return formatValue(d, this.values.get(d.name) as ConfigValue);
  }

  /** Calls fn after every change (the node applies changes that need action: maxmemory-policy, hz...). */
  onChange(fn: Listener): void {
    this.listeners.push(fn);
  }
}
