import { Inject, Injectable } from '@nestjs/common';
import {
  hashPassword,
  newSessionToken,
  problems,
  sha256Tag,
  verifyPassword,
  writeAudit,
  type Actor,
  type RouteInput,
} from '@optscale/admin-api';
import { Organization, Session, User } from '@optscale/database';
import { LessThan, Not } from 'typeorm';
import { allowedProvidersOf, teamsOf } from '../lookups';
import { AuthStore } from '../publishers';
import { iso } from '../schemas';
import type { sessionRoutes } from './session.routes';

/** Admin sessions last a working day; the Admin UI logs in again after that. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/**
 * Verified against when the email is unknown, so that a login takes as long with an unknown email
 * as with a wrong password (no account enumeration by timing). Computed once, lazily.
 */
let dummyHash: Promise<string> | undefined;

type UserActor = Extract<Actor, { kind: 'user' }>;

export function requireUser(actor: Actor): UserActor {
  if (actor.kind !== 'user')
    throw problems.forbidden('this needs a user session, not the installation token');
  return actor;
}

@Injectable()
export class SessionService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async login(body: RouteInput<typeof sessionRoutes.login>['body']) {
    const where = body.organization_id
      ? { email: body.email, organizationId: body.organization_id }
      : { email: body.email };
    const candidates = await this.store.dataSource.getRepository(User).find({ where });
    // Check the password against every account with this email first: asking for the
    // organization before that would tell anyone which emails exist in several organizations.
    const matching: User[] = [];
    for (const user of candidates) {
      if (user.passwordHash && (await verifyPassword(body.password, user.passwordHash))) matching.push(user);
    }
    if (candidates.length === 0) {
      await verifyPassword(body.password, await (dummyHash ??= hashPassword('not-a-real-password')));
    }
    const user = matching[0];
    if (!user) throw problems.unauthenticated('wrong email or password');
    if (matching.length > 1) {
      throw problems.badRequest(
        'this email belongs to several organizations: send organization_id',
        'body.organization_id',
      );
    }
    const token = newSessionToken();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.store.change(user.organizationId, [], async (m) => {
      // Expired sessions of this user are useless rows; logging in is a good moment to drop them.
      await m.getRepository(Session).delete({ userId: user.id, expiresAt: LessThan(now) });
      await m.getRepository(Session).insert({
        tokenHash: sha256Tag(token),
        userId: user.id,
        organizationId: user.organizationId,
        expiresAt,
      });
      await m.getRepository(User).update({ id: user.id }, { lastLoginAt: now });
      await writeAudit(m, {
        organizationId: user.organizationId,
        actor: null,
        action: 'user.login',
        entityType: 'user',
        entityId: user.id,
        after: { email: user.email, expires_at: expiresAt },
      });
    });
    return {
      token,
      expires_at: iso(expiresAt),
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organization_id: user.organizationId,
      },
    };
  }

  async logout(actor: Actor): Promise<void> {
    // The installation token is configuration, not a session: there is nothing to end.
    if (actor.kind !== 'user') return;
    await this.store.change(actor.organizationId, [], async (m) => {
      await m.getRepository(Session).delete({ id: actor.sessionId });
      await writeAudit(m, {
        organizationId: actor.organizationId,
        actor,
        action: 'user.logout',
        entityType: 'user',
        entityId: actor.userId,
      });
    });
  }

  async me(actor: Actor) {
    if (actor.kind === 'installation') return { kind: 'installation' as const };
    const m = this.store.dataSource.manager;
    const user = await m.getRepository(User).findOneBy({ id: actor.userId });
    const organization = await m.getRepository(Organization).findOneBy({ id: actor.organizationId });
    if (!user || !organization) throw problems.unauthenticated('the user of this session is gone');
    const teams = await teamsOf(m, [user.id]);
    const allowed = await allowedProvidersOf(m, [user.id]);
    return {
      kind: 'user' as const,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        organization_id: user.organizationId,
        last_login_at: iso(user.lastLoginAt),
        created_at: iso(user.createdAt),
      },
      organization: { id: organization.id, name: organization.name, currency: organization.currency },
      teams: teams.get(user.id) ?? [],
      allowed_providers: allowed.get(user.id) ?? [],
    };
  }

  async changePassword(
    actor: Actor,
    body: RouteInput<typeof sessionRoutes.changePassword>['body'],
  ): Promise<void> {
    const self = requireUser(actor);
    const user = await this.store.dataSource.getRepository(User).findOneBy({ id: self.userId });
    if (!user?.passwordHash || !(await verifyPassword(body.current_password, user.passwordHash))) {
      throw problems.badRequest('the current password is wrong', 'body.current_password');
    }
    const passwordHash = await hashPassword(body.new_password);
    await this.store.change(self.organizationId, [], async (m) => {
      await m.getRepository(User).update({ id: user.id }, { passwordHash });
      // Whoever else holds a session of this user (a stolen token, another browser) is logged out.
      await m.getRepository(Session).delete({ userId: user.id, id: Not(self.sessionId) });
      await writeAudit(m, {
        organizationId: self.organizationId,
        actor,
        action: 'user.change_password',
        entityType: 'user',
        entityId: user.id,
      });
    });
  }
}
