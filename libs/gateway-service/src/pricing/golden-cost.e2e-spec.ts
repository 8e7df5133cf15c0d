import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestEvent } from '@optscale/contracts';
import { CATALOG_VERSION } from '@optscale/pricing';
import {
  eventually,
  startMockProvider,
  type MockKind,
  type MockProvider,
  type MockUsage,
} from '@optscale/testing';
import { generateKey } from '../auth/key-hash';
import { startGateway, type RunningGateway } from '../bootstrap';
import type { ConfigFile } from '../config/config-file';
import { StaticConfigSource } from '../config/static-config-source';
import { parseGatewayEnv } from '../gateway-env';
import { MemoryEventSink } from '../record/event-sinks';

/*
 * Golden costs: real gateway, wire-faithful mock providers, every provider × stream/non-stream ×
 * cache miss/hit. Each expected cost is worked out by hand from the list prices of the catalog
 * (USD per million tokens, in the comments) and written as a decimal string of nano-dollars; none
 * is computed by the code under test. The usage on the event is checked too, because the
 * providers count the prompt differently: OpenAI's and Gemini's prompt includes cached tokens,
 * Anthropic's input_tokens does not.
 */

const ORG = '5e1f0c2a-0000-4000-8000-00000000c057';

const PROVIDERS = {
  openai: { kind: 'openai', apiType: 'openai', model: 'gpt-4.1' },
  anthropic: { kind: 'anthropic', apiType: 'anthropic', model: 'claude-sonnet-4-6' },
  gemini: { kind: 'gemini', apiType: 'gemini', model: 'gemini-2.5-flash' },
  ollama: { kind: 'ollama', apiType: 'ollama', model: 'llama3.2' },
  azure: { kind: 'azure', apiType: 'azure-openai', model: 'gpt-4o-prod' },
  compat: { kind: 'openai', apiType: 'openai-compatible', model: 'deepseek-chat' },
} as const satisfies Record<string, { kind: MockKind; apiType: string; model: string }>;
type ProviderName = keyof typeof PROVIDERS;

let gateway: RunningGateway;
let events: MemoryEventSink;
let key: string;
let dataDir: string;
const mocks = {} as Record<ProviderName, MockProvider>;

beforeAll(async () => {
  for (const [name, p] of Object.entries(PROVIDERS) as Array<
    [ProviderName, (typeof PROVIDERS)[ProviderName]]
  >) {
    mocks[name] = await startMockProvider(p.kind, { models: [p.model], apiKey: `upstream-${name}` });
  }
  key = generateKey();
  const config: ConfigFile = {
    organizations: [
      {
        id: ORG,
        name: 'Golden costs',
        currency: 'USD',
        providers: (Object.keys(PROVIDERS) as ProviderName[]).map((name) => ({
          name,
          proxy_name: name,
          api_type: PROVIDERS[name].apiType,
          base_url: mocks[name].url,
          api_key: `upstream-${name}`,
          status: 'active' as const,
          models: [PROVIDERS[name].model],
          ...(name === 'azure' ? { api_version: '2024-10-21' } : {}),
        })),
        users: [
          {
            email: 'dev@golden.example',
            role: 'member',
            allowed_providers: Object.keys(PROVIDERS),
            keys: [{ name: 'laptop', value: key, active: true }],
          },
        ],
      },
    ],
  };
  events = new MemoryEventSink();
  dataDir = mkdtempSync(join(tmpdir(), 'optscale-golden-cost-'));
  const env = parseGatewayEnv({
    PORT: '0',
    OPTSCALE_DATA_DIR: dataDir,
    OPTSCALE_REQUEST_LOG: 'false',
    SHUTDOWN_GRACE_MS: '1000',
  });
  gateway = await startGateway(env, new StaticConfigSource(config), { sinks: [events] });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(Object.values(mocks).map((m) => m.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

interface Call {
  surface: 'openai' | 'anthropic';
  provider: ProviderName;
  stream: boolean;
  usage: MockUsage;
  /** OpenAI surface only: the client's own `stream_options.include_usage`. */
  includeUsage?: boolean;
}

/** Sends one request through the gateway; returns its event (once recorded) and the client's body. */
async function send(call: Call): Promise<{ event: RequestEvent; text: string }> {
  mocks[call.provider].enqueue({ kind: 'text', text: 'Priced to the nano-dollar.', usage: call.usage });
  const model = `${call.provider}/${PROVIDERS[call.provider].model}`;
  const messages = [{ role: 'user', content: 'What does this cost?' }];
  const anthropic = call.surface === 'anthropic';
  const body = anthropic
    ? { model, max_tokens: 64, messages, stream: call.stream }
    : {
        model,
        messages,
        stream: call.stream,
        ...(call.includeUsage !== undefined ? { stream_options: { include_usage: call.includeUsage } } : {}),
      };
  const res = await fetch(
    `${gateway.url}/llm_proxy/${ORG}${anthropic ? '/anthropic/v1/messages' : '/v1/chat/completions'}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(anthropic ? { 'anthropic-version': '2023-06-01' } : {}),
      },
      body: JSON.stringify(body),
    },
  );
  const text = await res.text();
  expect(res.status).toBe(200);
  const requestId = res.headers.get('x-request-id') ?? '';
  const event = await eventually(() => {
    const found = events.find(requestId);
    if (found === undefined) throw new Error(`no event yet for ${requestId}`);
    return found;
  });
  return { event, text };
}

const cost = (nanos: string, source: 'catalog' | 'override' | 'unpriced' = 'catalog') => ({
  nanos,
  source,
  catalogVersion: CATALOG_VERSION,
});

describe.each([false, true])('golden costs (stream: %s)', (stream) => {
  it('OpenAI, forwarded: cache miss and cache hit (prompt_tokens includes the cached tokens)', async () => {
    // gpt-4.1: input 2, cached input 0.50, output 8.
    // Miss: 1000 × 2 + 500 × 8 = 0.002 + 0.004 = 0.006 USD
    const miss = await send({
      surface: 'openai',
      provider: 'openai',
      stream,
      usage: { input: 1000, output: 500 },
    });
    expect(miss.event).toMatchObject({ passthrough: true, stream, cost: cost('6000000') });
    expect(miss.event.usage).toMatchObject({ inputTokens: 1000, cacheReadTokens: 0, outputTokens: 500 });
    // Hit: prompt_tokens 1000 of which 800 cached → input 200.
    // 200 × 2 + 800 × 0.50 + 500 × 8 = 0.0004 + 0.0004 + 0.004 = 0.0048 USD
    const hit = await send({
      surface: 'openai',
      provider: 'openai',
      stream,
      usage: { input: 200, cacheRead: 800, output: 500, reasoning: 120 },
    });
    expect(hit.event.usage).toMatchObject({
      inputTokens: 200,
      cacheReadTokens: 800,
      outputTokens: 500,
      reasoningTokens: 120,
    });
    expect(hit.event.cost).toEqual(cost('4800000'));
  });

  it('Anthropic, forwarded: input_tokens excludes the cache; 5 minute and 1 hour writes', async () => {
    // claude-sonnet-4-6: input 3, 5m write 3.75, 1h write 6, read 0.30, output 15.
    // Miss: 1000 × 3 + 500 × 15 = 0.003 + 0.0075 = 0.0105 USD
    const miss = await send({
      surface: 'anthropic',
      provider: 'anthropic',
      stream,
      usage: { input: 1000, output: 500 },
    });
    expect(miss.event).toMatchObject({ passthrough: true, cost: cost('10500000') });
    // Hit with writes: 100 × 3 + 2000 × 0.30 + 600 × 3.75 + 400 × 6 + 300 × 15
    // = 0.0003 + 0.0006 + 0.00225 + 0.0024 + 0.0045 = 0.01005 USD
    const hit = await send({
      surface: 'anthropic',
      provider: 'anthropic',
      stream,
      usage: { input: 100, cacheRead: 2000, cacheWrite: 1000, cacheWrite1h: 400, output: 300 },
    });
    expect(hit.event.usage).toMatchObject({
      inputTokens: 100,
      cacheReadTokens: 2000,
      cacheWriteTokens: 1000,
      cacheWrite1hTokens: 400,
      outputTokens: 300,
    });
    expect(hit.event.cost).toEqual(cost('10050000'));
  });

  it('Anthropic client on an OpenAI provider (translated): the cached tokens leave the input', async () => {
    // gpt-4.1: 300 × 2 + 700 × 0.50 + 100 × 8 = 0.0006 + 0.00035 + 0.0008 = 0.00175 USD
    const { event } = await send({
      surface: 'anthropic',
      provider: 'openai',
      stream,
      usage: { input: 300, cacheRead: 700, output: 100 },
    });
    expect(event).toMatchObject({ passthrough: false, cost: cost('1750000') });
    expect(event.usage).toMatchObject({ inputTokens: 300, cacheReadTokens: 700, outputTokens: 100 });
  });

  it('Gemini (translated): thoughts are output, cached content is read at its price', async () => {
    // gemini-2.5-flash: input 0.30, cache read 0.03, output 2.50 (thinking included).
    // Miss: 1000 × 0.30 + 400 × 2.50 = 0.0003 + 0.001 = 0.0013 USD
    const miss = await send({
      surface: 'openai',
      provider: 'gemini',
      stream,
      usage: { input: 1000, output: 400 },
    });
    expect(miss.event.cost).toEqual(cost('1300000'));
    // Hit: 200 × 0.30 + 800 × 0.03 + 400 × 2.50 = 0.00006 + 0.000024 + 0.001 = 0.001084 USD
    const hit = await send({
      surface: 'openai',
      provider: 'gemini',
      stream,
      usage: { input: 200, cacheRead: 800, output: 400, reasoning: 150 },
    });
    expect(hit.event.usage).toMatchObject({
      inputTokens: 200,
      cacheReadTokens: 800,
      outputTokens: 400,
      reasoningTokens: 150,
    });
    expect(hit.event.cost).toEqual(cost('1084000'));
  });

  it('Azure OpenAI deployment (translated): priced as its model', async () => {
    // gpt-4o-prod → gpt-4o: input 2.50, cached 1.25, output 10.
    // 600 × 2.50 + 400 × 1.25 + 100 × 10 = 0.0015 + 0.0005 + 0.001 = 0.003 USD
    const { event } = await send({
      surface: 'openai',
      provider: 'azure',
      stream,
      usage: { input: 600, cacheRead: 400, output: 100 },
    });
    expect(event.cost).toEqual(cost('3000000'));
  });

  it('Ollama is free; an OpenAI-compatible server without an organization price is unpriced', async () => {
    const ollama = await send({
      surface: 'openai',
      provider: 'ollama',
      stream,
      usage: { input: 5000, output: 5000 },
    });
    expect(ollama.event.usage).toMatchObject({ inputTokens: 5000, outputTokens: 5000 });
    expect(ollama.event.cost).toEqual(cost('0'));
    const compat = await send({
      surface: 'openai',
      provider: 'compat',
      stream,
      usage: { input: 5000, output: 5000 },
    });
    expect(compat.event.usage).toMatchObject({ inputTokens: 5000, outputTokens: 5000 });
    expect(compat.event.cost).toEqual(cost('0', 'unpriced'));
  });
});

describe.each([false, true])('Responses API, forwarded to OpenAI (stream: %s)', (stream) => {
  it('input_tokens includes the cached tokens; usage comes with response.completed', async () => {
    mocks.openai.enqueue({ kind: 'text', text: 'ok', usage: { input: 400, cacheRead: 600, output: 50 } });
    const res = await fetch(`${gateway.url}/llm_proxy/${ORG}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', input: 'What does this cost?', stream }),
    });
    expect(res.status).toBe(200);
    await res.text();
    const id = res.headers.get('x-request-id') ?? '';
    const event = await eventually(() => {
      const found = events.find(id);
      if (found === undefined) throw new Error('no event yet');
      return found;
    });
    expect(event).toMatchObject({ operation: 'responses', passthrough: true });
    expect(event.usage).toMatchObject({ inputTokens: 400, cacheReadTokens: 600, outputTokens: 50 });
    // gpt-4.1: 400 × 2 + 600 × 0.50 + 50 × 8 = 0.0008 + 0.0003 + 0.0004 = 0.0015 USD
    expect(event.cost).toEqual(cost('1500000'));
  });
});

describe('streamed usage on the forwarded OpenAI path', () => {
  it('asks the provider for usage the client did not ask for, and strips it from the client stream', async () => {
    const { event, text } = await send({
      surface: 'openai',
      provider: 'openai',
      stream: true,
      usage: { input: 10, output: 20 },
    });
    expect((mocks.openai.received.at(-1)?.json as { stream_options?: unknown }).stream_options).toEqual({
      include_usage: true,
    });
    // Exactly what the client would have seen without the gateway: no usage chunk, no usage: null.
    expect(text).not.toContain('"usage"');
    const chunks = text
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)) as { choices: Array<{ delta: { content?: string } }> });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Priced to the nano-dollar.');
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    // 10 × 2 + 20 × 8 = 0.00002 + 0.00016 USD
    expect(event.cost).toEqual(cost('180000'));
  });

  it('leaves the stream untouched when the client asked (the usage chunk reaches it)', async () => {
    const { text, event } = await send({
      surface: 'openai',
      provider: 'openai',
      stream: true,
      includeUsage: true,
      usage: { input: 10, output: 20 },
    });
    expect(text).toContain('"usage":null');
    expect(text).toContain('"prompt_tokens":10');
    expect(event.cost).toEqual(cost('180000'));
  });

  it('asks an OpenAI-compatible server too (its capability flag allows it) and prices what it reports', async () => {
    const { text, event } = await send({
      surface: 'openai',
      provider: 'compat',
      stream: true,
      usage: { input: 7, output: 3 },
    });
    expect((mocks.compat.received.at(-1)?.json as { stream_options?: unknown }).stream_options).toEqual({
      include_usage: true,
    });
    expect(text).not.toContain('"usage"');
    expect(event.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
  });
});
