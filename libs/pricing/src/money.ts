/*
 * Money as integers, never binary floats (STYLE.md 6). Two units:
 *
 * - nano-dollars (1e-9 USD), the unit of every cost that leaves this library: a request's cost, a
 *   budget's amount, a reservation. Fits a bigint for any sum the platform can reach.
 * - atto-dollars (1e-18 USD), the unit in which a request is priced exactly. A price of P USD per
 *   million tokens is P × 1e12 atto-dollars per token, so tokens × price is an exact atto amount for
 *   every price with up to 12 decimals. Organization overrides are NUMERIC(20,10) (10 decimals), so
 *   a coarser unit (e.g. pico-dollars, 6 decimals of USD per million) could not hold them exactly.
 *   Atto amounts are rounded half-up to nanos once per request (`attoToNanos`).
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Atto-dollars in one nano-dollar. */
export const ATTO_PER_NANO = 1_000_000_000n;

/** Decimals a price (USD per million tokens) may have: 12, so that it is an exact atto amount per token. */
export const PRICE_DECIMALS = 12;

/** Decimals a dollar amount may have: 9 (nano-dollars). */
export const USD_DECIMALS = 9;

/**
 * A non-negative decimal string (`"2.5"`, `"0.000125"`, `"3"`) as an integer scaled by 10^`decimals`.
 * Throws on anything else (signs, exponents, spaces, more decimals than `decimals`): a price or an
 * amount that cannot be held exactly is refused rather than rounded.
 */
export function parseScaledDecimal(value: string, decimals: number): bigint {
  const match = DECIMAL.exec(value);
  if (!match) throw new RangeError(`not a non-negative decimal: "${value}"`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    throw new RangeError(`"${value}" has more than ${decimals} decimals`);
  }
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}

/** A price in USD per million tokens (decimal string) → atto-dollars per token. */
export function parsePricePerMillion(value: string): bigint {
  return parseScaledDecimal(value, PRICE_DECIMALS);
}

/** `"1.25"` → 1_250_000_000n nano-dollars. Up to 9 decimals, non-negative; throws otherwise. */
export function parseUsd(value: string): bigint {
  return parseScaledDecimal(value, USD_DECIMALS);
}

/**
 * Nano-dollars → a decimal string with all 9 decimals: 1_234_567n → `"0.001234567"`,
 * 1_250_000_000n → `"1.250000000"`, -5n → `"-0.000000005"`. Fixed decimals keep columns and logs
 * aligned and make the unit unambiguous.
 */
export function formatUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const digits = (negative ? -nanos : nanos).toString().padStart(USD_DECIMALS + 1, '0');
  const whole = digits.slice(0, -USD_DECIMALS);
  const fraction = digits.slice(-USD_DECIMALS);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Atto-dollars → nano-dollars, rounding half up (the one rounding of a request's cost). */
export function attoToNanos(atto: bigint): bigint {
  if (atto < 0n) return -attoToNanos(-atto);
  return (atto + ATTO_PER_NANO / 2n) / ATTO_PER_NANO;
}

/** Atto-dollars → nano-dollars, rounding up: for reservations, which must never fall short. */
export function attoToNanosCeil(atto: bigint): bigint {
  if (atto <= 0n) return -(-atto / ATTO_PER_NANO);
  return (atto + ATTO_PER_NANO - 1n) / ATTO_PER_NANO;
}
