import type { RoutingRuleSnapshot } from '@optscale/contracts';
import type { CircuitBreaker } from '@optscale/routing';
import type { ProviderConnection } from '../config/gateway-state';

export type RetryPolicy = NonNullable<RoutingRuleSnapshot['retry']>;

/** One place a routed request may go, in the order the route stage will try them. */
export interface RouteCandidate {
  provider: ProviderConnection;
  /** The model name the provider knows. */
  upstreamModel: string;
  role: 'primary' | 'fallback';
  /** The target's circuit breaker; absent when no rule placed the request (no retries either). */
  breaker?: CircuitBreaker;
}

/**
 * What a matched routing rule decided: the targets to try in order (the weighted pick, then the
 * fallbacks), how to retry each, and the process-wide hooks the call stage needs (affinity, time).
 */
export interface RoutePlan {
  ruleId: string;
  ruleName: string;
  candidates: readonly RouteCandidate[];
  retry: RetryPolicy;
  /** The candidate that answered: the session sticks to it. */
  answered: (candidate: RouteCandidate) => void;
  random: () => number;
  /** Wall-clock ms (`retry-after` dates). */
  now: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}
