import {
  ProtocolError,
  mergeUsage,
  type ChatRequest,
  type StreamEncoder,
  type StreamEvent,
  type TranslateContext,
} from '@optscale/protocol';
import type { GatewayState } from '../config/gateway-state';
import { PolicyStage, type PolicyStageOptions } from '../policy/policy-stage';
import type { RouteCandidate } from '../routing/route-plan';
import type { ClientCodec } from '../transport/client-codecs';
import type { UpstreamClient } from '../transport/upstream-client';
import { admit, targetOf } from './admit';
import type { PipelineExtensions } from './extensions';
import { GatewayError } from './gateway-error';
import { JSON_HEADERS, SSE_HEADERS, type Outcome } from './outcome';
import { toolNameRestorer } from './tool-names';
import { sessionFromBody } from '../record/session-id';
import type { RequestContext } from './request-context';
import { traced } from './request-trace';
import { forwardedChatBody } from './call-stage';
import { callRoute, type Answer, type PreparedCall } from './route-call';
import { UpstreamEventReader } from './stream-pump';
import { liveTranslateContext } from './translate-context';
import { StreamUsageStripper, usageOfPassthroughBody, usageTap, type UsageTap } from './passthrough-usage';

export interface ChatPipelineDeps {
  state: () => GatewayState;
  upstream: UpstreamClient;
  extensions: PipelineExtensions;
  /** Sampling and clock of the policy stage (tests). */
  policies?: PolicyStageOptions;
}

/** A chat request built for one candidate; `canonical` when it was translated rather than forwarded. */
interface ChatCall extends PreparedCall {
  canonical?: ChatRequest;
  /** A forwarded stream carries usage the gateway asked for and the client did not: strip it. */
  stripStreamUsage?: boolean;
}

/**
 * Inference calls (chat completions, responses, messages) for every surface:
 * authenticate → route → pre-call policies → call → translate → post-call policies → (record, by the
 * transport once the last byte is out).
 *
 * When the client and the provider speak the same dialect and no policy needs the request decoded,
 * the body is forwarded as bytes (only `model` is rewritten when a `<provider>/` prefix was used),
 * and the answer streams back untouched while a tap reads usage off it.
 */
export class ChatPipeline {
  private readonly policies: PolicyStage;

  constructor(private readonly deps: ChatPipelineDeps) {
    this.policies = new PolicyStage(deps.policies);
  }

  async handle(ctx: RequestContext, codec: ClientCodec, raw: Buffer, query: string): Promise<Outcome> {
    const route = admit(ctx, this.deps.state(), this.deps.extensions, raw, (body) => {
      ctx.stream = body['stream'] === true;
      ctx.bodySessionId = sessionFromBody(body);
    });
    const { body, clientModel } = route;
    const tctx = liveTranslateContext(clientModel);
    // Organization policies (policy/): may refuse the prompt or rewrite its text in `body`, then
    // `input.raw` is the re-serialised body; the answer goes through `input.output`.
    const input = traced(ctx, 'policies.input', () => this.policies.input(ctx, codec, body, raw));

    const policiesApply =
      this.deps.extensions.preCall.some((p) => p.appliesTo(ctx)) ||
      this.deps.extensions.postCall.some((p) => p.appliesTo(ctx));
    // Decoded and run through the pre-call policies once, however many providers are tried.
    let canonical: Promise<ChatRequest> | undefined;
    // Built per candidate: a fallback may speak another dialect than the target it stands in for.
    const prepare = async (candidate: RouteCandidate): Promise<ChatCall> => {
      const { provider, upstreamModel } = candidate;
      const target = targetOf(provider, upstreamModel);
      const path = codec.passthroughPath(provider);
      ctx.passthrough = path !== undefined && !policiesApply;
      if (path !== undefined && !policiesApply) {
        if (!provider.adapter.buildPassthroughRequest)
          throw new GatewayError('internal', 'provider cannot forward requests');
        // Streams are always asked for usage where the provider accepts it (else they cannot be priced).
        const forwarded = forwardedChatBody(
          input.raw,
          body,
          clientModel,
          upstreamModel,
          codec.name === 'openai-chat' && provider.adapter.streamUsageOption === true,
        );
        return {
          forwarded: true,
          stripStreamUsage: forwarded.stripStreamUsage,
          request: provider.adapter.buildPassthroughRequest(
            path + query,
            forwarded.text,
            target,
            ctx.headers,
          ),
        };
      }
      canonical ??= this.decodeAndCheck(ctx, codec, body, upstreamModel);
      const request: ChatRequest = { ...(await canonical), model: upstreamModel };
      return {
        forwarded: false,
        request: provider.adapter.buildChatRequest(request, target),
        canonical: request,
      };
    };
    // Budgets last, so that a request the policies refuse reserves nothing.
    if (this.deps.extensions.budgets && ctx.key) {
      await this.deps.extensions.budgets.reserve(
        ctx.requestId,
        ctx.key,
        route.provider,
        route.upstreamModel,
        body,
        raw.length,
      );
    }
    const result = await callRoute(ctx, this.deps.upstream, codec, route, prepare);
    if (!result.ok) return result.outcome;
    const { answer } = result;
    const outcome = await (answer.prepared.canonical === undefined
      ? this.forward(ctx, codec, answer, tctx)
      : this.translate(ctx, codec, answer, answer.prepared.canonical, tctx));
    if (input.output !== undefined) ctx.trace?.openUntilFinish('policies.output');
    return input.output?.apply(outcome) ?? outcome;
  }

  /** The client's body as a canonical request, past the pre-call policies. */
  private async decodeAndCheck(
    ctx: RequestContext,
    codec: ClientCodec,
    body: Record<string, unknown>,
    model: string,
  ): Promise<ChatRequest> {
    const request = decode(codec, body);
    request.model = model;
    for (const policy of this.deps.extensions.preCall) {
      if (policy.appliesTo(ctx)) await policy.apply(ctx, request);
    }
    return request;
  }

  private async forward(
    ctx: RequestContext,
    codec: ClientCodec,
    answer: Answer<ChatCall>,
    tctx: TranslateContext,
  ): Promise<Outcome> {
    const { upstream, body } = answer;
    const provider = answer.candidate.provider;
    ctx.status = upstream.status;
    const contentType = upstream.contentType ?? 'application/json';
    if (!contentType.includes('text/event-stream')) {
      const bytes = await body.bytes();
      // Usage is read after the response is handed over, off the response path.
      setImmediate(() => {
        ctx.usage = usageOfPassthroughBody(codec, provider, bytes, tctx) ?? ctx.usage;
      });
      return { kind: 'body', status: upstream.status, headers: { 'content-type': contentType }, body: bytes };
    }
    const tap = usageTap(codec, provider, tctx);
    return {
      kind: 'stream',
      status: upstream.status,
      headers: { ...SSE_HEADERS },
      chunks: this.relay(
        ctx,
        body.chunks(),
        tap,
        answer.prepared.stripStreamUsage === true ? new StreamUsageStripper() : undefined,
      ),
    };
  }

  private async *relay(
    ctx: RequestContext,
    upstream: AsyncIterable<Buffer>,
    tap: UsageTap,
    strip: StreamUsageStripper | undefined,
  ): AsyncGenerator<Buffer | string> {
    try {
      for await (const chunk of upstream) {
        if (strip === undefined) yield chunk;
        else {
          const text = strip.push(chunk);
          if (text.length > 0) yield text;
        }
        tap.push(chunk);
      }
      const rest = strip?.end();
      if (rest !== undefined && rest.length > 0) yield rest;
    } finally {
      tap.end();
      ctx.usage = tap.usage();
    }
  }

  private async translate(
    ctx: RequestContext,
    codec: ClientCodec,
    answer: Answer<ChatCall>,
    request: ChatRequest,
    tctx: TranslateContext,
  ): Promise<Outcome> {
    const provider = answer.candidate.provider;
    ctx.trace?.openUntilFinish('translate');
    ctx.status = 200;
    const postCall = this.deps.extensions.postCall.filter((p) => p.appliesTo(ctx));
    const names = toolNameRestorer(provider, request);
    if (!request.stream) {
      const parsed = provider.adapter.parseChatResponse(await answer.body.json(), tctx);
      const response = names ? names.response(parsed) : parsed;
      for (const policy of postCall) await policy.onResponse?.(ctx, response);
      ctx.usage = response.usage;
      return {
        kind: 'body',
        status: 200,
        headers: { ...JSON_HEADERS },
        body: JSON.stringify(codec.encodeResponse(response, tctx, request)),
      };
    }
    const reader = new UpstreamEventReader(
      provider.adapter.streamFraming,
      provider.adapter.createStreamDecoder(tctx),
    );
    const encoder = codec.createStreamEncoder(tctx, request);
    return {
      kind: 'stream',
      status: 200,
      headers: { ...SSE_HEADERS },
      chunks: this.reframe(ctx, answer.body.chunks(), reader, encoder, postCall, names?.event),
    };
  }

  /** Upstream stream → canonical events → post-call policies → client stream, chunk by chunk. */
  private async *reframe(
    ctx: RequestContext,
    upstream: AsyncIterable<Buffer>,
    reader: UpstreamEventReader,
    encoder: StreamEncoder,
    postCall: PipelineExtensions['postCall'],
    restoreNames: ((e: StreamEvent) => StreamEvent) | undefined,
  ): AsyncGenerator<string> {
    const emit = (events: StreamEvent[]): string => {
      let out = '';
      for (const upstreamEvent of events) {
        const event = restoreNames ? restoreNames(upstreamEvent) : upstreamEvent;
        for (const e of applyStreamPolicies(ctx, postCall, event)) {
          if (e.type === 'usage' || e.type === 'start') ctx.usage = mergeUsage(ctx.usage, e.usage);
          else if (e.type === 'error') {
            ctx.errorKind = 'upstream_stream';
            ctx.errorMessage = e.error.message;
          }
          out += encoder.push(e);
        }
      }
      return out;
    };
    let failed = false;
    try {
      for await (const chunk of upstream) {
        const text = emit(reader.push(chunk));
        if (text.length > 0) yield text;
      }
    } catch (err) {
      if (ctx.abort.signal.aborted) throw err;
      // The provider broke off mid-stream: the status is already sent, so the client gets its
      // dialect's in-band error event.
      failed = true;
      yield (
        emit([
          {
            type: 'error',
            error: { status: 502, message: 'the provider stream broke off', type: 'api_error' },
          },
        ]) + encoder.end()
      );
    }
    if (!failed) yield emit(reader.end()) + encoder.end();
  }
}

function decode(codec: ClientCodec, body: Record<string, unknown>): ChatRequest {
  try {
    return codec.decodeRequest(body);
  } catch (err) {
    if (err instanceof ProtocolError) throw new GatewayError('invalid_request', err.message, err.param);
    throw err;
  }
}

function applyStreamPolicies(
  ctx: RequestContext,
  policies: PipelineExtensions['postCall'],
  event: StreamEvent,
): StreamEvent[] {
  let events = [event];
  for (const policy of policies) {
    if (!policy.onStreamEvent) continue;
    events = events.flatMap((e) => policy.onStreamEvent?.(ctx, e) ?? [e]);
  }
  return events;
}
