import type { ProviderAdapter } from '../adapter';
import { buildCountTokensRequest, parseCountTokens } from './count-tokens';
import { buildEmbeddingsRequest, parseEmbeddingsResponse } from './embeddings';
import { parseError } from './errors';
import { buildListModelsRequest, parseListModels } from './models';
import { buildChatRequest } from './request';
import { parseChatResponse } from './response';
import { createStreamDecoder } from './stream-decoder';

/**
 * Google Gemini API (`generativelanguage.googleapis.com`, `v1beta`). No passthrough: no client
 * surface speaks the Gemini dialect yet, so every exchange is translated.
 */
export const geminiProvider: ProviderAdapter = {
  apiType: 'gemini',
  dialect: 'gemini',
  streamFraming: 'sse',
  buildChatRequest,
  parseChatResponse,
  createStreamDecoder,
  parseError,
  buildListModelsRequest,
  parseListModels,
  buildEmbeddingsRequest,
  parseEmbeddingsResponse,
  buildCountTokensRequest,
  parseCountTokens,
};

export { GEMINI_DEFAULT_BASE_URL } from './endpoint';
