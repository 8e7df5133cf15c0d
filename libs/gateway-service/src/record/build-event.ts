import type { RequestEvent } from '@optscale/contracts';
import { clock, type RequestContext } from '../pipeline/request-context';
import { requestCost } from '../pricing/request-cost';
import { detectClient } from './client-detect';
import { loggedContent } from './content-log';
import { sessionFromHeaders } from './session-id';

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** The record stage: the request event for a finished request. */
export function buildRequestEvent(ctx: RequestContext): RequestEvent {
  const end = ctx.finishedAt ?? clock();
  const userAgent = ctx.header('user-agent') ?? null;
  const cost = requestCost(ctx);
  return {
    requestId: ctx.requestId,
    organizationId: ctx.organizationId,
    keyId: ctx.key?.id ?? null,
    userId: ctx.key?.user.id ?? null,
    provider: ctx.provider?.proxyName ?? null,
    model: ctx.upstreamModel ?? null,
    clientModel: ctx.clientModel ?? null,
    surface: ctx.surface,
    operation: ctx.operation,
    client: detectClient(userAgent ?? undefined),
    userAgent,
    sessionId: sessionFromHeaders((name) => ctx.header(name)) ?? ctx.bodySessionId ?? null,
    stream: ctx.stream,
    passthrough: ctx.passthrough,
    status: ctx.status,
    errorType: ctx.errorKind ?? null,
    errorMessage: ctx.errorMessage ?? null,
    usage: { ...ctx.usage },
    // The key owner's first team carries the spend (team budgets, per-team usage).
    teamId: ctx.key?.user.teamIds[0] ?? null,
    ...(cost !== undefined ? { cost } : {}),
    ...(ctx.policies !== undefined && ctx.policies.length > 0 ? { policies: ctx.policies } : {}),
    ...(ctx.key?.organization.contentLogging === true
      ? { content: loggedContent(ctx.requestBody, ctx.responseContent) }
      : {}),
    ...(ctx.routing ? { routing: ctx.routing } : {}),
    timings: {
      startedAt: ctx.startedAtMs,
      gatewayMs: round(ctx.gatewayMs(end)),
      upstreamMs:
        ctx.upstreamSentAt !== undefined && ctx.upstreamHeadersAt !== undefined
          ? round(ctx.upstreamHeadersAt - ctx.upstreamSentAt)
          : null,
      ttftMs: ctx.firstByteAt !== undefined ? round(ctx.firstByteAt - ctx.startedAt) : null,
      totalMs: round(end - ctx.startedAt),
    },
  };
}
