import { randomUUID } from 'node:crypto';
import { AuditLog, type Organization } from '@optscale/database';
import { BOOTSTRAP, PolicyHarness } from './__fixtures__/harness';

/*
 * Guardrails through the real HTTP server on a real Postgres: settings per type (snake_case in the
 * API, the contract's schema and the detectors' checks behind it), roles and organizations, the
 * list, and deletion refused while a policy links the guardrail.
 */

const fields = (res: { body: { errors?: { field: string }[] } }) =>
  (res.body.errors ?? []).map((e) => e.field).sort();

describe('policy service: guardrails', () => {
  const h = new PolicyHarness();
  let org: Organization;
  let other: Organization;
  let admin: string;
  let manager: string;
  let member: string;
  let adminOther: string;
  const guardrails = (o: Organization = org) => `/organizations/${o.id}/guardrails`;
  const pii = {
    name: 'test-PII',
    type: 'pii',
    stage: 'input',
    threshold: 0.7,
    action: 'redact',
    settings: {
      entities: ['CREDIT_CARD'],
      custom_patterns: [{ name: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}' }],
    },
  };

  beforeAll(async () => {
    await h.start('policy_guardrails');
    org = await h.organization('Guarded');
    other = await h.organization('Other');
    admin = await h.session(org, 'admin');
    manager = await h.session(org, 'manager');
    member = await h.session(org, 'member');
    adminOther = await h.session(other, 'admin');
  });
  afterAll(() => h.close());

  it('creates a PII guardrail with snake_case settings, stored in the contract form', async () => {
    const res = await h.request('POST', guardrails(), admin, { ...pii, description: 'cards' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...pii, description: 'cards', policy_count: 0, policies: [] });
    const [row] = await h.dataSource.query<{ settings: unknown }[]>(
      'SELECT settings FROM guardrails WHERE id = $1',
      [res.body.id],
    );
    expect(row?.settings).toEqual({
      type: 'pii',
      entities: ['CREDIT_CARD'],
      customPatterns: [{ name: 'EMPLOYEE_ID', pattern: 'EMP-[0-9]{6}' }],
    });
    const audit = await h.dataSource.getRepository(AuditLog).findOneByOrFail({ entityId: res.body.id });
    expect(audit.action).toBe('guardrail.create');
  });

  it('creates the other types with their own settings', async () => {
    const secrets = await h.request('POST', guardrails(), admin, {
      name: 'secrets',
      type: 'secrets',
      stage: 'both',
      action: 'block',
    });
    expect(secrets.status).toBe(201);
    expect(secrets.body).toMatchObject({ settings: {}, threshold: 0.5 });
    const topics = await h.request('POST', guardrails(), admin, {
      name: 'no-weapons',
      type: 'ban_topics',
      stage: 'output',
      threshold: 0.3,
      action: 'warn',
      settings: { keywords: ['grenade'], topics: [{ name: 'weapons', terms: ['rifle', 'ammo'] }] },
    });
    expect(topics.status).toBe(201);
    expect(topics.body.settings).toEqual({
      keywords: ['grenade'],
      topics: [{ name: 'weapons', terms: ['rifle', 'ammo'] }],
    });
    const limit = await h.request('POST', guardrails(), admin, {
      name: 'limit',
      type: 'token_limit',
      stage: 'input',
      action: 'block',
      settings: { limit: 4096 },
    });
    expect(limit.body.settings).toEqual({ limit: 4096 });
  });

  it('names each invalid setting: missing, of another type, or not allowed by the contract', async () => {
    const noLimit = await h.request('POST', guardrails(), admin, {
      name: 'x',
      type: 'token_limit',
      stage: 'input',
      action: 'block',
    });
    expect(noLimit.status).toBe(400);
    expect(fields(noLimit)).toEqual(['body.settings.limit']);
    const foreign = await h.request('POST', guardrails(), admin, {
      name: 'x',
      type: 'secrets',
      stage: 'input',
      action: 'block',
      settings: { entities: ['EMAIL'] },
    });
    expect(fields(foreign)).toEqual(['body.settings.entities']);
    const badName = await h.request('POST', guardrails(), admin, {
      ...pii,
      name: 'x',
      settings: { custom_patterns: [{ name: 'lower case', pattern: 'a' }] },
    });
    expect(fields(badName)).toEqual(['body.settings.custom_patterns.0.name']);
    const schema = await h.request('POST', guardrails(), admin, {
      name: '',
      type: 'toxicity',
      stage: 'sideways',
      threshold: 1.5,
      action: 'shout',
    });
    expect(fields(schema)).toEqual(['body.action', 'body.name', 'body.stage', 'body.threshold', 'body.type']);
  });

  it('refuses a custom regex that could backtrack catastrophically, naming the pattern', async () => {
    const res = await h.request('POST', guardrails(), admin, {
      ...pii,
      name: 'redos',
      settings: {
        entities: [],
        custom_patterns: [
          { name: 'FINE', pattern: '[0-9]{4}' },
          { name: 'NESTED', pattern: '(a+)+$' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(['body.settings.custom_patterns.1.pattern']);
  });

  it('refuses a taken name with 409 naming body.name', async () => {
    const res = await h.request('POST', guardrails(), admin, pii);
    expect(res.status).toBe(409);
    expect(fields(res)).toEqual(['body.name']);
    expect((await h.request('POST', guardrails(other), adminOther, pii)).status).toBe(201);
  });

  it('lets managers read, not write; members neither; other organizations see 404', async () => {
    const list = await h.request('GET', guardrails(), manager);
    expect(list.status).toBe(200);
    const id = list.body.items[0].id as string;
    expect((await h.request('PATCH', `${guardrails()}/${id}`, manager, { threshold: 0.1 })).status).toBe(403);
    expect((await h.request('GET', guardrails(), member)).status).toBe(403);
    expect((await h.request('GET', guardrails(), adminOther)).status).toBe(404);
    expect((await h.request('GET', `${guardrails(other)}/${id}`, adminOther)).status).toBe(404);
    expect((await h.request('GET', `/organizations/${randomUUID()}/guardrails`, BOOTSTRAP)).status).toBe(404);
  });

  it('filters, searches and sorts the list, with a summary', async () => {
    const list = await h.request('GET', `${guardrails()}?sort=name&order=asc`, manager);
    expect(list.body.items.map((g: { name: string }) => g.name)).toEqual([
      'limit',
      'no-weapons',
      'secrets',
      'test-PII',
    ]);
    expect(list.body.summary).toEqual({ total: 4, linked: 0 });
    const byType = await h.request('GET', `${guardrails()}?type=pii,secrets&stage=input`, manager);
    expect(byType.body.items.map((g: { name: string }) => g.name)).toEqual(['test-PII']);
    expect((await h.request('GET', `${guardrails()}?search=CARDS`, manager)).body.total).toBe(1);
    expect((await h.request('GET', `${guardrails()}?action=warn`, manager)).body.total).toBe(1);
  });

  it('updates: a new type starts from empty settings; settings replace whole', async () => {
    const id = (await h.request('GET', `${guardrails()}?search=limit`, admin)).body.items[0].id as string;
    const toSecrets = await h.request('PATCH', `${guardrails()}/${id}`, admin, { type: 'secrets' });
    expect(toSecrets.status).toBe(200);
    expect(toSecrets.body).toMatchObject({ type: 'secrets', settings: {} });
    const back = await h.request('PATCH', `${guardrails()}/${id}`, admin, { type: 'token_limit' });
    expect(fields(back)).toEqual(['body.settings.limit']);
    const ok = await h.request('PATCH', `${guardrails()}/${id}`, admin, {
      type: 'token_limit',
      settings: { limit: 100 },
      description: 'short prompts',
    });
    expect(ok.body).toMatchObject({
      type: 'token_limit',
      settings: { limit: 100 },
      description: 'short prompts',
    });
  });

  it('refuses deleting a guardrail a policy links (409), deletes it once unlinked', async () => {
    const created = await h.request('POST', guardrails(), admin, {
      name: 'to-delete',
      type: 'jailbreak',
      stage: 'input',
      action: 'block',
    });
    const id = created.body.id as string;
    const policy = await h.request('POST', `/organizations/${org.id}/policies`, admin, {
      name: 'linking',
      stage: 'input',
      guardrail_ids: [id],
    });
    expect(policy.status).toBe(201);
    const refused = await h.request('DELETE', `${guardrails()}/${id}`, admin);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('"linking"');
    expect((await h.request('GET', `${guardrails()}/${id}`, manager)).body).toMatchObject({
      policy_count: 1,
      policies: [{ id: policy.body.id, name: 'linking', stage: 'input' }],
    });
    // A stage change the linked policy cannot take is refused too.
    const stage = await h.request('PATCH', `${guardrails()}/${id}`, admin, { stage: 'output' });
    expect(fields(stage)).toEqual(['body.stage']);
    expect(
      (await h.request('DELETE', `/organizations/${org.id}/policies/${policy.body.id}`, admin)).status,
    ).toBe(204);
    expect((await h.request('DELETE', `${guardrails()}/${id}`, admin)).status).toBe(204);
    expect((await h.request('GET', `${guardrails()}/${id}`, admin)).status).toBe(404);
  });
});
