import { raw } from '../../__fixtures__/http';
import { keys, miscFixture, ndjson, readFixture } from '../../__fixtures__/wire';
import type { OllamaLine } from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const fixtures = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;
const fixtureLines = (): OllamaLine[] =>
  ndjson<OllamaLine>(readFixture('ollama_chat_stream_tool_call.ndjson'));
const messages = [{ role: 'user', content: 'Weather in Tokyo?' }];

describe('ollama mock', () => {
  let mock: MockProvider;
  const chat = (body: Record<string, unknown>) =>
    raw(`${mock.url}/api/chat`, { body: { model: 'qwen3:8b', messages, ...body } });

  beforeAll(async () => {
    mock = await startMockProvider('ollama');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  it('serves at the root and answers GET /', async () => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    const res = await raw(`${mock.url}/`);
    expect(res.text).toBe('Ollama is running');
  });

  describe('POST /api/chat', () => {
    it('streams NDJSON by default, shaped like ollama_chat_stream_tool_call.ndjson', async () => {
      const [, fixtureTool, fixtureDone] = fixtureLines();
      mock.enqueue({
        kind: 'tool_calls',
        calls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }],
        usage: { input: 169, output: 15 },
      });
      const res = await chat({ think: true });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-ndjson');
      expect(res.text.endsWith('\n')).toBe(true);
      const lines = ndjson<OllamaLine>(res.text);
      const toolLine = lines.find((l) => l.message.tool_calls)!;
      const last = lines[lines.length - 1]!;
      const call = toolLine.message.tool_calls?.[0];
      expect(keys(toolLine)).toEqual(keys(fixtureTool));
      expect(keys(toolLine.message)).toEqual(keys(fixtureTool?.message));
      expect(keys(call)).toEqual(keys(fixtureTool?.message.tool_calls?.[0]));
      expect(call?.id).toMatch(/^call_[a-z0-9]{8}$/);
      expect(call?.function).toEqual({ index: 0, name: 'get_weather', arguments: { city: 'Tokyo' } });
      expect(keys(last)).toEqual(keys(fixtureDone));
      expect(last).toMatchObject({
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 169,
        eval_count: 15,
        message: { role: 'assistant', content: '' },
      });
      expect(last.total_duration).toBeGreaterThan(last.eval_duration ?? Infinity);
      expect(lines.slice(0, -1).every((l) => l.done === false && l.model === 'qwen3:8b')).toBe(true);
      expect(Number.isNaN(Date.parse(last.created_at))).toBe(false);
    });

    it('streams thinking lines only when think is requested, then content', async () => {
      const scenario = {
        kind: 'text' as const,
        text: 'Rain.',
        chunks: ['Ra', 'in.'],
        reasoning: 'Check sky.',
      };
      mock.enqueue(scenario, scenario);
      const [fixtureThinking] = fixtureLines();
      const thinking = ndjson<OllamaLine>((await chat({ think: true })).text);
      expect(keys(thinking[0]?.message)).toEqual(keys(fixtureThinking?.message));
      expect(thinking.map((l) => l.message.thinking ?? '').join('')).toBe('Check sky.');
      expect(thinking.filter((l) => l.message.content).map((l) => l.message.content)).toEqual(['Ra', 'in.']);
      const plain = ndjson<OllamaLine>((await chat({})).text);
      expect(plain.some((l) => 'thinking' in l.message)).toBe(false);
    });

    it('parallel tool calls arrive whole at increasing function.index', async () => {
      mock.enqueue({
        kind: 'tool_calls',
        calls: [
          { name: 'a', arguments: { x: 1 }, id: 'call_given' },
          { name: 'b', arguments: {} },
        ],
      });
      const lines = ndjson<OllamaLine>((await chat({})).text);
      const tools = lines.flatMap((l) => l.message.tool_calls ?? []);
      expect(tools.map((t) => [t.id === 'call_given', t.function.index, t.function.name])).toEqual([
        [true, 0, 'a'],
        [false, 1, 'b'],
      ]);
      expect(lines[lines.length - 1]?.done_reason).toBe('stop');
    });

    it('stream: false answers one JSON object; finish length → done_reason length', async () => {
      mock.enqueue({
        kind: 'text',
        text: 'cut',
        finish: 'length',
        usage: { input: 0, output: 3, cacheRead: 50 },
      });
      const res = await chat({ stream: false });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = parse<OllamaLine>(res.text);
      expect(body).toMatchObject({
        message: { role: 'assistant', content: 'cut' },
        done: true,
        done_reason: 'length',
        eval_count: 3,
      });
      // Fully cached prompt: nothing evaluated, so prompt_eval_count is omitted.
      expect(body).not.toHaveProperty('prompt_eval_count');
    });

    it('accepts the fixture request (images, tools, options) and a tool result message', async () => {
      const request = fixtures.ollama.api_chat_request;
      const res = await raw(`${mock.url}/api/chat`, {
        body: { ...request, messages: [...request.messages, fixtures.ollama.api_chat_tool_result_message] },
      });
      expect(res.status).toBe(200);
      expect(ndjson<OllamaLine>(res.text).length).toBeGreaterThan(1);
    });

    it('no messages: just loads the model', async () => {
      const body = parse<OllamaLine>(
        (await raw(`${mock.url}/api/chat`, { body: { model: 'qwen3:8b' } })).text,
      );
      expect(body).toMatchObject({ done: true, done_reason: 'load' });
    });

    it('die_midway: the stream stops after N lines without the done line', async () => {
      mock.enqueue({ kind: 'die_midway', text: 'one two three four', afterChunks: 2 });
      const res = await chat({});
      expect(res.complete).toBe(false);
      const lines = ndjson<OllamaLine>(res.text);
      expect(lines).toHaveLength(2);
      expect(lines.every((l) => l.done === false)).toBe(true);
    });

    it('stream_error: an {"error"} line while the status stays 200', async () => {
      mock.enqueue({ kind: 'stream_error', text: 'one two three four', afterChunks: 1 });
      const res = await chat({});
      expect(res.status).toBe(200);
      const text = res.text.split('\n').filter(Boolean);
      expect(text).toHaveLength(2);
      expect(`${text[1]}\n`).toBe(fixtures.ollama.mid_stream_error_ndjson_line);
    });

    it('error scenarios: {"error": "..."} with the status', async () => {
      const fixture = fixtures.ollama.error_json;
      mock.enqueue(
        { kind: 'error', status: 404 },
        { kind: 'error', status: 429, message: 'slow down', headers: { 'retry-after': '1' } },
      );
      const notFound = await raw(`${mock.url}/api/chat`, { body: { model: 'llama9', messages } });
      expect(notFound.status).toBe(404);
      expect(parse<unknown>(notFound.text)).toEqual(fixture.body);
      const limited = await chat({});
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('1');
      expect(parse<unknown>(limited.text)).toEqual({ error: 'slow down' });
    });

    it('400 when the model is missing', async () => {
      const res = await raw(`${mock.url}/api/chat`, { body: { messages } });
      expect(res.status).toBe(400);
      expect(parse<unknown>(res.text)).toEqual({ error: 'model is required' });
    });
  });

  describe('embed, tags, auth', () => {
    it('/api/embed: one deterministic vector per input', async () => {
      const body = { model: 'nomic-embed-text', input: ['a', 'b'] };
      type Embed = { embeddings: number[][] };
      const res = parse<Embed>((await raw(`${mock.url}/api/embed`, { body })).text);
      expect(keys(res)).toEqual([
        'embeddings',
        'load_duration',
        'model',
        'prompt_eval_count',
        'total_duration',
      ]);
      expect(res.embeddings).toHaveLength(2);
      expect(res.embeddings[0]).toHaveLength(768);
      expect(parse<Embed>((await raw(`${mock.url}/api/embed`, { body })).text).embeddings).toEqual(
        res.embeddings,
      );
      const single = parse<Embed>(
        (await raw(`${mock.url}/api/embed`, { body: { model: 'm', input: 'a' } })).text,
      );
      expect(single.embeddings[0]).toEqual(res.embeddings[0]);
    });

    it('/api/tags lists the models', async () => {
      mock.models = ['qwen3:8b'];
      const res = parse<{ models: Array<{ digest: string }> }>((await raw(`${mock.url}/api/tags`)).text);
      expect(res.models).toHaveLength(1);
      expect(res.models[0]).toMatchObject({
        name: 'qwen3:8b',
        model: 'qwen3:8b',
        details: { family: 'qwen', parameter_size: '8B' },
      });
      expect(res.models[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
    });

    it('unknown routes: plain-text 404', async () => {
      const res = await raw(`${mock.url}/api/nope`);
      expect(res.status).toBe(404);
      expect(res.text).toBe('404 page not found');
    });

    it('401 {"error":"unauthorized"} without the configured bearer key', async () => {
      const guarded = await startMockProvider('ollama', { apiKey: 'ollama-key' });
      try {
        const denied = await raw(`${guarded.url}/api/tags`);
        expect(denied.status).toBe(401);
        expect(parse<unknown>(denied.text)).toEqual({ error: 'unauthorized' });
        expect(
          (await raw(`${guarded.url}/api/tags`, { headers: { authorization: 'Bearer ollama-key' } })).status,
        ).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });
});
