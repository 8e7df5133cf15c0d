import { randomUUID } from 'node:crypto';
import { routePath } from '@optscale/admin-api';
import { AuditLog, Session, User } from '@optscale/database';
import { eventually } from '@optscale/testing';
import { authRoutes } from './auth-service';
import { BOOTSTRAP, PASSWORD, startAuthApp, type AuthApp } from './__fixtures__/auth-app';

/*
 * Organizations, sessions and the guard through the real HTTP API on Postgres: who may do what,
 * what is refused and how, and what reaches the access topic.
 */

type Problem = { status: number; detail: string; errors?: { field: string }[] };
const fields = (body: unknown) => ((body as Problem).errors ?? []).map((e) => e.field);

describe('auth service: organizations, sessions, guard (Postgres)', () => {
  let t: AuthApp;
  let orgA: { id: string; adminToken: string };
  let orgB: { id: string; adminToken: string };

  beforeAll(async () => {
    t = await startAuthApp('auth_sessions');
    orgA = await t.organization('Org A', 'admin@a.test');
    orgB = await t.organization('Org B', 'admin@b.test');
  });
  afterAll(() => t?.close());

  describe('organizations', () => {
    it('lets the bootstrap token create an organization with an admin who can log in', async () => {
      const res = await t.call('POST', '/organizations', BOOTSTRAP, {
        name: 'Fresh',
        currency: 'EUR',
        admin: { email: 'Boss@Fresh.test', name: 'Boss', password: PASSWORD },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'Fresh',
        currency: 'EUR',
        admin: { email: 'boss@fresh.test', role: 'admin' },
      });
      const token = await t.login('boss@fresh.test', PASSWORD);
      const me = await t.call('GET', '/me', token);
      expect(me.body).toMatchObject({
        kind: 'user',
        user: { role: 'admin' },
        organization: { currency: 'EUR' },
      });
    });

    it('refuses organization creation to users and a bad currency', async () => {
      expect((await t.call('POST', '/organizations', orgA.adminToken, { name: 'X' })).status).toBe(403);
      const bad = await t.call('POST', '/organizations', BOOTSTRAP, { name: 'X', currency: 'usd' });
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['body.currency']);
    });

    it('lists all organizations for the installation, only their own for a user', async () => {
      const all = await t.call<{ total: number }>('GET', '/organizations', BOOTSTRAP);
      expect(all.body.total).toBeGreaterThanOrEqual(2);
      const mine = await t.call<{ items: { id: string }[] }>('GET', '/organizations', orgA.adminToken);
      expect(mine.body.items.map((o) => o.id)).toEqual([orgA.id]);
    });

    it('renames (admin) and republishes the access records with the new name', async () => {
      const res = await t.call('PATCH', `/organizations/${orgA.id}`, orgA.adminToken, { name: 'Org A2' });
      expect(res.status).toBe(200);
      await eventually(() =>
        expect(t.accessMessages.some((m) => m.value?.organization.name === 'Org A2')).toBe(true),
      );
      await t.call('PATCH', `/organizations/${orgA.id}`, orgA.adminToken, { name: 'Org A' });
    });

    it('deletes an organization (installation only) and tombstones its access records', async () => {
      const doomed = await t.organization('Doomed', 'admin@doomed.test');
      expect((await t.call('DELETE', `/organizations/${doomed.id}`, doomed.adminToken)).status).toBe(403);
      expect((await t.call('DELETE', `/organizations/${doomed.id}`, BOOTSTRAP)).status).toBe(204);
      await eventually(() =>
        expect(t.accessMessages.some((m) => m.key.startsWith(`${doomed.id}/`) && m.value === null)).toBe(
          true,
        ),
      );
      expect((await t.call('GET', `/organizations/${doomed.id}`, BOOTSTRAP)).status).toBe(404);
    });
  });

  describe('login and sessions', () => {
    it('answers a wrong password and an unknown email with the same 401', async () => {
      const wrong = await t.call('POST', '/auth/login', undefined, {
        email: 'admin@a.test',
        password: 'nope-nope',
      });
      const unknown = await t.call('POST', '/auth/login', undefined, {
        email: 'ghost@a.test',
        password: 'nope-nope',
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('needs organization_id for an email in several organizations, and sets last_login_at', async () => {
      await t.user(orgA.id, orgA.adminToken, 'both@x.test', 'member');
      await t.user(orgB.id, orgB.adminToken, 'both@x.test', 'member');
      const res = await t.call('POST', '/auth/login', undefined, {
        email: 'both@x.test',
        password: PASSWORD,
      });
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual(['body.organization_id']);
      const ok = await t.call<{ token: string; expires_at: string; user: { organization_id: string } }>(
        'POST',
        '/auth/login',
        undefined,
        { email: 'both@x.test', password: PASSWORD, organization_id: orgB.id },
      );
      expect(ok.status).toBe(200);
      expect(ok.body.user.organization_id).toBe(orgB.id);
      const hours = (Date.parse(ok.body.expires_at) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(11.9);
      expect(hours).toBeLessThanOrEqual(12);
      const user = await t.dataSource
        .getRepository(User)
        .findOneByOrFail({ email: 'both@x.test', organizationId: orgB.id });
      expect(user.lastLoginAt).not.toBeNull();
    });

    it('stores only the hash of session tokens, and logout ends the session', async () => {
      const token = await t.login('admin@a.test', PASSWORD, orgA.id);
      const sessions = await t.dataSource.getRepository(Session).find();
      expect(sessions.some((s) => s.tokenHash.includes(token))).toBe(false);
      expect((await t.call('GET', '/me', token)).status).toBe(200);
      expect((await t.call('POST', '/auth/logout', token)).status).toBe(204);
      expect((await t.call('GET', '/me', token)).status).toBe(401);
    });

    it('shows the installation token as such on /me', async () => {
      expect((await t.call('GET', '/me', BOOTSTRAP)).body).toEqual({ kind: 'installation' });
    });

    it('changes a password only with the current one; other sessions end', async () => {
      const u = await t.user(orgA.id, orgA.adminToken, 'pw@a.test', 'member');
      const other = await t.login('pw@a.test', PASSWORD, orgA.id);
      const wrong = await t.call('PUT', '/me/password', u.token, {
        current_password: 'wrong-one',
        new_password: 'a new password',
      });
      expect(wrong.status).toBe(400);
      expect(fields(wrong.body)).toEqual(['body.current_password']);
      const ok = await t.call('PUT', '/me/password', u.token, {
        current_password: PASSWORD,
        new_password: 'a new password',
      });
      expect(ok.status).toBe(204);
      expect((await t.call('GET', '/me', u.token)).status).toBe(200);
      expect((await t.call('GET', '/me', other)).status).toBe(401);
      await t.login('pw@a.test', 'a new password', orgA.id);
      const audit = JSON.stringify(await t.dataSource.getRepository(AuditLog).find());
      expect(audit).toContain('user.change_password');
      expect(audit).not.toContain('a new password');
      expect(audit).not.toContain(PASSWORD);
    });
  });

  describe('guard', () => {
    it('answers 401 on every non-public endpoint without a token', async () => {
      for (const route of authRoutes) {
        if (route.access === 'public') continue;
        const path = routePath(route)
          .replace('/api/v1', '')
          .replace(/:([A-Za-z]+)/g, () => randomUUID());
        const res = await t.call(
          route.method,
          path,
          undefined,
          route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        );
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
      }
    });

    it('hides another organization as 404, also for its users and keys', async () => {
      const bUser = await t.user(orgB.id, orgB.adminToken, 'victim@b.test', 'member');
      const bKey = await t.call<{ id: string }>('POST', `/organizations/${orgB.id}/keys`, bUser.token, {
        name: 'b',
      });
      for (const [method, path, body] of [
        ['GET', `/organizations/${orgB.id}`],
        ['GET', `/organizations/${orgB.id}/users`],
        ['PATCH', `/organizations/${orgB.id}/users/${bUser.id}`, { role: 'admin' }],
        ['DELETE', `/organizations/${orgB.id}/users/${bUser.id}`],
        ['GET', `/organizations/${orgB.id}/keys/${bKey.body.id}`],
        ['POST', `/organizations/${orgB.id}/keys/${bKey.body.id}/revoke`],
        ['DELETE', `/organizations/${orgB.id}/keys/${bKey.body.id}`],
        ['GET', `/organizations/${orgB.id}/audit-log`],
      ] as const) {
        expect({ path, status: (await t.call(method, path, orgA.adminToken, body)).status }).toEqual({
          path,
          status: 404,
        });
      }
      // A's admin using B's user id under A's path: not found either.
      expect(
        (await t.call('GET', `/organizations/${orgA.id}/users/${bUser.id}`, orgA.adminToken)).status,
      ).toBe(404);
      expect(
        (await t.call('GET', `/organizations/${orgA.id}/keys/${bKey.body.id}`, orgA.adminToken)).status,
      ).toBe(404);
      expect(
        (await t.call('GET', `/organizations/${orgB.id}/keys/${bKey.body.id}`, bUser.token)).status,
      ).toBe(200);
    });

    it('answers malformed bodies with 400 naming each field, and oversized ones with 413', async () => {
      const bad = await t.call('POST', `/organizations/${orgA.id}/users`, orgA.adminToken, {
        email: 'not-an-email',
        role: 'boss',
        team_ids: ['x'],
      });
      expect(bad.status).toBe(400);
      expect(fields(bad.body).sort()).toEqual(['body.email', 'body.role', 'body.team_ids.0']);
      const notJson = await t.call('POST', `/organizations/${orgA.id}/teams`, orgA.adminToken, '{"name":');
      expect(notJson.status).toBe(400);
      expect(fields(notJson.body)).toEqual(['body']);
      const big = await t.call('POST', `/organizations/${orgA.id}/teams`, orgA.adminToken, {
        name: 'big',
        description: 'x'.repeat(1024 * 1024 + 10),
      });
      expect(big.status).toBe(413);
    });
  });
});
