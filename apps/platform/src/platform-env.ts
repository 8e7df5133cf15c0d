import { gatewayEnvSchema } from '@optscale/gateway-service';
import { z } from 'zod';

/**
 * The embedded default's environment: the gateway's variables (docs/configuration.md) plus the
 * control plane's. Postgres is the embedded PGlite in `<OPTSCALE_DATA_DIR>/postgres`, or a server
 * when `DATABASE_URL` is set; the bus is in-process. The KEK is read by `openStore`:
 * OPTSCALE_KEK(_FILE), else `<data dir>/kek`, created on first start.
 */
export const platformEnvSchema = gatewayEnvSchema.extend({
  /** The installation administrator's token (automation, or a lost password). At least 24 characters. */
  OPTSCALE_BOOTSTRAP_TOKEN: z.string().min(24).optional(),
  /** The public base URL users connect to, for the Connect values (default: the listening address). */
  OPTSCALE_PUBLIC_URL: z.url().optional(),
  /** A Postgres server instead of the embedded PGlite. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
});

export type PlatformEnv = z.output<typeof platformEnvSchema>;
