import { DECIMAL_PATTERN, decimalString, normalizeDecimal } from './decimal';

describe('decimal prices', () => {
  it('accepts plain decimals up to NUMERIC(20,10) and nothing float-like', () => {
    for (const ok of ['0', '2.5', '0.000125', '1234567890.0123456789'])
      expect(DECIMAL_PATTERN.test(ok)).toBe(true);
    for (const bad of [
      '1e-3',
      '-1',
      '+1',
      '.5',
      '5.',
      '1,5',
      ' 1',
      '12345678901',
      '0.12345678901',
      'NaN',
      'Infinity',
    ]) {
      expect(DECIMAL_PATTERN.test(bad)).toBe(false);
    }
    expect(decimalString.safeParse(0.5).success).toBe(false);
  });

  it('prints a NUMERIC in its shortest exact form', () => {
    expect(normalizeDecimal('3.0000000000')).toBe('3');
    expect(normalizeDecimal('0.0015000000')).toBe('0.0015');
    expect(normalizeDecimal('0.0000000000')).toBe('0');
    expect(normalizeDecimal('1234567890.0123456789')).toBe('1234567890.0123456789');
    expect(normalizeDecimal('007.50')).toBe('7.5');
    expect(normalizeDecimal('10')).toBe('10');
  });
});
