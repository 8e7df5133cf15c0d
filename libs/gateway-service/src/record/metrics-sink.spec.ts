import type { RequestEvent } from '@optscale/contracts';
import { metrics } from '@optscale/telemetry';
import { MetricsEventSink } from './metrics-sink';

function event(overrides: Partial<RequestEvent> = {}): RequestEvent {
  return {
    requestId: 'r1',
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
    stream: true,
    passthrough: true,
    status: 200,
    errorType: null,
    errorMessage: null,
    usage: { inputTokens: 10, cacheReadTokens: 4, cacheWriteTokens: 0, outputTokens: 7, reasoningTokens: 2 },
    cost: { nanos: '1500', source: 'catalog', catalogVersion: 'test' },
    timings: { startedAt: 0, gatewayMs: 1, upstreamMs: 100, ttftMs: 250, totalMs: 1200 },
    ...overrides,
  };
}

async function value(
  metric: { get(): Promise<{ values: { labels: object; value: number; metricName?: string }[] }> },
  labels: object,
  metricName?: string,
): Promise<number> {
  const { values } = await metric.get();
  const found = values.find(
    (v) =>
      (metricName === undefined || v.metricName === metricName) &&
      Object.entries(labels).every(([k, val]) => (v.labels as Record<string, unknown>)[k] === val),
  );
  return found?.value ?? 0;
}

describe('MetricsEventSink', () => {
  beforeEach(() => {
    metrics.gatewayRequests.reset();
    metrics.gatewayTokens.reset();
    metrics.gatewayCostNanodollars.reset();
    metrics.gatewayTtft.reset();
    metrics.gatewayRequestDuration.reset();
  });

  it('counts the request, its tokens by kind, its cost, its duration and time to first token', async () => {
    new MetricsEventSink().emit(event());
    const labels = { surface: 'openai', provider: 'openai', model: 'gpt-4.1', status_class: '2xx' };
    expect(await value(metrics.gatewayRequests, labels)).toBe(1);
    expect(await value(metrics.gatewayTokens, { kind: 'input' })).toBe(10);
    expect(await value(metrics.gatewayTokens, { kind: 'cache_read' })).toBe(4);
    expect(await value(metrics.gatewayTokens, { kind: 'output' })).toBe(7);
    expect(await value(metrics.gatewayTokens, { kind: 'reasoning' })).toBe(2);
    expect(await value(metrics.gatewayCostNanodollars, { provider: 'openai', model: 'gpt-4.1' })).toBe(1500);
    expect(
      await value(
        metrics.gatewayTtft,
        { surface: 'openai', provider: 'openai' },
        'optscale_gateway_ttft_seconds_sum',
      ),
    ).toBeCloseTo(0.25);
    expect(
      await value(
        metrics.gatewayRequestDuration,
        { surface: 'openai', provider: 'openai' },
        'optscale_gateway_request_duration_seconds_sum',
      ),
    ).toBeCloseTo(1.2);
  });

  it('labels requests that were never routed as none/unknown, not with what the client sent', async () => {
    new MetricsEventSink().emit(
      event({
        provider: null,
        model: null,
        clientModel: 'made-up-model-x',
        status: 401,
        usage: { ...event().usage },
      }),
    );
    const { values } = await metrics.gatewayRequests.get();
    expect(values.map((v) => v.labels)).toEqual([
      { surface: 'openai', provider: 'none', model: 'unknown', status_class: '4xx' },
    ]);
  });

  it('caps the distinct model values a process reports', async () => {
    const sink = new MetricsEventSink(3);
    for (const model of ['m1', 'm2', 'm3', 'm4', 'm5', 'm1']) sink.emit(event({ model }));
    const models = (await metrics.gatewayRequests.get()).values.map((v) => v.labels.model).sort();
    expect(models).toEqual(['m1', 'm2', 'm3', 'other']);
  });
});
