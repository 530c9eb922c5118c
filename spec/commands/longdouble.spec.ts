// x87 long double emulation for INCRBYFLOAT; expected strings come from Redis 7.0.15 on x86-64.
import { expect } from 'chai';
import { addLongDouble, formatLongDouble, parseLongDouble, type LongDouble } from '../../lib/commands/longdouble';

function ld(s: string): LongDouble {
  const v = parseLongDouble(s);
  if (v === null) throw new Error(`not a float: ${s}`);
  return v;
}

const sum = (a: string, b: string) => formatLongDouble(addLongDouble(ld(a), ld(b)));

describe('longdouble', () => {
  it('parses decimals correctly rounded to a 64-bit mantissa', () => {
    expect(ld('1')).to.deep.equal({ neg: false, m: 1n << 63n, e: -63, inf: false });
    expect(ld('-0.5')).to.deep.equal({ neg: true, m: 1n << 63n, e: -64, inf: false });
    // 0.1 = 0xCCCCCCCCCCCCCCCD * 2^-67 (rounded up)
    expect(ld('0.1')).to.deep.equal({ neg: false, m: 0xcccccccccccccccdn, e: -67, inf: false });
  });

  it('parses hex floats, infinities, subnormals', () => {
    expect(formatLongDouble(ld('0x1.8p1'))).to.equal('3');
    expect(formatLongDouble(ld('0X10'))).to.equal('16');
    expect(ld('-Infinity').inf).to.equal(true);
    expect(ld('inf').inf).to.equal(true);
    expect(ld('1e-4950').m > 0n).to.equal(true);
    expect(ld('1e-4950').e).to.equal(-16445);
  });

  it('rejects malformed input, NaN, overflow and underflow to zero', () => {
    for (const bad of ['', ' 1', '1 ', 'nan', 'NAN(1)', '1e', '.', '0x', '0x.', '1e5000', '1e-5000', '1e-4952', 'infinit', '+-1', '1.2.3']) {
      expect(parseLongDouble(bad), JSON.stringify(bad)).to.equal(null);
    }
    // Redis refuses strings of 5120 characters or more (MAX_LONG_DOUBLE_CHARS)
    expect(parseLongDouble('0.' + '1'.repeat(5118))).to.equal(null);
    expect(formatLongDouble(ld('0.' + '1'.repeat(5117)))).to.equal('0.11111111111111111');
  });

  it('accepts zeros however written, without an underflow error', () => {
    for (const z of ['0', '-0', '0.0', '0e-99999', '.0', '0x0p-100000']) expect(formatLongDouble(ld(z)), z).to.equal('0');
  });

  it('adds and formats as Redis (%.17Lf, trailing zeros removed)', () => {
    expect(sum('10.5', '0.1')).to.equal('10.6');
    expect(sum('0.1', '0.2')).to.equal('0.3');
    expect(sum('5.0e3', '0')).to.equal('5000');
    expect(sum('0.8', '3.0000000000000001')).to.equal('3.8000000000000001');
    expect(sum('3.8000000000000001', '1e-17')).to.equal('3.80000000000000011');
    expect(sum('3.80000000000000011', '1e17')).to.equal('100000000000000003.796875');
    expect(sum('12345678901234567890123', '1')).to.equal('12345678901234567889920');
    expect(sum('-1', '0.9999999999999999999')).to.equal('0');
    expect(sum('1e400', '-1e400')).to.equal('0');
    expect(sum('-3', '1')).to.equal('-2');
  });

  it('formats tiny negatives as 0, never -0', () => {
    expect(formatLongDouble(ld('-1e-30'))).to.equal('0');
    expect(formatLongDouble(ld('-0.000000000000000005'))).to.equal('0');
    expect(formatLongDouble(ld('-0.000000000000000015'))).to.equal('-0.00000000000000002');
  });

  it('gives an infinity on overflow and for infinite operands', () => {
    expect(addLongDouble(ld('1.18e4932'), ld('1.18e4932')).inf).to.equal(true);
    expect(addLongDouble(ld('1'), ld('-inf')).inf).to.equal(true);
    expect(addLongDouble(ld('1.18e4932'), ld('-1.18e4932')).inf).to.equal(false);
  });
});
