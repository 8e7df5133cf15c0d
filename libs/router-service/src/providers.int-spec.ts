import { randomUUID } from 'node:crypto';
import { AuditLog, decryptSecret, type Organization, type User } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { BOOTSTRAP, RouterHarness, type ApiResponse } from './__fixtures__/harness';

/*
 * Provider connections through the real HTTP server on a real Postgres: access (bootstrap token,
 * sessions, roles, AI Access visibility, other organizations), validation, the immutable proxy
 * name, credentials (never returned, stored only encrypted), and the snapshots gateways receive.
 */

const OPENAI_KEY = `sk-proj-${randomUUID()}`;
const ANTHROPIC_KEY = `sk-ant-api03-${randomUUID()}`;
const ROTATED_KEY = `sk-proj-rotated-${randomUUID()}`;
const ALL_KEYS = [OPENAI_KEY, ANTHROPIC_KEY, ROTATED_KEY];

describe('router service: providers', () => {
  const h = new RouterHarness();
  let orgA: Organization;
  let orgB: Organization;
  let admin: string;
  let manager: string;
  let member: string;
  let memberUser: User;
  let adminB: string;
  let openaiId: string;
  let anthropicId: string;

  const providersOf = (org: Organization) => `/organizations/${org.id}/providers`;

  beforeAll(async () => {
    await h.start('router_providers');
    orgA = await h.organization('A');
    orgB = await h.organization('B');
    admin = (await h.session(orgA, 'admin')).token;
    manager = (await h.session(orgA, 'manager')).token;
    ({ token: member, user: memberUser } = await h.session(orgA, 'member'));
    adminB = (await h.session(orgB, 'admin')).token;
  });
  afterAll(() => h.close());

  it('answers 401 without a token', async () => {
    const res = await h.request('GET', providersOf(orgA), undefined);
    expect(res.status).toBe(401);
  });

  it('creates a provider with the bootstrap token: public base URL by default, credential encrypted', async () => {
    const res = await h.request('POST', providersOf(orgA), BOOTSTRAP, {
      name: 'OpenAI prod',
      proxy_name: 'openai-prod',
      api_type: 'openai',
      api_key: OPENAI_KEY,
      description: 'main account',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'OpenAI prod',
      proxy_name: 'openai-prod',
      api_type: 'openai',
      base_url: 'https://api.openai.com/v1',
      status: 'active',
      position: 0,
      has_credential: true,
      model_count: 0,
      models: [],
    });
    expect(res.body).not.toHaveProperty('api_key');
    openaiId = res.body.id;
    const snapshot = await eventually(() => {
      const value = h.latest().get(`${orgA.id}/openai-prod`);
      expect(value).toBeDefined();
      return value!;
    });
    expect(snapshot).toMatchObject({ id: openaiId, status: 'active', apiType: 'openai', models: [] });
    expect(decryptSecret(snapshot.credential!, h.keyring, { aad: `provider:${openaiId}` })).toBe(OPENAI_KEY);
  });

  it('creates with an admin session, with manual models, positioned after the others', async () => {
    const res = await h.request('POST', providersOf(orgA), admin, {
      name: 'Anthropic',
      proxy_name: 'anthropic',
      api_type: 'anthropic',
      api_key: ANTHROPIC_KEY,
      models: ['claude-sonnet-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ base_url: 'https://api.anthropic.com', position: 1, model_count: 2 });
    expect(res.body.models.map((m: { model: string; source: string }) => [m.model, m.source])).toEqual([
      ['claude-haiku-4-5', 'manual'],
      ['claude-sonnet-4-5', 'manual'],
    ]);
    anthropicId = res.body.id;
    await eventually(() =>
      expect(h.latest().get(`${orgA.id}/anthropic`)?.models).toEqual([
        'claude-haiku-4-5',
        'claude-sonnet-4-5',
      ]),
    );
    const audit = await h.dataSource.getRepository(AuditLog).findOneByOrFail({ entityId: anthropicId });
    expect(audit).toMatchObject({ action: 'provider.create', organizationId: orgA.id });
  });

  it('needs a base URL where there is no public one, and an api_version for Azure', async () => {
    const azure = await h.request('POST', providersOf(orgA), admin, {
      name: 'Azure',
      proxy_name: 'azure',
      api_type: 'azure-openai',
    });
    expect(azure.status).toBe(400);
    expect(azure.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.api_version',
      'body.base_url',
    ]);
    const compatible = await h.request('POST', providersOf(orgA), admin, {
      name: 'vLLM',
      proxy_name: 'vllm',
      api_type: 'openai-compatible',
      api_version: '2024-10-21',
    });
    expect(compatible.status).toBe(400);
    expect(compatible.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.api_version',
      'body.base_url',
    ]);
    const ok = await h.request('POST', providersOf(orgA), admin, {
      name: 'Azure',
      proxy_name: 'azure',
      api_type: 'azure-openai',
      base_url: 'https://acme.openai.azure.com/',
      api_version: '2024-10-21',
      status: 'inactive',
      description: 'EU resource',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      base_url: 'https://acme.openai.azure.com',
      api_version: '2024-10-21',
      has_credential: false,
    });
  });

  it('answers malformed bodies with 400 naming every field', async () => {
    const res = await h.request('POST', providersOf(orgA), admin, {
      name: '',
      proxy_name: 'Not URL safe!',
      api_type: 'bedrock-ish',
      base_url: 'ftp://x',
      models: [''],
      discover_models: 'yes',
    });
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual([
      'body.api_type',
      'body.base_url',
      'body.discover_models',
      'body.models.0',
      'body.name',
      'body.proxy_name',
    ]);
    const noBody = await h.request('POST', providersOf(orgA), admin);
    expect(noBody.status).toBe(400);
    const badQuery = await h.request('GET', `${providersOf(orgA)}?limit=0&sort=secret&status=gone`, admin);
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.limit',
      'query.sort',
      'query.status.0',
    ]);
  });

  it('refuses a taken proxy name with 409 naming body.proxy_name', async () => {
    const res = await h.request('POST', providersOf(orgA), admin, {
      name: 'Second',
      proxy_name: 'openai-prod',
      api_type: 'openai',
    });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      { field: 'body.proxy_name', message: expect.stringContaining('openai-prod') },
    ]);
    // Another organization may use the same proxy name.
    const other = await h.request('POST', providersOf(orgB), adminB, {
      name: 'B openai',
      proxy_name: 'openai-prod',
      api_type: 'openai',
    });
    expect(other.status).toBe(201);
  });

  it('lets a member see only the providers in their AI Access, and not create', async () => {
    await h.allow(memberUser, anthropicId);
    const list = await h.request('GET', providersOf(orgA), member);
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([anthropicId]);
    expect(list.body.summary).toEqual({ total: 1, active: 1, inactive: 0, api_types: 1 });
    expect((await h.request('GET', `${providersOf(orgA)}/${anthropicId}`, member)).status).toBe(200);
    expect((await h.request('GET', `${providersOf(orgA)}/${openaiId}`, member)).status).toBe(404);
    expect((await h.request('GET', `${providersOf(orgA)}/${openaiId}/models`, member)).status).toBe(404);
    const models = await h.request('GET', `${providersOf(orgA)}/${anthropicId}/models`, member);
    expect(models.body).toMatchObject({ total: 2, summary: { total: 2, manual: 2, discovered: 0 } });
    const create = await h.request('POST', providersOf(orgA), member, {
      name: 'x',
      proxy_name: 'x',
      api_type: 'openai',
    });
    expect(create.status).toBe(403);
    expect((await h.request('DELETE', `${providersOf(orgA)}/${anthropicId}`, member)).status).toBe(403);
  });

  it('lets a manager see every provider but not change them', async () => {
    const list = await h.request('GET', providersOf(orgA), manager);
    expect(list.body.total).toBe(3);
    expect(list.body.summary).toEqual({ total: 3, active: 2, inactive: 1, api_types: 3 });
    const patch = await h.request('PATCH', `${providersOf(orgA)}/${openaiId}`, manager, { name: 'x' });
    expect(patch.status).toBe(403);
  });

  it('hides one organization from the admin of another (404), and unknown organizations', async () => {
    expect((await h.request('GET', providersOf(orgA), adminB)).status).toBe(404);
    expect((await h.request('GET', `${providersOf(orgA)}/${openaiId}`, adminB)).status).toBe(404);
    const create = await h.request('POST', providersOf(orgA), adminB, {
      name: 'x',
      proxy_name: 'x',
      api_type: 'openai',
    });
    expect(create.status).toBe(404);
    // The bootstrap token passes the guard for any id; the organization must still exist.
    const ghost = `/organizations/${randomUUID()}/providers`;
    expect((await h.request('GET', ghost, BOOTSTRAP)).status).toBe(404);
    expect(
      (await h.request('POST', ghost, BOOTSTRAP, { name: 'x', proxy_name: 'x', api_type: 'openai' })).status,
    ).toBe(404);
    // A provider of organization B through organization A's path is not found either.
    const bProvider = (await h.request('GET', providersOf(orgB), adminB)).body.items[0].id as string;
    expect((await h.request('GET', `${providersOf(orgA)}/${bProvider}`, admin)).status).toBe(404);
  });

  it('filters, searches, sorts and pages the list', async () => {
    const get = async (query: string): Promise<ApiResponse['body']> =>
      (await h.request('GET', `${providersOf(orgA)}?${query}`, admin)).body;
    expect((await get('status=inactive')).items.map((p: { proxy_name: string }) => p.proxy_name)).toEqual([
      'azure',
    ]);
    expect(
      (await get('api_type=openai,anthropic&sort=name&order=asc')).items.map((p: { name: string }) => p.name),
    ).toEqual(['Anthropic', 'OpenAI prod']);
    expect((await get('search=EU%20RESOURCE')).total).toBe(1);
    expect((await get('search=api.anthropic.com')).items[0].proxy_name).toBe('anthropic');
    expect((await get('search=100%25')).total).toBe(0);
    const page = await get('sort=position&order=asc&limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1, summary: { total: 3 } });
    expect(page.items.map((p: { proxy_name: string }) => p.proxy_name)).toEqual(['anthropic']);
    expect(page.items[0]).toMatchObject({ model_count: 2, has_credential: true });
  });

  it('keeps the proxy name immutable', async () => {
    const res = await h.request('PATCH', `${providersOf(orgA)}/${openaiId}`, admin, {
      proxy_name: 'renamed',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'body.proxy_name', message: expect.stringContaining('<proxy_name>/<model>') },
    ]);
    // The unchanged value (a client sending the object back) is accepted.
    const same = await h.request('PATCH', `${providersOf(orgA)}/${openaiId}`, admin, {
      proxy_name: 'openai-prod',
      name: 'OpenAI',
    });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ proxy_name: 'openai-prod', name: 'OpenAI' });
  });

  it('replaces, keeps and removes the credential; deactivation is published', async () => {
    const path = `${providersOf(orgA)}/${openaiId}`;
    const replaced = await h.request('PATCH', path, admin, { api_key: ROTATED_KEY });
    expect(replaced.body.has_credential).toBe(true);
    await eventually(() => {
      const credential = h.latest().get(`${orgA.id}/openai-prod`)?.credential;
      expect(decryptSecret(credential!, h.keyring, { aad: `provider:${openaiId}` })).toBe(ROTATED_KEY);
    });
    const kept = await h.request('PATCH', path, admin, { status: 'inactive', description: null });
    expect(kept.body).toMatchObject({ has_credential: true, status: 'inactive', description: null });
    await eventually(() => expect(h.latest().get(`${orgA.id}/openai-prod`)?.status).toBe('inactive'));
    const removed = await h.request('PATCH', path, admin, { api_key: null });
    expect(removed.body.has_credential).toBe(false);
    await eventually(() => expect(h.latest().get(`${orgA.id}/openai-prod`)?.credential).toBeNull());
    const restored = await h.request('PATCH', path, admin, { api_key: OPENAI_KEY, status: 'active' });
    expect(restored.body).toMatchObject({ has_credential: true, status: 'active' });
    const bad = await h.request('PATCH', path, admin, { api_type: 'azure-openai' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.api_version']);
  });

  it('deletes a provider: 204, a tombstone for gateways, then 404', async () => {
    const created = await h.request('POST', providersOf(orgA), admin, {
      name: 'Temp',
      proxy_name: 'temp',
      api_type: 'gemini',
      api_key: ROTATED_KEY,
    });
    expect(created.body.base_url).toBe('https://generativelanguage.googleapis.com/v1beta');
    const key = `${orgA.id}/temp`;
    await eventually(() => expect(h.latest().has(key)).toBe(true));
    const res = await h.request('DELETE', `${providersOf(orgA)}/${created.body.id}`, admin);
    expect(res.status).toBe(204);
    await eventually(() => expect(h.published.at(-1)).toEqual({ key, value: null }));
    expect(h.latest().has(key)).toBe(false);
    expect((await h.request('GET', `${providersOf(orgA)}/${created.body.id}`, admin)).status).toBe(404);
    expect((await h.request('DELETE', `${providersOf(orgA)}/${created.body.id}`, admin)).status).toBe(404);
  });

  it('never returns a credential, and stores it only encrypted', async () => {
    expect(h.responses.length).toBeGreaterThan(20);
    for (const text of h.responses) for (const key of ALL_KEYS) expect(text).not.toContain(key);
    const stored = await h.databaseText();
    expect(stored).toContain('provider.create');
    for (const key of ALL_KEYS) expect(stored).not.toContain(key);
    expect(h.published.some((m) => m.key.startsWith('invalid'))).toBe(false);
  });
});
