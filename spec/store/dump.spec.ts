import { expect } from 'chai';
import { DUMP_FORMAT, TYPE_HASH, TYPE_SET, TYPE_STRING, crc64, dumpValue, restoreValue } from '../../lib/store/dump';
import { HashValue } from '../../lib/store/hash';
import { DEFAULT_SET_LIMITS, ENC_HASHTABLE, ENC_LISTPACK, SetValue, type SetEncoding } from '../../lib/store/set';
import { stringPayload, stringValue } from '../../lib/store/value';

/** Rewrites the CRC of a payload after tampering, so that only the tampered field is wrong. */
function reseal(body: string): string {
  const c = crc64(body);
  let tail = '';
  for (let i = 0n; i < 8n; i++) tail += String.fromCharCode(Number((c >> (8n * i)) & 0xffn));
  return body + tail;
}

describe('DUMP payloads (store/dump)', () => {
  it('crc64 is Redis\'s CRC64-Jones (check value of "123456789")', () => {
    expect(crc64('123456789')).to.equal(0xe9c6d914c4b8d9can);
    expect(crc64('')).to.equal(0n);
  });

  it('lays out type, varint length, bytes, version 0x8001 LE, CRC64 LE', () => {
    const p = dumpValue(stringValue('hello'));
    expect(p.charCodeAt(0)).to.equal(TYPE_STRING);
    expect(p.charCodeAt(1)).to.equal(5);
    expect(p.slice(2, 7)).to.equal('hello');
    expect(p.charCodeAt(7) | (p.charCodeAt(8) << 8)).to.equal(0x8000 | DUMP_FORMAT);
    expect(p.length).to.equal(1 + 1 + 5 + 2 + 8);
    expect(reseal(p.slice(0, -8))).to.equal(p);
  });

  for (const payload of ['', 'v', '\x00\xff\r\n binary', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(70000)]) {
    it(`round-trips a string of ${payload.length} bytes`, () => {
      const back = restoreValue(dumpValue(stringValue(payload)));
      expect(typeof back).to.equal('string');
      expect(stringPayload(back as string)).to.equal(payload);
    });
  }

  it('uses a multi-byte varint for lengths of 128 and more', () => {
    const p = dumpValue(stringValue('y'.repeat(300)));
    expect([p.charCodeAt(1), p.charCodeAt(2)]).to.deep.equal([0x80 | (300 & 0x7f), 300 >> 7]);
  });

  it('rejects a flipped bit anywhere as a checksum error', () => {
    const p = dumpValue(stringValue('hello world'));
    for (let i = 0; i < p.length; i++) {
      const bad = p.slice(0, i) + String.fromCharCode(p.charCodeAt(i) ^ 0x04) + p.slice(i + 1);
      expect(restoreValue(bad), `byte ${i}`).to.equal('checksum');
    }
  });

  it('rejects short payloads, Redis RDB payloads and newer formats as version/checksum errors', () => {
    expect(restoreValue('')).to.equal('checksum');
    expect(restoreValue('junk')).to.equal('checksum');
    // What redis-server 7.0 answers to DUMP of "hello": RDB version 10, its own CRC.
    const redis = Buffer.from('000568656c6c6f0a006372df766534200a', 'hex').toString('latin1');
    expect(restoreValue(redis)).to.equal('checksum');
    const p = dumpValue(stringValue('v'));
    const newer = 0x8000 | (DUMP_FORMAT + 1);
    const body = p.slice(0, -10) + String.fromCharCode(newer & 0xff, newer >> 8);
    expect(restoreValue(reseal(body))).to.equal('checksum');
  });

  it('answers "format" for a sound checksum over an unknown type or a wrong length', () => {
    const p = dumpValue(stringValue('abc'));
    const version = p.slice(-10, -8);
    expect(restoreValue(reseal('\x63' + p.slice(1, -10) + version))).to.equal('format');
    expect(restoreValue(reseal('\x00\x04abc' + version))).to.equal('format');
    expect(restoreValue(reseal('\x00\x02abc' + version))).to.equal('format');
    expect(restoreValue(reseal('\x00\x80' + version))).to.equal('format'); // unterminated varint
  });

  describe('hashes', () => {
    function hashOf(pairs: [string, string, number?][]): HashValue {
      const h = new HashValue();
      for (const [f, v, at] of pairs) {
        h.set(f, v, 0);
        if (at) h.setExpiry(h.find(f, 0), at);
      }
      return h;
    }
    function dumpOf(h: HashValue): [string, string, number][] {
      const out: [string, string, number][] = [];
      h.forEachRaw((f, v, at) => out.push([f, v, at]));
      return out;
    }

    it('round-trips fields, values, order and field expiries (binary-safe, long values)', () => {
      const h = hashOf([
        ['z', '1'],
        ['\x00\xff\r\n', 'y'.repeat(300)],
        ['a', '', 1_700_000_000_123],
        ['', 'empty field'],
      ]);
      const p = dumpValue(h);
      expect(p.charCodeAt(0)).to.equal(TYPE_HASH);
      const back = restoreValue(p) as HashValue;
      expect(back).to.be.instanceOf(HashValue);
      expect(dumpOf(back)).to.deep.equal(dumpOf(h));
      expect(back.bytes).to.equal(h.bytes);
      expect(back.nextExpire).to.equal(1_700_000_000_123);
    });

    it('a hash without TTLs carries no expiry bytes; a large one round-trips', () => {
      const h = hashOf([['f', 'v']]);
      // type, count 1, flags 0, field "f", value "v", version, CRC.
      expect(dumpValue(h).length).to.equal(1 + 1 + 1 + 2 + 2 + 2 + 8);
      const big = new HashValue();
      for (let i = 0; i < 5000; i++) big.set(`field:${i}`, `value:${i}`, 0);
      expect(dumpOf(restoreValue(dumpValue(big)) as HashValue)).to.deep.equal(dumpOf(big));
    });

    it('answers "format" for an empty hash, duplicate fields, unknown flags or a truncated body', () => {
      const version = dumpValue(stringValue('')).slice(-10, -8);
      const T = String.fromCharCode(TYPE_HASH);
      expect(restoreValue(reseal(T + '\x00\x00' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x02\x00\x01a\x01b\x01a\x01c' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x02\x01a\x01b' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x02\x00\x01a\x01b' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x01\x01a\x01b' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x00\x01a\x01b' + version))).to.be.instanceOf(HashValue);
    });

    it('the string layout and DUMP_FORMAT are unchanged by the hash type', () => {
      expect(DUMP_FORMAT).to.equal(1);
    });
  });

  describe('sets', () => {
    const setOf = (ms: string[], enc: SetEncoding = ENC_LISTPACK) => {
      const v = new SetValue(enc);
      for (const m of ms) v.add(m, DEFAULT_SET_LIMITS);
      return v;
    };
    const cfg = (intset: number, entries: number, value: number) => ({
      num: (name: string) => (name === 'set-max-intset-entries' ? intset : name === 'set-max-listpack-entries' ? entries : value),
    });

    it('lays out type 2, varint count, encoding byte, then the members in the set\'s order', () => {
      const p = dumpValue(setOf(['b', '', 'a']));
      expect(p.charCodeAt(0)).to.equal(TYPE_SET);
      expect(p.slice(1, -10)).to.equal('\x03\x01\x01b\x00\x01a');
      const i = new SetValue();
      for (const m of ['30', '-2', '7']) i.add(m, DEFAULT_SET_LIMITS);
      expect(dumpValue(i).slice(1, -10)).to.equal('\x03\x00\x02-2\x017\x0230');
    });

    it('round-trips members (binary-safe, long), order and encoding; a large hashtable too', () => {
      const v = setOf(['z', '\x00\xff\r\n', 'y'.repeat(300), '', '5']);
      const back = restoreValue(dumpValue(v)) as SetValue;
      expect(back).to.be.instanceOf(SetValue);
      expect(back.toArray()).to.deep.equal(v.toArray());
      expect(back.encoding()).to.equal('hashtable'); // the long member made it one before the dump
      const lp = setOf(['c', 'a', 'b']);
      expect((restoreValue(dumpValue(lp)) as SetValue).toArray()).to.deep.equal(['c', 'a', 'b']);
      const big = setOf(Array.from({ length: 5000 }, (_, i) => `member:${i}`), ENC_HASHTABLE);
      const bigBack = restoreValue(dumpValue(big)) as SetValue;
      expect(bigBack.size).to.equal(5000);
      expect(bigBack.toArray().sort()).to.deep.equal(big.toArray().sort());
      expect(bigBack.bytes).to.equal(bigBack.recount());
    });

    it('chooses the encoding with the restoring config (Redis\'s defaults without one)', () => {
      const p = dumpValue(setOf(['1', '2', '3'], ENC_HASHTABLE));
      expect((restoreValue(p) as SetValue).encoding()).to.equal('intset');
      expect((restoreValue(p, cfg(2, 128, 64)) as SetValue).encoding()).to.equal('hashtable');
      const q = dumpValue(setOf(['a', 'b', 'c']));
      expect((restoreValue(q, cfg(512, 2, 64)) as SetValue).encoding()).to.equal('hashtable');
      expect((restoreValue(q, cfg(512, 3, 0)) as SetValue).encoding()).to.equal('listpack');
    });

    it('answers "format" for an empty set, a repeated member, an unknown encoding, a non-integer intset, a truncated body', () => {
      const version = dumpValue(stringValue('')).slice(-10, -8);
      const T = String.fromCharCode(TYPE_SET);
      expect(restoreValue(reseal(T + '\x00\x01' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x02\x01\x01a\x01a' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x02\x02\x01a\x01a' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x03\x01a' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x00\x01a' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x02\x01\x01a' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x01\x01a\x00' + version))).to.equal('format');
      expect(restoreValue(reseal(T + '\x01\x00\x017' + version))).to.be.instanceOf(SetValue);
    });
  });
});
