import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  problems,
  writeAudit,
  likePattern,
  type Actor,
  type FieldProblem,
  type RouteInput,
} from '@optscale/admin-api';
import type { ProviderApiType } from '@optscale/contracts';
import {
  CONTROL_PLANE_CONTEXT,
  type ControlPlaneContext,
  type SnapshotPublisher,
} from '@optscale/control-plane';
import { Provider, ProviderModel, credentialColumns, encryptSecret } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { assertOrganization, findProvider, findVisibleProvider, visibleProviders } from './access';
import { violatedUniqueConstraint } from './db-errors';
import { DiscoveryError, listUpstreamModels } from './discovery';
import { applyDiscoveredModels, modelsOf } from './model-catalog';
import { credentialAad, defaultBaseUrl, needsApiVersion } from './provider-defaults';
import type { providerRoutes } from './provider.routes';
import { PRICING_PUBLISHER, PROVIDERS_PUBLISHER } from './tokens';
import { modelView, providerView, type ProviderView } from './views';

type ListInput = RouteInput<typeof providerRoutes.list>;
type CreateBody = RouteInput<typeof providerRoutes.create>['body'];
type UpdateBody = RouteInput<typeof providerRoutes.update>['body'];

const SORT_COLUMNS = {
  name: 'provider.name',
  created_at: 'provider.created_at',
  api_type: 'provider.api_type',
  status: 'provider.status',
  position: 'provider.position',
} as const;

const PROXY_NAME_CONFLICT = 'UQ_providers_organization_proxy_name';

function proxyNameTaken(proxyName: string) {
  return problems.conflict(
    `the proxy name "${proxyName}" is already used in this organization`,
    'body.proxy_name',
  );
}

/** Model counts of some providers in one query. */
async function modelCounts(m: EntityManager, providerIds: string[]): Promise<Map<string, number>> {
  if (providerIds.length === 0) return new Map();
  const rows = await m
    .getRepository(ProviderModel)
    .createQueryBuilder('model')
    .select('model.provider_id', 'provider_id')
    .addSelect('COUNT(*)::int', 'count')
    .where('model.provider_id IN (:...providerIds)', { providerIds })
    .groupBy('model.provider_id')
    .getRawMany<{ provider_id: string; count: number }>();
  return new Map(rows.map((row) => [row.provider_id, Number(row.count)]));
}

/**
 * Checks what the request alone cannot: a base URL exists (given, or the type's public endpoint),
 * and an `api_version` is there exactly when the API type takes one. Problems name the body fields.
 */
function connectionProblems(
  apiType: ProviderApiType,
  baseUrl: string | null,
  apiVersion: string | null,
): FieldProblem[] {
  const errors: FieldProblem[] = [];
  if (!baseUrl)
    errors.push({ field: 'body.base_url', message: `required: the ${apiType} API has no public endpoint` });
  if (needsApiVersion(apiType) && !apiVersion) {
    errors.push({ field: 'body.api_version', message: `required for ${apiType} (e.g. "2024-10-21")` });
  }
  if (!needsApiVersion(apiType) && apiVersion) {
    errors.push({
      field: 'body.api_version',
      message: `only azure-openai takes an api_version, not ${apiType}`,
    });
  }
  return errors;
}

export type DiscoveryOutcome = { added: number; removed: number; total: number } | { error: string };

/**
 * Provider connections (PRODUCT.md 4.5). Every change is one transaction with its audit row, then a
 * `sync` of the providers topic, so gateways see it (a deletion as a tombstone).
 */
@Injectable()
export class ProvidersService {
  constructor(
    @Inject(CONTROL_PLANE_CONTEXT) private readonly ctx: ControlPlaneContext,
    @Inject(PROVIDERS_PUBLISHER)
    private readonly publisher: SnapshotPublisher<'optscale.config.providers.v1'>,
    @Inject(PRICING_PUBLISHER)
    private readonly pricing: SnapshotPublisher<'optscale.config.pricing.v1'>,
  ) {}

  async list(actor: Actor, organizationId: string, query: ListInput['query']) {
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    // The cards count what the caller may see, whatever the table's filters (as the Admin UI shows them).
    const summary = await visibleProviders(m, actor, organizationId)
      .select('COUNT(*)::int', 'total')
      .addSelect(`COUNT(*) FILTER (WHERE provider.status = 'active')::int`, 'active')
      .addSelect(`COUNT(*) FILTER (WHERE provider.status = 'inactive')::int`, 'inactive')
      .addSelect('COUNT(DISTINCT provider.api_type)::int', 'api_types')
      .getRawOne<{ total: number; active: number; inactive: number; api_types: number }>();
    const page = visibleProviders(m, actor, organizationId);
    if (query.api_type) page.andWhere('provider.api_type IN (:...apiTypes)', { apiTypes: query.api_type });
    if (query.status) page.andWhere('provider.status IN (:...statuses)', { statuses: query.status });
    if (query.search) {
      page.andWhere(
        `(provider.name ILIKE :search OR provider.api_type ILIKE :search OR provider.base_url ILIKE :search
          OR provider.description ILIKE :search OR provider.proxy_name ILIKE :search)`,
        { search: likePattern(query.search) },
      );
    }
    const direction = query.order === 'asc' ? 'ASC' : 'DESC';
    const [rows, total] = await page
      .orderBy(SORT_COLUMNS[query.sort], direction)
      .addOrderBy('provider.id', direction)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    const counts = await modelCounts(
      m,
      rows.map((row) => row.id),
    );
    return {
      items: rows.map((row) => providerView(row, counts.get(row.id) ?? 0)),
      total,
      limit: query.limit,
      offset: query.offset,
      summary: {
        total: Number(summary?.total ?? 0),
        active: Number(summary?.active ?? 0),
        inactive: Number(summary?.inactive ?? 0),
        api_types: Number(summary?.api_types ?? 0),
      },
    };
  }

  async get(actor: Actor, organizationId: string, providerId: string) {
    const m = this.ctx.dataSource.manager;
    return this.detail(m, await findVisibleProvider(m, actor, organizationId, providerId));
  }

  async create(actor: Actor, organizationId: string, body: CreateBody) {
    const apiType = body.api_type;
    const baseUrl = body.base_url ?? defaultBaseUrl(apiType) ?? null;
    const apiVersion = body.api_version ?? null;
    const errors = connectionProblems(apiType, baseUrl, apiVersion);
    if (errors.length > 0) throw problems.validation(errors);
    const m = this.ctx.dataSource.manager;
    await assertOrganization(m, organizationId);
    // Checked before discovery so a taken name does not wait on an upstream; the constraint decides.
    if (await m.getRepository(Provider).exists({ where: { organizationId, proxyName: body.proxy_name } })) {
      throw proxyNameTaken(body.proxy_name);
    }
    const id = randomUUID();
    const apiKey = body.api_key ?? null;
    // Discovery runs before the transaction (a network call must not hold it open) with the key
    // from the request; its failure is reported, the connection is created anyway.
    let discovered: string[] | undefined;
    let discoveryError: string | undefined;
    if (body.discover_models && baseUrl) {
      try {
        discovered = await listUpstreamModels({
          apiType,
          baseUrl,
          apiKey: apiKey ?? '',
          ...(apiVersion ? { apiVersion } : {}),
        });
      } catch (error) {
        if (!(error instanceof DiscoveryError)) throw error;
        discoveryError = `model discovery failed: ${error.message}`;
      }
    }
    const result = await this.ctx.dataSource
      .transaction(async (tx) => {
        const last = await tx
          .getRepository(Provider)
          .createQueryBuilder('provider')
          .select('MAX(provider.position)', 'max')
          .where('provider.organization_id = :organizationId', { organizationId })
          .getRawOne<{ max: number | null }>();
        const provider = tx.getRepository(Provider).create({
          id,
          organizationId,
          name: body.name,
          proxyName: body.proxy_name,
          apiType,
          baseUrl,
          description: body.description ?? null,
          status: body.status ?? 'active',
          position:
            body.position ?? (last?.max === null || last?.max === undefined ? 0 : Number(last.max) + 1),
          apiVersion,
          ...credentialColumns(
            apiKey === null
              ? null
              : encryptSecret(apiKey, this.ctx.keyring.current, { aad: credentialAad(id) }),
          ),
        });
        await tx.getRepository(Provider).insert(provider);
        const manual = [...new Set(body.models ?? [])];
        if (manual.length > 0) {
          await tx
            .getRepository(ProviderModel)
            .insert(manual.map((model) => ({ providerId: id, model, source: 'manual' as const })));
        }
        const change = discovered ? await applyDiscoveredModels(tx, id, discovered) : undefined;
        const detail = await this.detail(tx, await findProvider(tx, organizationId, id));
        await writeAudit(tx, {
          organizationId,
          actor,
          action: 'provider.create',
          entityType: 'provider',
          entityId: id,
          after: { ...detail, models: detail.models.map((model) => model.model) },
        });
        const discovery: DiscoveryOutcome | undefined = discoveryError
          ? { error: discoveryError }
          : change && {
              added: change.added.length,
              removed: change.removed.length,
              total: detail.model_count,
            };
        return discovery ? { ...detail, discovery } : detail;
      })
      .catch((error: unknown) => {
        if (violatedUniqueConstraint(error) === PROXY_NAME_CONFLICT) throw proxyNameTaken(body.proxy_name);
        throw error;
      });
    await this.publisher.sync(organizationId);
    return result;
  }

  async update(actor: Actor, organizationId: string, providerId: string, body: UpdateBody) {
    const result = await this.ctx.dataSource.transaction(async (tx) => {
      const provider = await findProvider(tx, organizationId, providerId);
      if (body.proxy_name !== undefined && body.proxy_name !== provider.proxyName) {
        throw problems.validation([
          {
            field: 'body.proxy_name',
            message:
              'cannot be changed: clients address models as <proxy_name>/<model> and keys and access lists name it; create a new provider instead',
          },
        ]);
      }
      const before = providerView(provider, 0);
      const apiType = body.api_type ?? (provider.apiType as ProviderApiType);
      const baseUrl =
        body.base_url === undefined ? provider.baseUrl : (body.base_url ?? defaultBaseUrl(apiType) ?? null);
      // Leaving Azure drops its api-version rather than failing on a value the caller did not send.
      const apiVersion =
        body.api_version !== undefined
          ? body.api_version
          : needsApiVersion(apiType)
            ? provider.apiVersion
            : null;
      const errors = connectionProblems(apiType, baseUrl, apiVersion);
      if (errors.length > 0) throw problems.validation(errors);
      Object.assign(provider, {
        apiType,
        baseUrl,
        apiVersion,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.status !== undefined ? { status: body.status } : {}),
        ...(body.position !== undefined ? { position: body.position } : {}),
      });
      if (body.api_key !== undefined) {
        Object.assign(
          provider,
          credentialColumns(
            body.api_key === null
              ? null
              : encryptSecret(body.api_key, this.ctx.keyring.current, { aad: credentialAad(provider.id) }),
          ),
        );
      }
      await tx.getRepository(Provider).save(provider);
      const detail = await this.detail(tx, await findProvider(tx, organizationId, providerId));
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'provider.update',
        entityType: 'provider',
        entityId: providerId,
        before: { ...before, model_count: undefined },
        // Whether the credential changed, without anything of it (the field name avoids redaction).
        after: {
          ...detail,
          models: undefined,
          model_count: undefined,
          key_change: body.api_key === undefined ? 'kept' : body.api_key === null ? 'removed' : 'replaced',
        },
      });
      return detail;
    });
    await this.publisher.sync(organizationId);
    return result;
  }

  async remove(actor: Actor, organizationId: string, providerId: string): Promise<void> {
    await this.ctx.dataSource.transaction(async (tx) => {
      const provider = await findProvider(tx, organizationId, providerId);
      const before = providerView(provider, 0);
      // Its models, allowed-provider rows and pricing overrides go with it (ON DELETE CASCADE).
      await tx.getRepository(Provider).delete({ id: providerId });
      await writeAudit(tx, {
        organizationId,
        actor,
        action: 'provider.delete',
        entityType: 'provider',
        entityId: providerId,
        before: { ...before, model_count: undefined },
      });
    });
    // Publishes the tombstone of `<org>/<proxy_name>`: gateways drop the connection.
    await this.publisher.sync(organizationId);
    // And of its prices, which went with it.
    await this.pricing.sync(organizationId);
  }

  private async detail(
    m: EntityManager,
    provider: Provider,
  ): Promise<ProviderView & { models: ReturnType<typeof modelView>[] }> {
    const models = await modelsOf(m, provider.id);
    return { ...providerView(provider, models.length), models: models.map(modelView) };
  }
}
