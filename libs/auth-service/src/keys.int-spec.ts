import { hashKey } from '@optscale/gateway-service';
import { Organization, User } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { ensureFirstOrganization } from './first-organization';
import { BOOTSTRAP, PASSWORD, PUBLIC_URL, startAuthApp, type AuthApp } from './__fixtures__/auth-app';

/*
 * Virtual keys and the Connect dialog through the real HTTP API on Postgres: the plaintext leaves
 * once and is stored nowhere, members see only their own keys, and every change reaches the keys
 * topic (revocations as active=false, deletions as tombstones).
 */

type Problem = { errors?: { field: string }[] };
const fields = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  owner: { id: string; email: string };
  allowed_providers: string[] | null;
  active: boolean;
  revoked_at: string | null;
  key?: string;
}

/** Every row of every table of the public schema, as text. */
async function everyRowAsText(t: AuthApp): Promise<string> {
  const tables = await t.dataSource.query<{ table_name: string }[]>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  let out = '';
  for (const { table_name } of tables) {
    const rows = await t.dataSource.query<{ row: string }[]>(`SELECT t::text AS row FROM "${table_name}" t`);
    out += rows.map((r) => r.row).join('\n');
  }
  return out;
}

describe('auth service: virtual keys and Connect (Postgres)', () => {
  let t: AuthApp;
  let org: { id: string; adminToken: string };
  let member: { id: string; token: string };
  let other: { id: string; token: string };
  let created: KeyRow;

  beforeAll(async () => {
    t = await startAuthApp('auth_keys');
    org = await t.organization('Keys Org', 'admin@k.test');
    await t.provider(org.id, 'anthropic', ['claude-haiku-4-5', 'claude-opus-4-1', 'claude-sonnet-4-5']);
    await t.provider(org.id, 'openai', ['gpt-4.1']);
    await t.provider(org.id, 'old', ['legacy-1'], 'inactive');
    member = await t.user(org.id, org.adminToken, 'member@k.test', 'member', {
      allowed_providers: ['anthropic', 'openai', 'old'],
    });
    other = await t.user(org.id, org.adminToken, 'other@k.test', 'member');
  });
  afterAll(() => t?.close());

  const keys = (path = '') => `/organizations/${org.id}/keys${path}`;

  it('returns the plaintext once, stores only its hash, and lists the prefix only', async () => {
    const res = await t.call<KeyRow>('POST', keys(), member.token, {
      name: 'laptop',
      allowed_providers: ['openai'],
    });
    expect(res.status).toBe(201);
    created = res.body;
    const key = created.key!;
    expect(key).toMatch(/^sk-os-[0-9A-Za-z]{10}_[0-9A-Za-z]{32}$/);
    expect(created).toMatchObject({
      name: 'laptop',
      prefix: key.split('_')[0],
      owner: { id: member.id, email: 'member@k.test' },
      allowed_providers: ['openai'],
      active: true,
      revoked_at: null,
    });
    const secret = key.split('_')[1]!;
    const everything = await everyRowAsText(t);
    expect(everything).toContain(hashKey(key));
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(secret);
    const list = await t.call<{ items: KeyRow[] }>('GET', keys(), member.token);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.items.map((k) => k.prefix)).toEqual([created.prefix]);
    expect(list.body.items[0]).not.toHaveProperty('key');
    const get = await t.call<KeyRow>('GET', keys(`/${created.id}`), member.token);
    expect(JSON.stringify(get.body)).not.toContain(secret);
    await eventually(() => {
      const message = t.keyMessages.find((m) => m.key === hashKey(key));
      expect(message?.value).toMatchObject({ keyId: created.id, active: true, allowedProviders: ['openai'] });
    });
  });

  it("keeps a key inside its owner's allowed providers and refuses past expiry dates", async () => {
    const outside = await t.call('POST', keys(), other.token, { name: 'x', allowed_providers: ['openai'] });
    expect(outside.status).toBe(400);
    expect(fields(outside.body)).toEqual(['body.allowed_providers']);
    const unknown = await t.call('POST', keys(), member.token, { name: 'x', allowed_providers: ['nope'] });
    expect(fields(unknown.body)).toEqual(['body.allowed_providers']);
    const past = await t.call('POST', keys(), member.token, {
      name: 'x',
      expires_at: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(fields(past.body)).toEqual(['body.expires_at']);
  });

  it('lets members see and touch only their own keys', async () => {
    const theirs = await t.call<KeyRow>('POST', keys(), other.token, { name: 'other key' });
    expect(theirs.status).toBe(201);
    const mine = await t.call<{ items: KeyRow[]; summary: { total: number } }>('GET', keys(), member.token);
    expect(mine.body.items.every((k) => k.owner.id === member.id)).toBe(true);
    expect(mine.body.summary.total).toBe(mine.body.items.length);
    const probing = await t.call<{ items: KeyRow[] }>('GET', keys(`?owner_id=${other.id}`), member.token);
    expect(probing.body.items).toEqual([]);
    for (const [method, path] of [
      ['GET', keys(`/${theirs.body.id}`)],
      ['PATCH', keys(`/${theirs.body.id}`)],
      ['POST', keys(`/${theirs.body.id}/revoke`)],
      ['DELETE', keys(`/${theirs.body.id}`)],
    ] as const) {
      const res = await t.call(
        method,
        path,
        member.token,
        method === 'PATCH' ? { name: 'mine now' } : undefined,
      );
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 404 });
    }
    const forOther = await t.call('POST', keys(), member.token, { name: 'sneaky', owner_id: other.id });
    expect(forOther.status).toBe(403);
    // The admin sees every key and may create one for anyone.
    const all = await t.call<{ items: KeyRow[] }>('GET', keys(`?owner_id=${other.id}`), org.adminToken);
    expect(all.body.items.map((k) => k.id)).toEqual([theirs.body.id]);
    const forMember = await t.call<KeyRow>('POST', keys(), org.adminToken, {
      name: 'issued',
      owner_id: member.id,
    });
    expect(forMember.body.owner.id).toBe(member.id);
    const search = await t.call<{ items: KeyRow[] }>(
      'GET',
      keys(`?search=${created.prefix}`),
      org.adminToken,
    );
    expect(search.body.items.map((k) => k.id)).toEqual([created.id]);
  });

  it('revokes: active false and revoked_at, published on the keys topic; cannot be reactivated', async () => {
    const res = await t.call<KeyRow>('POST', keys(`/${created.id}/revoke`), member.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, revoked_at: expect.any(String) });
    await eventually(() => {
      const last = t.keyMessages.filter((m) => m.key === hashKey(created.key!)).at(-1);
      expect(last?.value).toMatchObject({ keyId: created.id, active: false });
    });
    const reactivate = await t.call('PATCH', keys(`/${created.id}`), member.token, { active: true });
    expect(reactivate.status).toBe(409);
    const inactive = await t.call<{ items: KeyRow[] }>('GET', keys('?active=false'), member.token);
    expect(inactive.body.items.map((k) => k.id)).toEqual([created.id]);
  });

  it('updates the narrowing and removes it with null, republishing the key', async () => {
    const k = await t.call<KeyRow>('POST', keys(), member.token, {
      name: 'narrow',
      allowed_providers: ['anthropic'],
    });
    const widened = await t.call<KeyRow>('PATCH', keys(`/${k.body.id}`), member.token, {
      allowed_providers: null,
      name: 'wide',
    });
    expect(widened.body).toMatchObject({ name: 'wide', allowed_providers: null });
    await eventually(() => {
      const last = t.keyMessages.filter((m) => m.key === hashKey(k.body.key!)).at(-1);
      expect(last?.value).toMatchObject({ name: 'wide' });
      expect(last?.value).not.toHaveProperty('allowedProviders');
    });
  });

  it("deletes keys, and a deleted user's keys, as tombstones on the keys topic", async () => {
    const k = await t.call<KeyRow>('POST', keys(), member.token, { name: 'temp' });
    expect((await t.call('DELETE', keys(`/${k.body.id}`), member.token)).status).toBe(204);
    await eventually(() => {
      expect(t.keyMessages.filter((m) => m.key === hashKey(k.body.key!)).at(-1)?.value).toBeNull();
    });
    const leaver = await t.user(org.id, org.adminToken, 'leaver@k.test', 'member');
    const lk = await t.call<KeyRow>('POST', keys(), leaver.token, { name: 'leaver key' });
    expect(
      (await t.call('DELETE', `/organizations/${org.id}/users/${leaver.id}`, org.adminToken)).status,
    ).toBe(204);
    await eventually(() => {
      expect(t.keyMessages.filter((m) => m.key === hashKey(lk.body.key!)).at(-1)?.value).toBeNull();
      expect(t.accessMessages.filter((m) => m.key === `${org.id}/${leaver.id}`).at(-1)?.value).toBeNull();
    });
  });

  it('audits key changes without the key or its hash', async () => {
    const res = await t.call<{ items: { action: string; after: unknown; before: unknown }[] }>(
      'GET',
      `/organizations/${org.id}/audit-log?entity_type=virtual_key&limit=500`,
      org.adminToken,
    );
    const actions = new Set(res.body.items.map((i) => i.action));
    for (const a of [
      'virtual_key.create',
      'virtual_key.revoke',
      'virtual_key.update',
      'virtual_key.delete',
    ]) {
      expect(actions).toContain(a);
    }
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(created.key!);
    expect(text).not.toContain(hashKey(created.key!));
    expect(text).not.toContain('sha256:');
  });

  it('gives Connect values: base URLs, active keys by prefix, allowed active models, snippets', async () => {
    const active = await t.call<KeyRow>('POST', keys(), member.token, { name: 'connect' });
    const res = await t.call<{
      organization_id: string;
      base_urls: Record<string, string>;
      keys: { id: string; prefix: string }[];
      key_hint: string;
      models: string[];
      selected_model: string;
      snippets: Record<string, string>;
    }>('GET', '/me/connect?provider=openai', member.token);
    expect(res.status).toBe(200);
    const root = `${PUBLIC_URL}/llm_proxy/${org.id}`;
    expect(res.body.base_urls).toEqual({
      openai: `${root}/v1`,
      anthropic: `${root}/anthropic`,
      cursor: `${root}/cursor`,
    });
    expect(res.body.keys.map((k) => k.id)).toContain(active.body.id);
    expect(res.body.keys.map((k) => k.id)).not.toContain(created.id);
    expect(JSON.stringify(res.body)).not.toContain(active.body.key!.split('_')[1]!);
    expect(res.body.key_hint).toContain(`/api/v1/organizations/${org.id}/keys`);
    expect(res.body.models).toEqual([
      'anthropic/claude-haiku-4-5',
      'anthropic/claude-opus-4-1',
      'anthropic/claude-sonnet-4-5',
      'openai/gpt-4.1',
    ]);
    expect(res.body.selected_model).toBe('openai/gpt-4.1');
    expect(JSON.parse(res.body.snippets['claude_code_settings']!).env).toEqual({
      ANTHROPIC_BASE_URL: `${root}/anthropic`,
      ANTHROPIC_AUTH_TOKEN: '<YOUR_KEY>',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'anthropic/claude-opus-4-1',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'anthropic/claude-sonnet-4-5',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'anthropic/claude-haiku-4-5',
    });
    expect(res.body.snippets['curl']).toContain('"model":"openai/gpt-4.1"');
    expect(JSON.parse(res.body.snippets['opencode']!).provider.optscale.options.baseURL).toBe(`${root}/v1`);
    const refused = await t.call('GET', '/me/connect?provider=old', member.token);
    expect(fields(refused.body)).toEqual(['query.provider']);
    const none = await t.call<{ models: string[]; selected_model: null }>('GET', '/me/connect', other.token);
    expect(none.body).toMatchObject({ models: [], selected_model: null });
    expect((await t.call('GET', '/me/connect', BOOTSTRAP)).status).toBe(403);
  });

  it('creates the first organization only when there is none', async () => {
    const again = await ensureFirstOrganization(t.dataSource, {
      organizationName: 'Default',
      adminEmail: 'x@y.test',
    });
    expect(again.created).toBe(false);
    expect(await t.dataSource.getRepository(Organization).existsBy({ name: 'Default' })).toBe(false);
    await t.dataSource.query('DELETE FROM organizations');
    const first = await ensureFirstOrganization(t.dataSource, {
      organizationName: 'Default',
      adminEmail: 'Root@Y.test',
    });
    expect(first).toMatchObject({
      created: true,
      adminEmail: 'root@y.test',
      adminPassword: expect.any(String),
    });
    const admin = await t.dataSource
      .getRepository(User)
      .findOneByOrFail({ organizationId: first.organizationId });
    expect(admin.role).toBe('admin');
    expect(admin.passwordHash).not.toContain(first.adminPassword!);
    const token = await t.login('root@y.test', first.adminPassword!);
    expect((await t.call('GET', '/me', token)).body).toMatchObject({ user: { role: 'admin' } });
    const given = await ensureFirstOrganization(t.dataSource, {
      organizationName: 'Other',
      adminEmail: 'a@b.test',
      adminPassword: PASSWORD,
    });
    expect(given).toEqual({ created: false, organizationId: first.organizationId, adminEmail: 'a@b.test' });
  });
});
