import { Inject, Injectable } from '@nestjs/common';
import { likePattern, problems, writeAudit, type Actor, type RouteInput } from '@optscale/admin-api';
import { Team, TeamMember, User } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AuthStore } from '../publishers';
import { conflictOn, iso } from '../schemas';
import type { teamDetailSchema, teamRoutes, teamRowSchema } from './teams.routes';

type Routes = typeof teamRoutes;
type TeamRow = z.output<typeof teamRowSchema>;
type TeamDetail = z.output<typeof teamDetailSchema>;

const NAME_TAKEN = 'a team with this name already exists in this organization';
const NAME_UNIQUE = 'UQ_teams_organization_name';

async function memberCounts(m: EntityManager, teamIds: readonly string[]): Promise<Map<string, number>> {
  if (teamIds.length === 0) return new Map();
  const rows = await m
    .getRepository(TeamMember)
    .createQueryBuilder('tm')
    .select(['tm.team_id AS team_id', 'COUNT(*)::int AS count'])
    .where('tm.team_id IN (:...teamIds)', { teamIds })
    .groupBy('tm.team_id')
    .getRawMany<{ team_id: string; count: number }>();
  return new Map(rows.map((r) => [r.team_id, r.count]));
}

async function teamDetail(m: EntityManager, team: Team): Promise<TeamDetail> {
  const members = await m
    .getRepository(User)
    .createQueryBuilder('u')
    .innerJoin(TeamMember, 'tm', 'tm.user_id = u.id')
    .where('tm.team_id = :teamId', { teamId: team.id })
    .orderBy('u.email', 'ASC')
    .getMany();
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    member_count: members.length,
    created_at: iso(team.createdAt),
    members: members.map((u) => ({ id: u.id, email: u.email, name: u.name })),
  };
}

async function findTeamOr404(m: EntityManager, organizationId: string, teamId: string): Promise<Team> {
  const team = await m.getRepository(Team).findOneBy({ id: teamId, organizationId });
  if (!team) throw problems.notFound('team', teamId);
  return team;
}

/** What the audit log keeps of a team. */
function auditView(detail: TeamDetail): Record<string, unknown> {
  return {
    id: detail.id,
    name: detail.name,
    description: detail.description,
    member_ids: detail.members.map((u) => u.id),
  };
}

/**
 * Teams. Membership rides on each user's access snapshot (`teamIds`), so membership changes and
 * team deletion republish access; a rename does not (the snapshot carries ids only).
 */
@Injectable()
export class TeamsService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async list(organizationId: string, query: RouteInput<Routes['list']>['query']) {
    const m = this.store.dataSource.manager;
    const qb = m.getRepository(Team).createQueryBuilder('t').where('t.organization_id = :organizationId', {
      organizationId,
    });
    if (query.search) qb.andWhere('t.name ILIKE :search', { search: likePattern(query.search) });
    qb.orderBy(query.sort === 'name' ? 't.name' : 't.createdAt', query.order === 'asc' ? 'ASC' : 'DESC');
    qb.addOrderBy('t.id', 'ASC');
    const [teams, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    const counts = await memberCounts(
      m,
      teams.map((t) => t.id),
    );
    const items: TeamRow[] = teams.map((t) => ({
      id: t.id,
      name: t.name,
      description: t.description,
      member_count: counts.get(t.id) ?? 0,
      created_at: iso(t.createdAt),
    }));
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async create(actor: Actor, organizationId: string, body: RouteInput<Routes['create']>['body']) {
    return this.store.change(organizationId, [], async (m) => {
      if (await m.getRepository(Team).existsBy({ organizationId, name: body.name })) {
        throw problems.conflict(NAME_TAKEN, 'body.name');
      }
      const team = await conflictOn(NAME_UNIQUE, 'body.name', NAME_TAKEN, () =>
        m
          .getRepository(Team)
          .save({ organizationId, name: body.name, description: body.description ?? null }),
      );
      const detail = await teamDetail(m, team);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'team.create',
        entityType: 'team',
        entityId: team.id,
        after: auditView(detail),
      });
      return detail;
    });
  }

  async get(organizationId: string, teamId: string): Promise<TeamDetail> {
    const m = this.store.dataSource.manager;
    return teamDetail(m, await findTeamOr404(m, organizationId, teamId));
  }

  async update(
    actor: Actor,
    organizationId: string,
    teamId: string,
    body: RouteInput<Routes['update']>['body'],
  ): Promise<TeamDetail> {
    return this.store.change(organizationId, [], async (m) => {
      const team = await findTeamOr404(m, organizationId, teamId);
      const before = auditView(await teamDetail(m, team));
      if (body.name !== undefined && body.name !== team.name) {
        if (await m.getRepository(Team).existsBy({ organizationId, name: body.name })) {
          throw problems.conflict(NAME_TAKEN, 'body.name');
        }
        team.name = body.name;
      }
      if (body.description !== undefined) team.description = body.description;
      await conflictOn(NAME_UNIQUE, 'body.name', NAME_TAKEN, () => m.getRepository(Team).save(team));
      const detail = await teamDetail(m, team);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'team.update',
        entityType: 'team',
        entityId: team.id,
        before,
        after: auditView(detail),
      });
      return detail;
    });
  }

  async delete(actor: Actor, organizationId: string, teamId: string): Promise<void> {
    await this.store.change(organizationId, ['access'], async (m) => {
      const team = await findTeamOr404(m, organizationId, teamId);
      const before = auditView(await teamDetail(m, team));
      await m.getRepository(Team).delete({ id: team.id });
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'team.delete',
        entityType: 'team',
        entityId: team.id,
        before,
      });
    });
  }

  async putMembers(
    actor: Actor,
    organizationId: string,
    teamId: string,
    body: RouteInput<Routes['putMembers']>['body'],
  ): Promise<TeamDetail> {
    return this.store.change(organizationId, ['access'], async (m) => {
      const team = await findTeamOr404(m, organizationId, teamId);
      const before = auditView(await teamDetail(m, team));
      const userIds = [...new Set(body.user_ids)];
      if (userIds.length > 0) {
        const found = await m.getRepository(User).countBy({ id: In(userIds), organizationId });
        if (found !== userIds.length) {
          throw problems.badRequest('unknown user id(s) in this organization', 'body.user_ids');
        }
      }
      await m.getRepository(TeamMember).delete({ teamId: team.id });
      if (userIds.length > 0) {
        await m.getRepository(TeamMember).insert(userIds.map((userId) => ({ teamId: team.id, userId })));
      }
      const detail = await teamDetail(m, team);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'team.members.update',
        entityType: 'team',
        entityId: team.id,
        before,
        after: auditView(detail),
      });
      return detail;
    });
  }
}
