import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { keyRoutes as routes } from './keys.routes';
import { KeysService } from './keys.service';

@Controller()
export class KeysController {
  constructor(@Inject(KeysService) private readonly keys: KeysService) {}

  @Endpoint(routes.list)
  list(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.list>) {
    return this.keys.list(actor, input.params.organizationId, input.query);
  }

  @Endpoint(routes.create)
  create(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.create>) {
    return this.keys.create(actor, input.params.organizationId, input.body);
  }

  @Endpoint(routes.get)
  get(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.get>) {
    return this.keys.get(actor, input.params.organizationId, input.params.keyId);
  }

  @Endpoint(routes.update)
  update(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.update>) {
    const { organizationId, keyId } = input.params;
    return this.keys.update(actor, organizationId, keyId, input.body);
  }

  @Endpoint(routes.revoke)
  revoke(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.revoke>) {
    return this.keys.revoke(actor, input.params.organizationId, input.params.keyId);
  }

  @Endpoint(routes.delete)
  delete(@CurrentActor() actor: Actor, @Input() input: RouteInput<typeof routes.delete>): Promise<void> {
    return this.keys.delete(actor, input.params.organizationId, input.params.keyId);
  }
}
