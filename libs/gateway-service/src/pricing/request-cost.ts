import type { RequestEvent } from '@optscale/contracts';
import { costOf } from '@optscale/pricing';
import type { RequestContext } from '../pipeline/request-context';
import { CATALOG_PRICING } from './organization-pricing';

export type RequestCost = NonNullable<RequestEvent['cost']>;

/**
 * The record stage's price of a finished request: its normalized usage at the prices of the model
 * it was sent to, on the provider that answered (the organization's override, else the catalog).
 * Runs after the last byte went out, never on the response path. Undefined when the request never
 * reached a provider (refused before routing): there is nothing to price, and no source to name.
 */
export function requestCost(ctx: RequestContext): RequestCost | undefined {
  const provider = ctx.provider;
  const model = ctx.upstreamModel;
  if (provider === undefined || model === undefined) return undefined;
  const pricing = ctx.key?.organization.pricing ?? CATALOG_PRICING;
  const resolved = pricing.pricesFor(provider, model);
  return {
    nanos: costOf(ctx.usage, resolved.prices).nanos.toString(),
    source: resolved.source,
    catalogVersion: pricing.catalogVersion,
  };
}
