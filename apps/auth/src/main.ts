/**
 * The auth service (distributed mode): organizations, users, teams, AI Access, virtual keys, sessions
 * and the audit log, with their admin API; publishes the keys and access snapshots. With
 * OPTSCALE_CONFIG set, it imports that file into Postgres before it starts publishing.
 */
import { createAuthService } from '@optscale/auth-service';
import { importConfigFile } from '@optscale/config-import';
import { controlPlaneEnvSchema, openDistributedContext, startControlPlaneApp } from '@optscale/control-plane';
import { onShutdownSignal, parseEnv } from '@optscale/service-kit';
import { z } from 'zod';

const authEnvSchema = controlPlaneEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /** A declarative config file imported (idempotently) at every start. */
  OPTSCALE_CONFIG: z.string().optional(),
});

async function main(): Promise<void> {
  const env = parseEnv(authEnvSchema);
  const infrastructure = await openDistributedContext(env, 'auth');
  if (env.OPTSCALE_CONFIG) {
    const summary = await importConfigFile(infrastructure.context, env.OPTSCALE_CONFIG);
    process.stdout.write(`imported ${env.OPTSCALE_CONFIG}: ${summary}\n`);
  }
  const app = await startControlPlaneApp([createAuthService(infrastructure.context)], {
    dataSource: infrastructure.context.dataSource,
    bootstrapToken: env.OPTSCALE_BOOTSTRAP_TOKEN,
    bodyLimitBytes: env.ADMIN_BODY_LIMIT_BYTES,
    host: env.HOST,
    port: env.PORT,
  });
  process.stdout.write(
    `auth listening on ${app.url} (admin API ${app.url}/api/v1, docs ${app.url}/api/docs)\n`,
  );
  onShutdownSignal(async () => {
    await app.close();
    await infrastructure.close();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`auth failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
