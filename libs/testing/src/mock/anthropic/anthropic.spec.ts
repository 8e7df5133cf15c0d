import { raw } from '../../__fixtures__/http';
import {
  checkAnthropicStream,
  keys,
  miscFixture,
  parseSse,
  readFixture,
  readJsonFixture,
  sseData,
} from '../../__fixtures__/wire';
import type {
  AnthropicErrorBody,
  AnthropicEventData,
  AnthropicMessageBody,
  AnthropicModelList,
} from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const headers = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };
const user = [{ role: 'user', content: 'Weather in Tokyo?' }];
const fixtures = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;

describe('anthropic mock', () => {
  let mock: MockProvider;
  const messages = (
    body: Record<string, unknown>,
    extra: Record<string, string> = {},
    path = '/v1/messages',
  ) =>
    raw(`${mock.url}${path}`, {
      body: { model: 'claude-sonnet-4-5-20250929', max_tokens: 1024, messages: user, ...body },
      headers: { ...headers, ...extra },
    });

  beforeAll(async () => {
    mock = await startMockProvider('anthropic');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('serves at the root', () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
  });

  describe('grammar checker', () => {
    it('accepts the golden fixtures and rejects a stream without event lines (so it can fail)', () => {
      const fixture = readFixture('anthropic_messages_stream_thinking_tool_use.sse');
      expect(checkAnthropicStream(fixture).content.map((b) => b.type)).toEqual([
        'thinking',
        'text',
        'tool_use',
      ]);
      expect(
        checkAnthropicStream(readFixture('xlate_openai_stream_to_anthropic.expected.sse')).stop_reason,
      ).toBe('tool_use');
      expect(() => checkAnthropicStream(fixture.replace(/^event: .*\n/gm, ''))).toThrow(/event:/);
      const overlapping = fixture.replace(
        /event: content_block_stop\ndata: \{"type":"content_block_stop","index":0\}\n\n/,
        '',
      );
      expect(() => checkAnthropicStream(overlapping)).toThrow(/overlapping/);
    });
  });

  describe('POST /v1/messages, non-stream', () => {
    it('matches the fixture body (thinking + text + tool_use, cache usage)', async () => {
      const fixture = readJsonFixture<{ headers: Record<string, string>; body: AnthropicMessageBody }>(
        'anthropic_messages_response_tool_use.json',
      );
      mock.enqueue({
        kind: 'tool_calls',
        text: 'Checking Tokyo now.',
        calls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }],
        usage: { input: 58, output: 89, cacheRead: 1024 },
      });
      const res = await messages({});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['request-id']).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
      for (const name of Object.keys(fixture.headers)) expect(res.headers).toHaveProperty(name);
      const body = parse<AnthropicMessageBody>(res.text);
      expect(keys(body)).toEqual(keys(fixture.body));
      expect(body.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
      expect(body.model).toBe('claude-sonnet-4-5-20250929');
      expect(body.content.map((b) => b.type)).toEqual(['text', 'tool_use']);
      expect(body.content.map((b) => keys(b))).toEqual(fixture.body.content.slice(1).map((b) => keys(b)));
      expect(body.content[1]?.id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
      expect(body.content[1]?.input).toEqual({ city: 'Tokyo' });
      expect(body.stop_reason).toBe('tool_use');
      expect(body.stop_sequence).toBeNull();
      expect(body.usage).toEqual(fixture.body.usage);
    });

    it('renders thinking only when the request enables it', async () => {
      const scenario = { kind: 'text' as const, text: 'Sunny.', reasoning: 'Look outside.' };
      mock.enqueue(scenario, scenario);
      const without = parse<AnthropicMessageBody>((await messages({})).text);
      expect(without.content.map((b) => b.type)).toEqual(['text']);
      const withThinking = parse<AnthropicMessageBody>(
        (await messages({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 2048 })).text,
      );
      expect(withThinking.content[0]).toMatchObject({ type: 'thinking', thinking: 'Look outside.' });
      expect(withThinking.content[0]?.signature?.length).toBeGreaterThan(20);
    });

    it('maps finish length to max_tokens', async () => {
      mock.enqueue({ kind: 'text', text: 'cut', finish: 'length' });
      expect(parse<AnthropicMessageBody>((await messages({})).text).stop_reason).toBe('max_tokens');
    });
  });

  describe('POST /v1/messages, stream', () => {
    it('follows the grammar of the fixture: thinking, ping, text, tool_use, cumulative usage', async () => {
      const fixtureText = readFixture('anthropic_messages_stream_thinking_tool_use.sse');
      mock.enqueue({
        kind: 'tool_calls',
        text: 'Checking Tokyo now.',
        calls: [{ name: 'get_weather', arguments: { city: 'Tokyo' }, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6' }],
        usage: { input: 58, output: 89, cacheRead: 1024 },
      });
      const res = await messages({ stream: true }, {}, '/v1/messages?beta=true');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['request-id']).toMatch(/^req_/);
      const message = checkAnthropicStream(res.text);
      expect(message.content).toEqual([
        { type: 'text', text: 'Checking Tokyo now.' },
        {
          type: 'tool_use',
          id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
          name: 'get_weather',
          input: { city: 'Tokyo' },
        },
      ]);
      expect(message.usage).toEqual(checkAnthropicStream(fixtureText).usage);

      const events = sseData<AnthropicEventData>(res.text);
      const fixtureEvents = sseData<AnthropicEventData>(fixtureText);
      const shape = (e: AnthropicEventData): string =>
        [e.type, ...keys(e), e.content_block?.type ?? e.delta?.type ?? ''].join(':');
      // Every event shape we emit appears in the fixture (same keys for the same type/kind).
      const known = new Set(fixtureEvents.map(shape));
      for (const e of events) expect(known).toContain(shape(e));
      expect(events[1]?.type).toBe('content_block_start');
      expect(events[2]?.type).toBe('ping');
      const toolStart = events.findIndex((e) => e.content_block?.type === 'tool_use');
      expect(events[toolStart + 1]?.delta).toEqual({ type: 'input_json_delta', partial_json: '' });
      expect(keys(events[0]?.message?.usage)).toEqual(keys(fixtureEvents[0]?.message?.usage));
      const delta = events.find((e) => e.type === 'message_delta');
      expect(keys(delta?.usage)).toEqual(keys(fixtureEvents.find((e) => e.type === 'message_delta')?.usage));
    });

    it('streams thinking with thinking_delta and a signature_delta before the block stop', async () => {
      mock.enqueue({ kind: 'text', text: 'Sunny.', reasoning: 'Need Tokyo weather; call get_weather.' });
      const res = await messages({ stream: true, thinking: { type: 'adaptive' } });
      const message = checkAnthropicStream(res.text);
      expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text']);
      expect(message.content[0]?.thinking).toBe('Need Tokyo weather; call get_weather.');
      const events = sseData<AnthropicEventData>(res.text);
      const stop = events.findIndex((e) => e.type === 'content_block_stop');
      expect(events[stop - 1]?.delta?.type).toBe('signature_delta');
      expect(message.stop_reason).toBe('end_turn');
    });

    it('exact text chunks become text_delta events', async () => {
      mock.enqueue({ kind: 'text', text: 'ab cd', chunks: ['ab', ' cd'] });
      const events = sseData<AnthropicEventData>((await messages({ stream: true })).text);
      expect(events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta?.text)).toEqual([
        'ab',
        ' cd',
      ]);
    });

    it('die_midway: socket destroyed after N deltas, no message_delta/message_stop', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 2 });
      const res = await messages({ stream: true });
      expect(res.complete).toBe(false);
      const types = parseSse(res.text).map((e) => e.event);
      expect(types).toEqual([
        'message_start',
        'content_block_start',
        'ping',
        'content_block_delta',
        'content_block_delta',
      ]);
    });

    it('stream_error: event: error in the Anthropic envelope after N deltas', async () => {
      mock.enqueue({ kind: 'stream_error', text: 'one two three four', afterChunks: 1 });
      const res = await messages({ stream: true });
      const events = parseSse(res.text);
      const last = events[events.length - 1]!;
      expect(last.event).toBe('error');
      expect(`event: error\ndata: ${last.data}\n\n`).toBe(
        fixtures.anthropic.errors.mid_stream_error_sse_event,
      );
      expect(events.filter((e) => e.event === 'content_block_delta')).toHaveLength(1);
      expect(() => checkAnthropicStream(res.text)).toThrow(/in-band error/);
    });
  });

  describe('errors and validation', () => {
    it.each([
      [529, 'overloaded_error'],
      [429, 'rate_limit_error'],
      [500, 'api_error'],
      [401, 'authentication_error'],
      [404, 'not_found_error'],
    ])('error scenario %i → %s in the Anthropic envelope', async (status, type) => {
      const fixture = Object.values(fixtures.anthropic.errors).find(
        (e) => typeof e !== 'string' && e.status === status,
      );
      if (fixture === undefined || typeof fixture === 'string') throw new Error(`no fixture for ${status}`);
      mock.enqueue({ kind: 'error', status, headers: { 'retry-after': '17' } });
      const res = await messages({ stream: true });
      expect(res.status).toBe(status);
      expect(res.headers['retry-after']).toBe('17');
      const body = parse<AnthropicErrorBody>(res.text);
      expect(keys(body)).toEqual(keys(fixture.body));
      expect(body.error.type).toBe(type);
      expect(body.request_id).toBe(res.headers['request-id']);
    });

    it('requires x-api-key (or a bearer token) and anthropic-version', async () => {
      const noKey = await raw(`${mock.url}/v1/messages`, {
        body: {},
        headers: { 'anthropic-version': '2023-06-01' },
      });
      expect(noKey.status).toBe(401);
      expect(parse<AnthropicErrorBody>(noKey.text).error.type).toBe('authentication_error');
      const noVersion = await raw(`${mock.url}/v1/messages`, { body: {}, headers: { 'x-api-key': 'k' } });
      expect(noVersion.status).toBe(400);
      expect(parse<AnthropicErrorBody>(noVersion.text).error.message).toBe(
        'anthropic-version: header is required',
      );
      const bearer = await raw(`${mock.url}/v1/models`, {
        headers: { authorization: 'Bearer tok', 'anthropic-version': '2023-06-01' },
      });
      expect(bearer.status).toBe(200);
    });

    it('checks the configured key', async () => {
      const guarded = await startMockProvider('anthropic', { apiKey: 'sk-ant-right' });
      try {
        const wrong = await raw(`${guarded.url}/v1/models`, {
          headers: { ...headers, 'x-api-key': 'sk-ant-wrong' },
        });
        expect(wrong.status).toBe(401);
        expect(parse<AnthropicErrorBody>(wrong.text).error).toEqual({
          type: 'authentication_error',
          message: 'invalid x-api-key',
        });
        const right = await raw(`${guarded.url}/v1/models`, {
          headers: { ...headers, 'x-api-key': 'sk-ant-right' },
        });
        expect(right.status).toBe(200);
      } finally {
        await guarded.close();
      }
    });

    const toolUse = {
      type: 'tool_use',
      id: 'toolu_01A09q90qw90lq917835lq9',
      name: 'get_weather',
      input: { city: 'Tokyo' },
    };
    it.each<[string, Record<string, unknown>, RegExp]>([
      ['max_tokens missing', { max_tokens: undefined }, /^max_tokens: Field required$/],
      [
        'empty text block',
        { messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] },
        /^messages: text content blocks must be non-empty$/,
      ],
      [
        'empty system text block',
        { system: [{ type: 'text', text: '' }] },
        /^system: text content blocks must be non-empty$/,
      ],
      [
        'empty string content',
        { messages: [{ role: 'user', content: '' }] },
        /^messages.0: all messages must have non-empty content/,
      ],
      [
        'tool_use without tool_result in the next message',
        {
          messages: [
            ...user,
            { role: 'assistant', content: [toolUse] },
            { role: 'user', content: [{ type: 'text', text: 'and?' }] },
          ],
        },
        /^messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01A09q90qw90lq917835lq9\./,
      ],
      [
        'tool_result without a tool_use before it',
        {
          messages: [
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'ok' }] },
          ],
        },
        /^messages.0.content.0: unexpected `tool_use_id`/,
      ],
      [
        'tool_use id with invalid characters',
        {
          messages: [
            ...user,
            { role: 'assistant', content: [{ ...toolUse, id: 'functions.Bash:0' }] },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: 'functions.Bash:0', content: 'ok' }],
            },
          ],
        },
        /tool_use.id: String should match pattern/,
      ],
      [
        'thinking budget not below max_tokens',
        { thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 2048 },
        /must be greater than `thinking.budget_tokens`/,
      ],
    ])('400 invalid_request_error when %s', async (_name, body, message) => {
      const res = await messages(body);
      expect(res.status).toBe(400);
      const error = parse<AnthropicErrorBody>(res.text);
      expect(error.type).toBe('error');
      expect(error.error.type).toBe('invalid_request_error');
      expect(error.error.message).toMatch(message);
    });

    it('accepts a tool round trip (results first, then text, consecutive user turns merged)', async () => {
      const res = await messages({
        messages: [
          ...user,
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, toolUse] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: toolUse.id, content: [{ type: 'text', text: '18C' }] },
            ],
          },
          { role: 'user', content: 'thanks' },
        ],
      });
      expect(res.status).toBe(200);
    });
  });

  describe('count_tokens and models', () => {
    it('count_tokens is deterministic and equals the input usage of the same prompt', async () => {
      const request = fixtures.anthropic.count_tokens_request;
      const counted = await raw(`${mock.url}${request.path}`, { body: request.body, headers });
      expect(counted.status).toBe(200);
      const body = parse<{ input_tokens: number }>(counted.text);
      expect(keys(body)).toEqual(keys(fixtures.anthropic.count_tokens_response));
      expect(body.input_tokens).toBeGreaterThan(10);
      const again = parse<unknown>(
        (await raw(`${mock.url}${request.path}`, { body: request.body, headers })).text,
      );
      expect(again).toEqual(body);
      const message = parse<AnthropicMessageBody>((await messages({ ...request.body })).text);
      expect(message.usage.input_tokens).toBe(body.input_tokens);
    });

    it('lists models in the Anthropic shape with paging, 404 for unknown ids', async () => {
      const fixture = fixtures.anthropic.models_list;
      mock.models = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'];
      const list = parse<AnthropicModelList>(
        (await raw(`${mock.url}/v1/models?limit=1000`, { headers })).text,
      );
      expect(list).toEqual(fixture);
      const page = parse<AnthropicModelList>((await raw(`${mock.url}/v1/models?limit=1`, { headers })).text);
      expect(page).toMatchObject({
        has_more: true,
        first_id: 'claude-sonnet-4-5-20250929',
        last_id: 'claude-sonnet-4-5-20250929',
      });
      const next = parse<AnthropicModelList>(
        (await raw(`${mock.url}/v1/models?limit=1&after_id=${page.last_id ?? ''}`, { headers })).text,
      );
      expect(next).toMatchObject({ has_more: false, first_id: 'claude-haiku-4-5-20251001' });
      const one = parse<unknown>(
        (await raw(`${mock.url}/v1/models/claude-haiku-4-5-20251001`, { headers })).text,
      );
      expect(one).toEqual(fixture.data[1]);
      const missing = await raw(`${mock.url}/v1/models/claude-nope`, { headers });
      expect(missing.status).toBe(404);
      expect(parse<AnthropicErrorBody>(missing.text).error).toEqual(
        fixtures.anthropic.errors['404_not_found']?.body.error,
      );
    });

    it('records beta headers unchanged', async () => {
      await messages(
        {},
        { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' },
        '/v1/messages?beta=true',
      );
      const got = mock.received[0]!;
      expect(got.path).toBe('/v1/messages?beta=true');
      expect(got.headers['anthropic-beta']).toBe('claude-code-20250219,interleaved-thinking-2025-05-14');
    });
  });
});
