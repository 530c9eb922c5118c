import { expect } from 'chai';
import { EFFECT_COMMAND, EFFECT_EXPIRY, EFFECT_STATE, Effects } from '../../lib/store/effects';

describe('Effects (the write-effect recorder)', () => {
  it('records nothing while off', () => {
    const fx = new Effects();
    fx.command(['HSET', 'k', 'f', 'v']);
    fx.key('k');
    fx.expiry('k');
    expect(fx.size).to.equal(0);
  });

  it('records entries in order with their database (the running one by default)', () => {
    const fx = new Effects();
    fx.on = true;
    fx.db = 3;
    fx.command(['HSET', 'k', 'f', 'v']);
    fx.key('a');
    fx.expiry('b', 5);
    fx.command(['FLUSHALL'], -1);
    expect(fx.kinds).to.deep.equal([EFFECT_COMMAND, EFFECT_STATE, EFFECT_EXPIRY, EFFECT_COMMAND]);
    expect(fx.dbs).to.deep.equal([3, 3, 5, -1]);
    expect(fx.items).to.deep.equal([['HSET', 'k', 'f', 'v'], 'a', 'b', ['FLUSHALL']]);
    fx.clear();
    expect(fx.size).to.equal(0);
  });
});
