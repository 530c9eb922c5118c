import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Config, ConfigError } from '../../lib/config/config';
import { applyConfigText, loadConfig } from '../../lib/config/load';

/** The ConfigError message fn throws (fails when it throws nothing or something else). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config loading', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-conf-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
  };

  describe('applyConfigText', () => {
    it('applies directives; skips comments, blank lines and CRLF; names in any case; quotes as redis.conf', () => {
      const c = new Config();
      applyConfigText(c, '# comment\r\n\r\nPORT 7000\r\n  maxmemory 10mb  \nrequirepass "a b\\x41"\nlogfile \'\'\n', 'x.conf');
      expect(c.num('port')).to.equal(7000);
      expect(c.num('maxmemory')).to.equal(10 * 1024 * 1024);
      expect(c.str('requirepass')).to.equal('a bA');
      expect(c.str('logfile')).to.equal('');
    });

    it('an invalid value names the source, line, directive, reason and line text', () => {
      const msg = errorOf(() => applyConfigText(new Config(), 'port 7000\n\n# x\nmaxmemory 1.5gb\n', 'conf/x.conf'));
      expect(msg).to.equal("conf/x.conf:4: directive 'maxmemory': argument must be a memory value (>>> 'maxmemory 1.5gb')");
    });

    it('an unknown directive, wrong word counts and unbalanced quotes are refused with the line', () => {
      expect(errorOf(() => applyConfigText(new Config(), 'port 1\nmaxmemroy 1gb', 'a.conf'))).to.equal(
        "a.conf:2: unknown directive 'maxmemroy' (>>> 'maxmemroy 1gb')",
      );
      expect(errorOf(() => applyConfigText(new Config(), 'port 1 2', 'a.conf'))).to.equal("a.conf:1: directive 'port': wrong number of arguments (>>> 'port 1 2')");
      expect(errorOf(() => applyConfigText(new Config(), 'requirepass', 'a.conf'))).to.match(/^a\.conf:1: directive 'requirepass': wrong number of arguments/);
      expect(errorOf(() => applyConfigText(new Config(), '\nbind "127.0.0.1', 'a.conf'))).to.equal("a.conf:2: unbalanced quotes (>>> 'bind \"127.0.0.1')");
    });

    it('multi-word directives: bind with several addresses, save "" or bare save, one output class per line', () => {
      const c = new Config();
      applyConfigText(
        c,
        'bind 127.0.0.1 ::1\nsave ""\nsave\nclient-output-buffer-limit normal 1mb 512kb 10\nclient-output-buffer-limit pubsub 0 0 0\n',
        'a.conf',
      );
      expect(c.str('bind')).to.equal('127.0.0.1 ::1');
      expect(c.str('save')).to.equal('');
      expect(c.format('client-output-buffer-limit')).to.equal('normal 1048576 524288 10 slave 268435456 67108864 60 pubsub 0 0 0');
    });

    it('include reads another file; its errors name that file and its line', () => {
      const inner = write('inner.conf', 'maxmemory 2mb\nhz x\n');
      const c = new Config();
      const msg = errorOf(() => applyConfigText(c, `port 7001\ninclude ${inner}\n`, 'outer.conf'));
      expect(msg).to.equal(`${inner}:2: directive 'hz': argument couldn't be parsed into an integer (>>> 'hz x')`);
      expect(c.num('maxmemory')).to.equal(2 * 1024 * 1024);
    });

    it('an include of itself stops instead of recursing forever', () => {
      const self = path.join(tmp, 'self.conf');
      fs.writeFileSync(self, `include ${self}\n`);
      expect(errorOf(() => loadConfig([self]))).to.match(/includes nested deeper than 16/);
    });
  });

  describe('loadConfig', () => {
    it('no arguments: the defaults', () => {
      const c = loadConfig([]);
      expect(c.num('port')).to.equal(6379);
      expect(c.str('bind')).to.equal('127.0.0.1');
    });

    it('the file first, then flags in order: a flag overrides the file and a later flag an earlier one', () => {
      const file = write('a.conf', 'port 7000\nmaxmemory 1mb\nloglevel warning\n');
      const c = loadConfig([file, '--port', '7001', '--maxmemory-policy', 'allkeys-lru', '--port', '7002']);
      expect(c.num('port')).to.equal(7002);
      expect(c.num('maxmemory')).to.equal(1024 * 1024);
      expect(c.str('loglevel')).to.equal('warning');
      expect(c.str('maxmemory-policy')).to.equal('allkeys-lru');
    });

    it('a flag takes every word up to the next --name: --bind with two addresses, --save "" and bare --save', () => {
      const c = loadConfig(['--bind', '127.0.0.1', '::1', '--save', '', '--port', '7000', '--save']);
      expect(c.str('bind')).to.equal('127.0.0.1 ::1');
      expect(c.str('save')).to.equal('');
      expect(c.num('port')).to.equal(7000);
    });

    it('a flag word with spaces is one value for single-word directives, several words for multi-word ones', () => {
      const c = loadConfig(['--requirepass', 'two words', '--client-output-buffer-limit', 'normal 1 2 3']);
      expect(c.str('requirepass')).to.equal('two words');
      expect(c.obuf().normal).to.deep.equal({ hard: 1, soft: 2, softSeconds: 3 });
    });

    it('flag errors say "command line" and show the flag', () => {
      expect(errorOf(() => loadConfig(['--maxmemory', '1.5gb']))).to.equal(
        "command line: directive 'maxmemory': argument must be a memory value (>>> '--maxmemory 1.5gb')",
      );
      expect(errorOf(() => loadConfig(['--foo', 'bar']))).to.equal("command line: unknown directive 'foo' (>>> '--foo bar')");
      expect(errorOf(() => loadConfig(['--port']))).to.equal("command line: directive 'port': wrong number of arguments (>>> '--port')");
      expect(errorOf(() => loadConfig(['--port', '1', 'extra']))).to.match(/wrong number of arguments/);
    });

    it('a second positional argument or a missing file is refused', () => {
      expect(errorOf(() => loadConfig(['--port', '1', '--', 'x']))).to.match(/^command line: expected --name, got '--'/);
      const file = write('a.conf', 'port 7000\n');
      expect(errorOf(() => loadConfig([file, 'other.conf']))).to.match(/^command line: expected --name, got 'other.conf'/);
      expect(errorOf(() => loadConfig([path.join(tmp, 'missing.conf')]))).to.equal(
        `can't open config file '${path.join(tmp, 'missing.conf')}': No such file or directory`,
      );
    });

    it('file errors keep the file name and line number', () => {
      const file = write('b.conf', 'port 7000\nport 99999\n');
      expect(errorOf(() => loadConfig([file, '--port', '7001']))).to.equal(
        `${file}:2: directive 'port': argument must be between 0 and 65535 inclusive (>>> 'port 99999')`,
      );
    });
  });
});
