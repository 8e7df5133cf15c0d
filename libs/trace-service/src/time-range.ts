import { z } from 'zod';

/** The time range presets of the Traces and Usage pages: a day, a week, two weeks, a month (30 days). */
export const RANGE_PRESETS = ['1d', '1w', '2w', '1m'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const DAY_MS = 86_400_000;
const PRESET_MS: Record<RangePreset, number> = {
  '1d': DAY_MS,
  '1w': 7 * DAY_MS,
  '2w': 14 * DAY_MS,
  '1m': 30 * DAY_MS,
};
/** Longest custom range: a year and a day (the roll-up is hourly; more than that is an export job). */
export const MAX_RANGE_MS = 366 * DAY_MS;

/**
 * `?range=1d|1w|2w|1m` or a custom `?from=&to=` (ISO 8601 with offset). A custom bound wins over the
 * preset: `from` alone runs to now, `to` alone goes back by the preset.
 */
export const timeRangeQuery = {
  range: z.enum(RANGE_PRESETS).default('1d'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

export interface TimeRangeInput {
  range: RangePreset;
  from?: string | undefined;
  to?: string | undefined;
}

/** A half-open interval [fromMs, toMs) of Unix milliseconds. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

export class InvalidTimeRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTimeRangeError';
  }
}

/** Resolves the query's range against `now`; throws `InvalidTimeRangeError` for empty or huge ranges. */
export function resolveTimeRange(input: TimeRangeInput, now: number): TimeRange {
  const span = PRESET_MS[input.range];
  const toMs = input.to !== undefined ? Date.parse(input.to) : input.from !== undefined ? now : now;
  const fromMs = input.from !== undefined ? Date.parse(input.from) : toMs - span;
  if (!(fromMs < toMs)) throw new InvalidTimeRangeError('`from` must be before `to`');
  if (toMs - fromMs > MAX_RANGE_MS) throw new InvalidTimeRangeError('the range may span at most 366 days');
  return { fromMs, toMs };
}

/** The range of equal length just before `range`, for period-over-period comparisons. */
export function previousRange(range: TimeRange): TimeRange {
  const length = range.toMs - range.fromMs;
  return { fromMs: range.fromMs - length, toMs: range.fromMs };
}
