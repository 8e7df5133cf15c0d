import { describeCounterStore } from './__fixtures__/counter-store-contract';
import { RedisCounterStore } from './redis-counter-store';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describeCounterStore('redis', async () => {
  const store = new RedisCounterStore({ url: REDIS_URL });
  await store.connect();
  return store;
});

describe('redis counter store without a server', () => {
  it('fails fast instead of queueing, and says so in its health', async () => {
    // Port 1 on loopback: nothing listens there.
    const store = new RedisCounterStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 });
    await store.connect(300);
    const counter = { kind: 'window', key: 'k', expireAtMs: Date.now() + 1000 } as const;
    await expect(store.reserve([{ counter, limit: 1n, amount: 1n, floor: 0n }])).rejects.toThrow();
    expect(store.health().connected).toBe(false);
    expect(store.health().lastError).not.toBeNull();
    await store.close();
  });
});
