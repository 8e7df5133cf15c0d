export type AttemptFailure =
  { kind: 'connection' } | { kind: 'timeout' } | { kind: 'status'; status: number; retryAfterMs?: number };

/**
 * Statuses worth another attempt on the same target, the same list the official OpenAI and
 * Anthropic SDKs retry:
 * - 408 Request Timeout, 429 Too Many Requests (rate limit or quota window),
 * - 409 Conflict (providers use it for transient lock/contention errors),
 * - every 5xx, including Anthropic's 529 "overloaded".
 * Every other status (400, 401, 403, 404, 413, 422…) would fail the same way again.
 * Connection errors and timeouts are always transient.
 */
const TRANSIENT_STATUSES = new Set([408, 409, 429]);

export function isTransient(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'connection':
    case 'timeout':
      return true;
    case 'status':
      return TRANSIENT_STATUSES.has(failure.status) || (failure.status >= 500 && failure.status <= 599);
  }
}

export interface RetryPolicy {
  maxRetries: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxRetries: 2,
  initialBackoffMs: 200,
  maxBackoffMs: 5000,
});

/**
 * The delay before retry number `retry` (0-based): exponential backoff with full jitter, i.e. a
 * uniform draw in [0, min(maxBackoffMs, initialBackoffMs * 2^retry)), which spreads retries of
 * many clients instead of having them hit a recovering provider together. random() in [0,1).
 *
 * A provider's retry-after wins when present, but is CAPPED at maxBackoffMs: the client is
 * waiting on this request, and a provider asking for longer is better served by the fallbacks.
 * Callers that want to skip the retry instead can compare `retryAfterMs` with the policy first.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const max = Math.max(0, policy.maxBackoffMs);
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    return Math.min(retryAfterMs, max);
  }
  // 2^retry overflows to Infinity for absurd retry counts; the cap keeps the result finite.
  const ceiling = Math.min(max, Math.max(0, policy.initialBackoffMs) * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}
