import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouse, migrate, type ClickHouse } from '@optscale/clickhouse';
import { localStackEnv } from '@optscale/testing';

export interface ScratchClickHouse {
  clickhouse: ClickHouse;
  database: string;
  /** Another handle on the same database through `url` (e.g. a cuttable proxy); server only. */
  via(url: string): ClickHouse;
  drop(): Promise<void>;
}

/**
 * A migrated database of its own on the local stack's ClickHouse server (dropped afterwards), or a
 * chDB folder of its own: the same schema and queries on both engines.
 */
export async function scratchClickHouse(
  engine: 'server' | 'chdb',
  label: string,
): Promise<ScratchClickHouse> {
  const database = `test_${label}_${randomBytes(4).toString('hex')}`;
  if (engine === 'chdb') {
    const path = mkdtempSync(join(tmpdir(), `optscale-chdb-${label}-`));
    const clickhouse = createClickHouse({ engine: 'chdb', path, database });
    await migrate(clickhouse);
    return {
      clickhouse,
      database,
      via: () => {
        throw new Error('chDB has no network address');
      },
      drop: async () => {
        await clickhouse.close();
        rmSync(path, { recursive: true, force: true });
      },
    };
  }
  const { clickhouseUrl } = localStackEnv();
  const admin = createClickHouse({ engine: 'server', url: clickhouseUrl, database: 'default' });
  await admin.exec(`CREATE DATABASE IF NOT EXISTS ${database}`);
  const clickhouse = createClickHouse({ engine: 'server', url: clickhouseUrl, database });
  await migrate(clickhouse);
  const others: ClickHouse[] = [];
  return {
    clickhouse,
    database,
    via: (url) => {
      const handle = createClickHouse({ engine: 'server', url, database });
      others.push(handle);
      return handle;
    },
    drop: async () => {
      await Promise.all(others.map((o) => o.close()));
      await clickhouse.close();
      await admin.exec(`DROP DATABASE IF EXISTS ${database}`);
      await admin.close();
    },
  };
}
