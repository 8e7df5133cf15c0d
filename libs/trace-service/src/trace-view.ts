import { money, toBigInt, toNumber, toText } from './money';
import { fromEmpty, fromNullableMs } from './trace-row';
import type { TraceDetail, TraceListItem, TraceSummary } from './traces.routes';

/*
 * ClickHouse rows → API shapes. Rows come back as JSON with UInt64 as decimal strings and UInt8
 * flags as numbers; nothing here trusts their types beyond that.
 */

type Row = Record<string, unknown>;

const text = (row: Row, column: string): string => toText(row[column]);

function tokens(row: Row) {
  const input = toNumber(row['input_tokens']);
  const cacheRead = toNumber(row['cache_read_tokens']);
  const cacheWrite = toNumber(row['cache_write_tokens']);
  const output = toNumber(row['output_tokens']);
  return {
    input,
    cache_read: cacheRead,
    cache_write: cacheWrite,
    output,
    reasoning: toNumber(row['reasoning_tokens']),
    total: input + cacheRead + cacheWrite + output,
  };
}

export function toListItem(row: Row): TraceListItem {
  return {
    request_id: text(row, 'request_id'),
    started_at: new Date(toNumber(row['started_at_ms'])).toISOString(),
    provider: fromEmpty(text(row, 'provider')),
    model: fromEmpty(text(row, 'model')),
    client_model: fromEmpty(text(row, 'client_model')),
    user_id: fromEmpty(text(row, 'user_id')),
    key_id: fromEmpty(text(row, 'key_id')),
    team_id: fromEmpty(text(row, 'team_id')),
    client: text(row, 'client'),
    operation: text(row, 'operation'),
    stream: toNumber(row['stream']) === 1,
    status: toNumber(row['status']),
    error_type: fromEmpty(text(row, 'error_type')),
    tokens: tokens(row),
    cost: money(toBigInt(row['cost_nanos'])),
    latency_ms: toNumber(row['total_ms']),
    ttft_ms: fromNullableMs(toNumber(row['ttft_ms'])),
  };
}

/** A JSON array column; a malformed value (never written by the collector) reads as empty. */
function jsonArray(value: string): Record<string, unknown>[] {
  try {
    const parsed: unknown = JSON.parse(value === '' ? '[]' : value);
    return Array.isArray(parsed) ? (parsed as Record<string, unknown>[]) : [];
  } catch {
    return [];
  }
}

export function toDetail(row: Row): TraceDetail {
  const item = toListItem(row);
  const ruleId = text(row, 'routing_rule_id');
  const contentRequest = text(row, 'content_request');
  const contentResponse = text(row, 'content_response');
  const truncated = toNumber(row['content_truncated']) === 1;
  return {
    ...item,
    surface: text(row, 'surface'),
    user_agent: fromEmpty(text(row, 'user_agent')),
    session_id: fromEmpty(text(row, 'session_id')),
    passthrough: toNumber(row['passthrough']) === 1,
    error_message: fromEmpty(text(row, 'error_message')),
    tokens: { ...item.tokens, cache_write_1h: toNumber(row['cache_write_1h_tokens']) },
    cost_source: fromEmpty(text(row, 'cost_source')),
    catalog_version: fromEmpty(text(row, 'catalog_version')),
    timings: {
      gateway_ms: toNumber(row['gateway_ms']),
      upstream_ms: fromNullableMs(toNumber(row['upstream_ms'])),
      ttft_ms: fromNullableMs(toNumber(row['ttft_ms'])),
      total_ms: toNumber(row['total_ms']),
    },
    routing:
      ruleId === ''
        ? null
        : {
            rule_id: ruleId,
            rule_name: text(row, 'routing_rule_name'),
            attempts: jsonArray(text(row, 'routing_attempts')),
          },
    policies: jsonArray(text(row, 'policy_evaluations')),
    content:
      contentRequest === '' && contentResponse === '' && !truncated
        ? null
        : { request: contentRequest, response: contentResponse, truncated },
  };
}

/** Rounds a share to 4 decimals; 0 when there is nothing to divide by. */
export const rate = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;

/** Milliseconds rounded to 0.1 ms (averages of float sums). */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

export function toSummary(row: Row | undefined): TraceSummary {
  const r = row ?? {};
  const total = toNumber(r['total_requests']);
  const input = toNumber(r['sum_input']);
  const cacheRead = toNumber(r['sum_cache_read']);
  const cacheWrite = toNumber(r['sum_cache_write']);
  const output = toNumber(r['sum_output']);
  return {
    total_requests: total,
    success_rate: rate(toNumber(r['ok_requests']), total),
    tokens: {
      input,
      cache_read: cacheRead,
      cache_write: cacheWrite,
      output,
      reasoning: toNumber(r['sum_reasoning']),
      total: input + cacheRead + cacheWrite + output,
    },
    estimated_spend: money(toBigInt(r['sum_cost'])),
    avg_latency_ms: total > 0 ? roundMs(toNumber(r['sum_total_ms']) / total) : 0,
  };
}
