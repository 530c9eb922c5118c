// Node-wide counters behind INFO (and, later, Prometheus). Keyspace counters (hits, misses, expired,
// evicted) live in the StoreEnv the databases share; per-command counters live on each Command.

export class ServerStats {
  totalCommands = 0;
  connectionsReceived = 0;
  rejectedConnections = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Unexpected exceptions inside handlers (bugs); each also got ERR internal error. */
  internalErrors = 0;
  /** Error replies by code (the first word: ERR, WRONGTYPE, ...), for INFO errorstats. */
  errorCodes = new Map<string, number>();
  /** Clients dropped for exceeding client-output-buffer-limit / client-query-buffer-limit. */
  clientOutputLimitDisconnections = 0;
  clientQueryLimitDisconnections = 0;
  /** Highest used_memory seen (bytes), sampled by the cron and by INFO (used_memory_peak). */
  memoryPeak = 0;

  /** instantaneous_ops_per_sec: commands in the last samples, taken every 100 ms. */
  private samples = new Float64Array(16);
  private sampleIdx = 0;
  private lastSampleAt = 0;
  private lastSampleCount = 0;

  /** Records a sample of ops/sec; called from the node's cron. */
  sample(nowMs: number): void {
    if (this.lastSampleAt !== 0 && nowMs - this.lastSampleAt >= 100) {
      const ops = ((this.totalCommands - this.lastSampleCount) * 1000) / (nowMs - this.lastSampleAt);
      this.samples[this.sampleIdx++ % this.samples.length] = ops;
    }
    if (this.lastSampleAt === 0 || nowMs - this.lastSampleAt >= 100) {
      this.lastSampleAt = nowMs;
      this.lastSampleCount = this.totalCommands;
    }
  }

  get instantaneousOps(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.round(sum / this.samples.length);
  }

  /** Counts an error reply by its code (the message's first word). */
  countError(msg: string): void {
    const sp = msg.indexOf(' ');
    const code = sp < 0 ? msg : msg.slice(0, sp);
    this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
  }

  /** Records a used_memory reading for the peak. */
  notePeak(usedBytes: number): void {
    if (usedBytes > this.memoryPeak) this.memoryPeak = usedBytes;
  }

  /** Zeroes every counter (CONFIG RESETSTAT), as Redis's resetServerStats. */
  reset(): void {
    this.totalCommands = 0;
    this.internalErrors = 0;
    this.memoryPeak = 0;
    this.samples.fill(0);
    this.lastSampleAt = 0;
    this.lastSampleCount = 0;
    this.connectionsReceived = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errorCodes.clear();
    this.clientOutputLimitDisconnections = 0;
    this.clientQueryLimitDisconnections = 0;
  }
}
