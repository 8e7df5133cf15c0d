/**
 * The analytics-store port (ARCHITECTURE.md "One code base, two ways to run"): services code against
 * this interface; `createClickHouse` picks one of exactly two adapters at boot, a ClickHouse server
 * over HTTP or the embedded chDB engine. Every statement is written in the portable dialect.
 */
export interface ClickHouse {
  readonly engine: 'server' | 'chdb';
  /** The database every unqualified table name resolves in. */
  readonly database: string;
  /** A statement without a result set (DDL, INSERT … SELECT, OPTIMIZE). */
  exec(sql: string): Promise<void>;
  /**
   * A SELECT; rows as objects. 64-bit integers come back as decimal STRINGS on both engines
   * (output_format_json_quote_64bit_integers=1), other numbers as numbers. DateTime values come
   * back as `YYYY-MM-DD hh:mm:ss` in UTC.
   */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /**
   * Inserts rows as JSONEachRow into `table` (identifier checked). UInt64 values may be given as
   * bigint or decimal strings, DateTime values as `Date` (sent as unix seconds) or
   * `YYYY-MM-DD hh:mm:ss` strings (UTC). Resolves only when the engine accepted the whole batch.
   */
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  /**
   * `CREATE DATABASE IF NOT EXISTS` for the configured database. It is the one statement that must
   * run outside the database (a server refuses requests naming a missing database), so it has its
   * own method; `migrate` calls it first.
   */
  createDatabase(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerClickHouseConfig {
  engine: 'server';
  /** HTTP interface, e.g. `http://127.0.0.1:8123` (no credentials in the URL: use user/password). */
  url: string;
  database: string;
  user?: string;
  password?: string;
  /** Whole-request deadline in milliseconds (default 30 000); the server also gets max_execution_time. */
  timeoutMs?: number;
}

export interface ChdbClickHouseConfig {
  engine: 'chdb';
  /** Data folder (embedded mode: `$OPTSCALE_DATA_DIR/clickhouse`); one per process. */
  path: string;
  database: string;
}

export type ClickHouseConfig = ServerClickHouseConfig | ChdbClickHouseConfig;

/**
 * A failure reported by ClickHouse (or by the transport to it). `code` is ClickHouse's numeric
 * error code when it sent one (e.g. 60 unknown table, 62 syntax error); the message is
 * ClickHouse's own text. Never carries credentials; the statement is kept apart, shortened.
 */
export class ClickHouseError extends Error {
  override readonly name = 'ClickHouseError';
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly engine: 'server' | 'chdb',
    /** The first characters of the failing statement, for logs (values may be personal data). */
    readonly statementHead?: string,
  ) {
    super(message);
  }
}

/** The first line-ish of a statement, for error context without dumping whole payloads. */
export function statementHead(statement: string): string {
  const flat = statement.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

/**
 * Pulls ClickHouse's code and message out of an exception text in either generation's format:
 * 18.x `Code: 81, e.displayText() = DB::Exception: Database x doesn't exist, e.what() = DB::Exception`
 * and current `Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE) (version 24.3)`.
 */
export function parseClickHouseException(text: string): { code: number | undefined; message: string } {
  const trimmed = text.trim();
  const code = /Code: (\d+)/.exec(trimmed)?.[1];
  const legacy = /e\.displayText\(\) = (.*?)(?:, e\.what\(\) = [\w:]+)?$/s.exec(trimmed)?.[1];
  return { code: code === undefined ? undefined : Number(code), message: (legacy ?? trimmed).trim() };
}
