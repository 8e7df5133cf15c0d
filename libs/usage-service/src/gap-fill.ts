import { GRANULARITY_SECONDS, type Granularity } from './usage.query';
import { addMeasures, EMPTY_MEASURES, type Measures } from './measures';
import type { TimeRange } from '@optscale/trace-service';

/**
 * Every bucket start (Unix seconds, UTC-aligned) that overlaps the range: from the bucket holding
 * `fromMs` to the last one starting before `toMs`. ClickHouse 18.16 has no WITH FILL, so empty
 * buckets are added here.
 */
export function bucketStarts(range: TimeRange, granularity: Granularity): number[] {
  const step = GRANULARITY_SECONDS[granularity];
  const first = Math.floor(range.fromMs / 1000 / step) * step;
  const out: number[] = [];
  for (let t = first; t * 1000 < range.toMs; t += step) out.push(t);
  return out;
}

/** Measures at every bucket of the range, zeros where nothing happened. */
export function fillGaps(
  points: ReadonlyMap<number, Measures>,
  range: TimeRange,
  granularity: Granularity,
): { start: number; measures: Measures }[] {
  return bucketStarts(range, granularity).map((start) => ({
    start,
    measures: points.get(start) ?? { ...EMPTY_MEASURES },
  }));
}

/** Adds measures into a bucket map (rows of a bucket may come split across keys). */
export function accumulate(into: Map<number, Measures>, bucket: number, measures: Measures): void {
  into.set(bucket, addMeasures(into.get(bucket) ?? EMPTY_MEASURES, measures));
}
