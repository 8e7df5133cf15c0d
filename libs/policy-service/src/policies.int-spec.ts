import { AuditLog, type Organization } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { PolicyHarness } from './__fixtures__/harness';

/*
 * Policies through the real HTTP server on a real Postgres: validation (CEL, linked guardrails and
 * their stages), roles and organizations, the list with its summary, and the
 * `optscale.config.policies.v1` snapshots with guardrails embedded, republished when a linked
 * guardrail changes.
 */

const fields = (res: { body: { errors?: { field: string }[] } }) =>
  (res.body.errors ?? []).map((e) => e.field).sort();

describe('policy service: policies', () => {
  const h = new PolicyHarness();
  let org: Organization;
  let other: Organization;
  let admin: string;
  let manager: string;
  let member: string;
  let adminOther: string;
  const ids: Record<string, string> = {};
  const policies = (o: Organization = org) => `/organizations/${o.id}/policies`;
  const guardrail = async (name: string, stage: string, extra: Record<string, unknown> = {}) => {
    const res = await h.request('POST', `/organizations/${org.id}/guardrails`, admin, {
      name,
      type: 'pii',
      stage,
      threshold: 0.7,
      action: 'redact',
      settings: { entities: ['CREDIT_CARD'] },
      ...extra,
    });
    expect(res.status).toBe(201);
    ids[name] = res.body.id as string;
  };
  const chatPii = () => ({
    name: 'chat-pii-check',
    condition: 'request_type == "chat_completion"',
    stage: 'input',
    sampling_rate: 0.6,
    timeout_ms: 1500,
    pass_on_timeout: false,
    request_types: ['chat_completion'],
    guardrail_ids: [ids['test-PII'], ids['both-secrets']],
  });

  beforeAll(async () => {
    await h.start('policy_policies');
    org = await h.organization('Policies');
    other = await h.organization('Other');
    admin = await h.session(org, 'admin');
    manager = await h.session(org, 'manager');
    member = await h.session(org, 'member');
    adminOther = await h.session(other, 'admin');
    await guardrail('test-PII', 'input');
    await guardrail('both-secrets', 'both', { type: 'secrets', settings: {}, action: 'block' });
    await guardrail('output-only', 'output');
  });
  afterAll(() => h.close());

  it('creates the documented chat-pii-check policy and publishes it with its guardrails embedded', async () => {
    const res = await h.request('POST', policies(), admin, chatPii());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ...chatPii(),
      enabled: true,
      reversible_redaction: false,
      guardrail_count: 2,
      guardrails: [
        { id: ids['test-PII'], name: 'test-PII', type: 'pii', stage: 'input', action: 'redact' },
        { id: ids['both-secrets'], name: 'both-secrets', type: 'secrets', stage: 'both', action: 'block' },
      ],
      stats: { requests: 0, requests_evaluated: 0, bypass_rate: 0, linked_guardrails: 2, hours: 24 },
    });
    ids['chat-pii-check'] = res.body.id as string;
    const key = `${org.id}/${res.body.id}`;
    const snapshot = await eventually(() => {
      const value = h.latest(key);
      expect(value).toBeDefined();
      return value!;
    });
    expect(snapshot).toEqual({
      id: res.body.id,
      organizationId: org.id,
      name: 'chat-pii-check',
      enabled: true,
      condition: 'request_type == "chat_completion"',
      stage: 'input',
      samplingRate: 0.6,
      timeoutMs: 1500,
      passOnTimeout: false,
      requestTypes: ['chat_completion'],
      reversibleRedaction: false,
      guardrails: [
        {
          id: ids['test-PII'],
          name: 'test-PII',
          stage: 'input',
          threshold: 0.7,
          action: 'redact',
          settings: { type: 'pii', entities: ['CREDIT_CARD'], customPatterns: [] },
        },
        {
          id: ids['both-secrets'],
          name: 'both-secrets',
          stage: 'both',
          threshold: 0.7,
          action: 'block',
          settings: { type: 'secrets' },
        },
      ],
    });
    const audit = await h.dataSource.getRepository(AuditLog).findOneByOrFail({ entityId: res.body.id });
    expect(audit.action).toBe('policy.create');
  });

  it('refuses a condition that does not compile, naming body.condition', async () => {
    const res = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'bad',
      condition: 'model ==',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body.condition', message: expect.any(String) }]);
  });

  it('refuses guardrails whose stage does not cover the policy, naming each', async () => {
    const input = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'mismatch',
      guardrail_ids: [ids['test-PII'], ids['output-only']],
    });
    expect(input.status).toBe(400);
    expect(fields(input)).toEqual(['body.guardrail_ids.1']);
    expect(input.body.errors[0].message).toContain('output-only');
    const both = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'both',
      stage: 'both',
      guardrail_ids: [ids['both-secrets'], ids['test-PII'], ids['output-only']],
    });
    expect(fields(both)).toEqual(['body.guardrail_ids.1', 'body.guardrail_ids.2']);
    const output = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'output',
      stage: 'output',
      guardrail_ids: [ids['output-only'], ids['both-secrets']],
    });
    expect(output.status).toBe(201);
  });

  it('refuses unknown, foreign and repeated guardrails, and an empty list', async () => {
    const foreign = await h.request('POST', `/organizations/${other.id}/guardrails`, adminOther, {
      name: 'theirs',
      type: 'secrets',
      stage: 'input',
      action: 'block',
    });
    const res = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'ids',
      guardrail_ids: [ids['test-PII'], foreign.body.id, ids['test-PII']],
    });
    expect(fields(res)).toEqual(['body.guardrail_ids.1', 'body.guardrail_ids.2']);
    const empty = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'ids',
      guardrail_ids: [],
    });
    expect(fields(empty)).toEqual(['body.guardrail_ids']);
    const schema = await h.request('POST', policies(), admin, {
      ...chatPii(),
      name: 'schema',
      sampling_rate: 1.2,
      timeout_ms: 0,
      request_types: ['chat'],
    });
    expect(fields(schema)).toEqual(['body.request_types.0', 'body.sampling_rate', 'body.timeout_ms']);
  });

  it('refuses a taken name with 409', async () => {
    const res = await h.request('POST', policies(), admin, chatPii());
    expect(res.status).toBe(409);
    expect(fields(res)).toEqual(['body.name']);
  });

  it('lets managers read, not write; members neither; other organizations see 404', async () => {
    const path = `${policies()}/${ids['chat-pii-check']}`;
    expect((await h.request('GET', path, manager)).status).toBe(200);
    expect((await h.request('GET', `${path}/stats`, manager)).status).toBe(200);
    expect((await h.request('PATCH', path, manager, { enabled: false })).status).toBe(403);
    expect((await h.request('GET', policies(), member)).status).toBe(403);
    expect((await h.request('GET', `${path}/stats`, member)).status).toBe(403);
    expect((await h.request('GET', policies(), adminOther)).status).toBe(404);
    expect((await h.request('GET', `${policies(other)}/${ids['chat-pii-check']}`, adminOther)).status).toBe(
      404,
    );
  });

  it('lists with filters and the summary cards', async () => {
    const list = await h.request('GET', `${policies()}?sort=name&order=asc`, manager);
    expect(list.body.items.map((p: { name: string }) => p.name)).toEqual(['chat-pii-check', 'output']);
    expect(list.body.items[0]).toMatchObject({ guardrail_count: 2, stats: { requests: 0 } });
    expect(list.body.summary).toEqual({ total: 2, enabled: 2, guardrails: 3 });
    expect((await h.request('GET', `${policies()}?stage=output`, manager)).body.total).toBe(1);
    expect((await h.request('GET', `${policies()}?search=CHAT_COMPLETION`, manager)).body.total).toBe(2);
  });

  it('republishes every policy linking a guardrail when the guardrail changes', async () => {
    const chatKey = `${org.id}/${ids['chat-pii-check']}`;
    const outputId = (await h.request('GET', `${policies()}?stage=output`, admin)).body.items[0].id as string;
    const outputKey = `${org.id}/${outputId}`;
    await eventually(() => expect(h.latest(outputKey)).toBeDefined());
    const before = h.published.length;
    const res = await h.request(
      'PATCH',
      `/organizations/${org.id}/guardrails/${ids['both-secrets']}`,
      admin,
      {
        action: 'warn',
        threshold: 0.9,
      },
    );
    expect(res.status).toBe(200);
    for (const key of [chatKey, outputKey]) {
      await eventually(() =>
        expect(h.latest(key)?.guardrails.find((g) => g.id === ids['both-secrets'])).toMatchObject({
          action: 'warn',
          threshold: 0.9,
        }),
      );
    }
    expect(
      h.published
        .slice(before)
        .map((m) => m.key)
        .sort(),
    ).toEqual([chatKey, outputKey].sort());
    // Only the policies linking the edited guardrail are republished.
    const next = h.published.length;
    await h.request('PATCH', `/organizations/${org.id}/guardrails/${ids['output-only']}`, admin, {
      threshold: 0.1,
    });
    await eventually(() => expect(h.latest(outputKey)?.guardrails[0]?.threshold).toBe(0.1));
    expect(h.published.slice(next).map((m) => m.key)).toEqual([outputKey]);
  });

  it('updates, reorders and disables a policy, and deletes it with a tombstone', async () => {
    const id = ids['chat-pii-check']!;
    const key = `${org.id}/${id}`;
    const path = `${policies()}/${id}`;
    const reordered = await h.request('PATCH', path, admin, {
      guardrail_ids: [ids['both-secrets'], ids['test-PII']],
      sampling_rate: 1,
      reversible_redaction: true,
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.guardrail_ids).toEqual([ids['both-secrets'], ids['test-PII']]);
    await eventually(() =>
      expect(h.latest(key)?.guardrails.map((g) => g.name)).toEqual(['both-secrets', 'test-PII']),
    );
    const toBoth = await h.request('PATCH', path, admin, { stage: 'both' });
    expect(fields(toBoth)).toEqual(['body.guardrail_ids.1']);
    const disabled = await h.request('PATCH', path, admin, { enabled: false, description: 'paused' });
    expect(disabled.body).toMatchObject({
      enabled: false,
      description: 'paused',
      reversible_redaction: true,
    });
    await eventually(() => expect(h.latest(key)?.enabled).toBe(false));
    expect((await h.request('DELETE', path, admin)).status).toBe(204);
    await eventually(() => expect(h.published.at(-1)).toEqual({ key, value: null }));
    expect((await h.request('GET', path, admin)).status).toBe(404);
    // Its guardrails stay.
    expect(
      (await h.request('GET', `/organizations/${org.id}/guardrails/${ids['test-PII']}`, admin)).status,
    ).toBe(200);
    expect(h.published.some((m) => m.key.startsWith('invalid'))).toBe(false);
  });
});
