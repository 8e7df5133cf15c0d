import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MODEL_OF, PROVIDERS, startTestStack, type ProviderName, type TestStack } from './support/stack';

/**
 * The official SDKs through every surface to every provider type, in each mode: the answer's text,
 * tool calls, finish reason and usage must arrive exactly as the mock provider produced them,
 * whatever translation happened in between.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
});

const providers = Object.keys(PROVIDERS) as ProviderName[];
const TOOLS_OPENAI = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
  {
    type: 'function' as const,
    function: {
      name: 'get_time',
      description: 'Time in a zone',
      parameters: { type: 'object', properties: { tz: { type: 'string' } }, required: ['tz'] },
    },
  },
];
const TOOLS_ANTHROPIC = TOOLS_OPENAI.map((t) => ({
  name: t.function.name,
  description: t.function.description,
  input_schema: t.function.parameters as Anthropic.Tool.InputSchema,
}));
const TOOLS_RESPONSES = TOOLS_OPENAI.map((t) => ({
  type: 'function' as const,
  name: t.function.name,
  description: t.function.description,
  parameters: t.function.parameters,
  strict: false,
}));

const CALLS = [
  { name: 'get_weather', arguments: { city: 'Paris' } },
  { name: 'get_time', arguments: { tz: 'Europe/Paris' } },
];

function scriptText(p: ProviderName): string {
  const text = `Hello from ${p}, with ünïcödé and "quotes".`;
  stack.mocks[p].enqueue({ kind: 'text', text, usage: { input: 12, output: 7 } });
  return text;
}
function scriptTools(p: ProviderName): void {
  stack.mocks[p].enqueue({ kind: 'tool_calls', calls: CALLS, usage: { input: 20, output: 15 } });
}

const openai = (): OpenAI => new OpenAI({ baseURL: `${stack.base}/v1`, apiKey: stack.key, maxRetries: 0 });
const cursor = (): OpenAI =>
  new OpenAI({ baseURL: `${stack.base}/cursor`, apiKey: stack.key, maxRetries: 0 });
const anthropic = (): Anthropic =>
  new Anthropic({ baseURL: `${stack.base}/anthropic`, apiKey: stack.key, maxRetries: 0 });

describe.each(providers)('OpenAI Chat surface → %s provider', (p) => {
  const model = MODEL_OF[p];

  it('plain', async () => {
    const text = scriptText(p);
    const res = await openai().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.choices[0]?.message.content).toBe(text);
    expect(res.choices[0]?.finish_reason).toBe('stop');
    expect(res.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 });
  });

  it('stream', async () => {
    const text = scriptText(p);
    const stream = openai().chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(text);
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(final.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
  });

  it('tools', async () => {
    scriptTools(p);
    const res = await openai().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: TOOLS_OPENAI,
    });
    const calls = res.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : null)),
    ).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(res.choices[0]?.finish_reason).toBe('tool_calls');
    expect(res.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 15 });
  });

  it('stream + tools', async () => {
    scriptTools(p);
    const stream = openai().chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      tools: TOOLS_OPENAI,
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : null)),
    ).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 15 });
  });
});

describe.each(providers)('Anthropic surface → %s provider', (p) => {
  const model = MODEL_OF[p];

  it('plain', async () => {
    const text = scriptText(p);
    const res = await anthropic().messages.create({
      model,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.content).toEqual([expect.objectContaining({ type: 'text', text })]);
    expect(res.stop_reason).toBe('end_turn');
    expect(res.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
  });

  it('stream', async () => {
    const text = scriptText(p);
    const final = await anthropic()
      .messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] })
      .finalMessage();
    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text })]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
  });

  it('tools', async () => {
    scriptTools(p);
    const res = await anthropic().messages.create({
      model,
      max_tokens: 256,
      tools: TOOLS_ANTHROPIC,
      messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
    });
    const uses = res.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(uses.map((u) => [u.name, u.input])).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    for (const u of uses) expect(u.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(res.stop_reason).toBe('tool_use');
    expect(res.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 });
  });

  it('stream + tools', async () => {
    scriptTools(p);
    const final = await anthropic()
      .messages.stream({
        model,
        max_tokens: 256,
        tools: TOOLS_ANTHROPIC,
        messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
      })
      .finalMessage();
    const uses = final.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(uses.map((u) => [u.name, u.input])).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    expect(final.stop_reason).toBe('tool_use');
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 });
  });
});

describe.each(providers)('OpenAI Responses surface → %s provider', (p) => {
  const model = MODEL_OF[p];

  it('plain', async () => {
    const text = scriptText(p);
    const res = await openai().responses.create({ model, input: 'Hi' });
    expect(res.output_text).toBe(text);
    expect(res.status).toBe('completed');
    expect(res.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
  });

  it('stream', async () => {
    const text = scriptText(p);
    const final = await openai().responses.stream({ model, input: 'Hi' }).finalResponse();
    expect(final.output_text).toBe(text);
    expect(final.status).toBe('completed');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 });
  });

  it('tools', async () => {
    scriptTools(p);
    const res = await openai().responses.create({
      model,
      input: 'Weather and time in Paris?',
      tools: TOOLS_RESPONSES,
    });
    const calls = res.output.flatMap((o) =>
      o.type === 'function_call' ? [[o.name, JSON.parse(o.arguments)]] : [],
    );
    expect(calls).toEqual(CALLS.map((c) => [c.name, c.arguments]));
  });

  it('stream + tools', async () => {
    scriptTools(p);
    const final = await openai()
      .responses.stream({ model, input: 'Weather and time in Paris?', tools: TOOLS_RESPONSES })
      .finalResponse();
    const calls = final.output.flatMap((o) =>
      o.type === 'function_call' ? [[o.name, JSON.parse(o.arguments)]] : [],
    );
    expect(calls).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    expect(final.usage).toMatchObject({ input_tokens: 20, output_tokens: 15 });
  });
});

describe.each(providers)('Cursor surface → %s provider', (p) => {
  const model = MODEL_OF[p];

  it('plain (chat-shaped body)', async () => {
    const text = scriptText(p);
    const res = await cursor().chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.choices[0]?.message.content).toBe(text);
    expect(res.choices[0]?.finish_reason).toBe('stop');
  });

  it('stream (Responses-shaped body, as Cursor agent mode sends it)', async () => {
    const text = scriptText(p);
    const res = await fetch(`${stack.base}/cursor/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        stream: true,
        stream_options: { include_usage: true },
        input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }],
        include: ['reasoning.encrypted_content'],
        reasoning: { effort: 'medium', summary: 'auto' },
        text: { verbosity: 'medium' },
        store: false,
      }),
    });
    expect(res.status).toBe(200);
    const chunks = (await res.text())
      .split('\n\n')
      .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
      .map((l) => JSON.parse(l.slice(6)) as OpenAI.ChatCompletionChunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
  });

  it('tools (flat input_schema tools)', async () => {
    scriptTools(p);
    const res = await fetch(`${stack.base}/cursor/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'Weather and time in Paris?' }],
        tools: TOOLS_ANTHROPIC,
      }),
    });
    const body = (await res.json()) as OpenAI.ChatCompletion;
    const calls = body.choices[0]?.message.tool_calls ?? [];
    expect(
      calls.map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : null)),
    ).toEqual(CALLS.map((c) => [c.name, c.arguments]));
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('stream + tools', async () => {
    scriptTools(p);
    const final = await cursor()
      .chat.completions.stream({
        model,
        messages: [{ role: 'user', content: 'Weather?' }],
        tools: TOOLS_OPENAI,
      })
      .finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : null))).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
  });
});
