import type { BudgetPeriod } from './budget-snapshots';

/*
 * The time windows budgets are counted in (docs/adr/0008-budgets-and-rate-limits.md), shared by the
 * gateways' live counters and the cost aggregator's published spend, so both agree on what a period
 * is. Pure: every function takes the clock as an argument. All times are Unix milliseconds, all
 * calendars UTC.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A half-open interval [startMs, endMs). */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/**
 * The calendar period containing `nowMs`: the UTC day; the ISO week (Monday 00:00); the month from
 * its 1st; the quarter from January, April, July or October 1st; the year from January 1st.
 */
export function calendarWindow(period: BudgetPeriod, nowMs: number): TimeWindow {
  const now = new Date(nowMs);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const dayStart = Date.UTC(year, month, now.getUTCDate());
  switch (period) {
    case 'daily':
      return { startMs: dayStart, endMs: dayStart + DAY };
    case 'weekly': {
      // getUTCDay: 0 is Sunday; weeks start on Monday.
      const start = dayStart - ((now.getUTCDay() + 6) % 7) * DAY;
      return { startMs: start, endMs: start + 7 * DAY };
    }
    case 'monthly':
      // Date.UTC carries month 12 into January of the next year.
      return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
    case 'quarterly': {
      const first = month - (month % 3);
      return { startMs: Date.UTC(year, first, 1), endMs: Date.UTC(year, first + 3, 1) };
    }
    case 'yearly':
      return { startMs: Date.UTC(year, 0, 1), endMs: Date.UTC(year + 1, 0, 1) };
  }
}

/** How long a rolling period is: the last 1, 7, 30, 90 or 365 days. */
export const ROLLING_LENGTH_MS: Readonly<Record<BudgetPeriod, number>> = {
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 30 * DAY,
  quarterly: 90 * DAY,
  yearly: 365 * DAY,
};

/**
 * The granularity of a rolling period: spend is added to the bucket of the moment and the window
 * sums the buckets it covers, so an expense leaves the window at most one bucket late. Chosen to
 * keep every window under ~300 buckets (one Redis hash of that many fields per budget).
 */
export const ROLLING_BUCKET_MS: Readonly<Record<BudgetPeriod, number>> = {
  daily: 5 * MINUTE,
  weekly: HOUR,
  monthly: 4 * HOUR,
  quarterly: 12 * HOUR,
  yearly: 2 * DAY,
};

/** Where a rolling period stands at `nowMs`: the bucket spend goes to, and the oldest one counted. */
export interface RollingWindow extends TimeWindow {
  bucketMs: number;
  /** Start of the current bucket (epoch-aligned): where spend of this moment is added. */
  bucketStartMs: number;
}

/**
 * The rolling period ending at `nowMs`, rounded out to whole buckets: it starts at the bucket that
 * contains `nowMs - length`, so it counts at least the period and at most one bucket more (the
 * conservative side for a spending limit). `startMs` is the first counted bucket's start.
 */
export function rollingWindow(period: BudgetPeriod, nowMs: number): RollingWindow {
  const bucketMs = ROLLING_BUCKET_MS[period];
  const bucketStartMs = Math.floor(nowMs / bucketMs) * bucketMs;
  return {
    startMs: Math.floor((nowMs - ROLLING_LENGTH_MS[period]) / bucketMs) * bucketMs,
    endMs: bucketStartMs + bucketMs,
    bucketMs,
    bucketStartMs,
  };
}
