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
import { PROVIDERS_PUBLISHER } from './tokens';

@Module({})
class RouterServiceModule {}

/**
 * The `router` control-plane service: provider connections, their models and pricing overrides
 * under `/api/v1/organizations/:organizationId/…`, and the publisher that keeps
 * `optscale.config.providers.v1` equal to the store. Starting publishes in full; closing stops it.
 */
export function createRouterService(ctx: ControlPlaneContext): ServiceUnit {
  const publisher = new SnapshotPublisher(ctx.bus, ctx.dataSource, providersSource, {
    ...(ctx.log ? { log: ctx.log } : {}),
  });
  return {
    name: 'router',
    module: {
      module: RouterServiceModule,
      controllers: [ProvidersController, PricingController],
      providers: [
        { provide: CONTROL_PLANE_CONTEXT, useValue: ctx },
        { provide: PROVIDERS_PUBLISHER, useValue: publisher },
        ProvidersService,
        ModelsService,
        PricingService,
      ],
    },
    routes: routerRoutes,
    readiness: [publisher],
    start: () => publisher.start(),
    close: () => publisher.close(),
  };
}
