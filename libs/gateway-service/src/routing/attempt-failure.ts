import type { AttemptFailure } from '@optscale/routing';
import type { GatewayError } from '../pipeline/gateway-error';

/**
 * How long a provider asked us to wait, from `retry-after-ms` (OpenAI, Anthropic) or `retry-after`
 * (seconds or an HTTP date). Undefined when absent or unreadable, so back-off falls back to its own
 * schedule.
 */
export function retryAfterMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers['retry-after'];
  if (after === undefined || after.trim() === '') return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A failed call without an answer, as the route stage classifies it. */
export function failureOfError(error: GatewayError): AttemptFailure {
  return error.kind === 'timeout' ? { kind: 'timeout' } : { kind: 'connection' };
}

/** The attempt's `error` in the trace: `status 503`, `timeout`, `connection`. */
export function describeFailure(failure: AttemptFailure): string {
  switch (failure.kind) {
    case 'status':
      return `status ${failure.status}`;
    case 'timeout':
      return 'timeout';
    case 'connection':
      return 'connection';
  }
}
