// The launcher's progress lines (pure): one line per stage change, never one per poll.
import { expect } from 'chai';
import { ProgressReporter, type Progress } from '../../lib/launcher/progress';

const P = (p: Partial<Progress>): Progress => ({ registered: 0, nodes: 3, assigned: 0, migrating: 0, inSync: 0, replicas: 0, ...p });

describe('launcher progress', () => {
  it('writes a line only when a stage changes, in stage order', () => {
    const out: string[] = [];
    const r = new ProgressReporter((l) => out.push(l));
    r.line('etcd', 'up at http://127.0.0.1:2379');
    r.update(P({}));
    r.update(P({}));
    r.update(P({ registered: 2 }));
    r.update(P({ registered: 3 }));
    r.update(P({ registered: 3 }));
    r.update(P({ registered: 3, assigned: 16384, replicas: 2 }));
    r.update(P({ registered: 3, assigned: 16384, replicas: 2, inSync: 1 }));
    r.update(P({ registered: 3, assigned: 16384, replicas: 2, inSync: 2 }));
    r.line('ready', 'done');
    expect(out).to.deep.equal([
      'etcd: up at http://127.0.0.1:2379',
      'nodes: 0/3 registered in etcd',
      'nodes: 2/3 registered in etcd',
      'nodes: 3/3 registered in etcd',
      'slots: 0/16384 assigned',
      'slots: 16384/16384 assigned',
      'replicas: 0/2 in sync',
      'replicas: 1/2 in sync',
      'replicas: 2/2 in sync',
      'ready: done',
    ]);
  });

  it('says when a migration starts and ends, not how far it is', () => {
    const out: string[] = [];
    const r = new ProgressReporter((l) => out.push(l));
    for (const migrating of [0, 900, 600, 300, 0]) r.update(P({ registered: 4, nodes: 4, assigned: 16384, migrating }));
    expect(out).to.deep.equal([
      'nodes: 4/4 registered in etcd',
      'slots: 16384/16384 assigned',
      'slots: 16384/16384 assigned, 900 migrating',
      'slots: 16384/16384 assigned',
    ]);
  });

  it('writes nothing without a sink', () => {
    const r = new ProgressReporter(undefined);
    r.update(P({ registered: 1 }));
    r.line('ready', 'x');
  });
});
