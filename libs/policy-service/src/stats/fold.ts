import type { RequestEvent } from '@optscale/contracts';

/** One policy's increments from one request event, for its hourly row. */
export interface PolicyIncrement {
  policyId: string;
  requests: number;
  evaluated: number;
  matched: number;
  violated: number;
  timedOut: number;
  latencyUs: number;
}

const HOUR_MS = 3_600_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The hour bucket of an event: its `startedAt` truncated to the hour (UTC). */
export function hourOf(event: RequestEvent): Date {
  return new Date(Math.floor(event.timings.startedAt / HOUR_MS) * HOUR_MS);
}

/**
 * Folds one request event's policy evaluations into one increment per policy. A `both` policy may
 * report an input and an output evaluation for the same request: the request counts once, and is
 * evaluated / matched / violated / timed out if either stage was; latencies of sampled evaluations
 * add up. Bypassed (unsampled) evaluations count as requests only. Ids that are not UUIDs cannot
 * be policies of the store and are left out.
 */
export function foldEvaluations(event: RequestEvent): PolicyIncrement[] {
  const byPolicy = new Map<string, PolicyIncrement>();
  for (const evaluation of event.policies ?? []) {
    if (!UUID.test(evaluation.policyId)) continue;
    const id = evaluation.policyId.toLowerCase();
    const current = byPolicy.get(id) ?? {
      policyId: id,
      requests: 1,
      evaluated: 0,
      matched: 0,
      violated: 0,
      timedOut: 0,
      latencyUs: 0,
    };
    if (evaluation.sampled) {
      current.evaluated = 1;
      if (evaluation.matched) current.matched = 1;
      if (evaluation.violated) current.violated = 1;
      if (evaluation.timedOut) current.timedOut = 1;
      current.latencyUs += Math.max(0, Math.round(evaluation.latencyMs * 1000));
    }
    byPolicy.set(id, current);
  }
  return [...byPolicy.values()];
}
