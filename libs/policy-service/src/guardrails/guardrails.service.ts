import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { likePattern, problems, writeAudit, type Actor, type RouteInput } from '@optscale/admin-api';
import type { GuardrailSettings, GuardrailSnapshot, PolicyStage } from '@optscale/contracts';
import {
  CONTROL_PLANE_CONTEXT,
  type ControlPlaneContext,
  type SnapshotPublisher,
} from '@optscale/control-plane';
import { Guardrail, Policy, PolicyGuardrail } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { stageMismatch, stagesCompatible } from '../policies/stage';
import { POLICIES_PUBLISHER, assertOrganization, conflictOn } from '../shared';
import type { guardrailDetailSchema, guardrailRoutes, guardrailSchema } from './guardrails.routes';
import { apiSettings, contractSettings, detectorProblems, type ApiSettings } from './settings';

type Routes = typeof guardrailRoutes;
type GuardrailView = z.infer<typeof guardrailSchema>;
type GuardrailDetail = z.infer<typeof guardrailDetailSchema>;

const NAME_UNIQUE = 'UQ_guardrails_organization_name';
const SORT_COLUMNS = { name: 'g.name', created_at: 'g.created_at', type: 'g.type' } as const;
const nameTaken = (name: string) => () => `a guardrail named "${name}" already exists in this organization`;

export function guardrailView(row: Guardrail, policyCount: number): GuardrailView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    type: row.type as GuardrailView['type'],
    stage: row.stage,
    threshold: row.threshold,
    action: row.action,
    settings: apiSettings(row.settings as GuardrailSettings),
    policy_count: policyCount,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

async function policyCounts(m: EntityManager, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await m
    .getRepository(PolicyGuardrail)
    .createQueryBuilder('pg')
    .select(['pg.guardrail_id AS guardrail_id', 'COUNT(*)::int AS count'])
    .where('pg.guardrail_id IN (:...ids)', { ids })
    .groupBy('pg.guardrail_id')
    .getRawMany<{ guardrail_id: string; count: number }>();
  return new Map(rows.map((r) => [r.guardrail_id, r.count]));
}

async function linkedPolicies(m: EntityManager, guardrailId: string): Promise<Policy[]> {
  return m
    .getRepository(Policy)
    .createQueryBuilder('p')
    .innerJoin(PolicyGuardrail, 'pg', 'pg.policy_id = p.id')
    .where('pg.guardrail_id = :guardrailId', { guardrailId })
    .orderBy('p.name', 'ASC')
    .getMany();
}

async function detail(m: EntityManager, row: Guardrail): Promise<GuardrailDetail> {
  const policies = await linkedPolicies(m, row.id);
  return {
    ...guardrailView(row, policies.length),
    policies: policies.map((p) => ({ id: p.id, name: p.name, stage: p.stage })),
  };
}

async function findGuardrail(m: EntityManager, organizationId: string, id: string): Promise<Guardrail> {
  const row = await m.getRepository(Guardrail).findOneBy({ id, organizationId });
  if (!row) throw problems.notFound('guardrail', id);
  return row;
}

interface GuardrailFields {
  name: string;
  type: GuardrailView['type'];
  stage: PolicyStage;
  threshold: number;
  action: GuardrailView['action'];
  settings: ApiSettings;
}

/** The settings in the contract's form, checked by the contract's schema and the detectors; 400 otherwise. */
function checkedSettings(id: string, fields: GuardrailFields): GuardrailSettings {
  const converted = contractSettings(fields.type, fields.settings);
  if (!converted.ok) throw problems.validation(converted.errors);
  const snapshot: GuardrailSnapshot = {
    id,
    name: fields.name,
    stage: fields.stage,
    threshold: fields.threshold,
    action: fields.action,
    settings: converted.settings,
  };
  const errors = detectorProblems(snapshot);
  if (errors.length > 0) throw problems.validation(errors);
  return converted.settings;
}

/**
 * Guardrails (PRODUCT.md 4.8). They are published only inside the policies linking them, so a change
 * is followed by a sync of the organization's policies: the diffing publisher republishes exactly
 * the policies whose embedded copy changed.
 */
@Injectable()
export class GuardrailsService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(POLICIES_PUBLISHER) private readonly publisher: SnapshotPublisher<'optscale.config.policies.v1'>,
  ) {}

  async list(organizationId: string, query: RouteInput<Routes['list']>['query']) {
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    const summary = await m
      .getRepository(Guardrail)
      .createQueryBuilder('g')
      .select('COUNT(*)::int', 'total')
      .addSelect(
        'COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM policy_guardrails pg WHERE pg.guardrail_id = g.id))::int',
        'linked',
      )
      .where('g.organization_id = :organizationId', { organizationId })
      .getRawOne<{ total: number; linked: number }>();
    const page = m
      .getRepository(Guardrail)
      .createQueryBuilder('g')
      .where('g.organization_id = :organizationId', { organizationId });
    if (query.type) page.andWhere('g.type IN (:...types)', { types: query.type });
    if (query.stage) page.andWhere('g.stage IN (:...stages)', { stages: query.stage });
    if (query.action) page.andWhere('g.action IN (:...actions)', { actions: query.action });
    if (query.search) {
      page.andWhere('(g.name ILIKE :search OR g.description ILIKE :search OR g.type ILIKE :search)', {
        search: likePattern(query.search),
      });
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await page
      .orderBy(SORT_COLUMNS[query.sort], direction)
      .addOrderBy('g.id', direction)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const counts = await policyCounts(
      m,
      rows.map((r) => r.id),
    );
    return {
      items: rows.map((r) => guardrailView(r, counts.get(r.id) ?? 0)),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: { total: Number(summary?.total ?? 0), linked: Number(summary?.linked ?? 0) },
    };
  }

  async get(organizationId: string, guardrailId: string): Promise<GuardrailDetail> {
    const m = this.ctx.dataSource.manager;
    return detail(m, await findGuardrail(m, organizationId, guardrailId));
  }

  create(actor: Actor, organizationId: string, body: RouteInput<Routes['create']>['body']) {
    return this.ctx.dataSource.transaction(async (tx) => {
      await assertOrganization(tx, organizationId);
      const repository = tx.getRepository(Guardrail);
      const id = randomUUID();
      const settings = checkedSettings(id, body);
      const row = await conflictOn(NAME_UNIQUE, 'body.name', nameTaken(body.name), () =>
        repository.save({
          id,
          organizationId,
          name: body.name,
          description: body.description ?? null,
          type: body.type,
          stage: body.stage,
          threshold: body.threshold,
          action: body.action,
          settings,
        }),
      );
      const view = await detail(tx, await repository.findOneByOrFail({ id: row.id }));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'guardrail.create',
        entityType: 'guardrail',
        entityId: row.id,
        after: view,
      });
      // Nothing links a new guardrail yet: no policy changes, nothing to publish.
      return view;
    });
  }

  async update(
    actor: Actor,
    organizationId: string,
    guardrailId: string,
    body: RouteInput<Routes['update']>['body'],
  ): Promise<GuardrailDetail> {
    const result = await this.ctx.dataSource.transaction(async (tx) => {
      const row = await findGuardrail(tx, organizationId, guardrailId);
      const before = await detail(tx, row);
      const type = body.type ?? before.type;
      const fields: GuardrailFields = {
        name: body.name ?? row.name,
        type,
        stage: body.stage ?? row.stage,
        threshold: body.threshold ?? row.threshold,
        action: body.action ?? row.action,
        // A new type does not inherit the old type's settings.
        settings: body.settings ?? (type === before.type ? before.settings : {}),
      };
      const settings = checkedSettings(row.id, fields);
      const incompatible = before.policies.filter((p) => !stagesCompatible(p.stage, fields.stage));
      if (incompatible.length > 0) {
        throw problems.badRequest(
          `linked policies need another stage: ${incompatible
            .map((p) => `"${p.name}" (${stageMismatch(p.stage, fields.stage)})`)
            .join('; ')}`,
          'body.stage',
        );
      }
      Object.assign(row, {
        name: fields.name,
        type: fields.type,
        stage: fields.stage,
        threshold: fields.threshold,
        action: fields.action,
        settings,
        ...(body.description !== undefined ? { description: body.description } : {}),
      });
      await conflictOn(NAME_UNIQUE, 'body.name', nameTaken(fields.name), () =>
        tx.getRepository(Guardrail).save(row),
      );
      const view = await detail(tx, await findGuardrail(tx, organizationId, guardrailId));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'guardrail.update',
        entityType: 'guardrail',
        entityId: guardrailId,
        before,
        after: view,
      });
      return view;
    });
    // Every policy embedding this guardrail is republished (only those: the publisher diffs).
    await this.publisher.sync(organizationId);
    return result;
  }

  /**
   * Refused (409) while a policy links it: deleting would silently weaken those policies. Unlinking
   * first makes that an explicit change of each policy.
   */
  async remove(actor: Actor, organizationId: string, guardrailId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      const row = await findGuardrail(tx, organizationId, guardrailId);
      const before = await detail(tx, row);
      if (before.policies.length > 0) {
        throw problems.conflict(
          `guardrail is linked from ${before.policies.map((p) => `"${p.name}"`).join(', ')}; unlink it first`,
        );
      }
      await tx.getRepository(Guardrail).delete({ id: guardrailId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'guardrail.delete',
        entityType: 'guardrail',
        entityId: guardrailId,
        before,
      });
    });
  }
}
