import { expect } from 'chai';
import { ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

describe('string commands', () => {
  it('SET then GET returns the value; GET of a missing key is nil', () => {
    const n = new UnitNode();
    expect(n.run('SET', 'k', 'v')).to.equal('OK');
    expect(n.run('GET', 'k')).to.equal('v');
    expect(n.run('GET', 'missing')).to.equal(null);
  });

  it('SET EX expires the key when the clock passes it', () => {
    const n = new UnitNode();
    n.run('SET', 'k', 'v', 'EX', '10');
    n.clock.advance(9999);
    expect(n.run('GET', 'k')).to.equal('v');
    n.clock.advance(1);
    expect(n.run('GET', 'k')).to.equal(null);
  });

  it('wrong arity gets Redis\'s error text', () => {
    const n = new UnitNode();
    const r = n.run('GET');
    expect(r).to.be.instanceOf(ReplyError);
    expect((r as Error).message).to.equal("ERR wrong number of arguments for 'get' command");
  });
});
