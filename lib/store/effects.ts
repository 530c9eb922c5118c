// Write effects (Redis's alsoPropagate, Dragonfly's RecordJournal): a write handler records what it
// changed, as commands that replay the change; replication (and later MULTI/EXEC, scripts and the
// append-only file) consume that one record. The dispatcher hands a command's effects to the consumer in
// one batch after the handler ran, so one command's effects stay together. A failed or no-op command
// records nothing. While nobody consumes effects (`on` false: no replica, no AOF) recording is a no-op.
//
// Three kinds of entry:
// - EFFECT_COMMAND: a literal command (`HSET key f v`, `HPEXPIREAT ...`, `FLUSHALL`), relative times
//   already made absolute by the handler.
// - EFFECT_STATE: "key's whole resulting state", resolved by the consumer after the handler ran: a
//   string becomes `SET key value [PXAT ms]`, a collection `DEL` + `RESTORE ... ABSTTL`, a missing key
//   `DEL key` (strings keep the stream they always had).
// - EFFECT_EXPIRY: "key's resulting expiry": a string as EFFECT_STATE; a collection `PEXPIREAT key ms` or
//   `PERSIST key` (its contents are not resent); a missing key `DEL key`.

export const EFFECT_COMMAND = 0;
export const EFFECT_STATE = 1;
export const EFFECT_EXPIRY = 2;

export class Effects {
  /** Somebody consumes effects (a primary with a backlog): false makes every record a no-op. */
  on = false;
  /** Database of the running command (set by the dispatcher before each command). */
  db = 0;
  /** Entries of the running command: kind, database (-1: not tied to one) and payload, in order. */
  readonly kinds: number[] = [];
  readonly dbs: number[] = [];
  readonly items: (string | readonly string[])[] = [];

  /** Number of entries recorded since the last clear(). */
  get size(): number {
    return this.kinds.length;
  }

  /** Records a literal command applying to database `db` (-1: none, e.g. FLUSHALL). */
  command(argv: readonly string[], db = this.db): void {
    if (!this.on) return;
    this.kinds.push(EFFECT_COMMAND);
    this.dbs.push(db);
    this.items.push(argv);
  }

  /** Records that key's whole state changed (resolved by the consumer once the command finished). */
  key(key: string, db = this.db): void {
    if (!this.on) return;
    this.kinds.push(EFFECT_STATE);
    this.dbs.push(db);
    this.items.push(key);
  }

  /** Records that key's expiry changed (EXPIRE family, PERSIST). */
  expiry(key: string, db = this.db): void {
    if (!this.on) return;
    this.kinds.push(EFFECT_EXPIRY);
    this.dbs.push(db);
    this.items.push(key);
  }

  /** Forgets the recorded entries (after the consumer took them). */
  clear(): void {
    this.kinds.length = 0;
    this.dbs.length = 0;
    this.items.length = 0;
  }
}
