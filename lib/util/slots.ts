// Key -> hash slot, exactly as Redis Cluster computes it (cluster.c keyHashSlot):
// CRC16/XMODEM (poly 0x1021, init 0, no reflection, no final xor) of the key, or of its hash tag,
// modulo SLOTS. The hash tag is the content between the FIRST '{' and the first '}' after it, and
// only when that content is non-empty; otherwise the whole key is hashed.
//
// Why not the cluster-key-slot package (checked against redis-server 7.0.15, see the spec):
// - given a JS string it hashes the UTF-8 encoding, but our keys are latin1 byte strings, so any key
//   with a byte >= 0x80 would get a wrong slot;
// - given a Buffer it is byte-correct, except that on an empty tag it keeps looking for a later '}':
//   'foo{}{bar}' gives 4015 (crc of '{bar') where Redis hashes the whole key (8363);
// - and Buffer.from per key would allocate on every command.
// So we hash the latin1 string directly (charCodeAt is the byte); the spec cross-checks this against
// the package on Buffers wherever the package is right.

/** Number of hash slots in Redis Cluster. */
export const SLOTS = 16384;

const CRC16_TABLE: Uint16Array = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let crc = n << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[n] = crc;
  }
  return t;
})();

/** CRC16/XMODEM of the bytes s[start, end) of a latin1 byte string ('123456789' -> 0x31c3). */
export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ s.charCodeAt(i)) & 0xff];
  return crc;
}

/** The hash slot (0..SLOTS-1) of a latin1 byte-string key, as Redis Cluster's CLUSTER KEYSLOT. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOTS - 1);
  }
  return crc16(key) & (SLOTS - 1);
}

/** keySlot() of a key given as bytes buf[off, off + len) (the same slot as for the equal latin1 string). */
export function keySlotBytes(buf: Uint8Array, off: number, len: number): number {
  const end = off + len;
  let start = off;
  let stop = end;
  let open = off;
  while (open < end && buf[open] !== 123 /* '{' */) open++;
  if (open < end) {
    let close = open + 1;
    while (close < end && buf[close] !== 125 /* '}' */) close++;
    if (close < end && close > open + 1) {
      start = open + 1;
      stop = close;
    }
  }
  let crc = 0;
  for (let i = start; i < stop; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ buf[i]) & 0xff];
  return crc & (SLOTS - 1);
}

/**
 * The one slot all of a command's keys hash to: -1 when the command has no keys, 'crossslot' when
 * two keys hash to different slots (the router then answers Redis's CROSSSLOT error).
 */
export function commandSlot(keys: readonly string[]): number | 'crossslot' | -1 {
  if (keys.length === 0) return -1;
  const slot = keySlot(keys[0]);
  for (let i = 1; i < keys.length; i++) if (keySlot(keys[i]) !== slot) return 'crossslot';
  return slot;
}
