import type { RequestEvent } from '@optscale/contracts';
import { worstCaseCost } from '@optscale/pricing';
import type { OrganizationState } from '../config/gateway-state';
import { CATALOG_PRICING, type PricedProvider } from '../pricing/organization-pricing';

/** Where a request goes, as far as its price is concerned. */
export interface PricedTarget {
  /** Its prices: the organization's overrides over the catalog. */
  organization: Pick<OrganizationState, 'pricing'>;
  provider: PricedProvider;
  /** The model as sent upstream. */
  model: string;
}

/**
 * Prices requests for the budget stage, in nanodollars. The reservation uses `worstCaseNanos`; the
 * settlement uses `costNanos` of the finished request's event, which is the cost the record stage
 * put on it (`event.cost`), so budgets and the usage tables agree to the nanodollar.
 */
export interface CostEstimator {
  worstCaseNanos(target: PricedTarget, inputTokens: number, outputTokens: number): bigint;
  costNanos(event: RequestEvent): bigint;
}

/** The cost the record stage priced, or undefined for events of a gateway that did not price. */
export function recordedCostNanos(event: RequestEvent): bigint | undefined {
  return event.cost === undefined ? undefined : BigInt(event.cost.nanos);
}

/**
 * The gateway's own prices (libs/pricing): the reservation is `worstCaseCost` of the body's prompt
 * estimate and its output limit, at the organization's price for the model (its override, else the
 * catalog); the settlement is the cost the record stage put on the event (`requestCost`, the same
 * prices on the real usage). An unpriced model reserves 0 and costs 0.
 */
export const PRICED_COSTS: CostEstimator = {
  worstCaseNanos(target, inputTokens, outputTokens) {
    const pricing = target.organization.pricing ?? CATALOG_PRICING;
    const { prices } = pricing.pricesFor(target.provider, target.model);
    return worstCaseCost({ promptTokens: inputTokens, maxOutputTokens: outputTokens }, prices);
  },
  costNanos: (event) => recordedCostNanos(event) ?? 0n,
};

/**
 * One price per input and per output token for every model: for tests, and for deployments that
 * want a conservative flat reservation. The real cost still comes from the event when it has one.
 */
export class FlatRateCostEstimator implements CostEstimator {
  constructor(
    private readonly inputNanosPerToken: bigint,
    private readonly outputNanosPerToken: bigint,
  ) {}

  worstCaseNanos(_target: PricedTarget, inputTokens: number, outputTokens: number): bigint {
    return BigInt(inputTokens) * this.inputNanosPerToken + BigInt(outputTokens) * this.outputNanosPerToken;
  }

  costNanos(event: RequestEvent): bigint {
    const recorded = recordedCostNanos(event);
    if (recorded !== undefined) return recorded;
    const u = event.usage;
    return (
      BigInt(u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens) * this.inputNanosPerToken +
      BigInt(u.outputTokens) * this.outputNanosPerToken
    );
  }
}

/** Total tokens of a finished request, as the tokens-per-minute limits count them. */
export function eventTokens(event: RequestEvent): number {
  const u = event.usage;
  return u.inputTokens + u.cacheReadTokens + u.cacheWriteTokens + u.outputTokens;
}
