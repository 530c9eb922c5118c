// LFU counters as Redis keeps them (evict.c): 24 bits per key, the high 16 the last decrement time in
// minutes, the low 8 a logarithmic access counter that starts at LFU_INIT_VAL and decays by one per
// lfu-decay-time minutes of idleness.

export const LFU_INIT_VAL = 5;

export interface LfuParams {
  /** lfu-log-factor */
  logFactor: number;
  /** lfu-decay-time, minutes */
  decayTime: number;
}

/** Minutes since the epoch, 16 bits (wraps every ~45 days, as Redis). */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

function minutesSince(ldt: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** The counter after decay, without changing the stored field. */
export function lfuDecayed(field: number, nowMs: number, p: LfuParams): number {
  // The field is 24 bits; mask, so that an LRU time left by a policy switch reads as some LFU field.
  const ldt = (field >>> 8) & 0xffff;
  const counter = field & 0xff;
  const periods = p.decayTime ? Math.floor(minutesSince(ldt, nowMs) / p.decayTime) : 0;
  return periods > counter ? 0 : counter - periods;
}

/** The field after one access: decay, then a logarithmic increment. */
export function lfuTouch(field: number, nowMs: number, p: LfuParams): number {
  let counter = lfuDecayed(field, nowMs, p);
  if (counter < 255) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    const prob = 1 / (base * p.logFactor + 1);
    if (Math.random() < prob) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}

/** The field of a new key. */
export function lfuNew(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}
