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
