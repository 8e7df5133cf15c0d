import { Module } from '@nestjs/common';
import type { RouteDefinition } from '@optscale/admin-api';
import type { ClickHouse } from '@optscale/clickhouse';
import type { ControlPlaneContext, ServiceUnit } from '@optscale/control-plane';
import { ANALYTICS_STORE, clickhouseCheck } from '@optscale/trace-service';
import { UsageAggregator } from './usage-aggregator';
import { UsageController } from './usage.controller';
import { usageRoutes } from './usage.routes';
import { UsageService } from './usage.service';

export const usageServiceRoutes: readonly RouteDefinition[] = Object.values(usageRoutes);

@Module({})
class UsageServiceModule {}

export interface UsageServiceDeps {
  /** The analytics store, migrated by the entry point; owned by the caller. */
  clickhouse: ClickHouse;
}

/**
 * The `cost-aggregator` service as a unit: the Usage and Cost API under
 * `/api/v1/organizations/:organizationId/usage/…` and the consumer (group `cost-aggregator`).
 * Extension points for budgets: `aggregator.onEvents(...)` sees every consumed batch; the module's
 * providers include `ANALYTICS_STORE` and `UsageAggregator` for injection; `extend` adds providers,
 * controllers, routes and lifecycle of a sub-feature to the same unit.
 */
export function createUsageService(
  ctx: ControlPlaneContext,
  deps: UsageServiceDeps,
  extensions: readonly UsageServiceExtension[] = [],
): ServiceUnit & { aggregator: UsageAggregator } {
  const aggregator = new UsageAggregator(ctx.bus, ctx.log);
  const parts = extensions.map((extend) => extend({ ctx, clickhouse: deps.clickhouse, aggregator }));
  return {
    name: 'cost-aggregator',
    aggregator,
    module: {
      module: UsageServiceModule,
      controllers: [UsageController, ...parts.flatMap((p) => p.controllers ?? [])],
      providers: [
        { provide: ANALYTICS_STORE, useValue: deps.clickhouse },
        { provide: UsageAggregator, useValue: aggregator },
        UsageService,
        ...parts.flatMap((p) => p.providers ?? []),
      ],
    },
    routes: [...usageServiceRoutes, ...parts.flatMap((p) => p.routes ?? [])],
    readiness: [clickhouseCheck(deps.clickhouse), aggregator, ...parts.flatMap((p) => p.readiness ?? [])],
    start: async () => {
      for (const part of parts) await part.start?.();
      await aggregator.start();
    },
    close: async () => {
      await aggregator.close();
      for (const part of [...parts].reverse()) await part.close?.();
    },
  };
}

/** A sub-feature of the cost aggregator (budgets): what it adds to the unit. */
export type UsageServiceExtension = (base: {
  ctx: ControlPlaneContext;
  clickhouse: ClickHouse;
  aggregator: UsageAggregator;
}) => Partial<Pick<ServiceUnit, 'routes' | 'readiness' | 'start' | 'close'>> & {
  controllers?: NonNullable<ServiceUnit['module']['controllers']>;
  providers?: NonNullable<ServiceUnit['module']['providers']>;
};
