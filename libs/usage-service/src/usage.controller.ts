import { Controller, Inject, Res } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { usageRoutes } from './usage.routes';
import { UsageService } from './usage.service';

/** The reply surface used for the CSV export (Fastify's reply), so no HTTP adapter is imported. */
interface HeaderReply {
  header(name: string, value: string): unknown;
}

/** Thin HTTP edge of the Usage and Cost API. */
@Controller()
export class UsageController {
  constructor(@Inject(UsageService) private readonly usage: UsageService) {}

  @Endpoint(usageRoutes.totals)
  totals(@Input() input: RouteInput<typeof usageRoutes.totals>, @CurrentActor() actor: Actor) {
    return this.usage.totals(this.usage.filters(actor, input.params.organizationId, input.query));
  }

  @Endpoint(usageRoutes.costOverTime)
  costOverTime(@Input() input: RouteInput<typeof usageRoutes.costOverTime>, @CurrentActor() actor: Actor) {
    const filters = this.usage.filters(actor, input.params.organizationId, input.query);
    return this.usage.costOverTime(filters, input.query.granularity, input.query.group_by);
  }

  @Endpoint(usageRoutes.models)
  models(@Input() input: RouteInput<typeof usageRoutes.models>, @CurrentActor() actor: Actor) {
    return this.usage.models(this.usage.filters(actor, input.params.organizationId, input.query));
  }

  @Endpoint(usageRoutes.modelActivity)
  modelActivity(@Input() input: RouteInput<typeof usageRoutes.modelActivity>, @CurrentActor() actor: Actor) {
    const filters = this.usage.filters(actor, input.params.organizationId, input.query);
    return this.usage.modelActivity({ ...filters, model: input.query.model }, input.query.granularity);
  }

  @Endpoint(usageRoutes.users)
  users(@Input() input: RouteInput<typeof usageRoutes.users>, @CurrentActor() actor: Actor) {
    return this.usage.users(this.usage.filters(actor, input.params.organizationId, input.query));
  }

  @Endpoint(usageRoutes.comparison)
  comparison(@Input() input: RouteInput<typeof usageRoutes.comparison>, @CurrentActor() actor: Actor) {
    return this.usage.comparison(this.usage.filters(actor, input.params.organizationId, input.query));
  }

  @Endpoint(usageRoutes.export)
  async export(
    @Input() input: RouteInput<typeof usageRoutes.export>,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: HeaderReply,
  ): Promise<string> {
    const filters = this.usage.filters(actor, input.params.organizationId, input.query);
    const csv = await this.usage.export(input.query.report, filters, input.query);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="usage-${input.query.report}.csv"`);
    return csv;
  }
}
