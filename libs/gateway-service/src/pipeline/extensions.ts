import type { ChatRequest, ChatResponse, StreamEvent } from '@optscale/protocol';
import type { RequestEvent } from '@optscale/contracts';
import type { KeyRecord, OrganizationState, ProviderConnection } from '../config/gateway-state';
import type { ResolvedModel } from '../routing/resolve-model';
import type { RequestContext } from './request-context';

/**
 * The plug points of the request pipeline. The stages run in this order for every model call:
 *
 *   authenticate → route → pre-call policies → call → translate → post-call policies → record
 *
 * Routing comes before the pre-call policies because resolving a model is pure and in memory, and
 * it lets policy conditions name the provider and model the request will reach (and decides whether
 * the request can be forwarded as bytes at all). Transport code never changes when a stage gains
 * behaviour: routing rules replace `router`, guardrails and budgets add policies, telemetry adds
 * sinks.
 */
export interface PipelineExtensions {
  preCall: readonly PreCallPolicy[];
  router: ModelRouter;
  postCall: readonly PostCallPolicy[];
  sink: RequestEventSink;
  /** Budgets and rate limits (budgets/budget-guard.ts); absent: none enforced. */
  budgets?: BudgetStage;
}

/**
 * Reserves a model call's worst case against the budgets and rate limits that apply, just before
 * the provider is called, or throws the 429 that refuses it. The reservation is settled from the
 * request's event (the stage is also a sink).
 */
export interface BudgetStage {
  reserve(
    requestId: string,
    key: KeyRecord,
    provider: ProviderConnection,
    model: string,
    body: Record<string, unknown>,
    bodyBytes: number,
  ): Promise<void>;
}

/**
 * Runs before the provider call on the canonical request. May rewrite it (redaction) or throw a
 * GatewayError to refuse it. A policy that applies to a request turns byte forwarding off for it,
 * since the request must be decoded to be inspected.
 */
export interface PreCallPolicy {
  readonly name: string;
  appliesTo(ctx: RequestContext): boolean;
  apply(ctx: RequestContext, request: ChatRequest): void | Promise<void>;
}

/**
 * Runs on the answer before it reaches the client: whole responses, or stream events one at a time
 * (returning the events to pass on, possibly none while it buffers).
 */
export interface PostCallPolicy {
  readonly name: string;
  appliesTo(ctx: RequestContext): boolean;
  onResponse?(ctx: RequestContext, response: ChatResponse): void | Promise<void>;
  onStreamEvent?(ctx: RequestContext, event: StreamEvent): StreamEvent[];
}

/**
 * Picks where a request goes. The default serves the model from the provider that lists it; routing
 * rules may return a plan of several targets (the call stage tries them in order). Gets the key, not
 * only its owner, because a key may narrow its owner's allowed providers, and the body because rule
 * conditions read its parameters.
 */
export interface ModelRouter {
  route(
    ctx: RequestContext,
    org: OrganizationState,
    key: KeyRecord,
    model: string,
    body: Record<string, unknown>,
  ): ResolvedModel;
}

/** Receives one event per request. Must not block: sinks batch and ship asynchronously. */
export interface RequestEventSink {
  emit(event: RequestEvent): void;
}
