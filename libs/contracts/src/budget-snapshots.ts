import { z } from 'zod';

/*
 * Budgets and rate limits (PRODUCT.md 4.4, 7.2; docs/adr/0008-budgets-and-rate-limits.md).
 *
 * `optscale.config.budgets.v1`, message key = `<organization id>/<budget id>` (`budgetMessageKey`).
 * Published by `auth`: one spending limit (USD per period) and/or rate limit (requests and tokens
 * per minute) on one scope of an organization. A tombstone deletes it; `active: false` keeps it but
 * enforces nothing. Same rolling-deploy rule as the other config snapshots: fields are only added,
 * as optional.
 *
 * `optscale.budget.state.v1`, same key: what the cost aggregator computed as spent in the budget's
 * current period from ClickHouse. Gateways take it as the floor of their live counter, so a fresh
 * replica or a Redis that lost its data never forgets what was already spent.
 */

const id = z.string().min(1);
const isoDateTime = z.iso.datetime({ offset: true });

export const BUDGET_SCOPES = ['key', 'user', 'team', 'organization'] as const;
export type BudgetScope = (typeof BUDGET_SCOPES)[number];

export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/**
 * `calendar`: the period is aligned (the day starts 00:00 UTC, the week on Monday, the month on the
 * 1st...). `rolling`: the period is the last 1d/7d/30d/90d/365d ending now.
 */
export const BUDGET_RESET_MODES = ['calendar', 'rolling'] as const;
export type BudgetResetMode = (typeof BUDGET_RESET_MODES)[number];

/** A USD amount as a decimal string with at most 9 decimals (nanodollars are the unit of cost). */
export const usdAmountSchema = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,9})?$/, 'a USD amount like "100" or "12.50" (at most 9 decimals)');

export const budgetSnapshotSchema = z
  .object({
    id,
    organizationId: id,
    name: z.string().nullable(),
    scope: z.enum(BUDGET_SCOPES),
    /** The key, user or team id; for `organization`, the organization id. */
    scopeId: id,
    /** The spending limit in USD per period; null: no spending limit (a rate limit only). */
    amountUsd: usdAmountSchema.nullable(),
    period: z.enum(BUDGET_PERIODS),
    resetMode: z.enum(BUDGET_RESET_MODES),
    /** Requests per minute over the scope; null: unlimited. */
    requestsPerMinute: z.number().int().positive().nullable(),
    /** Tokens (input + output) per minute over the scope; null: unlimited. */
    tokensPerMinute: z.number().int().positive().nullable(),
    active: z.boolean(),
    /** ISO 8601 with offset. */
    updatedAt: isoDateTime,
  })
  .refine(
    (b) => b.amountUsd !== null || b.requestsPerMinute !== null || b.tokensPerMinute !== null,
    'a budget needs an amount, a requests-per-minute or a tokens-per-minute limit',
  );
export type BudgetSnapshot = z.infer<typeof budgetSnapshotSchema>;

export function budgetMessageKey(organizationId: string, budgetId: string): string {
  return `${organizationId}/${budgetId}`;
}

export const budgetStateSchema = z.object({
  organizationId: id,
  budgetId: id,
  scope: z.enum(BUDGET_SCOPES),
  scopeId: id,
  /** The period the spend was summed over: [start, end), ISO 8601 with offset. */
  windowStart: isoDateTime,
  windowEnd: isoDateTime,
  /** Spent in the window, in billionths of a USD, as a non-negative integer string. */
  spentNanos: z.string().regex(/^\d+$/, 'expected a non-negative integer string'),
  /** ISO 8601 with offset; when the aggregator computed it. */
  updatedAt: isoDateTime,
});
export type BudgetState = z.infer<typeof budgetStateSchema>;

/** `"12.5"` → 12_500_000_000n: exact, never through a float. */
export function usdToNanos(amount: string): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0').slice(0, 9) || '0');
}

/** 12_500_000_000n → `"12.5"`: the shortest exact decimal. */
export function nanosToUsd(nanos: bigint): string {
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
