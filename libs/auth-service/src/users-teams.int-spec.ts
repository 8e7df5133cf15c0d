import { AuditLog } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { PASSWORD, startAuthApp, type AuthApp } from './__fixtures__/auth-app';

/*
 * The AI Access page (users, allowed providers, teams) and the audit log through the real HTTP API
 * on Postgres: roles, conflicts, filters, and what reaches the access topic.
 */

type Problem = { status: number; detail: string; errors?: { field: string }[] };
const fields = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

describe('auth service: users, teams, audit log (Postgres)', () => {
  let t: AuthApp;
  let orgA: { id: string; adminToken: string };

  beforeAll(async () => {
    t = await startAuthApp('auth_users');
    orgA = await t.organization('Org A', 'admin@a.test');
  });
  afterAll(() => t?.close());

  describe('users (AI Access)', () => {
    let member: { id: string; token: string };
    let manager: { id: string; token: string };

    beforeAll(async () => {
      await t.provider(orgA.id, 'openai', ['gpt-4.1']);
      await t.provider(orgA.id, 'anthropic', ['claude-sonnet-4-5']);
      member = await t.user(orgA.id, orgA.adminToken, 'member@a.test', 'member', { name: 'Mia Member' });
      manager = await t.user(orgA.id, orgA.adminToken, 'manager@a.test', 'manager', {
        allowed_providers: ['openai'],
      });
    });

    it('lets managers list users with filters and the summary; members get 403', async () => {
      expect((await t.call('GET', `/organizations/${orgA.id}/users`, member.token)).status).toBe(403);
      const all = await t.call<{
        items: { email: string; allowed_providers: string[] }[];
        total: number;
        summary: { total: number; without_access: number };
      }>('GET', `/organizations/${orgA.id}/users?sort=email&order=asc&limit=100`, manager.token);
      expect(all.status).toBe(200);
      expect(all.body.items.map((u) => u.email)).toEqual([...all.body.items.map((u) => u.email)].sort());
      expect(all.body.summary.total).toBe(all.body.total);
      expect(all.body.summary.without_access).toBe(all.body.total - 1);
      const withAccess = await t.call<{ items: { email: string; allowed_providers: string[] }[] }>(
        'GET',
        `/organizations/${orgA.id}/users?has_access=true`,
        manager.token,
      );
      expect(withAccess.body.items).toEqual([
        expect.objectContaining({ email: 'manager@a.test', allowed_providers: ['openai'] }),
      ]);
      const search = await t.call<{ items: { email: string }[] }>(
        'GET',
        `/organizations/${orgA.id}/users?search=mia&role=member`,
        manager.token,
      );
      expect(search.body.items.map((u) => u.email)).toEqual(['member@a.test']);
      const badFilter = await t.call(
        'GET',
        `/organizations/${orgA.id}/users?role=boss&has_access=maybe`,
        manager.token,
      );
      expect(fields(badFilter.body).sort()).toEqual(['query.has_access', 'query.role.0']);
    });

    it('lets a member read only themselves', async () => {
      expect((await t.call('GET', `/organizations/${orgA.id}/users/${member.id}`, member.token)).status).toBe(
        200,
      );
      expect(
        (await t.call('GET', `/organizations/${orgA.id}/users/${manager.id}`, member.token)).status,
      ).toBe(404);
      expect(
        (await t.call('GET', `/organizations/${orgA.id}/users/${member.id}/allowed-providers`, member.token))
          .body,
      ).toEqual({ providers: [] });
    });

    it('refuses a duplicate email (409) and an unknown provider (400), naming the field', async () => {
      const dup = await t.call('POST', `/organizations/${orgA.id}/users`, orgA.adminToken, {
        email: 'MEMBER@a.test',
        role: 'member',
      });
      expect(dup.status).toBe(409);
      expect(fields(dup.body)).toEqual(['body.email']);
      const unknown = await t.call('POST', `/organizations/${orgA.id}/users`, orgA.adminToken, {
        email: 'n@a.test',
        role: 'member',
        allowed_providers: ['nope'],
      });
      expect(unknown.status).toBe(400);
      expect(fields(unknown.body)).toEqual(['body.allowed_providers']);
      expect(
        (
          await t.call('POST', `/organizations/${orgA.id}/users`, manager.token, {
            email: 'm2@a.test',
            role: 'member',
          })
        ).status,
      ).toBe(403);
    });

    it('replaces allowed providers (admin) and publishes the access snapshot', async () => {
      const path = `/organizations/${orgA.id}/users/${member.id}/allowed-providers`;
      expect((await t.call('PUT', path, manager.token, { providers: ['openai'] })).status).toBe(403);
      const res = await t.call('PUT', path, orgA.adminToken, { providers: ['openai', 'anthropic'] });
      expect(res.body).toEqual({ providers: ['anthropic', 'openai'] });
      await eventually(() => {
        const last = t.accessMessages.filter((m) => m.key === `${orgA.id}/${member.id}`).at(-1);
        expect(last?.value?.allowedProviders).toEqual(['anthropic', 'openai']);
      });
    });

    it('keeps the last admin: no demotion, no self-deletion (409)', async () => {
      const me = await t.call<{ user: { id: string } }>('GET', '/me', orgA.adminToken);
      const adminId = me.body.user.id;
      const demote = await t.call('PATCH', `/organizations/${orgA.id}/users/${adminId}`, orgA.adminToken, {
        role: 'member',
      });
      expect(demote.status).toBe(409);
      expect(fields(demote.body)).toEqual(['body.role']);
      expect(
        (await t.call('DELETE', `/organizations/${orgA.id}/users/${adminId}`, orgA.adminToken)).status,
      ).toBe(409);
      const promoted = await t.call(
        'PATCH',
        `/organizations/${orgA.id}/users/${manager.id}`,
        orgA.adminToken,
        { role: 'admin' },
      );
      expect(promoted.body).toMatchObject({ role: 'admin' });
      expect(
        (
          await t.call('PATCH', `/organizations/${orgA.id}/users/${manager.id}`, orgA.adminToken, {
            role: 'manager',
          })
        ).status,
      ).toBe(200);
    });

    it('manages teams: unique names, members, and membership on the access topic', async () => {
      expect((await t.call('GET', `/organizations/${orgA.id}/teams`, member.token)).status).toBe(403);
      const team = await t.call<{ id: string }>('POST', `/organizations/${orgA.id}/teams`, orgA.adminToken, {
        name: 'Platform',
      });
      expect(team.status).toBe(201);
      const dup = await t.call('POST', `/organizations/${orgA.id}/teams`, orgA.adminToken, {
        name: 'Platform',
      });
      expect(dup.status).toBe(409);
      expect(fields(dup.body)).toEqual(['body.name']);
      const members = await t.call(
        'PUT',
        `/organizations/${orgA.id}/teams/${team.body.id}/members`,
        orgA.adminToken,
        { user_ids: [member.id] },
      );
      expect(members.body).toMatchObject({ member_count: 1, members: [{ id: member.id }] });
      await eventually(() => {
        const last = t.accessMessages.filter((m) => m.key === `${orgA.id}/${member.id}`).at(-1);
        expect(last?.value?.teamIds).toEqual([team.body.id]);
      });
      const filtered = await t.call<{ items: { id: string; teams: { name: string }[] }[] }>(
        'GET',
        `/organizations/${orgA.id}/users?team_id=${team.body.id}`,
        manager.token,
      );
      expect(filtered.body.items).toEqual([
        expect.objectContaining({ id: member.id, teams: [{ id: team.body.id, name: 'Platform' }] }),
      ]);
      expect(
        (await t.call('DELETE', `/organizations/${orgA.id}/teams/${team.body.id}`, orgA.adminToken)).status,
      ).toBe(204);
      expect(
        (await t.call('GET', `/organizations/${orgA.id}/teams/${team.body.id}`, manager.token)).status,
      ).toBe(404);
    });

    it('deletes a user (admin), tombstoning their access record', async () => {
      const gone = await t.user(orgA.id, orgA.adminToken, 'gone@a.test', 'member');
      expect(
        (await t.call('DELETE', `/organizations/${orgA.id}/users/${gone.id}`, orgA.adminToken)).status,
      ).toBe(204);
      await eventually(() => {
        const last = t.accessMessages.filter((m) => m.key === `${orgA.id}/${gone.id}`).at(-1);
        expect(last?.value).toBeNull();
      });
      expect((await t.call('GET', '/me', gone.token)).status).toBe(401);
    });
  });

  describe('audit log', () => {
    it('records changes for admins only, never with a password or token', async () => {
      const res = await t.call<{ items: { action: string; created_at: string }[]; total: number }>(
        'GET',
        `/organizations/${orgA.id}/audit-log?limit=500`,
        orgA.adminToken,
      );
      expect(res.status).toBe(200);
      const actions = new Set(res.body.items.map((i) => i.action));
      for (const action of [
        'organization.create',
        'user.create',
        'user.login',
        'user.update',
        'user.delete',
        'team.create',
        'user.allowed_providers.update',
      ]) {
        expect(actions).toContain(action);
      }
      const times = res.body.items.map((i) => Date.parse(i.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const filtered = await t.call<{ items: { action: string }[] }>(
        'GET',
        `/organizations/${orgA.id}/audit-log?action=team.create`,
        orgA.adminToken,
      );
      expect(filtered.body.items.map((i) => i.action)).toEqual(['team.create']);
      const rows = JSON.stringify(await t.dataSource.getRepository(AuditLog).find());
      expect(rows).not.toContain(PASSWORD);
      expect(rows).not.toContain('$scrypt$');
      expect(rows).not.toContain('ost_');
      const manager = await t.login('manager@a.test', PASSWORD, orgA.id);
      expect((await t.call('GET', `/organizations/${orgA.id}/audit-log`, manager)).status).toBe(403);
    });
  });
});
