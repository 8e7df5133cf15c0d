import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { localStackEnv } from '@optscale/testing';
import { createClickHouse } from '../create-clickhouse';
import type { ClickHouse } from '../port';

/**
 * Both engines behind one test API, so a spec body runs twice via describe.each: the stack's
 * ClickHouse server (a scratch database per call, dropped at the end) and chDB (one temp folder
 * per test file, since chDB opens one folder per process; a database per call inside it).
 */
export interface TestEngine {
  readonly kind: 'server' | 'chdb';
  /** A handle on a fresh, not yet created database (or on `database` when given). */
  open(database?: string): ClickHouse;
  /** A new unique database name, for a second handle on the same database. */
  newDatabaseName(): string;
  /** Closes every handle opened here, drops server databases, removes the chDB folder. */
  dispose(): Promise<void>;
}

export function testEngine(kind: 'server' | 'chdb'): TestEngine {
  const handles: ClickHouse[] = [];
  const databases = new Set<string>();
  let folder: string | undefined;
  const newDatabaseName = (): string => `test_ch_${randomBytes(5).toString('hex')}`;
  const open = (database = newDatabaseName()): ClickHouse => {
    databases.add(database);
    const ch =
      kind === 'server'
        ? createClickHouse({ engine: 'server', url: localStackEnv().clickhouseUrl, database })
        : createClickHouse({
            engine: 'chdb',
            path: (folder ??= mkdtempSync(path.join(tmpdir(), 'optscale-chdb-'))),
            database,
          });
    handles.push(ch);
    return ch;
  };
  return {
    kind,
    open,
    newDatabaseName,
    async dispose() {
      if (kind === 'server' && databases.size > 0) {
        const admin = createClickHouse({
          engine: 'server',
          url: localStackEnv().clickhouseUrl,
          database: 'default',
        });
        for (const database of databases) await admin.exec(`DROP DATABASE IF EXISTS \`${database}\``);
        await admin.close();
      }
      for (const handle of handles) await handle.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A complete `traces` row with every column set; override what a test cares about. */
export function traceRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    request_id: `req_${randomBytes(6).toString('hex')}`,
    organization_id: 'org_1',
    started_at: '2026-11-20 10:15:30',
    started_at_ms: '1795170930123',
    key_id: 'key_1',
    user_id: 'user_1',
    team_id: 'team_1',
    provider: 'openai',
    model: 'gpt-4o',
    client_model: 'gpt-4o',
    surface: 'openai',
    operation: 'chat',
    client: 'sdk',
    user_agent: 'openai-node/6',
    session_id: '',
    stream: 0,
    passthrough: 0,
    status: 200,
    error_type: '',
    error_message: '',
    input_tokens: '100',
    cache_read_tokens: '10',
    cache_write_tokens: '5',
    cache_write_1h_tokens: '0',
    output_tokens: '50',
    reasoning_tokens: '0',
    cost_nanos: '1500000',
    cost_source: 'catalog',
    catalog_version: '2026-11-01',
    gateway_ms: 1.25,
    upstream_ms: 200.5,
    ttft_ms: 80.75,
    total_ms: 201.75,
    routing_rule_id: '',
    routing_rule_name: '',
    routing_attempts: '[]',
    policy_evaluations: '[]',
    content_request: '',
    content_response: '',
    content_truncated: 0,
    ingested_at: '2026-11-20 10:15:31',
    ...overrides,
  };
}
