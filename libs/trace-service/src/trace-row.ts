import type { RequestEvent } from '@optscale/contracts';

/**
 * One row of the ClickHouse `traces` table (libs/clickhouse/migrations/0001_traces_and_usage.sql),
 * as inserted with JSONEachRow. The table has no Nullable columns (cheaper on every engine), so:
 * absent strings are `''`, absent durations are `-1` (`NULL_MS`), and `toTraceRow`/`fromNullableMs`
 * are the only places that know it. Times are Unix seconds (DateTime parses them on 18.16 and
 * current releases alike, with no time zone involved) plus the exact milliseconds.
 */
// A type alias (not an interface) so rows are assignable to the client's `Record<string, unknown>`.
export type TraceRow = {
  request_id: string;
  organization_id: string;
  started_at: number;
  started_at_ms: number;
  key_id: string;
  user_id: string;
  team_id: string;
  provider: string;
  model: string;
  client_model: string;
  surface: string;
  operation: string;
  client: string;
  user_agent: string;
  session_id: string;
  stream: 0 | 1;
  passthrough: 0 | 1;
  status: number;
  error_type: string;
  error_message: string;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** UInt64 nano-dollars as a decimal string: sums of many requests exceed 2^53. */
  cost_nanos: string;
  cost_source: string;
  catalog_version: string;
  gateway_ms: number;
  upstream_ms: number;
  ttft_ms: number;
  total_ms: number;
  routing_rule_id: string;
  routing_rule_name: string;
  /** JSON array of the route stage's attempts (18.16 has no JSON functions: the API parses it). */
  routing_attempts: string;
  /** JSON array of the policy evaluations. */
  policy_evaluations: string;
  content_request: string;
  content_response: string;
  content_truncated: 0 | 1;
  ingested_at: number;
};

/** Stands for "no value" in the duration columns (a request that failed before its first byte). */
export const NULL_MS = -1;

const nonNegativeInt = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/**
 * Maps a request event to its trace row, every field of the event. Content is stored only when the
 * event carries it (the organization's content logging is on; the gateway already redacted it).
 * `ingestedAt` is the version column of the ReplacingMergeTree: a redelivered event replaces the
 * older copy on merge.
 */
export function toTraceRow(event: RequestEvent, ingestedAt: Date): TraceRow {
  const startedAtMs = Math.max(0, Math.floor(event.timings.startedAt));
  return {
    request_id: event.requestId,
    organization_id: event.organizationId,
    started_at: Math.floor(startedAtMs / 1000),
    started_at_ms: startedAtMs,
    key_id: event.keyId ?? '',
    user_id: event.userId ?? '',
    team_id: event.teamId ?? '',
    provider: event.provider ?? '',
    model: event.model ?? '',
    client_model: event.clientModel ?? '',
    surface: event.surface,
    operation: event.operation,
    client: event.client,
    user_agent: event.userAgent ?? '',
    session_id: event.sessionId ?? '',
    stream: event.stream ? 1 : 0,
    passthrough: event.passthrough ? 1 : 0,
    status: event.status,
    error_type: event.errorType ?? '',
    error_message: event.errorMessage ?? '',
    input_tokens: nonNegativeInt(event.usage.inputTokens),
    cache_read_tokens: nonNegativeInt(event.usage.cacheReadTokens),
    cache_write_tokens: nonNegativeInt(event.usage.cacheWriteTokens),
    cache_write_1h_tokens: nonNegativeInt(event.usage.cacheWrite1hTokens ?? 0),
    output_tokens: nonNegativeInt(event.usage.outputTokens),
    reasoning_tokens: nonNegativeInt(event.usage.reasoningTokens),
    cost_nanos: event.cost?.nanos ?? '0',
    cost_source: event.cost?.source ?? '',
    catalog_version: event.cost?.catalogVersion ?? '',
    gateway_ms: event.timings.gatewayMs,
    upstream_ms: event.timings.upstreamMs ?? NULL_MS,
    ttft_ms: event.timings.ttftMs ?? NULL_MS,
    total_ms: event.timings.totalMs,
    routing_rule_id: event.routing?.ruleId ?? '',
    routing_rule_name: event.routing?.ruleName ?? '',
    routing_attempts: JSON.stringify(event.routing?.attempts ?? []),
    policy_evaluations: JSON.stringify(event.policies ?? []),
    content_request: event.content?.request ?? '',
    content_response: event.content?.response ?? '',
    content_truncated: event.content?.truncated === true ? 1 : 0,
    ingested_at: Math.floor(ingestedAt.getTime() / 1000),
  };
}

/** A duration column back to the API's `number | null`. */
export function fromNullableMs(value: number): number | null {
  return value < 0 ? null : value;
}

/** An empty string column back to the API's `string | null`. */
export function fromEmpty(value: string): string | null {
  return value === '' ? null : value;
}
