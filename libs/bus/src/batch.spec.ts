import { eventually } from '@optscale/testing';
import { ORG, requestEvent } from './__fixtures__/payloads';
import { retryDelayMs } from './batch';
import type { InvalidMessage } from './bus';
import { InProcessBus } from './in-process-bus';

const TOPIC = 'optscale.gateway.requests.v1';

describe('batch consumption on the in-process bus', () => {
  it('hands messages over in batches, and a failed batch comes back whole until it is stored', async () => {
    const bus = new InProcessBus();
    const stored: string[] = [];
    const attempts: string[][] = [];
    let failuresLeft = 2;
    const subscription = await bus.subscribeBatch(
      TOPIC,
      (messages) => {
        attempts.push(messages.map((m) => m.value.requestId));
        if (failuresLeft-- > 0) return Promise.reject(new Error('store down'));
        stored.push(...messages.map((m) => m.value.requestId));
        return Promise.resolve();
      },
      { group: 'g', onInvalid: () => undefined, retryBackoffMs: 5, maxBatchSize: 3 },
    );
    for (const id of ['a', 'b', 'c', 'd']) await bus.publish(TOPIC, ORG, requestEvent(id));
    await eventually(() => expect(stored).toEqual(['a', 'b', 'c', 'd']));
    // The first batch was attempted three times with the same content; nothing skipped or doubled.
    expect(attempts).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], ['a', 'b', 'c'], ['d']]);
    expect(bus.health().lastError?.message).toBe('store down');
    await expect(subscription.lag()).resolves.toEqual({ total: 0, partitions: [{ partition: 0, lag: 0 }] });
    await bus.close();
  });

  it('sends refused messages to onInvalid and still delivers the valid ones of the batch', async () => {
    const bus = new InProcessBus();
    const invalid: InvalidMessage[] = [];
    const stored: string[] = [];
    await bus.subscribeBatch(
      TOPIC,
      (messages) => {
        stored.push(...messages.map((m) => m.value.requestId));
        return Promise.resolve();
      },
      { group: 'g', onInvalid: (m) => void invalid.push(m) },
    );
    await bus.publishRaw(TOPIC, ORG, Buffer.from('{not json'));
    await bus.publish(TOPIC, ORG, requestEvent('ok'));
    await eventually(() => expect(stored).toEqual(['ok']));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.error).toMatch(/not JSON/);
    await bus.close();
  });

  it('shares a group between members: each message reaches exactly one', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    const handler = (messages: readonly { value: { requestId: string } }[]): Promise<void> => {
      seen.push(...messages.map((m) => m.value.requestId));
      return Promise.resolve();
    };
    await bus.subscribeBatch(TOPIC, handler, { group: 'g', onInvalid: () => undefined });
    await bus.subscribeBatch(TOPIC, handler, { group: 'g', onInvalid: () => undefined });
    for (let i = 0; i < 20; i++) {
      const organizationId = `6f1c2a8e-1111-4b3a-9c1d-0a2b3c4d5e${String(i).padStart(2, '0')}`;
      await bus.publish(TOPIC, organizationId, { ...requestEvent(`r${i}`), organizationId });
    }
    await eventually(() => expect(seen).toHaveLength(20));
    expect(new Set(seen).size).toBe(20);
    await bus.close();
  });

  it('backs off exponentially up to a cap', () => {
    expect(
      [1, 2, 3, 10].map((n) => retryDelayMs(n, { retryBackoffMs: 100, maxRetryBackoffMs: 1000 })),
    ).toEqual([100, 200, 400, 1000]);
  });
});
