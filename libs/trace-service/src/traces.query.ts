import { sql } from '@optscale/clickhouse';
import type { TimeRange } from './time-range';

/*
 * The SQL of the Traces API and of the collector's idempotency check, in the portable dialect
 * (ARCHITECTURE.md "ClickHouse dialect"): every value goes through the client-side binder, every
 * identifier and direction comes from the constant maps below, and every read of `traces` uses FINAL
 * so that a redelivered event never shows twice before the ReplacingMergeTree merges it away.
 * Queries are composed from fragments that are each fully bound, so joining them adds no injection.
 */

/** Binds a fragment and returns it as plain SQL text (the binder's result is string-like). */
export function bound(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return String(sql(strings, ...values));
}

/** A status filter: `ok` (below 400), `error` (400 and above) or one exact HTTP status. */
export type StatusFilter = 'ok' | 'error' | number;

export interface TraceFilters {
  organizationId: string;
  range: TimeRange;
  /** Members see only their own traces: the service sets this from the session, not the query. */
  userId?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  keyId?: string | undefined;
  teamId?: string | undefined;
  client?: string | undefined;
  status?: StatusFilter | undefined;
}

export const TRACE_SORTS = ['time', 'latency', 'cost', 'tokens'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];

const SORT_EXPRESSIONS: Record<TraceSort, string> = {
  time: 'started_at_ms',
  latency: 'total_ms',
  cost: 'cost_nanos',
  tokens: '(input_tokens + cache_read_tokens + cache_write_tokens + output_tokens)',
};
const DIRECTIONS = { asc: 'ASC', desc: 'DESC' } as const;

/** `started_at` bounds the partitions and the primary key; `started_at_ms` makes the range exact. */
export function rangeCondition(range: TimeRange, column = 'started_at'): string {
  const fromSec = Math.floor(range.fromMs / 1000);
  const toSec = Math.ceil(range.toMs / 1000);
  const coarse = `${column} >= toDateTime(${fromSec}) AND ${column} <= toDateTime(${toSec})`;
  return column === 'started_at'
    ? `${coarse} AND ${bound`started_at_ms >= ${range.fromMs} AND started_at_ms < ${range.toMs}`}`
    : coarse;
}

/** The WHERE clause of a filtered trace query (always scoped to one organization). */
export function traceWhere(filters: TraceFilters): string {
  const conditions = [bound`organization_id = ${filters.organizationId}`, rangeCondition(filters.range)];
  if (filters.userId !== undefined) conditions.push(bound`user_id = ${filters.userId}`);
  if (filters.provider !== undefined) conditions.push(bound`provider = ${filters.provider}`);
  if (filters.model !== undefined) conditions.push(bound`model = ${filters.model}`);
  if (filters.keyId !== undefined) conditions.push(bound`key_id = ${filters.keyId}`);
  if (filters.teamId !== undefined) conditions.push(bound`team_id = ${filters.teamId}`);
  if (filters.client !== undefined) conditions.push(bound`client = ${filters.client}`);
  if (filters.status === 'ok') conditions.push('status < 400');
  else if (filters.status === 'error') conditions.push('status >= 400');
  else if (typeof filters.status === 'number') conditions.push(bound`status = ${filters.status}`);
  return conditions.join(' AND ');
}

/** The columns of a list row (no content, no JSON arrays: those are for the detail). */
export const LIST_COLUMNS = [
  'request_id',
  'started_at_ms',
  'key_id',
  'user_id',
  'team_id',
  'provider',
  'model',
  'client_model',
  'client',
  'operation',
  'stream',
  'status',
  'error_type',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'cost_nanos',
  'ttft_ms',
  'total_ms',
] as const;

export function listTracesSql(
  filters: TraceFilters,
  sort: TraceSort,
  order: 'asc' | 'desc',
  limit: number,
  offset: number,
): string {
  const direction = DIRECTIONS[order];
  return [
    `SELECT ${LIST_COLUMNS.join(', ')} FROM traces FINAL`,
    `WHERE ${traceWhere(filters)}`,
    `ORDER BY ${SORT_EXPRESSIONS[sort]} ${direction}, request_id ${direction}`,
    bound`LIMIT ${Math.max(0, Math.floor(offset))}, ${Math.max(1, Math.floor(limit))}`,
  ].join('\n');
}

/** The summary cards over the same filters: one row. */
export function traceSummarySql(filters: TraceFilters): string {
  return [
    'SELECT count() AS total_requests, countIf(status < 400) AS ok_requests,',
    '  sum(input_tokens) AS sum_input, sum(cache_read_tokens) AS sum_cache_read,',
    '  sum(cache_write_tokens) AS sum_cache_write, sum(output_tokens) AS sum_output,',
    '  sum(reasoning_tokens) AS sum_reasoning, sum(cost_nanos) AS sum_cost, sum(total_ms) AS sum_total_ms',
    'FROM traces FINAL',
    `WHERE ${traceWhere(filters)}`,
  ].join('\n');
}

/** One trace with everything it has. No time bound: the request id is all the caller knows. */
export function traceDetailSql(organizationId: string, requestId: string): string {
  return bound`SELECT * FROM traces FINAL WHERE organization_id = ${organizationId} AND request_id = ${requestId} LIMIT 1`;
}

/** Which of these request ids are already stored (the collector's idempotency check). */
export function existingRequestIdsSql(
  keys: readonly { organizationId: string; requestId: string }[],
  range: TimeRange,
): string {
  const organizations = [...new Set(keys.map((k) => k.organizationId))].map((id) => bound`${id}`);
  const ids = [...new Set(keys.map((k) => k.requestId))].map((id) => bound`${id}`);
  return [
    'SELECT DISTINCT request_id FROM traces',
    `WHERE organization_id IN (${organizations.join(', ')}) AND request_id IN (${ids.join(', ')})`,
    `AND ${rangeCondition(range, 'started_at')}`,
  ].join('\n');
}
