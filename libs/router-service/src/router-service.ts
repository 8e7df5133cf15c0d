import { Module } from '@nestjs/common';
import {
  CONTROL_PLANE_CONTEXT,
  SnapshotPublisher,
  providersSource,
  type ControlPlaneContext,
  type ServiceUnit,
} from '@optscale/control-plane';
import { PricingController, ProvidersController } from './controllers';
import { TargetHealthConsumer } from './health/health-consumer';
import { ModelsService } from './models.service';
import { PricingService } from './pricing.service';
import { ProvidersService } from './providers.service';
import { routerRoutes } from './routes';
import { routesSource } from './routing-rule.source';
import { RoutingRulesController } from './routing-rules.controller';
import { RoutingRulesService } from './routing-rules.service';
import { PROVIDERS_PUBLISHER, ROUTES_PUBLISHER } from './tokens';

@Module({})
class RouterServiceModule {}

/**
 * The `router` control-plane service: provider connections, their models, pricing overrides and
 * routing rules under `/api/v1/organizations/:organizationId/…`, the publishers that keep
 * `optscale.config.providers.v1` and `optscale.config.routes.v1` equal to the store, and the health
 * part that turns the gateways' request events into circuit-breaker verdicts on
 * `optscale.router.health.v1`. Starting publishes both snapshots in full and starts consuming;
 * closing stops all three.
 */
export function createRouterService(ctx: ControlPlaneContext): ServiceUnit {
  const options = ctx.log ? { log: ctx.log } : {};
  const publisher = new SnapshotPublisher(ctx.bus, ctx.dataSource, providersSource, options);
  const routes = new SnapshotPublisher(ctx.bus, ctx.dataSource, routesSource, options);
  const health = new TargetHealthConsumer({ bus: ctx.bus, ...options });
  return {
    name: 'router',
    module: {
      module: RouterServiceModule,
      controllers: [ProvidersController, PricingController, RoutingRulesController],
      providers: [
        { provide: CONTROL_PLANE_CONTEXT, useValue: ctx },
        { provide: PROVIDERS_PUBLISHER, useValue: publisher },
        { provide: ROUTES_PUBLISHER, useValue: routes },
        ProvidersService,
        ModelsService,
        PricingService,
        RoutingRulesService,
      ],
    },
    routes: routerRoutes,
    readiness: [publisher, routes, health],
    start: async () => {
      await publisher.start();
      await routes.start();
      await health.start();
    },
    close: async () => {
      await health.close();
      await publisher.close();
      await routes.close();
    },
  };
}
