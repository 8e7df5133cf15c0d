import {
  keyMayUse,
  type KeyRecord,
  type OrganizationState,
  type ProviderConnection,
} from '../config/gateway-state';
import { GatewayError } from '../pipeline/gateway-error';
import type { RoutePlan } from './route-plan';

export interface ResolvedModel {
  /** The provider to call (with a plan: its first candidate). */
  provider: ProviderConnection;
  /** The model name the provider knows. */
  upstreamModel: string;
  /** Set when a routing rule placed the request: every candidate, with retries and fallbacks. */
  plan?: RoutePlan;
}

/**
 * Resolve a client's model id: `<model>` or `<proxy_name>/<model>`. The string is split on its first
 * `/` only when the prefix is one of the organization's providers, since model names themselves
 * may contain `/` and `:` (`ollama/deepseek-r1:70b`, OpenRouter ids). A trailing `[1m]` that some
 * Claude Code paths leak is removed. A bare name goes to the first usable provider listing it:
 * active, allowed to the key (its owner's access narrowed by the key's own list) and with a
 * credential this gateway could decrypt.
 *
 * 404 when no provider of the organization serves the model; 403 when some do but none is allowed
 * to this key or active; 502 when the only candidate's credential cannot be decrypted.
 */
export function resolveModel(org: OrganizationState, key: KeyRecord, requested: string): ResolvedModel {
  const model = requested.replace(/(\[1m\])+$/i, '');
  const slash = model.indexOf('/');
  if (slash > 0) {
    const provider = org.providers.get(model.slice(0, slash));
    if (provider) {
      const upstreamModel = model.slice(slash + 1);
      if (provider.models.size > 0 && !provider.models.has(upstreamModel)) {
        throw notFound(requested);
      }
      assertUsable(provider, key, requested);
      return { provider, upstreamModel };
    }
  }
  const candidates = org.modelIndex.get(model);
  if (!candidates || candidates.length === 0) throw notFound(requested);
  const usable = candidates.find(
    (p) => p.active && p.credentialError === undefined && keyMayUse(key, p.proxyName),
  );
  if (!usable) {
    // Explain the most relevant refusal: an allowed, active candidate beats the first listed one.
    const explain = candidates.find((p) => p.active && keyMayUse(key, p.proxyName)) ?? candidates[0];
    if (explain) assertUsable(explain, key, requested);
    throw notFound(requested);
  }
  return { provider: usable, upstreamModel: model };
}

function assertUsable(provider: ProviderConnection, key: KeyRecord, requested: string): void {
  if (!keyMayUse(key, provider.proxyName)) {
    throw new GatewayError(
      'permission',
      `model "${requested}" is served by provider "${provider.proxyName}", which your key is not allowed to use`,
      'model',
    );
  }
  if (!provider.active) {
    throw new GatewayError('permission', `provider "${provider.proxyName}" is inactive`, 'model');
  }
  if (provider.credentialError !== undefined) {
    // A configuration fault of this deployment, not of the request: an upstream-side error, so
    // clients do not "fix" their request, and operators see it in readiness.
    throw new GatewayError(
      'upstream_unavailable',
      `provider "${provider.proxyName}" is misconfigured: this gateway cannot decrypt its credential`,
    );
  }
}

function notFound(requested: string): GatewayError {
  return new GatewayError('not_found', `model "${requested}" does not exist or is not served here`, 'model');
}

/** The models a key may reach, as `<proxy_name>/<model>` ids. */
export function listUserModels(
  org: OrganizationState,
  key: KeyRecord,
): Array<{ id: string; provider: ProviderConnection; model: string }> {
  const out: Array<{ id: string; provider: ProviderConnection; model: string }> = [];
  for (const provider of org.providers.values()) {
    if (!provider.active || !keyMayUse(key, provider.proxyName)) continue;
    for (const model of provider.models) out.push({ id: `${provider.proxyName}/${model}`, provider, model });
  }
  return out;
}
