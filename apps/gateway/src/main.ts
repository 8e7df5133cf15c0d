/**
 * The gateway as its own service (distributed mode): the data plane only. Its state comes from the
 * config topics on Kafka (`KAFKA_BROKERS`, provider credentials opened with `OPTSCALE_KEK`), or from
 * a config file when `OPTSCALE_CONFIG` is set. It listens at once; `/readyz` turns 200 when the
 * state is loaded. With Kafka, every request event also goes to `optscale.gateway.requests.v1`, and
 * the budgets of `optscale.config.budgets.v1` are enforced (counters in Redis with OPTSCALE_REDIS_URL).
 * The embedded default is apps/platform.
 */
import { KafkaBus } from '@optscale/bus';
import {
  PRICED_COSTS,
  budgetEnforcementFromEnv,
  busEventSinkFromEnv,
  gatewaySourceFromEnv,
  parseGatewayEnv,
  startGateway,
} from '@optscale/gateway-service';
import { onShutdownSignal } from '@optscale/service-kit';
import { startTracing } from '@optscale/telemetry';

async function main(): Promise<void> {
  const env = parseGatewayEnv();
  // Spans go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set; otherwise tracing is off.
  const tracing = startTracing({ serviceName: 'optscale-gateway' });
  const eventBus = env.KAFKA_BROKERS
    ? new KafkaBus({
        brokers: env.KAFKA_BROKERS,
        clientId: `${env.KAFKA_CLIENT_ID}-events`,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
      })
    : undefined;
  // Events the bus cannot take (Kafka down) wait in the on-disk spool (OPTSCALE_SPOOL_DIR).
  const events = eventBus ? await busEventSinkFromEnv(eventBus, env, 'distributed') : undefined;
  // Budgets and rate limits come with the config topics; their counters are shared through Redis
  // (OPTSCALE_REDIS_URL) by every replica. A gateway on a config file enforces none.
  const budgets = eventBus ? budgetEnforcementFromEnv(env, eventBus, PRICED_COSTS) : undefined;
  const gateway = await startGateway(env, gatewaySourceFromEnv(env), {
    ...(budgets ? { budgets } : {}),
    sinks: events ? [events] : [],
    readinessChecks: events ? [events] : [],
  });
  // Closing the gateway drains requests in flight, then closes its source (and its bus); then the
  // events still queued are sent.
  onShutdownSignal(async () => {
    await gateway.close();
    await events?.drain();
    await events?.close();
    await eventBus?.close();
    await tracing.shutdown();
  });
  process.stdout.write(
    `gateway listening on ${gateway.url} (configuration from ${env.OPTSCALE_CONFIG ?? 'the config topics'})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
