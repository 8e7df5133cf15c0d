import { problems, uuidParam } from '@optscale/admin-api';
import { USER_ROLES } from '@optscale/contracts';
import { QueryFailedError } from 'typeorm';
import { z } from 'zod';

/** Emails are compared case-insensitively (the column lower-cases too); trimmed before checking. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .pipe(z.email('expected an email address'));

/** Long enough to resist guessing; an upper bound so scrypt is not fed megabytes. */
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(256);

export const roleSchema = z.enum(USER_ROLES);

export const nameSchema = z.string().trim().min(1).max(200);

/** ISO 4217, as the access snapshot requires. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD');

/** Provider proxy names (PRODUCT.md 3.4), checked against the organization's providers by the service. */
export const proxyNamesSchema = z.array(z.string().min(1).max(64)).max(500);

export const idListSchema = z.array(uuidParam).max(1000);

/** `?flag=true|false` in a query string. */
export const booleanQuery = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const isoDateTime = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time' });

/** Dates leave the API as ISO strings (or null). */
export function iso(date: Date): string;
export function iso(date: Date | null): string | null;
export function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** Whether a write failed on the named unique constraint (a race the pre-check did not see). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string } | undefined;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}

/** Runs `work`; a violation of `constraint` becomes a 409 naming `field`. */
export async function conflictOn<T>(
  constraint: string,
  field: string,
  detail: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, constraint)) throw problems.conflict(detail, field);
    throw error;
  }
}
