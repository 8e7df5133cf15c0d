import { Inject, Injectable } from '@nestjs/common';
import { likePattern, problems, writeAudit, type Actor, type RouteInput } from '@optscale/admin-api';
import { CONTROL_PLANE_CONTEXT, SnapshotPublisher, type ControlPlaneContext } from '@optscale/control-plane';
import { ModelPricingOverride, Provider } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { assertOrganization } from './access';
import { violatedUniqueConstraint } from './db-errors';
import type { pricingRoutes } from './pricing.routes';
import { PRICING_PUBLISHER } from './tokens';
import { pricingView } from './views';

type ListQuery = RouteInput<typeof pricingRoutes.list>['query'];
type CreateBody = RouteInput<typeof pricingRoutes.create>['body'];
type UpdateBody = RouteInput<typeof pricingRoutes.update>['body'];

const SORT_COLUMNS = {
  model: 'override.model',
  created_at: 'override.created_at',
  updated_at: 'override.updated_at',
} as const;

async function assertProviderOf(
  m: EntityManager,
  organizationId: string,
  providerId: string | null,
): Promise<void> {
  if (providerId === null) return;
  if (!(await m.getRepository(Provider).exists({ where: { id: providerId, organizationId } }))) {
    throw problems.badRequest(`no provider ${providerId} in this organization`, 'body.provider_id');
  }
}

function duplicate(model: string, providerId: string | null) {
  return problems.conflict(
    providerId === null
      ? `the organization already has a price for "${model}" on every provider`
      : `the organization already has a price for "${model}" on provider ${providerId}`,
    'body.model',
  );
}

/**
 * The organization's model prices (PRODUCT.md 4.5 "optional per-model pricing"), overriding the
 * built-in catalog. Prices stay decimal strings from request to NUMERIC column and back. Every
 * change is one transaction with its audit row, then a `sync` of `optscale.config.pricing.v1`, so
 * gateways price with it (a deletion as a tombstone).
 */
@Injectable()
export class PricingService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(PRICING_PUBLISHER)
    private readonly publisher: SnapshotPublisher<'optscale.config.pricing.v1'>,
  ) {}

  async list(organizationId: string, query: ListQuery) {
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    const page = m
      .getRepository(ModelPricingOverride)
      .createQueryBuilder('override')
      .where('override.organization_id = :organizationId', { organizationId });
    if (query.provider_id)
      page.andWhere('override.provider_id = :providerId', { providerId: query.provider_id });
    if (query.search) page.andWhere('override.model ILIKE :search', { search: likePattern(query.search) });
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await page
      .orderBy(SORT_COLUMNS[query.sort], direction)
      .addOrderBy('override.id', direction)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return { items: rows.map(pricingView), total, limit: query.limit, offset: query.offset };
  }

  async create(actor: Actor, organizationId: string, body: CreateBody) {
    const providerId = body.provider_id ?? null;
    const created = await this.ctx.dataSource
      .transaction(async (tx) => {
        await assertOrganization(tx, organizationId);
        await assertProviderOf(tx, organizationId, providerId);
        const repository = tx.getRepository(ModelPricingOverride);
        const { id } = await repository.save({
          organizationId,
          providerId,
          model: body.model,
          inputPerMtok: body.input_per_mtok,
          outputPerMtok: body.output_per_mtok,
          cacheReadPerMtok: body.cache_read_per_mtok ?? null,
          cacheWritePerMtok: body.cache_write_per_mtok ?? null,
        });
        // Read back: the response shows the value as stored (NUMERIC), not as sent.
        const view = pricingView(await repository.findOneByOrFail({ id }));
        await writeAudit(tx, {
          organizationId,
          actor,
          action: 'model_pricing_override.create',
          entityType: 'model_pricing_override',
          entityId: id,
          after: view,
        });
        return view;
      })
      .catch((error: unknown) => {
        if (violatedUniqueConstraint(error) !== undefined) throw duplicate(body.model, providerId);
        throw error;
      });
    await this.publisher.sync(organizationId);
    return created;
  }

  async update(actor: Actor, organizationId: string, overrideId: string, body: UpdateBody) {
    let target: { model: string; providerId: string | null } | undefined;
    const updated = await this.ctx.dataSource
      .transaction(async (tx) => {
        const repository = tx.getRepository(ModelPricingOverride);
        const row = await repository.findOne({ where: { id: overrideId, organizationId } });
        if (!row) throw problems.notFound('pricing override', overrideId);
        const before = pricingView(row);
        if (body.provider_id !== undefined) await assertProviderOf(tx, organizationId, body.provider_id);
        Object.assign(row, {
          ...(body.model !== undefined ? { model: body.model } : {}),
          ...(body.provider_id !== undefined ? { providerId: body.provider_id } : {}),
          ...(body.input_per_mtok !== undefined ? { inputPerMtok: body.input_per_mtok } : {}),
          ...(body.output_per_mtok !== undefined ? { outputPerMtok: body.output_per_mtok } : {}),
          ...(body.cache_read_per_mtok !== undefined ? { cacheReadPerMtok: body.cache_read_per_mtok } : {}),
          ...(body.cache_write_per_mtok !== undefined
            ? { cacheWritePerMtok: body.cache_write_per_mtok }
            : {}),
        });
        target = { model: row.model, providerId: row.providerId };
        await repository.save(row);
        const view = pricingView(await repository.findOneByOrFail({ id: overrideId }));
        await writeAudit(tx, {
          organizationId,
          actor,
          action: 'model_pricing_override.update',
          entityType: 'model_pricing_override',
          entityId: overrideId,
          before,
          after: view,
        });
        return view;
      })
      .catch((error: unknown) => {
        if (target && violatedUniqueConstraint(error) !== undefined)
          throw duplicate(target.model, target.providerId);
        throw error;
      });
    // A changed model or provider moves the price to another key: sync publishes the tombstone too.
    await this.publisher.sync(organizationId);
    return updated;
  }

  async remove(actor: Actor, organizationId: string, overrideId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      const repository = tx.getRepository(ModelPricingOverride);
      const row = await repository.findOne({ where: { id: overrideId, organizationId } });
      if (!row) throw problems.notFound('pricing override', overrideId);
      await repository.delete({ id: overrideId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'model_pricing_override.delete',
        entityType: 'model_pricing_override',
        entityId: overrideId,
        before: pricingView(row),
      });
    });
    await this.publisher.sync(organizationId);
  }
}
