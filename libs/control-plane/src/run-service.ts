import { onShutdownSignal, parseEnv } from '@optscale/service-kit';
import { startTracing } from '@optscale/telemetry';
import type { z } from 'zod';
import { startControlPlaneApp } from './control-plane-app';
import { openDistributedContext, type ControlPlaneEnv } from './distributed';
import type { ControlPlaneContext, ServiceUnit } from './service-unit';

export interface DistributedServiceDefinition<S extends z.ZodObject> {
  /** `auth`, `router`: names the Kafka client, the log lines and the OpenAPI title. */
  name: string;
  /** The app's env schema: `controlPlaneEnvSchema.extend({...})` with its own variables. */
  envSchema: S;
  createUnit(context: ControlPlaneContext): ServiceUnit;
  /** Runs after the database is migrated and before the unit publishes (e.g. a config import). */
  beforeStart?(context: ControlPlaneContext, env: z.output<S> & ControlPlaneEnv): Promise<void>;
}

/**
 * The whole life of a distributed control-plane service: parse its env, connect Postgres (migrated)
 * and Kafka, run its unit behind the admin API and probes, and on SIGTERM drain HTTP, stop the unit,
 * disconnect. apps/auth and apps/router are one call of this each.
 */
export async function runDistributedService<S extends z.ZodObject>(
  definition: DistributedServiceDefinition<S>,
): Promise<void> {
  // The schema is `controlPlaneEnvSchema.extend(...)` (documented above), so its output has the base.
  const env = parseEnv(definition.envSchema) as z.output<S> & ControlPlaneEnv;
  // Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; consumers continue the producers' traces.
  const tracing = startTracing({ serviceName: `optscale-${definition.name}` });
  const infrastructure = await openDistributedContext(env, definition.name);
  await definition.beforeStart?.(infrastructure.context, env);
  const app = await startControlPlaneApp([definition.createUnit(infrastructure.context)], {
    dataSource: infrastructure.context.dataSource,
    bootstrapToken: env.OPTSCALE_BOOTSTRAP_TOKEN,
    bodyLimitBytes: env.ADMIN_BODY_LIMIT_BYTES,
    host: env.HOST,
    port: env.PORT,
  });
  process.stdout.write(
    `${definition.name} listening on ${app.url} (admin API ${app.url}/api/v1, docs ${app.url}/api/docs)\n`,
  );
  onShutdownSignal(async () => {
    await app.close();
    await infrastructure.close();
    await tracing.shutdown();
  });
}
