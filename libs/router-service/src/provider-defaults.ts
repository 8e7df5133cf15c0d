import type { ProviderApiType } from '@optscale/contracts';

/**
 * The public endpoint of each API type that has one, in the form the providers library appends its
 * paths to (OpenAI's includes `/v1`, Gemini's `/v1beta`, Anthropic's has no version). Azure OpenAI
 * and OpenAI-compatible servers are per customer, and Ollama runs wherever the operator put it (its
 * `127.0.0.1:11434` default means "this machine", which is rarely the gateway's), so they need a
 * `base_url`. Copied from libs/providers (whose index does not export them) and kept equal there.
 */
export const DEFAULT_BASE_URLS: Partial<Record<ProviderApiType, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
};

export function defaultBaseUrl(apiType: ProviderApiType): string | undefined {
  return DEFAULT_BASE_URLS[apiType];
}

/** API types whose requests carry a version the connection must name. */
export function needsApiVersion(apiType: ProviderApiType): boolean {
  return apiType === 'azure-openai';
}

/**
 * Additional authenticated data of a provider's credential envelope: binds the ciphertext to its row
 * (as config-import and the database tests do), so an envelope copied onto another row fails.
 */
export function credentialAad(providerId: string): string {
  return `provider:${providerId}`;
}

/** Same rule as `providerSnapshotSchema.proxyName` and the `CHK_providers_proxy_name` constraint. */
export const PROXY_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
