import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import { decryptSecret, keyringFromEnv } from '@optscale/database';
import type { GatewayEnv } from '../gateway-env';
import type { DecryptCredential } from './build-state-from-snapshots';
import { BusConfigSource } from './bus-config-source';
import { loadConfigFile } from './load-config';
import type { GatewayStateSource } from './state-source';
import { StaticConfigSource } from './static-config-source';

/**
 * The additional authenticated data a provider's credential envelope is bound to, as its producers
 * write it (libs/config-import and libs/router-service, `credentialAad`): the snapshot carries the
 * envelope from the database row unchanged, so the gateway must supply the same binding.
 */
export function providerCredentialAad(providerId: string): string {
  return `provider:${providerId}`;
}

export interface GatewaySourceFromEnvOptions {
  /** Where the key-encryption key is read from (default `process.env`). */
  processEnv?: NodeJS.ProcessEnv;
  /** Extra Kafka client settings (tests: short retries, a socket factory). */
  kafka?: Omit<KafkaBusOptions, 'brokers' | 'clientId' | 'topicPrefix'>;
}

/**
 * The gateway's state source as the environment chooses it: `OPTSCALE_CONFIG` set, the file (also
 * for a single distributed gateway without a control plane); else `KAFKA_BROKERS` set, the config
 * topics, with provider credentials opened by the keyring of `OPTSCALE_KEK`/`OPTSCALE_KEK_FILE`.
 * Neither is an error: a gateway without configuration could only refuse every request.
 */
export function gatewaySourceFromEnv(
  env: GatewayEnv,
  options: GatewaySourceFromEnvOptions = {},
): GatewayStateSource {
  const processEnv = options.processEnv ?? process.env;
  if (env.OPTSCALE_CONFIG) return new StaticConfigSource(loadConfigFile(env.OPTSCALE_CONFIG, processEnv));
  if (env.KAFKA_BROKERS) {
    // Read before connecting anything: a missing or malformed key fails the start, naming the variable.
    const keyring = keyringFromEnv({ env: processEnv });
    const bus = new KafkaBus({
      ...options.kafka,
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
    });
    const decrypt: DecryptCredential = (envelope, provider) =>
      decryptSecret(envelope, keyring, { aad: providerCredentialAad(provider.id) });
    return new BusConfigSource({ bus, decrypt, closeBus: true });
  }
  throw new Error(
    'no configuration: set OPTSCALE_CONFIG (a config file) or KAFKA_BROKERS (the config topics of the control plane)',
  );
}
