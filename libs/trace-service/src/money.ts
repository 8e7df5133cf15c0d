import { formatUsd } from '@optscale/pricing';

/**
 * Money in API responses: a USD decimal string plus the exact nano-dollars as a decimal string,
 * never a binary float (STYLE.md 6). ClickHouse returns UInt64 sums as decimal strings, so amounts
 * stay bigint from the store to the response.
 */
export interface Money {
  /** USD with 9 decimals, e.g. `"0.001234567"`. */
  usd: string;
  /** Billionths of a USD, e.g. `"1234567"`. */
  nanos: string;
}

export function money(nanos: bigint): Money {
  return { usd: formatUsd(nanos), nanos: nanos.toString() };
}

/** A ClickHouse integer (UInt64 arrives as a decimal string, smaller ones as numbers) as a bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  return 0n;
}

/** A ClickHouse number (possibly a decimal string) as a JS number; for counts and token sums. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value);
    return Number.isFinite(n) ? n : 0;
  }
  if (typeof value === 'bigint') return Number(value);
  return 0;
}

/** A ClickHouse scalar as text: strings as they are, numbers as decimals, anything else empty. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return '';
}
