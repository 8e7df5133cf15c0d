import { calendarWindow, ROLLING_LENGTH_MS, type BudgetSnapshot, type TimeWindow } from '@optscale/contracts';

const HOUR_MS = 3_600_000;

/** A budget's current period, and the whole hours of `usage_hourly` that are inside it. */
export interface SpendWindow {
  /** The period as published: calendar [start, end) or rolling [now - length, now). */
  window: TimeWindow;
  /** Hour starts, Unix seconds: rows with `fromSec <= hour < toSec` are summed. */
  fromSec: number;
  toSec: number;
}

/**
 * What to sum for a budget at `nowMs`. The roll-up is hourly, and the published spend is a FLOOR
 * for the gateways' counters, so it must never count spend from outside the period: a calendar
 * period starts on an hour (UTC day, week, month...), so its hours match it exactly (the current hour
 * included); a rolling period starts anywhere, so only the hours wholly inside it are counted and
 * the partial oldest hour is left out (the live counter has it).
 */
export function spendWindow(
  budget: Pick<BudgetSnapshot, 'period' | 'resetMode'>,
  nowMs: number,
): SpendWindow {
  const currentHourEnd = (Math.floor(nowMs / HOUR_MS) + 1) * HOUR_MS;
  if (budget.resetMode === 'calendar') {
    const window = calendarWindow(budget.period, nowMs);
    return { window, fromSec: window.startMs / 1000, toSec: currentHourEnd / 1000 };
  }
  const startMs = nowMs - ROLLING_LENGTH_MS[budget.period];
  return {
    window: { startMs, endMs: nowMs },
    fromSec: (Math.ceil(startMs / HOUR_MS) * HOUR_MS) / 1000,
    toSec: currentHourEnd / 1000,
  };
}
