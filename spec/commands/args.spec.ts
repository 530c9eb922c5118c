// Argument parsing with Redis's string2ll rules.
import { expect } from 'chai';
import { INT64_MAX, INT64_MIN, is, parseInt64, parseSafeInt } from '../../lib/commands/args';

describe('args', () => {
  describe('parseInt64', () => {
    it('parses canonical decimal integers to numbers', () => {
      expect(parseInt64('0')).to.equal(0);
      expect(parseInt64('7')).to.equal(7);
      expect(parseInt64('-42')).to.equal(-42);
      expect(parseInt64('123456789012345')).to.equal(123456789012345);
      expect(parseInt64('9007199254740991')).to.equal(9007199254740991);
      expect(parseInt64('-9007199254740991')).to.equal(-9007199254740991);
    });

    it('returns a bigint beyond 2^53, up to the 64-bit limits', () => {
      expect(parseInt64('9007199254740992')).to.equal(9007199254740992n);
      expect(parseInt64('9007199254740993')).to.equal(9007199254740993n);
      expect(parseInt64('9223372036854775807')).to.equal(INT64_MAX);
      expect(parseInt64('-9223372036854775808')).to.equal(INT64_MIN);
    });

    it('rejects values outside the signed 64-bit range', () => {
      expect(parseInt64('9223372036854775808')).to.equal(null);
      expect(parseInt64('-9223372036854775809')).to.equal(null);
      expect(parseInt64('99999999999999999999')).to.equal(null);
      expect(parseInt64('123456789012345678901')).to.equal(null);
    });

    it('rejects what string2ll rejects: signs, zeros, spaces, dots, exponents', () => {
      for (const bad of ['', '-', '+1', '-0', '00', '01', '-01', ' 1', '1 ', '1.0', '1e3', '0x10', 'abc', '1\x00', '١']) {
        expect(parseInt64(bad), JSON.stringify(bad)).to.equal(null);
      }
    });
  });

  describe('parseSafeInt', () => {
    it('gives numbers within 2^53 and null beyond or when malformed', () => {
      expect(parseSafeInt('-9007199254740991')).to.equal(-9007199254740991);
      expect(parseSafeInt('10')).to.equal(10);
      expect(parseSafeInt('9007199254740992')).to.equal(null);
      expect(parseSafeInt('9223372036854775807')).to.equal(null);
      expect(parseSafeInt('x')).to.equal(null);
    });
  });

  describe('is', () => {
    it('matches a lower-case keyword in any case, whole word only', () => {
      expect(is('NX', 'nx')).to.equal(true);
      expect(is('Nx', 'nx')).to.equal(true);
      expect(is('nx', 'nx')).to.equal(true);
      expect(is('nxx', 'nx')).to.equal(false);
      expect(is('n', 'nx')).to.equal(false);
      expect(is('', 'nx')).to.equal(false);
    });
  });
});
