import { randomUUID } from 'node:crypto';
import type { CounterCheck, CounterRef, CounterStore } from '../counter-store';

/**
 * The semantics every CounterStore must have, run against the memory store (unit) and Redis (int),
 * so that the embedded default and a fleet of replicas enforce budgets the same way.
 */
export function describeCounterStore(name: string, open: () => Promise<CounterStore>): void {
  describe(`${name} counter store`, () => {
    let store: CounterStore;
    const run = randomUUID();
    const far = Date.now() + 3_600_000;
    const windowRef = (key: string): CounterRef => ({
      kind: 'window',
      key: `test:{${run}}:${key}`,
      expireAtMs: far,
    });
    const bucketsRef = (key: string, bucketStartMs: number, oldestBucketMs: number): CounterRef => ({
      kind: 'buckets',
      key: `test:{${run}}:${key}`,
      bucketStartMs,
      oldestBucketMs,
      expireAtMs: far,
    });
    const check = (counter: CounterRef, limit: bigint, amount: bigint, floor = 0n): CounterCheck => ({
      counter,
      limit,
      amount,
      floor,
    });

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    it('counts what fits and refuses what would exceed, counting nothing then', async () => {
      const ref = windowRef('fits');
      expect(await store.reserve([check(ref, 10n, 6n)])).toEqual({ admitted: true });
      expect(await store.reserve([check(ref, 10n, 4n)])).toEqual({ admitted: true });
      expect(await store.reserve([check(ref, 10n, 1n)])).toEqual({
        admitted: false,
        refused: 0,
        current: 10n,
      });
      expect(await store.read(ref)).toBe(10n);
    });

    it('is all or nothing across limits, naming the first that would be exceeded', async () => {
      const a = windowRef('all-a');
      const b = windowRef('all-b');
      const c = windowRef('all-c');
      await store.reserve([check(b, 100n, 95n)]);
      await store.reserve([check(c, 5n, 5n)]);
      expect(await store.reserve([check(a, 100n, 10n), check(b, 100n, 10n), check(c, 5n, 1n)])).toEqual({
        admitted: false,
        refused: 1,
        current: 95n,
      });
      expect(await store.read(a)).toBe(0n);
      expect(await store.read(b)).toBe(95n);
    });

    it('takes the published floor as the least a counter holds, and raises a window to it', async () => {
      const ref = windowRef('floor');
      expect(await store.reserve([check(ref, 100n, 30n, 80n)])).toEqual({
        admitted: false,
        refused: 0,
        current: 80n,
      });
      expect(await store.read(ref)).toBe(0n);
      expect(await store.reserve([check(ref, 100n, 15n, 80n)])).toEqual({ admitted: true });
      expect(await store.read(ref)).toBe(95n);
      // A floor below the counter changes nothing.
      expect(await store.reserve([check(ref, 100n, 5n, 10n)])).toEqual({ admitted: true });
      expect(await store.read(ref)).toBe(100n);
    });

    it('sums rolling buckets from the oldest counted one and forgets older ones', async () => {
      const hour = 3_600_000;
      const t0 = Math.floor(Date.now() / hour) * hour;
      expect(
        await store.reserve([check(bucketsRef('roll', t0 - 2 * hour, t0 - 3 * hour), 100n, 40n)]),
      ).toEqual({
        admitted: true,
      });
      expect(await store.reserve([check(bucketsRef('roll', t0, t0 - 3 * hour), 100n, 50n)])).toEqual({
        admitted: true,
      });
      expect(await store.read(bucketsRef('roll', t0, t0 - 3 * hour))).toBe(90n);
      // An hour later the first bucket has left the window.
      const later = bucketsRef('roll', t0 + hour, t0 - hour);
      expect(await store.read(later)).toBe(50n);
      expect(await store.reserve([check(later, 100n, 50n)])).toEqual({ admitted: true });
      expect(await store.reserve([check(later, 100n, 1n)])).toEqual({
        admitted: false,
        refused: 0,
        current: 100n,
      });
      // And stays gone even for a reader that would still count it.
      expect(await store.read(bucketsRef('roll', t0 + hour, t0 - 3 * hour))).toBe(100n);
    });

    it('settles with signed amounts, never below zero', async () => {
      const ref = windowRef('settle');
      const hour = 3_600_000;
      const bucket = bucketsRef('settle-b', Math.floor(Date.now() / hour) * hour, 0);
      await store.reserve([check(ref, 1_000n, 300n), check(bucket, 1_000n, 300n)]);
      await store.add([
        { counter: ref, amount: -200n },
        { counter: bucket, amount: -250n },
      ]);
      expect(await store.read(ref)).toBe(100n);
      expect(await store.read(bucket)).toBe(50n);
      await store.add([
        { counter: ref, amount: -500n },
        { counter: bucket, amount: -500n },
      ]);
      expect(await store.read(ref)).toBe(0n);
      expect(await store.read(bucket)).toBe(0n);
    });

    it('keeps nanodollar amounts exact up to 2^53', async () => {
      const ref = windowRef('big');
      const big = 2n ** 53n - 7n;
      expect(await store.reserve([check(ref, 2n ** 53n, big)])).toEqual({ admitted: true });
      expect(await store.read(ref)).toBe(big);
    });

    it('admits exactly up to the limit under concurrent reservations', async () => {
      const ref = windowRef('race');
      const results = await Promise.all(
        Array.from({ length: 60 }, () => store.reserve([check(ref, 25n, 1n)])),
      );
      expect(results.filter((r) => r.admitted)).toHaveLength(25);
      expect(await store.read(ref)).toBe(25n);
    });
  });
}
