import { expect } from 'chai';
import fc from 'fast-check';
import { DUMP_FORMAT, DumpLoader, DumpWriter, TYPE_HASH, TYPE_SET, TYPE_STRING, crc64, dumpValue, restoreValue } from '../../lib/store/dump';
import { HashValue } from '../../lib/store/hash';
import { ListValue } from '../../lib/store/list';
import { ZSetValue } from '../../lib/store/zset';
import { DEFAULT_SET_LIMITS, ENC_HASHTABLE, ENC_LISTPACK, SetValue, type SetEncoding } from '../../lib/store/set';
import { stringPayload, stringValue, type Value } from '../../lib/store/value';

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

  describe('pieces (DumpWriter, DumpLoader)', () => {
    const bytes = (max: number) => fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((a) => String.fromCharCode(...a));
    const item = fc.oneof({ weight: 4, arbitrary: bytes(12) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 400 }).map((n) => 'L'.repeat(n)) });
    const intItem = fc.integer({ min: -1000, max: 100000 }).map(String);
    const valueArb: fc.Arbitrary<Value> = fc.oneof(
      bytes(600).map(stringValue),
      fc.record({ fields: fc.array(fc.tuple(item, item, fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2 ** 45 }))), { minLength: 1, maxLength: 300 }) }).map(({ fields }) => {
        const h = new HashValue();
        for (const [f, v, at] of fields) {
          h.set(f, v, 0);
          if (at > 0) h.setExpiry(h.find(f, 0), at);
        }
        return h;
      }),
      fc.record({ els: fc.array(item, { minLength: 1, maxLength: 400 }), fill: fc.constantFrom(-2, -1, 4, 16), node: fc.nat({ max: 40 }) }).map(({ els, fill, node }) => {
        const l = new ListValue();
        if (node > 0) {
          // Nodes as a restored payload makes them (any size), then pushes as RPUSH makes them.
          for (let i = 0; i < els.length; i += node) l.appendNode(els.slice(i, i + node));
        } else {
          for (const e of els) {
            l.growing(fill, e.length, 1);
            l.pushTail(e);
          }
        }
        return l;
      }),
      fc.record({ ms: fc.array(fc.oneof(item, intItem), { minLength: 1, maxLength: 400 }), ints: fc.array(intItem, { minLength: 1, maxLength: 300 }), intset: fc.boolean() }).map(({ ms, ints, intset }) => {
        const L = intset ? { intsetEntries: 1000, listpackEntries: 128, listpackValue: 64 } : DEFAULT_SET_LIMITS;
        const v = new SetValue();
        for (const m of intset ? ints : ms) v.add(m, L);
        return v;
      }),
      fc.array(fc.tuple(item, fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -5, max: 5 }))), { minLength: 1, maxLength: 300 }).map((pairs) => {
        const z = new ZSetValue(false);
        for (const [m, score] of pairs) z.add(score, m, 0, 128, 64);
        return z;
      }),
    );
    const limits = fc.record({ maxBytes: fc.integer({ min: 1, max: 3000 }), maxItems: fc.integer({ min: 1, max: 70 }) });
    const itemsOf = (v: Value): number => (typeof v === 'string' ? stringPayload(v).length : v.size);

    function cut(v: Value, maxBytes: number, maxItems: number): string[] {
      const w = new DumpWriter(v);
      const pieces: string[] = [];
      while (!w.done) pieces.push(w.next(maxBytes, maxItems));
      return pieces;
    }

    function load(pieces: string[]): Value | 'checksum' | 'format' {
      const l = new DumpLoader();
      for (let i = 0; i < pieces.length - 1; i++) l.feed(pieces[i]);
      return l.finish(pieces[pieces.length - 1]);
    }

    it('the pieces joined are the whole payload; each holds at most maxItems items; loading them gives restoreValue\'s value', () => {
      fc.assert(
        fc.property(valueArb, limits, (v, { maxBytes, maxItems }) => {
          const whole = dumpValue(v);
          const pieces = cut(v, maxBytes, maxItems);
          expect(pieces.join('')).to.equal(whole);
          // A piece ends at most one item past maxBytes; a string counts bytes, so its pieces hold maxBytes or fewer.
          const n = itemsOf(v);
          if (typeof v === 'string') expect(pieces.length).to.be.at.most(Math.max(1, Math.ceil(n / maxBytes)) + 1);
          else expect(pieces.length).to.be.at.least(Math.min(n, Math.ceil(n / maxItems)));
          const back = load(pieces);
          const direct = restoreValue(whole);
          expect(typeof back).to.equal(typeof direct);
          expect(dumpValue(back as Value)).to.equal(whole);
          if (typeof back !== 'string') expect((back as HashValue).bytes).to.equal((direct as HashValue).bytes);
          if (back instanceof SetValue) expect(back.encoding()).to.equal((direct as SetValue).encoding());
          if (back instanceof ZSetValue) {
            const cfg = { num: (name: string) => (name === 'zset-max-listpack-entries' ? 128 : 64) };
            expect(back.encoding(cfg)).to.equal((direct as ZSetValue).encoding(cfg));
            expect(back.check()).to.equal(null);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('bounds a piece: at most maxItems items, and maxBytes plus one item', () => {
      const h = new HashValue();
      for (let i = 0; i < 10000; i++) h.set(`field:${i}`, `value:${i}`, 0);
      const pieces = cut(h, 1000, 100);
      expect(pieces.length).to.be.within(100, 250);
      for (const p of pieces) expect(p.length).to.be.below(1000 + 40);
      const big = cut(h, 64 * 1024, 1000);
      expect(big.length).to.equal(10);
      const l = new ListValue();
      for (let i = 0; i < 10000; i++) {
        l.growing(-2, 6, 1);
        l.pushTail(`el:${i}`);
      }
      expect(cut(l, Infinity, 1000)).to.have.length(10);
      expect(cut(stringValue('s'.repeat(100000)), 30000, 1)).to.have.length(4);
    });

    it('a corrupt byte in any piece is a checksum error, as for the whole payload; a bad body shows early', () => {
      const v = new SetValue();
      for (let i = 0; i < 200; i++) v.add(`m${i}`, DEFAULT_SET_LIMITS);
      const pieces = cut(v, 300, 20);
      for (let k = 0; k < pieces.length; k++) {
        const bad = [...pieces];
        const at = Math.floor(bad[k].length / 2);
        bad[k] = bad[k].slice(0, at) + String.fromCharCode(bad[k].charCodeAt(at) ^ 0x01) + bad[k].slice(at + 1);
        expect(load(bad), `piece ${k}`).to.equal('checksum');
      }
      // A repeated member (a piece sent twice): the loader says so at once; with the checksum right, 'format'.
      const l = new DumpLoader();
      expect(l.feed(pieces[0])).to.equal(true);
      expect(l.feed(pieces[1])).to.equal(true);
      expect(l.feed(pieces[1])).to.equal(false);
      expect(l.bytes).to.equal(0);
      const twice = [pieces[0], pieces[1], pieces[1], ...pieces.slice(2)];
      const joined = twice.join('');
      const sealed = reseal(joined.slice(0, -8));
      const resealed = [...twice.slice(0, -1), sealed.slice(joined.length - twice[twice.length - 1].length)];
      expect(restoreValue(sealed)).to.equal('format');
      expect(load(resealed)).to.equal('format');
      // Missing pieces: a sound checksum over a short body.
      expect(load([pieces[0], reseal(pieces[0] + pieces[pieces.length - 1].slice(0, -8)).slice(pieces[0].length)])).to.equal('format');
    });

    it('builds the value as pieces come (bytes grow with them); a piece of an unknown type fails at once', () => {
      const h = new HashValue();
      for (let i = 0; i < 3000; i++) h.set(`f${i}`, 'v'.repeat(10), 0);
      const pieces = cut(h, 4096, 1000);
      const l = new DumpLoader();
      let last = 0;
      for (const p of pieces.slice(0, -1)) {
        expect(l.feed(p)).to.equal(true);
        expect(l.bytes).to.be.above(last);
        last = l.bytes;
      }
      expect(dumpValue(l.finish(pieces[pieces.length - 1]) as Value)).to.equal(dumpValue(h));
      expect(new DumpLoader().feed('\x63\x01')).to.equal(false);
    });
  });
});
