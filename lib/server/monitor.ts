// MONITOR lines, as Redis writes them: `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
// Two departures from Redis, both for safety: each argument shows at most MONITOR_ARG_MAX bytes, then
// `...(N more bytes)` outside the quotes (Redis shows everything; a 140 MB value would exceed V8's
// string limit); AUTH and HELLO AUTH secrets are "(redacted)" exactly as Redis 7 redacts them.
import type { Client } from './client';

/** Bytes of one argument a MONITOR line shows before `...(N more bytes)`. */
export const MONITOR_ARG_MAX = 64 * 1024;

const SAFE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/; // printable ASCII except '"' and '\\'
const UNSAFE = /[^\x20-\x21\x23-\x5b\x5d-\x7e]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\x07':
      return '\\a';
    case '\x08':
      return '\\b';
    default:
      return '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0');
  }
}

/** Quotes a byte string as Redis's sdscatrepr: printable ASCII as is, escapes for the rest. */
export function reprString(s: string): string {
  return SAFE.test(s) ? '"' + s + '"' : '"' + s.replace(UNSAFE, escapeChar) + '"';
}

/** reprString of the first `max` bytes, then `...(N more bytes)` when s is longer. */
export function reprArg(s: string, max = MONITOR_ARG_MAX): string {
  if (s.length <= max) return reprString(s);
  return `${reprString(s.slice(0, max))}...(${s.length - max} more bytes)`;
}

const REDACTED = '"(redacted)"';

/**
 * Indexes of argv that Redis 7 redacts, decided as its handlers do (they redact while parsing, so a
 * command rejected before that point shows its arguments): AUTH with 1 or 2 arguments: all of them;
 * HELLO with a valid protover: each AUTH's username and password up to the first bad option.
 */
function redactedArgs(argv: readonly string[]): Set<number> | null {
  const name = argv[0].toLowerCase();
  if (name === 'auth') return argv.length === 2 || argv.length === 3 ? new Set([1, 2]) : null;
  if (name !== 'hello' || argv.length < 3) return null;
  if (!/^[23]$/.test(argv[1])) return null; // Redis returns NOPROTO / not an integer first
  let out: Set<number> | null = null;
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'auth' && more >= 2) {
      (out ??= new Set()).add(j + 1).add(j + 2);
      j += 2;
    } else if (opt === 'setname' && more >= 1) {
      j++;
    } else {
      break;
    }
  }
  return out;
}

/** One MONITOR line (with its `+` and CRLF) for argv run by c at nowMs. */
export function formatMonitorLine(nowMs: number, c: Client, argv: readonly string[]): string {
  const secs = (nowMs / 1000).toFixed(6);
  const who = c.socket === null ? 'lua' : c.addr;
  const redact = argv.length > 1 ? redactedArgs(argv) : null;
  let line = `+${secs} [${c.dbIndex} ${who}]`;
  for (let i = 0; i < argv.length; i++) line += ' ' + (redact !== null && redact.has(i) ? REDACTED : reprArg(argv[i]));
  return line + '\r\n';
}
