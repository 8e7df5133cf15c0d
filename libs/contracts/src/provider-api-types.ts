/**
 * The provider API dialects a connection can speak. Owned here because the providers snapshot on
 * `optscale.config.providers.v1` carries one, and contracts import nothing of ours. Today
 * `libs/providers/src/adapter.ts` keeps its own identical `PROVIDER_API_TYPES`; it should import this
 * list instead (follow-up, that folder belongs to another change).
 */
export const PROVIDER_API_TYPES = [
  'openai',
  'anthropic',
  'gemini',
  'ollama',
  'azure-openai',
  'openai-compatible',
] as const;

export type ProviderApiType = (typeof PROVIDER_API_TYPES)[number];
