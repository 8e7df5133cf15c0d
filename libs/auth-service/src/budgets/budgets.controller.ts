import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { budgetRoutes as routes } from './budgets.routes';
import { BudgetsService } from './budgets.service';

@Controller()
export class BudgetsController {
  constructor(@Inject(BudgetsService) private readonly budgets: BudgetsService) {}

  @Endpoint(routes.list)
  list(@Input() input: RouteInput<typeof routes.list>) {
    return this.budgets.list(input.params.organizationId, input.query);
  }

  @Endpoint(routes.create)
  create(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.create>) {
    return this.budgets.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.get)
  get(@Input() input: RouteInput<typeof routes.get>) {
    return this.budgets.get(input.params.organizationId, input.params.budgetId);
  }

  @Endpoint(routes.update)
  update(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.update>) {
    const { organizationId, budgetId } = input.params;
    return this.budgets.update(actor, organizationId, budgetId, input.body);
  }

  @Endpoint(routes.delete)
  delete(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.delete>): Promise<void> {
    return this.budgets.delete(actor, input.params.organizationId, input.params.budgetId);
  }
}
