import { Module, type DynamicModule } from '@nestjs/common';
import type { RouteDefinition } from '@optscale/admin-api';
import { CONTROL_PLANE_CONTEXT, type ControlPlaneContext, type ServiceUnit } from '@optscale/control-plane';
import { AuditController } from './audit/audit.controller';
import { BudgetsController } from './budgets/budgets.controller';
import { budgetRoutes } from './budgets/budgets.routes';
import { BudgetsService } from './budgets/budgets.service';
import { auditRoutes } from './audit/audit.routes';
import { ConnectController } from './connect/connect.controller';
import { connectRoutes } from './connect/connect.routes';
import { KeysController } from './keys/keys.controller';
import { keyRoutes } from './keys/keys.routes';
import { KeysService } from './keys/keys.service';
import { OrganizationsController } from './organizations/organizations.controller';
import { organizationRoutes } from './organizations/organizations.routes';
import { OrganizationsService } from './organizations/organizations.service';
import { AuthPublishers, AuthStore } from './publishers';
import { SessionController } from './session/session.controller';
import { sessionRoutes } from './session/session.routes';
import { SessionService } from './session/session.service';
import { TeamsController } from './teams/teams.controller';
import { teamRoutes } from './teams/teams.routes';
import { TeamsService } from './teams/teams.service';
import { UsersController } from './users/users.controller';
import { userRoutes } from './users/users.routes';
import { UsersService } from './users/users.service';

/** Every route `auth` serves, for the OpenAPI document and the route tests. */
export const authRoutes: readonly RouteDefinition[] = [
  ...Object.values(sessionRoutes),
  ...Object.values(connectRoutes),
  ...Object.values(organizationRoutes),
  ...Object.values(userRoutes),
  ...Object.values(teamRoutes),
  ...Object.values(keyRoutes),
  ...Object.values(budgetRoutes),
  ...Object.values(auditRoutes),
];

/** The Nest module of one `auth` unit; the context and publishers are values of that unit. */
@Module({})
export class AuthServiceModule {
  static forContext(ctx: ControlPlaneContext, publishers: AuthPublishers): DynamicModule {
    return {
      module: AuthServiceModule,
      controllers: [
        SessionController,
        ConnectController,
        OrganizationsController,
        UsersController,
        TeamsController,
        KeysController,
        BudgetsController,
        AuditController,
      ],
      providers: [
        { provide: CONTROL_PLANE_CONTEXT, useValue: ctx },
        { provide: AuthPublishers, useValue: publishers },
        AuthStore,
        SessionService,
        OrganizationsService,
        UsersService,
        TeamsService,
        KeysService,
        BudgetsService,
      ],
    };
  }
}

/**
 * `auth`: organizations, users and their AI Access, teams, virtual keys, sessions and the audit
 * log, budgets; publishes `optscale.config.keys.v1`, `optscale.config.access.v1` and
 * `optscale.config.budgets.v1`. Starting it publishes them in full; it is ready once every publisher is.
 */
export function createAuthService(ctx: ControlPlaneContext): ServiceUnit {
  const publishers = new AuthPublishers(ctx);
  return {
    name: 'auth',
    module: AuthServiceModule.forContext(ctx, publishers),
    routes: authRoutes,
    readiness: [publishers.keys, publishers.access, publishers.budgets],
    start: () => publishers.start(),
    close: () => publishers.close(),
  };
}
