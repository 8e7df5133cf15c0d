import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** Wait between attempts (default 20 ms). */
  intervalMs?: number;
}

/**
 * Retries `fn` until it returns without throwing (or its promise resolves) and yields that value.
 * After the deadline the last error is rethrown, so the failing assertion is what the test shows.
 * For asserting asynchronous effects without fixed sleeps.
 */
export async function eventually<T>(fn: () => T | Promise<T>, opts: EventuallyOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const intervalMs = opts.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) {
        if (error instanceof Error) {
          error.message = `eventually: still failing after ${timeoutMs} ms: ${error.message}`;
          throw error;
        }
        throw new Error(`eventually: still failing after ${timeoutMs} ms: ${String(error)}`);
      }
    }
    await sleep(intervalMs);
  }
}
