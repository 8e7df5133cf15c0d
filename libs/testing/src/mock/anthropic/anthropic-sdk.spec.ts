import Anthropic from '@anthropic-ai/sdk';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

/** The official `@anthropic-ai/sdk` pointed straight at the mock must parse everything it serves. */
describe('anthropic mock with @anthropic-ai/sdk', () => {
  let mock: MockProvider;
  let client: Anthropic;
  const messages = [{ role: 'user' as const, content: 'Weather in Paris and Tokyo?' }];
  const tools = [
    {
      name: 'get_weather',
      input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
    },
  ];
  const calls = [
    { name: 'get_weather', arguments: { city: 'Paris' } },
    { name: 'get_weather', arguments: { city: 'Tokyo', days: [1, 2] } },
  ];

  beforeAll(async () => {
    mock = await startMockProvider('anthropic', { apiKey: 'sk-ant-test' });
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0 });
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('messages.create (plain)', async () => {
    const message = await client.messages.create({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 256,
      messages,
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello from the mock.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message._request_id).toMatch(/^req_/);
    const sent = mock.received[0]!;
    // This SDK release sends a newer date than 2023-06-01; the mock only requires the header.
    expect(sent.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // …and passes `apiKey` as a bearer token; the mock accepts it like `x-api-key`.
    expect(sent.headers['x-api-key'] ?? sent.headers.authorization).toMatch(/^(Bearer )?sk-ant-test$/);
  });

  it('messages.stream(...).finalMessage() with thinking, text and parallel tool_use', async () => {
    mock.enqueue({
      kind: 'tool_calls',
      text: 'Checking both.',
      calls,
      argumentChunkSize: 4,
      usage: { input: 58, output: 89, cacheRead: 1024, cacheWrite: 12 },
    });
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 1024,
      messages,
      tools,
    });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const final = await stream.finalMessage();
    expect(texts.join('')).toBe('Checking both.');
    expect(final.stop_reason).toBe('tool_use');
    const uses = final.content.filter((b) => b.type === 'tool_use');
    expect(uses.map((b) => (b.type === 'tool_use' ? b.input : null))).toEqual(calls.map((c) => c.arguments));
    expect(final.usage).toMatchObject({
      input_tokens: 58,
      output_tokens: 89,
      cache_read_input_tokens: 1024,
      cache_creation_input_tokens: 12,
    });
  });

  it('streams thinking blocks the MessageStream accepts', async () => {
    mock.enqueue({ kind: 'text', text: 'Sunny.', reasoning: 'Let me think about the weather.' });
    const stream = client.messages.stream({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages,
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'thinking', thinking: 'Let me think about the weather.' });
    expect(final.content[1]).toMatchObject({ type: 'text', text: 'Sunny.' });
  });

  it('beta client: the anthropic-beta header arrives unchanged', async () => {
    const final = await client.beta.messages
      .stream({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 256,
        messages,
        betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'],
      })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from the mock.' });
    const sent = mock.received[0]!;
    expect(sent.path).toMatch(/^\/v1\/messages(\?beta=true)?$/);
    expect(sent.headers['anthropic-beta']).toBe('interleaved-thinking-2025-05-14,context-1m-2025-08-07');
  });

  it('countTokens and models.list', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-haiku-4-5-20251001', messages });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(mock.models);
  });

  it('maps 529 to an APIError with status, request id and retry-after', async () => {
    mock.enqueue({ kind: 'error', status: 529, headers: { 'retry-after': '3' } });
    const error = await client.messages
      .create({ model: 'claude-haiku-4-5-20251001', max_tokens: 256, messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect(apiError.requestID).toMatch(/^req_/);
    expect(apiError.headers?.get('retry-after')).toBe('3');
    expect(apiError.error).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
  });

  it('a 400 from validation is a BadRequestError', async () => {
    const error = await client.messages
      .create({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 256,
        messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
  });

  it('retries 529 and succeeds', async () => {
    const retrying = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 1 });
    mock.enqueue({ kind: 'error', status: 529, headers: { 'retry-after-ms': '10' } });
    const message = await retrying.messages.create({
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 256,
      messages,
    });
    expect(message.content[0]).toMatchObject({ text: 'Hello from the mock.' });
    expect(mock.received).toHaveLength(2);
  });

  it('an in-band stream error rejects finalMessage()', async () => {
    mock.enqueue({ kind: 'stream_error', text: 'one two three', afterChunks: 2 });
    const stream = client.messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 256, messages });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });

  it('a stream that dies midway rejects finalMessage()', async () => {
    mock.enqueue({ kind: 'die_midway', text: 'one two three', afterChunks: 1 });
    const stream = client.messages.stream({ model: 'claude-haiku-4-5-20251001', max_tokens: 256, messages });
    await expect(stream.finalMessage()).rejects.toThrow();
  });
});
