/**
 * The Usage and Cost API's reports over real engines: the ClickHouse 18.16 server of the local
 * stack and embedded chDB, with the same migrations and queries. Rows enter as the collector writes
 * them (so `usage_hourly` is filled by the materialized view, as in production).
 */
import { randomUUID } from 'node:crypto';
import { InProcessBus } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import { TraceCollector } from '@optscale/trace-service';
import { fullEvent } from '../../trace-service/src/__fixtures__/events';
import {
  scratchClickHouse,
  type ScratchClickHouse,
} from '../../trace-service/src/__fixtures__/scratch-clickhouse';
import { UsageAggregator } from './usage-aggregator';
import { UsageService } from './usage.service';

const H = 3_600_000;
/** A fixed, hour-aligned "now" so the buckets are predictable: 2026-11-20 12:00 UTC. */
const NOW = Date.parse('2026-11-20T12:00:00Z');

function event(org: string, hoursAgo: number, overrides: Partial<RequestEvent> = {}): RequestEvent {
  const base = fullEvent(org, overrides);
  return { ...base, timings: { ...base.timings, startedAt: NOW - hoursAgo * H + 60_000, totalMs: 100 } };
}

describe.each(['server', 'chdb'] as const)('usage reports on %s', (engine) => {
  let scratch: ScratchClickHouse;
  let usage: UsageService;
  let collector: TraceCollector;
  let written: RequestEvent[];
  const org = randomUUID();
  const admin = { kind: 'installation' } as const;
  const base = {
    granularity: 'hour',
    range: '1d',
    from: new Date(NOW - 4 * H).toISOString(),
    to: new Date(NOW).toISOString(),
  } as const;
  const filters = (query: Record<string, unknown> = {}) =>
    usage.filters(admin, org, { ...base, ...query }, NOW);

  beforeAll(async () => {
    scratch = await scratchClickHouse(engine, 'usage');
    const bus = new InProcessBus();
    collector = new TraceCollector(bus, scratch.clickhouse, { log: () => undefined });
    const aggregator = new UsageAggregator(bus, () => undefined);
    usage = new UsageService(scratch.clickhouse, aggregator);
    const cost = (nanos: string) => ({ cost: { nanos, source: 'catalog' as const, catalogVersion: 'v' } });
    written = [
      // Previous period (4..8 hours ago): one request.
      event(org, 6, { ...cost('1000000000') }),
      // This period: hour -4: two on gpt-4o-mini; hour -2: one failed on claude by another user.
      event(org, 4, { ...cost('1500000000') }),
      event(org, 4, { ...cost('500000000') }),
      event(org, 2, {
        ...cost('250000000'),
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
        userId: 'user-2',
        status: 500,
      }),
      // Another organization in the same hours: never counted here.
      event(randomUUID(), 2, { ...cost('999999999999') }),
    ];
    await collector.write(written);
    await aggregator.consume([]);
  }, 60_000);

  afterAll(async () => {
    await scratch?.drop();
  });

  it('totals: requests, success rate, tokens, exact spend, average latency', async () => {
    const { totals } = await usage.totals(filters());
    expect(totals).toEqual({
      requests: 3,
      failed_requests: 1,
      success_rate: 0.6667,
      input_tokens: 300,
      output_tokens: 150,
      cache_read_tokens: 60,
      cache_write_tokens: 30,
      reasoning_tokens: 24,
      estimated_spend: { usd: '2.250000000', nanos: '2250000000' },
      avg_latency_ms: 100,
    });
  });

  it('cost over time, hour buckets gap-filled, optionally per provider; day buckets', async () => {
    const hourly = await usage.costOverTime(filters(), 'hour', undefined);
    expect(hourly.series).toHaveLength(1);
    expect(hourly.series[0]?.points.map((p) => [p.start.slice(11, 16), p.cost.usd, p.requests])).toEqual([
      ['08:00', '2.000000000', 2],
      ['09:00', '0.000000000', 0],
      ['10:00', '0.250000000', 1],
      ['11:00', '0.000000000', 0],
    ]);
    const byProvider = await usage.costOverTime(filters(), 'hour', 'provider');
    expect(byProvider.series.map((s) => [s.key, s.total.usd])).toEqual([
      ['openai-main', '2.000000000'],
      ['anthropic', '0.250000000'],
    ]);
    const daily = await usage.costOverTime(
      filters({ range: '1w', from: undefined, to: undefined }),
      'day',
      undefined,
    );
    expect(daily.series[0]?.points).toHaveLength(8);
    expect(daily.series[0]?.total.nanos).toBe('3250000000');
  });

  it('per model, one model over time, per user', async () => {
    const models = await usage.models(filters());
    expect(
      models.items.map((m) => [m.provider, m.model, m.requests, m.estimated_spend.usd, m.share_of_spend]),
    ).toEqual([
      ['openai-main', 'gpt-4o-mini', 2, '2.000000000', 0.8888],
      ['anthropic', 'claude-haiku-4-5', 1, '0.250000000', 0.1111],
    ]);
    const activity = await usage.modelActivity({ ...filters(), model: 'claude-haiku-4-5' }, 'hour');
    expect(activity.totals).toMatchObject({ requests: 1, failed_requests: 1, success_rate: 0 });
    expect(activity.points.map((p) => p.requests)).toEqual([0, 0, 1, 0]);
    const users = await usage.users(filters());
    expect(users.items.map((u) => [u.user_id, u.requests])).toEqual([
      ['user-1', 2],
      ['user-2', 1],
    ]);
  });

  it('compares with the previous range of equal length', async () => {
    const { current, previous, deltas } = await usage.comparison(filters());
    expect(current.totals.requests).toBe(3);
    expect(previous.totals.requests).toBe(1);
    expect(previous.range).toEqual({
      from: new Date(NOW - 8 * H).toISOString(),
      to: new Date(NOW - 4 * H).toISOString(),
    });
    expect(deltas['requests']).toEqual({ change: 2, relative: 2 });
    expect(deltas['estimated_spend']).toEqual({ change: '1.250000000', relative: 1.25 });
  });

  it('exports any report as CSV', async () => {
    const csv = await usage.export('models', filters(), { ...base, granularity: 'hour' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'provider,model,requests,failed_requests,success_rate,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,estimated_spend_usd,avg_latency_ms,share_of_spend',
    );
    expect(lines[1]).toBe('openai-main,gpt-4o-mini,2,0,1,200,100,40,20,16,2.000000000,100,0.8888');
    const overTime = await usage.export('cost-over-time', filters(), { ...base, group_by: 'user' });
    expect(overTime.split('\r\n')[0]).toBe('start,user,cost_usd,requests');
    expect(overTime.split('\r\n')).toHaveLength(1 + 8 + 1);
  });

  it('does not count a redelivered batch twice (the collector drops stored request ids)', async () => {
    await expect(collector.write(written)).resolves.toBe(0);
    const [row] = await scratch.clickhouse.query<{ rows: string }>(
      `SELECT count() AS rows FROM traces WHERE organization_id = '${org}'`,
    );
    expect(Number(row?.rows)).toBe(4);
    expect((await usage.totals(filters())).totals.requests).toBe(3);
  });

  it('scopes a member to their own usage', async () => {
    const member = {
      kind: 'user',
      userId: 'user-2',
      organizationId: org,
      role: 'member',
      email: 'm@x',
      sessionId: 's',
    } as const;
    const scoped = usage.filters(member, org, { ...base, user_id: 'user-1' }, NOW);
    expect(scoped.userId).toBe('user-2');
    expect((await usage.totals(scoped)).totals.requests).toBe(1);
  });
});
