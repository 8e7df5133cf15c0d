import { money } from './money';
import { InvalidTimeRangeError, previousRange, resolveTimeRange } from './time-range';
import { uniqueByRequestId, startedRange } from './dedupe';
import { fullEvent } from './__fixtures__/events';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const DAY = 86_400_000;

describe('time ranges', () => {
  it('resolves the presets back from now', () => {
    expect(resolveTimeRange({ range: '1d' }, NOW)).toEqual({ fromMs: NOW - DAY, toMs: NOW });
    expect(resolveTimeRange({ range: '1w' }, NOW)).toEqual({ fromMs: NOW - 7 * DAY, toMs: NOW });
    expect(resolveTimeRange({ range: '2w' }, NOW)).toEqual({ fromMs: NOW - 14 * DAY, toMs: NOW });
    expect(resolveTimeRange({ range: '1m' }, NOW)).toEqual({ fromMs: NOW - 30 * DAY, toMs: NOW });
  });

  it('prefers custom bounds, and refuses empty or over-long ranges', () => {
    expect(
      resolveTimeRange({ range: '1d', from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00+01:00' }, NOW),
    ).toEqual({
      fromMs: Date.parse('2026-11-01T00:00:00Z'),
      toMs: Date.parse('2026-11-01T23:00:00Z'),
    });
    expect(resolveTimeRange({ range: '1w', from: '2026-11-19T00:00:00Z' }, NOW).toMs).toBe(NOW);
    expect(resolveTimeRange({ range: '1w', to: '2026-11-10T00:00:00Z' }, NOW).fromMs).toBe(
      Date.parse('2026-11-03T00:00:00Z'),
    );
    expect(() =>
      resolveTimeRange({ range: '1d', from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, NOW),
    ).toThrow(InvalidTimeRangeError);
    expect(() => resolveTimeRange({ range: '1d', from: '2024-01-01T00:00:00Z' }, NOW)).toThrow(/366 days/);
  });

  it('gives the previous range of equal length', () => {
    expect(previousRange({ fromMs: 100, toMs: 150 })).toEqual({ fromMs: 50, toMs: 100 });
  });
});

describe('money', () => {
  it('formats nano-dollars exactly, beyond 2^53', () => {
    expect(money(1_234_567n)).toEqual({ usd: '0.001234567', nanos: '1234567' });
    expect(money(12_345_678_901_234_567_890n)).toEqual({
      usd: '12345678901.234567890',
      nanos: '12345678901234567890',
    });
    expect(money(0n).usd).toBe('0.000000000');
  });
});

describe('batch deduplication', () => {
  it('keeps the first event per request id and covers every start time', () => {
    const a = fullEvent('org', {
      requestId: 'a',
      timings: { startedAt: 5000, gatewayMs: 1, upstreamMs: 1, ttftMs: 1, totalMs: 1 },
    });
    const b = fullEvent('org', {
      requestId: 'b',
      timings: { startedAt: 9000, gatewayMs: 1, upstreamMs: 1, ttftMs: 1, totalMs: 1 },
    });
    const aAgain = { ...a, status: 500 };
    expect(uniqueByRequestId([a, b, aAgain])).toEqual([a, b]);
    expect(startedRange([a, b])).toEqual({ fromMs: 5000, toMs: 9001 });
  });
});
