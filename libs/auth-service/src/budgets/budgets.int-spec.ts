import type { BusMessage, Subscription } from '@optscale/bus';
import { AuditLog } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { startAuthApp, type AuthApp } from '../__fixtures__/auth-app';

/*
 * Budgets and rate limits through the real HTTP API on Postgres: roles, validation problems,
 * exact decimal amounts, the audit log, and what reaches `optscale.config.budgets.v1`.
 */

type Problem = { status: number; detail: string; errors?: { field: string }[] };
const fields = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

interface BudgetRow {
  id: string;
  name: string | null;
  scope: string;
  scope_id: string;
  amount_usd: string | null;
  period: string;
  reset_mode: string;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  active: boolean;
}

describe('auth service: budgets (Postgres)', () => {
  let t: AuthApp;
  let org: { id: string; adminToken: string };
  let other: { id: string; adminToken: string };
  let member: { id: string; token: string };
  let manager: { id: string; token: string };
  let subscription: Subscription;
  const messages: BusMessage<'optscale.config.budgets.v1'>[] = [];
  const latest = (budgetId: string) => [...messages].reverse().find((m) => m.key === `${org.id}/${budgetId}`);

  beforeAll(async () => {
    t = await startAuthApp('auth_budgets');
    subscription = await t.bus.subscribe('optscale.config.budgets.v1', (m) => void messages.push(m), {
      onInvalid: (m) => {
        throw new Error(`invalid budget message: ${m.error}`);
      },
    });
    org = await t.organization('Budget Org', 'admin@budget.test');
    other = await t.organization('Other Org', 'admin@other.test');
    member = await t.user(org.id, org.adminToken, 'member@budget.test', 'member');
    manager = await t.user(org.id, org.adminToken, 'manager@budget.test', 'manager');
  });
  afterAll(async () => {
    await subscription?.close();
    await t?.close();
  });

  it('creates an organization budget with an exact amount, audits it and publishes it', async () => {
    const created = await t.call<BudgetRow>('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'organization',
      name: 'Company',
      amount_usd: '1234.567890123',
      period: 'quarterly',
      reset_mode: 'rolling',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        scope: 'organization',
        scope_id: org.id,
        amount_usd: '1234.567890123',
        period: 'quarterly',
        reset_mode: 'rolling',
        requests_per_minute: null,
        active: true,
      }),
    );
    await eventually(() => {
      expect(latest(created.body.id)?.value).toEqual(
        expect.objectContaining({
          id: created.body.id,
          organizationId: org.id,
          scope: 'organization',
          amountUsd: '1234.567890123',
          resetMode: 'rolling',
        }),
      );
    });
    const audit = await t.dataSource
      .getRepository(AuditLog)
      .findOneByOrFail({ entityId: created.body.id, action: 'budget.create' });
    expect(audit.after).toEqual(expect.objectContaining({ amount_usd: '1234.567890123' }));
  });

  it('scopes budgets to users of the organization only, and defaults to monthly calendar periods', async () => {
    const ok = await t.call<BudgetRow>('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'user',
      scope_id: member.id,
      amount_usd: '10',
      requests_per_minute: 60,
      tokens_per_minute: 100000,
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual(
      expect.objectContaining({
        period: 'monthly',
        reset_mode: 'calendar',
        amount_usd: '10',
        requests_per_minute: 60,
      }),
    );
    const foreign = await t.call('POST', `/organizations/${other.id}/budgets`, other.adminToken, {
      scope: 'user',
      scope_id: member.id,
      amount_usd: '10',
    });
    expect(foreign.status).toBe(400);
    expect(fields(foreign.body)).toEqual(['body.scope_id']);
    const missing = await t.call('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'team',
      amount_usd: '10',
    });
    expect(fields(missing.body)).toEqual(['body.scope_id']);
  });

  it('refuses invalid amounts, periods and budgets without any limit as problems', async () => {
    const bad = await t.call('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'organization',
      amount_usd: 12.5,
      period: 'hourly',
      reset_mode: 'sometimes',
      requests_per_minute: 0,
    });
    expect(bad.status).toBe(400);
    expect(fields(bad.body).sort()).toEqual([
      'body.amount_usd',
      'body.period',
      'body.requests_per_minute',
      'body.reset_mode',
    ]);
    const tooPrecise = await t.call('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'organization',
      amount_usd: '0.0000000001',
    });
    expect(fields(tooPrecise.body)).toEqual(['body.amount_usd']);
    const none = await t.call('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'organization',
    });
    expect(none.status).toBe(400);
    expect((none.body as Problem).detail).toMatch(
      /needs amount_usd, requests_per_minute or tokens_per_minute/,
    );
  });

  it('lets managers read, only admins change; members get 403', async () => {
    expect((await t.call('GET', `/organizations/${org.id}/budgets`, member.token)).status).toBe(403);
    const list = await t.call<{ items: BudgetRow[]; total: number }>(
      'GET',
      `/organizations/${org.id}/budgets?scope=user`,
      manager.token,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((b) => b.scope_id)).toEqual([member.id]);
    const create = await t.call('POST', `/organizations/${org.id}/budgets`, manager.token, {
      scope: 'organization',
      amount_usd: '1',
    });
    expect(create.status).toBe(403);
  });

  it('updates and deletes, republishing and leaving a tombstone', async () => {
    const created = await t.call<BudgetRow>('POST', `/organizations/${org.id}/budgets`, org.adminToken, {
      scope: 'organization',
      tokens_per_minute: 5000,
    });
    const updated = await t.call<BudgetRow>(
      'PATCH',
      `/organizations/${org.id}/budgets/${created.body.id}`,
      org.adminToken,
      { amount_usd: '99.99', tokens_per_minute: null, active: false },
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual(
      expect.objectContaining({ amount_usd: '99.99', tokens_per_minute: null, active: false }),
    );
    await eventually(() => {
      expect(latest(created.body.id)?.value).toEqual(
        expect.objectContaining({ amountUsd: '99.99', tokensPerMinute: null, active: false }),
      );
    });
    const emptied = await t.call(
      'PATCH',
      `/organizations/${org.id}/budgets/${created.body.id}`,
      org.adminToken,
      {
        amount_usd: null,
      },
    );
    expect(emptied.status).toBe(400);
    expect(
      (await t.call('DELETE', `/organizations/${org.id}/budgets/${created.body.id}`, org.adminToken)).status,
    ).toBe(204);
    await eventually(() => {
      expect(latest(created.body.id)?.value).toBeNull();
    });
    expect(
      (await t.call('GET', `/organizations/${org.id}/budgets/${created.body.id}`, org.adminToken)).status,
    ).toBe(404);
  });

  it('turns content logging on for an organization (off by default) and publishes it with access', async () => {
    const before = await t.call<{ content_logging: boolean }>(
      'GET',
      `/organizations/${org.id}`,
      org.adminToken,
    );
    expect(before.body.content_logging).toBe(false);
    const after = await t.call<{ content_logging: boolean }>(
      'PATCH',
      `/organizations/${org.id}`,
      org.adminToken,
      {
        content_logging: true,
      },
    );
    expect(after.status).toBe(200);
    expect(after.body.content_logging).toBe(true);
    await eventually(() => {
      const access = [...t.accessMessages].reverse().find((m) => m.key === `${org.id}/${member.id}`);
      expect(access?.value?.organization.contentLogging).toBe(true);
    });
  });
});
