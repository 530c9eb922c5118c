import { expect } from 'chai';
import { globMatch } from '../../lib/util/glob';

// [pattern, subject, matches]: every row was checked against redis-server 7.0 (SET subject, KEYS pattern).
const REDIS_CASES: ReadonlyArray<[string, string, boolean]> = [
  ['*', 'anything', true],
  ['*', '', true],
  ['', '', true],
  ['', 'a', false],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h*llo', 'hellox', false],
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true], // a reversed range is swapped
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['[abc', 'a', true], // an unterminated class ends at the pattern's end
  ['[abc', 'd', false],
  ['a[', 'a', false],
  ['a[', 'a[', false],
  ['ab\\', 'ab\\', true], // a trailing backslash is literal
  ['ab\\', 'ab', false],
  ['[\\]]', ']', true],
  ['[a-]', '-', false], // "a-]" is the range ']'..'a'
  ['[a-]', '_', true],
  ['[a-]', 'a', true],
  ['*a*b', 'xxaxxb', true],
  ['*a*b', 'xxbxxa', false],
  ['a**b', 'ab', true],
  ['?', '\n', true],
  ['?', '\xff', true],
  ['[\xf0-\xff]', '\xfa', true], // bytes, not characters
  ['[]]', ']', false],
  ['[]a]', 'a', false],
  ['[^]', ']', true],
  ['[^]', 'a', true],
  ['*[', '', false],
  ['x*', 'x', true],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['[a\\-z]', '-', true],
  ['[a\\-z]', 'm', false],
  ['a*', 'b', false],
  ['*a*b*c', 'xaxbxcx', false],
  ['*a*b*c', 'xaxbxbc', true],
  ['*b*c', 'abcbd', false],
];

describe('globMatch (Redis stringmatchlen)', () => {
  for (const [pattern, s, want] of REDIS_CASES) {
    it(`${JSON.stringify(pattern)} ${want ? 'matches' : 'does not match'} ${JSON.stringify(s)}`, () => {
      expect(globMatch(pattern, s)).to.equal(want);
    });
  }

  it('nocase folds ASCII letters in literals, classes and ranges', () => {
    expect(globMatch('HeLLo', 'hello')).to.equal(false);
    expect(globMatch('HeLLo', 'hello', true)).to.equal(true);
    expect(globMatch('h[A-C]llo', 'hbllo', true)).to.equal(true);
    expect(globMatch('h[^E]llo', 'hello', true)).to.equal(false);
    expect(globMatch('maxmemory-*', 'MAXMEMORY-POLICY', true)).to.equal(true);
  });

  it('gives up on pathological nesting instead of recursing without bound', () => {
    const pattern = '*a'.repeat(2000);
    expect(globMatch(pattern, 'a'.repeat(50) + 'b')).to.equal(false);
  });
});
