import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { guardrailRoutes } from './guardrails/guardrails.routes';
import { GuardrailsService } from './guardrails/guardrails.service';
import { policyCrudRoutes } from './policies/policies.routes';
import { PoliciesService } from './policies/policies.service';

/*
 * Thin HTTP edges: access is declared on each route (the global guard enforces it), input is parsed
 * by the route's schemas, and everything else is the services'.
 */

@Controller()
export class GuardrailsController {
  constructor(@Inject(GuardrailsService) private readonly guardrails: GuardrailsService) {}

  @Endpoint(guardrailRoutes.list)
  list(@Input() input: RouteInput<typeof guardrailRoutes.list>) {
    return this.guardrails.list(input.params.organizationId, input.query);
  }

  @Endpoint(guardrailRoutes.create)
  create(@Input() input: RouteInput<typeof guardrailRoutes.create>, @CurrentActor() actor: Actor) {
    return this.guardrails.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(guardrailRoutes.get)
  get(@Input() input: RouteInput<typeof guardrailRoutes.get>) {
    return this.guardrails.get(input.params.organizationId, input.params.guardrailId);
  }

  @Endpoint(guardrailRoutes.update)
  update(@Input() input: RouteInput<typeof guardrailRoutes.update>, @CurrentActor() actor: Actor) {
    const { organizationId, guardrailId } = input.params;
    return this.guardrails.update(actor, organizationId, guardrailId, input.body);
  }

  @Endpoint(guardrailRoutes.remove)
  remove(@Input() input: RouteInput<typeof guardrailRoutes.remove>, @CurrentActor() actor: Actor) {
    return this.guardrails.remove(actor, input.params.organizationId, input.params.guardrailId);
  }
}

@Controller()
export class PoliciesController {
  constructor(@Inject(PoliciesService) private readonly policies: PoliciesService) {}

  @Endpoint(policyCrudRoutes.list)
  list(@Input() input: RouteInput<typeof policyCrudRoutes.list>) {
    return this.policies.list(input.params.organizationId, input.query);
  }

  @Endpoint(policyCrudRoutes.create)
  create(@Input() input: RouteInput<typeof policyCrudRoutes.create>, @CurrentActor() actor: Actor) {
    return this.policies.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(policyCrudRoutes.get)
  get(@Input() input: RouteInput<typeof policyCrudRoutes.get>) {
    return this.policies.get(input.params.organizationId, input.params.policyId);
  }

  @Endpoint(policyCrudRoutes.update)
  update(@Input() input: RouteInput<typeof policyCrudRoutes.update>, @CurrentActor() actor: Actor) {
    const { organizationId, policyId } = input.params;
    return this.policies.update(actor, organizationId, policyId, input.body);
  }

  @Endpoint(policyCrudRoutes.remove)
  remove(@Input() input: RouteInput<typeof policyCrudRoutes.remove>, @CurrentActor() actor: Actor) {
    return this.policies.remove(actor, input.params.organizationId, input.params.policyId);
  }

  @Endpoint(policyCrudRoutes.stats)
  stats(@Input() input: RouteInput<typeof policyCrudRoutes.stats>) {
    const { organizationId, policyId } = input.params;
    return this.policies.stats(organizationId, policyId, input.query.hours);
  }
}
