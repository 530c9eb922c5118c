// An independent RESP2 decoder for specs: the npm package redis-parser (what node-redis used), so every
// reply the node writes is checked to be well-formed RESP2 by code that is not ours.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const RedisParser = require('redis-parser');

export class ReplyError extends Error {}

/** Bulk strings arrive as Buffers; specs see them as latin1 strings (one char per byte, as the node stores them). */
function toLatin1(r: unknown): unknown {
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(toLatin1);
  return r;
}

/** Decodes every reply in `data`. Errors come back as ReplyError values. Throws on malformed RESP2 or leftovers. */
export function decodeResp2(data: string | Buffer): unknown[] {
  const out: unknown[] = [];
  let fatal: Error | null = null;
  const parser = new RedisParser({
    returnReply: (r: unknown) => out.push(toLatin1(r)),
    returnError: (e: Error) => out.push(new ReplyError(e.message)),
    returnFatalError: (e: Error) => {
      fatal = e;
    },
    returnBuffers: true,
  });
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  parser.execute(buf);
  if (fatal) throw fatal;
  if (parser.offset !== 0 && parser.buffer !== null && parser.offset < parser.buffer.length) {
    throw new Error(`incomplete RESP2 reply: ${JSON.stringify(buf.toString('latin1'))}`);
  }
  return out;
}
