import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { localStackEnv } from './local-stack-env';

export interface ScratchDatabase {
  /** `postgres://…/<scratch name>` on the local stack's server. */
  url: string;
  /** Drops the database (closing any connection still open to it). */
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database on the local stack's Postgres server, for one test file. */
export async function createScratchDatabase(label: string): Promise<ScratchDatabase> {
  const adminUrl = localStackEnv().testDatabaseUrl;
  const name = `optscale_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
