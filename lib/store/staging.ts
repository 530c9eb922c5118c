// Values arriving a piece at a time (store/dump.ts DumpWriter's pieces: slot migration's RESTORE-PIECE, a
// replica snapshot's REPLSNAP-PIECE), built outside the keyspace until their last piece, so that no reader
// ever sees half a value: the last piece hands the whole value over, and the caller installs it at once.
//
// - An owner (a connection, or an origin named by the replication stream) stages at most one value at a
//   time: a first piece (seq 0) of any key replaces whatever the owner staged. Pieces come in order (seq
//   0, 1, 2, ...); a piece out of order, a malformed one, or an error in the command carrying it drops the
//   owner's staged value, and the sender starts that key again from seq 0.
// - Each piece is parsed into the value being built as it comes (DumpLoader: work proportional to the
//   piece), so the last piece costs no more than the others.
// - The bytes staged are charged to used_memory while held (so maxmemory sees an import coming) and given
//   back when the value is installed or dropped. Nothing outlives its owner: the node drops a connection's
//   staged value when the connection closes (Node.forget), a replica drops its primary's on a full resync
//   and on promotion.
import { DumpLoader, type DumpConfig } from './dump';
import type { Value } from './value';

/** The owner of a replica's snapshot pieces (REPLSNAP-PIECE from its primary). */
export const SNAPSHOT_OWNER = 'snap';

/** The owner of pieces a connection sends (its client id). */
export function connectionOwner(clientId: number): string {
  return String(clientId);
}

/** The owner of pieces the replication stream relays for `origin` (the primary's connection owner). */
export function originOwner(origin: string): string {
  return `o${origin}`;
}

/** The origin to relay an owner's pieces under: a relayed owner keeps its origin; null for snapshot pieces. */
export function ownerOrigin(owner: string): string | null {
  if (owner === SNAPSHOT_OWNER) return null;
  return owner.startsWith('o') ? owner.slice(1) : owner;
}

/** True for the owners the replication stream created (relayed and snapshot pieces), not this node's connections. */
export function isRelayedOwner(owner: string): boolean {
  return owner === SNAPSHOT_OWNER || owner.startsWith('o');
}

/** What a piece did: the whole value (last piece), staged, or an error (the owner's staged value dropped). */
export type PieceResult = Value | 'staged' | 'order' | 'checksum' | 'format';

interface Staged {
  db: number;
  key: string;
  /** The seq the next piece must have. */
  next: number;
  loader: DumpLoader;
  /** Bytes charged to used_memory for it. */
  charged: number;
}

export class Staging {
  private readonly owners = new Map<string, Staged>();

  /**
   * memory: the node's used_memory counter (StoreEnv.memory). onDrop: told when a value an owner staged is
   * dropped unfinished, by drop()/dropAll() or an error (not when a new first piece replaces it, nor when
   * its last piece hands it over).
   */
  constructor(
    private readonly memory: { used: number },
    public onDrop: ((owner: string, db: number, key: string) => void) | null = null,
  ) {}

  /** Values staged. */
  get size(): number {
    return this.owners.size;
  }

  /** Bytes staged (charged to used_memory). */
  get bytes(): number {
    let n = 0;
    for (const s of this.owners.values()) n += s.charged;
    return n;
  }

  /** The key owner stages in db, or null. */
  stagedKey(owner: string): { db: number; key: string } | null {
    const s = this.owners.get(owner);
    return s === undefined ? null : { db: s.db, key: s.key };
  }

  /**
   * Piece `seq` of key's payload in db from owner; `last`: the final piece. Returns the whole value after
   * the last piece (the caller installs it), 'staged' for another piece, or an error with the staged
   * value dropped: 'order' (not the piece expected: seq 0 starts a value, then each seq one more, same
   * db and key), 'checksum' / 'format' as restoreValue answers (a malformed body as soon as it shows).
   */
  piece(owner: string, db: number, key: string, seq: number, payload: string, last: boolean, config?: DumpConfig): PieceResult {
    let s = this.owners.get(owner);
    if (seq === 0) {
      if (s !== undefined) this.release(owner, s);
      s = { db, key, next: 0, loader: new DumpLoader(config), charged: 0 };
      this.owners.set(owner, s);
    } else if (s === undefined || s.next !== seq || s.db !== db || s.key !== key) {
      if (s !== undefined) this.fail(owner, s);
      return 'order';
    }
    s.next++;
    if (last) {
      this.release(owner, s);
      const v = s.loader.finish(payload);
      if (v === 'checksum' || v === 'format') this.onDrop?.(owner, s.db, s.key);
      return v;
    }
    if (!s.loader.feed(payload)) {
      this.fail(owner, s);
      return 'format';
    }
    this.memory.used += s.loader.bytes - s.charged;
    s.charged = s.loader.bytes;
    return 'staged';
  }

  /** Drops what owner staged (of key in db only, when given); tells onDrop. */
  drop(owner: string, db?: number, key?: string): void {
    const s = this.owners.get(owner);
    if (s === undefined || (key !== undefined && (s.key !== key || s.db !== db))) return;
    this.fail(owner, s);
  }

  /** Drops every staged value whose owner `which` selects (all without it); tells onDrop. */
  dropAll(which?: (owner: string) => boolean): void {
    for (const [owner, s] of [...this.owners]) if (which === undefined || which(owner)) this.fail(owner, s);
  }

  private fail(owner: string, s: Staged): void {
    this.release(owner, s);
    this.onDrop?.(owner, s.db, s.key);
  }

  /** Forgets owner's staged value and gives its bytes back. */
  private release(owner: string, s: Staged): void {
    if (this.owners.get(owner) === s) this.owners.delete(owner);
    this.memory.used -= s.charged;
    s.charged = 0;
  }
}
