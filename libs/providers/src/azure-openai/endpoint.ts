import type { EndpointTarget, OpenAIEndpoint } from '../openai/family';
import { trimBaseUrl } from '../openai/family';

/** The GA data-plane API version used when a connection configures none. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/**
 * Azure OpenAI URLs: `{base}/openai/deployments/{deployment}/{chat/completions|embeddings}` and
 * `{base}/openai/models`, each with `?api-version=`. The target's model is the deployment name.
 * A base that already ends in `/openai` is accepted.
 */
export function azureUrl(target: EndpointTarget, endpoint: OpenAIEndpoint): string {
  const base = trimBaseUrl(target.baseUrl).replace(/\/openai$/, '');
  const query = `api-version=${encodeURIComponent(target.apiVersion ?? AZURE_DEFAULT_API_VERSION)}`;
  if (endpoint === '/models') return `${base}/openai/models?${query}`;
  if (endpoint === '/responses')
    throw new Error('Azure OpenAI Responses API is not supported on this api-version');
  const deployment = target.model ?? '';
  if (deployment.length === 0) throw new Error('Azure OpenAI needs a deployment name as the model');
  return `${base}/openai/deployments/${encodeURIComponent(deployment)}${endpoint}?${query}`;
}

/** Azure keys go in `api-key`, not `Authorization`. */
export function azureAuth(apiKey: string): Record<string, string> {
  return apiKey.length > 0 ? { 'api-key': apiKey } : {};
}
