import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus, type Bus, type BusMessage } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import { eventually } from '@optscale/testing';
import { BusEventSink, approximateBytes, type SpooledEvent } from './bus-event-sink';
import { DiskSpool } from './disk-spool';

function event(requestId: string, organizationId = 'org-1'): RequestEvent {
  return {
    requestId,
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
    timings: { startedAt: 0, gatewayMs: 0.1, upstreamMs: 1, ttftMs: 1, totalMs: 2 },
  };
}

/**
 * The in-process bus behind a switch: while `down`, every publish fails as Kafka's would during an
 * outage. The sink under test only sees the `Bus` port.
 */
function switchable(bus: Bus): { bus: Bus; down: boolean; attempts: number } {
  const state = { down: false, attempts: 0, bus: undefined as unknown as Bus };
  state.bus = {
    adapter: bus.adapter,
    publish: (...args) => bus.publish(...args),
    publishRaw: (...args) => bus.publishRaw(...args),
    publishBatch: (...args) => {
      state.attempts += 1;
      return state.down ? Promise.reject(new Error('broker unreachable')) : bus.publishBatch(...args);
    },
    subscribe: (...args) => bus.subscribe(...args),
    subscribeBatch: (...args) => bus.subscribeBatch(...args),
    health: () => bus.health(),
    close: () => bus.close(),
  };
  return state;
}

async function collect(bus: Bus): Promise<string[]> {
  const seen: string[] = [];
  await bus.subscribe(
    'optscale.gateway.requests.v1',
    (m: BusMessage<'optscale.gateway.requests.v1'>) => {
      seen.push(`${m.key}:${m.value.requestId}`);
    },
    { group: 'test', onInvalid: () => undefined },
  );
  return seen;
}

const ids = (org: string, from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `${org}:r${from + i}`);

describe('BusEventSink', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'optscale-sink-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes every event in order, keyed by organization, without blocking emit', async () => {
    const bus = new InProcessBus();
    const seen = await collect(bus);
    const sink = new BusEventSink(bus, { batchSize: 3 });
    for (let i = 0; i < 10; i++) sink.emit(event(`r${i}`, i % 2 === 0 ? 'org-a' : 'org-b'));
    await sink.drain();
    await eventually(() => expect(seen).toHaveLength(10));
    expect(seen.filter((s) => s.startsWith('org-a'))).toEqual([0, 2, 4, 6, 8].map((i) => `org-a:r${i}`));
    expect(seen.filter((s) => s.startsWith('org-b'))).toEqual([1, 3, 5, 7, 9].map((i) => `org-b:r${i}`));
    expect(sink.check()).toMatchObject({
      ready: true,
      degraded: false,
      detail: { published: 10, dropped: 0 },
    });
    await bus.close();
  });

  it('spools during an outage, never blocking emit, then replays in order exactly once', async () => {
    const inner = new InProcessBus();
    const seen = await collect(inner);
    const outage = switchable(inner);
    const spool = await DiskSpool.open<SpooledEvent>({ dir, maxBytes: 1 << 20, segmentBytes: 4096 });
    const sink = new BusEventSink(outage.bus, { spool, batchSize: 8, maxQueued: 16, retryBackoffMs: 5 });

    for (let i = 0; i < 5; i++) sink.emit(event(`r${i}`));
    await sink.drain();
    outage.down = true;
    const started = performance.now();
    for (let i = 5; i < 105; i++) sink.emit(event(`r${i}`));
    console.log(`100 emits during the outage took ${(performance.now() - started).toFixed(2)} ms`);
    await sink.drain();
    expect(spool.stats().events).toBe(100);
    expect(sink.check()).toMatchObject({ degraded: true, detail: { failing: true, spool: { events: 100 } } });

    outage.down = false;
    for (let i = 105; i < 110; i++) sink.emit(event(`r${i}`));
    await eventually(() => expect(seen).toHaveLength(110));
    expect(seen).toEqual(ids('org-1', 0, 110));
    await eventually(() =>
      expect(sink.check()).toMatchObject({ degraded: false, detail: { published: 110 } }),
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('segment-'))).toEqual([]);
    await sink.close();
    await inner.close();
  });

  it('replays what a previous process spooled before anything newer', async () => {
    const downBus = switchable(new InProcessBus());
    downBus.down = true;
    const first = new BusEventSink(downBus.bus, {
      spool: await DiskSpool.open<SpooledEvent>({ dir, maxBytes: 1 << 20 }),
      retryBackoffMs: 5,
    });
    for (let i = 0; i < 20; i++) first.emit(event(`r${i}`));
    await first.drain();
    await first.close();

    const bus = new InProcessBus();
    const seen = await collect(bus);
    const second = new BusEventSink(bus, {
      spool: await DiskSpool.open<SpooledEvent>({ dir, maxBytes: 1 << 20 }),
    });
    for (let i = 20; i < 25; i++) second.emit(event(`r${i}`));
    await eventually(() => expect(seen).toHaveLength(25));
    expect(seen).toEqual(ids('org-1', 0, 25));
    await second.close();
    await bus.close();
  });

  it('drops the newest events when the spool is full, and says so', async () => {
    const outage = switchable(new InProcessBus());
    outage.down = true;
    const oneEvent = Buffer.byteLength(JSON.stringify({ event: event('r00'), headers: {} }) + '\n');
    const spool = await DiskSpool.open<SpooledEvent>({ dir, maxBytes: oneEvent * 5 });
    const sink = new BusEventSink(outage.bus, { spool, retryBackoffMs: 5, log: () => undefined });
    for (let i = 10; i < 30; i++) expect(() => sink.emit(event(`r${i}`))).not.toThrow();
    await sink.drain();
    await eventually(() => expect(spool.stats()).toMatchObject({ events: 5, dropped: 15 }));
    expect(sink.check()).toMatchObject({ degraded: true, detail: { dropped: 15 } });
    await sink.close();
    const reopened = await DiskSpool.open<SpooledEvent>({ dir, maxBytes: oneEvent * 5 });
    const kept: string[] = [];
    for (let batch = await reopened.peek(10); batch.length > 0; batch = await reopened.peek(10)) {
      kept.push(...batch.map((s) => s.event.requestId));
      await reopened.ack(batch.length);
    }
    expect(kept).toEqual(['r10', 'r11', 'r12', 'r13', 'r14']);
  });

  it('without a spool, drops beyond its bound and says so, never throwing into the response path', async () => {
    const outage = switchable(new InProcessBus());
    outage.down = true;
    const sink = new BusEventSink(outage.bus, { maxQueued: 3, retryBackoffMs: 5, log: () => undefined });
    for (let i = 0; i < 10; i++) expect(() => sink.emit(event(`r${i}`))).not.toThrow();
    await sink.drain();
    // One event was in flight when the bound was reached: 1 + 3 kept in memory, 6 dropped.
    expect(sink.check()).toMatchObject({ degraded: true, detail: { dropped: 6, queued: 4 } });
    await sink.close();
  });

  it('rejects an event the contract refuses without holding up the others', async () => {
    const bus = new InProcessBus();
    const seen = await collect(bus);
    const sink = new BusEventSink(bus, { log: () => undefined });
    const invalid = event('bad');
    invalid.usage.inputTokens = 1.5;
    sink.emit(event('r0'));
    sink.emit(invalid);
    sink.emit(event('r1'));
    await sink.drain();
    await eventually(() => expect(seen).toEqual(['org-1:r0', 'org-1:r1']));
    expect(sink.check()).toMatchObject({ detail: { published: 2, rejected: 1 } });
    await bus.close();
  });
});

describe('approximateBytes', () => {
  it('never underestimates a realistic event, logged bodies included', () => {
    const base = {
      requestId: 'req_0123456789abcdef',
      organizationId: '7d0c2a4e-0000-4000-8000-000000000001',
      keyId: '7d0c2a4e-0000-4000-8000-000000000002',
      userId: '7d0c2a4e-0000-4000-8000-000000000003',
      teamId: '7d0c2a4e-0000-4000-8000-000000000004',
      provider: 'openai',
      model: 'gpt-4.1-mini-2025-04-14',
      clientModel: 'openai/gpt-4.1-mini',
      surface: 'openai' as const,
      operation: 'chat' as const,
      client: 'openai-sdk',
      userAgent: 'OpenAI/JS 6.49.0',
      sessionId: 'session-0123456789',
      stream: true,
      passthrough: true,
      status: 200,
      errorType: null,
      errorMessage: null,
      usage: {
        inputTokens: 1234,
        cacheReadTokens: 4096,
        cacheWriteTokens: 0,
        outputTokens: 321,
        reasoningTokens: 64,
      },
      cost: { nanos: '123456789', source: 'catalog' as const, catalogVersion: '2026-11-21.1' },
      routing: {
        ruleId: '7d0c2a4e-0000-4000-8000-000000000005',
        ruleName: 'primary with fallback',
        attempts: [
          {
            provider: 'openai',
            model: 'gpt-4.1-mini',
            role: 'primary' as const,
            status: 503,
            latencyMs: 12.5,
            error: 'status 503',
          },
          {
            provider: 'azure',
            model: 'gpt-4.1-mini',
            role: 'fallback' as const,
            status: 200,
            latencyMs: 340.25,
            error: null,
          },
        ],
      },
      timings: {
        startedAt: 1795220000000,
        gatewayMs: 0.412,
        upstreamMs: 340.25,
        ttftMs: 351.5,
        totalMs: 1200.75,
      },
    };
    const logged = {
      ...base,
      content: {
        request: `{"messages":"${'é'.repeat(3000)}"}`,
        response: 'data: x\n\n'.repeat(200),
        truncated: false,
      },
    };
    for (const event of [base, logged]) {
      expect(approximateBytes(event)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(event)));
    }
  });
});
