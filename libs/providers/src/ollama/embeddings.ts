import type { EmbeddingsRequest, EmbeddingsResponse, UpstreamRequest, UpstreamTarget } from '../adapter';
import { ollamaBaseUrl, ollamaHeaders } from './endpoint';
import { asArray, asNumber, asRecord, asString } from '../json';

/**
 * `POST {base}/api/embed` `{model, input, dimensions?}`. Ollama embeds text (a string or a list);
 * token-id inputs (`number[]`, `number[][]`) cannot be sent and throw.
 */
export function buildEmbeddingsRequest(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest {
  const input = req.input;
  if (typeof input !== 'string' && !input.every((item): item is string => typeof item === 'string')) {
    throw new Error('Ollama embeddings take text input only, not token ids');
  }
  const body: Record<string, unknown> = { model: target.model, input };
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  return {
    method: 'POST',
    url: `${ollamaBaseUrl(target.baseUrl)}/api/embed`,
    headers: ollamaHeaders(target.apiKey),
    body: JSON.stringify(body),
  };
}

/** `{model, embeddings: number[][], prompt_eval_count}` → vectors in input order. */
export function parseEmbeddingsResponse(body: unknown): EmbeddingsResponse {
  const root = asRecord(body);
  return {
    model: asString(root?.model) ?? '',
    vectors: asArray(root?.embeddings).map((vector) =>
      asArray(vector).filter((v): v is number => typeof v === 'number'),
    ),
    promptTokens: asNumber(root?.prompt_eval_count) ?? 0,
  };
}
