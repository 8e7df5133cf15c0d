import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { teamRoutes as routes } from './teams.routes';
import { TeamsService } from './teams.service';

@Controller()
export class TeamsController {
  constructor(@Inject(TeamsService) private readonly teams: TeamsService) {}

  @Endpoint(routes.list)
  list(@Input() input: RouteInput<typeof routes.list>) {
    return this.teams.list(input.params.organizationId, input.query);
  }

  @Endpoint(routes.create)
  create(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.create>) {
    return this.teams.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.get)
  get(@Input() input: RouteInput<typeof routes.get>) {
    return this.teams.get(input.params.organizationId, input.params.teamId);
  }

  @Endpoint(routes.update)
  update(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.update>) {
    const { organizationId, teamId } = input.params;
    return this.teams.update(actor, organizationId, teamId, input.body);
  }

  @Endpoint(routes.delete)
  delete(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.delete>): Promise<void> {
    return this.teams.delete(actor, input.params.organizationId, input.params.teamId);
  }

  @Endpoint(routes.putMembers)
  putMembers(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.putMembers>) {
    const { organizationId, teamId } = input.params;
    return this.teams.putMembers(actor, organizationId, teamId, input.body);
  }
}
