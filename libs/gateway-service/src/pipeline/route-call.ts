import type { RouteAttempt } from '@optscale/contracts';
import type { UpstreamRequest } from '@optscale/providers';
import { backoffDelayMs, isTransient, type AttemptFailure } from '@optscale/routing';
import type { ResolvedModel } from '../routing/resolve-model';
import type { RouteCandidate } from '../routing/route-plan';
import { describeFailure, failureOfError, retryAfterMs } from '../routing/attempt-failure';
import type { ClientCodec } from '../transport/client-codecs';
import { toGatewayError, type UpstreamClient, type UpstreamResponse } from '../transport/upstream-client';
import { callUpstream } from './call-stage';
import { GatewayError } from './gateway-error';
import type { Outcome } from './outcome';
import { clock, type RequestContext } from './request-context';
import { UpstreamBody } from './upstream-body';
import { readUpstreamError, upstreamErrorReplyOutcome, type UpstreamErrorReply } from './upstream-error';

/** A request built for one candidate: forwarded as bytes, or translated to its dialect. */
export interface PreparedCall {
  request: UpstreamRequest;
  forwarded: boolean;
}

/** The candidate that answered, with its response read as far as `UpstreamBody` says. */
export interface Answer<P extends PreparedCall> {
  candidate: RouteCandidate;
  prepared: P;
  upstream: UpstreamResponse;
  body: UpstreamBody;
}

export type RouteCallResult<P extends PreparedCall> =
  | { ok: true; answer: Answer<P> }
  /** Every try failed, or one failed in a way no other target can fix: the error for the client. */
  | { ok: false; outcome: Outcome };

/** How one try ended when it did not answer. */
type Miss =
  | { failure: AttemptFailure; reply: UpstreamErrorReply; forwarded: boolean }
  | { failure: AttemptFailure; error: GatewayError };

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The call stage with attempts. Without a routing plan: the one resolved provider, once, as before
 * rules existed. With one: each candidate in order, retried on transient failures (connection,
 * timeout, 429, 5xx) with back-off that honours `retry-after`, then the next (fallback); a candidate
 * whose breaker refuses is skipped. A non-transient answer (4xx) ends the request at once: it is
 * the request's fault, and another provider would refuse it too.
 *
 * `prepare` builds the request per candidate, since a fallback may speak another dialect. Every try
 * lands in `ctx.routing.attempts`; `ctx.provider`/`ctx.upstreamModel` end as the candidate that
 * answered (or failed last).
 */
export async function callRoute<P extends PreparedCall>(
  ctx: RequestContext,
  client: UpstreamClient,
  codec: ClientCodec,
  route: ResolvedModel,
  prepare: (candidate: RouteCandidate) => P | Promise<P>,
): Promise<RouteCallResult<P>> {
  const plan = route.plan;
  const candidates: readonly RouteCandidate[] = plan?.candidates ?? [
    { provider: route.provider, upstreamModel: route.upstreamModel, role: 'primary' },
  ];
  const attempts: RouteAttempt[] = [];
  if (plan) ctx.routing = { ruleId: plan.ruleId, ruleName: plan.ruleName, attempts };
  let last: { candidate: RouteCandidate; miss: Miss } | undefined;
  let firstSentAt: number | undefined;

  for (const candidate of candidates) {
    for (let retry = 0; ; retry++) {
      ctx.provider = candidate.provider;
      ctx.upstreamModel = candidate.upstreamModel;
      // Built before the breaker is asked: a request that cannot be built must not hold a probe.
      const prepared = await prepare(candidate);
      if (candidate.breaker && !candidate.breaker.tryAcquire()) {
        attempts.push(trace(candidate, null, 0, 'circuit open'));
        break;
      }
      const started = clock();
      const span = ctx.trace?.attemptStarted(candidate.provider, candidate.upstreamModel, ctx.operation);
      const result = await attempt(ctx, client, prepared, plan?.now ?? Date.now).catch((err: unknown) => {
        if (span) ctx.trace?.attemptEnded(span, candidate.provider, null, (err as Error).message);
        // The client went away. That says nothing about the target, but a half-open breaker whose
        // probe this was must not wait forever for its verdict: it stays open for another cooldown.
        if (candidate.breaker?.state() === 'half_open') candidate.breaker.record(false);
        throw err;
      });
      // Upstream time spans every try: gateway time must not count waits for providers and back-off.
      firstSentAt ??= ctx.upstreamSentAt;
      ctx.upstreamSentAt = firstSentAt;
      const latencyMs = round(clock() - started);
      if (span) {
        const answered = 'body' in result;
        const status = answered
          ? result.upstream.status
          : result.failure.kind === 'status'
            ? result.failure.status
            : null;
        ctx.trace?.attemptEnded(
          span,
          candidate.provider,
          status,
          answered ? null : describeFailure(result.failure),
        );
      }
      if ('body' in result) {
        candidate.breaker?.record(true);
        attempts.push(trace(candidate, result.upstream.status, latencyMs, null));
        plan?.answered(candidate);
        return { ok: true, answer: { candidate, prepared, upstream: result.upstream, body: result.body } };
      }
      const { failure } = result;
      const status = failure.kind === 'status' ? failure.status : null;
      attempts.push(trace(candidate, status, latencyMs, describeFailure(failure)));
      last = { candidate, miss: result };
      const transient = isTransient(failure);
      // A refused request says nothing against the target: only transient failures count.
      candidate.breaker?.record(!transient);
      if (!transient) return missOutcome(ctx, codec, candidate, result);
      if (!plan || retry >= plan.retry.maxRetries) break;
      const after = failure.kind === 'status' ? failure.retryAfterMs : undefined;
      await plan.sleep(backoffDelayMs(retry, plan.retry, plan.random, after), ctx.abort.signal);
    }
  }
  if (last) return missOutcome(ctx, codec, last.candidate, last.miss);
  throw new GatewayError(
    'upstream_unavailable',
    `no target of routing rule "${plan?.ruleName ?? ''}" is available right now (circuit open)`,
    null,
    { 'retry-after': '1' },
  );
}

/** One try: send, then read the answer far enough to know it arrived (see UpstreamBody). */
async function attempt(
  ctx: RequestContext,
  client: UpstreamClient,
  prepared: PreparedCall,
  now: () => number,
): Promise<{ upstream: UpstreamResponse; body: UpstreamBody } | Miss> {
  let upstream: UpstreamResponse;
  try {
    upstream = await callUpstream(ctx, client, prepared.request);
  } catch (err) {
    return missOfError(err, ctx);
  }
  if (upstream.status >= 400) {
    let reply: UpstreamErrorReply;
    try {
      reply = await readUpstreamError(upstream);
    } catch (err) {
      return missOfError(err, ctx);
    }
    const failure: AttemptFailure = { kind: 'status', status: upstream.status };
    const after = retryAfterMs(reply.headers, now());
    if (after !== undefined) failure.retryAfterMs = after;
    return { failure, reply, forwarded: prepared.forwarded };
  }
  const source = upstream.body as AsyncIterable<Buffer>;
  try {
    const body = ctx.stream ? await UpstreamBody.firstChunk(source) : await UpstreamBody.whole(source);
    return { upstream, body };
  } catch (err) {
    return missOfError(err, ctx);
  }
}

function missOfError(err: unknown, ctx: RequestContext): Miss {
  const error = toGatewayError(err, ctx.abort.signal);
  // The client went away (or a bug): nothing to retry for anyone.
  if (!(error instanceof GatewayError)) throw error;
  return { failure: failureOfError(error), error };
}

function missOutcome(
  ctx: RequestContext,
  codec: ClientCodec,
  candidate: RouteCandidate,
  miss: Miss,
): RouteCallResult<never> {
  ctx.provider = candidate.provider;
  ctx.upstreamModel = candidate.upstreamModel;
  if ('error' in miss) throw miss.error;
  return {
    ok: false,
    outcome: upstreamErrorReplyOutcome(ctx, codec, candidate.provider, miss.reply, miss.forwarded),
  };
}

function trace(
  candidate: RouteCandidate,
  status: number | null,
  latencyMs: number,
  error: string | null,
): RouteAttempt {
  return {
    provider: candidate.provider.proxyName,
    model: candidate.upstreamModel,
    role: candidate.role,
    status,
    latencyMs,
    error,
  };
}
