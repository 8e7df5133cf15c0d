import { defineRoute, organizationParams } from '@optscale/admin-api';
import { moneySchema, timeRangeQuery } from '@optscale/trace-service';
import { z } from 'zod';
import { GRANULARITIES, GROUP_BY } from './usage.query';

const TAG = 'Usage';
const optionalText = z.string().trim().min(1).max(200).optional();

/** Filters and range shared by every usage report (members are scoped to themselves). */
export const usageQuery = z.object({
  ...timeRangeQuery,
  provider: optionalText,
  model: optionalText,
  team_id: optionalText,
  user_id: optionalText,
  key_id: optionalText,
  client: optionalText,
  granularity: z.enum(GRANULARITIES).default('day'),
  group_by: z.enum(GROUP_BY).optional(),
});
export type UsageQuery = z.output<typeof usageQuery>;

export const totalsSchema = z.object({
  requests: z.number().int(),
  failed_requests: z.number().int(),
  success_rate: z.number(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_read_tokens: z.number().int(),
  cache_write_tokens: z.number().int(),
  reasoning_tokens: z.number().int(),
  estimated_spend: moneySchema,
  avg_latency_ms: z.number(),
});
const rangeSchema = z.object({ from: z.string(), to: z.string() });
const pointSchema = totalsSchema.extend({ start: z.string() });

export const REPORTS = [
  'totals',
  'cost-over-time',
  'models',
  'model-activity',
  'users',
  'comparison',
] as const;
export type Report = (typeof REPORTS)[number];

const path = (suffix: string) => `/organizations/:organizationId/usage${suffix}`;
const description =
  'From the hourly roll-up (a range is widened to whole hours). Managers and admins see the ' +
  'organization; members only their own usage. Money: USD decimal strings and nano-dollar strings.';

export const usageRoutes = {
  totals: defineRoute({
    method: 'GET',
    path: path('/totals'),
    summary: 'Totals of a range: requests, success rate, tokens by kind, estimated spend, average latency',
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery,
    response: z.object({
      range: rangeSchema,
      totals: totalsSchema,
      /** Newest request event the cost aggregator has consumed (null before the first). */
      ingest_watermark: z.string().nullable(),
    }),
  }),
  costOverTime: defineRoute({
    method: 'GET',
    path: path('/cost-over-time'),
    summary: 'Spend and requests per hour or day, gap-filled, optionally one series per dimension value',
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery,
    response: z.object({
      range: rangeSchema,
      granularity: z.enum(GRANULARITIES),
      group_by: z.enum(GROUP_BY).nullable(),
      series: z.array(
        z.object({
          /** The dimension's value (`''`: none recorded); `total` without group_by. */
          key: z.string(),
          total: moneySchema,
          points: z.array(z.object({ start: z.string(), cost: moneySchema, requests: z.number().int() })),
        }),
      ),
    }),
  }),
  models: defineRoute({
    method: 'GET',
    path: path('/models'),
    summary: 'Cost per model (provider and model), most expensive first, with share of spend',
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery,
    response: z.object({
      range: rangeSchema,
      items: z.array(
        totalsSchema.extend({ provider: z.string(), model: z.string(), share_of_spend: z.number() }),
      ),
    }),
  }),
  modelActivity: defineRoute({
    method: 'GET',
    path: path('/model-activity'),
    summary: "One model's metrics over time (the `model` filter is required)",
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery.extend({ model: z.string().trim().min(1).max(200) }),
    response: z.object({
      range: rangeSchema,
      model: z.string(),
      granularity: z.enum(GRANULARITIES),
      totals: totalsSchema,
      points: z.array(pointSchema),
    }),
  }),
  users: defineRoute({
    method: 'GET',
    path: path('/users'),
    summary: 'Usage per user, most expensive first',
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery,
    response: z.object({
      range: rangeSchema,
      items: z.array(totalsSchema.extend({ user_id: z.string().nullable() })),
    }),
  }),
  comparison: defineRoute({
    method: 'GET',
    path: path('/comparison'),
    summary: 'This range against the previous range of equal length, with deltas',
    description,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery,
    response: z.object({
      current: z.object({ range: rangeSchema, totals: totalsSchema }),
      previous: z.object({ range: rangeSchema, totals: totalsSchema }),
      deltas: z.record(
        z.string(),
        z.object({
          /** current − previous; a decimal string for money (may be negative). */
          change: z.union([z.number(), z.string()]),
          /** change / previous, 4 decimals; null when previous is 0. */
          relative: z.number().nullable(),
        }),
      ),
    }),
  }),
  export: defineRoute({
    method: 'GET',
    path: path('/export'),
    summary: 'Any usage report as CSV (RFC 4180)',
    description: `${description} \`report\` names the report; the other parameters are the report's.`,
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: usageQuery.extend({ report: z.enum(REPORTS) }),
  }),
};
