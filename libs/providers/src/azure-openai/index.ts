import type { ProviderAdapter } from '../adapter';
import { createOpenAIFamilyProvider } from '../openai/family';
import { azureAuth, azureUrl } from './endpoint';

/**
 * Azure OpenAI: the OpenAI family addressed by deployment (`{base}/openai/deployments/{model}/…`
 * with `api-version`), keyed with `api-key`. Chat Completions and Embeddings bodies can be
 * forwarded as is; `/responses` is not (it needs preview API versions).
 */
export const azureOpenAIProvider: ProviderAdapter = createOpenAIFamilyProvider({
  apiType: 'azure-openai',
  maxTokensField: 'max_completion_tokens',
  streamUsageOption: true,
  url: azureUrl,
  authHeaders: azureAuth,
  passthroughEndpoints: ['/chat/completions', '/embeddings'],
});
