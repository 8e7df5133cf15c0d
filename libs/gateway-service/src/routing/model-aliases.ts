import type { RoutingRuleSnapshot } from '@optscale/contracts';
import { keyMayUse, type KeyRecord, type OrganizationState } from '../config/gateway-state';

/**
 * The model names routing rules answer to that a key could use: enabled rules in the key's scope
 * (the organization's, its teams', its own) with at least one target or fallback the key may call.
 * Conditions are not evaluated, since they depend on the request, so an alias is listed when some
 * request could reach it. Sorted and without duplicates, so lists are stable.
 */
export function listRuleAliases(org: OrganizationState, key: KeyRecord): string[] {
  const aliases = new Set<string>();
  for (const rule of org.routingRules) {
    if (!rule.enabled || rule.models.length === 0 || !inScope(rule, key)) continue;
    const reachable = [...rule.targets, ...rule.fallbacks].some((t) => {
      const provider = org.providers.get(t.provider);
      return provider !== undefined && provider.active && keyMayUse(key, provider.proxyName);
    });
    if (reachable) for (const model of rule.models) aliases.add(model);
  }
  return [...aliases].sort();
}

function inScope(rule: RoutingRuleSnapshot, key: KeyRecord): boolean {
  switch (rule.scope) {
    case 'organization':
      return true;
    case 'team':
      return rule.scopeId !== null && key.user.teamIds.includes(rule.scopeId);
    case 'key':
      return rule.scopeId === key.id;
  }
}
