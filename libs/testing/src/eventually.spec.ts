import { eventually } from './eventually';

describe('eventually', () => {
  it('returns the value once fn stops throwing', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        calls++;
        if (calls < 3) throw new Error('not yet');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('awaits async functions and retries rejections', async () => {
    let calls = 0;
    await expect(
      eventually(
        async () => {
          calls++;
          await Promise.resolve();
          if (calls < 2) throw new Error('not yet');
          return calls;
        },
        { intervalMs: 1 },
      ),
    ).resolves.toBe(2);
  });

  it('rethrows the last error after the deadline', async () => {
    const started = Date.now();
    let calls = 0;
    await expect(
      eventually(
        () => {
          calls++;
          expect(calls).toBe(-1);
        },
        { timeoutMs: 60, intervalMs: 10 },
      ),
    ).rejects.toThrow(/still failing after 60 ms[\s\S]*Expected: -1/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(calls).toBeGreaterThan(2);
  });

  it('prefixes the message of the last error', async () => {
    await expect(
      eventually(
        () => {
          throw new Error('plain');
        },
        { timeoutMs: 5, intervalMs: 1 },
      ),
    ).rejects.toThrow('eventually: still failing after 5 ms: plain');
  });
});
