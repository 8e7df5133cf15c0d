export type { ChdbClickHouseConfig, ClickHouse, ClickHouseConfig, ServerClickHouseConfig } from './port';
export { ClickHouseError } from './port';
export { createClickHouse } from './create-clickhouse';
export { ServerClickHouse } from './server-clickhouse';
export { ChdbClickHouse } from './chdb-clickhouse';
export {
  fragment,
  identifier,
  isIdentifier,
  joinFragments,
  list,
  quoteString,
  sql,
  SqlBindError,
} from './binder';
export type { SqlFragment, SqlScalar, SqlValue } from './binder';
export { DEFAULT_MIGRATIONS_DIR, loadMigrations, migrate, MigrationError } from './migrations';
export type { MigrateOptions, Migration } from './migrations';
