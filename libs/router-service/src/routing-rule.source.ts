import { routeMessageKey, type RouteTarget, type RoutingRuleSnapshot } from '@optscale/contracts';
import type { SnapshotMap, SnapshotSource } from '@optscale/control-plane';
import { RoutingRule, type RouteTargetColumn } from '@optscale/database';
import type { EntityManager } from 'typeorm';

function target(column: RouteTargetColumn): RouteTarget {
  return column.model === undefined
    ? { provider: column.provider }
    : { provider: column.provider, model: column.model };
}

/** One rule as `optscale.config.routes.v1` carries it. */
export function routeSnapshot(rule: RoutingRule): RoutingRuleSnapshot {
  const snapshot: RoutingRuleSnapshot = {
    id: rule.id,
    organizationId: rule.organizationId,
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    condition: rule.condition,
    scope: rule.scope,
    scopeId: rule.scopeId,
    priority: rule.priority,
    models: rule.models,
    // Saved targets always carry a weight (the API requires it); 1 keeps a hand-made row usable.
    targets: rule.targets.map((t) => ({ ...target(t), weight: t.weight ?? 1 })),
    fallbacks: rule.fallbacks.map(target),
  };
  if (rule.retry) snapshot.retry = { ...rule.retry };
  return snapshot;
}

/** `optscale.config.routes.v1`: every routing rule (disabled ones too), by `<org>/<rule id>`. */
export async function loadRouteSnapshots(
  m: EntityManager,
  organizationId?: string,
): Promise<SnapshotMap<RoutingRuleSnapshot>> {
  const rules = await m
    .getRepository(RoutingRule)
    .find({ where: organizationId === undefined ? {} : { organizationId } });
  return new Map(rules.map((rule) => [routeMessageKey(rule.organizationId, rule.id), routeSnapshot(rule)]));
}

/** `router` publishes routing rules next to the providers. */
export const routesSource: SnapshotSource<'optscale.config.routes.v1'> = {
  topic: 'optscale.config.routes.v1',
  load: loadRouteSnapshots,
  organizationOf: (value) => value.organizationId,
};
