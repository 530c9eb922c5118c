// RESP2 decoding for specs, by the shared decoder (lib/protocol/resp-decoder.ts) in RESP2 mode: any byte
// that is not RESP2 fails the spec. The decoder itself is checked against the independent redis-parser
// package on every RESP2 fixture (spec/protocol/resp-decoder.spec.ts), so what the node writes is still
// judged by a yardstick that code outside shardcache agrees with.
import { decodeAll, RespError } from '../../lib/protocol/resp-decoder';

/** An error reply, returned as a value (the decoder's RespError). */
export { RespError as ReplyError };

/**
 * Decodes every reply in `data`: bulk and simple strings as latin1 strings (one char per byte, as the node
 * stores them), integers as numbers, nulls as null, errors as ReplyError values. Throws on malformed
 * RESP2 (RESP3 types included) or on a reply left unfinished.
 */
export function decodeResp2(data: string | Buffer): unknown[] {
  return decodeAll(data, { protocol: 2 });
}
