import { QueryFailedError } from 'typeorm';

/** The unique constraint (or unique index) a failed insert/update violated, if that is what failed. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: unknown; constraint?: unknown } | undefined;
  if (driverError?.code !== '23505') return undefined;
  return typeof driverError.constraint === 'string' ? driverError.constraint : '';
}
