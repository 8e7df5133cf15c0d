import type { ProviderAdapter } from '../adapter';
import { bearerAuth, createOpenAIFamilyProvider, trimBaseUrl } from '../openai/family';

/**
 * Any server with an OpenAI Chat Completions API at `{base}` (vLLM, Groq, Mistral, OpenRouter,
 * DeepSeek, LM Studio, Ollama's `/v1`): the OpenAI family with `max_tokens` (older servers know
 * only that), `stream_options` only on streaming requests (WIRE-FORMATS pitfall 16), and no
 * Authorization header when the connection has no key (local servers).
 */
export const openaiCompatibleProvider: ProviderAdapter = createOpenAIFamilyProvider({
  apiType: 'openai-compatible',
  maxTokensField: 'max_tokens',
  streamUsageOption: true,
  url: (target, endpoint) => `${trimBaseUrl(target.baseUrl)}${endpoint}`,
  authHeaders: bearerAuth,
  passthroughEndpoints: ['/chat/completions', '/responses', '/embeddings'],
});
