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
import {
  CONTROL_PLANE_CONTEXT,
  type ControlPlaneContext,
  type SnapshotPublisher,
} from '@optscale/control-plane';
import { Provider, RoutingRule, Team, VirtualKey } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { assertOrganization } from './access';
import { violatedUniqueConstraint } from './db-errors';
import type { routingRuleRoutes, routingRuleSchema } from './routing-rule.routes';
import { ROUTES_PUBLISHER } from './tokens';

type Routes = typeof routingRuleRoutes;
type ListQuery = RouteInput<Routes['list']>['query'];
type CreateBody = RouteInput<Routes['create']>['body'];
type UpdateBody = RouteInput<Routes['update']>['body'];
export type RoutingRuleView = z.infer<typeof routingRuleSchema>;

const NAME_UNIQUE = 'UQ_routing_rules_organization_name';
const SORT_COLUMNS = { priority: 'rule.priority', name: 'rule.name', created_at: 'rule.created_at' } as const;

const nameTaken = (name: string) =>
  problems.conflict(`a routing rule named "${name}" already exists in this organization`, 'body.name');

/** A rule as the API returns it (and the audit log keeps it). */
export function routingRuleView(rule: RoutingRule): RoutingRuleView {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    condition: rule.condition,
    scope: rule.scope,
    scope_id: rule.scopeId,
    priority: rule.priority,
    models: rule.models,
    targets: rule.targets.map((t) => ({
      provider: t.provider,
      ...(t.model !== undefined ? { model: t.model } : {}),
      weight: t.weight ?? 1,
    })),
    fallbacks: rule.fallbacks.map((t) => ({
      provider: t.provider,
      ...(t.model !== undefined ? { model: t.model } : {}),
    })),
    retry: rule.retry && {
      max_retries: rule.retry.maxRetries,
      initial_backoff_ms: rule.retry.initialBackoffMs,
      max_backoff_ms: rule.retry.maxBackoffMs,
    },
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

/** The rule's fields as they will be saved (after defaults, or after applying a PATCH). */
type RuleFields = Omit<RoutingRuleView, 'id' | 'created_at' | 'updated_at'>;

/**
 * Everything about a rule that the schemas cannot check: the condition compiles, the scope names a
 * team or key of this organization (or nothing for `organization`), every target and fallback
 * names a provider connection of the organization, and the retry backoff bounds are ordered.
 */
async function ruleProblems(m: EntityManager, organizationId: string, rule: RuleFields) {
  const errors: FieldProblem[] = [];
  if (rule.condition !== '') {
    const compiled = compileCondition(rule.condition);
    if (!compiled.ok) errors.push({ field: 'body.condition', message: compiled.error });
  }
  if (rule.scope === 'organization') {
    if (rule.scope_id !== null) {
      errors.push({ field: 'body.scope_id', message: 'must be absent or null for the organization scope' });
    }
  } else if (rule.scope_id === null) {
    errors.push({ field: 'body.scope_id', message: `required for the ${rule.scope} scope` });
  } else {
    const entity = rule.scope === 'team' ? Team : VirtualKey;
    if (!(await m.getRepository(entity).existsBy({ id: rule.scope_id, organizationId }))) {
      errors.push({
        field: 'body.scope_id',
        message: `no ${rule.scope} ${rule.scope_id} in this organization`,
      });
    }
  }
  const named = [...rule.targets, ...rule.fallbacks].map((t) => t.provider);
  const known = new Set(
    named.length === 0
      ? []
      : (
          await m.getRepository(Provider).find({
            select: { proxyName: true },
            where: { organizationId, proxyName: In([...new Set(named)]) },
          })
        ).map((p) => p.proxyName),
  );
  const unknown = (list: 'targets' | 'fallbacks') =>
    rule[list].forEach((t, i) => {
      if (!known.has(t.provider)) {
        errors.push({
          field: `body.${list}.${i}.provider`,
          message: `no provider with proxy_name "${t.provider}" in this organization`,
        });
      }
    });
  unknown('targets');
  unknown('fallbacks');
  if (rule.retry && rule.retry.initial_backoff_ms > rule.retry.max_backoff_ms) {
    errors.push({ field: 'body.retry.max_backoff_ms', message: 'must be at least initial_backoff_ms' });
  }
  return errors;
}

function columns(rule: RuleFields): Partial<RoutingRule> {
  return {
    name: rule.name,
    description: rule.description,
    enabled: rule.enabled,
    condition: rule.condition,
    scope: rule.scope,
    scopeId: rule.scope === 'organization' ? null : rule.scope_id,
    priority: rule.priority,
    models: [...new Set(rule.models)],
    targets: rule.targets.map((t) => ({ ...t })),
    fallbacks: rule.fallbacks.map((t) => ({ ...t })),
    retry: rule.retry && {
      maxRetries: rule.retry.max_retries,
      initialBackoffMs: rule.retry.initial_backoff_ms,
      maxBackoffMs: rule.retry.max_backoff_ms,
    },
  };
}

async function findRule(m: EntityManager, organizationId: string, ruleId: string): Promise<RoutingRule> {
  const rule = await m.getRepository(RoutingRule).findOneBy({ id: ruleId, organizationId });
  if (!rule) throw problems.notFound('routing rule', ruleId);
  return rule;
}

/**
 * Routing rules (PRODUCT.md 4.6). Each change is one transaction with its audit row, then a sync of
 * `optscale.config.routes.v1` for the organization (the publisher works out the messages, tombstones
 * included).
 */
@Injectable()
export class RoutingRulesService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(ROUTES_PUBLISHER) private readonly publisher: SnapshotPublisher<'optscale.config.routes.v1'>,
  ) {}

  async list(organizationId: string, query: ListQuery) {
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    const summary = await m
      .getRepository(RoutingRule)
      .createQueryBuilder('rule')
      .select('COUNT(*)::int', 'total')
      .addSelect('COUNT(*) FILTER (WHERE rule.enabled)::int', 'enabled')
      .where('rule.organization_id = :organizationId', { organizationId })
      .getRawOne<{ total: number; enabled: number }>();
    const page = m
      .getRepository(RoutingRule)
      .createQueryBuilder('rule')
      .where('rule.organization_id = :organizationId', { organizationId });
    if (query.enabled !== undefined) page.andWhere('rule.enabled = :enabled', { enabled: query.enabled });
    if (query.scope) page.andWhere('rule.scope IN (:...scopes)', { scopes: query.scope });
    if (query.search) {
      page.andWhere(
        '(rule.name ILIKE :search OR rule.description ILIKE :search OR rule.condition ILIKE :search)',
        { search: likePattern(query.search) },
      );
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    page.orderBy(SORT_COLUMNS[query.sort], direction);
    // Ties (equal priorities) in name order; the id keeps pages stable.
    if (query.sort !== 'name') page.addOrderBy('rule.name', 'ASC');
    const [rows, total] = await page
      .addOrderBy('rule.id', 'ASC')
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const all = Number(summary?.total ?? 0);
    const enabled = Number(summary?.enabled ?? 0);
    return {
      items: rows.map(routingRuleView),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: { total: all, enabled, disabled: all - enabled },
    };
  }

  async get(organizationId: string, ruleId: string): Promise<RoutingRuleView> {
    return routingRuleView(await findRule(this.ctx.dataSource.manager, organizationId, ruleId));
  }

  async create(actor: Actor, organizationId: string, body: CreateBody): Promise<RoutingRuleView> {
    const fields: RuleFields = {
      ...body,
      description: body.description ?? null,
      scope_id: body.scope_id ?? null,
      retry: body.retry ?? null,
    };
    const result = await this.write(async (tx) => {
      await assertOrganization(tx, organizationId);
      const errors = await ruleProblems(tx, organizationId, fields);
      if (errors.length > 0) throw problems.validation(errors);
      const repository = tx.getRepository(RoutingRule);
      const { id } = await repository.save({ organizationId, ...columns(fields) });
      const view = routingRuleView(await repository.findOneByOrFail({ id }));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'routing_rule.create',
        entityType: 'routing_rule',
        entityId: id,
        after: view,
      });
      return view;
    }, fields.name);
    await this.publisher.sync(organizationId);
    return result;
  }

  async update(actor: Actor, organizationId: string, ruleId: string, body: UpdateBody) {
    let name = body.name ?? '';
    const result = await this.write(
      async (tx) => {
        const rule = await findRule(tx, organizationId, ruleId);
        const before = routingRuleView(rule);
        const fields: RuleFields = {
          name: body.name ?? before.name,
          description: body.description === undefined ? before.description : body.description,
          enabled: body.enabled ?? before.enabled,
          condition: body.condition ?? before.condition,
          scope: body.scope ?? before.scope,
          scope_id: body.scope_id === undefined ? before.scope_id : body.scope_id,
          priority: body.priority ?? before.priority,
          models: body.models ?? before.models,
          targets: body.targets ?? before.targets,
          fallbacks: body.fallbacks ?? before.fallbacks,
          retry: body.retry === undefined ? before.retry : body.retry,
        };
        // Moving a rule to the organization scope drops its scope id rather than failing on it.
        if (body.scope === 'organization' && body.scope_id === undefined) fields.scope_id = null;
        name = fields.name;
        const errors = await ruleProblems(tx, organizationId, fields);
        if (errors.length > 0) throw problems.validation(errors);
        const repository = tx.getRepository(RoutingRule);
        await repository.save(Object.assign(rule, columns(fields)));
        const view = routingRuleView(await repository.findOneByOrFail({ id: ruleId }));
        await writeAudit(tx, {
          organizationId,
          actor,
          action: 'routing_rule.update',
          entityType: 'routing_rule',
          entityId: ruleId,
          before,
          after: view,
        });
        return view;
      },
      () => name,
    );
    await this.publisher.sync(organizationId);
    return result;
  }

  async remove(actor: Actor, organizationId: string, ruleId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      const rule = await findRule(tx, organizationId, ruleId);
      await tx.getRepository(RoutingRule).delete({ id: ruleId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'routing_rule.delete',
        entityType: 'routing_rule',
        entityId: ruleId,
        before: routingRuleView(rule),
      });
    });
    // Publishes the tombstone of `<org>/<rule id>`: gateways drop the rule.
    await this.publisher.sync(organizationId);
  }

  /** One transaction; a taken name (the unique constraint decides, under races too) is a 409. */
  private write<T>(work: (tx: EntityManager) => Promise<T>, name: string | (() => string)): Promise<T> {
    return this.ctx.dataSource.transaction(work).catch((error: unknown) => {
      if (violatedUniqueConstraint(error) === NAME_UNIQUE) {
        throw nameTaken(typeof name === 'string' ? name : name());
      }
      throw error;
    });
  }
}
