import { expect } from 'chai';
import { allSpecs, CommandTable } from '../../lib/commands/registry';
import { NO_KEYS, type CommandSpec } from '../../lib/commands/types';
import { decodeResp2, ReplyError } from '../helpers/resp';
import { UnitNode } from '../helpers/unit-node';

/** A command that writes half an array reply, then fails: a bug, as the dispatcher sees it. */
const broken: CommandSpec = {
  name: 'broken', group: 'server', summary: 'spec only', since: '0.0.0', arity: 1, flags: [], acl: [], keys: NO_KEYS,
  handler: (c) => {
    c.out.array(3);
    c.out.bulk('one');
    throw new Error('bug');
  },
};

describe('dispatcher', () => {
  function nodeWithBroken(): UnitNode {
    const n = new UnitNode();
    (n.node as unknown as { commands: CommandTable }).commands = new CommandTable([...allSpecs, broken]);
    n.node.log.level = 'nothing';
    return n;
  }

  it('a handler that throws half-way leaves no partial reply: exactly one ERR internal error, framing intact', () => {
    const n = nodeWithBroken();
    n.node.execute(n.client, ['SET', 'k', 'v']);
    n.node.execute(n.client, ['broken']);
    n.node.execute(n.client, ['GET', 'k']);
    const replies = decodeResp2(n.client.out.take() as string);
    expect(replies).to.have.length(3);
    expect(replies[0]).to.equal('OK');
    expect(replies[1]).to.be.instanceOf(ReplyError);
    expect((replies[1] as Error).message).to.equal('ERR internal error');
    expect(replies[2]).to.equal('v');
    expect(n.node.stats.internalErrors).to.equal(1);
  });
});

describe('dispatcher: heap protection', () => {
  it('while the heap is near its limit, denyoom commands get OOM and the rest still run', () => {
    const n = new UnitNode();
    n.run('SET', 'k', 'v');
    n.node.heapTight = true;
    const r = n.run('SET', 'k2', 'v2');
    expect(r).to.be.instanceOf(ReplyError);
    expect((r as Error).message).to.equal("OOM command not allowed when used memory > 'maxmemory'.");
    expect(n.run('GET', 'k')).to.equal('v');
    expect(n.run('DEL', 'k')).to.equal(1);
    expect(n.run('INFO', 'memory') as string).to.include('shardcache_heap_tight:1\r\n');
    n.node.heapTight = false;
    expect(n.run('SET', 'k2', 'v2')).to.equal('OK');
  });

  it('the cron finds the heap well under its limit in a spec process', () => {
    const n = new UnitNode();
    n.node.log.level = 'nothing';
    n.node.heapTight = true;
    n.node.cron();
    expect(n.node.heapTight).to.equal(false);
  });
});
