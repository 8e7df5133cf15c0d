/**
 * The issue's "done means" for traces and usage, through a real gateway: requests through the
 * gateway's OpenAI surface (mock provider) → request events on the bus → trace collector →
 * ClickHouse 18.16 server (`traces`, and `usage_hourly` by the materialized view) → Traces API and
 * Usage API services. Asserts exactly N rows (no FINAL), Usage totals equal to the events' costs,
 * and visibility in the Usage API within 5 s; prints the event-to-visible latency (p50/p99).
 */
import { randomUUID } from 'node:crypto';
import { KafkaBus, type Bus } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import { BusEventSink, type RequestEventSink } from '@optscale/gateway-service';
import { eventually, localStackEnv, startMockProvider, type MockProvider } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { TraceCollector, TracesService } from '@optscale/trace-service';
import { UsageAggregator, UsageService } from '@optscale/usage-service';
import { startBusStack, type BusStack } from '../../gateway/test/support/bus-stack';
import {
  scratchClickHouse,
  type ScratchClickHouse,
} from '../../../libs/trace-service/src/__fixtures__/scratch-clickhouse';

const N = 24;

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

describe.each(['in-process bus (embedded)', 'Kafka (distributed)'] as const)(
  'request events over the %s',
  (transport) => {
    let scratch: ScratchClickHouse;
    let mock: MockProvider;
    let stack: BusStack;
    let eventBus: Bus;
    let collector: TraceCollector;
    let aggregator: UsageAggregator;
    const events: RequestEvent[] = [];
    let forward: BusEventSink | undefined;
    const prefix = `test.${randomUUID().slice(0, 8)}.`;
    const { kafkaBrokers } = localStackEnv();

    beforeAll(async () => {
      scratch = await scratchClickHouse('server', 'pipeline');
      mock = await startMockProvider('openai', { apiKey: 'sk-mock' });
      // Sees every event the gateway records, and hands it to the bus like the platform's sink.
      const tap: RequestEventSink = {
        emit: (event) => {
          events.push(event);
          forward?.emit(event);
        },
      };
      stack = await startBusStack({}, { sinks: [tap] });
      // Config always comes over the stack's in-process bus; request events over the bus under test.
      eventBus =
        transport === 'Kafka (distributed)'
          ? new KafkaBus({
              brokers: kafkaBrokers,
              clientId: 'pipeline-spec',
              topicPrefix: prefix,
              sessionTimeoutMs: 6000,
              rebalanceTimeoutMs: 6000,
              heartbeatIntervalMs: 500,
              maxWaitTimeMs: 50,
              logLevel: logLevel.NOTHING,
            })
          : stack.bus;
      forward = new BusEventSink(eventBus);
      collector = new TraceCollector(eventBus, scratch.clickhouse, { log: () => undefined });
      aggregator = new UsageAggregator(eventBus, () => undefined);
      await collector.start();
      await aggregator.start();
      await stack.putProvider({
        proxyName: 'openai-main',
        apiType: 'openai',
        baseUrl: mock.url,
        apiKey: 'sk-mock',
        models: ['gpt-4o-mini'],
      });
      await stack.putAccess('dev', ['openai-main']);
    }, 60_000);

    afterAll(async () => {
      await collector?.close();
      await aggregator?.close();
      await forward?.drain();
      await stack?.close();
      if (eventBus !== undefined && eventBus !== stack?.bus) {
        await eventBus.close();
        const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        const { groups } = await admin.listGroups();
        const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
        if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
        if (topics.length > 0) await admin.deleteTopics({ topics });
        await admin.disconnect();
      }
      await mock?.close();
      await scratch?.drop();
    });

    it('N requests through the gateway: N traces, exact usage totals, visible within 5 s', async () => {
      const key = await stack.addKey('dev');
      const manager = { kind: 'installation' } as const;
      const traces = new TracesService(scratch.clickhouse);
      const usage = new UsageService(scratch.clickhouse, aggregator);
      const usageQuery = { range: '1d', granularity: 'hour' } as const;
      const latencies: number[] = [];

      for (let i = 0; i < N; i++) {
        const res = await fetch(`${stack.base}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            stream: i % 2 === 1,
            ...(i % 2 === 1 ? { stream_options: { include_usage: true } } : {}),
            messages: [{ role: 'user', content: `hello ${i}` }],
          }),
        });
        expect(res.status).toBe(200);
        await res.text();
        const answered = Date.now();
        // Visible in the Usage API: the totals count this request.
        await eventually(
          async () => {
            const { totals } = await usage.totals(usage.filters(manager, stack.organizationId, usageQuery));
            expect(totals.requests).toBeGreaterThanOrEqual(i + 1);
          },
          { timeoutMs: 5000, intervalMs: 10 },
        );
        latencies.push(Date.now() - answered);
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      process.stdout.write(
        `${transport}: event-to-visible in the Usage API over ${N} requests: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms\n`,
      );

      // Exactly N rows, counted without FINAL.
      const [count] = await scratch.clickhouse.query<{ rows: string }>(
        `SELECT count() AS rows FROM traces WHERE organization_id = '${stack.organizationId}'`,
      );
      expect(Number(count?.rows)).toBe(N);
      expect(events).toHaveLength(N);

      // The Traces API lists them all, each with its request id.
      const list = await traces.list(manager, stack.organizationId, {
        limit: 100,
        offset: 0,
        range: '1d',
        sort: 'time',
        order: 'desc',
        status: undefined,
      });
      expect(list.total).toBe(N);
      expect(new Set(list.items.map((t) => t.request_id))).toEqual(new Set(events.map((e) => e.requestId)));
      expect(list.items.filter((t) => t.stream)).toHaveLength(N / 2);

      // Usage totals equal the sum of the events' costs and tokens (cost from the event when priced,
      // else what the rows hold).
      const [rowsCost] = await scratch.clickhouse.query<{ nanos: string }>(
        `SELECT sum(cost_nanos) AS nanos FROM traces WHERE organization_id = '${stack.organizationId}'`,
      );
      const eventCost = events.every((e) => e.cost !== undefined)
        ? events.reduce((sum, e) => sum + BigInt(e.cost?.nanos ?? '0'), 0n).toString()
        : String(rowsCost?.nanos);
      const { totals } = await usage.totals(usage.filters(manager, stack.organizationId, usageQuery));
      expect(totals.estimated_spend.nanos).toBe(eventCost);
      expect(totals.requests).toBe(N);
      expect(totals.input_tokens).toBe(events.reduce((sum, e) => sum + e.usage.inputTokens, 0));
      expect(totals.output_tokens).toBe(events.reduce((sum, e) => sum + e.usage.outputTokens, 0));
      expect(list.summary.estimated_spend.nanos).toBe(eventCost);
      process.stdout.write(`usage totals: ${JSON.stringify(totals)}\n`);
    }, 120_000);
  },
);
