import { expect } from 'chai';
import { DIRECTIVES_BY_NAME } from '../../lib/config/schema';
import { parseArgs, UsageError, DEFAULT_DIR, DEFAULT_NODE_TIMEOUT_MS, DEFAULT_REPLICAS, DEFAULT_WAIT_MS } from '../../lib/launcher/args';

const usage = (argv: string[]) => {
  try {
    parseArgs(argv);
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no UsageError for ${argv.join(' ')}`);
};

describe('launcher arguments', () => {
  it('fills start defaults', () => {
    expect(parseArgs(['start', '--nodes', '3'])).to.deep.equal({
      cmd: 'start', dir: DEFAULT_DIR, nodes: 3, replicas: 2, basePort: 7000, etcd: null, name: 'shardcache',
      nodeTimeoutMs: DEFAULT_NODE_TIMEOUT_MS, timeoutMs: DEFAULT_WAIT_MS,
    });
  });

  it('reads every start flag, in both --flag value and --flag=value forms', () => {
    const c = parseArgs(['start', '--nodes=5', '--replicas', '0', '--base-port', '30000', '--etcd', 'http://127.0.0.1:2379,http://127.0.0.1:2380', '--dir', '/tmp/x', '--name', 'c1', '--node-timeout', '2000', '--timeout=9000']);
    expect(c).to.deep.equal({ cmd: 'start', dir: '/tmp/x', nodes: 5, replicas: 0, basePort: 30000, etcd: 'http://127.0.0.1:2379,http://127.0.0.1:2380', name: 'c1', nodeTimeoutMs: 2000, timeoutMs: 9000 });
  });

  it('defaults --replicas to the cluster-replicas directive\'s default (2), as nodes started by hand', () => {
    const d = DIRECTIVES_BY_NAME.get('cluster-replicas')!;
    expect(DEFAULT_REPLICAS).to.equal(Number(d.default)).and.to.equal(2);
    expect(parseArgs(['start', '--nodes', '6'])).to.include({ nodes: 6, replicas: 2 });
    expect(usage(['start', '--nodes', '4'])).to.equal(
      '--nodes 4 is not a multiple of 3: by default each shard is 1 primary + 2 replicas (as cluster-replicas); give --nodes 3, 6, ..., or --replicas 0 for 4 primaries without replicas',
    );
    expect(usage(['start', '--nodes', '1'])).to.match(/or --replicas 0 for 1 primary without replicas$/);
    expect(parseArgs(['start', '--nodes', '4', '--replicas', '0'])).to.include({ nodes: 4, replicas: 0 });
  });

  it('takes --nodes as the total, a multiple of --replicas + 1 (as create-cluster)', () => {
    expect(parseArgs(['start', '--nodes', '6', '--replicas', '1'])).to.include({ nodes: 6, replicas: 1 });
    expect(parseArgs(['start', '--nodes', '3', '--replicas', '2'])).to.include({ nodes: 3, replicas: 2 });
    expect(usage(['start', '--nodes', '4', '--replicas', '2'])).to.equal('--nodes 4 is not a multiple of --replicas + 1 = 3 (each shard is 1 primary + 2 replicas)');
    expect(usage(['start', '--nodes', '1', '--replicas', '1'])).to.match(/^--nodes 1 is not a multiple of --replicas \+ 1 = 2 \(each shard is 1 primary \+ 1 replica\)$/);
    expect(usage(['start', '--nodes', '3', '--replicas', '17'])).to.match(/--replicas must be an integer from 0 to 16/);
  });

  it('parses status, stop, add-node and remove-node', () => {
    expect(parseArgs(['status', '--dir', 'd'])).to.deep.equal({ cmd: 'status', dir: 'd' });
    expect(parseArgs(['stop'])).to.deep.equal({ cmd: 'stop', dir: DEFAULT_DIR });
    expect(parseArgs(['add-node', '--port', '7010'])).to.deep.equal({ cmd: 'add-node', dir: DEFAULT_DIR, port: 7010, timeoutMs: DEFAULT_WAIT_MS });
    expect(parseArgs(['add-node'])).to.include({ port: null });
    expect(parseArgs(['remove-node', '--port', '7001'])).to.include({ port: 7001, id: null });
    expect(parseArgs(['remove-node', '--id', 'ab12'])).to.include({ port: null, id: 'ab12' });
    expect(parseArgs(['--help'])).to.deep.equal({ cmd: 'help' });
  });

  it('rejects bad usage with a message naming the problem', () => {
    expect(usage([])).to.equal('missing command');
    expect(usage(['launch'])).to.equal("unknown command 'launch'");
    expect(usage(['start'])).to.equal('start needs --nodes N');
    expect(usage(['start', '--nodes', '0'])).to.match(/--nodes must be an integer from 1/);
    expect(usage(['start', '--nodes', 'x3'])).to.match(/--nodes must be an integer/);
    expect(usage(['start', '--nodes', '3', '--nodes', '4'])).to.equal('--nodes given twice');
    expect(usage(['start', '--nodes'])).to.equal('--nodes needs a value');
    expect(usage(['start', '--nodes', '3', 'extra'])).to.equal("unexpected argument 'extra'");
    expect(usage(['status', '--nodes', '3'])).to.equal('unknown option --nodes for status');
    expect(usage(['start', '--nodes', '3', '--base-port', '65535'])).to.match(/leaves no room for 3 nodes/);
    expect(usage(['start', '--nodes', '3', '--etcd', '127.0.0.1:2379'])).to.match(/--etcd must be http/);
    expect(usage(['start', '--nodes', '3', '--name', 'a/b'])).to.match(/--name may only hold/);
    expect(usage(['remove-node'])).to.match(/exactly one of --port P or --id ID/);
    expect(usage(['remove-node', '--port', '1', '--id', 'ab'])).to.match(/exactly one of/);
    expect(usage(['remove-node', '--id', 'XYZ'])).to.match(/--id must be a node id/);
    expect(usage(['stop', '--dir', ''])).to.equal('--dir must not be empty');
  });
});
