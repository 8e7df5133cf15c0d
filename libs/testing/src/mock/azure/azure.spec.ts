import { raw } from '../../__fixtures__/http';
import { startMockProvider } from '../server';
import type { MockProvider } from '../types';

describe('azure mock', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider('azure', {
      apiKey: 'azure-right',
      models: ['gpt-4o', 'text-embedding-3-small'],
    });
  });
  afterAll(() => mock.close());

  it("lists the resource's models in Azure's shape under /openai/models?api-version=", async () => {
    const res = await raw(`${mock.url}/openai/models?api-version=2024-10-21`, {
      headers: { 'api-key': 'azure-right' },
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as {
      object: string;
      data: { id: string; created_at: number; capabilities: { embeddings: boolean } }[];
    };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['gpt-4o', 'text-embedding-3-small']);
    expect(body.data[1]?.capabilities.embeddings).toBe(true);
    expect(typeof body.data[0]?.created_at).toBe('number');
  });

  it('answers 404 without api-version and 401 with a wrong key', async () => {
    const noVersion = await raw(`${mock.url}/openai/models`, { headers: { 'api-key': 'azure-right' } });
    expect(noVersion.status).toBe(404);
    const wrongKey = await raw(`${mock.url}/openai/models?api-version=2024-10-21`, {
      headers: { 'api-key': 'azure-wrong' },
    });
    expect(wrongKey.status).toBe(401);
  });
});
