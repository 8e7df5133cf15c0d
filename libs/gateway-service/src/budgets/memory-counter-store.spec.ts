import { describeCounterStore } from './__fixtures__/counter-store-contract';
import { MemoryCounterStore } from './memory-counter-store';

describeCounterStore('memory', () => Promise.resolve(new MemoryCounterStore()));

describe('memory counter store expiry', () => {
  it('forgets a window once it has expired', async () => {
    let now = 1_000;
    const store = new MemoryCounterStore(() => now);
    const counter = { kind: 'window', key: 'k', expireAtMs: 2_000 } as const;
    await store.reserve([{ counter, limit: 10n, amount: 10n, floor: 0n }]);
    expect(await store.read(counter)).toBe(10n);
    now = 2_000;
    expect(await store.read(counter)).toBe(0n);
    expect(
      await store.reserve([
        { counter: { ...counter, expireAtMs: 3_000 }, limit: 10n, amount: 10n, floor: 0n },
      ]),
    ).toEqual({
      admitted: true,
    });
  });
});
