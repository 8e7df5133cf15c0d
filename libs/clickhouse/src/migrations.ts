import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { quoteString } from './binder';
import type { ClickHouse } from './port';
import { ClickHouseError } from './port';

/**
 * The one migration runner. Files are `NNNN_name.sql` in libs/clickhouse/migrations (shipped next
 * to dist/, resolved from the package root), statements separated by `;` at the end of a line,
 * table names unqualified (they run in the configured database, created first).
 *
 * ClickHouse has no transactions and no advisory locks, so two processes starting together can
 * both apply the same file. The runner makes that harmless instead of preventing it:
 * - every CREATE must say IF NOT EXISTS and every DROP IF EXISTS (checked before anything runs),
 *   and the "already exists" error two racing CREATEs can still produce counts as success;
 * - `schema_migrations` tolerates duplicate rows (ReplacingMergeTree, read grouped by version);
 * - after applying, the runner reads the ledger again and refuses if another process recorded a
 *   different checksum for the same version.
 * The limit: a statement that is not idempotent by nature (INSERT … SELECT backfills, ALTER …
 * UPDATE) can run twice when two processes race. Such migrations must be run by one process
 * (a deploy job) or written to be repeatable.
 */

export const DEFAULT_MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Codes for "table/database already exists", raised when two IF NOT EXISTS creates race. */
const ALREADY_EXISTS_CODES = new Set([57, 82]);

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export interface MigrateOptions {
  dir?: string;
  log?: (line: string) => void;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Splits a file at `;` ending a line; full-line `--` comments are dropped, empty pieces skipped. */
export function splitStatements(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/;[ \t]*(?:\n|$)/)
    .map((piece) =>
      piece
        .split('\n')
        .filter((line) => !/^\s*--/.test(line))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

/** The idempotency rule above, per statement; returns a reason when the statement breaks it. */
export function nonIdempotentReason(statement: string): string | undefined {
  const head = statement.replace(/\s+/g, ' ').toUpperCase();
  if (
    /^CREATE /.test(head) &&
    !/^CREATE (?:MATERIALIZED )?(?:TABLE|VIEW|DATABASE) IF NOT EXISTS /.test(head)
  ) {
    return 'CREATE must be CREATE … IF NOT EXISTS';
  }
  if (/^DROP /.test(head) && !/^DROP (?:TABLE|VIEW|DATABASE) IF EXISTS /.test(head))
    return 'DROP must be DROP … IF EXISTS';
  return undefined;
}

export function checksumOf(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

export async function loadMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const fileName of names) {
    const match = FILE_NAME.exec(fileName);
    if (!match) throw new MigrationError(`migration file ${fileName} is not named NNNN_name.sql`);
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous && previous.version === version)
      throw new MigrationError(`two migration files have version ${match[1]}`);
    const text = await readFile(path.join(dir, fileName), 'utf8');
    const statements = splitStatements(text);
    for (const statement of statements) {
      const reason = nonIdempotentReason(statement);
      if (reason) throw new MigrationError(`${fileName}: ${reason}: ${statement.slice(0, 80)}`);
    }
    migrations.push({ version, name: match[2] ?? '', checksum: checksumOf(text), statements });
  }
  return migrations;
}

interface LedgerRow {
  version: number;
  checksums: string[];
}

async function readLedger(ch: ClickHouse): Promise<Map<number, string[]>> {
  const rows = await ch.query<LedgerRow>(
    'SELECT version, groupUniqArray(checksum) AS checksums FROM schema_migrations GROUP BY version ORDER BY version',
  );
  return new Map(rows.map((row) => [Number(row.version), [...row.checksums].sort()]));
}

async function runIdempotent(ch: ClickHouse, statement: string): Promise<void> {
  try {
    await ch.exec(statement);
  } catch (error) {
    if (error instanceof ClickHouseError && error.code !== undefined && ALREADY_EXISTS_CODES.has(error.code))
      return;
    throw error;
  }
}

/** Applies pending migrations in order; see the file comment for what "safe when racing" means. */
export async function migrate(ch: ClickHouse, options: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => undefined);
  const migrations = await loadMigrations(options.dir);
  await ch.createDatabase();
  const [zone] = await ch.query<{ zone: string }>('SELECT timezone() AS zone');
  if (zone && !['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Universal', 'Zulu'].includes(zone.zone)) {
    throw new MigrationError(
      `ClickHouse runs in time zone ${zone.zone}; the schema's hour buckets assume UTC`,
    );
  }
  await runIdempotent(
    ch,
    `CREATE TABLE IF NOT EXISTS schema_migrations
     (version UInt32, name String, checksum String, applied_at DateTime)
     ENGINE = ReplacingMergeTree(applied_at) ORDER BY (version, checksum)`,
  );
  const ledger = await readLedger(ch);
  const known = new Set(migrations.map((migration) => migration.version));
  for (const [version] of ledger) {
    if (!known.has(version))
      log(`clickhouse: database has migration ${version} that this build does not know (newer build?)`);
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    const label = `${String(migration.version).padStart(4, '0')}_${migration.name}`;
    const recorded = ledger.get(migration.version);
    if (recorded) {
      if (recorded.length !== 1 || recorded[0] !== migration.checksum) {
        throw new MigrationError(
          `migration ${label} was applied with checksum ${recorded.join(', ')}; the file now has ${migration.checksum} (applied migrations must not change)`,
        );
      }
      continue;
    }
    log(`clickhouse: applying migration ${label}`);
    for (const statement of migration.statements) await runIdempotent(ch, statement);
    await ch.exec(
      `INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${migration.version}, ${quoteString(migration.name)}, ${quoteString(migration.checksum)}, now())`,
    );
    const after = (await readLedger(ch)).get(migration.version) ?? [];
    if (after.length !== 1 || after[0] !== migration.checksum) {
      throw new MigrationError(
        `migration ${label}: another process recorded checksum(s) ${after.join(', ')} while this one applied ${migration.checksum}`,
      );
    }
    applied.push(label);
  }
  return { applied };
}
