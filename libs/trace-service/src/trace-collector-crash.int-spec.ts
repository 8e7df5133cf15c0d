/**
 * A collector killed with SIGKILL after ClickHouse accepted its insert but before the offsets were
 * committed: the next collector gets the batch again and the request-id check drops what is stored.
 * No loss, no duplicates (counted without FINAL). The child runs the built libraries:
 * `npx turbo run build --filter=@optscale/trace-service...` first.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import { eventually, localStackEnv } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { fullEvent } from './__fixtures__/events';
import { scratchClickHouse, type ScratchClickHouse } from './__fixtures__/scratch-clickhouse';
import { TraceCollector } from './trace-collector';

const { kafkaBrokers, clickhouseUrl } = localStackEnv();
const prefix = `test.${randomUUID().slice(0, 8)}.`;
const options: KafkaBusOptions = {
  brokers: kafkaBrokers,
  clientId: 'crash-spec',
  topicPrefix: prefix,
  partitions: 1,
  sessionTimeoutMs: 6000,
  rebalanceTimeoutMs: 6000,
  heartbeatIntervalMs: 500,
  maxWaitTimeMs: 100,
  logLevel: logLevel.NOTHING,
};

let scratch: ScratchClickHouse;

beforeAll(async () => {
  scratch = await scratchClickHouse('server', 'crash');
});

afterAll(async () => {
  await scratch?.drop();
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

it('a collector killed between insert and commit loses nothing and doubles nothing', async () => {
  const org = randomUUID();
  const events = Array.from({ length: 30 }, () => fullEvent(org));
  const producer = new KafkaBus(options);
  for (const event of events) await producer.publish('optscale.gateway.requests.v1', org, event);

  const child = spawn(process.execPath, [join(__dirname, '..', 'test', 'collector-child.cjs')], {
    env: {
      ...process.env,
      CH_URL: clickhouseUrl,
      CH_DATABASE: scratch.database,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      TOPIC_PREFIX: prefix,
      MAX_BATCH: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  expect(exit.signal).toBe('SIGKILL');
  expect(output).toContain('inserted 10');
  const count = async () => {
    const [row] = await scratch.clickhouse.query<{ rows: string; ids: string }>(
      `SELECT count() AS rows, uniqExact(request_id) AS ids FROM traces WHERE organization_id = '${org}'`,
    );
    return { rows: Number(row?.rows), ids: Number(row?.ids) };
  };
  expect(await count()).toEqual({ rows: 10, ids: 10 });

  const bus = new KafkaBus(options);
  const collector = new TraceCollector(bus, scratch.clickhouse, { log: () => undefined });
  const restartedAt = Date.now();
  try {
    await collector.start();
    await eventually(async () => expect(await count()).toEqual({ rows: 30, ids: 30 }), { timeoutMs: 40_000 });
    process.stdout.write(
      `restarted collector caught up in ${Date.now() - restartedAt} ms; ${JSON.stringify((await collector.check()).detail)}\n`,
    );
    expect((await collector.check()).detail).toMatchObject({ duplicatesSkipped: 10 });
  } finally {
    await collector.close();
    await bus.close();
    await producer.close();
  }
}, 90_000);
