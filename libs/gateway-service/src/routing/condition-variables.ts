import type { IncomingHttpHeaders } from 'node:http';
import type { ConditionVariables } from '@optscale/conditions';
import type { RequestOperation } from '@optscale/contracts';
import type { KeyRecord, OrganizationState } from '../config/gateway-state';

/** Body fields that are content, not parameters: conditions never see prompts. */
const CONTENT_FIELDS = new Set(['messages', 'input', 'tools']);

const REQUEST_TYPES: Partial<Record<RequestOperation, string>> = {
  chat: 'chat_completion',
  responses: 'responses',
  embeddings: 'embeddings',
  count_tokens: 'count_tokens',
};

export interface ConditionRequest {
  operation: RequestOperation;
  headers: IncomingHttpHeaders;
  /** The model as the client sent it. */
  model: string;
  body: Record<string, unknown>;
}

/**
 * What a routing condition sees of a request (PRODUCT.md 4.6). `provider` is the connection the
 * model names with a `<proxy_name>/` prefix, else "": a bare model is what a rule is there to place.
 * Node already lower-cases header names; repeated headers are joined as HTTP says they may be.
 */
export function conditionVariables(
  request: ConditionRequest,
  org: OrganizationState,
  key: KeyRecord,
): ConditionVariables {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.body)) {
    if (!CONTENT_FIELDS.has(name)) params[name] = value;
  }
  return {
    model: request.model,
    provider: namedProvider(org, request.model) ?? '',
    request_type: REQUEST_TYPES[request.operation] ?? request.operation,
    headers,
    params,
    key_id: key.id,
    key_name: key.name,
    user_id: key.user.id,
    team_ids: [...key.user.teamIds],
    budget_used: 0,
  };
}

/** The organization's provider a `<proxy_name>/<model>` id names, if it names one. */
export function namedProvider(org: OrganizationState, model: string): string | undefined {
  const slash = model.indexOf('/');
  if (slash <= 0) return undefined;
  const prefix = model.slice(0, slash);
  return org.providers.has(prefix) ? prefix : undefined;
}
