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
});
