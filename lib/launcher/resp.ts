// A tiny RESP2 client for the launcher: one command per connection, the reply decoded by the shared
// decoder (protocol/resp-decoder.ts) to plain values.
import * as net from 'net';
import { INCOMPLETE, RespDecoder, RespError } from '../protocol/resp-decoder';

/** A decoded RESP2 reply; an error reply is a RespError (returned, not thrown). */
export type RespValue = string | number | null | RespError | RespValue[];

export { RespError };

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
    const decoder = new RespDecoder({ protocol: 2 });
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
    sock.on('connect', () => sock.write(encodeCommand(argv), 'latin1'));
    sock.on('data', (d: Buffer) => {
      decoder.feed(d);
      try {
        // Protocol 2: only RESP2's value types, which RespValue lists.
        const r = decoder.next() as RespValue | typeof INCOMPLETE;
        if (r !== INCOMPLETE) done(null, r);
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
