/**
 * The gateway as its own service (distributed mode): the data plane only. Its state comes from the
 * config topics on Kafka (`KAFKA_BROKERS`, provider credentials opened with `OPTSCALE_KEK`), or from
 * a config file when `OPTSCALE_CONFIG` is set. It listens at once; `/readyz` turns 200 when the
 * state is loaded. With Kafka, every request event also goes to `optscale.gateway.requests.v1`.
 * The embedded default is apps/platform.
 */
import { KafkaBus } from '@optscale/bus';
import { BusEventSink, gatewaySourceFromEnv, parseGatewayEnv, startGateway } from '@optscale/gateway-service';
import { onShutdownSignal } from '@optscale/service-kit';

async function main(): Promise<void> {
  const env = parseGatewayEnv();
  const eventBus = env.KAFKA_BROKERS
    ? new KafkaBus({
        brokers: env.KAFKA_BROKERS,
        clientId: `${env.KAFKA_CLIENT_ID}-events`,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
      })
    : undefined;
  const events = eventBus ? new BusEventSink(eventBus) : undefined;
  const gateway = await startGateway(env, gatewaySourceFromEnv(env), {
    sinks: events ? [events] : [],
    readinessChecks: events ? [events] : [],
  });
  // Closing the gateway drains requests in flight, then closes its source (and its bus); then the
  // events still queued are sent.
  onShutdownSignal(async () => {
    await gateway.close();
    await events?.drain();
    await eventBus?.close();
  });
  process.stdout.write(
    `gateway listening on ${gateway.url} (configuration from ${env.OPTSCALE_CONFIG ?? 'the config topics'})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
