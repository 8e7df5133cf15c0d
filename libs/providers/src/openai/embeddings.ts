import type { EmbeddingsRequest, EmbeddingsResponse } from '../adapter';
import { asNumber, asRecord, asString } from '../json';

/** The embeddings body: floats are asked for explicitly (the gateway packs base64 itself when a client wants it). */
export function embeddingsBody(req: EmbeddingsRequest, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model, input: req.input, encoding_format: 'float' };
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  if (req.user !== undefined) body.user = req.user;
  return body;
}

/** A base64 string of little-endian float32 values (what `encoding_format: "base64"` returns). */
export function decodeBase64Floats(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('A base64 embedding is not a whole number of float32 values');
  const values: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) values.push(bytes.readFloatLE(offset));
  return values;
}

function vectorOf(embedding: unknown): number[] {
  if (typeof embedding === 'string') return decodeBase64Floats(embedding);
  if (!Array.isArray(embedding)) throw new Error('An embedding is neither a float array nor base64');
  return embedding.filter((v): v is number => typeof v === 'number');
}

/** `data[].embedding` in input order (sorted by `index`); float arrays or base64 strings. */
export function parseEmbeddingsResponse(body: unknown): EmbeddingsResponse {
  const root = asRecord(body);
  if (!root || !Array.isArray(root.data)) throw new Error('The embeddings response has no data array');
  const entries = root.data
    .map((entry, position) => {
      const record = asRecord(entry) ?? {};
      return { index: asNumber(record.index) ?? position, vector: vectorOf(record.embedding) };
    })
    .sort((a, b) => a.index - b.index);
  return {
    model: asString(root.model) ?? '',
    vectors: entries.map((e) => e.vector),
    promptTokens: asNumber(asRecord(root.usage)?.prompt_tokens) ?? 0,
  };
}
