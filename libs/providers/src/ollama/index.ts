import type { ProviderAdapter } from '../adapter';
import { buildEmbeddingsRequest, parseEmbeddingsResponse } from './embeddings';
import { parseError } from './errors';
import { buildListModelsRequest, parseListModels } from './models';
import { buildChatRequest } from './request';
import { parseChatResponse } from './response';
import { createStreamDecoder } from './stream-decoder';

/**
 * Ollama's native API (`/api/chat`, NDJSON streams). Its OpenAI-compatible `/v1` surface is served
 * by the `openai-compatible` adapter instead. No token counting endpoint, no passthrough.
 */
export const ollamaProvider: ProviderAdapter = {
  apiType: 'ollama',
  dialect: 'ollama',
  streamFraming: 'ndjson',
  buildChatRequest,
  parseChatResponse,
  createStreamDecoder,
  parseError,
  buildListModelsRequest,
  parseListModels,
  buildEmbeddingsRequest,
  parseEmbeddingsResponse,
};

export { OLLAMA_DEFAULT_BASE_URL } from './endpoint';
