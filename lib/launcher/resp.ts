// A tiny RESP2 client for the launcher: one command per connection, reply decoded to plain values.
import * as net from 'net';

/** A decoded RESP2 reply; an error reply is a RespError (returned, not thrown). */
export type RespValue = string | number | null | RespError | RespValue[];

export class RespError extends Error {}

/**
 * Decodes one complete reply at the start of `buf` (latin1 text). Returns [value, bytes used], or null
 * when `buf` does not hold a whole reply yet. Throws on a byte that cannot start a RESP2 reply.
 */
export function decodeReply(buf: string, at = 0): [RespValue, number] | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return null;
  const line = buf.slice(at + 1, eol);
  const next = eol + 2;
  switch (buf[at]) {
    case '+':
      return [line, next];
    case '-':
      return [new RespError(line), next];
    case ':':
      return [Number(line), next];
    case '$': {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return null;
      return [buf.slice(next, next + len), next + len + 2];
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return [null, next];
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const r = decodeReply(buf, pos);
        if (r === null) return null;
        items.push(r[0]);
        pos = r[1];
      }
      return [items, pos];
    }
    default:
      throw new Error(`bad RESP reply byte ${JSON.stringify(buf[at])}`);
  }
}

/** The RESP multibulk encoding of argv (latin1). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return s;
}

/**
 * Sends argv to 127.0.0.1:port on a new connection and resolves with the reply, or with undefined when
 * the server closed the connection without replying (as SHUTDOWN does). Rejects when the connection
 * fails or nothing complete arrives within timeoutMs.
 */
export function command(port: number, argv: readonly string[], timeoutMs = 2000): Promise<RespValue | undefined> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    let settled = false;
    const done = (err: Error | null, v?: RespValue) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(v);
    };
    const timer = setTimeout(() => done(new Error(`no reply from 127.0.0.1:${port} in ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('connect', () => sock.write(encodeCommand(argv), 'latin1'));
    sock.on('data', (d: string) => {
      buf += d;
      try {
        const r = decodeReply(buf);
        if (r !== null) done(null, r[0]);
      } catch (e) {
        done(e as Error);
      }
    });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(null, undefined));
  });
}

/** Parses `key:value` lines (INFO, CLUSTER INFO) into a map. */
export function infoFields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}
