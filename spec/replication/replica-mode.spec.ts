// The store and dispatcher of a replica: no active expiry, no lazy deletion, no eviction; writes only
// from the master client (which gets no replies and skips auth and OOM).
import { expect } from 'chai';
import { activeExpireCycle } from '../../lib/store/expire';
import { Client } from '../../lib/server/client';
import { UnitNode } from '../helpers/unit-node';
import { DumpWriter } from '../../lib/store/dump';
import type { Value } from '../../lib/store/value';

function asReplica(n: UnitNode): Client {
  n.node.repl.role = 'replica';
  n.node.repl.updateFlags();
  const m = new Client(n.node, null);
  m.master = true;
  return m;
}

describe('replica mode', () => {
  it('an expired key reads as missing but stays until the primary deletes it', () => {
    const n = new UnitNode();
    const m = asReplica(n);
    n.node.execute(m, ['SET', 'k', 'v', 'PXAT', String(n.clock.now() + 100)]);
    n.clock.advance(200);
    expect(n.run('GET', 'k')).to.equal(null);
    expect(n.run('EXISTS', 'k')).to.equal(0);
    expect(n.run('DBSIZE')).to.equal(1);
    expect(n.run('KEYS', '*')).to.deep.equal([]);
    expect(n.run('SCAN', '0')).to.deep.equal(['0', []]);
    expect(n.run('RANDOMKEY')).to.equal('k'); // only expired keys: one of them, as Redis on a replica
    expect(n.run('DBSIZE')).to.equal(1);
    expect(n.node.env.stats.expired).to.equal(0);
    n.node.execute(m, ['DEL', 'k']);
    expect(n.run('DBSIZE')).to.equal(0);
  });

  it('active expiry does nothing', () => {
    const n = new UnitNode();
    const m = asReplica(n);
    for (let i = 0; i < 50; i++) n.node.execute(m, ['SET', `k${i}`, 'v', 'PXAT', String(n.clock.now() + 10)]);
    n.clock.advance(100);
    expect(activeExpireCycle(n.node.dbs, n.config)).to.equal(0);
    n.node.cron();
    expect(n.run('DBSIZE')).to.equal(50);
  });

  it('the primary overwriting an expired key counts no expiry', () => {
    const n = new UnitNode();
    const m = asReplica(n);
    n.node.execute(m, ['SET', 'k', 'v', 'PXAT', String(n.clock.now() + 10)]);
    n.clock.advance(20);
    n.node.execute(m, ['SET', 'k', 'w']);
    expect(n.run('GET', 'k')).to.equal('w');
    expect(n.node.env.stats.expired).to.equal(0);
  });

  it('no eviction over maxmemory; the master client is never refused with OOM', () => {
    const n = new UnitNode({ maxmemory: '1mb', 'maxmemory-policy': 'allkeys-lru' });
    const m = asReplica(n);
    const big = 'x'.repeat(100000);
    for (let i = 0; i < 30; i++) n.node.execute(m, ['SET', `k${i}`, big]);
    expect(n.run('DBSIZE')).to.equal(30);
    expect(n.node.env.stats.evicted).to.equal(0);
    expect(n.run('GET', 'k0')).to.equal(big);
  });

  it('ordinary clients get READONLY for writes; reads work; the master client gets no reply', () => {
    const n = new UnitNode({ requirepass: 'secret' });
    const m = asReplica(n);
    m.authenticated = false;
    n.node.execute(m, ['SET', 'k', 'v']);
    expect(m.out.pending).to.equal(false);
    n.run('AUTH', 'secret');
    expect(n.run('GET', 'k')).to.equal('v');
    expect(() => {
      throw n.run('SET', 'k', 'x');
    }).to.throw("READONLY You can't write against a read only replica.");
    expect(() => {
      throw n.run('FLUSHALL');
    }).to.throw('READONLY');
    expect(n.run('GET', 'k')).to.equal('v');
  });

  it('REPLSNAP applies only from the master client', () => {
    const n = new UnitNode();
    expect(() => {
      throw n.run('REPLSNAP', 'k', '0', 'x');
    }).to.throw('ERR This command is reserved for the replication link');
    const m = asReplica(n);
    const payload = n.run('DUMP', 'nothing');
    expect(payload).to.equal(null);
    const other = new UnitNode();
    other.run('SET', 'src', 'hello');
    const dump = other.run('DUMP', 'src') as string;
    n.node.execute(m, ['REPLSNAP', 'k', String(n.clock.now() + 5000), dump, '0']);
    expect(n.run('GET', 'k')).to.equal('hello');
    expect(n.run('PTTL', 'k')).to.equal(5000);
  });

  it('REPLSNAP-PIECE stages pieces (master client only) and sets the whole value with the last; REPLSNAP-END drops leftovers', () => {
    const other = new UnitNode();
    other.run('RPUSH', 'src', ...Array.from({ length: 500 }, (_, i) => `e${i}`));
    const w = new DumpWriter(other.node.dbs[0].valueAt(other.node.dbs[0].peek('src')) as Value);
    const pieces: string[] = [];
    while (!w.done) pieces.push(w.next(Infinity, 100));
    expect(pieces).to.have.length(5);
    const n = new UnitNode();
    expect(() => {
      throw n.run('REPLSNAP-PIECE', 'k', '0', pieces[0], '0', '0');
    }).to.throw('ERR This command is reserved for the replication link');
    const m = asReplica(n);
    const at = String(n.clock.now() + 9000);
    for (let i = 0; i < 4; i++) n.node.execute(m, ['REPLSNAP-PIECE', 'k', '0', pieces[i], '0', String(i)]);
    expect(n.run('EXISTS', 'k')).to.equal(0);
    expect(n.node.staging.size).to.equal(1);
    n.node.execute(m, ['REPLSNAP-PIECE', 'k', at, pieces[4], '0', '4', 'LAST']);
    expect(n.run('LRANGE', 'k', '0', '-1')).to.deep.equal(other.run('LRANGE', 'src', '0', '-1'));
    expect(n.run('PEXPIRETIME', 'k')).to.equal(Number(at));
    expect(n.node.staging.size).to.equal(0);
    for (let i = 0; i < 2; i++) n.node.execute(m, ['REPLSNAP-PIECE', 'j', '0', pieces[i], '0', String(i)]);
    expect(n.node.staging.size).to.equal(1);
    n.node.execute(m, ['REPLSNAP-END']);
    expect(n.node.staging.size).to.equal(0);
    expect(n.node.env.memory.used).to.equal(n.node.dbs[0].usedBytes);
  });

  it('a primary with min-replicas-to-write refuses writes without good replicas (NOREPLICAS)', () => {
    const n = new UnitNode({ 'min-replicas-to-write': '1' });
    expect(() => {
      throw n.run('SET', 'k', 'v');
    }).to.throw('NOREPLICAS Not enough good replicas to write.');
    expect(n.run('GET', 'k')).to.equal(null);
    n.run('CONFIG', 'SET', 'min-replicas-to-write', '0');
    expect(n.run('SET', 'k', 'v')).to.equal('OK');
  });

  it('ROLE and WAIT on a standalone primary; REPLICAOF NO ONE is a no-op there', () => {
    const n = new UnitNode();
    expect(n.run('ROLE')).to.deep.equal(['master', 0, []]);
    expect(n.run('WAIT', '0', '0')).to.equal(0);
    expect(n.run('WAIT', '1', '10')).to.equal(0); // no socket: answers at once
    expect(() => {
      throw n.run('WAIT', '1', '-1');
    }).to.throw('ERR timeout is negative');
    expect(n.run('REPLICAOF', 'NO', 'ONE')).to.equal('OK');
    expect(() => {
      throw n.run('REPLICAOF', 'h', '99999');
    }).to.throw('ERR Invalid master port');
    n.node.cluster = { route: () => null, servesHere: () => false } as unknown as NonNullable<typeof n.node.cluster>; // cluster mode: the agent assigns roles
    for (const cmd of ['REPLICAOF', 'SLAVEOF']) {
      expect(() => {
        throw n.run(cmd, 'NO', 'ONE');
      }).to.throw('ERR REPLICAOF not allowed in cluster mode.');
    }
  });
});
