/**
 * The gateway as its own service (distributed mode): the data plane only, configured from
 * OPTSCALE_CONFIG. The embedded default is apps/platform.
 */
import { loadConfigFile, parseGatewayEnv, startGateway } from '@optscale/gateway-service';

async function main(): Promise<void> {
  const env = parseGatewayEnv();
  if (!env.OPTSCALE_CONFIG) throw new Error('OPTSCALE_CONFIG is required for the standalone gateway');
  const gateway = await startGateway(env, loadConfigFile(env.OPTSCALE_CONFIG));
  process.stdout.write(`gateway listening on ${gateway.url}\n`);
  const stop = (): void => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
