// MONITOR lines, as Redis writes them: `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
import type { Client } from './client';

/** Quotes a string as Redis's sdscatrepr: printable ASCII as is, escapes for the rest. */
export function reprString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    const c = s[i];
    if (c === '\\' || c === '"') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (ch === 7) out += '\\a';
    else if (ch === 8) out += '\\b';
    else if (ch >= 32 && ch < 127) out += c;
    else out += '\\x' + ch.toString(16).padStart(2, '0');
  }
  return out + '"';
}

export function formatMonitorLine(nowMs: number, c: Client, argv: readonly string[]): string {
  const secs = (nowMs / 1000).toFixed(6);
  const who = c.socket === null ? 'lua' : c.addr;
  return `+${secs} [${c.dbIndex} ${who}] ${argv.map(reprString).join(' ')}\r\n`;
}
