import { encodeAnthropicModelList } from '@optscale/protocol';
import type { GatewayState } from '../config/gateway-state';
import { listRuleAliases } from '../routing/model-aliases';
import { listUserModels } from '../routing/resolve-model';
import { authenticate } from './authenticate';
import { GatewayError } from './gateway-error';
import { jsonOutcome, type Outcome } from './outcome';
import type { RequestContext } from './request-context';

/**
 * Model discovery. Ids are `<proxy_name>/<model>`: unambiguous, and exactly what clients send back
 * (OpenCode requires its model keys to match this list; Claude Code keeps ids starting with
 * `anthropic`/`claude`, which `anthropic/claude-…` does).
 */
export function listModelsOpenAI(ctx: RequestContext, state: GatewayState): Outcome {
  const { key, org } = authenticate(ctx, state);
  const data = listUserModels(org, key).map((m) => ({
    id: m.id,
    object: 'model',
    created: state.loadedAt,
    owned_by: m.provider.proxyName,
  }));
  // Routing rule aliases (`smart`, a Claude Code tier name) are models too: clients pick from this list.
  for (const alias of listRuleAliases(org, key)) {
    data.push({ id: alias, object: 'model', created: state.loadedAt, owned_by: 'optscale' });
  }
  return jsonOutcome(200, { object: 'list', data });
}

export function retrieveModelOpenAI(ctx: RequestContext, state: GatewayState, id: string): Outcome {
  const { key, org } = authenticate(ctx, state);
  const found = listUserModels(org, key).find((m) => m.id === id || m.model === id);
  if (!found) {
    if (listRuleAliases(org, key).includes(id)) {
      return jsonOutcome(200, { id, object: 'model', created: state.loadedAt, owned_by: 'optscale' });
    }
    throw new GatewayError('not_found', `model "${id}" does not exist or is not available to you`, 'model');
  }
  return jsonOutcome(200, {
    id: found.id,
    object: 'model',
    created: state.loadedAt,
    owned_by: found.provider.proxyName,
  });
}

export function listModelsAnthropic(
  ctx: RequestContext,
  state: GatewayState,
  query: URLSearchParams,
): Outcome {
  const { key, org } = authenticate(ctx, state);
  const models = [...listUserModels(org, key).map((m) => m.id), ...listRuleAliases(org, key)].map((id) => ({
    id,
    displayName: id,
    created: state.loadedAt,
  }));
  const limit = Number(query.get('limit') ?? '20');
  const paging: { limit?: number; afterId?: string; beforeId?: string } = {
    limit: Number.isFinite(limit) ? Math.min(Math.max(Math.trunc(limit), 1), 1000) : 20,
  };
  const after = query.get('after_id');
  const before = query.get('before_id');
  if (after) paging.afterId = after;
  if (before) paging.beforeId = before;
  return jsonOutcome(200, encodeAnthropicModelList(models, paging));
}

export function retrieveModelAnthropic(ctx: RequestContext, state: GatewayState, id: string): Outcome {
  const { key, org } = authenticate(ctx, state);
  const found =
    listUserModels(org, key).find((m) => m.id === id)?.id ??
    listRuleAliases(org, key).find((alias) => alias === id);
  if (found === undefined)
    throw new GatewayError('not_found', `model "${id}" does not exist or is not available to you`, 'model');
  return jsonOutcome(200, {
    type: 'model',
    id: found,
    display_name: found,
    created_at: new Date(state.loadedAt * 1000).toISOString(),
  });
}
