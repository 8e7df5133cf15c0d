import { InProcessBus } from '@optscale/bus';
import { pricingOverrideMessageKey, type PricingOverrideSnapshot } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import { accessSnapshot, ORG, providerSnapshot } from '../config/__fixtures__/snapshots';
import { BusConfigSource } from '../config/bus-config-source';

/*
 * `optscale.config.pricing.v1` as the router publishes it reaches the gateway state through the same
 * BusConfigSource as every config topic (distributed mode over Kafka, embedded over the in-process
 * bus): a new price applies to the next request, a tombstone gives the catalog back.
 */

const price: PricingOverrideSnapshot = {
  id: 'price-1',
  organizationId: ORG,
  provider: null,
  model: 'gpt-4o',
  inputPerMtok: '0.01',
  outputPerMtok: '0.02',
  cacheReadPerMtok: null,
  cacheWritePerMtok: null,
  updatedAt: '2026-11-21T00:00:00.000Z',
};
const key = pricingOverrideMessageKey(ORG, null, 'gpt-4o');
const openai = { proxyName: 'openai', apiType: 'openai' };

describe('organization prices from the bus', () => {
  const bus = new InProcessBus();
  const source = new BusConfigSource({ bus, decrypt: () => 'sk-upstream', log: () => undefined });
  afterAll(async () => {
    await source.close();
    await bus.close();
  });

  it('are folded at start and live, and removed by a tombstone', async () => {
    await bus.publish('optscale.config.access.v1', `${ORG}/user-1`, accessSnapshot());
    await bus.publish(
      'optscale.config.providers.v1',
      `${ORG}/openai`,
      providerSnapshot({ credential: null }),
    );
    await bus.publish('optscale.config.pricing.v1', key, price);
    await source.start();
    const pricesNow = () => source.state().organizations.get(ORG)?.pricing?.pricesFor(openai, 'gpt-4o');
    expect(pricesNow()).toMatchObject({ source: 'override', matched: 'gpt-4o' });
    expect(pricesNow()?.prices.base.input).toBe(10_000_000_000n);

    await bus.publish('optscale.config.pricing.v1', key, { ...price, inputPerMtok: '0.03' });
    await eventually(() => expect(pricesNow()?.prices.base.input).toBe(30_000_000_000n));

    await bus.publish('optscale.config.pricing.v1', key, null);
    await eventually(() => expect(source.state().organizations.get(ORG)?.pricing).toBeUndefined());
  });
});
