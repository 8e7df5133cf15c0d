import {
  ProtocolError,
  mergeUsage,
  type ChatRequest,
  type StreamEncoder,
  type StreamEvent,
  type TranslateContext,
} from '@optscale/protocol';
import type { UpstreamTarget } from '@optscale/providers';
import type { GatewayState, ProviderConnection } from '../config/gateway-state';
import type { ClientCodec } from '../transport/client-codecs';
import type { UpstreamClient, UpstreamResponse } from '../transport/upstream-client';
import { admit } from './admit';
import type { PipelineExtensions } from './extensions';
import { GatewayError } from './gateway-error';
import { JSON_HEADERS, SSE_HEADERS, type Outcome } from './outcome';
import { upstreamErrorOutcome } from './upstream-error';
import { toolNameRestorer } from './tool-names';
import { sessionFromBody } from '../record/session-id';
import type { RequestContext } from './request-context';
import { callUpstream, forwardedBody } from './call-stage';
import { UpstreamEventReader } from './stream-pump';
import { liveTranslateContext } from './translate-context';
import { usageOfPassthroughBody, usageTap, type UsageTap } from './passthrough-usage';

export interface ChatPipelineDeps {
  state: () => GatewayState;
  upstream: UpstreamClient;
  extensions: PipelineExtensions;
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
  constructor(private readonly deps: ChatPipelineDeps) {}

  async handle(ctx: RequestContext, codec: ClientCodec, raw: Buffer, query: string): Promise<Outcome> {
    const route = admit(ctx, this.deps.state(), this.deps.extensions, raw, (body) => {
      ctx.stream = body['stream'] === true;
      ctx.bodySessionId = sessionFromBody(body);
    });
    const { body, clientModel, target } = route;
    const tctx = liveTranslateContext(clientModel);

    const path = codec.passthroughPath(route.provider);
    const policiesApply =
      this.deps.extensions.preCall.some((p) => p.appliesTo(ctx)) ||
      this.deps.extensions.postCall.some((p) => p.appliesTo(ctx));
    if (path !== undefined && !policiesApply) {
      ctx.passthrough = true;
      const forwarded = forwardedBody(raw, body, clientModel, route.upstreamModel);
      return this.forward(ctx, codec, path + query, forwarded, target, tctx);
    }
    return this.translate(ctx, codec, body, target, tctx);
  }

  private async forward(
    ctx: RequestContext,
    codec: ClientCodec,
    path: string,
    body: string,
    target: UpstreamTarget,
    tctx: TranslateContext,
  ): Promise<Outcome> {
    const provider = ctx.provider as ProviderConnection;
    const adapter = provider.adapter;
    if (!adapter.buildPassthroughRequest)
      throw new GatewayError('internal', 'provider cannot forward requests');
    const upstream = await callUpstream(
      ctx,
      this.deps.upstream,
      adapter.buildPassthroughRequest(path, body, target, ctx.headers),
    );
    if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, provider, upstream, true);
    ctx.status = upstream.status;
    const contentType = upstream.contentType ?? 'application/json';
    if (!contentType.includes('text/event-stream')) {
      const bytes = Buffer.from(await upstream.body.arrayBuffer());
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
      chunks: this.relay(ctx, upstream, tap),
    };
  }

  private async *relay(
    ctx: RequestContext,
    upstream: UpstreamResponse,
    tap: UsageTap,
  ): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
        yield chunk;
        tap.push(chunk);
      }
    } finally {
      tap.end();
      ctx.usage = tap.usage();
    }
  }

  private async translate(
    ctx: RequestContext,
    codec: ClientCodec,
    body: Record<string, unknown>,
    target: UpstreamTarget,
    tctx: TranslateContext,
  ): Promise<Outcome> {
    const provider = ctx.provider as ProviderConnection;
    const request = decode(codec, body);
    request.model = target.model;
    for (const policy of this.deps.extensions.preCall) {
      if (policy.appliesTo(ctx)) await policy.apply(ctx, request);
    }
    const upstream = await callUpstream(
      ctx,
      this.deps.upstream,
      provider.adapter.buildChatRequest(request, target),
    );
    if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, provider, upstream, false);
    ctx.status = 200;
    const postCall = this.deps.extensions.postCall.filter((p) => p.appliesTo(ctx));
    const names = toolNameRestorer(provider, request);
    if (!request.stream) {
      const parsed = provider.adapter.parseChatResponse(await upstream.body.json(), tctx);
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
      chunks: this.reframe(ctx, upstream, reader, encoder, postCall, names?.event),
    };
  }

  /** Upstream stream → canonical events → post-call policies → client stream, chunk by chunk. */
  private async *reframe(
    ctx: RequestContext,
    upstream: UpstreamResponse,
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
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
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
