import { Inject, Injectable } from '@nestjs/common';
import { problems, writeAudit, type Actor, type RouteInput } from '@optscale/admin-api';
import { Budget, Team, User, VirtualKey, type BudgetScopeColumn } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { AuthStore } from '../publishers';
import { iso } from '../schemas';
import { normalizeUsd } from './budgets-source';
import type { budgetRoutes, budgetRowSchema } from './budgets.routes';

type Routes = typeof budgetRoutes;
type BudgetRow = z.output<typeof budgetRowSchema>;

function row(budget: Budget): BudgetRow {
  return {
    id: budget.id,
    name: budget.name,
    scope: budget.scope,
    scope_id: budget.scopeId,
    amount_usd: normalizeUsd(budget.amountUsd),
    period: budget.period,
    reset_mode: budget.resetMode,
    requests_per_minute: budget.requestsPerMinute,
    tokens_per_minute: budget.tokensPerMinute,
    active: budget.active,
    created_at: iso(budget.createdAt),
    updated_at: iso(budget.updatedAt),
  };
}

/** What the audit log keeps of a budget: the row without its timestamps. */
function auditView(budget: Budget): Record<string, unknown> {
  const { created_at: _created, updated_at: _updated, ...rest } = row(budget);
  return rest;
}

async function findBudgetOr404(m: EntityManager, organizationId: string, budgetId: string): Promise<Budget> {
  const budget = await m.getRepository(Budget).findOneBy({ id: budgetId, organizationId });
  if (!budget) throw problems.notFound('budget', budgetId);
  return budget;
}

/** The scope's id, checked to be a key, user or team of this organization. */
async function resolveScopeId(
  m: EntityManager,
  organizationId: string,
  scope: BudgetScopeColumn,
  scopeId: string | undefined,
): Promise<string> {
  if (scope === 'organization') {
    if (scopeId !== undefined && scopeId !== organizationId) {
      throw problems.badRequest('an organization budget applies to its own organization', 'body.scope_id');
    }
    return organizationId;
  }
  if (scopeId === undefined) throw problems.badRequest(`a ${scope} budget needs scope_id`, 'body.scope_id');
  const exists =
    scope === 'key'
      ? await m.getRepository(VirtualKey).existsBy({ id: scopeId, organizationId })
      : scope === 'user'
        ? await m.getRepository(User).existsBy({ id: scopeId, organizationId })
        : await m.getRepository(Team).existsBy({ id: scopeId, organizationId });
  if (!exists) throw problems.badRequest(`no ${scope} ${scopeId} in this organization`, 'body.scope_id');
  return scopeId;
}

function requireSomeLimit(budget: Budget): void {
  if (budget.amountUsd === null && budget.requestsPerMinute === null && budget.tokensPerMinute === null) {
    throw problems.badRequest(
      'a budget needs amount_usd, requests_per_minute or tokens_per_minute',
      'body.amount_usd',
    );
  }
}

/**
 * Budgets and rate limits (PRODUCT.md 4.4, 7.2). Each change commits with its audit row, then
 * `optscale.config.budgets.v1` is synced for the organization; the gateways enforce what it says.
 */
@Injectable()
export class BudgetsService {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  async list(organizationId: string, query: RouteInput<Routes['list']>['query']) {
    const qb = this.store.dataSource.manager
      .getRepository(Budget)
      .createQueryBuilder('b')
      .where('b.organization_id = :organizationId', { organizationId });
    if (query.scope !== undefined) qb.andWhere('b.scope = :scope', { scope: query.scope });
    if (query.scope_id !== undefined) qb.andWhere('b.scope_id = :scopeId', { scopeId: query.scope_id });
    if (query.active !== undefined) qb.andWhere('b.active = :active', { active: query.active });
    qb.orderBy('b.createdAt', 'ASC').addOrderBy('b.id', 'ASC');
    const [budgets, total] = await qb.skip(query.offset).take(query.limit).getManyAndCount();
    return { items: budgets.map(row), total, limit: query.limit, offset: query.offset };
  }

  async create(
    actor: Actor,
    organizationId: string,
    body: RouteInput<Routes['create']>['body'],
  ): Promise<BudgetRow> {
    return this.store.change(organizationId, ['budgets'], async (m) => {
      const budget = m.getRepository(Budget).create({
        organizationId,
        scope: body.scope,
        scopeId: await resolveScopeId(m, organizationId, body.scope, body.scope_id),
        name: body.name ?? null,
        amountUsd: body.amount_usd ?? null,
        period: body.period,
        resetMode: body.reset_mode,
        requestsPerMinute: body.requests_per_minute ?? null,
        tokensPerMinute: body.tokens_per_minute ?? null,
        active: body.active,
      });
      requireSomeLimit(budget);
      const saved = await m.getRepository(Budget).save(budget);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'budget.create',
        entityType: 'budget',
        entityId: saved.id,
        after: auditView(saved),
      });
      return row(saved);
    });
  }

  async get(organizationId: string, budgetId: string): Promise<BudgetRow> {
    return row(await findBudgetOr404(this.store.dataSource.manager, organizationId, budgetId));
  }

  async update(
    actor: Actor,
    organizationId: string,
    budgetId: string,
    body: RouteInput<Routes['update']>['body'],
  ): Promise<BudgetRow> {
    return this.store.change(organizationId, ['budgets'], async (m) => {
      const budget = await findBudgetOr404(m, organizationId, budgetId);
      const before = auditView(budget);
      if (body.name !== undefined) budget.name = body.name;
      if (body.amount_usd !== undefined) budget.amountUsd = body.amount_usd;
      if (body.period !== undefined) budget.period = body.period;
      if (body.reset_mode !== undefined) budget.resetMode = body.reset_mode;
      if (body.requests_per_minute !== undefined) budget.requestsPerMinute = body.requests_per_minute;
      if (body.tokens_per_minute !== undefined) budget.tokensPerMinute = body.tokens_per_minute;
      if (body.active !== undefined) budget.active = body.active;
      requireSomeLimit(budget);
      const saved = await m.getRepository(Budget).save(budget);
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'budget.update',
        entityType: 'budget',
        entityId: saved.id,
        before,
        after: auditView(saved),
      });
      return row(saved);
    });
  }

  async delete(actor: Actor, organizationId: string, budgetId: string): Promise<void> {
    await this.store.change(organizationId, ['budgets'], async (m) => {
      const budget = await findBudgetOr404(m, organizationId, budgetId);
      const before = auditView(budget);
      await m.getRepository(Budget).delete({ id: budget.id });
      await writeAudit(m, {
        organizationId,
        actor,
        action: 'budget.delete',
        entityType: 'budget',
        entityId: budget.id,
        before,
      });
    });
  }
}
