// A minimal node-to-node RESP2 client (slot migration sends RESTORE-ASKING with it).
//
// - Arguments and replies are latin1 byte strings (one char per byte), as everywhere in shardcache.
// - Pipelined: any number of send()s may be outstanding; replies are matched to them in order.
// - Connects lazily on the first send (and again on the first send after a connection loss); when a
//   password is set, AUTH goes first on every new connection (its reply is consumed here; if it fails,
//   the commands after it get the server's NOAUTH errors).
// - An error reply resolves with a PeerError (it is an answer, not a failure). Connection loss (refused,
//   reset, closed by the server, a protocol error in a reply, no byte for timeoutMs while replies are
//   awaited) rejects every outstanding send with an Error.
// - Replies are decoded by the shared RESP decoder (protocol/resp-decoder.ts) in RESP2 mode.
import * as net from 'net';
import { INCOMPLETE, RespDecoder, RespError } from '../protocol/resp-decoder';

/** An error reply (`-ERR ...`, `-NOAUTH ...`): message is the line without the '-'. The decoder's RespError. */
export { RespError as PeerError };

/** A decoded RESP2 reply: simple and bulk strings as latin1 strings, integers as numbers, null bulk/array as null. */
export type PeerReply = string | number | null | RespError | PeerReply[];

interface Waiter {
  resolve: (r: PeerReply) => void;
  reject: (e: Error) => void;
}

/** Waiter for the AUTH reply: nobody awaits it. */
const IGNORE: Waiter = { resolve: () => undefined, reject: () => undefined };

/** One RESP2 multibulk request. */
function encode(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

export class Peer {
  private sock: net.Socket | null = null;
  /** Waiters in send order; [head, length) are outstanding. */
  private waiters: Waiter[] = [];
  private head = 0;
  /** Reply bytes of the current connection (a new decoder per connection). */
  private decoder = new RespDecoder({ protocol: 2 });
  /** Requests not yet written (written once per tick, so a burst of sends is one write). */
  private out = '';
  private flushQueued = false;
  private closed = false;

  /** timeoutMs: a connection with replies awaited and no byte received for this long is dropped. */
  constructor(
    readonly host: string,
    readonly port: number,
    private readonly password = '',
    private readonly timeoutMs = 15000,
  ) {}

  /** Replies awaited. */
  get outstanding(): number {
    return this.waiters.length - this.head;
  }

  /** Sends one command. Resolves with its reply; rejects on connection loss or after close(). */
  send(argv: readonly string[]): Promise<PeerReply> {
    if (this.closed) return Promise.reject(new Error('peer closed'));
    if (this.sock === null) this.connect();
    this.out += encode(argv);
    if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(() => this.flush());
    }
    return new Promise<PeerReply>((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Closes the connection for good: outstanding sends reject, later ones too. */
  close(): void {
    this.closed = true;
    this.drop(new Error('peer closed'));
  }

  private connect(): void {
    const sock = net.createConnection({ host: this.host, port: this.port });
    this.sock = sock;
    sock.setNoDelay(true);
    sock.setTimeout(this.timeoutMs);
    this.decoder = new RespDecoder({ protocol: 2 });
    if (this.password !== '') {
      this.out = encode(['AUTH', this.password]) + this.out;
      this.waiters.splice(this.head, 0, IGNORE);
    }
    // Events of a socket already replaced by a newer one are ignored.
    sock.on('data', (chunk: Buffer) => {
      if (this.sock === sock) this.onData(chunk);
    });
    sock.on('timeout', () => {
      if (this.sock === sock && this.outstanding > 0) sock.destroy(new Error(`no reply for ${this.timeoutMs} ms`));
    });
    sock.on('error', () => undefined); // 'close' follows and does the work
    sock.on('close', () => {
      if (this.sock === sock) this.drop(new Error(`connection to ${this.host}:${this.port} lost`));
    });
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.sock !== null && this.out !== '') this.sock.write(this.out, 'latin1');
    this.out = '';
  }

  /** Forgets the connection and rejects everything outstanding. */
  private drop(err: Error): void {
    const sock = this.sock;
    this.sock = null;
    if (sock !== null) sock.destroy();
    this.out = '';
    this.decoder = new RespDecoder({ protocol: 2 });
    const waiting = this.waiters.slice(this.head);
    this.waiters = [];
    this.head = 0;
    for (const w of waiting) w.reject(err);
  }

  private onData(chunk: Buffer): void {
    this.decoder.feed(chunk);
    for (;;) {
      let r: PeerReply | typeof INCOMPLETE;
      try {
        // Protocol 2: the decoder yields only RESP2's value types, which PeerReply lists.
        r = this.decoder.next() as PeerReply | typeof INCOMPLETE;
      } catch (e) {
        this.drop(e as Error);
        return;
      }
      if (r === INCOMPLETE) break;
      if (this.head >= this.waiters.length) {
        this.drop(new Error('reply with no request'));
        return;
      }
      const w = this.waiters[this.head++];
      if (this.head > 1024 && this.head * 2 > this.waiters.length) {
        this.waiters = this.waiters.slice(this.head);
        this.head = 0;
      }
      w.resolve(r);
    }
  }
}
