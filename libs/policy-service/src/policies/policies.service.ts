import { Inject, Injectable } from '@nestjs/common';
import {
  likePattern,
  problems,
  writeAudit,
  type Actor,
  type FieldProblem,
  type RouteInput,
} from '@optscale/admin-api';
import { compileCondition } from '@optscale/conditions';
import type { GuardrailType, RequestType } from '@optscale/contracts';
import {
  CONTROL_PLANE_CONTEXT,
  type ControlPlaneContext,
  type SnapshotPublisher,
} from '@optscale/control-plane';
import { Guardrail, Policy, PolicyGuardrail } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { POLICIES_PUBLISHER, assertOrganization, conflictOn } from '../shared';
import { policyStats, windowTotals } from '../stats/stats.query';
import type { PolicyStats } from '../stats/stats.schema';
import type { policyCrudRoutes, policyDetailSchema, policySchema } from './policies.routes';
import { stageMismatch, stagesCompatible } from './stage';

type Routes = typeof policyCrudRoutes;
type PolicyView = z.infer<typeof policySchema>;
type PolicyDetail = z.infer<typeof policyDetailSchema>;
/** A policy's fields as they will be saved (after defaults, or after applying a PATCH). */
type PolicyFields = Omit<PolicyView, 'id' | 'guardrail_count' | 'stats' | 'created_at' | 'updated_at'>;

const NAME_UNIQUE = 'UQ_policies_organization_name';
const SORT_COLUMNS = { name: 'p.name', created_at: 'p.created_at' } as const;
/** The window of the statistics shown with policies (PRODUCT.md 4.7: 24-hour cards). */
const CARD_HOURS = 24;
const nameTaken = (name: string) => () => `a policy named "${name}" already exists in this organization`;

function policyView(row: Policy, guardrailIds: string[], stats: PolicyStats): PolicyView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled,
    condition: row.condition,
    stage: row.stage,
    sampling_rate: row.samplingRate,
    timeout_ms: row.timeoutMs,
    pass_on_timeout: row.passOnTimeout,
    request_types: row.requestTypes as RequestType[],
    reversible_redaction: row.reversibleRedaction,
    guardrail_ids: guardrailIds,
    guardrail_count: guardrailIds.length,
    stats,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Linked guardrail ids per policy, in evaluation order. */
async function linksOf(m: EntityManager, policyIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (policyIds.length === 0) return out;
  const rows = await m.getRepository(PolicyGuardrail).find({
    where: { policyId: In([...policyIds]) },
    order: { position: 'ASC', guardrailId: 'ASC' },
  });
  for (const row of rows) out.set(row.policyId, [...(out.get(row.policyId) ?? []), row.guardrailId]);
  return out;
}

async function findPolicy(m: EntityManager, organizationId: string, id: string): Promise<Policy> {
  const row = await m.getRepository(Policy).findOneBy({ id, organizationId });
  if (!row) throw problems.notFound('policy', id);
  return row;
}

async function detail(m: EntityManager, row: Policy): Promise<PolicyDetail> {
  const ids = (await linksOf(m, [row.id])).get(row.id) ?? [];
  const guardrails = new Map(
    (ids.length === 0 ? [] : await m.getRepository(Guardrail).findBy({ id: In(ids) })).map((g) => [g.id, g]),
  );
  const totals = await windowTotals(m, row.organizationId, [row.id], CARD_HOURS);
  return {
    ...policyView(row, ids, policyStats(totals.get(row.id), CARD_HOURS, ids.length)),
    guardrails: ids.flatMap((id) => {
      const g = guardrails.get(id);
      return g ? [{ id, name: g.name, type: g.type as GuardrailType, stage: g.stage, action: g.action }] : [];
    }),
  };
}

/** What the audit log keeps of a policy (its definition, not its statistics). */
function auditView(view: PolicyDetail): Record<string, unknown> {
  const { stats: _stats, guardrails: _guardrails, ...definition } = view;
  return definition;
}

/**
 * What the schemas cannot check: the condition compiles; every linked guardrail is listed once,
 * belongs to the organization, and runs at every stage the policy runs (`stagesCompatible`).
 */
async function policyProblems(m: EntityManager, organizationId: string, fields: PolicyFields) {
  const errors: FieldProblem[] = [];
  if (fields.condition !== '') {
    const compiled = compileCondition(fields.condition);
    if (!compiled.ok) errors.push({ field: 'body.condition', message: compiled.error });
  }
  const guardrails = new Map(
    (
      await m.getRepository(Guardrail).find({
        select: { id: true, stage: true, name: true },
        where: { organizationId, id: In([...new Set(fields.guardrail_ids)]) },
      })
    ).map((g) => [g.id, g]),
  );
  const seen = new Set<string>();
  fields.guardrail_ids.forEach((id, i) => {
    const field = `body.guardrail_ids.${i}`;
    const g = guardrails.get(id);
    if (seen.has(id)) errors.push({ field, message: `guardrail ${id} is listed more than once` });
    else if (!g) errors.push({ field, message: `no guardrail ${id} in this organization` });
    else if (!stagesCompatible(fields.stage, g.stage)) {
      errors.push({ field, message: `"${g.name}": ${stageMismatch(fields.stage, g.stage)}` });
    }
    seen.add(id);
  });
  return errors;
}

function columns(fields: PolicyFields): Partial<Policy> {
  return {
    name: fields.name,
    description: fields.description,
    enabled: fields.enabled,
    condition: fields.condition,
    stage: fields.stage,
    samplingRate: fields.sampling_rate,
    timeoutMs: fields.timeout_ms,
    passOnTimeout: fields.pass_on_timeout,
    requestTypes: [...new Set(fields.request_types)],
    reversibleRedaction: fields.reversible_redaction,
  };
}

async function replaceLinks(m: EntityManager, policyId: string, guardrailIds: readonly string[]) {
  await m.getRepository(PolicyGuardrail).delete({ policyId });
  await m
    .getRepository(PolicyGuardrail)
    .insert(guardrailIds.map((guardrailId, position) => ({ policyId, guardrailId, position })));
}

/**
 * Policies (PRODUCT.md 4.7) and their linked guardrails. Each change is one transaction with its
 * audit row, then a sync of `optscale.config.policies.v1` for the organization.
 */
@Injectable()
export class PoliciesService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(POLICIES_PUBLISHER) private readonly publisher: SnapshotPublisher<'optscale.config.policies.v1'>,
  ) {}

  async list(organizationId: string, query: RouteInput<Routes['list']>['query']) {
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    const summary = await m
      .getRepository(Policy)
      .createQueryBuilder('p')
      .select('COUNT(*)::int', 'total')
      .addSelect('COUNT(*) FILTER (WHERE p.enabled)::int', 'enabled')
      .where('p.organization_id = :organizationId', { organizationId })
      .getRawOne<{ total: number; enabled: number }>();
    const guardrails = await m.getRepository(Guardrail).countBy({ organizationId });
    const page = m
      .getRepository(Policy)
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId', { organizationId });
    if (query.enabled !== undefined) page.andWhere('p.enabled = :enabled', { enabled: query.enabled });
    if (query.stage) page.andWhere('p.stage IN (:...stages)', { stages: query.stage });
    if (query.search) {
      page.andWhere('(p.name ILIKE :search OR p.description ILIKE :search OR p.condition ILIKE :search)', {
        search: likePattern(query.search),
      });
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await page
      .orderBy(SORT_COLUMNS[query.sort], direction)
      .addOrderBy('p.id', direction)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const ids = rows.map((r) => r.id);
    const links = await linksOf(m, ids);
    const totals = await windowTotals(m, organizationId, ids, CARD_HOURS);
    return {
      items: rows.map((r) => {
        const linked = links.get(r.id) ?? [];
        return policyView(r, linked, policyStats(totals.get(r.id), CARD_HOURS, linked.length));
      }),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: { total: Number(summary?.total ?? 0), enabled: Number(summary?.enabled ?? 0), guardrails },
    };
  }

  async get(organizationId: string, policyId: string): Promise<PolicyDetail> {
    const m = this.ctx.dataSource.manager;
    return detail(m, await findPolicy(m, organizationId, policyId));
  }

  async stats(organizationId: string, policyId: string, hours: number): Promise<PolicyStats> {
    const m = this.ctx.dataSource.manager;
    await findPolicy(m, organizationId, policyId);
    const linked = await m.getRepository(PolicyGuardrail).countBy({ policyId });
    const totals = await windowTotals(m, organizationId, [policyId], hours);
    return policyStats(totals.get(policyId), hours, linked);
  }

  async create(actor: Actor, organizationId: string, body: RouteInput<Routes['create']>['body']) {
    const fields: PolicyFields = { ...body, description: body.description ?? null };
    const result = await this.ctx.dataSource.transaction(async (tx) => {
      await assertOrganization(tx, organizationId);
      const errors = await policyProblems(tx, organizationId, fields);
      if (errors.length > 0) throw problems.validation(errors);
      const repository = tx.getRepository(Policy);
      const { id } = await conflictOn(NAME_UNIQUE, 'body.name', nameTaken(fields.name), () =>
        repository.save({ organizationId, ...columns(fields) }),
      );
      await replaceLinks(tx, id, fields.guardrail_ids);
      const view = await detail(tx, await repository.findOneByOrFail({ id }));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'policy.create',
        entityType: 'policy',
        entityId: id,
        after: auditView(view),
      });
      return view;
    });
    await this.publisher.sync(organizationId);
    return result;
  }

  async update(
    actor: Actor,
    organizationId: string,
    policyId: string,
    body: RouteInput<Routes['update']>['body'],
  ): Promise<PolicyDetail> {
    const result = await this.ctx.dataSource.transaction(async (tx) => {
      const row = await findPolicy(tx, organizationId, policyId);
      const before = await detail(tx, row);
      const fields: PolicyFields = {
        name: body.name ?? before.name,
        description: body.description === undefined ? before.description : body.description,
        enabled: body.enabled ?? before.enabled,
        condition: body.condition ?? before.condition,
        stage: body.stage ?? before.stage,
        sampling_rate: body.sampling_rate ?? before.sampling_rate,
        timeout_ms: body.timeout_ms ?? before.timeout_ms,
        pass_on_timeout: body.pass_on_timeout ?? before.pass_on_timeout,
        request_types: body.request_types ?? before.request_types,
        reversible_redaction: body.reversible_redaction ?? before.reversible_redaction,
        guardrail_ids: body.guardrail_ids ?? before.guardrail_ids,
      };
      const errors = await policyProblems(tx, organizationId, fields);
      if (errors.length > 0) throw problems.validation(errors);
      await conflictOn(NAME_UNIQUE, 'body.name', nameTaken(fields.name), () =>
        tx.getRepository(Policy).save(Object.assign(row, columns(fields))),
      );
      if (body.guardrail_ids !== undefined) await replaceLinks(tx, policyId, fields.guardrail_ids);
      const view = await detail(tx, await findPolicy(tx, organizationId, policyId));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'policy.update',
        entityType: 'policy',
        entityId: policyId,
        before: auditView(before),
        after: auditView(view),
      });
      return view;
    });
    await this.publisher.sync(organizationId);
    return result;
  }

  async remove(actor: Actor, organizationId: string, policyId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      const row = await findPolicy(tx, organizationId, policyId);
      const before = await detail(tx, row);
      // Its links and hourly statistics go with it (ON DELETE CASCADE); the guardrails stay.
      await tx.getRepository(Policy).delete({ id: policyId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'policy.delete',
        entityType: 'policy',
        entityId: policyId,
        before: auditView(before),
      });
    });
    // Publishes the tombstone of `<org>/<policy id>`: gateways drop the policy.
    await this.publisher.sync(organizationId);
  }
}
