import { Module } from '@nestjs/common';
import type { RouteDefinition } from '@optscale/admin-api';
import type { ClickHouse } from '@optscale/clickhouse';
import type { ControlPlaneContext, ServiceUnit } from '@optscale/control-plane';
import { clickhouseCheck } from './clickhouse-check';
import { TraceCollector, type TraceCollectorOptions } from './trace-collector';
import { TracesController } from './traces.controller';
import { traceRoutes } from './traces.routes';
import { TracesService } from './traces.service';
import { ANALYTICS_STORE } from './tokens';

export const traceServiceRoutes: readonly RouteDefinition[] = Object.values(traceRoutes);

@Module({})
class TraceServiceModule {}

export interface TraceServiceDeps {
  /** The analytics store, migrated by the entry point (one runner for the whole process). */
  clickhouse: ClickHouse;
  collector?: Omit<TraceCollectorOptions, 'log'>;
}

/**
 * The `trace-collector` service as a unit: the collector (group `trace-collector`) that writes
 * request events to `traces`, and the Traces API under `/api/v1/organizations/:organizationId/traces`.
 * The ClickHouse handle belongs to the caller (the platform shares it with the cost aggregator).
 */
export function createTraceService(
  ctx: ControlPlaneContext,
  deps: TraceServiceDeps,
): ServiceUnit & {
  collector: TraceCollector;
} {
  const collector = new TraceCollector(ctx.bus, deps.clickhouse, {
    ...deps.collector,
    ...(ctx.log ? { log: ctx.log } : {}),
  });
  return {
    name: 'trace-collector',
    collector,
    module: {
      module: TraceServiceModule,
      controllers: [TracesController],
      providers: [{ provide: ANALYTICS_STORE, useValue: deps.clickhouse }, TracesService],
    },
    routes: traceServiceRoutes,
    readiness: [clickhouseCheck(deps.clickhouse), collector],
    start: () => collector.start(),
    close: () => collector.close(),
  };
}
