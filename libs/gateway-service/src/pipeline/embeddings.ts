import type { EmbeddingsRequest, UpstreamRequest } from '@optscale/providers';
import type { ClientCodec } from '../transport/client-codecs';
import { admit } from './admit';
import type { ChatPipelineDeps } from './chat-pipeline';
import { GatewayError } from './gateway-error';
import { JSON_HEADERS, jsonOutcome, type Outcome } from './outcome';
import type { RequestContext } from './request-context';
import { callUpstream, forwardedBody } from './call-stage';
import { upstreamErrorOutcome } from './upstream-error';

/** Little-endian float32 bytes, base64: what OpenAI returns for `encoding_format: "base64"`. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}

/** `POST /v1/embeddings`: forwarded to OpenAI-dialect providers, translated for the others. */
export async function handleEmbeddings(
  ctx: RequestContext,
  deps: ChatPipelineDeps,
  codec: ClientCodec,
  raw: Buffer,
): Promise<Outcome> {
  let input: EmbeddingsRequest['input'] = '';
  const route = admit(ctx, deps.state(), deps.extensions, raw, (body) => {
    const value = body['input'];
    if (!isEmbeddingInput(value)) {
      throw new GatewayError(
        'invalid_request',
        '"input" must be a string, an array of strings, or token arrays',
        'input',
      );
    }
    input = value;
  });
  const { body, clientModel, target } = route;
  const adapter = route.provider.adapter;
  const send = (req: UpstreamRequest) => callUpstream(ctx, deps.upstream, req);

  if (
    adapter.dialect === 'openai-chat' &&
    route.provider.apiType !== 'azure-openai' &&
    adapter.buildPassthroughRequest
  ) {
    ctx.passthrough = true;
    const forwarded = forwardedBody(raw, body, clientModel, route.upstreamModel);
    const upstream = await send(
      adapter.buildPassthroughRequest('/embeddings', forwarded, target, ctx.headers),
    );
    if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, route.provider, upstream, true);
    const bytes = Buffer.from(await upstream.body.arrayBuffer());
    setImmediate(() => {
      ctx.usage = { ...ctx.usage, inputTokens: promptTokensOf(bytes) };
    });
    return { kind: 'body', status: upstream.status, headers: { ...JSON_HEADERS }, body: bytes };
  }

  if (!adapter.buildEmbeddingsRequest || !adapter.parseEmbeddingsResponse) {
    throw new GatewayError(
      'invalid_request',
      `provider "${route.provider.proxyName}" does not serve embeddings`,
      'model',
    );
  }
  const request: EmbeddingsRequest = { model: route.upstreamModel, input };
  if (typeof body['dimensions'] === 'number') request.dimensions = body['dimensions'];
  const upstream = await send(adapter.buildEmbeddingsRequest(request, target));
  if (upstream.status >= 400) return upstreamErrorOutcome(ctx, codec, route.provider, upstream, false);
  const result = adapter.parseEmbeddingsResponse(await upstream.body.json());
  ctx.usage = { ...ctx.usage, inputTokens: result.promptTokens };
  const base64 = body['encoding_format'] === 'base64';
  return jsonOutcome(200, {
    object: 'list',
    model: clientModel,
    data: result.vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? float32Base64(vector) : vector,
    })),
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  });
}

function isEmbeddingInput(v: unknown): v is EmbeddingsRequest['input'] {
  if (typeof v === 'string') return v.length > 0;
  if (!Array.isArray(v) || v.length === 0) return false;
  return (
    v.every((x) => typeof x === 'string') ||
    v.every((x) => typeof x === 'number') ||
    v.every((x) => Array.isArray(x) && x.every((n) => typeof n === 'number'))
  );
}

function promptTokensOf(bytes: Buffer): number {
  try {
    const json = JSON.parse(bytes.toString('utf8')) as { usage?: { prompt_tokens?: unknown } };
    return typeof json.usage?.prompt_tokens === 'number' ? json.usage.prompt_tokens : 0;
  } catch {
    return 0;
  }
}
