import type { ProviderAdapter } from '../adapter';
import { bearerAuth, createOpenAIFamilyProvider, trimBaseUrl } from './family';

/** The OpenAI API root, used when a provider connection has no base URL. */
const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * OpenAI (`api.openai.com/v1`): `max_completion_tokens` (reasoning models reject `max_tokens`),
 * usage always requested in streams, Chat Completions / Responses / Embeddings forwardable as is.
 * No count-tokens: OpenAI has no endpoint that counts a chat request exactly.
 */
export const openaiProvider: ProviderAdapter = createOpenAIFamilyProvider({
  apiType: 'openai',
  maxTokensField: 'max_completion_tokens',
  streamUsageOption: true,
  url: (target, endpoint) => `${trimBaseUrl(target.baseUrl, OPENAI_DEFAULT_BASE_URL)}${endpoint}`,
  authHeaders: bearerAuth,
  passthroughEndpoints: ['/chat/completions', '/responses', '/embeddings'],
});
