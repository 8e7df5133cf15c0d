import { problems } from '@optscale/admin-api';
import { Organization } from '@optscale/database';
import { QueryFailedError, type EntityManager } from 'typeorm';
import { z } from 'zod';

/** The policy unit's snapshot publisher of `optscale.config.policies.v1`, for its services to `sync`. */
export const POLICIES_PUBLISHER = Symbol('POLICIES_PUBLISHER');

/**
 * The guard has checked the caller's organization for sessions; the bootstrap token passes for any
 * id, so an organization that does not exist is answered here, as 404, before anything is written.
 */
export async function assertOrganization(m: EntityManager, organizationId: string): Promise<void> {
  if (!(await m.getRepository(Organization).existsBy({ id: organizationId }))) {
    throw problems.notFound('organization', organizationId);
  }
}

/** Runs `work`; a violation of the unique constraint `constraint` becomes a 409 naming `field`. */
export async function conflictOn<T>(
  constraint: string,
  field: string,
  detail: () => string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof QueryFailedError) {
      const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
      if (driverError?.code === '23505' && driverError.constraint === constraint) {
        throw problems.conflict(detail(), field);
      }
    }
    throw error;
  }
}

/** `?flag=true|false` in a query string. */
export const booleanQuery = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const nameSchema = z.string().trim().min(1).max(200);
export const descriptionSchema = z.string().trim().max(2000).nullable();
/** CEL over the request; empty means always. Compiled by the service (400 naming body.condition). */
export const conditionSchema = z.string().trim().max(10_000);

/** `customPatterns` → `custom_patterns`: contract (camelCase) paths as the API (snake_case) names them. */
export function snakeCase(segment: string): string {
  return segment.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
