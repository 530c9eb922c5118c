import { expect } from 'chai';
import { Backlog } from '../../lib/replication/backlog';

describe('replication backlog', () => {
  it('starts empty at the given offset', () => {
    const b = new Backlog(16, 100);
    expect(b.offset).to.equal(100);
    expect(b.histlen).to.equal(0);
    expect(b.firstByteOffset).to.equal(101);
    expect(b.has(101)).to.equal(true);
    expect(b.has(100)).to.equal(false);
    expect(b.read(101).length).to.equal(0);
  });

  it('counts offsets as Redis (first byte = 1) and reads any suffix', () => {
    const b = new Backlog(64);
    b.append('hello');
    b.append(' world');
    expect(b.offset).to.equal(11);
    expect(b.firstByteOffset).to.equal(1);
    expect(b.read(1).toString('latin1')).to.equal('hello world');
    expect(b.read(7).toString('latin1')).to.equal('world');
    expect(b.has(12)).to.equal(true);
    expect(b.has(13)).to.equal(false);
  });

  it('wraps around, keeping the newest size bytes', () => {
    const b = new Backlog(8);
    b.append('abcdef');
    b.commit();
    b.append('ghijk');
    expect(b.offset).to.equal(11);
    expect(b.histlen).to.equal(8);
    expect(b.firstByteOffset).to.equal(4);
    expect(b.has(3)).to.equal(false);
    expect(b.read(4).toString('latin1')).to.equal('defghijk');
    expect(b.read(10).toString('latin1')).to.equal('jk');
  });

  it('keeps bytes (latin1, binary) intact across many commits', () => {
    const b = new Backlog(1000);
    let all = '';
    for (let i = 0; i < 300; i++) {
      const s = String.fromCharCode(i % 256, (i * 7) % 256, 255, 0);
      all += s;
      b.append(s);
      if (i % 13 === 0) b.commit();
    }
    expect(b.read(b.firstByteOffset).toString('latin1')).to.equal(all.slice(all.length - 1000));
  });

  it('an append larger than the buffer keeps its tail', () => {
    const b = new Backlog(4);
    b.append('0123456789');
    expect(b.read(b.firstByteOffset).toString('latin1')).to.equal('6789');
    expect(b.firstByteOffset).to.equal(7);
  });

  it('appendBytes (a replica keeping what it received) interleaves with append and wraps like it', () => {
    const b = new Backlog(10, 3);
    let all = '';
    for (let i = 0; i < 40; i++) {
      const s = String.fromCharCode(65 + (i % 26)).repeat(1 + (i % 4)) + '\xff';
      all += s;
      if (i % 2 === 0) b.append(s);
      else b.appendBytes(Buffer.from(s, 'latin1'));
      expect(b.offset).to.equal(3 + all.length);
      expect(b.read(b.firstByteOffset).toString('latin1')).to.equal(all.slice(-10));
    }
    b.appendBytes(Buffer.from('0123456789abcdef', 'latin1')); // larger than the buffer: its tail
    expect(b.offset).to.equal(3 + all.length + 16);
    expect(b.read(b.firstByteOffset).toString('latin1')).to.equal('6789abcdef');
    expect(b.has(b.offset - 9)).to.equal(true);
    expect(b.has(b.offset - 10)).to.equal(false);
  });

  it('reset forgets history; resize keeps the newest bytes', () => {
    const b = new Backlog(8);
    b.append('abcdefgh');
    b.resize(4);
    expect(b.offset).to.equal(8);
    expect(b.read(b.firstByteOffset).toString('latin1')).to.equal('efgh');
    b.resize(16);
    b.append('ij');
    expect(b.read(5).toString('latin1')).to.equal('efghij');
    b.reset(50);
    expect(b.offset).to.equal(50);
    expect(b.histlen).to.equal(0);
    b.append('x');
    expect(b.read(51).toString('latin1')).to.equal('x');
  });
});
