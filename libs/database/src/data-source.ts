import 'reflect-metadata';
import { DataSource, type LoggerOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** How to reach a Postgres: a server (distributed) or the embedded PGlite (`startEmbeddedPostgres`). */
export interface DatabaseConnectionOptions {
  /** `postgres://user[:password]@host:port/database` */
  url: string;
  /** Connections in the pool (default 10). The embedded server must use 1, see `embedded.ts`. */
  poolSize?: number;
  /** Milliseconds before an idle pooled connection is closed; 0 keeps it open (default 10000). */
  idleTimeoutMs?: number;
  /** TypeORM logging (default off). */
  logging?: LoggerOptions;
}

export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * A TypeORM data source over every entity and migration of the relational store. The same
 * function serves both adapters; only the URL (and pool size) differ. Call `initialize()` and then
 * `migrate()`; the schema is never synchronized from the entities.
 */
export function createDataSource(options: DatabaseConnectionOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into Postgres 13+ (and PGlite): no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: options.logging ?? false,
    extra: {
      max: options.poolSize ?? 10,
      idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    },
  });
}

/** Runs every pending migration, each in its own transaction; returns the names applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/**
 * The SQL TypeORM would run to make the database match the entities. Empty after `migrate()`
 * when the migrations are complete; the migration generator prints the same list.
 */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}

/** Any fixed 64-bit number: the advisory lock that serializes migrations across processes. */
const MIGRATION_LOCK_ID = 73_061_894_112_021;

/**
 * `migrate`, holding a Postgres advisory lock so that services starting together (auth, router,
 * several replicas) never run the same migration twice: the first applies, the others wait and then
 * find nothing pending. The lock is taken on its own connection, so the pool needs two; with a pool
 * of one (the embedded PGlite, one process) there is nobody to race and it migrates directly.
 */
export async function migrateExclusively(dataSource: DataSource): Promise<string[]> {
  const poolSize = (dataSource.options.extra as { max?: number } | undefined)?.max ?? 10;
  if (poolSize < 2) return migrate(dataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      return await migrate(dataSource);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}
