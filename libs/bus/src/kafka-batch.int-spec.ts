/**
 * Batch consumption with commit-after-write against the real local Kafka: a member that dies with a
 * batch in hand (written, not committed) leaves it to the next member; nothing is skipped.
 */
import { randomUUID } from 'node:crypto';
import { localStackEnv, eventually } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { ORG, requestEvent } from './__fixtures__/payloads';
import type { InvalidMessage } from './bus';
import { deadLetterTo } from './dead-letter';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus';

const { kafkaBrokers } = localStackEnv();
const TOPIC = 'optscale.gateway.requests.v1';
const prefix = `test.${randomUUID().slice(0, 8)}.`;

function options(clientId: string): KafkaBusOptions {
  return {
    brokers: kafkaBrokers,
    clientId,
    topicPrefix: prefix,
    partitions: 1,
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    logLevel: logLevel.NOTHING,
  };
}

afterAll(async () => {
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describe('KafkaBus batch consumption', () => {
  it('redelivers a batch its member wrote but did not commit, to the next member, and skips nothing', async () => {
    const producer = new KafkaBus(options('batch-producer'));
    const a = new KafkaBus(options('batch-a'));
    const b = new KafkaBus(options('batch-b'));
    const group = `collector-${randomUUID().slice(0, 6)}`;
    const ids = Array.from({ length: 30 }, (_, i) => `req-${i}`);
    try {
      for (const id of ids) await producer.publish(TOPIC, ORG, requestEvent(id));

      // Member A "writes" its first batch, then hangs before returning (a process frozen or killed
      // between the store's acknowledgement and the offset commit): no heartbeat, no commit.
      const writtenByA: string[] = [];
      let release: () => void = () => undefined;
      const hung = new Promise<void>((resolve) => (release = resolve));
      const subA = await a.subscribeBatch(
        TOPIC,
        async (messages) => {
          writtenByA.push(...messages.map((m) => m.value.requestId));
          await hung;
        },
        { group, onInvalid: () => undefined, maxBatchSize: 10 },
      );
      await eventually(() => expect(writtenByA).toHaveLength(10), { timeoutMs: 15_000 });

      const writtenByB: string[] = [];
      // From B joining: includes the wait for A's session to expire and the rebalance.
      const started = Date.now();
      const subB = await b.subscribeBatch(
        TOPIC,
        (messages) => {
          writtenByB.push(...messages.map((m) => m.value.requestId));
          return Promise.resolve();
        },
        { group, onInvalid: () => undefined, maxBatchSize: 10 },
      );
      // A's session expires; B owns the partition and starts from the last commit: the beginning.
      await eventually(() => expect(new Set(writtenByB)).toEqual(new Set(ids)), { timeoutMs: 40_000 });
      process.stdout.write(
        `uncommitted batch redelivered to the next member ${Date.now() - started} ms after it joined\n`,
      );
      expect(writtenByB.slice(0, 10)).toEqual(writtenByA);
      await eventually(async () => expect((await subB.lag()).total).toBe(0), { timeoutMs: 10_000 });

      // A wakes up: its commit is refused (it no longer owns the partition) and it stops quietly.
      release();
      await subA.close();
      await subB.close();
    } finally {
      await Promise.all([producer.close(), a.close(), b.close()]);
    }
  }, 90_000);

  it('publishes a poison message to the dead-letter topic with the reason, and commits past it', async () => {
    const bus = new KafkaBus(options('batch-dlq'));
    const group = `dlq-${randomUUID().slice(0, 6)}`;
    const stored: string[] = [];
    const dead: InvalidMessage[] = [];
    try {
      await bus.subscribe(
        `${TOPIC}.dlq`,
        (m) => void dead.push({ ...m, value: null, error: m.value?.reason ?? '' }),
        {
          onInvalid: () => undefined,
        },
      );
      const sub = await bus.subscribeBatch(
        TOPIC,
        (messages) => {
          stored.push(...messages.map((m) => m.value.requestId));
          return Promise.resolve();
        },
        { group, onInvalid: deadLetterTo(bus, TOPIC) },
      );
      await bus.publishRaw(TOPIC, ORG, Buffer.from('{"requestId": 42}'));
      await bus.publish(TOPIC, ORG, requestEvent('after-poison'));
      await eventually(() => expect(stored).toContain('after-poison'), { timeoutMs: 20_000 });
      await eventually(() => expect(dead).toHaveLength(1), { timeoutMs: 20_000 });
      expect(dead[0]?.error).toMatch(/requestId/);
      await eventually(async () => expect((await sub.lag()).total).toBe(0), { timeoutMs: 10_000 });
    } finally {
      await bus.close();
    }
  }, 60_000);
});
