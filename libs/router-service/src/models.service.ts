import { Inject, Injectable } from '@nestjs/common';
import {
  ApiProblem,
  likePattern,
  problems,
  writeAudit,
  type Actor,
  type RouteInput,
} from '@optscale/admin-api';
import type { ProviderApiType } from '@optscale/contracts';
import {
  CONTROL_PLANE_CONTEXT,
  type ControlPlaneContext,
  type SnapshotPublisher,
} from '@optscale/control-plane';
import {
  ProviderModel,
  SecretDecryptionError,
  credentialEnvelope,
  decryptSecret,
  type Provider,
} from '@optscale/database';
import { findProvider, findVisibleProvider } from './access';
import { violatedUniqueConstraint } from './db-errors';
import { DiscoveryError, listUpstreamModels } from './discovery';
import { applyDiscoveredModels, modelsOf } from './model-catalog';
import { credentialAad } from './provider-defaults';
import type { providerRoutes } from './provider.routes';
import { PROVIDERS_PUBLISHER } from './tokens';
import { modelView } from './views';

type ListQuery = RouteInput<typeof providerRoutes.listModels>['query'];

const SORT_COLUMNS = {
  model: 'model.model',
  created_at: 'model.created_at',
  source: 'model.source',
} as const;

/** A provider's available models: listed, added by hand, removed, discovered from the upstream. */
@Injectable()
export class ModelsService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(PROVIDERS_PUBLISHER)
    private readonly publisher: SnapshotPublisher<'optscale.config.providers.v1'>,
  ) {}

  async list(actor: Actor, organizationId: string, providerId: string, query: ListQuery) {
    const m = this.ctx.dataSource.manager;
    await findVisibleProvider(m, actor, organizationId, providerId);
    const base = () =>
      m
        .getRepository(ProviderModel)
        .createQueryBuilder('model')
        .where('model.provider_id = :providerId', { providerId });
    const summary = await base()
      .select('COUNT(*)::int', 'total')
      .addSelect(`COUNT(*) FILTER (WHERE model.source = 'discovered')::int`, 'discovered')
      .addSelect(`COUNT(*) FILTER (WHERE model.source = 'manual')::int`, 'manual')
      .getRawOne<{ total: number; discovered: number; manual: number }>();
    const page = base();
    if (query.source) page.andWhere('model.source IN (:...sources)', { sources: query.source });
    if (query.search) page.andWhere('model.model ILIKE :search', { search: likePattern(query.search) });
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await page
      .orderBy(SORT_COLUMNS[query.sort], direction)
      .addOrderBy('model.id', direction)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return {
      items: rows.map(modelView),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: {
        total: Number(summary?.total ?? 0),
        discovered: Number(summary?.discovered ?? 0),
        manual: Number(summary?.manual ?? 0),
      },
    };
  }

  async add(actor: Actor, organizationId: string, providerId: string, model: string) {
    const view = await this.ctx.dataSource
      .transaction(async (tx) => {
        await findProvider(tx, organizationId, providerId);
        const row = await tx.getRepository(ProviderModel).save({ providerId, model, source: 'manual' });
        const view = modelView(row);
        await writeAudit(tx, {
          organizationId,
          actor,
          action: 'provider_model.create',
          entityType: 'provider_model',
          entityId: row.id,
          after: { ...view, provider_id: providerId },
        });
        return view;
      })
      .catch((error: unknown) => {
        if (violatedUniqueConstraint(error) !== undefined) {
          throw problems.conflict(`the provider already lists the model "${model}"`, 'body.model');
        }
        throw error;
      });
    await this.publisher.sync(organizationId);
    return view;
  }

  async remove(actor: Actor, organizationId: string, providerId: string, modelId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      await findProvider(tx, organizationId, providerId);
      const row = await tx.getRepository(ProviderModel).findOne({ where: { id: modelId, providerId } });
      if (!row) throw problems.notFound('model', modelId);
      await tx.getRepository(ProviderModel).delete({ id: modelId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'provider_model.delete',
        entityType: 'provider_model',
        entityId: modelId,
        before: { ...modelView(row), provider_id: providerId },
      });
    });
    await this.publisher.sync(organizationId);
  }

  /**
   * Lists the upstream's models with the stored credential and applies the difference to the
   * discovered rows. The upstream call happens outside any transaction; an upstream that fails is a
   * 502 naming its status (never its body, which may quote the key).
   */
  async discover(actor: Actor, organizationId: string, providerId: string) {
    const provider = await findProvider(this.ctx.dataSource.manager, organizationId, providerId);
    if (!provider.baseUrl)
      throw problems.badRequest('the provider has no base_url to list models from', 'base_url');
    let listed: string[];
    try {
      listed = await listUpstreamModels({
        apiType: provider.apiType as ProviderApiType,
        baseUrl: provider.baseUrl,
        apiKey: this.apiKey(provider),
        ...(provider.apiVersion ? { apiVersion: provider.apiVersion } : {}),
      });
    } catch (error) {
      if (error instanceof DiscoveryError)
        throw problems.upstream(`model discovery failed: ${error.message}`);
      throw error;
    }
    const result = await this.ctx.dataSource.transaction(async (tx) => {
      await findProvider(tx, organizationId, providerId);
      const change = await applyDiscoveredModels(tx, providerId, listed);
      const models = await modelsOf(tx, providerId);
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'provider.discover_models',
        entityType: 'provider',
        entityId: providerId,
        after: { added: change.added, removed: change.removed, total: models.length },
      });
      return {
        added: change.added.length,
        removed: change.removed.length,
        total: models.length,
        models: models.map(modelView),
      };
    });
    await this.publisher.sync(organizationId);
    return result;
  }

  private apiKey(provider: Provider): string {
    const envelope = credentialEnvelope(provider);
    if (!envelope) return '';
    try {
      return decryptSecret(envelope, this.ctx.keyring, { aad: credentialAad(provider.id) });
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new ApiProblem(
        500,
        'credential_unreadable',
        "the provider's stored credential does not decrypt with this installation's keys; set its api_key again",
      );
    }
  }
}
