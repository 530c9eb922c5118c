// How an accepted connection's bytes are read (the `io-mode` directive). `stream`: net.Socket's 'data'
// events, Node's readable stream path, where every read gets a fresh 64 KiB buffer from the allocator
// (shrunk to the bytes read). `handle`: the socket's handle reads into one buffer allocated once per
// process and hands each read over synchronously (the mechanism of Node's documented `onread` socket
// option, which net.Server offers no way to set for the sockets it accepts): no allocation per read,
// and no 64 KiB blocks left in glibc's heap by connections that keep a few bytes of each. Replies
// (replyWriter below) go through the handle too in handle mode, one write per batch without the writable
// stream's bookkeeping, and through socket.write in stream mode.
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

// ---------------------------------------------------------------------------------------------------------
// Writing replies.

/** How a connection's replies leave: one write per batch of replies. */
export interface ReplyWriter {
  /** Bytes written but not yet taken by the kernel. */
  readonly pending: number;
  /** Writes data (one buffer, or several in order); a failed write destroys the socket. */
  write(data: Buffer | readonly Buffer[]): void;
  /** Calls cb once, when pending falls to 0 (it is above 0 when this is called). */
  whenDrained(cb: () => void): void;
}

/** Node's stream_wrap binding, as much of it as a direct handle write needs. */
interface StreamBinding {
  WriteWrap: new () => WriteReq;
  streamBaseState: { [i: number]: number };
  kLastWriteWasAsync: number;
}

/** A write request as the handle's write methods take it (Node's WriteWrap). */
interface WriteReq {
  handle: RawHandle;
  oncomplete: (this: WriteReq, status: number) => void;
  /** Ours: the writer waiting for this write, and its bytes. */
  writer: HandleWriter;
  bytes: number;
  /** Keeps the written memory alive while the kernel has not taken it. */
  buffer: Buffer | readonly Buffer[];
}

interface RawHandle {
  writeBuffer(req: WriteReq, data: Buffer): number;
  writev(req: WriteReq, chunks: readonly Buffer[], allBuffers: boolean): number;
}

let binding: StreamBinding | null | undefined;

/** The binding, or null when this Node.js does not offer it (replies then go through socket.write). */
function streamBinding(): StreamBinding | null {
  if (binding !== undefined) return binding;
  try {
    const b = (process as unknown as { binding(name: string): Partial<StreamBinding> }).binding('stream_wrap');
    binding = typeof b.WriteWrap === 'function' && b.streamBaseState !== undefined && typeof b.kLastWriteWasAsync === 'number' ? (b as StreamBinding) : null;
  } catch {
    binding = null;
  }
  return binding;
}

/** socket.write, Node's writable stream: the stream mode's writer, and the fallback. */
class StreamWriter implements ReplyWriter {
  constructor(private readonly socket: net.Socket) {}
  get pending(): number {
    return this.socket.writableLength;
  }
  write(data: Buffer | readonly Buffer[]): void {
    const socket = this.socket;
    if (Buffer.isBuffer(data)) {
      socket.write(data);
      return;
    }
    socket.cork();
    for (const part of data) socket.write(part);
    socket.uncork();
  }
  whenDrained(cb: () => void): void {
    this.socket.once('drain', cb);
  }
}

/**
 * Writes straight to the socket's handle, as Node's own writeGeneric does, without the writable stream
 * around it (its buffering, callbacks and bookkeeping per write): libuv writes at once what the kernel
 * takes and queues the rest in order, so a write that did not complete at once needs nothing but its
 * memory kept alive and its bytes counted until its completion. Only replies go this way; socket.end()
 * still shuts the socket down after them (libuv runs a shutdown after the writes queued before it).
 */
class HandleWriter implements ReplyWriter {
  pending = 0;
  private drained: (() => void) | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly b: StreamBinding,
  ) {}

  write(data: Buffer | readonly Buffer[]): void {
    const handle = (this.socket as unknown as { _handle: RawHandle | null })._handle;
    if (handle === null || this.socket.destroyed) return;
    const req = new this.b.WriteWrap();
    req.handle = handle;
    req.oncomplete = onWriteComplete;
    const single = Buffer.isBuffer(data);
    const err = single ? handle.writeBuffer(req, data as Buffer) : handle.writev(req, data as readonly Buffer[], true);
    if (err !== 0) {
      this.socket.destroy(new Error(`write failed (${err})`));
      return;
    }
    if (this.b.streamBaseState[this.b.kLastWriteWasAsync] === 0) return; // the kernel took it all
    let bytes = 0;
    if (single) bytes = (data as Buffer).length;
    else for (const part of data as readonly Buffer[]) bytes += part.length;
    req.writer = this;
    req.bytes = bytes;
    req.buffer = data;
    this.pending += bytes;
  }

  whenDrained(cb: () => void): void {
    this.drained = cb;
  }

  /** A queued write completed (status < 0: it failed, and the socket goes). */
  completed(bytes: number, status: number): void {
    this.pending -= bytes;
    if (status < 0) {
      if (!this.socket.destroyed) this.socket.destroy(new Error(`write failed (${status})`));
      return;
    }
    if (this.pending === 0 && this.drained !== null) {
      const cb = this.drained;
      this.drained = null;
      cb();
    }
  }
}

function onWriteComplete(this: WriteReq, status: number): void {
  this.writer.completed(this.bytes, status);
}

/** The writer for replies to `socket`, read in `mode` (startReading's answer). */
export function replyWriter(socket: net.Socket, mode: IoMode): ReplyWriter {
  const b = mode === 'handle' ? streamBinding() : null;
  return b === null ? new StreamWriter(socket) : new HandleWriter(socket, b);
}
