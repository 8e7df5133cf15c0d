import { ANY_PROVIDER, type PricingOverrideSnapshot } from '@optscale/contracts';
import {
  PRICING_CATALOG,
  resolvePrices,
  type CompiledCatalog,
  type PriceOverride,
  type ResolvedPrices,
} from '@optscale/pricing';

/** A provider connection as far as its prices are concerned. */
export interface PricedProvider {
  /** The connection's proxy name: organization prices may be set per connection. */
  proxyName: string;
  /** Its api type: the catalog family (`openai`, `azure-openai` → openai, `anthropic`, ...). */
  apiType: string;
}

/** How many resolutions one state keeps; beyond it the memo starts over (clients may send any model). */
const MEMO_LIMIT = 10_000;

/**
 * One organization's prices, built with each gateway state: its overrides from
 * `optscale.config.pricing.v1`, indexed by provider, over the built-in catalog. Resolving a model
 * (override, then the catalog's prefix rule) is memoized per provider and model, so pricing a
 * request after the first of its kind is one map lookup plus integer arithmetic. A new state builds
 * a new instance, so a changed price never meets a stale memo.
 */
export class OrganizationPricing {
  /** Per proxy name, this connection's prices first, then the organization-wide ones. */
  private readonly byProvider = new Map<string, PriceOverride[]>();
  private readonly everywhere: PriceOverride[] = [];
  private readonly memo = new Map<string, ResolvedPrices>();

  constructor(
    overrides: Iterable<PricingOverrideSnapshot> = [],
    private readonly catalog: CompiledCatalog = PRICING_CATALOG,
  ) {
    for (const o of overrides) {
      const price: PriceOverride = {
        model: o.model,
        input: o.inputPerMtok,
        output: o.outputPerMtok,
        cacheRead: o.cacheReadPerMtok,
        cacheWrite: o.cacheWritePerMtok,
      };
      if (o.provider === null || o.provider === ANY_PROVIDER) this.everywhere.push(price);
      else this.byProvider.set(o.provider, [...(this.byProvider.get(o.provider) ?? []), price]);
    }
  }

  get catalogVersion(): string {
    return this.catalog.version;
  }

  /** The prices of `model` on `provider`, and where they came from. */
  pricesFor(provider: PricedProvider, model: string): ResolvedPrices {
    const memoKey = `${provider.proxyName}\u0000${provider.apiType}\u0000${model}`;
    const known = this.memo.get(memoKey);
    if (known !== undefined) return known;
    const resolved = this.resolve(provider, model);
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(memoKey, resolved);
    return resolved;
  }

  private resolve(provider: PricedProvider, model: string): ResolvedPrices {
    const overrides = [...(this.byProvider.get(provider.proxyName) ?? []), ...this.everywhere];
    try {
      return resolvePrices(this.catalog, { providerType: provider.apiType, model, overrides });
    } catch {
      // An override the contract let through but the arithmetic cannot hold (cannot happen with
      // the topic's schema): price from the catalog rather than fail the record stage.
      return resolvePrices(this.catalog, { providerType: provider.apiType, model });
    }
  }
}

/** The catalog alone: for organizations without overrides and states built without the bus. */
export const CATALOG_PRICING = new OrganizationPricing();

/** Groups price snapshots by organization, one `OrganizationPricing` each. */
export function pricingByOrganization(
  snapshots: Iterable<PricingOverrideSnapshot>,
): Map<string, OrganizationPricing> {
  const grouped = new Map<string, PricingOverrideSnapshot[]>();
  for (const s of snapshots) grouped.set(s.organizationId, [...(grouped.get(s.organizationId) ?? []), s]);
  return new Map(
    [...grouped].map(([organizationId, list]) => [organizationId, new OrganizationPricing(list)]),
  );
}
