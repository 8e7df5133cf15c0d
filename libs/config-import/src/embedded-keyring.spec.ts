import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedKekPath, embeddedKeyring } from './embedded-keyring';

describe('embeddedKeyring', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'optscale-kek-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates <dataDir>/kek once (32 bytes, base64, mode 0600) and reuses it', () => {
    const dataDir = join(dir, 'nested', 'data');
    const first = embeddedKeyring(dataDir);
    const path = embeddedKekPath(dataDir);
    expect(path).toBe(join(dataDir, 'kek'));
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const second = embeddedKeyring(dataDir);
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
  });
});
