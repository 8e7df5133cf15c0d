import { Module } from '@nestjs/common';
import {
  CONTROL_PLANE_CONTEXT,
  SnapshotPublisher,
  providersSource,
  type ControlPlaneContext,
  type ServiceUnit,
} from '@optscale/control-plane';
import { PricingController, ProvidersController } from './controllers';
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
 * routing rules under `/api/v1/organizations/:organizationId/…`, and the publishers that keep
 * `optscale.config.providers.v1` and `optscale.config.routes.v1` equal to the store. Starting
 * publishes both in full; closing stops them.
 */
export function createRouterService(ctx: ControlPlaneContext): ServiceUnit {
  const options = ctx.log ? { log: ctx.log } : {};
  const publisher = new SnapshotPublisher(ctx.bus, ctx.dataSource, providersSource, options);
  const routes = new SnapshotPublisher(ctx.bus, ctx.dataSource, routesSource, options);
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
    readiness: [publisher, routes],
    start: async () => {
      await publisher.start();
      await routes.start();
    },
    close: async () => {
      await publisher.close();
      await routes.close();
    },
  };
}
