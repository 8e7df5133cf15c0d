import { setTimeout as delay } from 'node:timers/promises';
import { BreakerRegistry, DEFAULT_BREAKER, SessionAffinity, type BreakerOptions } from '@optscale/routing';
import { CompiledRulesCache } from './compiled-rules';

export interface RoutingRuntimeOptions {
  breaker?: Partial<BreakerOptions>;
  affinity?: { ttlMs: number; maxEntries: number };
  /** Monotonic or wall-clock ms for breakers, affinity and `retry-after` dates (tests). */
  now?: () => number;
  /** Uniform in [0, 1): weighted picks and back-off jitter (tests). */
  random?: () => number;
  /** Back-off waits (tests may skip them). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: (line: string) => void;
}

/** One hour, ten thousand sessions: a working day of a team's coding sessions, bounded in memory. */
const DEFAULT_AFFINITY = { ttlMs: 60 * 60 * 1000, maxEntries: 10_000 };

/**
 * What routing keeps across requests, per process: circuit breakers (one registry per organization,
 * since proxy names are only unique within one), session affinity, compiled rules. Replicas do not
 * share it: each learns a provider's health from its own traffic, which is what it will send there.
 */
export class RoutingRuntime {
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly affinity: SessionAffinity;
  readonly rules: CompiledRulesCache;
  private readonly breakerOptions: BreakerOptions;
  private readonly breakersByOrganization = new Map<string, BreakerRegistry>();

  constructor(options: RoutingRuntimeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
    this.affinity = new SessionAffinity(options.affinity ?? DEFAULT_AFFINITY, this.now);
    this.rules = new CompiledRulesCache(options.log ?? ((line) => console.error(`[gateway] ${line}`)));
  }

  breakers(organizationId: string): BreakerRegistry {
    let registry = this.breakersByOrganization.get(organizationId);
    if (registry === undefined) {
      registry = new BreakerRegistry(this.breakerOptions, this.now);
      this.breakersByOrganization.set(organizationId, registry);
    }
    return registry;
  }
}
