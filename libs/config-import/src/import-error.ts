/**
 * The file cannot be imported as it stands (an unknown proxy name, a key owned elsewhere, a
 * duplicate). Thrown inside the import's transaction, so nothing of the file is applied. The
 * message names organizations, users and providers, never a secret. Schema problems are the
 * loader's `ConfigError`, raised before any database work.
 */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}
