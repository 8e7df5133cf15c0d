import { pricingOverrideMessageKey, type PricingOverrideSnapshot } from './pricing-snapshots';
import { parseMessage } from './topics';

const ORG = '7d0c2a4e-0000-4000-8000-000000000001';
const price: PricingOverrideSnapshot = {
  id: 'b1f4d3a0-0000-4000-8000-000000000009',
  organizationId: ORG,
  provider: 'vllm',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  inputPerMtok: '0.2',
  outputPerMtok: '0.6',
  cacheReadPerMtok: null,
  cacheWritePerMtok: '0.0000000001',
  updatedAt: '2026-11-21T03:00:00.000Z',
};

describe('optscale.config.pricing.v1', () => {
  it('keys a price by organization, proxy name (or * for every provider) and model, slashes kept', () => {
    expect(pricingOverrideMessageKey(ORG, 'vllm', price.model)).toBe(
      `${ORG}/vllm/meta-llama/Llama-3.1-8B-Instruct`,
    );
    expect(pricingOverrideMessageKey(ORG, null, 'gpt-4o')).toBe(`${ORG}/*/gpt-4o`);
    const key = pricingOverrideMessageKey(ORG, price.provider, price.model);
    expect(parseMessage('optscale.config.pricing.v1', key, price)).toEqual({ ok: true, value: price });
    const everywhere = { ...price, provider: null };
    expect(parseMessage('optscale.config.pricing.v1', `${ORG}/*/${price.model}`, everywhere).ok).toBe(true);
    expect(parseMessage('optscale.config.pricing.v1', key, null)).toEqual({ ok: true, value: null });
  });

  it('refuses a key that does not match, and prices that are not plain decimals', () => {
    expect(parseMessage('optscale.config.pricing.v1', `${ORG}/*/${price.model}`, price).ok).toBe(false);
    const key = pricingOverrideMessageKey(ORG, price.provider, price.model);
    for (const bad of ['-1', '1e-6', '1.', 2.5]) {
      expect(parseMessage('optscale.config.pricing.v1', key, { ...price, inputPerMtok: bad }).ok).toBe(false);
    }
    expect(parseMessage('optscale.config.pricing.v1', key, { ...price, provider: '*' }).ok).toBe(false);
  });
});
