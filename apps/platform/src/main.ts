/**
 * The embedded default (`npm start`): the whole platform in one process. Today that is the gateway
 * data plane; the control-plane services join this process as they are built.
 */
import {
  connectionHelp,
  demoInstallation,
  loadConfigFile,
  parseGatewayEnv,
  startGateway,
  type ConfigFile,
} from '@optscale/gateway-service';

async function main(): Promise<void> {
  const env = parseGatewayEnv();
  let config: ConfigFile;
  let banner: string;
  let demoKey: string | undefined;
  if (env.OPTSCALE_CONFIG) {
    config = loadConfigFile(env.OPTSCALE_CONFIG);
    banner = `Loaded ${env.OPTSCALE_CONFIG}: ${config.organizations.length} organization(s).`;
  } else {
    const demo = demoInstallation(env.OPTSCALE_DATA_DIR);
    config = demo.config;
    demoKey = demo.key;
    banner = demo.created
      ? `Created a demo organization. Its key is shown once here and kept in ${demo.file}:\n\n  ${demo.key}\n`
      : `Demo organization (key in ${demo.file}).`;
  }
  const gateway = await startGateway(env, config);
  const lines = [`OptScale AI gateway listening on ${gateway.url}`, banner];
  for (const org of config.organizations) {
    lines.push(`Organization "${org.name}" (${org.id}):`, connectionHelp(gateway.url, org.id, demoKey), '');
  }
  process.stdout.write(lines.join('\n') + '\n');
  const stop = (): void => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`optscale-ai failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
