export * from './entities';
export {
  createDataSource,
  migrate,
  migrateExclusively,
  pendingSchemaChanges,
  MIGRATIONS_TABLE,
} from './data-source';
export type { DatabaseConnectionOptions } from './data-source';
export { startEmbeddedPostgres } from './embedded';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded';
export { MIGRATIONS } from './migrations';
export * from './crypto';
export { credentialColumns, credentialEnvelope } from './provider-credential';
export { REDACTED, redactSecrets } from './redact';
