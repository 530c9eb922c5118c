// MONITOR lines: sdscatrepr quoting, the per-argument cap, Redis 7's redaction of AUTH / HELLO AUTH
// secrets (checked against redis-server 7.0.15), and a feed that never breaks the command it reports.
import { expect } from 'chai';
import { MONITOR_ARG_MAX, reprArg, reprString } from '../../lib/server/monitor';
import { UnitNode } from '../helpers/unit-node';

/** Redis's sdscatrepr, char by char: the reference the fast reprString must match. */
function slowRepr(s: string): string {
  let out = '"';
  for (const c of s) {
    const ch = c.charCodeAt(0);
    if (c === '\\' || c === '"') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (ch === 7) out += '\\a';
    else if (ch === 8) out += '\\b';
    else if (ch >= 32 && ch < 127) out += c;
    else out += '\\x' + ch.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** The argument part of the one line monitor m received (after `[db who] `). */
function shown(m: { out: { take(): unknown } }): string {
  const text = String(m.out.take());
  const match = /^\+\d+\.\d{6} \[0 lua\] (.*)\r\n$/s.exec(text);
  expect(match, text).to.not.equal(null);
  return (match as RegExpExecArray)[1];
}

describe('MONITOR lines', () => {
  it('quote every byte as sdscatrepr does', () => {
    let all = '';
    for (let b = 0; b < 256; b++) all += String.fromCharCode(b);
    expect(reprString(all)).to.equal(slowRepr(all));
    expect(reprString('plain text')).to.equal('"plain text"');
    expect(reprString('a"b\\c\x07\x08\n')).to.equal('"a\\"b\\\\c\\a\\b\\n"');
  });

  it('show at most MONITOR_ARG_MAX bytes of an argument, then how many more', () => {
    const big = 'x'.repeat(MONITOR_ARG_MAX + 10);
    expect(reprArg(big)).to.equal(`"${'x'.repeat(MONITOR_ARG_MAX)}"...(10 more bytes)`);
    expect(reprArg('\n'.repeat(5), 2)).to.equal('"\\n\\n"...(3 more bytes)');
    const n = new UnitNode();
    const m = n.newClient();
    n.runAs(m, 'MONITOR');
    n.run('SET', 'k', big);
    expect(shown(m)).to.equal(`"SET" "k" "${'x'.repeat(MONITOR_ARG_MAX)}"...(10 more bytes)`);
  });

  it('redact AUTH and HELLO AUTH secrets as Redis 7 does', () => {
    const n = new UnitNode();
    const m = n.newClient();
    n.runAs(m, 'MONITOR');
    const cases: Array<[string[], string]> = [
      [['AUTH', 'foo'], '"AUTH" "(redacted)"'],
      [['auth', 'user', 'pass'], '"auth" "(redacted)" "(redacted)"'],
      [['AUTH', 'a', 'b', 'c'], '"AUTH" "a" "b" "c"'], // syntax error before redaction
      [['HELLO', '3', 'AUTH', 'default', 'secret', 'SETNAME', 'x'], '"HELLO" "3" "AUTH" "(redacted)" "(redacted)" "SETNAME" "x"'],
      [['HELLO', '2', 'SETNAME', 'a', 'auth', 'u', 'p'], '"HELLO" "2" "SETNAME" "a" "auth" "(redacted)" "(redacted)"'],
      [['HELLO', '2', 'AUTH', 'default'], '"HELLO" "2" "AUTH" "default"'], // too few words: not redacted
      [['HELLO', '4', 'AUTH', 'u', 'p'], '"HELLO" "4" "AUTH" "u" "p"'], // NOPROTO comes first
      [['HELLO'], '"HELLO"'],
    ];
    for (const [argv, line] of cases) {
      n.raw(argv);
      expect(shown(m), argv.join(' ')).to.equal(line);
    }
  });

  it('a failing feed is logged and the command still runs', () => {
    const n = new UnitNode({ loglevel: 'nothing' });
    const m = n.newClient();
    n.runAs(m, 'MONITOR');
    m.out.raw = () => {
      throw new RangeError('Invalid string length');
    };
    expect(n.run('SET', 'k', 'v')).to.equal('OK');
    expect(n.run('GET', 'k')).to.equal('v');
  });
});
