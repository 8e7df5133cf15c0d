import type { EmbeddingsRequest, EmbeddingsResponse, UpstreamRequest, UpstreamTarget } from '../adapter';
import { geminiHeaders, geminiModelResource, geminiModelUrl } from './endpoint';
import { asArray, asNumber, asRecord } from '../json';

/**
 * `POST {base}/models/{model}:batchEmbedContents`, one request per input text. Gemini embeds text
 * only: token-id inputs (`number[]`, `number[][]`) cannot be sent and throw.
 */
export function buildEmbeddingsRequest(req: EmbeddingsRequest, target: UpstreamTarget): UpstreamRequest {
  const model = geminiModelResource(target.model);
  const requests = embeddingTexts(req.input).map((text) => ({
    model,
    content: { parts: [{ text }] },
    ...(req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {}),
  }));
  return {
    method: 'POST',
    url: geminiModelUrl(target, 'batchEmbedContents'),
    headers: geminiHeaders(target.apiKey),
    body: JSON.stringify({ requests }),
  };
}

function embeddingTexts(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item !== 'string') throw new Error('Gemini embeddings take text input only, not token ids');
    texts.push(item);
  }
  return texts;
}

/**
 * `embeddings[].values` in input order. Gemini does not echo the model (the gateway knows it) and
 * reports no token usage for embeddings, so `promptTokens` is 0 unless `usageMetadata` says more.
 */
export function parseEmbeddingsResponse(body: unknown): EmbeddingsResponse {
  const root = asRecord(body);
  const vectors = asArray(root?.embeddings).map((entry) =>
    asArray(asRecord(entry)?.values).filter((v): v is number => typeof v === 'number'),
  );
  const promptTokens = asNumber(asRecord(root?.usageMetadata)?.promptTokenCount) ?? 0;
  return { model: '', vectors, promptTokens };
}
