import { bound, type TimeRange } from '@optscale/trace-service';

/*
 * The SQL of the Usage and Cost API, over `usage_hourly` (SummingMergeTree filled by the
 * materialized view `usage_hourly_mv` from `traces`). Parts of a SummingMergeTree are summed only
 * when they merge, so every read aggregates with sum() and GROUP BY. Buckets are Unix seconds
 * computed with integer arithmetic (no time zone, no toStartOfInterval: portable to 18.16); the
 * service fills the gaps.
 */

export const GRANULARITIES = ['hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const GRANULARITY_SECONDS: Record<Granularity, number> = { hour: 3600, day: 86_400 };

/** Dimensions a cost series may be split by, and their columns. */
export const GROUP_BY = ['provider', 'model', 'team', 'user', 'key', 'client'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
const GROUP_COLUMNS: Record<GroupBy, string> = {
  provider: 'provider',
  model: 'model',
  team: 'team_id',
  user: 'user_id',
  key: 'key_id',
  client: 'client',
};

export interface UsageFilters {
  organizationId: string;
  range: TimeRange;
  provider?: string | undefined;
  model?: string | undefined;
  teamId?: string | undefined;
  /** Members see only their own usage: the service forces this from the session. */
  userId?: string | undefined;
  keyId?: string | undefined;
  client?: string | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * The hours that overlap the range: from the hour containing `fromMs` to the last hour starting
 * before `toMs`. The roll-up is hourly, so a range is widened to whole hours.
 */
export function hourRangeCondition(range: TimeRange): string {
  const fromSec = Math.floor(range.fromMs / HOUR_MS) * 3600;
  const toSec = Math.ceil(range.toMs / 1000);
  return bound`hour >= toDateTime(${fromSec}) AND hour < toDateTime(${toSec})`;
}

export function usageWhere(filters: UsageFilters): string {
  const conditions = [bound`organization_id = ${filters.organizationId}`, hourRangeCondition(filters.range)];
  if (filters.provider !== undefined) conditions.push(bound`provider = ${filters.provider}`);
  if (filters.model !== undefined) conditions.push(bound`model = ${filters.model}`);
  if (filters.teamId !== undefined) conditions.push(bound`team_id = ${filters.teamId}`);
  if (filters.userId !== undefined) conditions.push(bound`user_id = ${filters.userId}`);
  if (filters.keyId !== undefined) conditions.push(bound`key_id = ${filters.keyId}`);
  if (filters.client !== undefined) conditions.push(bound`client = ${filters.client}`);
  return conditions.join(' AND ');
}

/** The measures every usage query returns, with aliases that do not shadow the columns. */
export const MEASURES = [
  'sum(requests) AS m_requests',
  'sum(failed_requests) AS m_failed',
  'sum(input_tokens) AS m_input',
  'sum(cache_read_tokens) AS m_cache_read',
  'sum(cache_write_tokens) AS m_cache_write',
  'sum(output_tokens) AS m_output',
  'sum(reasoning_tokens) AS m_reasoning',
  'sum(cost_nanos) AS m_cost',
  'sum(total_ms) AS m_total_ms',
].join(', ');

export function totalsSql(filters: UsageFilters): string {
  return `SELECT ${MEASURES} FROM usage_hourly WHERE ${usageWhere(filters)}`;
}

function bucketExpression(granularity: Granularity): string {
  return granularity === 'hour' ? 'toUInt32(hour)' : 'intDiv(toUInt32(hour), 86400) * 86400';
}

/** Measures per time bucket, optionally per value of one dimension (`g_key`). */
export function overTimeSql(filters: UsageFilters, granularity: Granularity, groupBy?: GroupBy): string {
  const key = groupBy === undefined ? "''" : GROUP_COLUMNS[groupBy];
  return [
    `SELECT ${bucketExpression(granularity)} AS g_bucket, ${key} AS g_key, ${MEASURES}`,
    `FROM usage_hourly WHERE ${usageWhere(filters)}`,
    'GROUP BY g_bucket, g_key ORDER BY g_bucket, g_key',
  ].join('\n');
}

/** Measures per (provider, model), most expensive first. */
export function perModelSql(filters: UsageFilters): string {
  return [
    `SELECT provider AS g_provider, model AS g_model, ${MEASURES}`,
    `FROM usage_hourly WHERE ${usageWhere(filters)}`,
    'GROUP BY g_provider, g_model ORDER BY m_cost DESC, m_requests DESC, g_provider, g_model',
  ].join('\n');
}

/** Measures per user, most expensive first. */
export function perUserSql(filters: UsageFilters): string {
  return [
    `SELECT user_id AS g_user, ${MEASURES}`,
    `FROM usage_hourly WHERE ${usageWhere(filters)}`,
    'GROUP BY g_user ORDER BY m_cost DESC, m_requests DESC, g_user',
  ].join('\n');
}
