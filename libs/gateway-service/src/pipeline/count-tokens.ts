import type { UpstreamRequest } from '@optscale/providers';
import { ProtocolError, decodeAnthropicRequest } from '@optscale/protocol';
import type { ClientCodec } from '../transport/client-codecs';
import { admit } from './admit';
import type { ChatPipelineDeps } from './chat-pipeline';
import { GatewayError } from './gateway-error';
import { JSON_HEADERS, jsonOutcome, type Outcome } from './outcome';
import type { RequestContext } from './request-context';
import { callUpstream, forwardedBody } from './call-stage';
import { upstreamErrorOutcome } from './upstream-error';

/**
 * `POST /anthropic/v1/messages/count_tokens`: exact counts from providers that can count
 * (Anthropic, forwarded; Gemini, translated). Otherwise 404, never a made-up number: Claude Code
 * falls back to its own estimate on a non-2xx, while a fake 0 would stop auto-compaction.
 */
export async function handleCountTokens(
  ctx: RequestContext,
  deps: ChatPipelineDeps,
  codec: ClientCodec,
  raw: Buffer,
  query: string,
): Promise<Outcome> {
  const route = admit(ctx, deps.state(), deps.extensions, raw);
  const { body, clientModel, target } = route;
  const adapter = route.provider.adapter;
  const send = (req: UpstreamRequest) => callUpstream(ctx, deps.upstream, req);

  if (adapter.dialect === 'anthropic' && adapter.buildPassthroughRequest) {
    ctx.passthrough = true;
    const forwarded = forwardedBody(raw, body, clientModel, route.upstreamModel);
    const upstream = await send(
      adapter.buildPassthroughRequest('/v1/messages/count_tokens' + query, forwarded, target, ctx.headers),
    );
    if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, route.provider, upstream, true);
    return {
      kind: 'body',
      status: upstream.status,
      headers: { ...JSON_HEADERS },
      body: Buffer.from(await upstream.body.arrayBuffer()),
    };
  }
  if (!adapter.buildCountTokensRequest || !adapter.parseCountTokens) {
    throw new GatewayError('not_found', `token counting is not available for model "${clientModel}"`);
  }
  let request;
  try {
    request = decodeAnthropicRequest({ max_tokens: 1, ...body, stream: false });
  } catch (err) {
    if (err instanceof ProtocolError) throw new GatewayError('invalid_request', err.message, err.param);
    throw err;
  }
  request.model = route.upstreamModel;
  const upstream = await send(adapter.buildCountTokensRequest(request, target));
  if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, route.provider, upstream, false);
  return jsonOutcome(200, { input_tokens: adapter.parseCountTokens(await upstream.body.json()) });
}
