import type { ProviderModel, UpstreamRequest, UpstreamTarget } from '../adapter';
import { ollamaBaseUrl, ollamaHeaders } from './endpoint';
import { asArray, asRecord, asString } from '../json';

/** `GET {base}/api/tags`: the models pulled on this server. */
export function buildListModelsRequest(target: Omit<UpstreamTarget, 'model'>): UpstreamRequest {
  return {
    method: 'GET',
    url: `${ollamaBaseUrl(target.baseUrl)}/api/tags`,
    headers: ollamaHeaders(target.apiKey, false),
  };
}

/** `models[].name` (e.g. `qwen3:8b`); `created` from `modified_at`, the closest date Ollama has. */
export function parseListModels(body: unknown): ProviderModel[] {
  const models: ProviderModel[] = [];
  for (const entry of asArray(asRecord(body)?.models)) {
    const model = asRecord(entry);
    const name = asString(model?.name) ?? asString(model?.model);
    if (name === undefined || name.length === 0) continue;
    const modifiedAt = Date.parse(asString(model?.modified_at) ?? '');
    models.push(
      Number.isNaN(modifiedAt) ? { id: name } : { id: name, created: Math.floor(modifiedAt / 1000) },
    );
  }
  return models;
}
