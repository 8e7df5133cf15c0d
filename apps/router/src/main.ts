/**
 * The router service (distributed mode): the providers catalog (credentials encrypted at rest),
 * available models with discovery, and pricing overrides, with their admin API; publishes the
 * providers snapshots.
 */
import { controlPlaneEnvSchema, openDistributedContext, startControlPlaneApp } from '@optscale/control-plane';
import { createRouterService } from '@optscale/router-service';
import { onShutdownSignal, parseEnv } from '@optscale/service-kit';
import { z } from 'zod';

const routerEnvSchema = controlPlaneEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8082),
});

async function main(): Promise<void> {
  const env = parseEnv(routerEnvSchema);
  const infrastructure = await openDistributedContext(env, 'router');
  const app = await startControlPlaneApp([createRouterService(infrastructure.context)], {
    dataSource: infrastructure.context.dataSource,
    bootstrapToken: env.OPTSCALE_BOOTSTRAP_TOKEN,
    bodyLimitBytes: env.ADMIN_BODY_LIMIT_BYTES,
    host: env.HOST,
    port: env.PORT,
  });
  process.stdout.write(
    `router listening on ${app.url} (admin API ${app.url}/api/v1, docs ${app.url}/api/docs)\n`,
  );
  onShutdownSignal(async () => {
    await app.close();
    await infrastructure.close();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`router failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
