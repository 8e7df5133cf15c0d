/**
 * The router service (distributed mode): the providers catalog (credentials encrypted at rest),
 * available models with discovery, and pricing overrides, with their admin API; publishes the
 * providers snapshots.
 */
import { controlPlaneEnvSchema, runDistributedService } from '@optscale/control-plane';
import { createRouterService } from '@optscale/router-service';
import { z } from 'zod';

runDistributedService({
  name: 'router',
  envSchema: controlPlaneEnvSchema.extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(8082),
  }),
  createUnit: createRouterService,
}).catch((error: unknown) => {
  process.stderr.write(`router failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
