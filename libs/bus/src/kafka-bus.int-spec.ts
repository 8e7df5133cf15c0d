/**
 * The bus contract against the real local Kafka (`bash deploy/local/stack.sh up`). Every test gets
 * its own topic prefix, so runs and tests never see each other's messages.
 */
import { randomUUID } from 'node:crypto';
import { localStackEnv } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { describeBusContract } from './__fixtures__/bus-contract';
import { keyHash, keySnapshot } from './__fixtures__/payloads';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus';

const { kafkaBrokers } = localStackEnv();

const prefixes: string[] = [];

function testOptions(): KafkaBusOptions {
  const topicPrefix = `test.${randomUUID().slice(0, 8)}.`;
  prefixes.push(topicPrefix);
  return {
    brokers: kafkaBrokers,
    clientId: 'bus-int-spec',
    topicPrefix,
    // The broker's group.min.session.timeout.ms is 6 s; short fetch waits make closing quick.
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    logLevel: logLevel.ERROR,
  };
}

// Leave the shared broker as found: drop this run's topics and consumer groups.
afterAll(async () => {
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ours = (name: string): boolean => prefixes.some((prefix) => name.startsWith(prefix));
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter(ours);
    if (groupIds.length > 0) await admin.deleteGroups(groupIds);
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describeBusContract('KafkaBus', { makeBus: () => new KafkaBus(testOptions()), timeoutMs: 10_000 });

describe('KafkaBus specifics', () => {
  it('creates compacted topics as compacted, the others as delete, under the prefix', async () => {
    const options = testOptions();
    const bus = new KafkaBus(options);
    try {
      await bus.publish('optscale.config.keys.v1', keyHash('c'), keySnapshot('c'));
      const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.ERROR }).admin();
      await admin.connect();
      try {
        const physical = bus.physicalTopic('optscale.config.keys.v1');
        expect(physical).toBe(`${options.topicPrefix}optscale.config.keys.v1`);
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: 2 /* TOPIC */, name: physical, configNames: ['cleanup.policy'] }],
        });
        expect(resources[0]?.configEntries[0]?.configValue).toBe('compact');
      } finally {
        await admin.disconnect();
      }
    } finally {
      await bus.close();
    }
  });

  it('reports a broker it cannot reach, without throwing from health()', async () => {
    const bus = new KafkaBus({
      ...testOptions(),
      brokers: ['127.0.0.1:1'],
      retry: { retries: 0, initialRetryTime: 50 },
      logLevel: logLevel.NOTHING,
    });
    await expect(bus.publish('optscale.config.keys.v1', keyHash('x'), keySnapshot('x'))).rejects.toThrow();
    expect(bus.health()).toMatchObject({
      adapter: 'kafka',
      connected: false,
      lastError: { message: expect.any(String) },
    });
    await bus.close();
  });
});
