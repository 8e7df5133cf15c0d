import { PolicyStatsHourly } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import type { PolicyStats } from './stats.schema';

interface Totals {
  requests: number;
  evaluated: number;
  matched: number;
  violated: number;
  timedOut: number;
  latencyUsSum: number;
}

const EMPTY: Totals = { requests: 0, evaluated: 0, matched: 0, violated: 0, timedOut: 0, latencyUsSum: 0 };

/** A share rounded to 4 decimals (0.4, 0.6667), 0 when there is nothing to divide by. */
const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);

/** The window's statistics of one policy, from its hourly totals and its current guardrail count. */
export function policyStats(
  totals: Totals | undefined,
  hours: number,
  linkedGuardrails: number,
): PolicyStats {
  const t = totals ?? EMPTY;
  return {
    hours,
    requests: t.requests,
    requests_evaluated: t.evaluated,
    matched: t.matched,
    violated: t.violated,
    timed_out: t.timedOut,
    violation_rate: rate(t.violated, t.evaluated),
    bypass_rate: rate(t.requests - t.evaluated, t.requests),
    match_rate: rate(t.matched, t.evaluated),
    avg_latency_ms: t.evaluated > 0 ? Math.round(t.latencyUsSum / t.evaluated) / 1000 : 0,
    linked_guardrails: linkedGuardrails,
  };
}

/**
 * Hourly totals summed per policy over the last `hours` hours: the current hour and the `hours - 1`
 * before it (a bucket is counted whole, so the window is between `hours - 1` and `hours` long).
 * One query for any number of policies.
 */
export async function windowTotals(
  m: EntityManager,
  organizationId: string,
  policyIds: readonly string[],
  hours: number,
): Promise<Map<string, Totals>> {
  if (policyIds.length === 0) return new Map();
  const rows = await m
    .getRepository(PolicyStatsHourly)
    .createQueryBuilder('s')
    .select('s.policy_id', 'policy_id')
    .addSelect('SUM(s.requests)::int', 'requests')
    .addSelect('SUM(s.evaluated)::int', 'evaluated')
    .addSelect('SUM(s.matched)::int', 'matched')
    .addSelect('SUM(s.violated)::int', 'violated')
    .addSelect('SUM(s.timed_out)::int', 'timed_out')
    // Microsecond sums stay exact as text (bigint); a double is plenty for the mean.
    .addSelect('SUM(s.latency_us_sum)::text', 'latency_us_sum')
    .where('s.organization_id = :organizationId', { organizationId })
    .andWhere('s.policy_id IN (:...policyIds)', { policyIds })
    .andWhere(`s.hour >= date_trunc('hour', now()) - make_interval(hours => :back)`, { back: hours - 1 })
    .groupBy('s.policy_id')
    .getRawMany<{
      policy_id: string;
      requests: number;
      evaluated: number;
      matched: number;
      violated: number;
      timed_out: number;
      latency_us_sum: string;
    }>();
  return new Map(
    rows.map((r) => [
      r.policy_id,
      {
        requests: Number(r.requests),
        evaluated: Number(r.evaluated),
        matched: Number(r.matched),
        violated: Number(r.violated),
        timedOut: Number(r.timed_out),
        latencyUsSum: Number(r.latency_us_sum),
      },
    ]),
  );
}
