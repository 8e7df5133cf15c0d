import { raw } from '../../__fixtures__/http';
import {
  checkOpenAIStream,
  collapse,
  keys,
  miscFixture,
  openaiChunkKind,
  parseSse,
  readFixture,
  readJsonFixture,
  sseJson,
} from '../../__fixtures__/wire';
import type { ChatChunk } from '../../__fixtures__/wire';
import type { ChatCompletion, OpenAIErrorBody, OpenAIToolCall } from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const user = [{ role: 'user', content: 'Weather in Paris?' }];
const misc = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;
const args = (c: OpenAIToolCall): unknown => JSON.parse(c.function.arguments);
/** Chunks of an OpenAI stream, with `[DONE]` kept as the string. */
const chunksOf = (text: string): Array<ChatChunk | '[DONE]'> =>
  sseJson(text).map((e) => e.json as ChatChunk | '[DONE]');
const isChunk = (c: ChatChunk | '[DONE]'): c is ChatChunk => c !== '[DONE]';

const calls = [
  { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_AbC123' },
  { name: 'get_weather', arguments: { city: 'Tokyo' } },
];

describe('openai mock: chat completions', () => {
  let mock: MockProvider;
  const chat = (body: Record<string, unknown>, headers?: Record<string, string>) =>
    raw(`${mock.url}/chat/completions`, {
      body: { model: 'gpt-4o-2024-08-06', messages: user, ...body },
      headers,
    });

  beforeAll(async () => {
    mock = await startMockProvider('openai');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  describe('POST /v1/chat/completions, non-stream', () => {
    it('matches the shape of the fixture response with parallel tool calls and cached usage', async () => {
      const fixture = readJsonFixture<{ body: ChatCompletion }>('openai_chat_response_tool_calls.json');
      mock.enqueue({ kind: 'tool_calls', calls, usage: { input: 54, output: 36, cacheRead: 128 } });
      const res = await chat({});
      const body = parse<ChatCompletion>(res.text);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['x-request-id']).toMatch(/^req_[0-9a-f]{32}$/);
      expect(Number(res.headers['openai-processing-ms'])).toBeGreaterThan(0);
      expect(keys(body)).toEqual(keys(fixture.body));
      const choice = body.choices[0]!;
      const fixtureChoice = fixture.body.choices[0]!;
      expect(keys(choice)).toEqual(keys(fixtureChoice));
      expect(keys(choice.message)).toEqual(keys(fixtureChoice.message));
      expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
      expect(body.object).toBe('chat.completion');
      expect(body.model).toBe('gpt-4o-2024-08-06');
      expect(choice.message.content).toBeNull();
      expect(choice.finish_reason).toBe('tool_calls');
      const toolCalls = choice.message.tool_calls ?? [];
      expect(toolCalls.map((c) => keys(c))).toEqual(
        (fixtureChoice.message.tool_calls ?? []).map((c) => keys(c)),
      );
      expect(toolCalls[0]?.id).toBe('call_AbC123');
      expect(toolCalls[1]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
      expect(toolCalls.map(args)).toEqual([{ city: 'Paris' }, { city: 'Tokyo' }]);
      // Same canonical usage as the fixture → the same OpenAI usage (prompt includes cached).
      expect(body.usage).toEqual(fixture.body.usage);
    });

    it('answers the default scenario with text and estimated usage', async () => {
      const body = parse<ChatCompletion>((await chat({})).text);
      expect(body.choices[0]?.message).toEqual({
        role: 'assistant',
        content: 'Hello from the mock.',
        refusal: null,
        annotations: [],
      });
      expect(body.choices[0]?.finish_reason).toBe('stop');
      const usage = body.usage;
      expect(usage.prompt_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    });

    it('renders finish length, reasoning tokens (hidden text) and cache writes', async () => {
      mock.enqueue({
        kind: 'text',
        text: 'cut',
        reasoning: 'secret',
        finish: 'length',
        usage: { input: 10, output: 20, cacheRead: 5, cacheWrite: 3, reasoning: 12 },
      });
      const body = parse<ChatCompletion>((await chat({})).text);
      expect(body.choices[0]?.finish_reason).toBe('length');
      expect(JSON.stringify(body)).not.toContain('secret');
      expect(body.usage.prompt_tokens).toBe(18);
      expect(body.usage.prompt_tokens_details).toEqual({
        cached_tokens: 5,
        audio_tokens: 0,
        cache_write_tokens: 3,
      });
      expect(body.usage.completion_tokens).toBe(20);
      expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(12);
      expect(body.usage.total_tokens).toBe(38);
    });
  });

  describe('POST /v1/chat/completions, stream', () => {
    it('follows the grammar and shapes of openai_chat_stream_text_usage.sse', async () => {
      const fixtureText = readFixture('openai_chat_stream_text_usage.sse');
      const fixture = chunksOf(fixtureText);
      const chunks = ['Paris', ' is', ' 18', '°C', ' and clear.'];
      mock.enqueue({ kind: 'text', text: chunks.join(''), chunks, usage: { input: 41, output: 7 } });
      const res = await chat({ stream: true, stream_options: { include_usage: true } });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.complete).toBe(true);
      const events = parseSse(res.text);
      expect(events.every((e) => e.event === undefined)).toBe(true);
      const all = chunksOf(res.text);

      expect(collapse(all.map(openaiChunkKind))).toEqual(collapse(fixture.map(openaiChunkKind)));
      expect(all.length).toBe(fixture.length);
      all.forEach((chunk, i) => {
        const other = fixture[i]!;
        if (!isChunk(chunk) || !isChunk(other)) return expect(chunk).toBe(other);
        expect(keys(chunk)).toEqual(keys(other));
        expect(chunk.choices.map((c) => keys(c))).toEqual(other.choices.map((c) => keys(c)));
      });
      const ours = all.filter(isChunk);
      expect(ours[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
      expect(ours.slice(1, 6).map((c) => c.choices[0]?.delta)).toEqual(
        chunks.map((content) => ({ content })),
      );
      expect(ours.slice(0, -1).every((c) => c.usage === null)).toBe(true);
      expect(new Set(ours.map((c) => c.id)).size).toBe(1);
      expect(new Set(ours.map((c) => c.created)).size).toBe(1);

      const replay = checkOpenAIStream(res.text);
      const expected = checkOpenAIStream(fixtureText);
      expect(replay).toEqual(expected);
    });

    it('omits usage entirely without include_usage, and obfuscation when disabled', async () => {
      const res = await chat({
        stream: true,
        stream_options: { include_usage: false, include_obfuscation: false },
      });
      const all = chunksOf(res.text);
      expect(all[all.length - 1]).toBe('[DONE]');
      const chunks = all.filter(isChunk);
      expect(chunks).toHaveLength(all.length - 1);
      expect(chunks.every((c) => !('usage' in c) && !('obfuscation' in c) && c.choices.length === 1)).toBe(
        true,
      );
      expect(checkOpenAIStream(res.text).content).toBe('Hello from the mock.');
    });

    it('follows the grammar of openai_chat_stream_tool_calls.sse for parallel calls', async () => {
      const fixtureText = readFixture('openai_chat_stream_tool_calls.sse');
      const fixture = chunksOf(fixtureText);
      mock.enqueue({
        kind: 'tool_calls',
        calls,
        argumentChunkSize: 5,
        usage: { input: 54, output: 36, cacheRead: 128 },
      });
      const res = await chat({ stream: true, stream_options: { include_usage: true } });
      const all = chunksOf(res.text);
      expect(collapse(all.map(openaiChunkKind))).toEqual(collapse(fixture.map(openaiChunkKind)));
      const ours = all.filter(isChunk);
      const firstDelta = ours[0]?.choices[0]?.delta;
      expect(keys(firstDelta)).toEqual(keys(fixture.filter(isChunk)[0]?.choices[0]?.delta));
      expect(firstDelta?.content).toBeNull();
      expect(firstDelta?.tool_calls).toEqual([
        { index: 0, id: 'call_AbC123', type: 'function', function: { name: 'get_weather', arguments: '' } },
      ]);
      expect(ours[1]?.choices[0]?.delta).toEqual({
        tool_calls: [{ index: 0, function: { arguments: '{"cit' } }],
      });
      const replay = checkOpenAIStream(res.text);
      expect(replay.tools.map((t) => [t.name, JSON.parse(t.args) as unknown])).toEqual([
        ['get_weather', { city: 'Paris' }],
        ['get_weather', { city: 'Tokyo' }],
      ]);
      expect(replay.finish).toBe('tool_calls');
      expect(replay.usage).toEqual(checkOpenAIStream(fixtureText).usage);
    });

    it('streams text before tool calls with a role chunk first', async () => {
      mock.enqueue({ kind: 'tool_calls', text: 'Let me check.', calls: calls.slice(0, 1) });
      const res = await chat({ stream: true });
      const kinds = collapse(sseJson(res.text).map((e) => openaiChunkKind(e.json)));
      expect(kinds).toEqual(['role', 'content', 'tool_start', 'tool_args', 'finish', 'done']);
      expect(checkOpenAIStream(res.text).content).toBe('Let me check.');
    });

    it('paces content with firstChunkDelayMs / chunkDelayMs after sending headers at once', async () => {
      mock.enqueue({
        kind: 'text',
        text: 'abcdefgh',
        chunks: ['abcd', 'efgh'],
        firstChunkDelayMs: 120,
        chunkDelayMs: 60,
      });
      const res = await chat({ stream: true });
      expect(res.headersMs).toBeLessThan(100);
      const last = res.chunkMs[res.chunkMs.length - 1] ?? 0;
      expect(last).toBeGreaterThanOrEqual(170);
      expect(checkOpenAIStream(res.text).content).toBe('abcdefgh');
    });
  });

  describe('scenarios', () => {
    it('die_midway: destroys the socket after N content chunks without a terminator', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 2 });
      const res = await chat({ stream: true });
      expect(res.status).toBe(200);
      expect(res.complete).toBe(false);
      expect(chunksOf(res.text).map(openaiChunkKind)).toEqual(['role', 'content', 'content']);
      expect(res.text).not.toContain('[DONE]');
    });

    it('die_midway on a non-stream request: truncated body', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 2 });
      const res = await chat({});
      expect(res.complete).toBe(false);
      expect(() => JSON.parse(res.text) as unknown).toThrow();
    });

    it('stream_error: an in-band error object after N chunks, no [DONE]', async () => {
      mock.enqueue({ kind: 'stream_error', text: 'one two three', afterChunks: 1, message: 'boom' });
      const res = await chat({ stream: true });
      expect(res.complete).toBe(true);
      const ours = chunksOf(res.text);
      expect(ours.map((c) => (isChunk(c) && c.error ? 'error' : openaiChunkKind(c)))).toEqual([
        'role',
        'content',
        'error',
      ]);
      const error = (ours[2] as unknown as OpenAIErrorBody).error;
      expect(keys(error)).toEqual(['code', 'message', 'param', 'type']);
      expect(error).toMatchObject({ message: 'boom', type: 'server_error' });
      expect(res.text).not.toContain('[DONE]');
      expect(() => checkOpenAIStream(res.text)).toThrow(/in-band error/);
    });

    it('error: OpenAI envelope with status, retry-after and type', async () => {
      const fixture = misc.openai.errors['429_rate_limit']!;
      mock.enqueue({ kind: 'error', status: 429, headers: { 'retry-after': '2' } });
      const res = await chat({ stream: true });
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.headers['x-request-id']).toMatch(/^req_/);
      const body = parse<OpenAIErrorBody>(res.text);
      expect(keys(body.error)).toEqual(keys(fixture.body.error));
      expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
    });

    it('error: custom message/type and raw bodies', async () => {
      mock.enqueue(
        { kind: 'error', status: 503, message: 'slow down', type: 'server_error' },
        {
          kind: 'error',
          status: 502,
          rawBody: '<html>bad gateway</html>',
          headers: { 'content-type': 'text/html' },
        },
      );
      const first = await chat({});
      expect(first.status).toBe(503);
      expect(parse<unknown>(first.text)).toEqual({
        error: { message: 'slow down', type: 'server_error', param: null, code: null },
      });
      const second = await chat({});
      expect(second.status).toBe(502);
      expect(second.headers['content-type']).toBe('text/html');
      expect(second.text).toBe('<html>bad gateway</html>');
    });
  });

  describe('request validation', () => {
    const cases: Array<[string, Record<string, unknown>, string | null, RegExp]> = [
      ['messages missing', { messages: undefined }, 'messages', /Missing required parameter: 'messages'/],
      [
        'tool message without a preceding tool_calls message',
        { messages: [...user, { role: 'tool', tool_call_id: 'call_x', content: '18C' }] },
        'messages.[1].role',
        /must be a response to a preceeding message with 'tool_calls'/,
      ],
      [
        'tool_calls left unanswered',
        {
          messages: [
            ...user,
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            { role: 'user', content: 'hm?' },
          ],
        },
        'messages.[1].role',
        /did not have response messages: call_1/,
      ],
      [
        'stream_options without stream',
        { stream_options: { include_usage: true } },
        'stream_options',
        /only allowed when 'stream' is enabled/,
      ],
      [
        'tool call id above 40 characters',
        {
          messages: [
            ...user,
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                { id: 'x'.repeat(53), type: 'function', function: { name: 'f', arguments: '{}' } },
              ],
            },
            { role: 'tool', tool_call_id: 'x'.repeat(53), content: 'ok' },
          ],
        },
        'messages[1].tool_calls[0].id',
        /maximum length 40, but got a string with length 53/,
      ],
    ];

    it.each(cases)('400 when %s', async (_name, body, param, message) => {
      const res = await chat(body);
      expect(res.status).toBe(400);
      const error = parse<OpenAIErrorBody>(res.text).error;
      expect(error.type).toBe('invalid_request_error');
      expect(error.param).toBe(param);
      expect(error.message).toMatch(message);
    });

    it('accepts a complete tool round trip', async () => {
      const res = await chat({
        messages: [
          ...user,
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        ],
      });
      expect(res.status).toBe(200);
    });

    it('400 for a body that is not JSON', async () => {
      const res = await raw(`${mock.url}/chat/completions`, { body: '{nope' });
      expect(res.status).toBe(400);
      expect(parse<OpenAIErrorBody>(res.text).error.message).toMatch(/could not parse the JSON body/);
    });

    it('404 "Invalid URL" for unknown routes', async () => {
      const res = await raw(`${mock.url}/nope`, { body: {} });
      expect(res.status).toBe(404);
      expect(parse<OpenAIErrorBody>(res.text).error.message).toBe('Invalid URL (POST /v1/nope)');
    });
  });
});
