import { expect } from 'chai';
import { decodeReply, encodeCommand, infoFields, RespError } from '../../lib/launcher/resp';

describe('launcher RESP helper', () => {
  it('encodes a command as a multibulk', () => {
    expect(encodeCommand(['CLUSTER', 'INFO'])).to.equal('*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n');
    expect(encodeCommand(['SET', 'k', ''])).to.equal('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n');
  });

  it('decodes every RESP2 reply type and reports how many bytes it used', () => {
    expect(decodeReply('+PONG\r\n')).to.deep.equal(['PONG', 7]);
    expect(decodeReply(':42\r\nrest')).to.deep.equal([42, 5]);
    expect(decodeReply('$-1\r\n')).to.deep.equal([null, 5]);
    expect(decodeReply('$5\r\na\r\nbc\r\n')).to.deep.equal(['a\r\nbc', 11]);
    expect(decodeReply('*2\r\n$1\r\na\r\n*1\r\n:1\r\n')).to.deep.equal([['a', [1]], 19]);
    const [err] = decodeReply('-MOVED 1 127.0.0.1:7001\r\n')!;
    expect(err).to.be.instanceOf(RespError);
    expect((err as Error).message).to.equal('MOVED 1 127.0.0.1:7001');
  });

  it('returns null on an incomplete reply, at any cut', () => {
    const full = '*2\r\n$5\r\nhello\r\n:7\r\n';
    for (let i = 0; i < full.length; i++) expect(decodeReply(full.slice(0, i)), `cut at ${i}`).to.equal(null);
    expect(decodeReply(full)![0]).to.deep.equal(['hello', 7]);
    expect(() => decodeReply('?x\r\n')).to.throw(/bad RESP reply byte/);
  });

  it('splits INFO-style text into fields', () => {
    const f = infoFields('cluster_state:ok\r\ncluster_current_epoch:5\r\n# Section\r\n');
    expect(f.get('cluster_state')).to.equal('ok');
    expect(f.get('cluster_current_epoch')).to.equal('5');
    expect(f.size).to.equal(2);
  });
});
