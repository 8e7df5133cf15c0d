import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '@optscale/bus';
import { pricingOverrideMessageKey, type PricingOverrideSnapshot } from '@optscale/contracts';
import { CATALOG_VERSION } from '@optscale/pricing';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { generateKey, hashKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import { accessSnapshot, keySnapshot, ORG, providerSnapshot } from '../config/__fixtures__/snapshots';
import { BusConfigSource } from '../config/bus-config-source';
import { parseGatewayEnv } from '../gateway-env';
import { MemoryEventSink } from '../record/event-sinks';

/*
 * An organization's own price, published on `optscale.config.pricing.v1` as the router does, prices
 * the next request through a real gateway whose state comes from the config topics (distributed
 * mode; the embedded platform runs the same source over its in-process bus). Removing it gives the
 * catalog price back. Expected costs are worked out by hand.
 */

let gateway: RunningGateway;
let mock: MockProvider;
let dataDir: string;
const bus = new InProcessBus();
const events = new MemoryEventSink();
const key = generateKey();
const priceKey = pricingOverrideMessageKey(ORG, 'openai', 'gpt-4.1');
const price: PricingOverrideSnapshot = {
  id: 'price-1',
  organizationId: ORG,
  provider: 'openai',
  model: 'gpt-4.1',
  inputPerMtok: '0.0000000003',
  outputPerMtok: '1234.5',
  cacheReadPerMtok: '0.1',
  cacheWritePerMtok: null,
  updatedAt: '2026-11-21T00:00:00.000Z',
};

beforeAll(async () => {
  mock = await startMockProvider('openai', { models: ['gpt-4.1'] });
  await bus.publish('optscale.config.access.v1', `${ORG}/user-1`, accessSnapshot({ teamIds: ['team-9'] }));
  await bus.publish(
    'optscale.config.providers.v1',
    `${ORG}/openai`,
    providerSnapshot({ baseUrl: mock.url, credential: null }),
  );
  await bus.publish('optscale.config.keys.v1', hashKey(key), keySnapshot());
  await bus.publish('optscale.config.pricing.v1', priceKey, price);
  dataDir = mkdtempSync(join(tmpdir(), 'optscale-override-cost-'));
  const env = parseGatewayEnv({ PORT: '0', OPTSCALE_DATA_DIR: dataDir, OPTSCALE_REQUEST_LOG: 'false' });
  const source = new BusConfigSource({ bus, decrypt: () => '', log: () => undefined });
  gateway = await startGateway(env, source, { sinks: [events] });
  await gateway.runtime.start();
});

afterAll(async () => {
  await gateway?.close();
  await bus.close();
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function chat(): Promise<{ cost: unknown; teamId: unknown }> {
  mock.enqueue({ kind: 'text', text: 'ok', usage: { input: 1000, cacheRead: 3000, output: 2 } });
  const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'price me' }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  const id = res.headers.get('x-request-id') ?? '';
  return eventually(() => {
    const event = events.find(id);
    if (!event) throw new Error('no event yet');
    return { cost: event.cost, teamId: event.teamId };
  });
}

describe('organization prices through the gateway', () => {
  it('price the request with the override, then with the catalog once it is removed', async () => {
    // Override: 1000 × 0.0000000003 + 3000 × 0.1 + 2 × 1234.5 per million
    // = 0.0000000000003 + 0.0003 + 0.002469 USD = 0.0027690000003 → 2 769 000 nanos (half up)
    expect(await chat()).toEqual({
      cost: { nanos: '2769000', source: 'override', catalogVersion: CATALOG_VERSION },
      teamId: 'team-9',
    });
    await bus.publish('optscale.config.pricing.v1', priceKey, null);
    // Catalog gpt-4.1: 1000 × 2 + 3000 × 0.50 + 2 × 8 = 0.002 + 0.0015 + 0.000016 = 0.003516 USD
    await eventually(async () =>
      expect((await chat()).cost).toEqual({
        nanos: '3516000',
        source: 'catalog',
        catalogVersion: CATALOG_VERSION,
      }),
    );
  });
});
