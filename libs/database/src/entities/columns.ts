import type { ValueTransformer } from 'typeorm';

/** Roles inside one organization (PRODUCT.md 4.2). */
export const USER_ROLES = ['admin', 'manager', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PROVIDER_STATUSES = ['active', 'inactive'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export const MODEL_SOURCES = ['discovered', 'manual'] as const;
export type ModelSource = (typeof MODEL_SOURCES)[number];

/** SQL list for a CHECK constraint: `'a', 'b'`. Values are our own constants, never input. */
export function sqlList(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** Emails are compared case-insensitively: stored and searched lower-cased. */
export const lowerCase: ValueTransformer = {
  to: (value: unknown): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value),
  from: (value: unknown): unknown => value,
};

/**
 * Money and prices: Postgres NUMERIC, read and written as decimal strings so that no value ever
 * passes through a binary float (STYLE.md 6). 10 fractional digits cover sub-micro-dollar prices.
 */
export const DECIMAL = { type: 'numeric', precision: 20, scale: 10 } as const;
