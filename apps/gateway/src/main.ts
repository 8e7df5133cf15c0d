/**
 * The gateway as its own service (distributed mode): the data plane only. Its state comes from the
 * config topics on Kafka (`KAFKA_BROKERS`, provider credentials opened with `OPTSCALE_KEK`), or from
 * a config file when `OPTSCALE_CONFIG` is set. It listens at once; `/readyz` turns 200 when the
 * state is loaded. The embedded default is apps/platform.
 */
import { gatewaySourceFromEnv, parseGatewayEnv, startGateway } from '@optscale/gateway-service';
import { onShutdownSignal } from '@optscale/service-kit';

async function main(): Promise<void> {
  const env = parseGatewayEnv();
  const gateway = await startGateway(env, gatewaySourceFromEnv(env));
  // Closing the gateway drains requests in flight, then closes its source (and the bus with it).
  onShutdownSignal(() => gateway.close());
  process.stdout.write(
    `gateway listening on ${gateway.url} (configuration from ${env.OPTSCALE_CONFIG ?? 'the config topics'})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
