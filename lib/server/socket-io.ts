// How an accepted connection's bytes are read (the `io-mode` directive). `stream`: net.Socket's 'data'
// events, Node's readable stream path, where every read gets a fresh 64 KiB buffer from the allocator
// (shrunk to the bytes read). `handle`: the socket's handle reads into one buffer allocated once per
// process and hands each read over synchronously (the mechanism of Node's documented `onread` socket
// option, which net.Server offers no way to set for the sockets it accepts): no allocation per read,
// and no 64 KiB blocks left in glibc's heap by connections that keep a few bytes of each. Replies are
// written with socket.write in both modes: writing through the handle as well was measured and saved
// nothing end to end (docs/performance.md).
import * as net from 'net';
import { IO_MODES } from '../config/schema';

export type IoMode = (typeof IO_MODES)[number];

/** When set (handle or stream), overrides the `io-mode` directive: a test suite runs whole in one mode. */
export const IO_MODE_ENV = 'SHARDCACHE_IO_MODE';

/**
 * Bytes of the shared read buffer: what one read takes from a socket at most (libuv reads a readable
 * socket again, up to 32 times in a row, while reads fill the buffer).
 */
export const READ_BUFFER_BYTES = 64 * 1024;

/** Where a connection's input goes. */
export interface SocketSink {
  /**
   * Bytes read. borrowed: chunk's memory is the shared read buffer, valid only during the call (the
   * next read of any connection overwrites it): whatever must outlive the call is copied before it returns.
   */
  onData(chunk: Buffer, borrowed: boolean): void;
  /** The peer closed its sending side (end of stream; the socket allows half-open connections). */
  onEnd(): void;
  /** A read or write failed: the socket is being destroyed. */
  onError(): void;
  /** The socket is closed. */
  onClose(): void;
}

/**
 * The mode start-up chooses: `env` (SHARDCACHE_IO_MODE's value) when set, else `configured`; and
 * `stream` when this Node.js does not offer reads into a user buffer. Throws on an env value that names
 * no mode (a typo must not silently test the other path).
 */
export function chooseIoMode(configured: string, env: string | undefined): IoMode {
  let mode = configured;
  if (env !== undefined && env !== '') {
    if (!(IO_MODES as readonly string[]).includes(env)) throw new Error(`${IO_MODE_ENV}=${env}: expected one of ${IO_MODES.join(', ')}`);
    mode = env;
  }
  if (mode === 'handle' && userBufferSymbols() === null) return 'stream';
  return mode as IoMode;
}

interface UserBufferSymbols {
  buffer: symbol;
  callback: symbol;
}
let symbols: UserBufferSymbols | null | undefined;

/**
 * The private symbols under which net.Socket keeps its `onread` buffer and callback (kBuffer,
 * kBufferCb), found on a socket constructed with that option; null when they cannot be found.
 */
function userBufferSymbols(): UserBufferSymbols | null {
  if (symbols !== undefined) return symbols;
  const buffer = Buffer.alloc(1);
  const callback = (): void => undefined;
  // The constructor takes `onread` (net.connect passes it through); @types/node lists it for connect only.
  const probe = new net.Socket({ onread: { buffer, callback } } as net.SocketConstructorOpts);
  const own = probe as unknown as Record<symbol, unknown>;
  const find = (value: unknown) => Object.getOwnPropertySymbols(probe).find((s) => own[s] === value);
  const b = find(buffer);
  const c = find(callback);
  probe.destroy();
  symbols = b !== undefined && c !== undefined ? { buffer: b, callback: c } : null;
  return symbols;
}

let shared: Buffer | null = null;

/**
 * Starts reading `socket` (accepted with pauseOnConnect) into `sink` in `mode`. Returns the mode it
 * reads in: `stream` when the socket's handle cannot read into a user buffer.
 *
 * In handle mode, pause() stops reading at once (readStop) and resume() starts it again, as with
 * `onread`; a socket in stream mode keeps up to its highWaterMark read while paused. End of stream,
 * errors and close arrive as events in both modes.
 */
export function startReading(socket: net.Socket, mode: IoMode, sink: SocketSink): IoMode {
  socket.on('end', () => sink.onEnd());
  socket.on('error', () => sink.onError());
  socket.on('close', () => sink.onClose());
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Uint8Array) => void } | null })._handle;
  const syms = mode === 'handle' ? userBufferSymbols() : null;
  if (syms === null || typeof handle?.useUserBuffer !== 'function') {
    socket.on('data', (chunk: Buffer) => sink.onData(chunk, false));
    socket.resume();
    return 'stream';
  }
  const buf = (shared ??= Buffer.allocUnsafeSlow(READ_BUFFER_BYTES));
  const own = socket as unknown as Record<symbol, unknown>;
  own[syms.buffer] = buf;
  // Called by Node's onStreamRead from the handle's read callback; returning false would stop reading.
  own[syms.callback] = (nread: number, b: Buffer): void => sink.onData(b.subarray(0, nread), true);
  handle.useUserBuffer(buf);
  socket.resume();
  return 'handle';
}
