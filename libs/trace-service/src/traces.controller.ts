import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { TracesService } from './traces.service';
import { traceRoutes } from './traces.routes';

/** Thin HTTP edge: access is declared on the routes; scoping members to themselves is the service's. */
@Controller()
export class TracesController {
  constructor(@Inject(TracesService) private readonly traces: TracesService) {}

  @Endpoint(traceRoutes.list)
  list(@Input() input: RouteInput<typeof traceRoutes.list>, @CurrentActor() actor: Actor) {
    return this.traces.list(actor, input.params.organizationId, input.query);
  }

  @Endpoint(traceRoutes.get)
  get(@Input() input: RouteInput<typeof traceRoutes.get>, @CurrentActor() actor: Actor) {
    return this.traces.get(actor, input.params.organizationId, input.params.requestId);
  }
}
