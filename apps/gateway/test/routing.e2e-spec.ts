/**
 * Routing rules end to end: a gateway fed by the config topics (in-process bus) in front of real
 * mock providers. Every rule answers to its own alias and names its own target models, so rules and
 * circuit breakers of different tests never meet.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestEvent } from '@optscale/contracts';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { startBusStack, type BusStack } from './support/bus-stack';

const FAST_RETRY = { maxRetries: 1, initialBackoffMs: 5, maxBackoffMs: 20 };
const NO_RETRY = { maxRetries: 0, initialBackoffMs: 0, maxBackoffMs: 0 };
const COOLDOWN_MS = 400;

describe('routing rules (e2e)', () => {
  let stack: BusStack;
  let primary: MockProvider;
  let secondary: MockProvider;
  let claude: MockProvider;
  let forbidden: MockProvider;
  /** Answers 200 with SSE headers, then closes the connection without a byte of body. */
  let mute: Server;
  let muteRequests = 0;
  /** Every back-off the gateway asked for, in ms (the waits themselves are shortened). */
  const sleeps: number[] = [];
  let key: string;
  /** A user allowed only `primary`. */
  let narrowKey: string;

  beforeAll(async () => {
    primary = await startMockProvider('openai', { apiKey: 'sk-primary' });
    secondary = await startMockProvider('openai', { apiKey: 'sk-secondary' });
    claude = await startMockProvider('anthropic', { apiKey: 'sk-claude' });
    forbidden = await startMockProvider('openai', { apiKey: 'sk-forbidden' });
    mute = createServer((req, res) => {
      muteRequests += 1;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      setTimeout(() => res.destroy(), 5);
    });
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', resolve));
    stack = await startBusStack(
      {
        UPSTREAM_HEADERS_TIMEOUT_MS: '1000',
        ROUTING_BREAKER_MIN_REQUESTS: '3',
        ROUTING_BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
      },
      {
        routing: {
          sleep: async (ms, signal) => {
            sleeps.push(ms);
            await sleep(Math.min(ms, 10), undefined, { signal });
          },
        },
      },
    );
    const openai = (proxyName: string, mock: MockProvider, apiKey: string) =>
      stack.putProvider({ proxyName, apiType: 'openai', baseUrl: mock.url, apiKey, models: ['gpt-4.1'] });
    await openai('primary', primary, 'sk-primary');
    await openai('secondary', secondary, 'sk-secondary');
    await openai('forbidden', forbidden, 'sk-forbidden');
    await stack.putProvider({
      proxyName: 'claude',
      apiType: 'anthropic',
      baseUrl: claude.url,
      apiKey: 'sk-claude',
      models: ['claude-haiku-4-5'],
    });
    await stack.putProvider({
      proxyName: 'dead',
      apiType: 'openai',
      // A port nothing listens on: connection refused.
      baseUrl: 'http://127.0.0.1:9/v1',
      apiKey: 'sk-dead',
      models: [],
    });
    await stack.putProvider({
      proxyName: 'mute',
      apiType: 'openai',
      baseUrl: `http://127.0.0.1:${(mute.address() as AddressInfo).port}/v1`,
      apiKey: 'sk-mute',
      models: [],
    });
    await stack.putAccess('dev', ['primary', 'secondary', 'claude', 'dead', 'mute']);
    key = await stack.addKey('dev');
    await stack.putAccess('intern', ['primary']);
    narrowKey = await stack.addKey('intern');
  });

  afterAll(async () => {
    await stack?.close();
    await Promise.all([primary, secondary, claude, forbidden].map((m) => m?.close()));
    await new Promise<void>((resolve) => (mute ? mute.close(() => resolve()) : resolve()));
  });

  beforeEach(() => {
    for (const mock of [primary, secondary, claude, forbidden]) mock.reset();
    sleeps.length = 0;
    muteRequests = 0;
  });

  const chat = (
    model: string,
    opts: { stream?: boolean; key?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> =>
    fetch(`${stack.base}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${opts.key ?? key}`,
        'content-type': 'application/json',
        ...opts.headers,
      },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        ...(opts.stream ? { stream: true } : {}),
      }),
    });

  const eventOf = (res: Response): Promise<RequestEvent> =>
    eventually(() => {
      const event = stack.gateway.runtime.recent.find(res.headers.get('x-request-id') ?? '');
      if (!event) throw new Error('no event yet');
      return event;
    });

  const received = (mock: MockProvider, model: string): number =>
    mock.received.filter((r) => (r.json as { model?: string } | undefined)?.model === model).length;

  it('splits traffic by weight (70/30 over 400 requests, within 5 sigma)', async () => {
    await stack.putRule({
      id: 'split',
      models: ['split'],
      targets: [
        { provider: 'primary', model: 'gpt-split', weight: 70 },
        { provider: 'secondary', model: 'gpt-split', weight: 30 },
      ],
    });
    const n = 400;
    for (let sent = 0; sent < n; sent += 25) {
      const batch = await Promise.all(Array.from({ length: 25 }, () => chat('split')));
      expect(batch.map((r) => r.status)).toEqual(Array.from({ length: 25 }, () => 200));
      await Promise.all(batch.map((r) => r.arrayBuffer()));
    }
    const first = received(primary, 'gpt-split');
    const sigma = Math.sqrt(n * 0.7 * 0.3);
    expect(first + received(secondary, 'gpt-split')).toBe(n);
    expect(Math.abs(first - n * 0.7)).toBeLessThan(5 * sigma);
  });

  it('falls back to another provider (another dialect) when the target keeps answering 500', async () => {
    await stack.putRule({
      id: 'fb-500',
      name: 'fallback on 500',
      models: ['fb-500'],
      targets: [{ provider: 'primary', model: 'gpt-fb500', weight: 1 }],
      fallbacks: [{ provider: 'claude', model: 'claude-haiku-4-5' }],
      retry: FAST_RETRY,
    });
    primary.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 500 });
    claude.setDefault({ kind: 'text', text: 'Claude stands in.' });
    const res = await chat('fb-500');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe('Claude stands in.');
    expect(received(primary, 'gpt-fb500')).toBe(2);
    expect(claude.received).toHaveLength(1);
    const event = await eventOf(res);
    expect(event.provider).toBe('claude');
    expect(event.model).toBe('claude-haiku-4-5');
    expect(event.passthrough).toBe(false);
    expect(event.routing).toMatchObject({
      ruleId: 'fb-500',
      ruleName: 'fallback on 500',
      attempts: [
        { provider: 'primary', model: 'gpt-fb500', role: 'primary', status: 500, error: 'status 500' },
        { provider: 'primary', model: 'gpt-fb500', role: 'primary', status: 500, error: 'status 500' },
        { provider: 'claude', model: 'claude-haiku-4-5', role: 'fallback', status: 200, error: null },
      ],
    });
  });

  it('honours retry-after on 429, then falls back', async () => {
    await stack.putRule({
      id: 'fb-429',
      models: ['fb-429'],
      targets: [{ provider: 'primary', model: 'gpt-fb429', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-fb429' }],
      retry: { maxRetries: 1, initialBackoffMs: 5, maxBackoffMs: 5000 },
    });
    const tooMany = { kind: 'error', status: 429, headers: { 'retry-after': '2' } } as const;
    primary.enqueue(tooMany, tooMany);
    const res = await chat('fb-429');
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([2000]);
    expect(received(primary, 'gpt-fb429')).toBe(2);
    expect(received(secondary, 'gpt-fb429')).toBe(1);
    const event = await eventOf(res);
    expect(event.routing?.attempts.map((a) => a.error)).toEqual(['status 429', 'status 429', null]);
  });

  it('returns the last upstream error in the client dialect when every attempt fails', async () => {
    await stack.putRule({
      id: 'all-fail',
      models: ['all-fail'],
      targets: [{ provider: 'primary', model: 'gpt-allfail', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-allfail' }],
      retry: NO_RETRY,
    });
    primary.enqueue({ kind: 'error', status: 500, message: 'primary broke' });
    secondary.enqueue({ kind: 'error', status: 503, message: 'secondary overloaded' });
    const res = await chat('all-fail');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('secondary overloaded');
    expect((await eventOf(res)).routing?.attempts).toHaveLength(2);
  });

  it('does not fall back after a non-transient 4xx: it is the request that is wrong', async () => {
    await stack.putRule({
      id: 'bad-request',
      models: ['bad-request'],
      targets: [{ provider: 'primary', model: 'gpt-400', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-400' }],
      retry: FAST_RETRY,
    });
    primary.enqueue({ kind: 'error', status: 400, message: 'context too long' });
    const res = await chat('bad-request');
    expect(res.status).toBe(400);
    expect(received(secondary, 'gpt-400')).toBe(0);
    expect((await eventOf(res)).routing?.attempts).toHaveLength(1);
  });

  it('falls back on a timeout and on dropped connections', async () => {
    await stack.putRule({
      id: 'fb-timeout',
      models: ['fb-timeout'],
      targets: [{ provider: 'primary', model: 'gpt-slow', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-slow' }],
      retry: NO_RETRY,
    });
    primary.enqueue({ kind: 'text', text: 'too late', firstChunkDelayMs: 3000 });
    const slow = await chat('fb-timeout');
    expect(slow.status).toBe(200);
    expect((await eventOf(slow)).routing?.attempts.map((a) => [a.status, a.error])).toEqual([
      [null, 'timeout'],
      [200, null],
    ]);

    await stack.putRule({
      id: 'fb-refused',
      models: ['fb-refused'],
      targets: [{ provider: 'dead', model: 'gpt-refused', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-refused' }],
      retry: NO_RETRY,
    });
    const refused = await chat('fb-refused');
    expect(refused.status).toBe(200);
    expect((await eventOf(refused)).routing?.attempts.map((a) => a.error)).toEqual(['connection', null]);

    // The connection dies in the middle of a whole (non-streamed) answer: nothing reached the client.
    await stack.putRule({
      id: 'fb-dies',
      models: ['fb-dies'],
      targets: [{ provider: 'primary', model: 'gpt-dies', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-dies' }],
      retry: NO_RETRY,
    });
    primary.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 1 });
    const dies = await chat('fb-dies');
    expect(dies.status).toBe(200);
    expect(received(secondary, 'gpt-dies')).toBe(1);
  });

  it('retries a stream that failed before its first byte', async () => {
    await stack.putRule({
      id: 'stream-early',
      models: ['stream-early'],
      targets: [{ provider: 'mute', model: 'gpt-mute', weight: 1 }],
      fallbacks: [{ provider: 'primary', model: 'gpt-stream-early' }],
      retry: NO_RETRY,
    });
    const res = await chat('stream-early', { stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"content":"Hell"');
    expect(text).toContain('[DONE]');
    expect(muteRequests).toBe(1);
    expect((await eventOf(res)).routing?.attempts.map((a) => [a.provider, a.error])).toEqual([
      ['mute', 'connection'],
      ['primary', null],
    ]);

    primary.enqueue({ kind: 'error', status: 502 });
    await stack.putRule({
      id: 'stream-502',
      models: ['stream-502'],
      targets: [{ provider: 'primary', model: 'gpt-stream-502', weight: 1 }],
      retry: FAST_RETRY,
    });
    const retried = await chat('stream-502', { stream: true });
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain('[DONE]');
    expect(received(primary, 'gpt-stream-502')).toBe(2);
  });

  it('never retries a stream once bytes reached the client', async () => {
    await stack.putRule({
      id: 'stream-late',
      models: ['stream-late'],
      targets: [{ provider: 'primary', model: 'gpt-stream-late', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-stream-late' }],
      retry: FAST_RETRY,
    });
    primary.enqueue({ kind: 'die_midway', text: 'one two three four five six', afterChunks: 2 });
    // The Anthropic surface in front of an OpenAI provider: translated, so the break is in-band.
    const res = await fetch(`${stack.base}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'stream-late',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"text":"two "');
    expect(text).toContain('event: error');
    expect(received(primary, 'gpt-stream-late')).toBe(1);
    expect(received(secondary, 'gpt-stream-late')).toBe(0);
    const event = await eventOf(res);
    expect(event.routing?.attempts).toHaveLength(1);
    expect(event.errorType).toBe('upstream_stream');
  });

  it('opens the circuit after repeated failures and closes it after the cooldown', async () => {
    await stack.putRule({
      id: 'breaker',
      models: ['breaker'],
      targets: [{ provider: 'primary', model: 'gpt-breaker', weight: 1 }],
      fallbacks: [{ provider: 'secondary', model: 'gpt-breaker' }],
      retry: NO_RETRY,
    });
    primary.setDefault({ kind: 'error', status: 500 });
    for (let i = 0; i < 3; i++) expect((await chat('breaker')).status).toBe(200);
    expect(received(primary, 'gpt-breaker')).toBe(3);

    const skipped = await chat('breaker');
    expect(skipped.status).toBe(200);
    expect(received(primary, 'gpt-breaker')).toBe(3);
    expect((await eventOf(skipped)).routing?.attempts.map((a) => [a.provider, a.error])).toEqual([
      ['primary', 'circuit open'],
      ['secondary', null],
    ]);

    primary.setDefault({ kind: 'text', text: 'back again' });
    await sleep(COOLDOWN_MS + 50);
    const probe = await chat('breaker');
    expect(
      ((await probe.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message
        .content,
    ).toBe('back again');
    const after = await chat('breaker');
    expect((await eventOf(after)).provider).toBe('primary');
    expect(received(primary, 'gpt-breaker')).toBe(5);
  });

  it('never tries a fallback the key is not allowed to use', async () => {
    await stack.putRule({
      id: 'not-allowed',
      models: ['not-allowed'],
      targets: [{ provider: 'primary', model: 'gpt-na', weight: 1 }],
      fallbacks: [
        { provider: 'forbidden', model: 'gpt-na' },
        { provider: 'secondary', model: 'gpt-na' },
      ],
      retry: NO_RETRY,
    });
    primary.enqueue({ kind: 'error', status: 500 });
    const res = await chat('not-allowed');
    expect(res.status).toBe(200);
    expect(forbidden.received).toHaveLength(0);
    expect((await eventOf(res)).routing?.attempts.map((a) => a.provider)).toEqual(['primary', 'secondary']);
  });

  it('routes an alias no provider serves, lists it, and refuses keys that can reach no target', async () => {
    await stack.putRule({
      id: 'alias',
      name: 'smart model',
      models: ['smart'],
      targets: [{ provider: 'claude', model: 'claude-haiku-4-5', weight: 1 }],
    });
    const res = await chat('smart');
    expect(res.status).toBe(200);
    expect(claude.received).toHaveLength(1);
    expect((claude.received[0]?.json as { model: string }).model).toBe('claude-haiku-4-5');
    const event = await eventOf(res);
    expect([event.clientModel, event.provider, event.model]).toEqual(['smart', 'claude', 'claude-haiku-4-5']);

    const list = async (k: string, path: string): Promise<string[]> => {
      const r = await fetch(`${stack.base}${path}`, {
        headers: { authorization: `Bearer ${k}`, 'x-api-key': k },
      });
      const json = (await r.json()) as { data: Array<{ id: string }> };
      return json.data.map((m) => m.id);
    };
    expect(await list(key, '/v1/models')).toContain('smart');
    expect(await list(key, '/anthropic/v1/models?limit=1000')).toContain('smart');
    expect(await list(narrowKey, '/v1/models')).not.toContain('smart');

    const refused = await chat('smart', { key: narrowKey });
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toContain('smart model');
  });

  it('keeps a session on the target it started with', async () => {
    await stack.putRule({
      id: 'sticky',
      models: ['sticky'],
      targets: [
        { provider: 'primary', model: 'gpt-sticky', weight: 1 },
        { provider: 'secondary', model: 'gpt-sticky', weight: 1 },
      ],
    });
    for (const session of ['s-1', 's-2', 's-3']) {
      primary.reset();
      secondary.reset();
      for (let i = 0; i < 10; i++) {
        const res = await chat('sticky', { headers: { 'x-session-id': session } });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
      const counts = [received(primary, 'gpt-sticky'), received(secondary, 'gpt-sticky')].sort();
      expect(counts).toEqual([0, 10]);
    }
  });

  it('leaves requests no rule matches to the model catalog', async () => {
    const res = await chat('primary/gpt-4.1');
    expect(res.status).toBe(200);
    const event = await eventOf(res);
    expect(event.routing).toBeUndefined();
    expect(event.provider).toBe('primary');
  });
});
