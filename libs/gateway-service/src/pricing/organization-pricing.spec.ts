import type { PricingOverrideSnapshot } from '@optscale/contracts';
import { CATALOG_VERSION } from '@optscale/pricing';
import { ZERO_USAGE } from '@optscale/protocol';
import {
  accessSnapshot,
  keySnapshot,
  keyHashOf,
  ORG,
  providerSnapshot,
} from '../config/__fixtures__/snapshots';
import { buildStateFromSnapshots } from '../config/build-state-from-snapshots';
import { emptyConfigSnapshots, foldSnapshot } from '../config/config-snapshots';
import { RequestContext } from '../pipeline/request-context';
import { buildRequestEvent } from '../record/build-event';
import { CATALOG_PRICING, OrganizationPricing } from './organization-pricing';
import { requestCost } from './request-cost';

const price = (p: Partial<PricingOverrideSnapshot>): PricingOverrideSnapshot => ({
  id: 'price-1',
  organizationId: ORG,
  provider: 'openai',
  model: 'gpt-4o',
  inputPerMtok: '1',
  outputPerMtok: '2',
  cacheReadPerMtok: null,
  cacheWritePerMtok: null,
  updatedAt: '2026-11-21T00:00:00.000Z',
  ...p,
});

const openai = { proxyName: 'openai', apiType: 'openai' };
const other = { proxyName: 'other-openai', apiType: 'openai' };

describe('OrganizationPricing', () => {
  it('prefers the provider’s own price, then the organization-wide one, then the catalog', () => {
    const pricing = new OrganizationPricing([
      price({ id: 'a', provider: null, model: 'gpt-4o', inputPerMtok: '5' }),
      price({ id: 'b', provider: 'openai', model: 'gpt-4o', inputPerMtok: '1' }),
    ]);
    expect(pricing.pricesFor(openai, 'gpt-4o-2024-08-06')).toMatchObject({
      source: 'override',
      matched: 'gpt-4o',
    });
    expect(pricing.pricesFor(openai, 'gpt-4o').prices.base.input).toBe(1_000_000_000_000n);
    expect(pricing.pricesFor(other, 'gpt-4o').prices.base.input).toBe(5_000_000_000_000n);
    expect(pricing.pricesFor(other, 'gpt-4.1')).toMatchObject({ source: 'catalog', matched: 'gpt-4.1' });
    expect(pricing.catalogVersion).toBe(CATALOG_VERSION);
  });

  it('memoizes per provider and model: the same answer object', () => {
    const pricing = new OrganizationPricing();
    expect(pricing.pricesFor(openai, 'gpt-4o')).toBe(pricing.pricesFor(openai, 'gpt-4o'));
    expect(pricing.pricesFor(openai, 'gpt-4o')).not.toBe(pricing.pricesFor(other, 'gpt-4o'));
  });
});

describe('pricing in the gateway state', () => {
  it('folds optscale.config.pricing.v1 into each organization; a tombstone restores the catalog', () => {
    const s = emptyConfigSnapshots();
    s.access.set(`${ORG}/user-1`, accessSnapshot({ allowedProviders: ['openai'] }));
    s.providers.set(`${ORG}/openai`, providerSnapshot({ credential: null }));
    foldSnapshot(s.pricing, `${ORG}/openai/gpt-4o`, price({}));
    foldSnapshot(s.pricing, `other-org/*/gpt-4o`, price({ organizationId: 'other-org', provider: null }));
    const org = buildStateFromSnapshots(s, () => '', 0).state.organizations.get(ORG);
    expect(org?.pricing?.pricesFor(openai, 'gpt-4o').source).toBe('override');
    foldSnapshot(s.pricing, `${ORG}/openai/gpt-4o`, null);
    const after = buildStateFromSnapshots(s, () => '', 0).state.organizations.get(ORG);
    expect((after?.pricing ?? CATALOG_PRICING).pricesFor(openai, 'gpt-4o').source).toBe('catalog');
  });
});

describe('requestCost', () => {
  const state = () => {
    const s = emptyConfigSnapshots();
    s.access.set(
      `${ORG}/user-1`,
      accessSnapshot({ allowedProviders: ['openai'], teamIds: ['team-a', 'team-b'] }),
    );
    s.providers.set(`${ORG}/openai`, providerSnapshot({ credential: null }));
    s.keys.set(keyHashOf('a'), keySnapshot());
    foldSnapshot(
      s.pricing,
      `${ORG}/openai/my-model`,
      price({ model: 'my-model', inputPerMtok: '0.5', outputPerMtok: '1.5' }),
    );
    return buildStateFromSnapshots(s, () => '', 0).state;
  };

  it('prices the finished request with the organization’s prices', () => {
    const st = state();
    const ctx = new RequestContext('req-1', 'openai', 'chat', ORG, {});
    ctx.key = st.keysByHash.get(keyHashOf('a'));
    ctx.provider = st.organizations.get(ORG)?.providers.get('openai');
    ctx.upstreamModel = 'my-model';
    // 2000 × 0.5 + 1000 × 1.5 per million = 0.001 + 0.0015 USD = 2 500 000 nanos
    ctx.usage = { ...ZERO_USAGE, inputTokens: 2000, outputTokens: 1000 };
    expect(requestCost(ctx)).toEqual({
      nanos: '2500000',
      source: 'override',
      catalogVersion: CATALOG_VERSION,
    });
    ctx.upstreamModel = 'gpt-4o';
    // 2000 × 2.5 + 1000 × 10 = 0.005 + 0.01
    expect(requestCost(ctx)).toEqual({
      nanos: '15000000',
      source: 'catalog',
      catalogVersion: CATALOG_VERSION,
    });
  });

  it('puts cost, team and the 1 hour cache writes on the request event', () => {
    const st = state();
    const ctx = new RequestContext('req-3', 'anthropic', 'chat', ORG, {});
    ctx.key = st.keysByHash.get(keyHashOf('a'));
    ctx.provider = st.organizations.get(ORG)?.providers.get('openai');
    ctx.upstreamModel = 'my-model';
    ctx.usage = { ...ZERO_USAGE, cacheWriteTokens: 10, cacheWrite1hTokens: 4, outputTokens: 1 };
    const event = buildRequestEvent(ctx);
    expect(event.teamId).toBe('team-a');
    expect(event.usage.cacheWrite1hTokens).toBe(4);
    // 10 × 0.5 (writes cost input without a cache price) + 1 × 1.5 = 6.5e-6 USD
    expect(event.cost).toEqual({ nanos: '6500', source: 'override', catalogVersion: CATALOG_VERSION });
    const refused = buildRequestEvent(new RequestContext('req-4', 'openai', 'chat', ORG, {}));
    expect(refused.cost).toBeUndefined();
    expect(refused.teamId).toBeNull();
  });

  it('has nothing to price before a provider was chosen', () => {
    expect(requestCost(new RequestContext('req-2', 'openai', 'chat', ORG, {}))).toBeUndefined();
  });
});
