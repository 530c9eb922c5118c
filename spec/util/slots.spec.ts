import { expect } from 'chai';
import calculateSlot from 'cluster-key-slot';
import { SLOTS, commandSlot, crc16, keySlot } from '../../lib/util/slots';

const bytes = (from: number, to: number): string => {
  let s = '';
  for (let b = from; b <= to; b++) s += String.fromCharCode(b);
  return s;
};

// [latin1 key, slot]: every row was checked against redis-server 7.0.15 (cluster-enabled yes,
// CLUSTER KEYSLOT sent as raw RESP so binary bytes arrive unchanged).
const REDIS_VECTORS: ReadonlyArray<[string, number]> = [
  ['', 0],
  ['foo', 12182],
  ['bar', 5061],
  ['a', 15495],
  ['123456789', 12739],
  ['key:1', 6657],
  ['hello world', 15332],
  ['{user1000}.following', 3443],
  ['{user1000}.followers', 3443],
  ['foo{bar}', 5061], // tag 'bar'
  ['foo{}{bar}', 8363], // first tag empty: the whole key
  ['foo{{bar}}zap', 4015], // tag '{bar'
  ['foo{bar}{zap}', 5061], // only the first tag counts
  ['{bar', 4015], // no '}': the whole key
  ['foo{', 7673],
  ['}{bar}', 5061], // a '}' before the first '{' is ignored
  ['{}', 15257],
  ['{}{}', 15786],
  ['{{}}', 4092], // tag '{'
  ['\x80', 4488],
  ['\xff', 7920],
  ['\x00', 0],
  ['caf\xe9', 9182],
  ['\x80\x81\x82\xfe\xff', 12888],
  ['{\xe9t\xe9}.x', 5690],
  ['\x00{\x00}\x00', 0],
  ['a\x00b', 8383],
  ['\xff{}{\xff}', 6665],
  ['{\x80\x90}\xa0{\xb0}', 6177],
  ['x'.repeat(300) + '\xc3\xa9', 15209],
  [bytes(0x80, 0xff), 5096],
  [bytes(0x00, 0xff), 16155],
];

// A small deterministic generator (no Math.random: failures must reproduce).
function* randomKeys(count: number, seed: number): Generator<string> {
  let x = seed >>> 0;
  const next = (): number => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  const alphabet = ['{', '}', 'a', '\x00', '\x7f', '\x80', '\xff'];
  for (let k = 0; k < count; k++) {
    const len = next() % 24;
    let s = '';
    for (let i = 0; i < len; i++) {
      const r = next();
      s += r % 3 === 0 ? alphabet[(r >>> 8) % alphabet.length] : String.fromCharCode((r >>> 8) & 0xff);
    }
    yield s;
  }
}

describe('cluster/slots', () => {
  it('crc16 is CRC16/XMODEM (check value 0x31c3)', () => {
    expect(crc16('123456789')).to.equal(0x31c3);
    expect(crc16('')).to.equal(0);
  });

  it('keySlot matches redis-server CLUSTER KEYSLOT on every vector', () => {
    for (const [key, slot] of REDIS_VECTORS) expect(keySlot(key), JSON.stringify(key)).to.equal(slot);
  });

  it('keySlot stays in 0..SLOTS-1', () => {
    expect(SLOTS).to.equal(16384);
    for (const key of randomKeys(2000, 7)) expect(keySlot(key)).to.be.within(0, SLOTS - 1);
  });

  it('agrees with cluster-key-slot on latin1 Buffers wherever that package follows Redis', () => {
    let compared = 0;
    for (const key of randomKeys(5000, 42)) {
      const open = key.indexOf('{');
      // The package keeps searching past an empty first tag ('foo{}{bar}'); Redis hashes the whole key.
      if (open >= 0 && key[open + 1] === '}') continue;
      expect(keySlot(key), JSON.stringify(key)).to.equal(calculateSlot(Buffer.from(key, 'latin1')));
      compared++;
    }
    expect(compared).to.be.greaterThan(4000);
  });

  it('documents why the package is not used directly', () => {
    // On strings it hashes UTF-8, not our latin1 bytes; on an empty first tag it diverges from Redis.
    expect(calculateSlot('caf\xe9')).to.not.equal(9182);
    expect(calculateSlot(Buffer.from('foo{}{bar}', 'latin1'))).to.not.equal(8363);
  });

  it('commandSlot: -1 without keys, the common slot, or crossslot', () => {
    expect(commandSlot([])).to.equal(-1);
    expect(commandSlot(['foo'])).to.equal(12182);
    expect(commandSlot(['{user1000}.following', '{user1000}.followers', 'user1000'])).to.equal(3443);
    expect(commandSlot(['bar', 'foo{bar}', 'x{bar}{zap}'])).to.equal(5061);
    expect(commandSlot(['foo', 'bar'])).to.equal('crossslot');
    expect(commandSlot(['{a}1', '{a}2', '{b}3'])).to.equal('crossslot');
  });
});
