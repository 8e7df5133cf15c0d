import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fragment, identifier, list, sql } from './binder';
import { createClickHouse } from './create-clickhouse';
import { migrate, MigrationError } from './migrations';
import { ClickHouseError } from './port';
import type { TestEngine } from './__fixtures__/engines';
import { testEngine, traceRow } from './__fixtures__/engines';

/** Strings that have broken hand-written escapers: quotes, backslashes, control bytes, Unicode. */
const INJECTION_CORPUS = [
  '',
  "'",
  "''",
  "\\'",
  '\\',
  '\\\\',
  "x' OR '1'='1",
  "'; DROP TABLE traces; --",
  "\\'; SELECT 1; --",
  'back\\slash at end\\',
  'nul\u0000byte',
  'newline\nand\rcarriage\ttab',
  '-- not a comment',
  '/* not a comment */',
  '`backtick` "double"',
  '{name:String}',
  '\u0001\u001f\u007f',
  'é ü ß 中文 日本語',
  'emoji 😀 👩‍👩‍👧 flag 🇫🇷',
  '\u200b zero width \ufeff bom',
  '\\x41 is not A',
  '%s %d ${x}',
];

describe.each(['server', 'chdb'] as const)('ClickHouse on %s', (kind) => {
  let engine: TestEngine;
  beforeAll(() => {
    engine = testEngine(kind);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('migrates an empty database, and a second run applies nothing', async () => {
    const ch = engine.open();
    const lines: string[] = [];
    const first = await migrate(ch, { log: (line) => lines.push(line) });
    expect(first.applied).toEqual(['0001_traces_and_usage']);
    expect(lines).toContain('clickhouse: applying migration 0001_traces_and_usage');
    const second = await migrate(ch);
    expect(second.applied).toEqual([]);
    const tables = await ch.query<{ name: string }>(
      sql`SELECT name FROM system.tables WHERE database = ${ch.database} ORDER BY name`,
    );
    expect(tables.map((table) => table.name)).toEqual([
      'schema_migrations',
      'traces',
      'usage_hourly',
      'usage_hourly_mv',
    ]);
  });

  it('refuses to run when an applied migration file changed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'optscale-migrations-'));
    try {
      writeFileSync(
        path.join(dir, '0001_first.sql'),
        'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;\n',
      );
      const ch = engine.open();
      expect((await migrate(ch, { dir })).applied).toEqual(['0001_first']);
      writeFileSync(
        path.join(dir, '0001_first.sql'),
        'CREATE TABLE IF NOT EXISTS a (x UInt16) ENGINE = MergeTree ORDER BY x;\n',
      );
      writeFileSync(
        path.join(dir, '0002_second.sql'),
        'CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = MergeTree ORDER BY x;\n',
      );
      await expect(migrate(ch, { dir })).rejects.toThrow(MigrationError);
      await expect(migrate(ch, { dir })).rejects.toThrow(
        /0001_first was applied with checksum .* must not change/,
      );
      const tables = await ch.query(
        sql`SELECT name FROM system.tables WHERE database = ${ch.database} AND name = 'b'`,
      );
      expect(tables).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets two migrate() calls race on one database and both succeed with one ledger entry per file', async () => {
    const database = engine.newDatabaseName();
    const one = engine.open(database);
    const two = engine.open(database);
    const started = Date.now();
    const [a, b] = await Promise.all([migrate(one), migrate(two)]);
    console.log(
      `${kind}: two racing migrate() calls took ${Date.now() - started} ms; applied ${JSON.stringify([a.applied, b.applied])}`,
    );
    expect([...a.applied, ...b.applied]).toContain('0001_traces_and_usage');
    const ledger = await one.query<{ version: number; checksums: string }>(
      'SELECT version, uniqExact(checksum) AS checksums FROM schema_migrations GROUP BY version',
    );
    expect(ledger).toEqual([{ version: 1, checksums: '1' }]);
    expect((await migrate(one)).applied).toEqual([]);
    // The materialized view exists once: one trace gives one request in the roll-up.
    await one.insert('traces', [traceRow()]);
    const [usage] = await one.query<{ requests: string }>(
      'SELECT sum(requests) AS requests FROM usage_hourly',
    );
    expect(usage?.requests).toBe('1');
  });

  describe('with the schema', () => {
    let ch: ReturnType<TestEngine['open']>;
    beforeAll(async () => {
      ch = engine.open();
      await migrate(ch);
    });

    it('round-trips every column type of traces (UInt64 as strings, DateTime, Float64, tricky Strings)', async () => {
      const row = traceRow({
        started_at_ms: '18446744073709551615',
        cost_nanos: 9007199254740993n,
        input_tokens: '0',
        started_at: new Date('2026-11-20T10:15:30.999Z'),
        gateway_ms: 0.1 + 0.2,
        upstream_ms: -0,
        ttft_ms: 1e-300,
        total_ms: 123456789.123,
        status: 503,
        stream: 1,
        error_message: "quote ' backslash \\ nul \u0000 newline \n emoji 😀",
        routing_attempts: JSON.stringify([{ target: 'a"b', ok: false }]),
      });
      await ch.insert('traces', [row]);
      const [back] = await ch.query(
        sql`SELECT * FROM traces FINAL WHERE request_id = ${row.request_id as string}`,
      );
      expect(back).toEqual({
        ...row,
        started_at: '2026-11-20 10:15:30',
        cost_nanos: '9007199254740993',
        upstream_ms: 0,
      });
      expect(typeof back?.gateway_ms).toBe('number');
    });

    it.each(INJECTION_CORPUS.map((value) => [JSON.stringify(value), value]))(
      'binds %s so it round-trips as a literal and as a WHERE value',
      async (_label, value) => {
        const [literal] = await ch.query<{ v: string; bytes: string }>(
          sql`SELECT ${value} AS v, length(${value}) AS bytes`,
        );
        expect(literal).toEqual({ v: value, bytes: String(Buffer.byteLength(value)) });
        const row = traceRow({ organization_id: 'org_injection', user_agent: value });
        await ch.insert('traces', [row]);
        const found = await ch.query<{ request_id: string }>(
          sql`SELECT request_id FROM traces WHERE organization_id = 'org_injection' AND user_agent = ${value}`,
        );
        expect(found).toEqual([{ request_id: row.request_id }]);
      },
    );

    it('binds numbers, bigints, booleans, dates, arrays, lists and identifiers with their types intact', async () => {
      const [row] = await ch.query(
        sql`SELECT 1-${-1} AS minus, ${18446744073709551615n} AS big, ${-9223372036854775808n} AS small, ${true} AS yes,
          toUnixTimestamp(${new Date('2026-11-20T10:15:30Z')}) AS unix, ${['a', "b'"]} AS arr, 3 IN (${list([1, 2, 3])}) AS found,
          ${identifier('request_id', ['request_id'])} AS col FROM (SELECT 'rid' AS request_id) WHERE ${fragment`${1.5} > ${1}`}`,
      );
      expect(row).toEqual({
        minus: 2,
        big: '18446744073709551615',
        small: '-9223372036854775808',
        yes: 1,
        unix: 1795169730,
        arr: ['a', "b'"],
        found: 1,
        col: 'rid',
      });
    });

    it('collapses a duplicate request in ReplacingMergeTree under FINAL, keeping the latest ingestion', async () => {
      const first = traceRow({ organization_id: 'org_dup', ingested_at: '2026-11-20 10:15:31', status: 500 });
      await ch.insert('traces', [first]);
      await ch.insert('traces', [{ ...first, ingested_at: '2026-11-20 10:16:00', status: 200 }]);
      const raw = await ch.query<{ n: string }>(
        `SELECT count() AS n FROM traces WHERE organization_id = 'org_dup'`,
      );
      expect(raw).toEqual([{ n: '2' }]);
      const collapsed = await ch.query(
        `SELECT status, ingested_at FROM traces FINAL WHERE organization_id = 'org_dup'`,
      );
      expect(collapsed).toEqual([{ status: 200, ingested_at: '2026-11-20 10:16:00' }]);
    });

    it('sums traces into usage_hourly through the materialized view', async () => {
      const org = 'org_mv';
      await ch.insert('traces', [
        traceRow({
          organization_id: org,
          started_at: '2026-11-20 10:01:00',
          cost_nanos: '1000',
          input_tokens: '10',
        }),
        traceRow({
          organization_id: org,
          started_at: '2026-11-20 10:59:59',
          cost_nanos: '2000',
          input_tokens: '20',
          status: 429,
        }),
      ]);
      await ch.insert('traces', [
        traceRow({
          organization_id: org,
          started_at: '2026-11-20 10:30:00',
          cost_nanos: '4000',
          input_tokens: '40',
          total_ms: 10,
        }),
        traceRow({
          organization_id: org,
          started_at: '2026-11-20 11:00:00',
          cost_nanos: '8000',
          input_tokens: '80',
          model: 'other',
        }),
      ]);
      const hours = await ch.query(sql`
        SELECT hour, model, sum(requests) AS requests, sum(failed_requests) AS failed, sum(input_tokens) AS input,
               sum(cost_nanos) AS cost, sum(total_ms) AS total_ms
        FROM usage_hourly WHERE organization_id = ${org} GROUP BY hour, model ORDER BY hour`);
      expect(hours).toEqual([
        {
          hour: '2026-11-20 10:00:00',
          model: 'gpt-4o',
          requests: '3',
          failed: '1',
          input: '70',
          cost: '7000',
          total_ms: 201.75 * 2 + 10,
        },
        {
          hour: '2026-11-20 11:00:00',
          model: 'other',
          requests: '1',
          failed: '0',
          input: '80',
          cost: '8000',
          total_ms: 201.75,
        },
      ]);
    });

    it('surfaces ClickHouse errors with its code and message', async () => {
      await expect(ch.query('SELECT * FROM no_such_table')).rejects.toMatchObject({
        name: 'ClickHouseError',
        code: 60,
        engine: kind,
        message: expect.stringMatching(/no_such_table/),
      });
      const syntax = await ch.exec('SELEC 1').catch((error: unknown) => error);
      expect(syntax).toBeInstanceOf(ClickHouseError);
      expect(syntax).toMatchObject({ code: 62, message: expect.stringMatching(/Syntax error/) });
      await expect(ch.insert('traces', [{ no_such_column: 1 }])).rejects.toBeInstanceOf(ClickHouseError);
      await expect(ch.insert('traces; DROP TABLE traces', [traceRow()])).rejects.toThrow(/not an identifier/);
    });

    it('answers ping and queues concurrent calls', async () => {
      await ch.ping();
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) => ch.query<{ n: number }>(sql`SELECT ${index} AS n`)),
      );
      console.log(`${kind}: 20 concurrent queries took ${Date.now() - started} ms`);
      expect(answers.map(([row]) => row?.n)).toEqual(Array.from({ length: 20 }, (_, index) => index));
    });
  });

  if (kind === 'chdb') {
    it('keeps the event loop turning while chDB computes', async () => {
      const ch = engine.open();
      await ch.createDatabase();
      let turns = 0;
      let spinning = true;
      const spin = (): void => {
        turns += 1;
        if (spinning) setImmediate(spin);
      };
      setImmediate(spin);
      const started = Date.now();
      const [row] = await ch
        .query<{ total: string }>('SELECT sum(number) AS total FROM numbers(200000000)')
        .finally(() => (spinning = false));
      console.log(`chdb: a ${Date.now() - started} ms query let the event loop turn ${turns} times`);
      expect(row?.total).toBe('19999999900000000');
      expect(turns).toBeGreaterThan(1);
    });

    it('keeps data across close and reopen of the same folder, and refuses a second folder', async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'optscale-chdb-persist-'));
      const other = mkdtempSync(path.join(tmpdir(), 'optscale-chdb-other-'));
      // The shared engine of this file must be closed first: one chDB folder per process.
      await engine.dispose();
      engine = testEngine(kind);
      try {
        const first = createClickHouse({ engine: 'chdb', path: folder, database: 'persist' });
        await migrate(first);
        await first.insert('traces', [traceRow({ request_id: 'kept' })]);
        expect(() => createClickHouse({ engine: 'chdb', path: other, database: 'persist' })).toThrow(
          /one data folder per process/,
        );
        await first.close();
        await expect(first.ping()).rejects.toThrow(/closed/);
        const reopened = createClickHouse({ engine: 'chdb', path: folder, database: 'persist' });
        expect(await reopened.query('SELECT request_id FROM traces FINAL')).toEqual([{ request_id: 'kept' }]);
        expect((await migrate(reopened)).applied).toEqual([]);
        await reopened.close();
      } finally {
        rmSync(folder, { recursive: true, force: true });
        rmSync(other, { recursive: true, force: true });
      }
    });
  }

  if (kind === 'server') {
    it('sends the configured credentials as basic auth', async () => {
      const right = createClickHouse({
        engine: 'server',
        url: 'http://127.0.0.1:18123',
        database: 'default',
        user: 'default',
        password: '',
      });
      const wrong = createClickHouse({
        engine: 'server',
        url: 'http://127.0.0.1:18123',
        database: 'default',
        user: 'default',
        password: 'wrong-password',
      });
      try {
        await right.ping();
        await expect(wrong.ping()).rejects.toMatchObject({
          name: 'ClickHouseError',
          message: expect.stringMatching(/password/i),
        });
      } finally {
        await right.close();
        await wrong.close();
      }
    });

    it('reports a refused login with ClickHouse’s message and without the password', async () => {
      const ch = createClickHouse({
        engine: 'server',
        url: 'http://127.0.0.1:18123',
        database: 'default',
        user: 'no_such_user',
        password: 'hunter2-secret',
      });
      try {
        const error = await ch.ping().catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ClickHouseError);
        expect(error).toMatchObject({
          code: expect.any(Number),
          message: expect.stringMatching(/no_such_user/),
        });
        expect(
          JSON.stringify({
            ...(error as object),
            message: (error as Error).message,
            stack: (error as Error).stack,
          }),
        ).not.toMatch(/hunter2/);
      } finally {
        await ch.close();
      }
    });

    it('gives up after its timeout', async () => {
      const ch = createClickHouse({
        engine: 'server',
        url: 'http://127.0.0.1:18123',
        database: 'default',
        timeoutMs: 500,
      });
      try {
        await expect(ch.query('SELECT sleep(2)')).rejects.toBeInstanceOf(ClickHouseError);
      } finally {
        await ch.close();
      }
    });
  }
});
