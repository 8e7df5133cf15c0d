import type { ProviderModel, UpstreamRequest, UpstreamTarget } from '../adapter';
import { geminiBaseUrl, geminiHeaders } from './endpoint';
import { asArray, asRecord, asString } from '../json';

/** `GET {base}/models?pageSize=1000`: one page holds every model Gemini lists today. */
export function buildListModelsRequest(target: Omit<UpstreamTarget, 'model'>): UpstreamRequest {
  const headers = geminiHeaders(target.apiKey);
  delete headers['content-type'];
  return { method: 'GET', url: `${geminiBaseUrl(target.baseUrl)}/models?pageSize=1000`, headers };
}

/** `models[].name` (`models/gemini-2.5-flash`) → id without the collection prefix. */
export function parseListModels(body: unknown): ProviderModel[] {
  const models: ProviderModel[] = [];
  for (const entry of asArray(asRecord(body)?.models)) {
    const model = asRecord(entry);
    const name = asString(model?.name);
    if (name === undefined || name.length === 0) continue;
    const id = name.startsWith('models/') ? name.slice('models/'.length) : name;
    const displayName = asString(model?.displayName);
    models.push(displayName !== undefined ? { id, displayName } : { id });
  }
  return models;
}
