import { DEFAULT_RETRY, planTargets, selectRule, targetId, type CompiledRule } from '@optscale/routing';
import { keyMayUse, type KeyRecord, type OrganizationState } from '../config/gateway-state';
import type { ModelRouter } from '../pipeline/extensions';
import { GatewayError } from '../pipeline/gateway-error';
import type { RequestContext } from '../pipeline/request-context';
import { sessionFromHeaders } from '../record/session-id';
import { conditionVariables, namedProvider } from './condition-variables';
import { resolveModel, type ResolvedModel } from './resolve-model';
import type { RouteCandidate, RoutePlan } from './route-plan';
import type { RoutingRuntime } from './routing-runtime';

/**
 * The route stage with routing rules (PRODUCT.md 4.6). The first rule that matches the request (by
 * scope, priority, its models and its condition) places it: its targets, weighted, then its
 * fallbacks, limited to providers the key may use and that are active. No matching rule: the model
 * resolves as it always has. An organization without rules costs one cache lookup.
 */
export class RuleRouter implements ModelRouter {
  constructor(private readonly runtime: RoutingRuntime) {}

  route(
    ctx: RequestContext,
    org: OrganizationState,
    key: KeyRecord,
    model: string,
    body: Record<string, unknown>,
  ): ResolvedModel {
    const rules = this.runtime.rules.of(org);
    if (rules.length === 0) return resolveModel(org, key, model);
    const vars = conditionVariables(
      { operation: ctx.operation, headers: ctx.headers, model, body },
      org,
      key,
    );
    const rule = selectRule(rules, { model, keyId: key.id, teamIds: key.user.teamIds, vars });
    if (rule === undefined) return resolveModel(org, key, model);
    const plan = this.plan(ctx, org, key, rule, model);
    const first = plan.candidates[0];
    if (first === undefined) {
      throw new GatewayError(
        'permission',
        `routing rule "${rule.rule.name}" has no target your key may use for model "${model}"`,
        'model',
      );
    }
    return { provider: first.provider, upstreamModel: first.upstreamModel, plan };
  }

  private plan(
    ctx: RequestContext,
    org: OrganizationState,
    key: KeyRecord,
    rule: CompiledRule,
    model: string,
  ): RoutePlan {
    const { runtime } = this;
    const breakers = runtime.breakers(org.id);
    // The key's effective access (owner ∩ key) among active connections it could actually call.
    const allowedProviders = new Set<string>();
    for (const provider of org.providers.values()) {
      if (provider.active && provider.credentialError === undefined && keyMayUse(key, provider.proxyName))
        allowedProviders.add(provider.proxyName);
    }
    const session = sessionFromHeaders((name) => ctx.header(name)) ?? ctx.bodySessionId;
    const affinityKey = session === undefined ? undefined : `${org.id}/${rule.rule.id}/${session}`;
    let affinityTargetId = affinityKey === undefined ? undefined : runtime.affinity.get(affinityKey);
    // A session sticks to its target only while that target is healthy.
    if (affinityKey !== undefined && affinityTargetId !== undefined) {
      if (breakers.get(affinityTargetId).state() !== 'closed') {
        runtime.affinity.delete(affinityKey);
        affinityTargetId = undefined;
      }
    }
    const planned = planTargets(rule.rule, {
      requestedModel: bareModel(org, model),
      allowedProviders,
      breakers,
      ...(affinityTargetId === undefined ? {} : { affinityTargetId }),
      random: runtime.random,
    });
    const candidates: RouteCandidate[] = [];
    for (const target of planned) {
      const provider = org.providers.get(target.provider);
      if (provider === undefined) continue;
      candidates.push({
        provider,
        upstreamModel: target.model,
        role: target.role,
        breaker: breakers.get(targetId(target)),
      });
    }
    return {
      ruleId: rule.rule.id,
      ruleName: rule.rule.name,
      candidates,
      retry: rule.rule.retry ?? DEFAULT_RETRY,
      answered: (candidate) => {
        if (affinityKey === undefined) return;
        runtime.affinity.set(
          affinityKey,
          targetId({ provider: candidate.provider.proxyName, model: candidate.upstreamModel }),
        );
      },
      random: runtime.random,
      now: runtime.now,
      sleep: runtime.sleep,
    };
  }
}

/**
 * The model a target without its own model is asked for: the client's, without the `[1m]` some
 * Claude Code paths leak and without a `<proxy_name>/` prefix (the target names its provider).
 */
function bareModel(org: OrganizationState, model: string): string {
  const clean = model.replace(/(\[1m\])+$/i, '');
  const prefix = namedProvider(org, clean);
  return prefix === undefined ? clean : clean.slice(prefix.length + 1);
}
