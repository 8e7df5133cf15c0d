/**
 * The request-event spool against the real local Kafka (`bash deploy/local/stack.sh up`), with the
 * sink's Kafka client behind a loopback proxy the test cuts to play an outage (the technique of
 * config/bus-config-source.int-spec.ts). Events are read back with a plain kafkajs consumer.
 *
 * The gateway test serves requests through an outage of OUTAGE_MS (default 10 s so CI stays quick;
 * the one minute runs with `OPTSCALE_SPOOL_OUTAGE_MS=60000 npx jest <this file>`).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus, type KafkaBusOptions } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import { eventually, localStackEnv, startMockProvider, type MockProvider } from '@optscale/testing';
import { Kafka, logLevel } from 'kafkajs';
import { generateKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import { startCuttableTcpProxy, type CuttableTcpProxy } from '../config/__fixtures__/cuttable-tcp-proxy';
import type { ConfigFile } from '../config/config-file';
import { StaticConfigSource } from '../config/static-config-source';
import { parseGatewayEnv } from '../gateway-env';
import { BusEventSink, type SpooledEvent } from './bus-event-sink';
import { DiskSpool } from './disk-spool';

const { kafkaBrokers } = localStackEnv();
const OUTAGE_MS = Number(process.env['OPTSCALE_SPOOL_OUTAGE_MS'] ?? 10_000);
const prefixes: string[] = [];
const dirs: string[] = [];

function busOptions(proxy: CuttableTcpProxy): KafkaBusOptions {
  const topicPrefix = `test.spool.${randomUUID().slice(0, 8)}.`;
  prefixes.push(topicPrefix);
  return {
    brokers: kafkaBrokers,
    clientId: 'spool-int-spec',
    topicPrefix,
    partitions: 3,
    retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 2 },
    logLevel: logLevel.NOTHING,
    socketFactory: proxy.socketFactory,
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'optscale-spool-int-'));
  dirs.push(dir);
  return dir;
}

/** Every request event on the topic, in the order of each partition (so, per organization). */
async function readBack(
  topicPrefix: string,
  expected: number,
): Promise<{ key: string; event: RequestEvent }[]> {
  const kafka = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${topicPrefix}readback.${randomUUID()}` });
  const seen: { key: string; event: RequestEvent }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: `${topicPrefix}optscale.gateway.requests.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push({
          key: message.key?.toString('utf8') ?? '',
          event: JSON.parse(message.value?.toString('utf8') ?? 'null') as RequestEvent,
        });
        return Promise.resolve();
      },
    });
    await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(expected), { timeoutMs: 60_000 });
    // Anything beyond `expected` (a duplicate) has time to show up too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

function event(organizationId: string, seq: number): RequestEvent {
  return {
    requestId: `${organizationId}-${String(seq).padStart(5, '0')}`,
    organizationId,
    keyId: 'key-1',
    userId: 'user-1',
    provider: 'openai',
    model: 'gpt-4.1',
    clientModel: 'gpt-4.1',
    surface: 'openai',
    operation: 'chat',
    client: 'curl',
    userAgent: null,
    sessionId: null,
    stream: false,
    passthrough: true,
    status: 200,
    errorType: null,
    errorMessage: null,
    usage: { inputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    timings: { startedAt: Date.now(), gatewayMs: 0.1, upstreamMs: 1, ttftMs: 1, totalMs: 2 },
  };
}

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  // Leave the shared broker as found: drop this run's topics and consumer groups.
  const admin = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ours = (name: string): boolean => prefixes.some((prefix) => name.startsWith(prefix));
    const { groups } = await admin.listGroups();
    const groupIds = groups.map((g) => g.groupId).filter(ours);
    if (groupIds.length > 0) await admin.deleteGroups(groupIds).catch(() => undefined);
    const topics = (await admin.listTopics()).filter(ours);
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
});

describe('BusEventSink with its spool on Kafka through an outage', () => {
  it('spools what is emitted while Kafka is cut, without blocking, and delivers it all once, in order', async () => {
    const proxy = await startCuttableTcpProxy(kafkaBrokers[0] ?? '');
    const options = busOptions(proxy);
    const bus = new KafkaBus(options);
    const spool = await DiskSpool.open<SpooledEvent>({ dir: tempDir(), maxBytes: 64 * 1024 * 1024 });
    const sink = new BusEventSink(bus, { spool, log: () => undefined });
    const orgs = ['org-a', 'org-b', 'org-c', 'org-d', 'org-e'];
    const perOrg = 200;
    try {
      // Healthy first: the topic exists and the producer is connected when the cut comes.
      for (const org of orgs) sink.emit(event(org, 0));
      await sink.drain();

      proxy.cut();
      let slowest = 0;
      const started = performance.now();
      for (let seq = 1; seq <= perOrg; seq++) {
        for (const org of orgs) {
          const before = performance.now();
          sink.emit(event(org, seq));
          slowest = Math.max(slowest, performance.now() - before);
        }
      }
      console.log(
        `${orgs.length * perOrg} emits during the cut: ${(performance.now() - started).toFixed(1)} ms in all, slowest ${slowest.toFixed(3)} ms`,
      );
      await eventually(() => expect(spool.stats().events).toBe(orgs.length * perOrg), { timeoutMs: 30_000 });
      expect(sink.check()).toMatchObject({
        degraded: true,
        detail: { failing: true, spool: { events: orgs.length * perOrg } },
      });
      const spooled = spool.stats();
      console.log(`spooled ${spooled.events} events in ${spooled.bytes} bytes, ${spooled.segments} segments`);

      proxy.restore();
      const recovered = performance.now();
      await eventually(() => expect(sink.check()).toMatchObject({ degraded: false }), { timeoutMs: 60_000 });
      console.log(`replayed the spool ${(performance.now() - recovered).toFixed(0)} ms after the restore`);
      expect(spool.stats()).toMatchObject({ events: 0, segments: 0 });

      const seen = await readBack(options.topicPrefix ?? '', orgs.length * (perOrg + 1));
      const ids = seen.map((s) => s.event.requestId);
      expect(new Set(ids).size).toBe(orgs.length * (perOrg + 1));
      expect(ids).toHaveLength(orgs.length * (perOrg + 1));
      for (const org of orgs) {
        const order = seen.filter((s) => s.key === org).map((s) => s.event.requestId);
        expect(order).toEqual(Array.from({ length: perOrg + 1 }, (_, seq) => event(org, seq).requestId));
      }
    } finally {
      await sink.close();
      await bus.close();
      await proxy.close();
    }
  });
});

describe('a gateway serving through a Kafka outage', () => {
  let mock: MockProvider;
  let gateway: RunningGateway;
  let proxy: CuttableTcpProxy;
  let bus: KafkaBus;
  let sink: BusEventSink;
  let options: KafkaBusOptions;
  const ORG = randomUUID();
  const key = generateKey();

  beforeAll(async () => {
    mock = await startMockProvider('openai', { models: ['gpt-4.1'], apiKey: 'sk-upstream' });
    proxy = await startCuttableTcpProxy(kafkaBrokers[0] ?? '');
    options = busOptions(proxy);
    bus = new KafkaBus(options);
    const config: ConfigFile = {
      organizations: [
        {
          id: ORG,
          name: 'Sunflower',
          currency: 'USD',
          providers: [
            {
              name: 'OpenAI',
              proxy_name: 'openai',
              api_type: 'openai',
              base_url: mock.url,
              api_key: 'sk-upstream',
              status: 'active',
              models: ['gpt-4.1'],
            },
          ],
          users: [
            {
              email: 'dev@sunflower.example',
              role: 'member',
              allowed_providers: ['openai'],
              keys: [{ name: 'laptop', value: key, active: true }],
            },
          ],
        },
      ],
    };
    const env = parseGatewayEnv({ PORT: '0', OPTSCALE_DATA_DIR: tempDir(), OPTSCALE_REQUEST_LOG: 'false' });
    const spool = await DiskSpool.open<SpooledEvent>({
      dir: tempDir(),
      maxBytes: env.OPTSCALE_SPOOL_MAX_BYTES,
    });
    sink = new BusEventSink(bus, { spool, log: () => undefined });
    gateway = await startGateway(env, new StaticConfigSource(config), {
      sinks: [sink],
      readinessChecks: [sink],
    });
    await gateway.runtime.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await sink?.drain();
    await sink?.close();
    await bus?.close();
    await proxy?.close();
    await mock?.close();
  });

  const chat = async (): Promise<{ status: number; requestId: string; ms: number }> => {
    const started = performance.now();
    const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.text();
    return {
      status: res.status,
      requestId: res.headers.get('x-request-id') ?? '',
      ms: performance.now() - started,
    };
  };

  it(
    `answers every request during a ${OUTAGE_MS / 1000} s outage; every event lands once, in order`,
    async () => {
      const served: string[] = [];
      for (let i = 0; i < 10; i++) served.push((await chat()).requestId);
      await sink.drain();

      proxy.cut();
      const cutAt = performance.now();
      const latencies: number[] = [];
      while (performance.now() - cutAt < OUTAGE_MS) {
        const answer = await chat();
        expect(answer.status).toBe(200);
        served.push(answer.requestId);
        latencies.push(answer.ms);
      }
      const readyz = (await (await fetch(`${gateway.url}/readyz`)).json()) as {
        status: string;
        checks: Record<string, { detail?: { spool?: { events: number; bytes: number } } }>;
      };
      expect(readyz.status).toBe('degraded');
      latencies.sort((a, b) => a - b);
      console.log(
        `${latencies.length} requests during the outage: p50 ${latencies[Math.floor(latencies.length / 2)]?.toFixed(1)} ms, ` +
          `max ${latencies[latencies.length - 1]?.toFixed(1)} ms; spool ${JSON.stringify(readyz.checks['request-events']?.detail?.spool)}`,
      );

      proxy.restore();
      for (let i = 0; i < 10; i++) served.push((await chat()).requestId);
      await eventually(() => expect(sink.check()).toMatchObject({ degraded: false }), { timeoutMs: 60_000 });

      const seen = await readBack(options.topicPrefix ?? '', served.length);
      const ids = seen.map((s) => s.event.requestId);
      expect(ids).toHaveLength(served.length);
      expect(new Set(ids).size).toBe(served.length);
      // One organization, one partition: the order the gateway recorded them in.
      expect(ids).toEqual(served);
    },
    OUTAGE_MS + 90_000,
  );
});
