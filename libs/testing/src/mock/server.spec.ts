import { raw } from '../__fixtures__/http';
import type { ChatCompletion } from '../__fixtures__/wire-types';
import { eventually } from '../eventually';
import { startMockProvider } from './server';
import type { MockKind, MockProvider } from './types';

const user = [{ role: 'user', content: 'Hi' }];
const parse = <T>(text: string): T => JSON.parse(text) as T;

/** Behaviour shared by every dialect: URLs, the scenario queue, recording, shutdown. */
describe('mock provider server', () => {
  let mock: MockProvider;
  const chat = () => raw(`${mock.url}/chat/completions`, { body: { model: 'm', messages: user } });
  const answer = async (): Promise<string | null | undefined> =>
    parse<ChatCompletion>((await chat()).text).choices[0]?.message.content;

  beforeAll(async () => {
    mock = await startMockProvider('openai');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it.each<[MockKind, string]>([
    ['openai', '/v1'],
    ['anthropic', ''],
    ['gemini', '/v1beta'],
    ['ollama', ''],
  ])('%s: base URL on 127.0.0.1 with path "%s"', async (kind, path) => {
    const other = await startMockProvider(kind);
    try {
      expect(other.kind).toBe(kind);
      expect(other.port).toBeGreaterThan(0);
      expect(other.url).toBe(`http://127.0.0.1:${other.port}${path}`);
    } finally {
      await other.close();
    }
  });

  it('consumes the queue FIFO, then falls back to the default; reset restores it', async () => {
    mock.enqueue({ kind: 'text', text: 'first' }, { kind: 'text', text: 'second' });
    mock.setDefault({ kind: 'text', text: 'fallback' });
    expect([await answer(), await answer(), await answer()]).toEqual(['first', 'second', 'fallback']);
    mock.models = ['changed'];
    mock.reset();
    expect(await answer()).toBe('Hello from the mock.');
    expect(mock.models).not.toContain('changed');
  });

  it('records method, path with query, headers and body', async () => {
    await raw(`${mock.url}/chat/completions?x=1`, {
      body: { model: 'm', messages: user },
      headers: { 'x-custom': 'kept', authorization: 'Bearer sk-1' },
    });
    const [got] = mock.received;
    expect(got).toMatchObject({ method: 'POST', path: '/v1/chat/completions?x=1' });
    expect(got!.headers['x-custom']).toBe('kept');
    expect(got!.json).toEqual({ model: 'm', messages: user });
    expect(parse<unknown>(got!.body)).toEqual(got!.json);
  });

  it('keeps only the last 1000 requests, and none with record: false', async () => {
    const quiet = await startMockProvider('openai', { record: false });
    try {
      for (let batch = 0; batch < 21; batch++) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => raw(`${mock.url}/models?n=${batch * 50 + i}`)),
        );
      }
      expect(mock.received).toHaveLength(1000);
      expect(mock.received[0]?.path).toBe('/v1/models?n=50');
      await raw(`${quiet.url}/models`);
      expect(quiet.received).toHaveLength(0);
    } finally {
      await quiet.close();
    }
  });

  it('close() ends a stream that is still waiting on its delays', async () => {
    const local = await startMockProvider('openai');
    local.setDefault({ kind: 'text', text: 'never finished', firstChunkDelayMs: 10_000 });
    const pending = raw(`${local.url}/chat/completions`, {
      body: { model: 'm', messages: user, stream: true },
    });
    await eventually(() => expect(local.received).toHaveLength(1));
    const started = Date.now();
    await local.close();
    const res = await pending;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.complete).toBe(false);
    expect(res.text).not.toContain('[DONE]');
  });

  it('a client that goes away mid-delay does not hold the mock; close() is prompt', async () => {
    const local = await startMockProvider('openai');
    local.enqueue({ kind: 'text', text: 'slow answer', firstChunkDelayMs: 5000, chunkDelayMs: 5000 });
    const controller = new AbortController();
    const res = await fetch(`${local.url}/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: user, stream: true }),
    });
    expect(res.status).toBe(200);
    controller.abort();
    const started = Date.now();
    const second = await raw(`${local.url}/chat/completions`, { body: { model: 'm', messages: user } });
    expect(second.status).toBe(200);
    await local.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
