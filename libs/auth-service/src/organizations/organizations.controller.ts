import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { organizationRoutes as routes } from './organizations.routes';
import { OrganizationsService } from './organizations.service';

@Controller()
export class OrganizationsController {
  constructor(@Inject(OrganizationsService) private readonly organizations: OrganizationsService) {}

  @Endpoint(routes.create)
  create(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.create>) {
    return this.organizations.create(actor, input.body);
  }

  @Endpoint(routes.list)
  list(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.list>) {
    return this.organizations.list(actor, input.query);
  }

  @Endpoint(routes.get)
  get(@Input() input: RouteInput<typeof routes.get>) {
    return this.organizations.get(input.params.organizationId);
  }

  @Endpoint(routes.update)
  update(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.update>) {
    return this.organizations.update(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.delete)
  delete(@Input() input: RouteInput<typeof routes.delete>): Promise<void> {
    return this.organizations.delete(input.params.organizationId);
  }
}
