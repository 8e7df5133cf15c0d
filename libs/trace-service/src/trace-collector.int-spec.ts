/**
 * The trace collector against the real local stack: Kafka (`optscale.gateway.requests.v1`, group
 * `trace-collector`) and the ClickHouse 18.16 server. Each test run has its own topic prefix and its
 * own database. Counts are taken WITHOUT FINAL: a duplicate row would show.
 */
import { randomUUID } from 'node:crypto';
import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import type { ClickHouse } from '@optscale/clickhouse';
import type { RequestEvent } from '@optscale/contracts';
import { eventually, localStackEnv, startCuttableProxy } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { fullEvent } from './__fixtures__/events';
import { scratchClickHouse, type ScratchClickHouse } from './__fixtures__/scratch-clickhouse';
import { TraceCollector } from './trace-collector';
import { TracesService } from './traces.service';

const { kafkaBrokers, clickhouseUrl } = localStackEnv();
const prefix = `test.${randomUUID().slice(0, 8)}.`;
const ORG_A = randomUUID();
const ORG_B = randomUUID();

function busOptions(clientId: string): KafkaBusOptions {
  return {
    brokers: kafkaBrokers,
    clientId,
    topicPrefix: prefix,
    partitions: 2,
    sessionTimeoutMs: 6000,
    rebalanceTimeoutMs: 6000,
    heartbeatIntervalMs: 500,
    maxWaitTimeMs: 100,
    logLevel: logLevel.NOTHING,
  };
}

async function countRows(
  clickhouse: ClickHouse,
  organizationId: string,
): Promise<{ rows: number; ids: number }> {
  const [row] = await clickhouse.query<{ rows: string; ids: string }>(
    `SELECT count() AS rows, uniqExact(request_id) AS ids FROM traces WHERE organization_id = '${organizationId}'`,
  );
  return { rows: Number(row?.rows ?? 0), ids: Number(row?.ids ?? 0) };
}

let scratch: ScratchClickHouse;
let producer: KafkaBus;

beforeAll(async () => {
  scratch = await scratchClickHouse('server', 'collector');
  producer = new KafkaBus(busOptions('collector-producer'));
});

afterAll(async () => {
  await producer?.close();
  await scratch?.drop();
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

async function publish(events: readonly RequestEvent[]): Promise<void> {
  for (const event of events)
    await producer.publish('optscale.gateway.requests.v1', event.organizationId, event);
}

describe('trace collector on Kafka and the ClickHouse server', () => {
  it('stores each request once (redelivery and in-batch duplicates included), and keeps tenants apart', async () => {
    const bus = new KafkaBus(busOptions('collector-1'));
    const collector = new TraceCollector(bus, scratch.clickhouse, { log: () => undefined });
    await collector.start();
    try {
      const eventsA = Array.from({ length: 25 }, () => fullEvent(ORG_A));
      const eventsB = Array.from({ length: 5 }, () => fullEvent(ORG_B, { userId: 'user-b' }));
      const first = eventsA[0];
      if (first === undefined) throw new Error('no events');
      await publish([...eventsA, first, ...eventsB, first]);
      await eventually(
        async () => expect(await countRows(scratch.clickhouse, ORG_A)).toEqual({ rows: 25, ids: 25 }),
        {
          timeoutMs: 20_000,
        },
      );
      await eventually(async () =>
        expect(await countRows(scratch.clickhouse, ORG_B)).toEqual({ rows: 5, ids: 5 }),
      );

      // A redelivered batch (crash between insert and commit) inserts nothing.
      await expect(collector.write(eventsA)).resolves.toBe(0);
      expect(await countRows(scratch.clickhouse, ORG_A)).toEqual({ rows: 25, ids: 25 });

      // Tenant isolation and member scope, as the Traces API serves them.
      const traces = new TracesService(scratch.clickhouse);
      const query = {
        limit: 100,
        offset: 0,
        range: '1d',
        sort: 'time',
        order: 'desc',
        status: undefined,
      } as const;
      const adminOfB = {
        kind: 'user',
        userId: 'admin-b',
        organizationId: ORG_B,
        role: 'admin',
        email: 'b@x',
        sessionId: 's',
      } as const;
      const listB = await traces.list(adminOfB, ORG_B, query);
      expect(listB.total).toBe(5);
      expect(listB.items.every((item) => eventsB.some((e) => e.requestId === item.request_id))).toBe(true);
      await expect(traces.list(adminOfB, ORG_A, query)).rejects.toMatchObject({ status: 404 });
      await expect(traces.get(adminOfB, ORG_B, first.requestId)).rejects.toMatchObject({ status: 404 });
      const memberOfA = {
        ...adminOfB,
        userId: 'someone-else',
        organizationId: ORG_A,
        role: 'member',
      } as const;
      expect((await traces.list(memberOfA, ORG_A, query)).total).toBe(0);
      await expect(traces.get(memberOfA, ORG_A, first.requestId)).rejects.toMatchObject({ status: 404 });
      const managerOfA = { ...memberOfA, role: 'manager' } as const;
      const listA = await traces.list(managerOfA, ORG_A, { ...query, sort: 'cost', order: 'asc', limit: 10 });
      expect(listA.total).toBe(25);
      expect(listA.items).toHaveLength(10);
      expect(listA.summary).toMatchObject({
        total_requests: 25,
        success_rate: 1,
        estimated_spend: { nanos: String(25 * 1_234_567), usd: '0.030864175' },
      });
      const detail = await traces.get(managerOfA, ORG_A, first.requestId);
      expect(detail).toMatchObject({
        request_id: first.requestId,
        routing: { rule_id: 'rule-1', attempts: first.routing?.attempts },
        policies: first.policies,
        content: first.content,
        cost: { nanos: '1234567', usd: '0.001234567' },
      });
    } finally {
      await collector.close();
      await bus.close();
    }
  }, 60_000);

  it('holds while ClickHouse is unreachable and catches up afterwards: nothing lost, nothing doubled', async () => {
    const target = new URL(clickhouseUrl);
    const proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port) });
    const bus = new KafkaBus(busOptions('collector-outage'));
    const collector = new TraceCollector(bus, scratch.via(`http://127.0.0.1:${proxy.port}`), {
      log: () => undefined,
      retryBackoffMs: 50,
      maxRetryBackoffMs: 500,
    });
    const org = randomUUID();
    try {
      await collector.start();
      const before = Array.from({ length: 10 }, () => fullEvent(org));
      await publish(before);
      await eventually(async () => expect((await countRows(scratch.clickhouse, org)).rows).toBe(10), {
        timeoutMs: 20_000,
      });

      proxy.cut();
      const during = Array.from({ length: 40 }, () => fullEvent(org));
      await publish(during);
      await eventually(async () => expect((await collector.check()).degraded).toBe(true), {
        timeoutMs: 20_000,
      });
      expect((await countRows(scratch.clickhouse, org)).rows).toBe(10);
      const held = (await collector.check()).detail;
      process.stdout.write(`collector during the ClickHouse outage: ${JSON.stringify(held)}\n`);

      const restoredAt = Date.now();
      proxy.restore();
      await eventually(
        async () => expect(await countRows(scratch.clickhouse, org)).toEqual({ rows: 50, ids: 50 }),
        {
          timeoutMs: 30_000,
        },
      );
      process.stdout.write(`caught up ${Date.now() - restoredAt} ms after ClickHouse came back\n`);
      await eventually(async () => expect((await collector.check()).degraded).toBe(false));
    } finally {
      proxy.restore();
      await collector.close();
      await bus.close();
      await proxy.close();
    }
  }, 90_000);

  it('dead-letters a poison message with the reason and goes on', async () => {
    const bus = new KafkaBus(busOptions('collector-dlq'));
    const collector = new TraceCollector(bus, scratch.clickhouse, { log: () => undefined });
    const reasons: string[] = [];
    const org = randomUUID();
    try {
      await bus.subscribe(
        'optscale.gateway.requests.v1.dlq',
        (message) => {
          if (message.value !== null && message.key === org) reasons.push(message.value.reason);
        },
        { onInvalid: () => undefined },
      );
      await collector.start();
      await producer.publishRaw(
        'optscale.gateway.requests.v1',
        org,
        Buffer.from(JSON.stringify({ requestId: 'x', organizationId: org })),
      );
      await publish([fullEvent(org)]);
      await eventually(async () => expect((await countRows(scratch.clickhouse, org)).rows).toBe(1), {
        timeoutMs: 20_000,
      });
      await eventually(() => expect(reasons).toHaveLength(1), { timeoutMs: 20_000 });
      expect(reasons[0]).toMatch(/usage|timings|surface/);
    } finally {
      await collector.close();
      await bus.close();
    }
  }, 60_000);
});
