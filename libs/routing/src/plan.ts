import type { RouteTarget, RoutingRuleSnapshot } from '@optscale/contracts';
import type { BreakerRegistry } from './breaker';
import { pickWeighted } from './weighted';

export interface PlannedTarget {
  provider: string;
  model: string;
  role: 'primary' | 'fallback';
}

export function targetId(t: { provider: string; model: string }): string {
  return `${t.provider}/${t.model}`;
}

/**
 * The ordered targets to try for a rule: the affinity target if it is still one of the rule's
 * targets and its breaker is not open, else one picked by weight among targets whose breaker is
 * not open (all open → pick among all by weight, since failing fast with no attempt is worse than
 * trying a maybe-recovered target); then the fallbacks in order; every target's `model` defaults to
 * `requestedModel`; targets whose provider is not in `allowedProviders` are dropped (never route
 * outside the key's allowed providers); duplicates removed. May be empty: the caller answers that
 * no allowed provider serves the request.
 */
export function planTargets(
  rule: RoutingRuleSnapshot,
  input: {
    requestedModel: string;
    allowedProviders: ReadonlySet<string>;
    breakers: BreakerRegistry;
    affinityTargetId?: string;
    random: () => number;
  },
): PlannedTarget[] {
  const resolve = (t: RouteTarget, role: PlannedTarget['role']): PlannedTarget => ({
    provider: t.provider,
    model: t.model ?? input.requestedModel,
    role,
  });
  const isOpen = (t: PlannedTarget): boolean => input.breakers.get(targetId(t)).state() === 'open';

  const weighted = rule.targets
    .filter((t) => input.allowedProviders.has(t.provider))
    .map((t) => ({ target: resolve(t, 'primary'), weight: t.weight }));

  let primary: PlannedTarget | undefined = weighted
    .map((w) => w.target)
    .find((t) => targetId(t) === input.affinityTargetId && !isOpen(t));
  if (primary === undefined && weighted.length > 0) {
    const healthy = weighted.filter((w) => !isOpen(w.target));
    primary = pickWeighted(healthy.length > 0 ? healthy : weighted, input.random).target;
  }

  const fallbacks = rule.fallbacks
    .filter((t) => input.allowedProviders.has(t.provider))
    .map((t) => resolve(t, 'fallback'));

  const seen = new Set<string>();
  const planned: PlannedTarget[] = [];
  for (const t of primary === undefined ? fallbacks : [primary, ...fallbacks]) {
    const id = targetId(t);
    if (seen.has(id)) continue;
    seen.add(id);
    planned.push(t);
  }
  return planned;
}
