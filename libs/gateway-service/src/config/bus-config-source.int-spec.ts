/**
 * The distributed gateway against the real local Kafka (`bash deploy/local/stack.sh up`): config
 * snapshots published on the topics reach a running gateway, within a second, and survive a broker
 * outage. Each run uses its own topic prefix; the gateway's Kafka client goes through a loopback
 * proxy the test can cut, while the publisher (standing in for the control plane) connects directly.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus, type Bus, type KafkaBusOptions } from '@optscale/bus';
import type { AccessSnapshot, KeySnapshot, ProviderSnapshot } from '@optscale/contracts';
import { createKek, createKeyring, decryptSecret, encryptSecret } from '@optscale/database';
import { eventually, localStackEnv, startMockProvider, type MockProvider } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { generateKey, hashKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import { parseGatewayEnv } from '../gateway-env';
import { startCuttableTcpProxy, type CuttableTcpProxy } from './__fixtures__/cuttable-tcp-proxy';
import { BusConfigSource } from './bus-config-source';
import { providerCredentialAad } from './source-from-env';

const { kafkaBrokers } = localStackEnv();
const prefix = `test.gw.${randomUUID().slice(0, 8)}.`;
const ORG = randomUUID();
const USER = 'user-1';
const PROVIDER_ID = 'prov-openai-1';
const UPSTREAM_KEY = 'sk-upstream-secret';
const kek = createKek(randomBytes(32));
const keyring = createKeyring(kek);

function busOptions(overrides: Partial<KafkaBusOptions> = {}): KafkaBusOptions {
  return {
    brokers: kafkaBrokers,
    clientId: 'gateway-config-int-spec',
    topicPrefix: prefix,
    // The broker's group.min.session.timeout.ms is 6 s; short waits and retries keep outages short.
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 3 },
    logLevel: logLevel.NOTHING,
    ...overrides,
  };
}

/** A bus whose subscriptions wait for `open()`: holds the gateway in its loading phase. */
function gated(bus: Bus): { bus: Bus; open(): void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    open: () => open(),
    bus: {
      adapter: bus.adapter,
      publish: (...args) => bus.publish(...args),
      publishRaw: (...args) => bus.publishRaw(...args),
      publishBatch: (...args) => bus.publishBatch(...args),
      subscribe: async (...args) => {
        await gate;
        return bus.subscribe(...args);
      },
      subscribeBatch: (...args) => bus.subscribeBatch(...args),
      health: () => bus.health(),
      close: () => bus.close(),
    },
  };
}

const access = (allowedProviders: string[]): AccessSnapshot => ({
  organizationId: ORG,
  userId: USER,
  email: 'dev@sunflower.example',
  role: 'member',
  teamIds: [],
  allowedProviders,
  organization: { name: 'Sunflower', currency: 'USD' },
});

const key = (keyId: string, overrides: Partial<KeySnapshot> = {}): KeySnapshot => ({
  keyId,
  organizationId: ORG,
  userId: USER,
  name: keyId,
  displayPrefix: 'sk-os-test',
  active: true,
  expiresAt: null,
  ...overrides,
});

describe('BusConfigSource with Kafka and a running gateway', () => {
  let mock: MockProvider;
  let publisher: KafkaBus;
  let gatewayBus: KafkaBus;
  let proxy: CuttableTcpProxy;
  let gateway: RunningGateway;
  let gate: ReturnType<typeof gated>;
  let dataDir: string;
  const plaintextKey = generateKey();

  const provider = (overrides: Partial<ProviderSnapshot> = {}): ProviderSnapshot => ({
    id: PROVIDER_ID,
    organizationId: ORG,
    name: 'OpenAI',
    proxyName: 'openai',
    apiType: 'openai',
    baseUrl: mock.url,
    status: 'active',
    models: ['gpt-4.1'],
    position: 0,
    credential: encryptSecret(UPSTREAM_KEY, kek, { aad: providerCredentialAad(PROVIDER_ID) }),
    ...overrides,
  });

  const chat = async (apiKey: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: res.status, body: await res.text() };
  };
  const expectStatus = async (apiKey: string, status: number): Promise<void> => {
    expect(await chat(apiKey)).toMatchObject({ status });
  };
  const readyz = async (): Promise<{ status: number; body: ReadyzBody }> => {
    const res = await fetch(`${gateway.url}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadyzBody };
  };

  beforeAll(async () => {
    mock = await startMockProvider('openai', { models: ['gpt-4.1'], apiKey: UPSTREAM_KEY });
    publisher = new KafkaBus(busOptions());
    proxy = await startCuttableTcpProxy(kafkaBrokers[0] ?? '');
    gatewayBus = new KafkaBus(busOptions({ socketFactory: proxy.socketFactory }));
    gate = gated(gatewayBus);
    dataDir = mkdtempSync(join(tmpdir(), 'optscale-gw-bus-'));
    const env = parseGatewayEnv({ PORT: '0', OPTSCALE_DATA_DIR: dataDir, OPTSCALE_REQUEST_LOG: 'false' });
    const source = new BusConfigSource({
      bus: gate.bus,
      decrypt: (envelope, p) => decryptSecret(envelope, keyring, { aad: providerCredentialAad(p.id) }),
      log: () => undefined,
    });
    gateway = await startGateway(env, source);
  });

  afterAll(async () => {
    await gateway?.close();
    await gatewayBus?.close();
    await publisher?.close();
    await proxy?.close();
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
    // Leave the shared broker as found: drop this run's topics and consumer groups.
    const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.listGroups();
      const groupIds = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
      if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  });

  it('is not ready and refuses requests while loading, then serves what the topics hold', async () => {
    await publisher.publish('optscale.config.access.v1', `${ORG}/${USER}`, access(['openai']));
    await publisher.publish('optscale.config.providers.v1', `${ORG}/openai`, provider());
    await publisher.publish('optscale.config.keys.v1', hashKey(plaintextKey), key('key-1'));

    expect((await readyz()).status).toBe(503);
    const loading = await chat(plaintextKey);
    expect(loading.status).toBe(503);
    expect(JSON.parse(loading.body)).toMatchObject({
      error: { message: 'gateway is loading its configuration' },
    });

    gate.open();
    await gateway.runtime.start();
    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.checks.gateway).toMatchObject({
      ready: true,
      detail: { organizations: 1, keys: 1, undecryptableCredentials: 0 },
    });
    await expectStatus(plaintextKey, 200);
  });

  it('applies a revoked key within a second, and its reactivation', async () => {
    await publisher.publish(
      'optscale.config.keys.v1',
      hashKey(plaintextKey),
      key('key-1', { active: false }),
    );
    await eventually(() => expectStatus(plaintextKey, 401), { timeoutMs: 1000 });
    await publisher.publish('optscale.config.keys.v1', hashKey(plaintextKey), key('key-1'));
    await eventually(() => expectStatus(plaintextKey, 200), { timeoutMs: 1000 });
  });

  it('refuses an inactive provider, and one the user is no longer allowed', async () => {
    await publisher.publish(
      'optscale.config.providers.v1',
      `${ORG}/openai`,
      provider({ status: 'inactive' }),
    );
    await eventually(async () => {
      const refused = await chat(plaintextKey);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { message: 'provider "openai" is inactive' } });
    });
    await publisher.publish('optscale.config.providers.v1', `${ORG}/openai`, provider());
    await eventually(() => expectStatus(plaintextKey, 200));

    await publisher.publish('optscale.config.access.v1', `${ORG}/${USER}`, access([]));
    await eventually(() => expectStatus(plaintextKey, 403));
    await publisher.publish('optscale.config.access.v1', `${ORG}/${USER}`, access(['openai']));
    await eventually(() => expectStatus(plaintextKey, 200));
  });

  it('serves its last state while Kafka is unreachable, and catches up when it returns', async () => {
    proxy.cut();
    const down = await eventually(
      async () => {
        const r = await readyz();
        expect(r.body.checks.gateway).toMatchObject({
          ready: true,
          degraded: true,
          detail: { connected: false },
        });
        return r;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('degraded');
    await expectStatus(plaintextKey, 200);

    // The control plane keeps publishing meanwhile; this gateway cannot see it yet.
    const laterKey = generateKey();
    await publisher.publish('optscale.config.keys.v1', hashKey(laterKey), key('key-2'));
    await expectStatus(laterKey, 401);

    proxy.restore();
    await eventually(() => expectStatus(laterKey, 200), { timeoutMs: 30_000, intervalMs: 100 });
    await eventually(async () => expect((await readyz()).body.status).toBe('ready'), { timeoutMs: 10_000 });
    await expectStatus(plaintextKey, 200);
  });
});

interface ReadyzBody {
  status: 'ready' | 'degraded' | 'not_ready';
  checks: Record<string, { ready: boolean; degraded?: boolean; detail?: Record<string, unknown> }>;
}
