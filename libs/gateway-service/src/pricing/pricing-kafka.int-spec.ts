/**
 * Organization prices in distributed mode, against the real local Kafka (`bash deploy/local/stack.sh
 * up`): a price published on `optscale.config.pricing.v1` (compacted, as the router publishes it)
 * reaches a running gateway through its config reader and prices the next request; a changed price
 * applies to the request after it. Each run uses its own topic prefix and removes its topics.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import { pricingOverrideMessageKey, type PricingOverrideSnapshot } from '@optscale/contracts';
import { CATALOG_VERSION } from '@optscale/pricing';
import { eventually, localStackEnv, startMockProvider, type MockProvider } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { generateKey, hashKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import { accessSnapshot, keySnapshot, providerSnapshot } from '../config/__fixtures__/snapshots';
import { BusConfigSource } from '../config/bus-config-source';
import { parseGatewayEnv } from '../gateway-env';
import { MemoryEventSink } from '../record/event-sinks';

const { kafkaBrokers } = localStackEnv();
const prefix = `test.pricing.${randomUUID().slice(0, 8)}.`;
const ORG = randomUUID();

const busOptions = (clientId: string): KafkaBusOptions => ({
  brokers: kafkaBrokers,
  clientId,
  topicPrefix: prefix,
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 100,
  retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
  logLevel: logLevel.NOTHING,
});

const price = (inputPerMtok: string): PricingOverrideSnapshot => ({
  id: 'price-1',
  organizationId: ORG,
  provider: null,
  model: 'gpt-4.1',
  inputPerMtok,
  outputPerMtok: '0',
  cacheReadPerMtok: null,
  cacheWritePerMtok: null,
  updatedAt: new Date().toISOString(),
});

describe('organization prices over Kafka', () => {
  let mock: MockProvider;
  let publisher: KafkaBus;
  let gatewayBus: KafkaBus;
  let gateway: RunningGateway;
  let dataDir: string;
  const events = new MemoryEventSink();
  const apiKey = generateKey();

  beforeAll(async () => {
    mock = await startMockProvider('openai', { models: ['gpt-4.1'] });
    publisher = new KafkaBus(busOptions('pricing-int-spec-publisher'));
    gatewayBus = new KafkaBus(busOptions('pricing-int-spec-gateway'));
    await publisher.publish(
      'optscale.config.access.v1',
      `${ORG}/user-1`,
      accessSnapshot({ organizationId: ORG }),
    );
    await publisher.publish(
      'optscale.config.providers.v1',
      `${ORG}/openai`,
      providerSnapshot({ organizationId: ORG, baseUrl: mock.url, credential: null }),
    );
    await publisher.publish('optscale.config.keys.v1', hashKey(apiKey), keySnapshot({ organizationId: ORG }));
    await publisher.publish(
      'optscale.config.pricing.v1',
      pricingOverrideMessageKey(ORG, null, 'gpt-4.1'),
      price('5'),
    );
    dataDir = mkdtempSync(join(tmpdir(), 'optscale-pricing-kafka-'));
    const env = parseGatewayEnv({ PORT: '0', OPTSCALE_DATA_DIR: dataDir, OPTSCALE_REQUEST_LOG: 'false' });
    const source = new BusConfigSource({ bus: gatewayBus, decrypt: () => '', log: () => undefined });
    gateway = await startGateway(env, source, { sinks: [events] });
    await gateway.runtime.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await gatewayBus?.close();
    await publisher?.close();
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
    const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });

  const chatCost = async () => {
    mock.enqueue({ kind: 'text', text: 'ok', usage: { input: 1000, output: 10 } });
    const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const id = res.headers.get('x-request-id') ?? '';
    return eventually(() => {
      const event = events.find(id);
      if (!event) throw new Error('no event yet');
      return event.cost;
    });
  };

  it('prices with the price the topic holds, and with a new one once it is published', async () => {
    // 1000 × 5 per million (output free) = 0.005 USD
    expect(await chatCost()).toEqual({
      nanos: '5000000',
      source: 'override',
      catalogVersion: CATALOG_VERSION,
    });
    await publisher.publish(
      'optscale.config.pricing.v1',
      pricingOverrideMessageKey(ORG, null, 'gpt-4.1'),
      price('7'),
    );
    // 1000 × 7 per million = 0.007 USD
    await eventually(async () =>
      expect(await chatCost()).toEqual({
        nanos: '7000000',
        source: 'override',
        catalogVersion: CATALOG_VERSION,
      }),
    );
  });
});
