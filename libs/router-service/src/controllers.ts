import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { ModelsService } from './models.service';
import { pricingRoutes } from './pricing.routes';
import { PricingService } from './pricing.service';
import { providerRoutes } from './provider.routes';
import { ProvidersService } from './providers.service';

/*
 * Thin HTTP edges: access is declared on each route (the global guard enforces it), input is parsed
 * by the route's schemas, and everything else is the services'.
 */

@Controller()
export class ProvidersController {
  constructor(
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(ModelsService) private readonly models: ModelsService,
  ) {}

  @Endpoint(providerRoutes.list)
  list(@Input() input: RouteInput<typeof providerRoutes.list>, @CurrentActor() actor: Actor) {
    return this.providers.list(actor, input.params.organizationId, input.query);
  }

  @Endpoint(providerRoutes.create)
  create(@Input() input: RouteInput<typeof providerRoutes.create>, @CurrentActor() actor: Actor) {
    return this.providers.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(providerRoutes.get)
  get(@Input() input: RouteInput<typeof providerRoutes.get>, @CurrentActor() actor: Actor) {
    return this.providers.get(actor, input.params.organizationId, input.params.providerId);
  }

  @Endpoint(providerRoutes.update)
  update(@Input() input: RouteInput<typeof providerRoutes.update>, @CurrentActor() actor: Actor) {
    const { organizationId, providerId } = input.params;
    return this.providers.update(actor, organizationId, providerId, input.body);
  }

  @Endpoint(providerRoutes.remove)
  remove(@Input() input: RouteInput<typeof providerRoutes.remove>, @CurrentActor() actor: Actor) {
    return this.providers.remove(actor, input.params.organizationId, input.params.providerId);
  }

  @Endpoint(providerRoutes.listModels)
  listModels(@Input() input: RouteInput<typeof providerRoutes.listModels>, @CurrentActor() actor: Actor) {
    const { organizationId, providerId } = input.params;
    return this.models.list(actor, organizationId, providerId, input.query);
  }

  @Endpoint(providerRoutes.addModel)
  addModel(@Input() input: RouteInput<typeof providerRoutes.addModel>, @CurrentActor() actor: Actor) {
    const { organizationId, providerId } = input.params;
    return this.models.add(actor, organizationId, providerId, input.body.model);
  }

  @Endpoint(providerRoutes.removeModel)
  removeModel(@Input() input: RouteInput<typeof providerRoutes.removeModel>, @CurrentActor() actor: Actor) {
    const { organizationId, providerId, modelId } = input.params;
    return this.models.remove(actor, organizationId, providerId, modelId);
  }

  @Endpoint(providerRoutes.discover)
  discover(@Input() input: RouteInput<typeof providerRoutes.discover>, @CurrentActor() actor: Actor) {
    return this.models.discover(actor, input.params.organizationId, input.params.providerId);
  }
}

@Controller()
export class PricingController {
  constructor(@Inject(PricingService) private readonly pricing: PricingService) {}

  @Endpoint(pricingRoutes.list)
  list(@Input() input: RouteInput<typeof pricingRoutes.list>) {
    return this.pricing.list(input.params.organizationId, input.query);
  }

  @Endpoint(pricingRoutes.create)
  create(@Input() input: RouteInput<typeof pricingRoutes.create>, @CurrentActor() actor: Actor) {
    return this.pricing.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(pricingRoutes.update)
  update(@Input() input: RouteInput<typeof pricingRoutes.update>, @CurrentActor() actor: Actor) {
    const { organizationId, overrideId } = input.params;
    return this.pricing.update(actor, organizationId, overrideId, input.body);
  }

  @Endpoint(pricingRoutes.remove)
  remove(@Input() input: RouteInput<typeof pricingRoutes.remove>, @CurrentActor() actor: Actor) {
    return this.pricing.remove(actor, input.params.organizationId, input.params.overrideId);
  }
}
