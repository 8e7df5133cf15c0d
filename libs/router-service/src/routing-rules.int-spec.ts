import { randomUUID } from 'node:crypto';
import type { Subscription } from '@optscale/bus';
import type { RoutingRuleSnapshot } from '@optscale/contracts';
import { AuditLog, Team, type Organization } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { RouterHarness } from './__fixtures__/harness';

/*
 * Routing rules through the real HTTP server on a real Postgres: validation the schemas cannot do
 * (CEL, scope, providers), roles and organizations, the list, and the `optscale.config.routes.v1`
 * snapshots gateways receive on create, update, disable and delete.
 */

describe('router service: routing rules', () => {
  const h = new RouterHarness();
  const routes: { key: string; value: RoutingRuleSnapshot | null }[] = [];
  let subscription: Subscription;
  let org: Organization;
  let other: Organization;
  let admin: string;
  let manager: string;
  let member: string;
  let adminOther: string;
  let team: Team;
  let otherTeam: Team;
  const rules = (o: Organization = org) => `/organizations/${o.id}/routing-rules`;
  const latest = (key: string) => {
    let value: RoutingRuleSnapshot | null | undefined;
    for (const m of routes) if (m.key === key) value = m.value;
    return value;
  };
  const valid = {
    name: 'smart to claude',
    condition: 'request_type == "chat_completion"',
    scope: 'organization',
    priority: 10,
    models: ['smart'],
    targets: [
      { provider: 'openai', model: 'gpt-4o', weight: 3 },
      { provider: 'anthropic', weight: 1 },
    ],
    fallbacks: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }],
    retry: { max_retries: 2, initial_backoff_ms: 100, max_backoff_ms: 1000 },
  };

  beforeAll(async () => {
    await h.start('router_rules');
    subscription = await h.bus.subscribe(
      'optscale.config.routes.v1',
      (m) => void routes.push({ key: m.key, value: m.value }),
      { onInvalid: (m) => void routes.push({ key: `invalid: ${m.error}`, value: null }) },
    );
    org = await h.organization('Rules');
    other = await h.organization('Other');
    admin = (await h.session(org, 'admin')).token;
    manager = (await h.session(org, 'manager')).token;
    member = (await h.session(org, 'member')).token;
    adminOther = (await h.session(other, 'admin')).token;
    team = await h.dataSource.getRepository(Team).save({ organizationId: org.id, name: 'platform' });
    otherTeam = await h.dataSource.getRepository(Team).save({ organizationId: other.id, name: 'platform' });
    for (const proxy of ['openai', 'anthropic']) {
      const res = await h.request('POST', `/organizations/${org.id}/providers`, admin, {
        name: proxy,
        proxy_name: proxy,
        api_type: proxy,
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await subscription?.close();
    await h.close();
  });

  it('creates a rule, audits it and publishes its snapshot', async () => {
    const res = await h.request('POST', rules(), admin, { ...valid, description: 'aliases' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...valid,
      description: 'aliases',
      enabled: true,
      scope_id: null,
      targets: [
        { provider: 'openai', model: 'gpt-4o', weight: 3 },
        { provider: 'anthropic', weight: 1 },
      ],
    });
    const key = `${org.id}/${res.body.id}`;
    const snapshot = await eventually(() => {
      const value = latest(key);
      expect(value).toBeTruthy();
      return value!;
    });
    expect(snapshot).toEqual({
      id: res.body.id,
      organizationId: org.id,
      name: 'smart to claude',
      description: 'aliases',
      enabled: true,
      condition: 'request_type == "chat_completion"',
      scope: 'organization',
      scopeId: null,
      priority: 10,
      models: ['smart'],
      targets: [
        { provider: 'openai', model: 'gpt-4o', weight: 3 },
        { provider: 'anthropic', weight: 1 },
      ],
      fallbacks: [{ provider: 'anthropic', model: 'claude-haiku-4-5' }],
      retry: { maxRetries: 2, initialBackoffMs: 100, maxBackoffMs: 1000 },
    });
    const audit = await h.dataSource.getRepository(AuditLog).findOneByOrFail({ entityId: res.body.id });
    expect(audit.action).toBe('routing_rule.create');
  });

  it('refuses a condition that does not compile, naming body.condition', async () => {
    const res = await h.request('POST', rules(), admin, { ...valid, name: 'bad', condition: 'model ==' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.condition', message: expect.any(String) }]);
  });

  it('refuses unknown providers in targets and fallbacks, naming each', async () => {
    const res = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'ghosts',
      targets: [
        { provider: 'openai', weight: 1 },
        { provider: 'ghost', weight: 1 },
      ],
      fallbacks: [{ provider: 'phantom' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'body.targets.1.provider',
      'body.fallbacks.0.provider',
    ]);
    expect(res.body.errors[0].message).toContain('ghost');
  });

  it('checks the schema: at least one target, weights above 0, retry bounds', async () => {
    const res = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'schema',
      targets: [],
      retry: { max_retries: 11, initial_backoff_ms: 0, max_backoff_ms: 0 },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.retry.max_retries',
      'body.targets',
    ]);
    const weight = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'weight',
      targets: [{ provider: 'openai', weight: 0 }],
    });
    expect(weight.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.targets.0.weight']);
    const backoff = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'backoff',
      retry: { max_retries: 1, initial_backoff_ms: 500, max_backoff_ms: 100 },
    });
    expect(backoff.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.retry.max_backoff_ms']);
  });

  it('needs a scope id of the same organization for team and key scopes', async () => {
    const missing = await h.request('POST', rules(), admin, { ...valid, name: 'team', scope: 'team' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.scope_id']);
    const foreign = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'team',
      scope: 'team',
      scope_id: otherTeam.id,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.scope_id']);
    const key = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'key',
      scope: 'key',
      scope_id: randomUUID(),
    });
    expect(key.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.scope_id']);
    const org = await h.request('POST', rules(), admin, { ...valid, name: 'org', scope_id: team.id });
    expect(org.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.scope_id']);
    const ok = await h.request('POST', rules(), admin, {
      ...valid,
      name: 'team',
      scope: 'team',
      scope_id: team.id,
      priority: 1,
      enabled: false,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ scope: 'team', scope_id: team.id, enabled: false });
  });

  it('refuses a taken name with 409 naming body.name', async () => {
    const res = await h.request('POST', rules(), admin, valid);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ field: 'body.name', message: expect.stringContaining(valid.name) }]);
    const elsewhere = await h.request('POST', rules(other), adminOther, {
      ...valid,
      targets: [{ provider: 'openai', weight: 1 }],
      fallbacks: [],
    });
    // Another organization may use the name, but has no provider "openai".
    expect(elsewhere.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.targets.0.provider']);
  });

  it('lets managers read, not write; members neither; other organizations see 404', async () => {
    expect((await h.request('GET', rules(), manager)).status).toBe(200);
    expect((await h.request('POST', rules(), manager, { ...valid, name: 'm' })).status).toBe(403);
    expect((await h.request('GET', rules(), member)).status).toBe(403);
    expect((await h.request('GET', rules(), adminOther)).status).toBe(404);
    const id = (await h.request('GET', rules(), admin)).body.items[0].id as string;
    expect((await h.request('GET', `${rules(other)}/${id}`, adminOther)).status).toBe(404);
    expect((await h.request('DELETE', `${rules()}/${id}`, member)).status).toBe(403);
  });

  it('filters, searches and sorts the list, with a summary', async () => {
    const list = await h.request('GET', rules(), manager);
    expect(list.body.items.map((r: { name: string }) => r.name)).toEqual(['team', 'smart to claude']);
    expect(list.body.summary).toEqual({ total: 2, enabled: 1, disabled: 1 });
    const enabled = await h.request('GET', `${rules()}?enabled=true`, manager);
    expect(enabled.body.items.map((r: { name: string }) => r.name)).toEqual(['smart to claude']);
    const scoped = await h.request('GET', `${rules()}?scope=team,key`, manager);
    expect(scoped.body.total).toBe(1);
    const search = await h.request('GET', `${rules()}?search=CHAT_COMPLETION&sort=name&order=desc`, manager);
    expect(search.body.items.map((r: { name: string }) => r.name)).toEqual(['team', 'smart to claude']);
    const bad = await h.request('GET', `${rules()}?sort=weight&scope=global`, manager);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'query.scope.0',
      'query.sort',
    ]);
  });

  it('publishes updates, disabling, and a tombstone on delete', async () => {
    const id = (await h.request('GET', `${rules()}?search=smart`, admin)).body.items[0].id as string;
    const key = `${org.id}/${id}`;
    const patched = await h.request('PATCH', `${rules()}/${id}`, admin, {
      priority: 5,
      retry: null,
      condition: 'model.startsWith("gpt")',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ priority: 5, retry: null, name: 'smart to claude' });
    await eventually(() =>
      expect(latest(key)).toMatchObject({ priority: 5, condition: 'model.startsWith("gpt")' }),
    );
    expect(latest(key)).not.toHaveProperty('retry');
    const badPatch = await h.request('PATCH', `${rules()}/${id}`, admin, { condition: ')(' });
    expect(badPatch.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.condition']);
    const disabled = await h.request('PATCH', `${rules()}/${id}`, admin, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    await eventually(() => expect(latest(key)?.enabled).toBe(false));
    const renamed = await h.request('PATCH', `${rules()}/${id}`, admin, { name: 'team' });
    expect(renamed.status).toBe(409);
    expect((await h.request('DELETE', `${rules()}/${id}`, admin)).status).toBe(204);
    await eventually(() => expect(routes.at(-1)).toEqual({ key, value: null }));
    expect((await h.request('GET', `${rules()}/${id}`, admin)).status).toBe(404);
    expect(routes.some((m) => m.key.startsWith('invalid'))).toBe(false);
  });
});
