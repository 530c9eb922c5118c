// Doubles as Redis 7.2 reads and prints them (lib/util/double.ts), against answers of Redis's own C code:
// spec/fixtures/doubles/redis72-doubles.json holds d2string (fpconv's Grisu2) and "%.17g" for 6,000
// seeded random doubles and edge cases, and string2d / zslParseRange (glibc strtod) for 1,500 strings
// (regenerate with spec/fixtures/doubles/gen-redis72-doubles.js and a Redis 7.2 source tree).
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { formatDouble, formatG17, parseDouble, parseRangeDouble } from '../../lib/util/double';

const FIXTURE = path.resolve(__dirname, '..', '..', '..', 'spec', 'fixtures', 'doubles', 'redis72-doubles.json');
const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { format: [string, string, string][]; parse: [string, string, string][] };

const f = new Float64Array(1);
const u = new BigUint64Array(f.buffer);
function fromHex(h: string): number {
  u[0] = BigInt('0x' + h);
  return f[0];
}
function toHex(d: number | null): string {
  if (d === null) return 'ERR';
  f[0] = d;
  return u[0].toString(16).padStart(16, '0');
}

describe('doubles as Redis 7.2 prints and reads them', () => {
  it(`formatDouble is d2string and formatG17 is %.17g on ${fixture.format.length} doubles`, () => {
    let bad = 0;
    const first: string[] = [];
    for (const [h, d2string, g17] of fixture.format) {
      const d = fromHex(h);
      const a = formatDouble(d);
      const b = formatG17(d);
      if (a !== d2string || b !== g17) {
        bad++;
        if (first.length < 5) first.push(`${d}: ${a} / ${b}, want ${d2string} / ${g17}`);
      }
    }
    expect(first).to.deep.equal([]);
    expect(bad).to.equal(0);
  });

  it('the special values and the integer path', () => {
    expect(formatDouble(Infinity)).to.equal('inf');
    expect(formatDouble(-Infinity)).to.equal('-inf');
    expect(formatDouble(0)).to.equal('0');
    expect(formatDouble(-0)).to.equal('-0');
    expect(formatDouble(0.1)).to.equal('0.1');
    expect(formatDouble(1e300)).to.equal('1e+300');
    expect(formatDouble(3.0000000000000004)).to.equal('3.0000000000000004');
    expect(formatDouble(2 ** 62)).to.equal('4611686018427387904');
    expect(formatDouble(2 ** 63)).to.equal('9223372036854776000');
    expect(formatG17(0.1)).to.equal('0.10000000000000001');
    expect(formatG17(1e-5)).to.equal('1.0000000000000001e-05');
    expect(formatG17(-0)).to.equal('-0');
  });

  it(`parseDouble is string2d and parseRangeDouble is zslParseRange's strtod on ${fixture.parse.length} strings`, () => {
    const first: string[] = [];
    for (const [s, string2d, range] of fixture.parse) {
      const a = toHex(parseDouble(s));
      const b = toHex(parseRangeDouble(s, 0));
      if ((a !== string2d || b !== range) && first.length < 5) first.push(`${JSON.stringify(s)}: ${a} / ${b}, want ${string2d} / ${range}`);
    }
    expect(first).to.deep.equal([]);
  });

  it('every double formatDouble prints reads back as itself', () => {
    for (const [h] of fixture.format) {
      const d = fromHex(h);
      expect(Object.is(parseDouble(formatDouble(d)), d), formatDouble(d)).to.equal(true);
    }
  });
});

describe('fixed-point printing as Redis and glibc', () => {
  // Local imports keep this block self-contained.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { formatFixed, formatFixedPoint, formatHuman } = require('../../lib/util/double') as typeof import('../../lib/util/double');

  it('%f rounds exact ties to even (V8 toFixed rounds them up)', () => {
    expect(formatFixed(180.0078125, 6)).to.equal('180.007812');
    expect(formatFixed(0.0078125, 6)).to.equal('0.007812');
    expect(formatFixed(0.0234375, 6)).to.equal('0.023438');
    expect(formatFixed(2.5, 0)).to.equal('2');
    expect(formatFixed(3.5, 0)).to.equal('4');
    expect(formatFixed(-0, 6)).to.equal('-0.000000');
    expect(formatFixed(200, 6)).to.equal('200.000000');
    expect(formatFixed(1e22, 2)).to.equal('10000000000000000000000.00');
    expect(formatFixed(1e300, 0).slice(0, 20)).to.equal('10000000000000000525');
    expect(formatFixed(-Infinity, 6)).to.equal('-inf');
  });

  it('%.17Lf without trailing zeros; fixedpoint_d2string with llrint', () => {
    expect(formatHuman(13.361389338970184)).to.equal('13.36138933897018433');
    expect(formatHuman(-0)).to.equal('0');
    expect(formatHuman(2)).to.equal('2');
    expect(formatFixedPoint(0, 4)).to.equal('0.0000');
    expect(formatFixedPoint(166274.15156960033, 4)).to.equal('166274.1516');
    // 0.00015 * 10000 is 1.4999999999999998: llrint gives 1. 2.5 and 3.5 tie to even.
    expect(formatFixedPoint(0.00015, 4)).to.equal('0.0001');
    expect(formatFixedPoint(2.5 / 16, 1)).to.equal('0.2');
    expect(formatFixedPoint(0.25, 1)).to.equal('0.2');
    expect(formatFixedPoint(12.5, 4)).to.equal('12.5000');
  });
});
