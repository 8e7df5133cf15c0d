/**
 * The embedded default (`npm start`): the whole platform in one process and one port. The gateway's
 * data plane, and the auth and router services' admin API, share one Postgres (PGlite in the data
 * folder, through pglite-socket, with the same entities and migrations as a server) and one
 * in-process bus carrying the same config topics the distributed services use on Kafka. So the
 * gateway builds its state exactly as a distributed replica does: from the published snapshots.
 */
import { join } from 'node:path';
import { createAuthService } from '@optscale/auth-service';
import { dataDirFrom, importConfigFile, openStore } from '@optscale/config-import';
import { controlPlaneModules, databaseCheck, type ControlPlaneContext } from '@optscale/control-plane';
import { InProcessBus } from '@optscale/bus';
import { createClickHouse, migrate as migrateAnalytics } from '@optscale/clickhouse';
import { decryptSecret, migrate, Organization } from '@optscale/database';
import {
  PRICED_COSTS,
  budgetEnforcementFromEnv,
  BusConfigSource,
  busEventSinkFromEnv,
  connectionHelp,
  providerCredentialAad,
  startGateway,
} from '@optscale/gateway-service';
import { createPolicyService } from '@optscale/policy-service';
import { createRouterService } from '@optscale/router-service';
import { onShutdownSignal, parseEnv } from '@optscale/service-kit';
import { startTracing } from '@optscale/telemetry';
import { createTraceService } from '@optscale/trace-service';
import { budgetStateExtension, createUsageService } from '@optscale/usage-service';
import { firstStart, persistentSecret } from './first-start';
import { platformEnvSchema } from './platform-env';

async function main(): Promise<void> {
  const env = parseEnv(platformEnvSchema);
  // Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; otherwise tracing is off.
  const tracing = startTracing({ serviceName: 'optscale-platform' });
  const dataDir = dataDirFrom(process.env);
  // Redaction placeholders must be the same after a restart (prompt caches, reversible redaction).
  process.env['OPTSCALE_REDACTION_SECRET'] ??= persistentSecret(join(dataDir, 'redaction-secret'));
  const store = await openStore(process.env);
  await migrate(store.dataSource);
  let banner: string[] = [];
  if (env.OPTSCALE_CONFIG) {
    banner.push(`Imported ${env.OPTSCALE_CONFIG}: ${await importConfigFile(store, env.OPTSCALE_CONFIG)}`);
  }
  const first = await firstStart(store.dataSource, store.keyring, dataDir);

  const bus = new InProcessBus();
  const publicUrl = (env.OPTSCALE_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '');
  const context: ControlPlaneContext = {
    dataSource: store.dataSource,
    bus,
    keyring: store.keyring,
    publicUrl,
  };
  // The analytics store: chDB in the data folder, with the same migrations as the server.
  const analytics = createClickHouse({
    engine: 'chdb',
    path: join(dataDir, 'clickhouse'),
    database: 'optscale',
  });
  await migrateAnalytics(analytics);
  const units = [
    createAuthService(context),
    createRouterService(context),
    createPolicyService(context),
    createTraceService(context, { clickhouse: analytics }),
    // With budgets' spend state: after a restart the in-memory counters start from it.
    createUsageService(context, { clickhouse: analytics }, [budgetStateExtension()]),
  ];
  for (const unit of units) await unit.start();

  const source = new BusConfigSource({
    bus,
    decrypt: (envelope, provider) =>
      decryptSecret(envelope, store.keyring, { aad: providerCredentialAad(provider.id) }),
  });
  // Request events go on the same bus, as on Kafka: the policy statistics fold them.
  const events = await busEventSinkFromEnv(bus, env, 'embedded');
  // Budgets and rate limits: counters in this process (or Redis when OPTSCALE_REDIS_URL is set).
  const budgets = budgetEnforcementFromEnv(env, bus, PRICED_COSTS);
  const gateway = await startGateway(env, source, {
    budgets,
    sinks: [events],
    modules: controlPlaneModules(units, {
      dataSource: store.dataSource,
      bootstrapToken: env.OPTSCALE_BOOTSTRAP_TOKEN,
    }),
    readinessChecks: [databaseCheck(store.dataSource), events, ...units.flatMap((u) => u.readiness)],
  });
  await gateway.runtime.start();

  const organizations = await store.dataSource
    .getRepository(Organization)
    .find({ order: { createdAt: 'ASC' } });
  banner = [
    `OptScale AI listening on ${gateway.url} (data in ${dataDir})`,
    `  Admin API: ${gateway.url}/api/v1   reference: ${gateway.url}/api/docs`,
    ...banner,
  ];
  if (first) {
    banner.push(
      '',
      'First start: created a demo organization, its admin and a virtual key. Shown once here (also kept in the data folder, mode 0600):',
      `  Admin login:  POST ${gateway.url}/api/v1/auth/login  {"email":"${first.adminEmail}","password":"${first.adminPassword}"}`,
      `  Virtual key:  ${first.key}`,
    );
  }
  for (const org of organizations) {
    banner.push(
      '',
      `Organization "${org.name}" (${org.id}):`,
      connectionHelp(gateway.url, org.id, first?.key),
    );
  }
  process.stdout.write(banner.join('\n') + '\n');

  onShutdownSignal(async () => {
    await gateway.close();
    await events.drain();
    await events.close();
    for (const unit of [...units].reverse()) await unit.close();
    await bus.close();
    await analytics.close();
    await store.close();
    await tracing.shutdown();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`optscale-ai failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
