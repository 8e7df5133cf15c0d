import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checksumOf,
  DEFAULT_MIGRATIONS_DIR,
  loadMigrations,
  nonIdempotentReason,
  splitStatements,
} from './migrations';

describe('migration files', () => {
  it('splits at semicolons ending a line and drops comment lines', () => {
    expect(
      splitStatements(
        "-- head\nCREATE TABLE IF NOT EXISTS a (x String DEFAULT ';') ENGINE = Log;\r\n\n  -- only a comment;\nSELECT 1 ;  \nSELECT 2",
      ),
    ).toEqual(["CREATE TABLE IF NOT EXISTS a (x String DEFAULT ';') ENGINE = Log", 'SELECT 1', 'SELECT 2']);
  });

  it('requires IF NOT EXISTS / IF EXISTS so racing runners cannot fail each other', () => {
    expect(nonIdempotentReason('CREATE TABLE a (x UInt8) ENGINE = Log')).toMatch(/IF NOT EXISTS/);
    expect(nonIdempotentReason('create materialized view v TO t AS SELECT 1')).toMatch(/IF NOT EXISTS/);
    expect(nonIdempotentReason('DROP TABLE a')).toMatch(/IF EXISTS/);
    expect(nonIdempotentReason('CREATE MATERIALIZED VIEW IF NOT EXISTS v TO t AS SELECT 1')).toBeUndefined();
    expect(nonIdempotentReason('DROP TABLE IF EXISTS a')).toBeUndefined();
    expect(nonIdempotentReason('ALTER TABLE a DROP PARTITION 202601')).toBeUndefined();
  });

  it('checksums ignore CRLF versus LF', () => {
    expect(checksumOf('a;\r\nb')).toBe(checksumOf('a;\nb'));
    expect(checksumOf('a;\nb')).not.toBe(checksumOf('a;\nc'));
  });

  it('loads the shipped migrations in order, from a folder that exists beside src/ and dist/', async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((migration) => [migration.version, migration.name])).toEqual([
      [1, 'traces_and_usage'],
    ]);
    expect(migrations[0]?.statements).toHaveLength(3);
    expect(migrations[0]?.checksum).toBe(
      checksumOf(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, '0001_traces_and_usage.sql'), 'utf8')),
    );
  });

  it.each([
    [{ '1_bad.sql': 'SELECT 1' }, /not named NNNN_name\.sql/],
    [{ '0001_a.sql': 'SELECT 1', '0001_b.sql': 'SELECT 1' }, /two migration files have version 0001/],
    [{ '0001_a.sql': 'CREATE TABLE a (x UInt8) ENGINE = Log;' }, /0001_a\.sql: CREATE must be/],
  ])('refuses a bad folder %#', async (files, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'optscale-migrations-'));
    try {
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
      await expect(loadMigrations(dir)).rejects.toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
