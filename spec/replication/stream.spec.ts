import { expect } from 'chai';
import { delEffect, encodeCommand, encodedLength, keyState, setEffect, snapEntry } from '../../lib/replication/stream';
import { dumpValue, restoreValue } from '../../lib/store/dump';
import { Keyspace, newStoreEnv } from '../../lib/store/keyspace';
import { stringValue } from '../../lib/store/value';
import { ManualClock } from '../../lib/util/clock';

describe('replication stream encoding', () => {
  it('encodes commands as RESP multibulk (binary-safe)', () => {
    expect(encodeCommand(['SET', 'k', 'v'])).to.equal('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(encodeCommand(['X', 'a\r\n\x00\xff'])).to.equal('*2\r\n$1\r\nX\r\n$5\r\na\r\n\x00\xff\r\n');
  });

  it('encodedLength is the length of the encoding', () => {
    for (const argv of [['PING'], ['SET', 'key', 'x'.repeat(1234)], ['DEL', ''], Array.from({ length: 12 }, (_, i) => 'a'.repeat(i))]) {
      expect(encodedLength(argv)).to.equal(encodeCommand(argv).length);
    }
  });

  it('SET without and with PXAT, DEL', () => {
    expect(setEffect('k', stringValue('hello'), 0)).to.equal(encodeCommand(['SET', 'k', 'hello']));
    expect(setEffect('k', stringValue('hello'), 1700000000123)).to.equal(encodeCommand(['SET', 'k', 'hello', 'PXAT', '1700000000123']));
    expect(delEffect('k')).to.equal(encodeCommand(['DEL', 'k']));
  });

  it('keyState: the key as it is now (live, with TTL, expired, absent)', () => {
    const clock = new ManualClock();
    const db = new Keyspace(0, newStoreEnv(clock));
    db.set('a', stringValue('1'));
    db.set('b', stringValue('2'), clock.now() + 5000);
    db.set('c', stringValue('3'), clock.now() + 10);
    clock.advance(10);
    expect(keyState(db, 'a')).to.equal(encodeCommand(['SET', 'a', '1']));
    expect(keyState(db, 'b')).to.equal(encodeCommand(['SET', 'b', '2', 'PXAT', String(clock.now() + 4990)]));
    expect(keyState(db, 'c')).to.equal(encodeCommand(['DEL', 'c']));
    expect(keyState(db, 'zz')).to.equal(encodeCommand(['DEL', 'zz']));
  });

  it('snapshot entries carry key, absolute expiry, DUMP payload and db', () => {
    const clock = new ManualClock();
    const db = new Keyspace(3, newStoreEnv(clock));
    const s = db.set('k', stringValue('v\x00'), 123456);
    const payload = dumpValue(db.valueAt(s));
    expect(snapEntry(db, s)).to.equal(encodeCommand(['REPLSNAP', 'k', '123456', payload, '3']));
    expect(restoreValue(payload)).to.equal(stringValue('v\x00'));
  });
});
