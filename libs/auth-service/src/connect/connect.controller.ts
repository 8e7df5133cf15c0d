import { Controller, Inject } from '@nestjs/common';
import { CurrentActor, Endpoint, Input, problems, type Actor, type RouteInput } from '@optscale/admin-api';
import { AllowedProvider, Provider, ProviderModel, VirtualKey } from '@optscale/database';
import type { z } from 'zod';
import { AuthStore } from '../publishers';
import { requireUser } from '../session/session.service';
import { connectBaseUrls, connectSnippets, MODEL_PLACEHOLDER } from './connect-snippets';
import { connectRoutes as routes, type connectResponseSchema } from './connect.routes';

type ConnectResponse = z.output<typeof connectResponseSchema>;

interface ReachableProvider {
  proxyName: string;
  models: string[];
}

@Controller()
export class ConnectController {
  constructor(@Inject(AuthStore) private readonly store: AuthStore) {}

  @Endpoint(routes.connect)
  async connect(
    @CurrentActor() actor: Actor,
    @Input() input: RouteInput<typeof routes.connect>,
  ): Promise<ConnectResponse> {
    const user = requireUser(actor);
    const m = this.store.dataSource.manager;
    const keys = await m.getRepository(VirtualKey).find({
      where: { organizationId: user.organizationId, ownerUserId: user.userId, active: true },
      order: { createdAt: 'DESC' },
    });
    const now = Date.now();
    const usable = keys.filter((k) => !k.expiresAt || k.expiresAt.getTime() > now);
    const providers = await this.reachableProviders(user.organizationId, user.userId);
    const models = providers.flatMap((p) => p.models.map((model) => `${p.proxyName}/${model}`));
    const selected = this.select(providers, models, input.query);
    const urls = connectBaseUrls(this.store.ctx.publicUrl, user.organizationId);
    const createKeyPath = `/api/v1/organizations/${user.organizationId}/keys`;
    return {
      organization_id: user.organizationId,
      base_urls: urls,
      keys: usable.map((k) => ({ id: k.id, name: k.name, prefix: k.publicId })),
      key_hint: `A key is shown in full only once, when it is created; paste yours where the snippets say <YOUR_KEY>. Lost it? Create a new one: POST ${createKeyPath}.`,
      create_key_path: createKeyPath,
      models,
      selected_model: selected,
      note: 'Requests go through the OptScale AI gateway and are attributed to you.',
      snippets: connectSnippets(urls, models, selected ?? MODEL_PLACEHOLDER),
    };
  }

  /**
   * The user's allowed providers that are active, with their listed models. A provider without a
   * model list serves any model but has nothing to offer here: the user names the model themselves.
   */
  private async reachableProviders(organizationId: string, userId: string): Promise<ReachableProvider[]> {
    const m = this.store.dataSource.manager;
    const providers = await m
      .getRepository(Provider)
      .createQueryBuilder('p')
      .innerJoin(AllowedProvider, 'ap', 'ap.provider_id = p.id AND ap.user_id = :userId', { userId })
      .where('p.organization_id = :organizationId AND p.status = :status', {
        organizationId,
        status: 'active',
      })
      .orderBy('p.position', 'ASC')
      .addOrderBy('p.proxy_name', 'ASC')
      .getMany();
    if (providers.length === 0) return [];
    const rows = await m
      .getRepository(ProviderModel)
      .createQueryBuilder('pm')
      .where('pm.provider_id IN (:...ids)', { ids: providers.map((p) => p.id) })
      .orderBy('pm.model', 'ASC')
      .getMany();
    return providers.map((p) => ({
      proxyName: p.proxyName,
      models: rows.filter((r) => r.providerId === p.id).map((r) => r.model),
    }));
  }

  /** The model the dialog was opened for (the Chat header's selection), or the first one. */
  private select(
    providers: readonly ReachableProvider[],
    models: readonly string[],
    query: RouteInput<typeof routes.connect>['query'],
  ): string | null {
    if (!query.provider) {
      if (query.model) {
        const bare = models.find((m) => m.slice(m.indexOf('/') + 1) === query.model);
        if (!bare) throw problems.badRequest('not a model you may use', 'query.model');
        return bare;
      }
      return models[0] ?? null;
    }
    const provider = providers.find((p) => p.proxyName === query.provider);
    if (!provider) throw problems.badRequest('not an active provider you may use', 'query.provider');
    if (!query.model) return provider.models[0] ? `${provider.proxyName}/${provider.models[0]}` : null;
    if (provider.models.length > 0 && !provider.models.includes(query.model)) {
      throw problems.badRequest('this provider does not list that model', 'query.model');
    }
    return `${provider.proxyName}/${query.model}`;
  }
}
