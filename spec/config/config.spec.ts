import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Config, ConfigError, parseBytes, parseInteger, parseValue } from '../../lib/config/config';
import { DIRECTIVES, DIRECTIVES_BY_NAME, type Directive } from '../../lib/config/schema';

const dir = (name: string): Directive => DIRECTIVES_BY_NAME.get(name) as Directive;

/** The reason parseValue gives, or the formatted value when accepted. */
function parse(name: string, text: string): string {
  const r = parseValue(dir(name), text);
  return 'error' in r ? `error: ${r.error}` : String(r.value);
}

describe('config values', () => {
  describe('parseBytes (Redis memtoll)', () => {
    it('reads plain numbers and every unit, in any case', () => {
      expect(parseBytes('0')).to.equal(0);
      expect(parseBytes('100')).to.equal(100);
      expect(parseBytes('5b')).to.equal(5);
      expect(parseBytes('10k')).to.equal(10000);
      expect(parseBytes('10kb')).to.equal(10240);
      expect(parseBytes('10KB')).to.equal(10240);
      expect(parseBytes('100m')).to.equal(100e6);
      expect(parseBytes('100mb')).to.equal(100 * 1024 * 1024);
      expect(parseBytes('1mB')).to.equal(1024 * 1024);
      expect(parseBytes('2g')).to.equal(2e9);
      expect(parseBytes('1gb')).to.equal(1024 ** 3);
      expect(parseBytes('007')).to.equal(7);
    });

    it('refuses fractions, signs, spaces and unknown units as redis-server does', () => {
      for (const bad of ['1.5gb', '-1', '+5', ' 10', '10 ', '10tb', '10kbb', 'abc', '1e3']) {
        expect(parseBytes(bad), bad).to.be.NaN;
      }
    });

    it('counts empty digits as 0, as memtoll does (CONFIG SET maxmemory "" is OK in Redis)', () => {
      expect(parseBytes('')).to.equal(0);
    });
  });

  describe('parseInteger (Redis string2ll)', () => {
    it('reads decimal integers', () => {
      expect(parseInteger('0')).to.equal(0);
      expect(parseInteger('6379')).to.equal(6379);
      expect(parseInteger('-12')).to.equal(-12);
      expect(parseInteger('9223372036854775807')).to.be.greaterThan(9e18);
    });

    it('refuses +, leading zeros, -0, spaces, units and numbers beyond 64 bits', () => {
      for (const bad of ['+5', '007', '-0', ' 5', '5 ', '10k', '1.5', '', '-', '9223372036854775808', '99999999999999999999']) {
        expect(parseInteger(bad), bad).to.be.NaN;
      }
    });
  });

  describe('parseValue (the reasons CONFIG SET shows)', () => {
    it('int: malformed and out-of-range texts are Redis\'s', () => {
      expect(parse('port', '70000')).to.equal('error: argument must be between 0 and 65535 inclusive');
      expect(parse('hz', '10k')).to.equal("error: argument couldn't be parsed into an integer");
      expect(parse('hz', '-1')).to.equal('error: argument must be between 0 and 2147483647 inclusive');
      expect(parse('maxclients', '0')).to.equal('error: argument must be between 1 and 4294967295 inclusive');
      expect(parse('active-expire-effort', '11')).to.equal('error: argument must be between 1 and 10 inclusive');
      expect(parse('maxmemory-eviction-tenacity', '101')).to.equal('error: argument must be between 0 and 100 inclusive');
      expect(parse('timeout', '60')).to.equal('60');
    });

    it('hz accepts 0..INT_MAX and clamps to 1..500, as Redis\'s CONFIG GET hz shows', () => {
      expect(parse('hz', '0')).to.equal('1');
      expect(parse('hz', '1000')).to.equal('500');
      expect(parse('hz', '7')).to.equal('7');
    });

    it('bytes: units accepted, malformed and below-minimum refused with Redis\'s texts', () => {
      expect(parse('maxmemory', '100mb')).to.equal(String(100 * 1024 * 1024));
      expect(parse('maxmemory', '1.5gb')).to.equal('error: argument must be a memory value');
      expect(parse('maxmemory', '-1')).to.equal('error: argument must be a memory value');
      expect(parse('proto-max-bulk-len', '1')).to.equal('error: argument must be between 1048576 and 536870912 inclusive');
    });

    it('bool: yes/no in any case, else Redis\'s text', () => {
      const d: Directive = { name: 'x', type: 'bool', default: 'no', doc: '', mutable: true };
      expect(parseValue(d, 'YES')).to.deep.equal({ value: true });
      expect(parseValue(d, 'no')).to.deep.equal({ value: false });
      expect(parseValue(d, 'maybe')).to.deep.equal({ error: "argument must be 'yes' or 'no'" });
    });

    it('enum: any case, stored lower-case; an unknown value lists the allowed ones in Redis\'s order', () => {
      expect(parse('maxmemory-policy', 'ALLKEYS-LRU')).to.equal('allkeys-lru');
      expect(parse('maxmemory-policy', 'foo')).to.equal(
        'error: argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction',
      );
      expect(parse('loglevel', 'foo')).to.equal('error: argument(s) must be one of the following: debug, verbose, notice, warning, nothing');
    });

    it('save: Redis\'s syntax checked, only "" accepted; appendonly: only no', () => {
      expect(parse('save', '')).to.equal('');
      expect(parse('save', '900')).to.equal('error: Invalid save parameters');
      expect(parse('save', '900 x')).to.equal('error: Invalid save parameters');
      expect(parse('save', '900 1')).to.match(/^error: shardcache keeps no data on disk/);
      expect(parse('appendonly', 'no')).to.equal('false');
      expect(parse('appendonly', 'maybe')).to.equal("error: argument must be 'yes' or 'no'");
      expect(parse('appendonly', 'yes')).to.match(/^error: shardcache keeps no data on disk/);
    });

    it('bind: addresses normalised to single spaces', () => {
      expect(parse('bind', '127.0.0.1   ::1 ')).to.equal('127.0.0.1 ::1');
    });

    it('dir: must be an existing directory, stored absolute', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-dir-'));
      try {
        expect(parse('dir', tmp)).to.equal(path.resolve(tmp));
        expect(parse('dir', path.join(tmp, 'missing'))).to.equal('error: No such file or directory');
        fs.writeFileSync(path.join(tmp, 'f'), '');
        expect(parse('dir', path.join(tmp, 'f'))).to.equal('error: Not a directory');
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('client-output-buffer-limit: changes only the classes named; Redis\'s three error texts', () => {
      const d = dir('client-output-buffer-limit');
      const c = new Config();
      const r = parseValue(d, 'normal 1mb 2k 3', c.obuf());
      expect(r).to.deep.equal({
        value: { normal: { hard: 1024 * 1024, soft: 2000, softSeconds: 3 }, replica: c.obuf().replica, pubsub: c.obuf().pubsub },
      });
      expect(parseValue(d, 'normal 1 2', c.obuf())).to.deep.equal({ error: 'Wrong number of arguments in buffer limit configuration.' });
      expect(parseValue(d, 'master 1 1 1', c.obuf())).to.deep.equal({ error: 'Invalid client class specified in buffer limit configuration.' });
      expect(parseValue(d, 'normal -1 2 3', c.obuf())).to.deep.equal({ error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' });
      expect(parseValue(d, 'normal 1 2 x', c.obuf())).to.deep.equal({ error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' });
    });
  });

  describe('Config', () => {
    it('every default parses and formats as CONFIG GET shows it', () => {
      const c = new Config();
      expect(c.num('port')).to.equal(6379);
      expect(c.num('proto-max-bulk-len')).to.equal(512 * 1024 * 1024);
      expect(c.format('proto-max-bulk-len')).to.equal('536870912');
      expect(c.format('appendonly')).to.equal('no');
      expect(c.format('client-output-buffer-limit')).to.equal('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
      expect(c.format('dir')).to.equal(process.cwd());
      for (const d of DIRECTIVES) expect(c.format(d.name), d.name).to.be.a('string');
    });

    it('set: names in any case; listeners hear the change; invalid values leave the old one', () => {
      const c = new Config();
      const heard: string[] = [];
      c.onChange((name, v) => heard.push(`${name}=${String(v)}`));
      c.set('MaxMemory', '1mb');
      expect(c.num('maxmemory')).to.equal(1048576);
      expect(c.get('MAXMEMORY')).to.equal(1048576);
      expect(heard).to.deep.equal(['maxmemory=1048576']);
      expect(() => c.set('maxmemory', '1.5gb')).to.throw(ConfigError, 'argument must be a memory value');
      expect(c.num('maxmemory')).to.equal(1048576);
      expect(heard).to.have.length(1);
    });

    it('set of an unknown directive throws; get returns undefined; format throws', () => {
      const c = new Config();
      expect(() => c.set('nosuch', '1')).to.throw(ConfigError, 'Bad directive or wrong number of arguments');
      expect(c.get('nosuch')).to.equal(undefined);
      expect(() => c.format('nosuch')).to.throw(ConfigError);
    });

    it('successive client-output-buffer-limit sets accumulate per class', () => {
      const c = new Config();
      c.set('client-output-buffer-limit', 'normal 1 2 3');
      c.set('client-output-buffer-limit', 'pubsub 4 5 6');
      expect(c.format('client-output-buffer-limit')).to.equal('normal 1 2 3 slave 268435456 67108864 60 pubsub 4 5 6');
    });
  });
});
