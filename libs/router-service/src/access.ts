import { hasRole, problems, type Actor } from '@optscale/admin-api';
import { AllowedProvider, Organization, Provider } from '@optscale/database';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';

/**
 * The guard has checked the caller's organization for sessions; the bootstrap token passes for any
 * id, so an organization that does not exist is answered here, as 404, before anything is written.
 */
export async function assertOrganization(m: EntityManager, organizationId: string): Promise<void> {
  const exists = await m.getRepository(Organization).exists({ where: { id: organizationId } });
  if (!exists) throw problems.notFound('organization', organizationId);
}

/**
 * Members see only the providers in their AI Access (PRODUCT.md 4.3: no row, no access); managers,
 * admins and the installation token see all. Returns the user whose allowed providers limit the
 * view, or undefined for no limit.
 */
export function visibilityLimit(actor: Actor, organizationId: string): string | undefined {
  if (hasRole(actor, organizationId, 'manager') || actor.kind !== 'user') return undefined;
  return actor.userId;
}

/** The organization's providers the actor may see, as a query to refine. */
export function visibleProviders(
  m: EntityManager,
  actor: Actor,
  organizationId: string,
): SelectQueryBuilder<Provider> {
  const query = m
    .getRepository(Provider)
    .createQueryBuilder('provider')
    .where('provider.organization_id = :organizationId', { organizationId });
  const userId = visibilityLimit(actor, organizationId);
  if (userId !== undefined) {
    query.andWhere(
      `provider.id IN ${query
        .subQuery()
        .select('allowed.provider_id')
        .from(AllowedProvider, 'allowed')
        .where('allowed.user_id = :userId')
        .getQuery()}`,
      { userId },
    );
  }
  return query;
}

/** One provider the actor may see; 404 otherwise (a member cannot probe what exists). */
export async function findVisibleProvider(
  m: EntityManager,
  actor: Actor,
  organizationId: string,
  providerId: string,
): Promise<Provider> {
  const provider = await visibleProviders(m, actor, organizationId)
    .andWhere('provider.id = :providerId', { providerId })
    .getOne();
  if (!provider) throw problems.notFound('provider', providerId);
  return provider;
}

/** One provider of the organization, for admins' writes (no visibility narrowing). */
export async function findProvider(
  m: EntityManager,
  organizationId: string,
  providerId: string,
): Promise<Provider> {
  const provider = await m.getRepository(Provider).findOne({ where: { id: providerId, organizationId } });
  if (!provider) throw problems.notFound('provider', providerId);
  return provider;
}
