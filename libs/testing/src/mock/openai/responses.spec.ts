import { raw } from '../../__fixtures__/http';
import { keys, miscFixture, sseData, sseJson } from '../../__fixtures__/wire';
import type { ResponseEvent, ResponseObject } from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const misc = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;
const calls = [
  { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_AbC123' },
  { name: 'get_weather', arguments: { city: 'Tokyo' } },
];

describe('openai mock: responses', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider('openai');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  describe('POST /v1/responses', () => {
    const respond = (body: Record<string, unknown>) =>
      raw(`${mock.url}/responses`, { body: { model: 'gpt-5', input: 'Weather in Paris?', ...body } });

    it('non-stream: matches the fixture shape with a function_call item', async () => {
      const fixture = misc.openai.responses_response_min;
      mock.enqueue({
        kind: 'tool_calls',
        calls: [{ name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_xyz789' }],
        usage: { input: 61, output: 20 },
      });
      const res = await respond({ store: false });
      const body = parse<ResponseObject>(res.text);
      expect(res.status).toBe(200);
      for (const key of Object.keys(fixture)) expect(body).toHaveProperty(key);
      expect(body.id).toMatch(/^resp_[0-9a-f]{48}$/);
      expect(body.status).toBe('completed');
      expect(body.store).toBe(false);
      expect(body.output.map((i) => keys(i))).toEqual(fixture.output.map((i) => keys(i)));
      expect(body.output[0]).toMatchObject({
        type: 'function_call',
        call_id: 'call_xyz789',
        name: 'get_weather',
        status: 'completed',
      });
      expect(body.output[0]?.id).toMatch(/^fc_/);
      expect(parse<unknown>(body.output[0]?.arguments ?? '')).toEqual({ city: 'Paris' });
      expect(body.usage).toEqual(fixture.usage);
    });

    it('stream: the event sequence of a text answer', async () => {
      const res = await respond({ stream: true });
      const events = sseJson(res.text);
      const types = events.map((e) => e.event);
      expect(types).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        ...Array(5).fill('response.output_text.delta'),
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      events.forEach((e, i) => expect(e.json).toMatchObject({ type: e.event, sequence_number: i }));
      const data = sseData<ResponseEvent>(res.text);
      const deltas = data.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta);
      expect(deltas.join('')).toBe('Hello from the mock.');
      const completed = data[data.length - 1]!.response!;
      expect(completed.status).toBe('completed');
      expect(completed.output[0]?.content?.[0]?.text).toBe('Hello from the mock.');
      expect(keys(completed.usage)).toEqual([
        'input_tokens',
        'input_tokens_details',
        'output_tokens',
        'output_tokens_details',
        'total_tokens',
      ]);
      expect(res.text).not.toContain('[DONE]');
    });

    it('stream: function calls and reasoning summaries', async () => {
      mock.enqueue({ kind: 'text', text: 'ok', reasoning: 'hmm' });
      const res = await respond({ stream: true, reasoning: { effort: 'low', summary: 'auto' } });
      const types = sseJson(res.text).map((e) => e.event);
      expect(types.slice(2, 9)).toEqual([
        'response.output_item.added',
        'response.reasoning_summary_part.added',
        'response.reasoning_summary_text.delta',
        'response.reasoning_summary_text.done',
        'response.reasoning_summary_part.done',
        'response.output_item.done',
        'response.output_item.added',
      ]);

      mock.enqueue({ kind: 'tool_calls', calls, argumentChunkSize: 100 });
      const tools = await respond({ stream: true });
      const events = sseJson(tools.text);
      expect(events.map((e) => e.event)).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.output_item.added',
        'response.function_call_arguments.delta',
        'response.function_call_arguments.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const added = events[2]!.json as ResponseEvent;
      expect(added.item).toMatchObject({
        type: 'function_call',
        status: 'in_progress',
        arguments: '',
        call_id: 'call_AbC123',
        name: 'get_weather',
      });
    });

    it('stream: finish length ends with response.incomplete', async () => {
      mock.enqueue({ kind: 'text', text: 'cut off', finish: 'length' });
      const events = sseJson((await respond({ stream: true })).text);
      const last = events[events.length - 1]!;
      expect(last.event).toBe('response.incomplete');
      expect((last.json as ResponseEvent).response?.incomplete_details).toEqual({
        reason: 'max_output_tokens',
      });
    });

    it('stream_error: an error event with the next sequence number', async () => {
      mock.enqueue({ kind: 'stream_error', text: 'abcdefgh', afterChunks: 1 });
      const events = sseJson((await respond({ stream: true })).text);
      const last = events[events.length - 1]!;
      expect(last.event).toBe('error');
      expect(last.json).toMatchObject({
        type: 'error',
        sequence_number: events.length - 1,
        code: 'server_error',
      });
    });
  });
});
