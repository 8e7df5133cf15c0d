import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyringFromEnv, type Keyring } from '@optscale/database';

/** The KEK file of the embedded default, inside the data folder. */
export function embeddedKekPath(dataDir: string): string {
  return join(dataDir, 'kek');
}

/**
 * The keyring of the embedded default when no `OPTSCALE_KEK`/`OPTSCALE_KEK_FILE` is set:
 * `<dataDir>/kek`, 32 random bytes in base64, created on first use with mode 0600. It lives next
 * to the database it protects, so it guards against a leaked database dump, not a stolen folder;
 * a distributed installation sets `OPTSCALE_KEK(_FILE)` instead. Shared by the import CLI and the
 * platform so both encrypt and decrypt with the same key.
 */
export function embeddedKeyring(dataDir: string): Keyring {
  const path = embeddedKekPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  try {
    // `wx`: never overwrite an existing key (that would make every stored credential unreadable),
    // even when two processes start at once; the loser reads the winner's file below.
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return keyringFromEnv({ env: { OPTSCALE_KEK_FILE: path } });
}
