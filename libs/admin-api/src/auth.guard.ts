import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { UserRole } from '@optscale/contracts';
import { Session, User } from '@optscale/database';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from './admin-api.options';
import { hasRole, type Actor, type RequestWithActor } from './actor';
import { problems } from './problem';
import { ROUTE_METADATA, type RouteDefinition } from './route';
import { secretsEqual, sha256Tag } from './tokens';

/**
 * Paths outside the admin API that are public by design: liveness and readiness probes, and the
 * Prometheus metrics (no tenant data in them; turned off or moved with OPTSCALE_METRICS(_PORT)).
 */
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

interface GuardedRequest extends RequestWithActor {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
}

/**
 * The one guard of every Nest handler in every service (registered globally). A handler must carry
 * a route definition (`@Endpoint`) saying who may call it; a handler without one is refused unless
 * it is a health probe. So a new endpoint cannot be unguarded by accident.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const route = this.reflector.get<RouteDefinition | undefined>(ROUTE_METADATA, context.getHandler());
    if (!route) {
      if (PROBES.has(request.url.split('?')[0] ?? '')) return true;
      throw problems.forbidden('this endpoint declares no access rule');
    }
    if (route.access === 'public') return true;
    const actor = await this.authenticate(request);
    request.actor = actor;
    switch (route.access) {
      case 'authenticated':
        return true;
      case 'installation':
        if (actor.kind !== 'installation')
          throw problems.forbidden('only the installation administrator may do this');
        return true;
      case 'member':
      case 'manager':
      case 'admin': {
        const organizationId = request.params?.['organizationId'];
        if (!organizationId) throw new Error(`route ${route.path} needs :organizationId for role access`);
        if (actor.kind === 'user' && actor.organizationId !== organizationId) {
          // Another organization is indistinguishable from one that does not exist.
          throw problems.notFound('organization', organizationId);
        }
        if (!hasRole(actor, organizationId, route.access)) {
          throw problems.forbidden(`this needs the ${route.access} role`);
        }
        return true;
      }
    }
  }

  private async authenticate(request: GuardedRequest): Promise<Actor> {
    const header = request.headers['authorization'];
    const value = Array.isArray(header) ? header[0] : header;
    const token = value?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
    if (!token) throw problems.unauthenticated('send Authorization: Bearer <session token>');
    const bootstrap = this.options.bootstrapToken;
    if (bootstrap && secretsEqual(token, bootstrap)) return { kind: 'installation' };
    const row = await this.options.dataSource
      .getRepository(Session)
      .createQueryBuilder('session')
      .innerJoin(User, 'user', 'user.id = session.user_id')
      .select(['session.id AS id', 'user.id AS user_id', 'user.organization_id AS organization_id'])
      .addSelect(['user.role AS role', 'user.email AS email'])
      .where('session.token_hash = :hash AND session.expires_at > now()', { hash: sha256Tag(token) })
      .getRawOne<{ id: string; user_id: string; organization_id: string; role: UserRole; email: string }>();
    if (!row) throw problems.unauthenticated('the session token is unknown or expired');
    return {
      kind: 'user',
      sessionId: row.id,
      userId: row.user_id,
      organizationId: row.organization_id,
      role: row.role,
      email: row.email,
    };
  }
}
