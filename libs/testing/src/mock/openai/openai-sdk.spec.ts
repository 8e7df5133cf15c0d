import OpenAI from 'openai';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

/** The official `openai` SDK pointed straight at the mock must parse everything it serves. */
describe('openai mock with the openai SDK', () => {
  let mock: MockProvider;
  let client: OpenAI;
  const messages = [{ role: 'user' as const, content: 'Weather in Paris and Tokyo?' }];
  const tools = [
    {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    },
  ];
  const calls = [
    { name: 'get_weather', arguments: { city: 'Paris' } },
    { name: 'get_weather', arguments: { city: 'Tokyo', unit: 'celsius' } },
  ];

  beforeAll(async () => {
    mock = await startMockProvider('openai', { apiKey: 'sk-test' });
    client = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('chat.completions.create (plain)', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the mock.');
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion._request_id).toMatch(/^req_/);
  });

  it('chat.completions.stream(...).finalChatCompletion() with usage', async () => {
    mock.enqueue({
      kind: 'text',
      text: 'Paris is 18°C and clear.',
      usage: { input: 41, output: 7, cacheRead: 3 },
    });
    const stream = client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages,
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('Paris is 18°C and clear.');
    expect(final.choices[0]?.finish_reason).toBe('stop');
    expect(deltas.join('')).toBe('Paris is 18°C and clear.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.usage).toMatchObject({ prompt_tokens: 44, completion_tokens: 7, total_tokens: 51 });
  });

  it('streams parallel tool calls that the ChatCompletionStream helper accepts', async () => {
    mock.enqueue({ kind: 'tool_calls', calls, argumentChunkSize: 3 });
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages, tools });
    const final = await stream.finalChatCompletion();
    const toolCalls = final.choices[0]?.message.tool_calls ?? [];
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(toolCalls).toHaveLength(2);
    expect(
      toolCalls.map((c) => (c.type === 'function' ? (JSON.parse(c.function.arguments) as unknown) : null)),
    ).toEqual(calls.map((c) => c.arguments));
    expect(new Set(toolCalls.map((c) => c.id)).size).toBe(2);
  });

  it('non-stream tool calls', async () => {
    mock.enqueue({ kind: 'tool_calls', calls, text: 'Checking.' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe('Checking.');
    expect(message?.tool_calls).toHaveLength(2);
  });

  it('raw stream iterator sees every chunk and stops at [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Hello from the mock.');
    expect(chunks).toBeGreaterThan(3);
  });

  it('responses.create and responses.stream(...).finalResponse()', async () => {
    const response = await client.responses.create({ model: 'gpt-5', input: 'Hi' });
    expect(response.output_text).toBe('Hello from the mock.');

    mock.enqueue({ kind: 'tool_calls', calls: calls.slice(0, 1), text: 'Looking.' });
    const stream = client.responses.stream({ model: 'gpt-5', input: 'Hi' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Looking.');
    const call = final.output.find((item) => item.type === 'function_call');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('embeddings.create decodes the SDK-default base64 into the float vectors', async () => {
    const viaSdk = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello' });
    const asFloats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      encoding_format: 'float',
    });
    const lastRequest = mock.received[mock.received.length - 2]?.json as { encoding_format?: string };
    expect(lastRequest.encoding_format).toBe('base64');
    expect(viaSdk.data[0]?.embedding).toEqual(asFloats.data[0]?.embedding);
    expect(viaSdk.data[0]?.embedding).toHaveLength(1536);
  });

  it('maps error statuses to SDK error classes with request id and headers', async () => {
    mock.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '7' } });
    const error = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers.get('retry-after')).toBe('7');
    expect(rateLimit.requestID).toMatch(/^req_/);
    expect(rateLimit.code).toBe('rate_limit_exceeded');

    const unauthorized = new OpenAI({ apiKey: 'sk-wrong', baseURL: mock.url, maxRetries: 0 });
    await expect(unauthorized.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('retries a 429 as told by retry-after-ms and then succeeds', async () => {
    const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: mock.url, maxRetries: 2 });
    mock.enqueue({ kind: 'error', status: 429, headers: { 'retry-after-ms': '10' } });
    const completion = await retrying.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe('Hello from the mock.');
    expect(mock.received).toHaveLength(2);
    expect(mock.received[1]?.headers['x-stainless-retry-count']).toBe('1');
  });

  it('an in-band stream error throws an APIError', async () => {
    mock.enqueue({
      kind: 'stream_error',
      text: 'one two three',
      afterChunks: 2,
      message: 'upstream fell over',
    });
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    await expect(stream.finalChatCompletion()).rejects.toThrow(/upstream fell over/);
  });

  it('a stream that dies midway rejects', async () => {
    mock.enqueue({ kind: 'die_midway', text: 'one two three', afterChunks: 1 });
    const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages });
    await expect(stream.finalChatCompletion()).rejects.toThrow();
  });

  it('models.list and models.retrieve', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(mock.models);
    await expect(client.models.retrieve('gpt-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
