import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from '../gateway-env';
import { BusConfigSource } from './bus-config-source';
import { gatewaySourceFromEnv } from './source-from-env';
import { StaticConfigSource } from './static-config-source';

const CONFIG = `
organizations:
  - id: 7d0c2a4e-0000-4000-8000-000000000001
    name: Sunflower
`;

describe('gatewaySourceFromEnv', () => {
  it('reads the config file when OPTSCALE_CONFIG is set, even with KAFKA_BROKERS', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-src-')), 'config.yaml');
    writeFileSync(file, CONFIG);
    const source = gatewaySourceFromEnv(
      parseGatewayEnv({ OPTSCALE_CONFIG: file, KAFKA_BROKERS: '127.0.0.1:1' }),
      { processEnv: {} },
    );
    expect(source).toBeInstanceOf(StaticConfigSource);
    expect(source.readiness()).toMatchObject({ ready: true, detail: { organizations: 1 } });
    await source.close();
  });

  it('follows the config topics when only KAFKA_BROKERS is set, with the KEK from the environment', async () => {
    const env = parseGatewayEnv({ KAFKA_BROKERS: ' 127.0.0.1:1 , 127.0.0.1:2 ', KAFKA_TOPIC_PREFIX: 'x.' });
    expect(env).toMatchObject({
      KAFKA_BROKERS: ['127.0.0.1:1', '127.0.0.1:2'],
      KAFKA_TOPIC_PREFIX: 'x.',
      KAFKA_CLIENT_ID: 'optscale-gateway',
    });
    expect(() => gatewaySourceFromEnv(env, { processEnv: {} })).toThrow(/OPTSCALE_KEK or OPTSCALE_KEK_FILE/);
    // Nothing connects before start(), so this needs no broker.
    const source = gatewaySourceFromEnv(env, {
      processEnv: { OPTSCALE_KEK: randomBytes(32).toString('base64') },
    });
    expect(source).toBeInstanceOf(BusConfigSource);
    expect(source.readiness()).toMatchObject({ ready: false, detail: { connected: false } });
    await source.close();
  });

  it('refuses to start without any configuration', () => {
    expect(parseGatewayEnv({ KAFKA_BROKERS: ' , ' }).KAFKA_BROKERS).toBeUndefined();
    expect(() => gatewaySourceFromEnv(parseGatewayEnv({}), { processEnv: {} })).toThrow(
      /set OPTSCALE_CONFIG .* or KAFKA_BROKERS/,
    );
  });
});
