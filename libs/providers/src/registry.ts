import type { ProviderAdapter, ProviderApiType } from './adapter';
import { anthropicProvider } from './anthropic';
import { azureOpenAIProvider } from './azure-openai';
import { geminiProvider } from './gemini';
import { ollamaProvider } from './ollama';
import { openaiProvider } from './openai';
import { openaiCompatibleProvider } from './openai-compatible';

/**
 * Every provider API by its `api_type`. Adding one (Bedrock, Vertex) is a folder and a line here;
 * `satisfies` makes a missing or misspelled entry a compile error.
 */
export const PROVIDERS = {
  openai: openaiProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  ollama: ollamaProvider,
  'azure-openai': azureOpenAIProvider,
  'openai-compatible': openaiCompatibleProvider,
} as const satisfies Record<ProviderApiType, ProviderAdapter>;

export function providerAdapter(apiType: ProviderApiType): ProviderAdapter {
  return PROVIDERS[apiType];
}
