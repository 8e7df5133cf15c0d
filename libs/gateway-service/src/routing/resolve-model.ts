import type { OrganizationState, ProviderConnection, UserRecord } from '../config/gateway-state';
import { GatewayError } from '../pipeline/gateway-error';

export interface ResolvedModel {
  provider: ProviderConnection;
  /** The model name the provider knows. */
  upstreamModel: string;
}

/**
 * Resolve a client's model id: `<model>` or `<proxy_name>/<model>`. The string is split on its first
 * `/` only when the prefix is one of the organization's providers, since model names themselves
 * may contain `/` and `:` (`ollama/deepseek-r1:70b`, OpenRouter ids). A trailing `[1m]` that some
 * Claude Code paths leak is removed. A bare name goes to the first allowed, active provider listing it.
 *
 * 404 when no provider of the organization serves the model; 403 when some do but none is allowed
 * to this user or active.
 */
export function resolveModel(org: OrganizationState, user: UserRecord, requested: string): ResolvedModel {
  const model = requested.replace(/(\[1m\])+$/i, '');
  const slash = model.indexOf('/');
  if (slash > 0) {
    const provider = org.providers.get(model.slice(0, slash));
    if (provider) {
      const upstreamModel = model.slice(slash + 1);
      if (provider.models.size > 0 && !provider.models.has(upstreamModel)) {
        throw notFound(requested);
      }
      assertUsable(provider, user, requested);
      return { provider, upstreamModel };
    }
  }
  const candidates = org.modelIndex.get(model);
  if (!candidates || candidates.length === 0) throw notFound(requested);
  const usable = candidates.find((p) => p.active && user.allowedProviders.has(p.proxyName));
  if (!usable) {
    const first = candidates[0];
    if (first) assertUsable(first, user, requested);
    throw notFound(requested);
  }
  return { provider: usable, upstreamModel: model };
}

function assertUsable(provider: ProviderConnection, user: UserRecord, requested: string): void {
  if (!user.allowedProviders.has(provider.proxyName)) {
    throw new GatewayError(
      'permission',
      `model "${requested}" is served by provider "${provider.proxyName}", which your key is not allowed to use`,
      'model',
    );
  }
  if (!provider.active) {
    throw new GatewayError('permission', `provider "${provider.proxyName}" is inactive`, 'model');
  }
}

function notFound(requested: string): GatewayError {
  return new GatewayError('not_found', `model "${requested}" does not exist or is not served here`, 'model');
}

/** The models a user may reach, as `<proxy_name>/<model>` ids. */
export function listUserModels(
  org: OrganizationState,
  user: UserRecord,
): Array<{ id: string; provider: ProviderConnection; model: string }> {
  const out: Array<{ id: string; provider: ProviderConnection; model: string }> = [];
  for (const provider of org.providers.values()) {
    if (!provider.active || !user.allowedProviders.has(provider.proxyName)) continue;
    for (const model of provider.models) out.push({ id: `${provider.proxyName}/${model}`, provider, model });
  }
  return out;
}
