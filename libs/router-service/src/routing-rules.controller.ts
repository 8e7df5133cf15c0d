import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { routingRuleRoutes as routes } from './routing-rule.routes';
import { RoutingRulesService } from './routing-rules.service';

@Controller()
export class RoutingRulesController {
  constructor(@Inject(RoutingRulesService) private readonly rules: RoutingRulesService) {}

  @Endpoint(routes.list)
  list(@Input() input: RouteInput<typeof routes.list>) {
    return this.rules.list(input.params.organizationId, input.query);
  }

  @Endpoint(routes.create)
  create(@Input() input: RouteInput<typeof routes.create>, @CurrentActor() actor: Actor) {
    return this.rules.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.get)
  get(@Input() input: RouteInput<typeof routes.get>) {
    return this.rules.get(input.params.organizationId, input.params.ruleId);
  }

  @Endpoint(routes.update)
  update(@Input() input: RouteInput<typeof routes.update>, @CurrentActor() actor: Actor) {
    const { organizationId, ruleId } = input.params;
    return this.rules.update(actor, organizationId, ruleId, input.body);
  }

  @Endpoint(routes.remove)
  remove(@Input() input: RouteInput<typeof routes.remove>, @CurrentActor() actor: Actor): Promise<void> {
    return this.rules.remove(actor, input.params.organizationId, input.params.ruleId);
  }
}
