import type { UpstreamRequest } from '@optscale/providers';
import type { UpstreamClient, UpstreamResponse } from '../transport/upstream-client';
import { clock, type RequestContext } from './request-context';

/** The call stage: one upstream request, timed, cancelled if the client goes away. */
export async function callUpstream(
  ctx: RequestContext,
  client: UpstreamClient,
  req: UpstreamRequest,
): Promise<UpstreamResponse> {
  ctx.upstreamSentAt = clock();
  const res = await client.send(req, ctx.abort.signal);
  ctx.upstreamHeadersAt = clock();
  return res;
}

/**
 * The client's body as forwarded: the very bytes, unless a `<proxy_name>/` prefix has to come off
 * the model name.
 */
export function forwardedBody(
  raw: Buffer,
  body: Record<string, unknown>,
  clientModel: string,
  upstreamModel: string,
): string {
  return upstreamModel === clientModel
    ? raw.toString('utf8')
    : JSON.stringify({ ...body, model: upstreamModel });
}

/** The bytes `stream_options.include_usage: true` adds at the start of a body object. */
const STREAM_USAGE_MEMBER = '"stream_options":{"include_usage":true},';

/** A forwarded Chat Completions body, and whether the gateway added the usage the client did not ask for. */
export interface ForwardedChatBody {
  text: string;
  /** True: the answer's stream carries usage the client did not ask for; strip it (passthrough-usage.ts). */
  stripStreamUsage: boolean;
}

/**
 * The client's Chat Completions body as forwarded to an OpenAI-family provider. When it streams and
 * the provider accepts `stream_options` (`askForStreamUsage`), the gateway always asks for usage,
 * because a stream without it cannot be priced; a client that did not ask gets the usage stripped
 * from its stream again, so it sees what it would have without the gateway.
 *
 * Cheap on purpose: when the body has no `stream_options` and the model is unchanged, the member is
 * spliced in after the opening brace and every other byte stays as the client sent it; only a body
 * that already has `stream_options` (or needs its model rewritten anyway) is re-serialised.
 */
export function forwardedChatBody(
  raw: Buffer,
  body: Record<string, unknown>,
  clientModel: string,
  upstreamModel: string,
  askForStreamUsage: boolean,
): ForwardedChatBody {
  const streamOptions = body['stream_options'];
  const clientAsked =
    typeof streamOptions === 'object' &&
    streamOptions !== null &&
    (streamOptions as Record<string, unknown>)['include_usage'] === true;
  if (!askForStreamUsage || body['stream'] !== true || clientAsked) {
    return { text: forwardedBody(raw, body, clientModel, upstreamModel), stripStreamUsage: false };
  }
  const text = raw.toString('utf8');
  const brace = text.indexOf('{');
  if (upstreamModel === clientModel && streamOptions === undefined && brace >= 0) {
    return {
      text: `${text.slice(0, brace + 1)}${STREAM_USAGE_MEMBER}${text.slice(brace + 1)}`,
      stripStreamUsage: true,
    };
  }
  const options = typeof streamOptions === 'object' && streamOptions !== null ? streamOptions : {};
  return {
    text: JSON.stringify({
      ...body,
      model: upstreamModel,
      stream_options: { ...options, include_usage: true },
    }),
    stripStreamUsage: true,
  };
}
