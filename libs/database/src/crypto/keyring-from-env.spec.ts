import { createKek } from './envelope';
import { keyringFromEnv } from './keyring-from-env';

const KEY_A = Buffer.alloc(32, 0xa).toString('base64');
const KEY_B = Buffer.alloc(32, 0xb).toString('base64');
const KEY_C = Buffer.alloc(32, 0xc).toString('base64');
const noFiles = (path: string): string => {
  throw new Error(`no file ${path}`);
};

describe('keyringFromEnv', () => {
  it('reads the current key from OPTSCALE_KEK with a fingerprint id', () => {
    const ring = keyringFromEnv({ env: { OPTSCALE_KEK: KEY_A }, readFile: noFiles });
    expect(ring.current.id).toBe(createKek(Buffer.from(KEY_A, 'base64')).id);
    expect(ring.keys.size).toBe(1);
  });

  it('reads a mounted file (trailing new line allowed) and an explicit id', () => {
    const ring = keyringFromEnv({
      env: { OPTSCALE_KEK_FILE: '/run/secrets/kek', OPTSCALE_KEK_ID: '2025-01' },
      readFile: (path) => (path === '/run/secrets/kek' ? `${KEY_A}\n` : noFiles(path)),
    });
    expect(ring.current.id).toBe('2025-01');
    expect(ring.current.key.equals(Buffer.from(KEY_A, 'base64'))).toBe(true);
  });

  it('keeps retired keys for decryption, with or without ids', () => {
    const ring = keyringFromEnv({
      env: { OPTSCALE_KEK: KEY_A, OPTSCALE_KEK_PREVIOUS: `old:${KEY_B},\n${KEY_C}` },
      readFile: noFiles,
    });
    expect([...ring.keys.keys()]).toEqual([
      ring.current.id,
      'old',
      createKek(Buffer.from(KEY_C, 'base64')).id,
    ]);
  });

  it('names the variable and never echoes the value', () => {
    const bad = 'c2hvcnQ=';
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{}, /OPTSCALE_KEK or OPTSCALE_KEK_FILE must be set/],
      [{ OPTSCALE_KEK: KEY_A, OPTSCALE_KEK_FILE: '/x' }, /only one of OPTSCALE_KEK and OPTSCALE_KEK_FILE/],
      [{ OPTSCALE_KEK: bad }, /OPTSCALE_KEK: a key must decode to 32 bytes, got 5/],
      [{ OPTSCALE_KEK: 'not base64!' }, /OPTSCALE_KEK: not base64/],
      [{ OPTSCALE_KEK_FILE: '/missing' }, /OPTSCALE_KEK_FILE: cannot read/],
      [{ OPTSCALE_KEK: KEY_A, OPTSCALE_KEK_PREVIOUS: bad }, /OPTSCALE_KEK_PREVIOUS: a key must decode/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        keyringFromEnv({ env, readFile: noFiles });
      } catch (e) {
        error = e;
      }
      expect(String(error)).toMatch(message);
      expect(String(error)).not.toContain(bad);
      expect(String(error)).not.toContain(KEY_A);
    }
  });
});
