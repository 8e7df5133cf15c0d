import { backoffDelayMs, DEFAULT_RETRY, isTransient } from './retry';
import type { AttemptFailure } from './retry';

describe('isTransient', () => {
  it.each<[AttemptFailure, boolean]>([
    [{ kind: 'connection' }, true],
    [{ kind: 'timeout' }, true],
    [{ kind: 'status', status: 408 }, true],
    [{ kind: 'status', status: 409 }, true],
    [{ kind: 'status', status: 429, retryAfterMs: 1000 }, true],
    [{ kind: 'status', status: 500 }, true],
    [{ kind: 'status', status: 502 }, true],
    [{ kind: 'status', status: 503 }, true],
    [{ kind: 'status', status: 529 }, true],
    [{ kind: 'status', status: 400 }, false],
    [{ kind: 'status', status: 401 }, false],
    [{ kind: 'status', status: 403 }, false],
    [{ kind: 'status', status: 404 }, false],
    [{ kind: 'status', status: 413 }, false],
    [{ kind: 'status', status: 422 }, false],
    [{ kind: 'status', status: 200 }, false],
  ])('%j → %s', (failure, expected) => {
    expect(isTransient(failure)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const policy = { maxRetries: 5, initialBackoffMs: 100, maxBackoffMs: 1000 };

  it('draws uniformly below an exponentially growing ceiling (full jitter)', () => {
    const almostOne = () => 0.999999;
    expect(backoffDelayMs(0, policy, almostOne)).toBe(99);
    expect(backoffDelayMs(1, policy, almostOne)).toBe(199);
    expect(backoffDelayMs(2, policy, almostOne)).toBe(399);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(400);
    for (let retry = 0; retry < 5; retry++) expect(backoffDelayMs(retry, policy, () => 0)).toBe(0);
  });

  it('caps the ceiling at maxBackoffMs, even for huge retry numbers', () => {
    expect(backoffDelayMs(4, policy, () => 0.999999)).toBe(999);
    expect(backoffDelayMs(5000, policy, () => 0.999999)).toBe(999);
  });

  it('uses retry-after when present, capped at maxBackoffMs', () => {
    expect(backoffDelayMs(0, policy, () => 0, 700)).toBe(700);
    expect(backoffDelayMs(0, policy, () => 0, 60_000)).toBe(1000);
    expect(backoffDelayMs(0, policy, () => 0, 0)).toBe(0);
    expect(backoffDelayMs(0, policy, () => 0.5, -5)).toBe(50);
    expect(backoffDelayMs(0, policy, () => 0.5, Number.NaN)).toBe(50);
  });

  it('has sensible defaults', () => {
    expect(DEFAULT_RETRY).toEqual({ maxRetries: 2, initialBackoffMs: 200, maxBackoffMs: 5000 });
  });
});
