import type { UpstreamTarget } from '@optscale/providers';
import type { GatewayState, ProviderConnection } from '../config/gateway-state';
import { authenticate } from './authenticate';
import type { PipelineExtensions } from './extensions';
import { parseJsonObject, requireModel } from './parse-body';
import type { RequestContext } from './request-context';
import { traced } from './request-trace';
import type { RoutePlan } from '../routing/route-plan';

/** A request past the authenticate and route stages. */
export interface AdmittedRequest {
  body: Record<string, unknown>;
  clientModel: string;
  provider: ProviderConnection;
  upstreamModel: string;
  target: UpstreamTarget;
  /** Set when a routing rule placed the request (see RoutePlan). */
  plan?: RoutePlan;
}

/**
 * The stages every model call starts with: authenticate the key, read the body and its model
 * (`validate` checks the operation's own fields before any routing), route it to a provider.
 * Records each finding on the context.
 */
export function admit(
  ctx: RequestContext,
  state: GatewayState,
  extensions: PipelineExtensions,
  raw: Buffer,
  validate?: (body: Record<string, unknown>) => void,
): AdmittedRequest {
  const { key, org } = traced(ctx, 'authenticate', () => authenticate(ctx, state));
  const body = parseJsonObject(raw);
  const clientModel = requireModel(body);
  ctx.clientModel = clientModel;
  validate?.(body);
  const route = traced(ctx, 'route', () => extensions.router.route(ctx, org, key, clientModel, body));
  ctx.provider = route.provider;
  ctx.upstreamModel = route.upstreamModel;
  return { body, clientModel, ...route, target: targetOf(route.provider, route.upstreamModel) };
}

export function targetOf(provider: ProviderConnection, model: string): UpstreamTarget {
  const target: UpstreamTarget = { baseUrl: provider.baseUrl, apiKey: provider.apiKey, model };
  if (provider.apiVersion !== undefined) target.apiVersion = provider.apiVersion;
  return target;
}
