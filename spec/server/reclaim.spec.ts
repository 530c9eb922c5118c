import { expect } from 'chai';
import { UnitNode } from '../helpers/unit-node';

describe('memory reclaim (MEMORY PURGE, idle full GC)', () => {
  it('MEMORY PURGE runs a full collection and says OK; INFO counts it', () => {
    const n = new UnitNode();
    expect(n.run('MEMORY', 'PURGE')).to.equal('OK');
    expect(n.node.reclaimer.runs).to.equal(1);
    expect(n.run('INFO', 'memory') as string).to.include('shardcache_full_gcs:1\r\n');
  });

  it('MEMORY USAGE charges key bytes + stored value bytes + per-key overhead; nil for a missing key', () => {
    const n = new UnitNode();
    n.run('SET', 'k', 'hello');
    // stored form '$5\r\nhello\r\n' is 11 bytes, the key 1, the overhead 64
    expect(n.run('MEMORY', 'USAGE', 'k')).to.equal(1 + 11 + 64);
    expect(n.run('MEMORY', 'USAGE', 'k', 'SAMPLES', '5')).to.equal(76);
    expect(n.run('MEMORY', 'USAGE', 'nope')).to.equal(null);
    expect((n.run('MEMORY', 'USAGE', 'k', 'SAMPLES') as Error).message).to.equal('ERR syntax error');
  });

  it('the cron collects only after a large change in used_memory and 200 ms without commands', () => {
    const n = new UnitNode();
    const r = n.node.reclaimer;
    n.node.env.memory.used = 100 * 1024 * 1024; // as if 100 MB had been loaded
    expect(r.tick(n.clock.now())).to.equal(false); // first sight: counts as activity
    n.clock.advance(100);
    expect(r.tick(n.clock.now())).to.equal(false); // quiet for 100 ms only
    n.clock.advance(150);
    expect(r.tick(n.clock.now())).to.equal(true);
    n.clock.advance(1000);
    expect(r.tick(n.clock.now())).to.equal(false); // nothing changed since
    n.node.env.memory.used += 10 * 1024 * 1024; // +10%: below the threshold
    n.clock.advance(1000);
    expect(r.tick(n.clock.now())).to.equal(false);
    n.run('PING'); // activity resets the quiet period
    n.node.env.memory.used = 0; // everything flushed
    expect(r.tick(n.clock.now())).to.equal(false);
    n.clock.advance(300);
    expect(r.tick(n.clock.now())).to.equal(true);
    expect(r.runs).to.equal(2);
  });

  it('a FLUSHALL of a large dataset right after start leads to an idle collection (its slabs are freed then)', () => {
    // used_memory goes back to where the last collection (none: 0) saw it, so only the slabs let go of
    // show the collection is worth it.
    const n = new UnitNode();
    const r = n.node.reclaimer;
    const v = 'x'.repeat(1000);
    for (let i = 0; i < 40000; i++) n.run('SET', `k${i}`, v);
    n.run('FLUSHALL');
    expect(n.node.releasedBytes()).to.be.at.least(40 * 1024 * 1024);
    expect(r.tick(n.clock.now())).to.equal(false);
    n.clock.advance(300);
    expect(r.tick(n.clock.now())).to.equal(true);
    n.clock.advance(300);
    expect(r.tick(n.clock.now()), 'counted once').to.equal(false);
  });

  it('MEMORY PURGE compacts the slabs deletes left sparse; INFO shows the allocator figures', () => {
    const n = new UnitNode();
    const v = 'x'.repeat(100);
    for (let i = 0; i < 50000; i++) n.run('SET', `k${i}`, v);
    for (let i = 0; i < 50000; i++) if (i % 10 !== 0) n.run('DEL', `k${i}`);
    const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(n.run('INFO', 'memory') as string)?.[1]);
    const before = n.node.dbs[0].memoryFigures();
    expect(n.run('MEMORY', 'PURGE')).to.equal('OK');
    const after = n.node.dbs[0].memoryFigures();
    expect(after.allocated, 'live data unchanged').to.equal(before.allocated);
    expect(after.active, 'sparse slabs gone').to.be.below(before.active - 2 * 1024 * 1024);
    for (let i = 0; i < 50000; i += 10) expect(n.run('GET', `k${i}`)).to.equal(v);
    expect(field('allocator_active')).to.be.at.least(field('allocator_allocated'));
    expect(field('allocator_frag_ratio')).to.be.at.least(1);
    expect(field('mem_fragmentation_ratio')).to.be.above(0);
  });

  it('after a mass delete, the cron compacts the sparse slabs: slowly while commands run, at once when idle', () => {
    const n = new UnitNode();
    const v = 'x'.repeat(100);
    for (let i = 0; i < 50000; i++) n.run('SET', `k${i}`, v);
    for (let i = 0; i < 50000; i++) if (i % 10 !== 0) n.run('DEL', `k${i}`);
    const db = n.node.dbs[0];
    const before = db.memoryFigures().active;
    n.node.cron(); // commands ran since the last tick: a small budget
    const busy = db.memoryFigures().active;
    expect(busy).to.be.above(before - 2 * 1024 * 1024);
    n.node.cron(); // idle
    const idle = db.memoryFigures().active;
    expect(idle).to.be.below(before - 3 * 1024 * 1024);
    expect(db.memoryFigures().allocated).to.be.above(0);
    for (let i = 0; i < 50000; i += 10) expect(n.run('GET', `k${i}`)).to.equal(v);
  });
});
