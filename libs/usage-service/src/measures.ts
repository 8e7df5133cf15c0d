import { money, rate, roundMs, toBigInt, toNumber, type Money } from '@optscale/trace-service';

/** The measures of a set of hourly rows, with money exact (bigint nano-dollars). */
export interface Measures {
  requests: number;
  failed: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
  costNanos: bigint;
  totalMs: number;
}

export const EMPTY_MEASURES: Measures = {
  requests: 0,
  failed: 0,
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  costNanos: 0n,
  totalMs: 0,
};

/** Reads the `m_*` columns of a usage query row. */
export function readMeasures(row: Record<string, unknown> | undefined): Measures {
  if (row === undefined) return { ...EMPTY_MEASURES };
  return {
    requests: toNumber(row['m_requests']),
    failed: toNumber(row['m_failed']),
    input: toNumber(row['m_input']),
    cacheRead: toNumber(row['m_cache_read']),
    cacheWrite: toNumber(row['m_cache_write']),
    output: toNumber(row['m_output']),
    reasoning: toNumber(row['m_reasoning']),
    costNanos: toBigInt(row['m_cost']),
    totalMs: toNumber(row['m_total_ms']),
  };
}

export function addMeasures(a: Measures, b: Measures): Measures {
  return {
    requests: a.requests + b.requests,
    failed: a.failed + b.failed,
    input: a.input + b.input,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
    costNanos: a.costNanos + b.costNanos,
    totalMs: a.totalMs + b.totalMs,
  };
}

/** The API's totals block (PRODUCT.md usage cards). */
export interface UsageTotals {
  requests: number;
  failed_requests: number;
  /** 0..1, 4 decimals. */
  success_rate: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  estimated_spend: Money;
  avg_latency_ms: number;
}

export function toTotals(m: Measures): UsageTotals {
  return {
    requests: m.requests,
    failed_requests: m.failed,
    success_rate: rate(m.requests - m.failed, m.requests),
    input_tokens: m.input,
    output_tokens: m.output,
    cache_read_tokens: m.cacheRead,
    cache_write_tokens: m.cacheWrite,
    reasoning_tokens: m.reasoning,
    estimated_spend: money(m.costNanos),
    avg_latency_ms: m.requests > 0 ? roundMs(m.totalMs / m.requests) : 0,
  };
}
