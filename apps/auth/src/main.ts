/**
 * The auth service (distributed mode): organizations, users, teams, AI Access, virtual keys, sessions
 * and the audit log, with their admin API; publishes the keys and access snapshots. With
 * OPTSCALE_CONFIG set, it imports that file into Postgres before it starts publishing.
 */
import { createAuthService } from '@optscale/auth-service';
import { importConfigFile } from '@optscale/config-import';
import { controlPlaneEnvSchema, runDistributedService } from '@optscale/control-plane';
import { z } from 'zod';

runDistributedService({
  name: 'auth',
  envSchema: controlPlaneEnvSchema.extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(8081),
    /** A declarative config file imported (idempotently) at every start. */
    OPTSCALE_CONFIG: z.string().optional(),
  }),
  createUnit: createAuthService,
  beforeStart: async (context, env) => {
    if (!env.OPTSCALE_CONFIG) return;
    const summary = await importConfigFile(context, env.OPTSCALE_CONFIG);
    process.stdout.write(`imported ${env.OPTSCALE_CONFIG}: ${summary}\n`);
  },
}).catch((error: unknown) => {
  process.stderr.write(`auth failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
