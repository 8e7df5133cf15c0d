import type { RequestEvent } from '@optscale/contracts';
import type { TimeRange } from './time-range';

/**
 * The first event per request id, in order: a gateway that retried a send (or a redelivery that
 * overlaps a batch) must not produce two rows.
 */
export function uniqueByRequestId(events: readonly RequestEvent[]): RequestEvent[] {
  const seen = new Set<string>();
  const out: RequestEvent[] = [];
  for (const event of events) {
    if (seen.has(event.requestId)) continue;
    seen.add(event.requestId);
    out.push(event);
  }
  return out;
}

/** The `started_at` range that covers every event (for the idempotency query's partition pruning). */
export function startedRange(events: readonly RequestEvent[]): TimeRange {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const at = Math.max(0, Math.floor(event.timings.startedAt));
    fromMs = Math.min(fromMs, at);
    toMs = Math.max(toMs, at + 1);
  }
  return events.length === 0 ? { fromMs: 0, toMs: 0 } : { fromMs, toMs };
}
