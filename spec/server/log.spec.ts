// The logger never throws: a full disk, a closed stdout or a failing write loses the line, not the node.
import { expect } from 'chai';
import { Logger } from '../../lib/server/log';

describe('Logger', () => {
  it('ignores write errors on the logfile (ENOSPC from /dev/full)', () => {
    const log = new Logger();
    log.setFile('/dev/full');
    expect(() => log.warning('line that cannot be written')).to.not.throw();
  });

  it('ignores a throwing stdout and guards stdout against asynchronous errors (EPIPE)', () => {
    const log = new Logger();
    const write = process.stdout.write;
    let tried = 0;
    process.stdout.write = (() => {
      tried++;
      throw Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    }) as typeof process.stdout.write;
    try {
      expect(() => log.warning('line to a closed stdout')).to.not.throw();
    } finally {
      process.stdout.write = write;
    }
    expect(tried).to.equal(1);
    expect(process.stdout.listenerCount('error')).to.be.at.least(1);
  });
});
