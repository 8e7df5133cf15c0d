import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGatewayEnv } from './gateway-env';

describe('parseGatewayEnv', () => {
  it('applies defaults', () => {
    const env = parseGatewayEnv({});
    expect(env).toMatchObject({ HOST: '127.0.0.1', PORT: 8080, OPTSCALE_REQUEST_LOG: true });
  });

  it('reads NAME_FILE for its own variables only, ignoring unrelated *_FILE variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    writeFileSync(join(dir, 'port'), '9999\n');
    const env = parseGatewayEnv({
      PORT_FILE: join(dir, 'port'),
      TF_CLI_CONFIG_FILE: '/nonexistent/.terraformrc',
    });
    expect(env.PORT).toBe(9999);
  });

  it('names the bad variable, never its value', () => {
    expect(() => parseGatewayEnv({ PORT: 'secret-looking-value' })).toThrow(/^invalid environment: PORT$/);
  });
});
