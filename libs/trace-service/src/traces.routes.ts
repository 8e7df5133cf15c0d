import {
  defineRoute,
  orderQuery,
  organizationParams,
  pageSchema,
  paginationQuery,
} from '@optscale/admin-api';
import { z } from 'zod';
import { timeRangeQuery } from './time-range';
import { TRACE_SORTS } from './traces.query';

const TAG = 'Traces';

export const moneySchema = z.object({
  /** USD, 9 decimals, as a string. */
  usd: z.string(),
  /** Billionths of a USD, as a string. */
  nanos: z.string(),
});

const tokensSchema = z.object({
  /** Prompt tokens not read from or written to a cache. */
  input: z.number().int(),
  cache_read: z.number().int(),
  cache_write: z.number().int(),
  /** Output tokens, reasoning included. */
  output: z.number().int(),
  reasoning: z.number().int(),
  /** input + cache_read + cache_write + output. */
  total: z.number().int(),
});

export const traceListItemSchema = z.object({
  request_id: z.string(),
  started_at: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  client_model: z.string().nullable(),
  user_id: z.string().nullable(),
  key_id: z.string().nullable(),
  team_id: z.string().nullable(),
  client: z.string(),
  operation: z.string(),
  stream: z.boolean(),
  status: z.number().int(),
  error_type: z.string().nullable(),
  tokens: tokensSchema,
  cost: moneySchema,
  latency_ms: z.number(),
  ttft_ms: z.number().nullable(),
});

export const traceDetailSchema = traceListItemSchema.extend({
  surface: z.string(),
  user_agent: z.string().nullable(),
  session_id: z.string().nullable(),
  passthrough: z.boolean(),
  error_message: z.string().nullable(),
  tokens: tokensSchema.extend({ cache_write_1h: z.number().int() }),
  cost_source: z.string().nullable(),
  catalog_version: z.string().nullable(),
  timings: z.object({
    gateway_ms: z.number(),
    upstream_ms: z.number().nullable(),
    ttft_ms: z.number().nullable(),
    total_ms: z.number(),
  }),
  /** The routing rule that applied, with every attempt (primary and fallbacks); null when none. */
  routing: z
    .object({
      rule_id: z.string(),
      rule_name: z.string(),
      attempts: z.array(z.record(z.string(), z.unknown())),
    })
    .nullable(),
  /** Every policy evaluation of the request (input and output stages). */
  policies: z.array(z.record(z.string(), z.unknown())),
  /** The logged bodies (redacted by the gateway), only when content logging was on. */
  content: z.object({ request: z.string(), response: z.string(), truncated: z.boolean() }).nullable(),
});

export const traceSummarySchema = z.object({
  total_requests: z.number().int(),
  /** 0..1, 4 decimals; 0 without requests. */
  success_rate: z.number(),
  tokens: tokensSchema,
  estimated_spend: moneySchema,
  avg_latency_ms: z.number(),
});

const statusFilter = z
  .string()
  .regex(/^(ok|error|[1-5]\d\d)$/, 'expected ok, error or an HTTP status')
  .optional()
  .transform((v) => (v === undefined || v === 'ok' || v === 'error' ? v : Number(v)));

const optionalText = z.string().trim().min(1).max(200).optional();

export const traceRoutes = {
  list: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/traces',
    summary: "The organization's request traces, filtered and sorted, with summary cards",
    description:
      'Managers and admins see every trace of the organization; members see only their own ' +
      '(the `user_id` filter is then forced to themselves). Range: `range` preset or `from`/`to`.',
    tag: TAG,
    access: 'member',
    params: organizationParams,
    query: z.object({
      ...paginationQuery,
      ...timeRangeQuery,
      sort: z.enum(TRACE_SORTS).default('time'),
      order: orderQuery,
      provider: optionalText,
      model: optionalText,
      user_id: optionalText,
      key_id: optionalText,
      team_id: optionalText,
      client: optionalText,
      status: statusFilter,
    }),
    response: pageSchema(traceListItemSchema).extend({
      range: z.object({ from: z.string(), to: z.string() }),
      summary: traceSummarySchema,
    }),
  }),
  get: defineRoute({
    method: 'GET',
    path: '/organizations/:organizationId/traces/:requestId',
    summary: 'One trace with everything recorded: routing, attempts, tokens, cost, policies, content',
    tag: TAG,
    access: 'member',
    params: organizationParams.extend({ requestId: z.string().min(1).max(200) }),
    response: traceDetailSchema,
  }),
};

export type TraceListItem = z.infer<typeof traceListItemSchema>;
export type TraceDetail = z.infer<typeof traceDetailSchema>;
export type TraceSummary = z.infer<typeof traceSummarySchema>;
