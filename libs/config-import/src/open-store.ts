import { join, resolve } from 'node:path';
import {
  createDataSource,
  keyringFromEnv,
  startEmbeddedPostgres,
  type Env,
  type Keyring,
} from '@optscale/database';
import type { DataSource } from 'typeorm';
import { embeddedKeyring } from './embedded-keyring';

/** The data folder of the embedded default: `OPTSCALE_DATA_DIR`, else `./.optscale`. */
export function dataDirFrom(env: Env): string {
  return resolve(env['OPTSCALE_DATA_DIR']?.trim() || './.optscale');
}

/** An initialized (not yet migrated) data source, its keyring, and how to close both. */
export interface OpenStore {
  dataSource: DataSource;
  keyring: Keyring;
  /** `DATABASE_URL`, or `embedded:<folder>`; for messages (never includes a password). */
  location: string;
  close(): Promise<void>;
}

/**
 * Opens the relational store the way the platform does: the Postgres server at `DATABASE_URL`
 * when set, otherwise the embedded PGlite in `<OPTSCALE_DATA_DIR>/postgres`. The keyring comes
 * from `OPTSCALE_KEK(_FILE)`; without either, the embedded store uses `<data dir>/kek` (a server
 * requires an explicit KEK: every replica must share it).
 */
export async function openStore(env: Env): Promise<OpenStore> {
  const url = env['DATABASE_URL']?.trim();
  const hasKek = Boolean(env['OPTSCALE_KEK']?.trim() || env['OPTSCALE_KEK_FILE']?.trim());
  if (url) {
    const keyring = keyringFromEnv({ env });
    const dataSource = createDataSource({ url });
    await dataSource.initialize();
    return { dataSource, keyring, location: withoutPassword(url), close: () => dataSource.destroy() };
  }
  const dataDir = dataDirFrom(env);
  const keyring = hasKek ? keyringFromEnv({ env }) : embeddedKeyring(dataDir);
  // The platform opens exactly this folder: keep the two in step.
  const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
  const dataSource = createDataSource(embedded);
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return {
    dataSource,
    keyring,
    location: `embedded:${join(dataDir, 'postgres')}`,
    close: async () => {
      try {
        if (dataSource.isInitialized) await dataSource.destroy();
      } finally {
        await embedded.stop();
      }
    },
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
