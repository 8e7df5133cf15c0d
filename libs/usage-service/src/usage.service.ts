import { Inject, Injectable } from '@nestjs/common';
import { problems, type Actor } from '@optscale/admin-api';
import type { ClickHouse } from '@optscale/clickhouse';
import { formatUsd } from '@optscale/pricing';
import {
  ANALYTICS_STORE,
  money,
  ownerScope,
  previousRange,
  rangeOrProblem,
  toNumber,
  toText,
  type TimeRange,
} from '@optscale/trace-service';
import { toCsv, type CsvCell } from './csv';
import { accumulate, fillGaps } from './gap-fill';
import {
  addMeasures,
  EMPTY_MEASURES,
  readMeasures,
  toTotals,
  type Measures,
  type UsageTotals,
} from './measures';
import { UsageAggregator } from './usage-aggregator';
import {
  overTimeSql,
  perModelSql,
  perUserSql,
  totalsSql,
  type Granularity,
  type UsageFilters,
} from './usage.query';
import type { Report, UsageQuery } from './usage.routes';

const iso = (ms: number): string => new Date(ms).toISOString();
const rangeView = (range: TimeRange) => ({ from: iso(range.fromMs), to: iso(range.toMs) });

/** Change and relative change of one measure (relative: null when there was nothing before). */
function delta(current: number, previous: number): { change: number; relative: number | null } {
  return {
    change: current - previous,
    relative: previous === 0 ? null : Math.round(((current - previous) / previous) * 10_000) / 10_000,
  };
}

/**
 * The Usage and Cost API: reports over `usage_hourly`, gap-filled in code, money as decimal strings.
 * Every report is scoped to one organization; members are scoped to their own user id.
 */
@Injectable()
export class UsageService {
  constructor(
    @Inject(ANALYTICS_STORE) private readonly clickhouse: ClickHouse,
    @Inject(UsageAggregator) private readonly aggregator: UsageAggregator,
  ) {}

  /** The filters of a query, with the caller's scope applied (a member sees only themselves). */
  filters(actor: Actor, organizationId: string, query: UsageQuery, now = Date.now()): UsageFilters {
    const forcedUser = ownerScope(actor, organizationId);
    return {
      organizationId,
      range: rangeOrProblem(query, now),
      provider: query.provider,
      model: query.model,
      teamId: query.team_id,
      userId: forcedUser ?? query.user_id,
      keyId: query.key_id,
      client: query.client,
    };
  }

  async totals(filters: UsageFilters) {
    const totals = toTotals(await this.measures(filters));
    const watermark = this.aggregator.watermarkMs();
    return {
      range: rangeView(filters.range),
      totals,
      ingest_watermark: watermark === null ? null : iso(watermark),
    };
  }

  async costOverTime(filters: UsageFilters, granularity: Granularity, groupBy: UsageQuery['group_by']) {
    const rows = await this.clickhouse.query(overTimeSql(filters, granularity, groupBy));
    const byKey = new Map<string, Map<number, Measures>>();
    for (const row of rows) {
      const key = groupBy === undefined ? 'total' : toText(row['g_key']);
      const points = byKey.get(key) ?? new Map<number, Measures>();
      accumulate(points, toNumber(row['g_bucket']), readMeasures(row));
      byKey.set(key, points);
    }
    if (groupBy === undefined && byKey.size === 0) byKey.set('total', new Map());
    const series = [...byKey.entries()].map(([key, points]) => {
      const filled = fillGaps(points, filters.range, granularity);
      const total = filled.reduce((sum, p) => sum + p.measures.costNanos, 0n);
      return {
        key,
        total: money(total),
        points: filled.map((p) => ({
          start: iso(p.start * 1000),
          cost: money(p.measures.costNanos),
          requests: p.measures.requests,
        })),
      };
    });
    series.sort((a, b) =>
      BigInt(b.total.nanos) > BigInt(a.total.nanos)
        ? 1
        : BigInt(b.total.nanos) < BigInt(a.total.nanos)
          ? -1
          : a.key.localeCompare(b.key),
    );
    return { range: rangeView(filters.range), granularity, group_by: groupBy ?? null, series };
  }

  async models(filters: UsageFilters) {
    const rows = await this.clickhouse.query(perModelSql(filters));
    const measures = rows.map((row) => ({ row, m: readMeasures(row) }));
    const spend = measures.reduce((sum, { m }) => sum + m.costNanos, 0n);
    return {
      range: rangeView(filters.range),
      items: measures.map(({ row, m }) => ({
        provider: toText(row['g_provider']),
        model: toText(row['g_model']),
        ...toTotals(m),
        share_of_spend: spend === 0n ? 0 : Number((m.costNanos * 10_000n) / spend) / 10_000,
      })),
    };
  }

  async modelActivity(filters: UsageFilters & { model: string }, granularity: Granularity) {
    const rows = await this.clickhouse.query(overTimeSql(filters, granularity));
    const points = new Map<number, Measures>();
    for (const row of rows) accumulate(points, toNumber(row['g_bucket']), readMeasures(row));
    const filled = fillGaps(points, filters.range, granularity);
    const all = filled.reduce((sum, p) => addMeasures(sum, p.measures), EMPTY_MEASURES);
    return {
      range: rangeView(filters.range),
      model: filters.model,
      granularity,
      totals: toTotals(all),
      points: filled.map((p) => ({ start: iso(p.start * 1000), ...toTotals(p.measures) })),
    };
  }

  async users(filters: UsageFilters) {
    const rows = await this.clickhouse.query(perUserSql(filters));
    return {
      range: rangeView(filters.range),
      items: rows.map((row) => {
        const user = toText(row['g_user']);
        return { user_id: user === '' ? null : user, ...toTotals(readMeasures(row)) };
      }),
    };
  }

  async comparison(filters: UsageFilters) {
    const before = previousRange(filters.range);
    const [current, previous] = await Promise.all([
      this.measures(filters),
      this.measures({ ...filters, range: before }),
    ]);
    const c = toTotals(current);
    const p = toTotals(previous);
    const numeric = [
      'requests',
      'failed_requests',
      'success_rate',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'avg_latency_ms',
    ] as const satisfies readonly (keyof UsageTotals)[];
    const deltas: Record<string, { change: number | string; relative: number | null }> = {};
    for (const name of numeric) deltas[name] = delta(c[name], p[name]);
    const costChange = current.costNanos - previous.costNanos;
    deltas['estimated_spend'] = {
      change: formatUsd(costChange),
      relative:
        previous.costNanos === 0n ? null : Number((costChange * 10_000n) / previous.costNanos) / 10_000,
    };
    return {
      current: { range: rangeView(filters.range), totals: c },
      previous: { range: rangeView(before), totals: p },
      deltas,
    };
  }

  /** Any report as CSV: one header line and one line per row, money as USD decimal strings. */
  async export(report: Report, filters: UsageFilters, query: UsageQuery): Promise<string> {
    const totalsHeader = [
      'requests',
      'failed_requests',
      'success_rate',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'estimated_spend_usd',
      'avg_latency_ms',
    ];
    const totalsCells = (t: UsageTotals): CsvCell[] => [
      t.requests,
      t.failed_requests,
      t.success_rate,
      t.input_tokens,
      t.output_tokens,
      t.cache_read_tokens,
      t.cache_write_tokens,
      t.reasoning_tokens,
      t.estimated_spend.usd,
      t.avg_latency_ms,
    ];
    switch (report) {
      case 'totals': {
        const { range, totals } = await this.totals(filters);
        return toCsv(['from', 'to', ...totalsHeader], [[range.from, range.to, ...totalsCells(totals)]]);
      }
      case 'cost-over-time': {
        const { series } = await this.costOverTime(filters, query.granularity, query.group_by);
        return toCsv(
          ['start', query.group_by ?? 'series', 'cost_usd', 'requests'],
          series.flatMap((s) => s.points.map((p) => [p.start, s.key, p.cost.usd, p.requests])),
        );
      }
      case 'models': {
        const { items } = await this.models(filters);
        return toCsv(
          ['provider', 'model', ...totalsHeader, 'share_of_spend'],
          items.map((i) => [i.provider, i.model, ...totalsCells(i), i.share_of_spend]),
        );
      }
      case 'model-activity': {
        if (query.model === undefined)
          throw problems.badRequest('the model-activity report needs `model`', 'query.model');
        const { points } = await this.modelActivity({ ...filters, model: query.model }, query.granularity);
        return toCsv(
          ['start', ...totalsHeader],
          points.map((p) => [p.start, ...totalsCells(p)]),
        );
      }
      case 'users': {
        const { items } = await this.users(filters);
        return toCsv(
          ['user_id', ...totalsHeader],
          items.map((i) => [i.user_id, ...totalsCells(i)]),
        );
      }
      case 'comparison': {
        const { current, previous } = await this.comparison(filters);
        return toCsv(
          ['period', 'from', 'to', ...totalsHeader],
          [
            ['current', current.range.from, current.range.to, ...totalsCells(current.totals)],
            ['previous', previous.range.from, previous.range.to, ...totalsCells(previous.totals)],
          ],
        );
      }
    }
  }

  private async measures(filters: UsageFilters): Promise<Measures> {
    const [row] = await this.clickhouse.query(totalsSql(filters));
    return readMeasures(row);
  }
}
