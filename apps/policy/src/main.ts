/**
 * The policy service (distributed mode): guardrails and policies with their admin API; publishes
 * the policies snapshots (guardrails embedded) and folds the gateways' request events into the
 * per-policy hourly statistics.
 */
import { controlPlaneEnvSchema, runDistributedService } from '@optscale/control-plane';
import { createPolicyService } from '@optscale/policy-service';
import { z } from 'zod';

runDistributedService({
  name: 'policy',
  envSchema: controlPlaneEnvSchema.extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(8083),
  }),
  createUnit: createPolicyService,
}).catch((error: unknown) => {
  process.stderr.write(`policy failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
