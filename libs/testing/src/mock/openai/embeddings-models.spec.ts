import { raw } from '../../__fixtures__/http';
import { keys, miscFixture } from '../../__fixtures__/wire';
import type { EmbeddingList, ModelList, OpenAIErrorBody } from '../../__fixtures__/wire-types';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

const misc = miscFixture();
const parse = <T>(text: string): T => JSON.parse(text) as T;

describe('openai mock: embeddings, models, auth', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider('openai');
  });
  afterAll(() => mock.close());
  beforeEach(() => mock.reset());

  describe('POST /v1/embeddings', () => {
    const embeddings = (body: Record<string, unknown>) =>
      raw(`${mock.url}/embeddings`, {
        body: { model: 'text-embedding-3-small', input: ['hello world', 'goodbye'], ...body },
      });

    it('matches the fixture shape with deterministic vectors', async () => {
      const fixture = misc.openai.embeddings_response;
      const body = parse<EmbeddingList>((await embeddings({ encoding_format: 'float', dimensions: 4 })).text);
      expect(keys(body)).toEqual(keys(fixture));
      expect(body.data.map((d) => keys(d))).toEqual(fixture.data.map((d) => keys(d)));
      expect(body.data[0]?.embedding).toHaveLength(4);
      expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
      const again = parse<EmbeddingList>(
        (await embeddings({ encoding_format: 'float', dimensions: 4 })).text,
      );
      expect(again.data).toEqual(body.data);
      expect(body.data[0]?.embedding).not.toEqual(body.data[1]?.embedding);
      const norm = Math.hypot(...(body.data[0]?.embedding as number[]));
      expect(norm).toBeCloseTo(1, 5);
    });

    it('base64 is little-endian float32 of the same vectors', async () => {
      const floats = parse<EmbeddingList>((await embeddings({})).text);
      const b64 = parse<EmbeddingList>((await embeddings({ encoding_format: 'base64' })).text);
      expect(floats.data[0]?.embedding).toHaveLength(1536);
      const buf = Buffer.from(b64.data[0]?.embedding as string, 'base64');
      const decoded = Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
      expect(decoded).toEqual(floats.data[0]?.embedding);
    });

    it('400 without input or with an empty string', async () => {
      expect((await embeddings({ input: undefined })).status).toBe(400);
      expect((await embeddings({ input: ['ok', ''] })).status).toBe(400);
    });
  });

  describe('models and auth', () => {
    it('lists and retrieves models in the OpenAI shape, 404 envelope when unknown', async () => {
      const fixture = misc.openai.models_list;
      mock.models = ['gpt-4o-2024-08-06', 'text-embedding-3-small'];
      const list = parse<ModelList>((await raw(`${mock.url}/models`)).text);
      expect(keys(list)).toEqual(keys(fixture));
      expect(list.data.map((m) => keys(m))).toEqual(fixture.data.map((m) => keys(m)));
      expect(list.data.map((m) => m.id)).toEqual(mock.models);
      const one = await raw(`${mock.url}/models/gpt-4o-2024-08-06`);
      expect(parse<unknown>(one.text)).toMatchObject({ id: 'gpt-4o-2024-08-06', object: 'model' });
      const missing = await raw(`${mock.url}/models/gpt-nope`);
      expect(missing.status).toBe(404);
      expect(parse<OpenAIErrorBody>(missing.text).error).toMatchObject({
        code: 'model_not_found',
        type: 'invalid_request_error',
      });
    });

    it('401 without or with a wrong key when apiKey is set', async () => {
      const guarded = await startMockProvider('openai', { apiKey: 'sk-right-key-123456' });
      try {
        const none = await raw(`${guarded.url}/models`);
        expect(none.status).toBe(401);
        expect(parse<OpenAIErrorBody>(none.text).error.message).toMatch(/didn't provide an API key/);
        const wrong = await raw(`${guarded.url}/models`, {
          headers: { authorization: 'Bearer sk-wrong-key-999999' },
        });
        expect(wrong.status).toBe(401);
        expect(parse<OpenAIErrorBody>(wrong.text).error.code).toBe('invalid_api_key');
        const ok = await raw(`${guarded.url}/models`, {
          headers: { authorization: 'Bearer sk-right-key-123456' },
        });
        expect(ok.status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });
});
