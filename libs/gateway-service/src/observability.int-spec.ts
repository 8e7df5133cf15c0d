/**
 * Observability of a real gateway (node:http server, Nest health module, mock provider): the span
 * tree of a request as an in-memory exporter receives it, the client's `traceparent` as its parent,
 * no secrets or content in any attribute, nothing of our trace context sent to the provider, and
 * `/metrics` serving every metric name with counters that move after a request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemorySpanExporter,
  METRIC_NAMES,
  startTracing,
  type ReadableSpan,
  type Tracing,
} from '@optscale/telemetry';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { InProcessBus, type MessageHeaders } from '@optscale/bus';
import { generateKey } from './auth/key-hash';
import { startGateway, type RunningGateway } from './bootstrap';
import type { ConfigFile } from './config/config-file';
import { StaticConfigSource } from './config/static-config-source';
import { parseGatewayEnv } from './gateway-env';
import { BusEventSink } from './record/bus-event-sink';

const ORG = '7d0c2a4e-0000-4000-8000-0000000000aa';
const UPSTREAM_KEY = 'sk-upstream-very-secret-4711';
const PROMPT = 'the secret recipe is forty-two sunflowers';
const CLIENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CLIENT_SPAN = 'b7ad6b7169203331';

describe('gateway observability', () => {
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;
  let mock: MockProvider;
  let gateway: RunningGateway;
  let dataDir: string;
  const key = generateKey();
  const bus = new InProcessBus();
  /** Headers of the request events on the bus, by request id. */
  const eventHeaders = new Map<string, MessageHeaders>();

  beforeAll(async () => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'optscale-gateway-test', exporter });
    mock = await startMockProvider('openai', { models: ['gpt-4.1'], apiKey: UPSTREAM_KEY });
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
              api_key: UPSTREAM_KEY,
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
    dataDir = mkdtempSync(join(tmpdir(), 'optscale-observability-'));
    const env = parseGatewayEnv({ PORT: '0', OPTSCALE_DATA_DIR: dataDir, OPTSCALE_REQUEST_LOG: 'false' });
    await bus.subscribe(
      'optscale.gateway.requests.v1',
      (m) => void eventHeaders.set(m.value.requestId, m.headers),
      { group: 'test', onInvalid: () => undefined },
    );
    gateway = await startGateway(env, new StaticConfigSource(config), { sinks: [new BusEventSink(bus)] });
    await gateway.runtime.start();
  });

  afterAll(async () => {
    await gateway?.close();
    await mock?.close();
    await bus.close();
    await tracing?.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${gateway.url}/llm_proxy/${ORG}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  /** The spans of the trace whose server span has this request id, once the server span ended. */
  async function traceOf(requestId: string): Promise<ReadableSpan[]> {
    let spans: ReadableSpan[] = [];
    await eventually(() => {
      const server = exporter
        .getFinishedSpans()
        .find((s) => s.attributes['optscale.request_id'] === requestId);
      expect(server).toBeDefined();
      const traceId = server?.spanContext().traceId;
      spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    });
    return spans;
  }

  const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

  it('turns a request into a server span, child of the client traceparent, with the stage spans under it', async () => {
    const res = await post(
      '/v1/chat/completions',
      { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: PROMPT }] },
      { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` },
    );
    expect(res.status).toBe(200);
    await res.text();
    const spans = await traceOf(res.headers.get('x-request-id') ?? '');
    const server = spans.find((s) => s.attributes['optscale.request_id'] !== undefined) as ReadableSpan;

    expect(server.spanContext().traceId).toBe(CLIENT_TRACE);
    expect(parentOf(server)).toBe(CLIENT_SPAN);
    expect(server.attributes).toMatchObject({
      'http.response.status_code': 200,
      'optscale.organization_id': ORG,
      'optscale.provider': 'openai',
      'gen_ai.request.model': 'gpt-4.1',
    });
    const children = spans.filter((s) => parentOf(s) === server.spanContext().spanId).map((s) => s.name);
    expect(children).toEqual(
      expect.arrayContaining(['authenticate', 'route', 'policies.input', 'upstream POST openai']),
    );
    const upstream = spans.find((s) => s.name === 'upstream POST openai') as ReadableSpan;
    expect(upstream.attributes).toMatchObject({
      'gen_ai.system': 'openai',
      'gen_ai.provider.name': 'openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.response.model': 'gpt-4.1',
      'server.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(upstream.attributes['gen_ai.usage.input_tokens']).toEqual(expect.any(Number));
    expect(upstream.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);

    // No content, no keys anywhere in the trace.
    const everything = JSON.stringify(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events })),
    );
    for (const secret of [PROMPT, key, UPSTREAM_KEY, 'sunflowers']) expect(everything).not.toContain(secret);
    // The request event carries the request's trace context to the bus (and so to Kafka).
    await eventually(() =>
      expect(eventHeaders.get(res.headers.get('x-request-id') ?? '')?.['traceparent']).toBe(
        `00-${CLIENT_TRACE}-${server.spanContext().spanId}-01`,
      ),
    );
    // Our trace context is not sent to the provider.
    const received = mock.received[mock.received.length - 1];
    expect(received?.headers['traceparent']).toBeUndefined();
    expect(received?.headers['tracestate']).toBeUndefined();
  });

  it('adds a translate span when the client and the provider speak different dialects', async () => {
    const res = await post(
      '/anthropic/v1/messages',
      { model: 'openai/gpt-4.1', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] },
      { 'anthropic-version': '2023-06-01' },
    );
    expect(res.status).toBe(200);
    await res.text();
    const spans = await traceOf(res.headers.get('x-request-id') ?? '');
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(['translate', 'upstream POST openai']));
    // No client traceparent: a new trace, the server span is its root.
    const server = spans.find((s) => s.attributes['optscale.request_id'] !== undefined);
    expect(server && parentOf(server)).toBeUndefined();
  });

  it('marks a refused request on its span without inventing an upstream attempt', async () => {
    const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-os-not-a-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(401);
    const spans = await traceOf(res.headers.get('x-request-id') ?? '');
    expect(spans.find((s) => s.name === 'authenticate')?.status.code).toBe(2); // ERROR
    expect(spans.some((s) => s.name.startsWith('upstream'))).toBe(false);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('sk-os-not-a-key');
  });

  it('serves /metrics with every metric name, and its counters move after a request', async () => {
    const scrape = async (): Promise<string> => {
      const res = await fetch(`${gateway.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return res.text();
    };
    const counted = (text: string): number => {
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith(`${METRIC_NAMES.gatewayRequests}{`) &&
            l.includes('surface="openai"') &&
            l.includes('provider="openai"') &&
            l.includes('model="gpt-4.1"') &&
            l.includes('status_class="2xx"'),
        );
      return line === undefined ? 0 : Number(line.split(' ').pop());
    };
    const before = await scrape();
    for (const name of Object.values(METRIC_NAMES)) expect(before).toContain(`# TYPE ${name} `);
    expect(before).toContain('process_cpu_user_seconds_total'); // default Node metrics
    expect(before).not.toContain(ORG);

    const res = await post('/v1/chat/completions', {
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
    await res.text();
    await eventually(async () => expect(counted(await scrape())).toBe(counted(before) + 1));
    const after = await scrape();
    expect(after).toMatch(/optscale_gateway_tokens_total\{kind="output"\} [1-9]/);
    expect(after).toMatch(
      /optscale_gateway_request_duration_seconds_count\{surface="openai",provider="openai"\} [1-9]/,
    );
    expect(after).not.toContain(ORG);
  });
});
