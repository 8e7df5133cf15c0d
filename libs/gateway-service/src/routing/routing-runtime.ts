import { setTimeout as delay } from 'node:timers/promises';
import { BreakerRegistry, DEFAULT_BREAKER, SessionAffinity, type BreakerOptions } from '@optscale/routing';
import type { TargetHealthEntry } from '../config/target-health';
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
  /**
   * The router's open verdicts on an organization's targets, by target id (the state's
   * `targetHealth`), read each time the organization's breakers are asked for. Absent: local
   * breakers only.
   */
  targetHealth?: (organizationId: string) => ReadonlyMap<string, TargetHealthEntry> | undefined;
}

/** One hour, ten thousand sessions: a working day of a team's coding sessions, bounded in memory. */
const DEFAULT_AFFINITY = { ttlMs: 60 * 60 * 1000, maxEntries: 10_000 };

/**
 * What routing keeps across requests, per process: circuit breakers (one registry per organization,
 * since proxy names are only unique within one), session affinity, compiled rules. Each replica
 * learns a provider's health from its own traffic, and also from the router, which judges every
 * replica's traffic (`optscale.router.health.v1`): a target the router holds open is forced open
 * here too, so a replica that never saw it fail skips it as well.
 */
export class RoutingRuntime {
  readonly now: () => number;
  readonly random: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly affinity: SessionAffinity;
  readonly rules: CompiledRulesCache;
  private readonly breakerOptions: BreakerOptions;
  private readonly breakersByOrganization = new Map<string, BreakerRegistry>();
  /** Per organization and target, the router's `openUntil` already forced (forced once, not per request). */
  private readonly forcedByOrganization = new Map<string, Map<string, number>>();
  private readonly targetHealth: RoutingRuntimeOptions['targetHealth'];

  constructor(options: RoutingRuntimeOptions = {}) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.breakerOptions = { ...DEFAULT_BREAKER, ...options.breaker };
    this.affinity = new SessionAffinity(options.affinity ?? DEFAULT_AFFINITY, this.now);
    this.rules = new CompiledRulesCache(options.log ?? ((line) => console.error(`[gateway] ${line}`)));
    this.targetHealth = options.targetHealth;
  }

  /** The organization's breakers, with the router's current open verdicts applied (before planning). */
  breakers(organizationId: string): BreakerRegistry {
    let registry = this.breakersByOrganization.get(organizationId);
    if (registry === undefined) {
      registry = new BreakerRegistry(this.breakerOptions, this.now);
      this.breakersByOrganization.set(organizationId, registry);
    }
    const health = this.targetHealth?.(organizationId);
    if (health !== undefined && health.size > 0) this.applyHealth(organizationId, registry, health);
    return registry;
  }

  /**
   * Forces open every target the router holds open until a time still ahead, once per verdict. A
   * breaker that is open already is left alone: forcing would move its end, and may shorten what this
   * replica's own failures decided; it is looked at again once it is no longer open. `closed`
   * verdicts force nothing: the router publishes them once the cooldown has passed, when the
   * breaker here is half-open and lets its own probe decide.
   */
  private applyHealth(
    organizationId: string,
    registry: BreakerRegistry,
    health: ReadonlyMap<string, TargetHealthEntry>,
  ): void {
    const now = this.now();
    let forced = this.forcedByOrganization.get(organizationId);
    for (const [targetId, { openUntil }] of health) {
      if (openUntil <= now || forced?.get(targetId) === openUntil) continue;
      const breaker = registry.get(targetId);
      if (breaker.state() === 'open') continue;
      breaker.forceOpen(openUntil);
      if (forced === undefined) {
        forced = new Map();
        this.forcedByOrganization.set(organizationId, forced);
      }
      forced.set(targetId, openUntil);
    }
    // Verdicts the router has withdrawn need no memory here (bounded by the open targets).
    if (forced !== undefined && forced.size > health.size) {
      for (const targetId of forced.keys()) if (!health.has(targetId)) forced.delete(targetId);
    }
  }
}
