import { expect } from 'chai';
import { INFO_SECTIONS, bytesToHuman, infoText, selectSections, type InfoFields } from '../../lib/metrics/info';
import { KEY_OVERHEAD_BYTES } from '../../lib/store/keyspace';
import { UnitNode } from '../helpers/unit-node';

/** One section's fields as a Map. */
function fields(n: UnitNode, section: string): Map<string, string | number> {
  const s = INFO_SECTIONS.find((x) => x.name === section);
  if (!s) throw new Error(`no section ${section}`);
  return new Map(s.fields(n.node) as InfoFields);
}

describe('INFO text builder (lib/metrics/info.ts)', () => {
  it('bytesToHuman formats as Redis: B below 1024, then K, M, G with two decimals', () => {
    expect(bytesToHuman(0)).to.equal('0B');
    expect(bytesToHuman(1023)).to.equal('1023B');
    expect(bytesToHuman(1024)).to.equal('1.00K');
    expect(bytesToHuman(916472)).to.equal('894.99K');
    expect(bytesToHuman(1024 * 1024)).to.equal('1.00M');
    expect(bytesToHuman(3 * 1024 ** 3)).to.equal('3.00G');
  });

  it('selects default sections, all, everything, or named ones in Redis order', () => {
    const names = (args: string[]) => selectSections(args).map((s) => s.name);
    expect(names([])).to.deep.equal(names(['default']));
    expect(names([])).to.not.include('commandstats');
    expect(names(['all'])).to.deep.equal(INFO_SECTIONS.map((s) => s.name));
    expect(names(['EVERYTHING'])).to.deep.equal(INFO_SECTIONS.map((s) => s.name));
    expect(names(['keyspace', 'Server', 'nosuch'])).to.deep.equal(['server', 'keyspace']);
    expect(names(['nosuch'])).to.deep.equal([]);
  });

  it('counts used_memory as key bytes + stored value bytes + the per-key overhead', () => {
    const n = new UnitNode();
    expect(fields(n, 'memory').get('used_memory')).to.equal(0);
    n.run('SET', 'key', 'value');
    // The value is stored in bulk form: "$5\r\nvalue\r\n" (11 bytes).
    const one = 3 + 11 + KEY_OVERHEAD_BYTES;
    expect(fields(n, 'memory').get('used_memory')).to.equal(one);
    n.run('DEL', 'key');
    const m = fields(n, 'memory');
    expect(m.get('used_memory')).to.equal(0);
    expect(m.get('used_memory_peak')).to.equal(one);
    expect(m.get('used_memory_peak_human')).to.equal(`${one}B`);
  });

  it('shows maxmemory and its policy as configured', () => {
    const n = new UnitNode({ maxmemory: '1mb', 'maxmemory-policy': 'allkeys-lru' });
    const m = fields(n, 'memory');
    expect(m.get('maxmemory')).to.equal(1048576);
    expect(m.get('maxmemory_human')).to.equal('1.00M');
    expect(m.get('maxmemory_policy')).to.equal('allkeys-lru');
  });

  it('server: uptime from the node clock, port, hz, config file, shardcache version', () => {
    const n = new UnitNode({ hz: '20' });
    n.node.configFile = '/etc/shardcache.conf';
    n.clock.advance(2 * 86400 * 1000 + 5000);
    const s = fields(n, 'server');
    expect(s.get('uptime_in_seconds')).to.equal(2 * 86400 + 5);
    expect(s.get('uptime_in_days')).to.equal(2);
    expect(s.get('tcp_port')).to.equal(6379);
    expect(s.get('hz')).to.equal(20);
    expect(s.get('config_file')).to.equal('/etc/shardcache.conf');
    expect(s.get('process_id')).to.equal(process.pid);
    expect(s.get('run_id')).to.match(/^[0-9a-f]{40}$/);
    expect(s.get('shardcache_version')).to.match(/^\d+\.\d+\.\d+$/);
  });

  it('stats: commands, connections, expired keys; clients: connected clients', () => {
    const n = new UnitNode();
    n.run('SET', 'k', 'v', 'PX', '10');
    n.clock.advance(10);
    n.run('GET', 'k');
    n.newClient();
    const st = fields(n, 'stats');
    expect(st.get('total_commands_processed')).to.equal(2);
    expect(st.get('expired_keys')).to.equal(1);
    expect(st.get('keyspace_misses')).to.equal(1);
    expect(fields(n, 'clients').get('connected_clients')).to.equal(2);
    expect(fields(n, 'clients').get('maxclients')).to.equal(10000);
  });

  it('stats: instantaneous_ops_per_sec from the cron samples', () => {
    const n = new UnitNode();
    n.node.stats.sample(n.clock.now());
    for (let i = 0; i < 160; i++) n.run('PING');
    n.clock.advance(100);
    n.node.stats.sample(n.clock.now());
    // 160 commands in 100 ms = 1600/s in one of 16 samples.
    expect(fields(n, 'stats').get('instantaneous_ops_per_sec')).to.equal(100);
  });

  it('replication: a master with a 40-hex replication id that stays the same', () => {
    const n = new UnitNode();
    const r = fields(n, 'replication');
    expect(r.get('role')).to.equal('master');
    expect(r.get('connected_slaves')).to.equal(0);
    expect(r.get('master_repl_offset')).to.equal(0);
    expect(r.get('master_replid')).to.match(/^[0-9a-f]{40}$/);
    expect(fields(n, 'replication').get('master_replid')).to.equal(r.get('master_replid'));
  });

  it('cpu: used_cpu_sys and used_cpu_user in seconds with six decimals', () => {
    const n = new UnitNode();
    const c = fields(n, 'cpu');
    expect(c.get('used_cpu_sys')).to.match(/^\d+\.\d{6}$/);
    expect(c.get('used_cpu_user')).to.match(/^\d+\.\d{6}$/);
  });

  it('renders sections separated by an empty line, each line ending in CRLF', () => {
    const n = new UnitNode();
    n.run('SET', 'a', '1');
    expect(infoText(n.node, ['cluster', 'keyspace'])).to.equal(
      '# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n',
    );
    expect(infoText(n.node, ['modules'])).to.equal('# Modules\r\n');
  });
});
