import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UserRole } from '@optscale/contracts';
import { problems } from './problem';

/** Who is calling the admin API, established by the guard. */
export type Actor =
  | {
      /** The bootstrap admin token from the environment: the installation's administrator. */
      kind: 'installation';
    }
  | {
      kind: 'user';
      userId: string;
      organizationId: string;
      role: UserRole;
      email: string;
      sessionId: string;
    };

/** For the audit log: null is the installation token (or the system). */
export function actorUserId(actor: Actor): string | null {
  return actor.kind === 'user' ? actor.userId : null;
}

const RANK: Record<UserRole, number> = { member: 0, manager: 1, admin: 2 };

/** Whether the actor has at least `role` in `organizationId` (the installation token always has). */
export function hasRole(actor: Actor, organizationId: string, role: UserRole): boolean {
  if (actor.kind === 'installation') return true;
  return actor.organizationId === organizationId && RANK[actor.role] >= RANK[role];
}

/**
 * Members act only on themselves; managers and admins on anyone in their organization. Throws 404
 * (not 403) for another user's things, so a member cannot probe what exists.
 */
export function assertSelfOrRole(
  actor: Actor,
  organizationId: string,
  userId: string,
  role: UserRole,
  entity: string,
  id?: string,
): void {
  if (hasRole(actor, organizationId, role)) return;
  if (actor.kind === 'user' && actor.organizationId === organizationId && actor.userId === userId) return;
  throw problems.notFound(entity, id);
}

export interface RequestWithActor {
  actor?: Actor;
}

/** The authenticated caller of a guarded route. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw problems.unauthenticated();
  return actor;
});
