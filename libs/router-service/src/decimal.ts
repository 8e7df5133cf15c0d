import { z } from 'zod';

/**
 * A price as a decimal string: up to 10 integer and 10 fractional digits, which is what the
 * NUMERIC(20,10) columns hold. No exponent, sign or float: prices never pass through a binary float
 * (STYLE.md 6), so `1e-3` is refused rather than converted.
 */
export const DECIMAL_PATTERN = /^\d{1,10}(\.\d{1,10})?$/;

export const decimalString = z
  .string()
  .regex(DECIMAL_PATTERN, 'a decimal string such as "2.5" or "0.000125" (up to 10 digits each side)');

/**
 * A NUMERIC as Postgres returns it ("3.0000000000", "0001.5" never) in its shortest exact form
 * ("3", "0.0015"): the same value as stored, without the scale's padding.
 */
export function normalizeDecimal(value: string): string {
  const [whole = '0', fraction = ''] = value.split('.');
  const integer = whole.replace(/^0+(?=\d)/, '');
  const digits = fraction.replace(/0+$/, '');
  return digits.length > 0 ? `${integer}.${digits}` : integer;
}
