import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { migrate } from '../migrations';
import type { TestEngine } from '../__fixtures__/engines';
import { testEngine, traceRow } from '../__fixtures__/engines';
import { expandGrafanaSql } from './macros';
import { checkPromQl } from './promql-check';

/**
 * Every dashboard in deploy/grafana is loaded, checked for structure, and every ClickHouse panel
 * query is expanded (variables, then the plugin's macros) and run on both engines after migrate,
 * with traces inserted so the materialized view has rows. Prometheus expressions are checked for
 * balance and for using only the metrics the services export.
 */

const DASHBOARD_DIR = path.join(__dirname, '..', '..', '..', '..', 'deploy', 'grafana');
const DATASOURCE_UIDS = {
  'grafana-clickhouse-datasource': 'optscale-clickhouse',
  prometheus: 'optscale-prometheus',
} as const;

/** The columns each ClickHouse panel must answer with; a new panel needs an entry here. */
const EXPECTED_COLUMNS: Record<string, string[]> = {
  'Spend over time by provider': ['time', 'provider', 'spend_usd'],
  'Requests and failures over time': ['time', 'requests', 'failures'],
  'Tokens over time by kind': ['time', 'input', 'cache_read', 'cache_write', 'output'],
  'Spend by model': ['model', 'spend_usd', 'requests'],
  'Spend by team': ['team', 'spend_usd', 'requests'],
  'Spend by user': ['user', 'spend_usd', 'requests'],
  'Total spend': ['spend_usd'],
  'Latency percentiles over time': ['time', 'p50_ms', 'p95_ms', 'p99_ms'],
  'Most expensive requests': [
    'started_at',
    'request_id',
    'organization_id',
    'team_id',
    'user_id',
    'provider',
    'model',
    'status',
    'input_tokens',
    'output_tokens',
    'cost_usd',
    'total_ms',
  ],
  '$organization variable': ['organization_id'],
};

interface Target {
  refId?: string;
  datasource?: { type?: string; uid?: string };
  rawSql?: string;
  queryType?: string;
  expr?: string;
}
interface Panel {
  id?: number;
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: { name: string; query?: string; datasource?: { type?: string; uid?: string } }[] };
}

const dashboards: [string, Dashboard][] = readdirSync(DASHBOARD_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, JSON.parse(readFileSync(path.join(DASHBOARD_DIR, name), 'utf8')) as Dashboard]);

/** [dashboard file, panel title, SQL, query type] for every ClickHouse query, variables included. */
const clickhouseQueries: [string, string, string, string][] = dashboards.flatMap(([file, dashboard]) => [
  ...(dashboard.panels ?? []).flatMap((panel) =>
    (panel.targets ?? [])
      .filter((target) => target.datasource?.type === 'grafana-clickhouse-datasource')
      .map((target): [string, string, string, string] => [
        file,
        panel.title ?? '',
        target.rawSql ?? '',
        target.queryType ?? '',
      ]),
  ),
  ...(dashboard.templating?.list ?? [])
    .filter((variable) => variable.datasource?.type === 'grafana-clickhouse-datasource')
    .map((variable): [string, string, string, string] => [
      file,
      `$${variable.name} variable`,
      variable.query ?? '',
      'table',
    ]),
]);

describe('Grafana dashboards: structure', () => {
  it('finds the dashboards', () => {
    expect(dashboards.map(([file]) => file)).toEqual(['finops.json', 'operations.json']);
  });

  it.each(dashboards)(
    '%s has a uid, unique panel ids, data sources of ours and targets on every panel',
    (_file, dashboard) => {
      expect(dashboard.uid).toMatch(/^optscale-/);
      const panels = dashboard.panels ?? [];
      expect(panels.length).toBeGreaterThan(0);
      const ids = panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panels) {
        const type = panel.datasource?.type as keyof typeof DATASOURCE_UIDS;
        expect({ panel: panel.title, uid: panel.datasource?.uid }).toEqual({
          panel: panel.title,
          uid: DATASOURCE_UIDS[type],
        });
        expect(panel.targets?.length).toBeGreaterThan(0);
        const refIds = (panel.targets ?? []).map((target) => target.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const target of panel.targets ?? []) {
          expect(target.datasource).toEqual(panel.datasource);
          expect(target.rawSql ?? target.expr).toEqual(expect.stringMatching(/\S/));
        }
      }
    },
  );

  it('has an expected-columns entry for exactly the ClickHouse queries there are', () => {
    expect(clickhouseQueries.map(([, title]) => title).sort()).toEqual(Object.keys(EXPECTED_COLUMNS).sort());
  });

  it.each(
    dashboards.flatMap(([file, dashboard]) =>
      (dashboard.panels ?? []).flatMap((panel) =>
        (panel.targets ?? [])
          .filter((target) => target.expr !== undefined)
          .map((target): [string, string, string] => [file, panel.title ?? '', target.expr ?? '']),
      ),
    ),
  )('%s · %s: PromQL is balanced and uses only exported metrics', (_file, _title, expr) => {
    expect(checkPromQl(expr)).toEqual([]);
  });
});

describe.each(['server', 'chdb'] as const)('Grafana dashboards: ClickHouse queries on %s', (kind) => {
  let engine: TestEngine;
  let ch: ReturnType<TestEngine['open']>;
  beforeAll(async () => {
    engine = testEngine(kind);
    ch = engine.open();
    await migrate(ch);
    await ch.insert('traces', [
      traceRow({
        organization_id: 'org_a',
        started_at: '2026-11-20 10:05:00',
        provider: 'openai',
        cost_nanos: '1000000',
      }),
      traceRow({
        organization_id: 'org_a',
        started_at: '2026-11-20 11:40:00',
        provider: 'anthropic',
        model: 'claude',
        status: 500,
      }),
      traceRow({
        organization_id: 'org_b',
        started_at: '2026-11-20 12:10:00',
        team_id: 'team_2',
        user_id: 'user_2',
      }),
      traceRow({ organization_id: 'org_c', started_at: '2026-11-20 11:00:00' }),
    ]);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  const context = {
    from: new Date('2026-11-20T10:30:00Z'),
    to: new Date('2026-11-20T12:30:00Z'),
    intervalSeconds: 60,
    variables: { organization: ['org_a', 'org_b'] },
  };

  it.each(clickhouseQueries)(
    '%s · %s runs and answers with the expected columns',
    async (_file, title, rawSql, queryType) => {
      const expanded = expandGrafanaSql(rawSql, context);
      const rows = await ch.query(expanded);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(Object.keys(row as object)).toEqual(EXPECTED_COLUMNS[title]);
      if (queryType === 'timeSeries') {
        expect(Object.keys(rows[0] as object)[0]).toBe('time');
      }
    },
  );

  it('filters by organization and time range (spend over time sees org_a and org_b from 10:00 on)', async () => {
    const [, , rawSql] = clickhouseQueries.find(([, title]) => title === 'Spend over time by provider') ?? [];
    const rows = await ch.query<{ time: string; provider: string; spend_usd: number }>(
      expandGrafanaSql(rawSql ?? '', context),
    );
    expect(rows).toEqual([
      { time: '2026-11-20 10:00:00', provider: 'openai', spend_usd: 0.001 },
      { time: '2026-11-20 11:00:00', provider: 'anthropic', spend_usd: 0.0015 },
      { time: '2026-11-20 12:00:00', provider: 'openai', spend_usd: 0.0015 },
    ]);
  });
});
