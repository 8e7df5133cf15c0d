import { randomUUID } from 'node:crypto';
import type { Organization } from '@optscale/database';
import { eventually, startMockProvider, type MockKind, type MockProvider } from '@optscale/testing';
import { RouterHarness } from './__fixtures__/harness';

/*
 * Model discovery against the wire-faithful mock providers: each API type's real list endpoint, its
 * auth header and paging; discovered rows follow the upstream while manual ones stay; a failing or
 * unreachable upstream is a 502 that names the status and never the key.
 */

const KEY = `sk-discovery-${randomUUID()}`;
const manyModels = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);

interface Case {
  apiType: string;
  mock: MockKind;
  models: string[];
  /** Base URL as an operator would paste it, from the mock's URL. */
  baseUrl: (mock: MockProvider) => string;
  apiVersion?: string;
  /** The list requests the mock must have seen, and how each carried the key. */
  expectRequests: (mock: MockProvider) => void;
}

const listRequests = (mock: MockProvider) => mock.received.filter((r) => r.method === 'GET');

const CASES: Case[] = [
  {
    apiType: 'openai',
    mock: 'openai',
    models: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'],
    baseUrl: (m) => m.url,
    expectRequests: (m) => {
      expect(listRequests(m).map((r) => r.path)).toEqual(['/v1/models']);
      expect(listRequests(m)[0]?.headers['authorization']).toBe(`Bearer ${KEY}`);
    },
  },
  {
    apiType: 'openai-compatible',
    mock: 'openai',
    models: ['meta-llama/Llama-3.1-8B-Instruct'],
    baseUrl: (m) => `${m.url}/`,
    expectRequests: (m) => expect(listRequests(m).map((r) => r.path)).toEqual(['/v1/models']),
  },
  {
    // More than one page of 1000: discovery follows has_more/last_id.
    apiType: 'anthropic',
    mock: 'anthropic',
    models: manyModels('claude-mock', 1500),
    baseUrl: (m) => `${m.url}/v1`,
    expectRequests: (m) => {
      const requests = listRequests(m);
      expect(requests).toHaveLength(2);
      expect(requests[1]?.path).toContain('after_id=claude-mock-0999');
      expect(requests[0]?.headers['x-api-key']).toBe(KEY);
      expect(requests[0]?.headers['anthropic-version']).toBe('2023-06-01');
    },
  },
  {
    // More than one page of 1000: discovery follows nextPageToken.
    apiType: 'gemini',
    mock: 'gemini',
    models: manyModels('gemini-mock', 1203),
    baseUrl: (m) => m.url,
    expectRequests: (m) => {
      const requests = listRequests(m);
      expect(requests).toHaveLength(2);
      expect(requests[1]?.path).toContain('pageToken=');
      expect(requests[0]?.headers['x-goog-api-key']).toBe(KEY);
      expect(requests[0]?.path).not.toContain(KEY);
    },
  },
  {
    apiType: 'ollama',
    mock: 'ollama',
    models: ['llama3.2:latest', 'qwen3:8b'],
    baseUrl: (m) => `${m.url}/v1`,
    expectRequests: (m) => expect(listRequests(m).map((r) => r.path)).toEqual(['/api/tags']),
  },
  {
    apiType: 'azure-openai',
    mock: 'azure',
    models: ['gpt-4o', 'text-embedding-3-large'],
    baseUrl: (m) => m.url,
    apiVersion: '2024-10-21',
    expectRequests: (m) => {
      expect(listRequests(m).map((r) => r.path)).toEqual(['/openai/models?api-version=2024-10-21']);
      expect(listRequests(m)[0]?.headers['api-key']).toBe(KEY);
    },
  },
];

describe('router service: model discovery', () => {
  const h = new RouterHarness();
  const mocks: MockProvider[] = [];
  let org: Organization;
  let admin: string;
  const providers = () => `/organizations/${org.id}/providers`;

  const mock = async (kind: MockKind, models: string[], apiKey: string | null = KEY) => {
    const started = await startMockProvider(kind, { models, ...(apiKey ? { apiKey } : {}) });
    mocks.push(started);
    return started;
  };

  beforeAll(async () => {
    await h.start('router_discovery');
    org = await h.organization('Discovery');
    admin = (await h.session(org, 'admin')).token;
  });
  afterAll(async () => {
    await Promise.all(mocks.map((m) => m.close()));
    await h.close();
  });

  it.each(CASES)('discovers the models of $apiType from its list endpoint', async (c) => {
    // A local Ollama has no key; every other mock requires it.
    const upstream = await mock(c.mock, c.models, c.apiType === 'ollama' ? null : KEY);
    const proxyName = `disc-${c.apiType}`;
    const created = await h.request('POST', providers(), admin, {
      name: c.apiType,
      proxy_name: proxyName,
      api_type: c.apiType,
      base_url: c.baseUrl(upstream),
      ...(c.apiType === 'ollama' ? {} : { api_key: KEY }),
      ...(c.apiVersion ? { api_version: c.apiVersion } : {}),
    });
    expect(created.status).toBe(201);
    const res = await h.request('POST', `${providers()}/${created.body.id}/models/discover`, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ added: c.models.length, removed: 0, total: c.models.length });
    expect(res.body.models.map((m: { model: string }) => m.model)).toEqual([...c.models].sort());
    expect(res.body.models.every((m: { source: string }) => m.source === 'discovered')).toBe(true);
    c.expectRequests(upstream);
    await eventually(() =>
      expect(h.latest().get(`${org.id}/${proxyName}`)?.models).toHaveLength(c.models.length),
    );
  });

  it('follows the upstream on rediscovery and never touches manual models', async () => {
    const upstream = await mock('openai', ['gpt-a', 'gpt-b', 'gpt-c']);
    const created = await h.request('POST', providers(), admin, {
      name: 'Follow',
      proxy_name: 'follow',
      api_type: 'openai',
      base_url: upstream.url,
      api_key: KEY,
      models: ['my-finetune', 'gpt-b'],
      discover_models: true,
    });
    expect(created.status).toBe(201);
    expect(created.body.discovery).toEqual({ added: 2, removed: 0, total: 4 });
    const id = created.body.id as string;
    upstream.models = ['gpt-c', 'gpt-d'];
    const again = await h.request('POST', `${providers()}/${id}/models/discover`, admin);
    expect(again.body).toMatchObject({ added: 1, removed: 1, total: 4 });
    expect(again.body.models.map((m: { model: string; source: string }) => `${m.model}:${m.source}`)).toEqual(
      ['gpt-b:manual', 'gpt-c:discovered', 'gpt-d:discovered', 'my-finetune:manual'],
    );
    await eventually(() =>
      expect(h.latest().get(`${org.id}/follow`)?.models).toEqual(['gpt-b', 'gpt-c', 'gpt-d', 'my-finetune']),
    );
    // Manual models are added and removed by hand; a duplicate is a conflict.
    const dup = await h.request('POST', `${providers()}/${id}/models`, admin, { model: 'gpt-c' });
    expect(dup.status).toBe(409);
    expect(dup.body.errors[0].field).toBe('body.model');
    const added = await h.request('POST', `${providers()}/${id}/models`, admin, { model: 'extra' });
    expect(added).toMatchObject({ status: 201, body: { model: 'extra', source: 'manual' } });
    const listed = await h.request(
      'GET',
      `${providers()}/${id}/models?source=manual&sort=model&order=desc`,
      admin,
    );
    expect(listed.body.items.map((m: { model: string }) => m.model)).toEqual([
      'my-finetune',
      'gpt-b',
      'extra',
    ]);
    expect(listed.body.summary).toEqual({ total: 5, discovered: 2, manual: 3 });
    expect((await h.request('DELETE', `${providers()}/${id}/models/${added.body.id}`, admin)).status).toBe(
      204,
    );
    await eventually(() => expect(h.latest().get(`${org.id}/follow`)?.models).not.toContain('extra'));
    expect((await h.request('DELETE', `${providers()}/${id}/models/${added.body.id}`, admin)).status).toBe(
      404,
    );
  });

  it('answers 502 naming the upstream status when the upstream refuses, never the key', async () => {
    const upstream = await mock('anthropic', ['claude-x'], 'the-right-key');
    const created = await h.request('POST', providers(), admin, {
      name: 'Wrong key',
      proxy_name: 'wrong-key',
      api_type: 'anthropic',
      base_url: upstream.url,
      api_key: KEY,
      discover_models: true,
    });
    // Discovery at creation reports its failure; the connection exists anyway.
    expect(created.status).toBe(201);
    expect(created.body.discovery.error).toContain('HTTP 401');
    const res = await h.request('POST', `${providers()}/${created.body.id}/models/discover`, admin);
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('HTTP 401');
    expect(res.text).not.toContain(KEY);
    expect(created.text).not.toContain(KEY);
  });

  it('answers 502 when the upstream is unreachable', async () => {
    const gone = await mock('openai', []);
    const baseUrl = gone.url;
    await gone.close();
    const created = await h.request('POST', providers(), admin, {
      name: 'Gone',
      proxy_name: 'gone',
      api_type: 'openai-compatible',
      base_url: baseUrl,
      api_key: KEY,
    });
    const res = await h.request('POST', `${providers()}/${created.body.id}/models/discover`, admin);
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('could not be reached');
    expect(res.text).not.toContain(KEY);
  });

  it('is for admins only', async () => {
    const { token } = await h.session(org, 'manager');
    const any = (await h.request('GET', providers(), admin)).body.items[0].id as string;
    expect((await h.request('POST', `${providers()}/${any}/models/discover`, token)).status).toBe(403);
    expect((await h.request('POST', `${providers()}/${any}/models`, token, { model: 'x' })).status).toBe(403);
  });
});
