import { attoToNanos, attoToNanosCeil, formatUsd, parsePricePerMillion, parseUsd } from './money';

describe('parseUsd / formatUsd', () => {
  it('parses decimal dollars into nano-dollars exactly', () => {
    expect(parseUsd('1.25')).toBe(1_250_000_000n);
    expect(parseUsd('0.000000001')).toBe(1n);
    expect(parseUsd('12')).toBe(12_000_000_000n);
    expect(parseUsd('0')).toBe(0n);
    // Beyond what a float holds exactly: 2^53 + 1 nanos.
    expect(parseUsd('9007199.254740993')).toBe(9_007_199_254_740_993n);
  });

  it('refuses what it cannot hold exactly, and anything but a plain decimal', () => {
    for (const bad of ['0.0000000001', '-1', '1e-3', ' 1', '1.', '.5', '', 'NaN', '1,5']) {
      expect(() => parseUsd(bad)).toThrow(RangeError);
    }
  });

  it('formats nano-dollars with all nine decimals', () => {
    expect(formatUsd(1_234_567n)).toBe('0.001234567');
    expect(formatUsd(1_250_000_000n)).toBe('1.250000000');
    expect(formatUsd(0n)).toBe('0.000000000');
    expect(formatUsd(-5n)).toBe('-0.000000005');
    expect(formatUsd(123_456_789_012_345_678_901n)).toBe('123456789012.345678901');
  });

  it('round-trips', () => {
    for (const v of ['0.000000001', '3.500000000', '1000000.123456789'])
      expect(formatUsd(parseUsd(v))).toBe(v);
  });
});

describe('prices and rounding', () => {
  it('reads USD per million tokens as atto-dollars per token (12 decimals)', () => {
    expect(parsePricePerMillion('2.5')).toBe(2_500_000_000_000n);
    expect(parsePricePerMillion('0.0000000001')).toBe(100n);
    expect(() => parsePricePerMillion('0.0000000000001')).toThrow(RangeError);
  });

  it('rounds atto to nano half up, and up for reservations', () => {
    expect(attoToNanos(499_999_999n)).toBe(0n);
    expect(attoToNanos(500_000_000n)).toBe(1n);
    expect(attoToNanos(1_500_000_000n)).toBe(2n);
    expect(attoToNanos(-500_000_000n)).toBe(-1n);
    expect(attoToNanosCeil(1n)).toBe(1n);
    expect(attoToNanosCeil(1_000_000_000n)).toBe(1n);
    expect(attoToNanosCeil(1_000_000_001n)).toBe(2n);
    expect(attoToNanosCeil(0n)).toBe(0n);
  });
});
