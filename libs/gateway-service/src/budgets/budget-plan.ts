import {
  calendarWindow,
  rollingWindow,
  usdToNanos,
  type BudgetSnapshot,
  type BudgetState,
} from '@optscale/contracts';
import type { CounterCheck } from './counter-store';

/** What a planned check limits, to name it in a refusal and to settle it. */
export type LimitKind = 'spend' | 'requests' | 'tokens';

export interface PlannedLimit {
  budget: BudgetSnapshot;
  kind: LimitKind;
  check: CounterCheck;
  /** When the window the check counts in ends (rate limits: for `retry-after`). */
  windowEndMs: number;
}

export interface PlanInput {
  /** In check order (BudgetBook.budgetsFor). */
  budgets: readonly BudgetSnapshot[];
  stateOf(budget: BudgetSnapshot): BudgetState | undefined;
  /** The request's worst-case cost and token estimate. */
  costNanos: bigint;
  tokens: number;
  nowMs: number;
  /** The rate-limit window: 60 000 (a minute), shorter only in tests. */
  rateWindowMs: number;
  /** Prepended to every counter key (several environments on one Redis). */
  keyPrefix: string;
}

/**
 * A sliding rate-limit window: sixty buckets per window (a second each for a minute), summed from
 * the bucket that holds `now - window` on. The sum covers the window plus at most one bucket, so at
 * no moment does any span of one window length hold more than the limit (a fixed window would let a
 * burst straddling its boundary through twice). `nextReleaseMs`: when the oldest counted bucket
 * leaves the window, the earliest a refused request can fit (its `retry-after`).
 */
export function slidingRateWindow(
  windowMs: number,
  nowMs: number,
): { bucketMs: number; bucketStartMs: number; oldestBucketMs: number; nextReleaseMs: number } {
  const bucketMs = Math.max(1, Math.floor(windowMs / RATE_BUCKETS_PER_WINDOW));
  const bucketStartMs = Math.floor(nowMs / bucketMs) * bucketMs;
  const oldestBucketMs = Math.floor((nowMs - windowMs) / bucketMs) * bucketMs;
  return { bucketMs, bucketStartMs, oldestBucketMs, nextReleaseMs: oldestBucketMs + bucketMs + windowMs };
}

const RATE_BUCKETS_PER_WINDOW = 60;

/** Calendar periods keep their counters a day past their end, for settlements of late requests. */
const SETTLE_MARGIN_MS = 86_400_000;

/**
 * The counters one request reserves against, pure: per applicable budget its spending limit, then
 * its requests and tokens per minute. Keys carry the organization as a Redis hash tag (one slot per
 * organization, so a reservation's keys can be used in one script on a cluster) and the window
 * start for fixed windows, so a new period is a new counter.
 */
export function planReservation(input: PlanInput): PlannedLimit[] {
  const planned: PlannedLimit[] = [];
  for (const budget of input.budgets) {
    const base = `${input.keyPrefix}{${budget.organizationId}}:${budget.id}`;
    if (budget.amountUsd !== null) {
      const limit = usdToNanos(budget.amountUsd);
      const state = input.stateOf(budget);
      if (budget.resetMode === 'calendar') {
        const w = calendarWindow(budget.period, input.nowMs);
        const floor =
          state !== undefined && Date.parse(state.windowStart) === w.startMs ? BigInt(state.spentNanos) : 0n;
        planned.push({
          budget,
          kind: 'spend',
          windowEndMs: w.endMs,
          check: {
            counter: {
              kind: 'window',
              key: `${base}:spend:${budget.period}:${w.startMs}`,
              expireAtMs: w.endMs + SETTLE_MARGIN_MS,
            },
            limit,
            amount: input.costNanos,
            floor,
          },
        });
      } else {
        const w = rollingWindow(budget.period, input.nowMs);
        // A rolling total ages by the minute: only a fresh one (less than a bucket old) is a floor.
        const fresh = state !== undefined && input.nowMs - Date.parse(state.updatedAt) < w.bucketMs;
        planned.push({
          budget,
          kind: 'spend',
          windowEndMs: w.endMs,
          check: {
            counter: {
              kind: 'buckets',
              key: `${base}:spend:rolling:${budget.period}`,
              bucketStartMs: w.bucketStartMs,
              oldestBucketMs: w.startMs,
              expireAtMs: w.endMs + (w.endMs - w.startMs),
            },
            limit,
            amount: input.costNanos,
            floor: fresh ? BigInt(state.spentNanos) : 0n,
          },
        });
      }
    }
    const sliding = slidingRateWindow(input.rateWindowMs, input.nowMs);
    const rateCounter = (what: string): CounterCheck['counter'] => ({
      kind: 'buckets',
      key: `${base}:${what}:${input.rateWindowMs}`,
      bucketStartMs: sliding.bucketStartMs,
      oldestBucketMs: sliding.oldestBucketMs,
      expireAtMs: sliding.bucketStartMs + input.rateWindowMs + 2 * sliding.bucketMs,
    });
    if (budget.requestsPerMinute !== null) {
      planned.push({
        budget,
        kind: 'requests',
        windowEndMs: sliding.nextReleaseMs,
        check: {
          counter: rateCounter('rpm'),
          limit: BigInt(budget.requestsPerMinute),
          amount: 1n,
          floor: 0n,
        },
      });
    }
    if (budget.tokensPerMinute !== null) {
      planned.push({
        budget,
        kind: 'tokens',
        windowEndMs: sliding.nextReleaseMs,
        check: {
          counter: rateCounter('tpm'),
          limit: BigInt(budget.tokensPerMinute),
          amount: BigInt(input.tokens),
          floor: 0n,
        },
      });
    }
  }
  return planned;
}
