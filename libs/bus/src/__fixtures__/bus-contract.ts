/**
 * The bus contract, as one test suite run against every adapter: `in-process-bus.spec.ts` (unit)
 * and `kafka-bus.int-spec.ts` (real Kafka). Each test gets a fresh bus (for Kafka: fresh topics).
 */
import type { Topic } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import type { Bus, BusMessage, InvalidMessage, Subscription } from '../bus';
import { BusPublishError } from '../bus';
import { deadLetterTo } from '../dead-letter';
import { ORG, accessSnapshot, keyHash, keySnapshot, requestEvent } from './payloads';

export interface BusContractOptions {
  /** A new, isolated bus. */
  makeBus: () => Bus;
  /** Deadline for asynchronous delivery. */
  timeoutMs: number;
}

const KEYS = 'optscale.config.keys.v1';
const ACCESS = 'optscale.config.access.v1';
const REQUESTS = 'optscale.gateway.requests.v1';
const DLQ = 'optscale.gateway.requests.v1.dlq';

/** Folds a compacted topic into a map, as a gateway builds its state. */
function stateOf<T extends Topic>(): {
  state: Map<string, unknown>;
  handler: (message: BusMessage<T>) => void;
} {
  const state = new Map<string, unknown>();
  return {
    state,
    handler: (message) => {
      if (message.value === null) state.delete(message.key);
      else state.set(message.key, message.value);
    },
  };
}

const failOnInvalid = (message: InvalidMessage): void => {
  throw new Error(`unexpected invalid message: ${message.error}`);
};

export function describeBusContract(name: string, options: BusContractOptions): void {
  const { timeoutMs } = options;
  const within = { timeoutMs };

  describe(`${name}: the bus contract`, () => {
    let bus: Bus;
    const subscriptions: Subscription[] = [];
    beforeEach(() => {
      bus = options.makeBus();
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.close()));
      await bus.close();
    });
    const subscribe: Bus['subscribe'] = async (topic, handler, opts) => {
      const subscription = await bus.subscribe(topic, handler, opts);
      subscriptions.push(subscription);
      return subscription;
    };

    it('replays to a late private reader what was published before it subscribed; caughtUp resolves', async () => {
      const a = keySnapshot('a');
      const b = keySnapshot('b');
      await bus.publish(KEYS, keyHash('a'), a);
      await bus.publish(KEYS, keyHash('b'), b);
      await bus.publish(KEYS, keyHash('a'), { ...a, active: false });

      const { state, handler } = stateOf<typeof KEYS>();
      const subscription = await subscribe(KEYS, handler, { onInvalid: failOnInvalid });
      await subscription.caughtUp();
      expect(state).toEqual(
        new Map([
          [keyHash('a'), { ...a, active: false }],
          [keyHash('b'), b],
        ]),
      );
    });

    it('a tombstone removes the key for a late subscriber', async () => {
      await bus.publish(KEYS, keyHash('gone'), keySnapshot('gone'));
      await bus.publish(KEYS, keyHash('kept'), keySnapshot('kept'));
      await bus.publish(KEYS, keyHash('gone'), null);

      const { state, handler } = stateOf<typeof KEYS>();
      await (await subscribe(KEYS, handler, { onInvalid: failOnInvalid })).caughtUp();
      expect([...state.keys()]).toEqual([keyHash('kept')]);
    });

    it('caughtUp resolves at once on an empty topic', async () => {
      const subscription = await subscribe(ACCESS, () => undefined, { onInvalid: failOnInvalid });
      await expect(subscription.caughtUp()).resolves.toBeUndefined();
    });

    it('delivers a message published after subscribing, with its headers, to readers and to a group', async () => {
      const reader = stateOf<typeof ACCESS>();
      const seen: BusMessage<typeof ACCESS>[] = [];
      await (await subscribe(ACCESS, reader.handler, { onInvalid: failOnInvalid })).caughtUp();
      await subscribe(ACCESS, (m) => void seen.push(m), {
        group: 'contract-group',
        onInvalid: failOnInvalid,
      });

      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const value = accessSnapshot('user-7');
      await bus.publish(ACCESS, `${ORG}/user-7`, value, { traceparent });

      await eventually(() => expect(reader.state.get(`${ORG}/user-7`)).toEqual(value), within);
      await eventually(() => expect(seen).toHaveLength(1), within);
      expect(seen[0]).toMatchObject({ topic: ACCESS, key: `${ORG}/user-7`, value, headers: { traceparent } });
      expect(seen[0]?.offset).toMatch(/^\d+$/);
    });

    it('passes a message its topic refuses to onInvalid, which can dead-letter it', async () => {
      const events: string[] = [];
      const dead: BusMessage<typeof DLQ>[] = [];
      await subscribe(DLQ, (m) => void dead.push(m), { group: 'contract-dlq', onInvalid: failOnInvalid });
      await subscribe(REQUESTS, (m) => void events.push(m.value.requestId), {
        group: 'contract-requests',
        onInvalid: deadLetterTo(bus, REQUESTS),
      });

      await bus.publishRaw(REQUESTS, ORG, Buffer.from('{not json'), { traceparent: 'tp' });
      await bus.publishRaw(
        REQUESTS,
        ORG,
        Buffer.from(JSON.stringify({ ...requestEvent('r0'), status: 'ok' })),
      );
      await bus.publish(REQUESTS, ORG, requestEvent('r1'));

      await eventually(() => expect(events).toEqual(['r1']), within);
      await eventually(() => expect(dead).toHaveLength(2), within);
      const [first, second] = dead;
      expect(first?.key).toBe(ORG);
      expect(first?.headers).toMatchObject({ traceparent: 'tp' });
      expect(first?.value).toMatchObject({ topic: REQUESTS, partition: 0, key: ORG });
      expect(first?.value.reason).toContain('JSON');
      expect(Buffer.from(first?.value.value ?? '', 'base64').toString()).toBe('{not json');
      expect(second?.value.reason).toContain('status');
    });

    it('passes a state reader the messages its topic refuses (here: a key that is not a key hash)', async () => {
      const invalid: InvalidMessage[] = [];
      await bus.publishRaw(KEYS, 'not-a-hash', Buffer.from(JSON.stringify(keySnapshot('x'))));
      const { state, handler } = stateOf<typeof KEYS>();
      await (await subscribe(KEYS, handler, { onInvalid: (m) => void invalid.push(m) })).caughtUp();
      expect(state.size).toBe(0);
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toMatchObject({ topic: KEYS, key: 'not-a-hash' });
      expect(invalid[0]?.error).toContain('sha256');
    });

    it('refuses to publish what the contract forbids', async () => {
      await expect(
        bus.publish(KEYS, keyHash('a'), { ...keySnapshot('a'), active: 'yes' } as never),
      ).rejects.toThrow(BusPublishError);
      await expect(bus.publish(REQUESTS, ORG, null as never)).rejects.toThrow('not compacted');
      await expect(bus.publish(ACCESS, `${ORG}/someone-else`, accessSnapshot('user-1'))).rejects.toThrow(
        'does not match',
      );
    });

    it('reports itself healthy once it has talked to its broker', async () => {
      await bus.publish(KEYS, keyHash('h'), keySnapshot('h'));
      expect(bus.health()).toMatchObject({ adapter: bus.adapter, connected: true });
    });
  });
}
