import { InProcessBus, type BusMessage } from '@optscale/bus';
import type { RequestEvent } from '@optscale/contracts';
import { BusEventSink } from './bus-event-sink';

function event(requestId: string): RequestEvent {
  return {
    requestId,
    organizationId: 'org-1',
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

describe('BusEventSink', () => {
  it('publishes every event to the requests topic, keyed by organization, without blocking emit', async () => {
    const bus = new InProcessBus();
    const seen: BusMessage<'optscale.gateway.requests.v1'>[] = [];
    await bus.subscribe('optscale.gateway.requests.v1', (m) => void seen.push(m), {
      group: 'test',
      onInvalid: () => undefined,
    });
    const sink = new BusEventSink(bus, { concurrency: 2 });
    for (let i = 0; i < 10; i++) sink.emit(event(`r${i}`));
    await sink.drain();
    await new Promise((r) => setImmediate(r));
    expect(seen.map((m) => m.value.requestId).sort()).toEqual(
      [...Array(10).keys()].map((i) => `r${i}`).sort(),
    );
    expect(seen.every((m) => m.key === 'org-1')).toBe(true);
    expect(sink.check()).toMatchObject({
      ready: true,
      degraded: false,
      detail: { published: 10, dropped: 0 },
    });
    await bus.close();
  });

  it('drops beyond its bound and says so, never throwing into the response path', async () => {
    const bus = new InProcessBus();
    await bus.close(); // every publish now fails
    const sink = new BusEventSink(bus, { maxQueued: 3, concurrency: 1, log: () => undefined });
    for (let i = 0; i < 10; i++) expect(() => sink.emit(event(`r${i}`))).not.toThrow();
    await sink.drain();
    const report = sink.check();
    expect(report.degraded).toBe(true);
    expect(report.detail).toMatchObject({ dropped: expect.any(Number), failed: expect.any(Number) });
    expect((report.detail?.['dropped'] as number) + (report.detail?.['failed'] as number)).toBe(10);
  });
});
