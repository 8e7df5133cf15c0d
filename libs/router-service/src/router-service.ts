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
import { pricingSource } from './pricing.source';
import { ProvidersService } from './providers.service';
import { routerRoutes } from './routes';
import { routesSource } from './routing-rule.source';
import { RoutingRulesController } from './routing-rules.controller';
import { RoutingRulesService } from './routing-rules.service';
import { PRICING_PUBLISHER, PROVIDERS_PUBLISHER, ROUTES_PUBLISHER } from './tokens';

@Module({})
class RouterServiceModule {}

/**
 * The `router` control-plane service: provider connections, their models, pricing overrides and
 * routing rules under `/api/v1/organizations/:organizationId/…`, the publishers that keep
 * `optscale.config.providers.v1`, `optscale.config.routes.v1` and `optscale.config.pricing.v1` equal
 * to the store, and the health part that turns the gateways' request events into circuit-breaker
 * verdicts on `optscale.router.health.v1`. Starting publishes the three snapshots in full and starts
 * consuming; closing stops all four.
 */
export function createRouterService(ctx: ControlPlaneContext): ServiceUnit {
  const options = ctx.log ? { log: ctx.log } : {};
  const publisher = new SnapshotPublisher(ctx.bus, ctx.dataSource, providersSource, options);
  const routes = new SnapshotPublisher(ctx.bus, ctx.dataSource, routesSource, options);
  const pricing = new SnapshotPublisher(ctx.bus, ctx.dataSource, pricingSource, options);
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
        { provide: PRICING_PUBLISHER, useValue: pricing },
        ProvidersService,
        ModelsService,
        PricingService,
        RoutingRulesService,
      ],
    },
    routes: routerRoutes,
    readiness: [publisher, routes, pricing, health],
    start: async () => {
      await publisher.start();
      await routes.start();
      await pricing.start();
      await health.start();
    },
    close: async () => {
      await health.close();
      await publisher.close();
      await routes.close();
      await pricing.close();
    },
  };
}
