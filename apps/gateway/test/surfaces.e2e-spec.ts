import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ORG_ID, startTestStack, type TestStack } from './support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
});

const openai = (apiKey = stack.key): OpenAI =>
  new OpenAI({ baseURL: `${stack.base}/v1`, apiKey, maxRetries: 0 });
const anthropic = (): Anthropic =>
  new Anthropic({ baseURL: `${stack.base}/anthropic`, apiKey: stack.key, maxRetries: 0 });

describe('models', () => {
  it('GET /v1/models lists the prefixed ids the key may use', async () => {
    const ids = [];
    for await (const m of openai().models.list()) ids.push(m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-6', 'ollama/qwen3:32b']),
    );
    const restricted = [];
    for await (const m of openai(stack.restrictedKey).models.list()) restricted.push(m.id);
    expect(restricted.every((id) => id.startsWith('openai/'))).toBe(true);
  });

  it('GET /v1/models/{id} with a slash and a colon in the id', async () => {
    const m = await openai().models.retrieve('ollama/qwen3:32b');
    expect(m).toMatchObject({ id: 'ollama/qwen3:32b', object: 'model', owned_by: 'ollama' });
    await expect(openai().models.retrieve('nope/nothing')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('Anthropic list shape, with paging', async () => {
    const page = await anthropic().models.list({ limit: 2 });
    expect(page.data).toHaveLength(2);
    expect(page.data[0]).toMatchObject({ type: 'model', id: expect.any(String) });
    expect(page.has_more).toBe(true);
    const res = await fetch(`${stack.base}/anthropic/v1/models?limit=1000`, {
      headers: { 'x-api-key': stack.key },
    });
    const body = (await res.json()) as { data: Array<{ id: string }>; has_more: boolean };
    expect(body.data.map((m) => m.id)).toContain('anthropic/claude-haiku-4-5');
    expect(body.has_more).toBe(false);
  });

  it('Cursor verify: GET /cursor/models and /cursor/v1/models', async () => {
    for (const path of ['/cursor/models', '/cursor/v1/models']) {
      const res = await fetch(`${stack.base}${path}`, { headers: { authorization: `Bearer ${stack.key}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ object: 'list' });
    }
  });

  it('HEAD /anthropic answers the connectivity probe', async () => {
    const res = await fetch(`${stack.base}/anthropic`, { method: 'HEAD' });
    expect(res.status).toBe(200);
  });
});

describe('Anthropic forwarding', () => {
  it('anthropic-version, anthropic-beta and ?beta=true reach the provider unchanged, with unknown fields', async () => {
    const beta =
      'claude-code-20250219,interleaved-thinking-2025-05-14,context-1m-2025-08-07,made-up-beta-2031-01-01';
    stack.mocks.anthropic.enqueue({ kind: 'text', text: 'fine' });
    const body = {
      model: 'anthropic/claude-sonnet-4-6',
      max_tokens: 64,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        },
        { role: 'system', content: 'mid-conversation system note' },
      ],
      context_management: { edits: [{ type: 'clear_tool_uses_20250919' }] },
      some_future_field: { x: 1 },
    };
    const res = await fetch(`${stack.base}/anthropic/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.key}`,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': beta,
        'user-agent': 'claude-cli/2.1.48 (external, cli)',
        'x-claude-code-session-id': 'sess-123',
      },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const received = stack.mocks.anthropic.received.at(-1);
    expect(received?.path).toBe('/v1/messages?beta=true');
    expect(received?.headers['anthropic-beta']).toBe(beta);
    expect(received?.headers['anthropic-version']).toBe('2023-06-01');
    expect(received?.headers['x-api-key']).toBe('upstream-anthropic');
    expect(received?.headers['authorization']).toBeUndefined();
    expect(received?.json).toEqual({ ...body, model: 'claude-sonnet-4-6' });
    const event = stack.events.find(res.headers.get('x-request-id') ?? '');
    expect(event).toMatchObject({
      organizationId: ORG_ID,
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      clientModel: 'anthropic/claude-sonnet-4-6',
      surface: 'anthropic',
      client: 'claude-code',
      sessionId: 'sess-123',
      passthrough: true,
      status: 200,
    });
  });

  it('with a bare model the body bytes are forwarded exactly', async () => {
    stack.mocks.anthropic.enqueue({ kind: 'text', text: 'fine' });
    const raw = '{"model":"claude-haiku-4-5",  "max_tokens":8,"messages":[{"role":"user","content":"Hi"}]}';
    await fetch(`${stack.base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': stack.key,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: raw,
    });
    expect(stack.mocks.anthropic.received.at(-1)?.body).toBe(raw);
  });
});

describe('count_tokens', () => {
  it('exact from an Anthropic provider', async () => {
    const res = await anthropic().messages.countTokens({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    expect(res.input_tokens).toBeGreaterThan(0);
    expect(stack.mocks.anthropic.received.at(-1)?.path).toMatch(/^\/v1\/messages\/count_tokens/);
  });

  it('exact from a Gemini provider (countTokens)', async () => {
    const res = await anthropic().messages.countTokens({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
    });
    expect(res.input_tokens).toBeGreaterThan(0);
    expect(stack.mocks.gemini.received.at(-1)?.path).toMatch(/:countTokens/);
  });

  it('404, never a fake zero, when the provider cannot count', async () => {
    await expect(
      anthropic().messages.countTokens({
        model: 'openai/gpt-4.1',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });
});

describe('embeddings', () => {
  it.each(['openai/text-embedding-3-small', 'ollama/nomic-embed-text', 'gemini/text-embedding-004'])(
    '%s with the SDK default (base64) decodes to the provider floats',
    async (model) => {
      const viaSdk = await openai().embeddings.create({ model, input: ['hello world', 'second'] });
      const asFloats = await openai().embeddings.create({
        model,
        input: ['hello world', 'second'],
        encoding_format: 'float',
      });
      expect(viaSdk.data).toHaveLength(2);
      expect(viaSdk.data[0]?.embedding.length).toBeGreaterThan(0);
      const a = viaSdk.data[1]?.embedding ?? [];
      const b = asFloats.data[1]?.embedding ?? [];
      expect(a.length).toBe(b.length);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i] ?? NaN, 5));
    },
  );

  it('400 on a missing input', async () => {
    const res = await fetch(`${stack.base}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: '{"model":"openai/text-embedding-3-small"}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'input' } });
  });
});

describe('the record stage', () => {
  it('records tokens, timings and the client for a translated stream', async () => {
    stack.mocks.gemini.enqueue({
      kind: 'text',
      text: 'recorded',
      usage: { input: 30, output: 4, cacheRead: 10 },
    });
    const { data: stream, response } = await openai()
      .chat.completions.create({
        model: 'gemini/gemini-2.5-flash',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('recorded');
    const id = response.headers.get('x-request-id') ?? '';
    const { eventually } = await import('@optscale/testing');
    const event = await eventually(() => {
      const e = stack.events.find(id);
      if (!e) throw new Error('not recorded yet');
      return e;
    });
    expect(event).toMatchObject({
      provider: 'gemini',
      surface: 'openai',
      client: 'openai-sdk',
      stream: true,
      passthrough: false,
      status: 200,
      usage: { inputTokens: 30, cacheReadTokens: 10, outputTokens: 4 },
    });
    expect(event.timings.ttftMs).not.toBeNull();
    expect(event.timings.gatewayMs).toBeGreaterThanOrEqual(0);
  });

  it('records a client that went away before the answer', async () => {
    stack.mocks.openai.enqueue({ kind: 'text', text: 'slow', firstChunkDelayMs: 2000, chunkDelayMs: 100 });
    const ctl = new AbortController();
    const pending = fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      signal: ctl.signal,
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/gpt-4.1',
        stream: true,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    const before = stack.events.all().length;
    setTimeout(() => ctl.abort(), 200);
    await expect(pending.then((r) => r.text())).rejects.toThrow();
    const { eventually } = await import('@optscale/testing');
    const event = await eventually(() => {
      const e = stack.events
        .all()
        .slice(before)
        .find((x) => x.status === 499);
      if (!e) throw new Error('not recorded yet');
      return e;
    });
    expect(event.errorType).toBe('client_closed');
  });
});

describe('Cursor custom tools (ApplyPatch)', () => {
  const PATCH = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-old\n+new\n*** End Patch';
  const body = (model: string, stream: boolean) =>
    JSON.stringify({
      model,
      stream,
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Fix a.ts' }] }],
      tools: [
        {
          type: 'custom',
          name: 'ApplyPatch',
          description: 'Edit files',
          format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' },
        },
        {
          type: 'function',
          name: 'read_file',
          parameters: { type: 'object', properties: { path: { type: 'string' } } },
        },
      ],
    });

  it.each([
    ['openai/gpt-4.1', 'openai'],
    ['anthropic/claude-sonnet-4-6', 'anthropic'],
  ] as const)(
    '%s: the provider sees a function, Cursor gets a custom call with the raw patch',
    async (model, provider) => {
      for (const stream of [false, true]) {
        stack.mocks[provider].enqueue({
          kind: 'tool_calls',
          calls: [{ name: 'ApplyPatch', arguments: { input: PATCH } }],
        });
        const res = await fetch(`${stack.base}/cursor/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
          body: body(model, stream),
        });
        expect(res.status).toBe(200);
        const sent = stack.mocks[provider].received.at(-1)?.json as { tools: Array<Record<string, unknown>> };
        expect(JSON.stringify(sent.tools)).toContain('ApplyPatch');
        let calls: unknown[];
        if (stream) {
          calls = (await res.text())
            .split('\n\n')
            .filter((l) => l.startsWith('data: {'))
            .flatMap(
              (l) =>
                (JSON.parse(l.slice(6)) as OpenAI.ChatCompletionChunk).choices[0]?.delta.tool_calls ?? [],
            );
        } else {
          calls = ((await res.json()) as OpenAI.ChatCompletion).choices[0]?.message.tool_calls ?? [];
        }
        expect(calls).toEqual([
          expect.objectContaining({ type: 'custom', custom: { name: 'ApplyPatch', input: PATCH } }),
        ]);
      }
    },
  );
});

describe('images and structured output, translated', () => {
  const PNG =
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const schema = {
    type: 'object',
    properties: { answer: { type: 'string' } },
    required: ['answer'],
    additionalProperties: false,
  };

  it('OpenAI client → Anthropic provider: image_url data URL becomes a base64 image block; json_schema becomes output_config.format', async () => {
    stack.mocks.anthropic.enqueue({ kind: 'text', text: '{"answer":"a red pixel"}' });
    const res = await openai().chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}`, detail: 'high' } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(JSON.parse(res.choices[0]?.message.content ?? '')).toEqual({ answer: 'a red pixel' });
    const sent = stack.mocks.anthropic.received.at(-1)?.json as {
      messages: Array<{ content: Array<Record<string, unknown>> }>;
      output_config?: { format?: unknown };
    };
    expect(sent.messages[0]?.content).toEqual(
      expect.arrayContaining([
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      ]),
    );
    expect(sent.output_config?.format).toEqual({ type: 'json_schema', schema });
  });

  it('OpenAI client → Gemini provider: the image becomes inlineData, the schema a JSON response schema', async () => {
    stack.mocks.gemini.enqueue({ kind: 'text', text: '{"answer":"pixel"}' });
    await openai().chat.completions.create({
      model: 'gemini/gemini-2.5-flash',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } },
    });
    const sent = stack.mocks.gemini.received.at(-1)?.json as {
      contents: Array<{ parts: Array<Record<string, unknown>> }>;
      generationConfig: Record<string, unknown>;
    };
    expect(sent.contents[0]?.parts).toEqual(
      expect.arrayContaining([{ inlineData: { mimeType: 'image/png', data: PNG } }]),
    );
    expect(sent.generationConfig).toMatchObject({ responseMimeType: 'application/json' });
  });
});
