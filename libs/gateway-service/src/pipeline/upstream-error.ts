import type { ProviderConnection } from '../config/gateway-state';
import type { ClientCodec } from '../transport/client-codecs';
import type { UpstreamResponse } from '../transport/upstream-client';
import { JSON_HEADERS, retryHeaders, type Outcome } from './outcome';
import type { RequestContext } from './request-context';

/**
 * A provider's error answer for the client. Forwarded requests get the provider's body unchanged
 * (same dialect; Claude Code's retry logic reads the wording); translated ones get the same status
 * and message in the client's envelope. Either way the back-off headers come along.
 */
export async function upstreamErrorOutcome(
  ctx: RequestContext,
  codec: ClientCodec,
  provider: ProviderConnection,
  upstream: UpstreamResponse,
  forwarded: boolean,
): Promise<Outcome> {
  return upstreamErrorReplyOutcome(ctx, codec, provider, await readUpstreamError(upstream), forwarded);
}

/** A provider's error answer, read whole: the route stage holds it while it tries other targets. */
export interface UpstreamErrorReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export async function readUpstreamError(upstream: UpstreamResponse): Promise<UpstreamErrorReply> {
  return { status: upstream.status, headers: upstream.headers, text: await upstream.body.text() };
}

export function upstreamErrorReplyOutcome(
  ctx: RequestContext,
  codec: ClientCodec,
  provider: ProviderConnection,
  upstream: UpstreamErrorReply,
  forwarded: boolean,
): Outcome {
  const text = upstream.text;
  const err = provider.adapter.parseError(upstream.status, upstream.headers, text);
  ctx.errorKind = 'upstream';
  ctx.errorMessage = err.message;
  const backoff = retryHeaders(upstream.headers);
  if (forwarded) {
    ctx.status = upstream.status;
    return {
      kind: 'body',
      status: upstream.status,
      headers: { 'content-type': upstream.headers['content-type'] ?? 'application/json', ...backoff },
      body: text,
    };
  }
  const out = codec.error(err.status, err.message, {
    requestId: ctx.requestId,
    // An OpenAI-family client gets the provider's error type; Anthropic types come from the status.
    ...(codec.name === 'anthropic' || err.type === undefined ? {} : { type: err.type }),
    code: err.code ?? null,
    param: err.param ?? null,
  });
  ctx.status = out.status;
  return {
    kind: 'body',
    status: out.status,
    headers: { ...JSON_HEADERS, ...backoff },
    body: JSON.stringify(out.body),
  };
}
