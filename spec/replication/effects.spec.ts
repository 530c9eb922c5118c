// Effects of each write command family on a primary with a backlog, read back from the backlog: a string
// key changed goes as its resulting state (SET ... PXAT / DEL), never the request; keys a command did not
// change produce nothing.
import { expect } from 'chai';
import { UnitNode } from '../helpers/unit-node';


describe('replication effects of write commands', () => {
  let n: UnitNode;
  beforeEach(() => {
    n = new UnitNode();
    n.node.repl.ensureBacklog();
    n.run('SET', 'init', '1'); // the stream now has SELECT 0
  });

  it('the first effect selects the database; later ones in the same db do not', () => {
    n.node.repl.forceSelect();
    expect(n.effects(() => n.run('SET', 'k', 'v'))).to.deep.equal([['SELECT', '0'], ['SET', 'k', 'v']]);
    expect(n.effects(() => n.run('SET', 'k', 'w'))).to.deep.equal([['SET', 'k', 'w']]);
    n.run('SELECT', '2');
    expect(n.effects(() => n.run('SET', 'k', 'x'))).to.deep.equal([['SELECT', '2'], ['SET', 'k', 'x']]);
  });

  it('string family: INCR, APPEND, SETRANGE, INCRBYFLOAT send SET key <new value>', () => {
    n.run('SET', 'x', 'y');
    expect(n.effects(() => n.run('INCR', 'n'))).to.deep.equal([['SET', 'n', '1']]);
    expect(n.effects(() => n.run('INCRBY', 'n', '41'))).to.deep.equal([['SET', 'n', '42']]);
    expect(n.effects(() => n.run('APPEND', 'n', 'a'))).to.deep.equal([['SET', 'n', '42a']]);
    expect(n.effects(() => n.run('SETRANGE', 'n', '0', 'Z'))).to.deep.equal([['SET', 'n', 'Z2a']]);
    expect(n.effects(() => n.run('INCRBYFLOAT', 'f', '1.5'))).to.deep.equal([['SET', 'f', '1.5']]);
  });

  it('relative expiries go as absolute PXAT: SET EX, SETEX, EXPIRE, GETEX', () => {
    const now = n.clock.now();
    expect(n.effects(() => n.run('SET', 'k', 'v', 'EX', '10'))).to.deep.equal([['SET', 'k', 'v', 'PXAT', String(now + 10000)]]);
    expect(n.effects(() => n.run('SETEX', 'k', '5', 'w'))).to.deep.equal([['SET', 'k', 'w', 'PXAT', String(now + 5000)]]);
    expect(n.effects(() => n.run('EXPIRE', 'k', '100'))).to.deep.equal([['SET', 'k', 'w', 'PXAT', String(now + 100000)]]);
    expect(n.effects(() => n.run('GETEX', 'k', 'PX', '7'))).to.deep.equal([['SET', 'k', 'w', 'PXAT', String(now + 7)]]);
    expect(n.effects(() => n.run('PERSIST', 'k'))).to.deep.equal([['SET', 'k', 'w']]);
  });

  it('deletions go as DEL: GETDEL, DEL, EXPIRE in the past', () => {
    n.run('MSET', 'a', '1', 'b', '2', 'c', '3');
    expect(n.effects(() => n.run('GETDEL', 'a'))).to.deep.equal([['DEL', 'a']]);
    expect(n.effects(() => n.run('DEL', 'b', 'nope'))).to.deep.equal([['DEL', 'b']]);
    expect(n.effects(() => n.run('EXPIRE', 'c', '-1'))).to.deep.equal([['DEL', 'c']]);
  });

  it('a write that changed nothing emits nothing (SET NX, MSETNX, DEL of absent keys, PERSIST, GETEX)', () => {
    n.run('SET', 'k', 'old');
    expect(n.effects(() => n.run('SET', 'k', 'new', 'NX'))).to.deep.equal([]);
    expect(n.effects(() => n.run('MSETNX', 'k', '1', 'z', '2'))).to.deep.equal([]);
    expect(n.effects(() => n.run('DEL', 'nope', 'nope2'))).to.deep.equal([]);
    expect(n.effects(() => n.run('PERSIST', 'k'))).to.deep.equal([]);
    expect(n.effects(() => n.run('GETEX', 'k'))).to.deep.equal([]);
    expect(n.effects(() => n.run('EXPIRE', 'k', '10', 'XX'))).to.deep.equal([]);
    expect(n.effects(() => n.run('INCR', 'k'))).to.deep.equal([]);
  });

  it('multi-key commands: MSET, RENAME, COPY', () => {
    expect(n.effects(() => n.run('MSET', 'a', '1', 'b', '2'))).to.deep.equal([['SET', 'a', '1'], ['SET', 'b', '2']]);
    expect(n.effects(() => n.run('RENAME', 'a', 'c'))).to.deep.equal([['DEL', 'a'], ['SET', 'c', '1']]);
    expect(n.effects(() => n.run('COPY', 'c', 'd'))).to.deep.equal([['SET', 'd', '1']]);
  });

  it('cross-database: MOVE and COPY ... DB send the key in both databases', () => {
    n.run('SET', 'k', 'v');
    expect(n.effects(() => n.run('MOVE', 'k', '3'))).to.deep.equal([['DEL', 'k'], ['SELECT', '3'], ['SET', 'k', 'v']]);
    n.run('SELECT', '3');
    // Only the destination changed: the stream selects db 0 for it.
    expect(n.effects(() => n.run('COPY', 'k', 'k2', 'DB', '0'))).to.deep.equal([['SELECT', '0'], ['SET', 'k2', 'v']]);
  });

  it('FLUSHDB, FLUSHALL and SWAPDB go as themselves; a failed one not at all', () => {
    n.run('SET', 'k', 'v');
    expect(n.effects(() => n.run('FLUSHDB', 'ASYNC'))).to.deep.equal([['FLUSHDB']]);
    expect(n.effects(() => n.run('FLUSHALL'))).to.deep.equal([['FLUSHALL']]);
    expect(n.effects(() => n.run('SWAPDB', '0', '1'))).to.deep.equal([['SWAPDB', '0', '1']]);
    expect(n.effects(() => n.run('FLUSHALL', 'bogus'))).to.deep.equal([]);
  });

  it('reads produce nothing; expiry and eviction produce DEL (StoreEnv.onRemoved)', () => {
    n.run('SET', 'k', 'v', 'PX', '10');
    expect(n.effects(() => n.run('GET', 'nope'))).to.deep.equal([]);
    n.clock.advance(20);
    expect(n.effects(() => n.run('GET', 'k'))).to.deep.equal([['DEL', 'k']]);
    const m = new UnitNode({ maxmemory: '1mb', 'maxmemory-policy': 'allkeys-random', 'repl-backlog-size': '10mb' });
    m.node.repl.ensureBacklog();
    const big = 'x'.repeat(100000);
    const got = m.effects(() => {
      for (let i = 0; i < 20; i++) m.run('SET', `k${i}`, big);
    });
    const dels = got.filter((a) => a[0] === 'DEL');
    expect(dels.length).to.be.greaterThan(0);
    expect(m.node.env.stats.evicted).to.equal(dels.length);
  });

  it('without a backlog nothing is produced and the offset stays', () => {
    const m = new UnitNode();
    m.run('SET', 'k', 'v');
    expect(m.node.repl.history).to.equal(null);
    expect(m.node.repl.offset).to.equal(0);
    expect(m.node.repl.feeding).to.equal(false);
  });
});
