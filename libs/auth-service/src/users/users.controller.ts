import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { userRoutes as routes } from './users.routes';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Endpoint(routes.list)
  list(@Input() input: RouteInput<typeof routes.list>) {
    return this.users.list(input.params.organizationId, input.query);
  }

  @Endpoint(routes.create)
  create(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.create>) {
    return this.users.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.get)
  get(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.get>) {
    return this.users.get(actor, input.params.organizationId, input.params.userId);
  }

  @Endpoint(routes.update)
  update(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.update>) {
    const { organizationId, userId } = input.params;
    return this.users.update(actor, organizationId, userId, input.body);
  }

  @Endpoint(routes.delete)
  delete(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.delete>): Promise<void> {
    return this.users.delete(actor, input.params.organizationId, input.params.userId);
  }

  @Endpoint(routes.getAllowedProviders)
  getAllowedProviders(
    @CurrentActor() actor: Actor,
    @Input() input: RouteInput<typeof routes.getAllowedProviders>,
  ) {
    return this.users.getAllowedProviders(actor, input.params.organizationId, input.params.userId);
  }

  @Endpoint(routes.putAllowedProviders)
  putAllowedProviders(
    @CurrentActor() actor: Actor,
    @Input() input: RouteInput<typeof routes.putAllowedProviders>,
  ) {
    const { organizationId, userId } = input.params;
    return this.users.putAllowedProviders(actor, organizationId, userId, input.body);
  }
}
