import { calendarWindow, rollingWindow, ROLLING_LENGTH_MS } from './budget-windows';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const window = (w: { startMs: number; endMs: number }): [string, string] => [iso(w.startMs), iso(w.endMs)];

describe('calendar windows (UTC)', () => {
  it('starts the day at 00:00 UTC', () => {
    expect(window(calendarWindow('daily', at('2026-11-21T23:59:59.999Z')))).toEqual([
      '2026-11-21T00:00:00.000Z',
      '2026-11-22T00:00:00.000Z',
    ]);
    expect(window(calendarWindow('daily', at('2026-11-22T00:00:00.000Z')))).toEqual([
      '2026-11-22T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  it('starts the week on Monday, also from a Sunday and across a month and a year end', () => {
    // 2026-11-21 is a Saturday, 2026-11-22 a Sunday, 2026-11-23 a Monday.
    expect(window(calendarWindow('weekly', at('2026-11-21T10:00:00Z')))[0]).toBe('2026-11-16T00:00:00.000Z');
    expect(window(calendarWindow('weekly', at('2026-11-22T23:00:00Z')))[0]).toBe('2026-11-16T00:00:00.000Z');
    expect(window(calendarWindow('weekly', at('2026-11-23T00:00:00Z')))).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
    // Thursday 2027-01-01 belongs to the week of Monday 2026-12-28.
    expect(window(calendarWindow('weekly', at('2027-01-01T12:00:00Z')))).toEqual([
      '2026-12-28T00:00:00.000Z',
      '2027-01-04T00:00:00.000Z',
    ]);
  });

  it('starts the month on the 1st, whatever its length, leap Februaries included', () => {
    expect(window(calendarWindow('monthly', at('2028-02-29T23:59:59Z')))).toEqual([
      '2028-02-01T00:00:00.000Z',
      '2028-03-01T00:00:00.000Z',
    ]);
    expect(window(calendarWindow('monthly', at('2027-02-28T12:00:00Z')))[1]).toBe('2027-03-01T00:00:00.000Z');
    expect(window(calendarWindow('monthly', at('2026-01-31T12:00:00Z')))[1]).toBe('2026-02-01T00:00:00.000Z');
    expect(window(calendarWindow('monthly', at('2026-12-31T23:59:59Z')))).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(calendarWindow('monthly', at('2026-04-30T10:00:00Z')).endMs - at('2026-04-01T00:00:00Z')).toBe(
      30 * 86_400_000,
    );
  });

  it('starts quarters in January, April, July and October', () => {
    expect(window(calendarWindow('quarterly', at('2026-03-31T23:59:59Z')))).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(window(calendarWindow('quarterly', at('2026-04-01T00:00:00Z')))[0]).toBe(
      '2026-04-01T00:00:00.000Z',
    );
    expect(window(calendarWindow('quarterly', at('2026-11-21T00:00:00Z')))).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('starts the year on January 1st; a leap year is 366 days long', () => {
    const leap = calendarWindow('yearly', at('2028-12-31T23:59:59Z'));
    expect(window(leap)).toEqual(['2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z']);
    expect(leap.endMs - leap.startMs).toBe(366 * 86_400_000);
    const common = calendarWindow('yearly', at('2027-06-01T00:00:00Z'));
    expect(common.endMs - common.startMs).toBe(365 * 86_400_000);
  });

  it('always contains the instant it was computed for', () => {
    for (let t = at('2027-12-20T00:00:00Z'); t < at('2028-03-10T00:00:00Z'); t += 7_777_777) {
      for (const period of ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const) {
        const w = calendarWindow(period, t);
        expect(w.startMs).toBeLessThanOrEqual(t);
        expect(w.endMs).toBeGreaterThan(t);
      }
    }
  });
});

describe('rolling windows', () => {
  it('sums whole buckets: at least the period, at most one bucket more, ending with the current one', () => {
    const now = at('2028-02-29T13:37:12.345Z');
    for (const period of ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const) {
      const w = rollingWindow(period, now);
      expect(w.bucketStartMs).toBeLessThanOrEqual(now);
      expect(w.endMs).toBe(w.bucketStartMs + w.bucketMs);
      expect(w.startMs).toBeLessThanOrEqual(now - ROLLING_LENGTH_MS[period]);
      expect(w.startMs).toBeGreaterThan(now - ROLLING_LENGTH_MS[period] - w.bucketMs);
      expect((w.bucketStartMs - w.startMs) % w.bucketMs).toBe(0);
      expect((w.endMs - w.startMs) / w.bucketMs).toBeLessThanOrEqual(301);
    }
  });

  it('uses 5 minute buckets for a day: 289 of them, the oldest holding the instant a day ago', () => {
    const w = rollingWindow('daily', at('2026-11-21T10:07:00Z'));
    expect(iso(w.bucketStartMs)).toBe('2026-11-21T10:05:00.000Z');
    expect(iso(w.startMs)).toBe('2026-11-20T10:05:00.000Z');
    expect((w.endMs - w.startMs) / w.bucketMs).toBe(289);
  });
});
