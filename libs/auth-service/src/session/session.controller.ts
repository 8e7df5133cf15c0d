import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, type Actor, type RouteInput } from '@optscale/admin-api';
import { sessionRoutes } from './session.routes';
import { SessionService } from './session.service';

@Controller()
export class SessionController {
  constructor(@Inject(SessionService) private readonly sessions: SessionService) {}

  @Endpoint(sessionRoutes.login)
  login(@Input() input: RouteInput<typeof sessionRoutes.login>) {
    return this.sessions.login(input.body);
  }

  @Endpoint(sessionRoutes.logout)
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.sessions.logout(actor);
  }

  @Endpoint(sessionRoutes.me)
  me(@CurrentActor() actor: Actor) {
    return this.sessions.me(actor);
  }

  @Endpoint(sessionRoutes.changePassword)
  changePassword(
    @CurrentActor() actor: Actor,
    @Input() input: RouteInput<typeof sessionRoutes.changePassword>,
  ): Promise<void> {
    return this.sessions.changePassword(actor, input.body);
  }
}
