import { raw } from '../../__fixtures__/http';
import { keys, miscFixture, parseSse, readFixture, sseData } from '../../__fixtures__/wire';
import type { GeminiErrorBody, GeminiPart, GeminiResponse } from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const fixtures = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;
const contents = [{ role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] }];
const calls = [
  { name: 'get_weather', arguments: { city: 'Paris' }, id: 'ignored_by_gemini' },
  { name: 'get_weather', arguments: { city: 'Tokyo' } },
];

describe('gemini mock', () => {
  let mock: MockProvider;
  const generate = (
    model: string,
    action: string,
    body: Record<string, unknown>,
    headers?: Record<string, string>,
  ) => raw(`${mock.url}/models/${model}:${action}`, { body: { contents, ...body }, headers });

  beforeAll(async () => {
    mock = await startMockProvider('gemini');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('serves under /v1beta', () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}/v1beta`);
  });

  describe('streamGenerateContent?alt=sse', () => {
    it('matches gemini_stream_function_call.sse: CRLF framing, whole functionCall parts, STOP, usage', async () => {
      const fixtureText = readFixture('gemini_stream_function_call.sse');
      const fixture = sseData<GeminiResponse>(fixtureText);
      mock.enqueue({
        kind: 'tool_calls',
        text: "I'll look up both cities.",
        calls,
        usage: { input: 61, output: 81, reasoning: 52 },
      });
      const res = await generate('gemini-2.5-flash', 'streamGenerateContent?alt=sse', {});
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/event-stream');
      expect(res.complete).toBe(true);
      // Every event is `data: …\r\n\r\n`; no LF-only framing, no [DONE].
      expect(res.text.endsWith('\r\n\r\n')).toBe(true);
      expect(res.text.replace(/\r\n/g, '')).not.toContain('\n');
      expect(
        res.text
          .split('\r\n\r\n')
          .slice(0, -1)
          .every((e) => e.startsWith('data: {')),
      ).toBe(true);
      expect(res.text).not.toContain('[DONE]');

      const chunks = sseData<GeminiResponse>(res.text);
      const first = chunks[0]!;
      const last = chunks[chunks.length - 1]!;
      const [fixtureFirst, fixtureLast] = [fixture[0]!, fixture[1]!];
      expect(keys(first)).toEqual(keys(fixtureFirst));
      expect(keys(first.candidates[0])).toEqual(keys(fixtureFirst.candidates[0]));
      expect(keys(last.candidates[0])).toEqual(keys(fixtureLast.candidates[0]));
      expect(keys(first.usageMetadata)).toEqual(keys(fixtureFirst.usageMetadata));
      expect(last.usageMetadata).toEqual(fixtureLast.usageMetadata);
      expect(new Set(chunks.map((c) => c.responseId)).size).toBe(1);
      expect(chunks.every((c) => c.modelVersion === 'gemini-2.5-flash')).toBe(true);

      const text = chunks
        .slice(0, -1)
        .map((c) => c.candidates[0]?.content.parts[0]?.text)
        .join('');
      expect(text).toBe("I'll look up both cities.");
      expect(chunks.slice(0, -1).every((c) => c.candidates[0]?.finishReason === undefined)).toBe(true);
      const parts = last.candidates[0]?.content.parts ?? [];
      expect(parts.map((p) => keys(p))).toEqual(
        (fixtureLast.candidates[0]?.content.parts ?? []).map((p) => keys(p)),
      );
      expect(parts.map((p) => p.functionCall)).toEqual([
        { name: 'get_weather', args: { city: 'Paris' } },
        { name: 'get_weather', args: { city: 'Tokyo' } },
      ]);
      expect(last.candidates[0]?.finishReason).toBe('STOP');
    });

    it('usage semantics: prompt includes cached, candidates exclude thoughts, total = prompt + candidates + thoughts', async () => {
      mock.enqueue({
        kind: 'text',
        text: 'Sunny.',
        finish: 'length',
        usage: { input: 10, cacheRead: 90, output: 30, reasoning: 20 },
      });
      const chunks = sseData<GeminiResponse>(
        (await generate('gemini-2.5-pro', 'streamGenerateContent?alt=sse', {})).text,
      );
      const last = chunks[chunks.length - 1]!;
      expect(last.candidates[0]?.finishReason).toBe('MAX_TOKENS');
      expect(last.usageMetadata).toMatchObject({
        promptTokenCount: 100,
        cachedContentTokenCount: 90,
        candidatesTokenCount: 10,
        thoughtsTokenCount: 20,
        totalTokenCount: 130,
      });
    });

    it('thought parts only with includeThoughts', async () => {
      const scenario = { kind: 'text' as const, text: 'Sunny.', reasoning: 'Hmm.' };
      mock.enqueue(scenario, scenario);
      const plain = parseSse((await generate('gemini-2.5-pro', 'streamGenerateContent?alt=sse', {})).text);
      expect(plain.some((e) => e.data.includes('"thought":true'))).toBe(false);
      const thoughtful = sseData<GeminiResponse>(
        (
          await generate('gemini-2.5-pro', 'streamGenerateContent?alt=sse', {
            generationConfig: { thinkingConfig: { includeThoughts: true } },
          })
        ).text,
      );
      expect(thoughtful[0]?.candidates[0]?.content.parts[0]).toEqual({ text: 'Hmm.', thought: true });
    });

    it('without alt=sse the stream is one JSON array', async () => {
      const res = await generate('gemini-2.5-flash', 'streamGenerateContent', {});
      expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
      const array = parse<GeminiResponse[]>(res.text);
      expect(Array.isArray(array)).toBe(true);
      expect(array.map((c) => c.candidates[0]?.content.parts[0]?.text).join('')).toBe('Hello from the mock.');
    });

    it('die_midway: EOF-less close after N chunks', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 2 });
      const res = await generate('gemini-2.5-flash', 'streamGenerateContent?alt=sse', {});
      expect(res.complete).toBe(false);
      expect(parseSse(res.text)).toHaveLength(2);
    });

    it('stream_error: an error object in a data event', async () => {
      mock.enqueue({ kind: 'stream_error', text: 'one two three four', afterChunks: 1, status: 503 });
      const res = await generate('gemini-2.5-flash', 'streamGenerateContent?alt=sse', {});
      const events = sseData<unknown>(res.text);
      expect(events).toHaveLength(2);
      expect(events[1]).toEqual({ error: { code: 503, message: expect.any(String), status: 'UNAVAILABLE' } });
    });
  });

  describe('generateContent', () => {
    it('accepts the fixture request and answers text + whole function calls', async () => {
      const request = fixtures.gemini.generate_content_request;
      mock.enqueue({ kind: 'tool_calls', text: 'Both.', calls });
      const res = await raw(`http://127.0.0.1:${mock.port}${request.path}`, {
        body: request.body,
        headers: request.headers,
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
      const body = parse<GeminiResponse>(res.text);
      expect(keys(body)).toEqual(['candidates', 'modelVersion', 'responseId', 'usageMetadata']);
      const candidate = body.candidates[0]!;
      expect(candidate.finishReason).toBe('STOP');
      expect(candidate.content.role).toBe('model');
      const parts: GeminiPart[] = candidate.content.parts;
      expect(parts[0]).toEqual({ text: 'Both.' });
      expect(parts[1]?.functionCall).toEqual({ name: 'get_weather', args: { city: 'Paris' } });
      expect(typeof parts[1]?.thoughtSignature).toBe('string');
      expect(JSON.stringify(body)).not.toContain('ignored_by_gemini');
      const usage = body.usageMetadata as Record<string, number>;
      expect(usage.totalTokenCount).toBe(usage.promptTokenCount! + usage.candidatesTokenCount!);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['contents missing', { contents: undefined }, /contents is not specified/],
      [
        'functionResponse without a name',
        {
          contents: [
            ...contents,
            { role: 'user', parts: [{ functionResponse: { response: { ok: true } } }] },
          ],
        },
        /contents\[1\]\.parts\[0\]\.function_response\.name: Name cannot be empty/,
      ],
      [
        'an unknown role',
        { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
        /valid role: user, model/,
      ],
    ])('400 INVALID_ARGUMENT when %s', async (_name, body, message) => {
      const res = await generate('gemini-2.5-flash', 'generateContent', body);
      expect(res.status).toBe(400);
      const error = parse<GeminiErrorBody>(res.text).error;
      expect(error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
      expect(error.message).toMatch(message);
    });

    it('error scenarios use the google.rpc envelope', async () => {
      const fixture = fixtures.gemini.error;
      mock.enqueue({ kind: 'error', status: 429 });
      const res = await generate('gemini-2.5-flash', 'generateContent', {});
      expect(res.status).toBe(429);
      const body = parse<GeminiErrorBody>(res.text);
      expect(keys(body.error)).toEqual(keys(fixture.body.error));
      expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      mock.enqueue({ kind: 'error', status: 503, message: 'busy' });
      expect(parse<unknown>((await generate('gemini-2.5-flash', 'generateContent', {})).text)).toEqual({
        error: { code: 503, message: 'busy', status: 'UNAVAILABLE' },
      });
    });

    it('die_midway on a non-stream call truncates the body', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'abc', afterChunks: 0 });
      const res = await generate('gemini-2.5-flash', 'generateContent', {});
      expect(res.complete).toBe(false);
    });
  });

  describe('countTokens, embeddings, models, auth', () => {
    it('countTokens equals the promptTokenCount of the same request', async () => {
      const counted = parse<{ totalTokens: number }>(
        (await generate('gemini-2.5-flash', 'countTokens', {})).text,
      );
      expect(counted.totalTokens).toBeGreaterThan(0);
      const generated = parse<GeminiResponse>(
        (await generate('gemini-2.5-flash', 'generateContent', {})).text,
      );
      expect(generated.usageMetadata.promptTokenCount).toBe(counted.totalTokens);
      const wrapped = parse<{ totalTokens: number }>(
        (
          await raw(`${mock.url}/models/gemini-2.5-flash:countTokens`, {
            body: { generateContentRequest: { contents } },
          })
        ).text,
      );
      expect(wrapped.totalTokens).toBe(counted.totalTokens);
    });

    it('batchEmbedContents: deterministic vectors, outputDimensionality honoured', async () => {
      const body = {
        requests: [
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'hello' }] },
            outputDimensionality: 8,
          },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'bye' }] } },
        ],
      };
      const res = await raw(`${mock.url}/models/gemini-embedding-001:batchEmbedContents`, { body });
      const json = parse<{ embeddings: Array<{ values: number[] }> }>(res.text);
      expect(json.embeddings.map((e) => e.values.length)).toEqual([8, 3072]);
      const again = parse<unknown>(
        (await raw(`${mock.url}/models/gemini-embedding-001:batchEmbedContents`, { body })).text,
      );
      expect(again).toEqual(json);
      const single = parse<{ embedding: { values: number[] } }>(
        (await raw(`${mock.url}/models/gemini-embedding-001:embedContent`, { body: body.requests[0] })).text,
      );
      expect(single.embedding.values).toEqual(json.embeddings[0]?.values);
    });

    it('lists and gets models; 404 NOT_FOUND for unknown ones', async () => {
      type Model = { name: string; supportedGenerationMethods: string[] };
      const list = parse<{ models: Model[] }>((await raw(`${mock.url}/models`)).text);
      expect(list.models.map((m) => m.name)).toEqual(mock.models.map((m) => `models/${m}`));
      expect(list.models[0]?.supportedGenerationMethods).toContain('generateContent');
      const one = parse<Model>((await raw(`${mock.url}/models/gemini-2.5-pro`)).text);
      expect(one.name).toBe('models/gemini-2.5-pro');
      const missing = await raw(`${mock.url}/models/gemini-nope`);
      expect(missing.status).toBe(404);
      expect(parse<GeminiErrorBody>(missing.text).error.status).toBe('NOT_FOUND');
    });

    it('pages the model list: 50 by default, at most 1000, nextPageToken until the last page', async () => {
      type Page = { models: { name: string }[]; nextPageToken?: string };
      mock.models = Array.from({ length: 1203 }, (_, i) => `gemini-mock-${i}`);
      const first = parse<Page>((await raw(`${mock.url}/models`)).text);
      expect(first.models).toHaveLength(50);
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const query = `pageSize=5000${token ? `&pageToken=${token}` : ''}`;
        const page = parse<Page>((await raw(`${mock.url}/models?${query}`)).text);
        names.push(...page.models.map((m) => m.name));
        token = page.nextPageToken;
        pages += 1;
      } while (token);
      expect(pages).toBe(2);
      expect(names).toEqual(mock.models.map((m) => `models/${m}`));
      const bad = await raw(`${mock.url}/models?pageToken=nonsense`);
      expect(bad.status).toBe(400);
      expect(parse<GeminiErrorBody>(bad.text).error.status).toBe('INVALID_ARGUMENT');
    });

    it('auth by x-goog-api-key or ?key=', async () => {
      const guarded = await startMockProvider('gemini', { apiKey: 'AIza-right' });
      try {
        const url = `${guarded.url}/models/gemini-2.5-flash:generateContent`;
        const none = await raw(url, { body: { contents } });
        expect(none.status).toBe(403);
        expect(parse<GeminiErrorBody>(none.text).error.status).toBe('PERMISSION_DENIED');
        const wrong = await raw(url, { body: { contents }, headers: { 'x-goog-api-key': 'AIza-wrong' } });
        expect(wrong.status).toBe(400);
        expect(parse<GeminiErrorBody>(wrong.text).error.details?.[0]?.reason).toBe('API_KEY_INVALID');
        expect(
          (await raw(url, { body: { contents }, headers: { 'x-goog-api-key': 'AIza-right' } })).status,
        ).toBe(200);
        expect((await raw(`${url}?key=AIza-right`, { body: { contents } })).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });
});
