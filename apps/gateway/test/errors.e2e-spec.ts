import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { OTHER_ORG_ID, startTestStack, type TestStack } from './support/stack';

/** Every failure reaches the client in its own dialect with the right status, never as a 500. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ BODY_LIMIT_BYTES: String(256 * 1024) });
});
afterAll(async () => {
  await stack.close();
});

const openai = (apiKey = stack.key): OpenAI =>
  new OpenAI({ baseURL: `${stack.base}/v1`, apiKey, maxRetries: 0 });
const anthropic = (apiKey = stack.key): Anthropic =>
  new Anthropic({ baseURL: `${stack.base}/anthropic`, apiKey, maxRetries: 0 });
const chat = (c: OpenAI, model = 'openai/gpt-4.1') =>
  c.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
const message = (c: Anthropic, model = 'anthropic/claude-sonnet-4-6') =>
  c.messages.create({ model, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });

async function rejection<T>(
  p: Promise<T>,
): Promise<{ status?: number; error?: unknown; headers?: unknown; requestID?: string | null }> {
  try {
    await p;
  } catch (err) {
    return err as { status?: number; error?: unknown };
  }
  throw new Error('expected the call to fail');
}

describe('authentication (401)', () => {
  it.each([
    ['an unknown key', 'sk-os-not-a-real-key-000000000000'],
    ['a revoked key', () => stack.revokedKey],
    ['a key of another organization', () => stack.otherOrgKey],
  ])('OpenAI surface refuses %s', async (_label, key) => {
    const err = await rejection(chat(openai(typeof key === 'function' ? key() : key)));
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.status).toBe(401);
    expect(err.error).toMatchObject({ type: 'invalid_request_error' });
  });

  it('Anthropic surface refuses a revoked key with authentication_error', async () => {
    const err = await rejection(message(anthropic(stack.revokedKey)));
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('a missing key says how to send one', async () => {
    const res = await fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"openai/gpt-4.1","messages":[]}',
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /Authorization: Bearer/,
    );
  });

  it.each(['x-api-key', 'api-key', 'x-goog-api-key'])('accepts the key in %s', async (header) => {
    stack.mocks.openai.enqueue({ kind: 'text', text: 'ok' });
    const res = await fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { [header]: stack.key, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(200);
  });

  it('a key used under another organization path is refused', async () => {
    const res = await fetch(`${stack.gateway.url}/llm_proxy/${OTHER_ORG_ID}/v1/models`, {
      headers: { authorization: `Bearer ${stack.key}` },
    });
    expect(res.status).toBe(401);
  });
});

describe('model access', () => {
  it('403 when the model is served only by a provider the user may not use', async () => {
    const err = await rejection(chat(openai(stack.restrictedKey), 'anthropic/claude-sonnet-4-6'));
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const a = await rejection(message(anthropic(stack.restrictedKey)));
    expect(a.error).toMatchObject({ error: { type: 'permission_error' } });
  });

  it('404 for an unknown model, in both dialects', async () => {
    const err = await rejection(chat(openai(), 'no-such-model'));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.error).toMatchObject({ param: 'model' });
    const a = await rejection(message(anthropic(), 'claude-nonexistent'));
    expect(a.error).toMatchObject({ error: { type: 'not_found_error' } });
  });

  it('a bare model name resolves, and a trailing [1m] is ignored', async () => {
    stack.mocks.anthropic.enqueue({ kind: 'text', text: 'bare' });
    const res = await message(anthropic(), 'claude-sonnet-4-6[1m]');
    expect(res.content[0]).toMatchObject({ text: 'bare' });
    expect(stack.mocks.anthropic.received.at(-1)?.json).toMatchObject({ model: 'claude-sonnet-4-6' });
  });
});

describe('malformed input (400)', () => {
  it('names the offending field', async () => {
    const res = await fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'anthropic/claude-sonnet-4-6', messages: 'hello' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toMatch(/^messages/);
  });

  it('invalid JSON gets a 400 in the Anthropic envelope on /anthropic', async () => {
    const res = await fetch(`${stack.base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': stack.key,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: '{"model": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('a missing model is a 400 on model', async () => {
    const err = await rejection(
      openai().chat.completions.create({
        messages: [{ role: 'user', content: 'x' }],
      } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
    );
    expect(err.status).toBe(400);
    expect(err.error).toMatchObject({ param: 'model' });
  });
});

describe('body over the size limit (413)', () => {
  it.each([
    ['/v1/chat/completions', 'invalid_request_error'],
    ['/anthropic/v1/messages', 'request_too_large'],
  ])('%s', async (path, type) => {
    const res = await fetch(`${stack.base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'openai/gpt-4.1',
        messages: [{ role: 'user', content: 'x'.repeat(300 * 1024) }],
      }),
    });
    expect(res.status).toBe(413);
    expect(JSON.stringify(await res.json())).toContain(type);
  });
});

describe('upstream errors', () => {
  it('a provider 429 reaches an OpenAI client as 429 with retry-after', async () => {
    stack.mocks.openai.enqueue({
      kind: 'error',
      status: 429,
      message: 'Rate limit reached',
      headers: { 'retry-after': '7' },
    });
    const err = await rejection(chat(openai()));
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err.headers as Headers).get('retry-after')).toBe('7');
  });

  it('an Anthropic provider error body reaches an Anthropic client unchanged', async () => {
    stack.mocks.anthropic.enqueue({
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      headers: { 'retry-after': '3' },
    });
    const res = await fetch(`${stack.base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': stack.key,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'anthropic/claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'Hi' }],
      }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toMatchObject({
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Number of request tokens has exceeded your per-minute rate limit',
      },
    });
  });

  it('an OpenAI provider 503 reaches an Anthropic client as 529 overloaded_error', async () => {
    stack.mocks.openai.enqueue({ kind: 'error', status: 503, message: 'The server is overloaded' });
    const err = await rejection(message(anthropic(), 'openai/gpt-4.1'));
    expect(err.status).toBe(529);
    expect(err.error).toMatchObject({
      error: { type: 'overloaded_error', message: 'The server is overloaded' },
    });
  });

  it('an Anthropic provider 500 reaches an OpenAI client as 500', async () => {
    stack.mocks.anthropic.enqueue({
      kind: 'error',
      status: 500,
      type: 'api_error',
      message: 'Internal server error',
    });
    const err = await rejection(chat(openai(), 'anthropic/claude-sonnet-4-6'));
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.error).toMatchObject({ message: 'Internal server error' });
  });

  it('an unreachable provider is a 502, not a crash', async () => {
    const mock = stack.mocks.compat;
    const saved = mock.url;
    await mock.close();
    const err = await rejection(chat(openai(), 'compat/deepseek-chat'));
    expect(err.status).toBe(502);
    expect(saved).toBeTruthy();
  });

  it('a stream that dies midway ends with an in-band error the SDK raises', async () => {
    stack.mocks.anthropic.enqueue({
      kind: 'die_midway',
      text: 'partial answer that will be cut',
      afterChunks: 2,
    });
    const stream = openai().chat.completions.stream({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await expect(stream.finalChatCompletion()).rejects.toThrow();
  });
});

describe('every response carries a request id and the gateway time', () => {
  it('success and failure', async () => {
    stack.mocks.openai.enqueue({ kind: 'text', text: 'x' });
    const ok = await openai()
      .chat.completions.create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(ok.response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(Number(ok.response.headers.get('x-optscale-gateway-ms'))).toBeGreaterThanOrEqual(0);
    const err = await rejection(chat(openai('sk-os-wrong-wrong-wrong-wrong')));
    expect(err.requestID).toMatch(/^req_/);
  });
});
