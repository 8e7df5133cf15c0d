import { Pool } from 'undici';
import { isIdentifier } from './binder';
import { parseJsonEachRow, toJsonEachRow } from './json-rows';
import type { ClickHouse, ServerClickHouseConfig } from './port';
import { ClickHouseError, parseClickHouseException, statementHead } from './port';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * ClickHouse server over its HTTP interface, written against what 18.16 and current releases both
 * accept: the statement as the POST body (or the `query` parameter for an INSERT whose body is the
 * data), settings as URL parameters, credentials as HTTP basic auth so they never appear in URLs
 * or logs. One keep-alive pool per instance; its idle timeout stays under the server's default
 * keep_alive_timeout (3 s) so a reused socket is never one the server already closed.
 */
export class ServerClickHouse implements ClickHouse {
  readonly engine = 'server' as const;
  readonly database: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;

  constructor(config: Omit<ServerClickHouseConfig, 'engine'>) {
    if (!isIdentifier(config.database))
      throw new TypeError(`database name ${JSON.stringify(config.database)} is not an identifier`);
    const url = new URL(config.url);
    if (url.username || url.password)
      throw new TypeError('ClickHouse URL must not carry credentials; use user/password');
    this.database = config.database;
    this.basePath = url.pathname.replace(/\/+$/, '') + '/';
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.authorization =
      config.user === undefined
        ? undefined
        : `Basic ${Buffer.from(`${config.user}:${config.password ?? ''}`).toString('base64')}`;
    this.pool = new Pool(url.origin, { connections: 8, keepAliveTimeout: 2_000, keepAliveMaxTimeout: 2_000 });
  }

  async exec(statement: string): Promise<void> {
    await this.request(statement, {});
  }

  async query<Row = Record<string, unknown>>(statement: string): Promise<Row[]> {
    const text = await this.request(statement, { default_format: 'JSONEachRow' });
    return parseJsonEachRow<Row>(text, 'server', (line) => this.error(line, statement));
  }

  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (!isIdentifier(table)) throw new TypeError(`table name ${JSON.stringify(table)} is not an identifier`);
    if (rows.length === 0) return;
    const statement = `INSERT INTO \`${this.database}\`.\`${table}\` FORMAT JSONEachRow`;
    // Unknown columns are an error on every release (current ones default to skipping them).
    await this.request(
      toJsonEachRow(rows),
      { query: statement, input_format_skip_unknown_fields: '0' },
      statement,
    );
  }

  async createDatabase(): Promise<void> {
    await this.request(`CREATE DATABASE IF NOT EXISTS \`${this.database}\``, {}, undefined, false);
  }

  async ping(): Promise<void> {
    await this.request('SELECT 1', {}, undefined, false);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One HTTP round trip; resolves with the body of a 200, rejects with ClickHouse's exception. */
  private async request(
    body: string,
    parameters: Record<string, string>,
    statement = body,
    inDatabase = true,
  ): Promise<string> {
    const search = new URLSearchParams({
      ...(inDatabase ? { database: this.database } : {}),
      output_format_json_quote_64bit_integers: '1',
      max_execution_time: String(Math.ceil(this.timeoutMs / 1000)),
      ...parameters,
    });
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (this.authorization !== undefined) headers.authorization = this.authorization;
    let response;
    try {
      response = await this.pool.request({
        path: `${this.basePath}?${search.toString()}`,
        method: 'POST',
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ClickHouseError(
        `ClickHouse server request failed: ${reason}`,
        undefined,
        'server',
        statementHead(statement),
      );
    }
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw this.error(text, statement, response.headers['x-clickhouse-exception-code']);
    return text;
  }

  private error(text: string, statement: string, codeHeader?: string | string[]): ClickHouseError {
    const parsed = parseClickHouseException(text);
    const headerCode = typeof codeHeader === 'string' ? Number(codeHeader) : undefined;
    return new ClickHouseError(parsed.message, parsed.code ?? headerCode, 'server', statementHead(statement));
  }
}
