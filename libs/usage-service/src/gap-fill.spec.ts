import { bucketStarts, fillGaps } from './gap-fill';
import { EMPTY_MEASURES, readMeasures, toTotals } from './measures';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

describe('gap filling', () => {
  it('lists every hour or day bucket overlapping the range, UTC-aligned', () => {
    const range = { fromMs: T0 + 30 * 60_000, toMs: T0 + 3 * H };
    expect(bucketStarts(range, 'hour')).toEqual([T0 / 1000, T0 / 1000 + 3600, T0 / 1000 + 7200]);
    expect(bucketStarts({ fromMs: T0 - 1, toMs: T0 + 1 }, 'day')).toEqual([T0 / 1000 - 86_400, T0 / 1000]);
  });

  it('fills missing buckets with zeros and keeps the ones that exist', () => {
    const second = readMeasures({
      m_requests: '2',
      m_failed: '1',
      m_cost: '18446744073709551615',
      m_total_ms: 30,
    });
    const points = fillGaps(new Map([[T0 / 1000 + 3600, second]]), { fromMs: T0, toMs: T0 + 3 * H }, 'hour');
    expect(points.map((p) => p.measures.requests)).toEqual([0, 2, 0]);
    expect(points[0]?.measures).toEqual(EMPTY_MEASURES);
    expect(toTotals(second)).toMatchObject({
      requests: 2,
      success_rate: 0.5,
      estimated_spend: { usd: '18446744073.709551615', nanos: '18446744073709551615' },
      avg_latency_ms: 15,
    });
  });
});
