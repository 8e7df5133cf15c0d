import type { ProviderModel } from '../adapter';
import { asNumber, asRecord, asString } from '../json';

/**
 * `{"object":"list","data":[{id, created, owned_by}]}` (OpenAI, Ollama /v1, vLLM, Groq, OpenRouter);
 * Azure's `/openai/models` has `created_at` instead of `created`. A bare array is accepted too.
 */
export function parseListModels(body: unknown): ProviderModel[] {
  const data = Array.isArray(body) ? body : asRecord(body)?.data;
  if (!Array.isArray(data)) return [];
  const models: ProviderModel[] = [];
  for (const entry of data) {
    const record = asRecord(entry);
    const id = asString(record?.id);
    if (!record || id === undefined || id.length === 0) continue;
    const model: ProviderModel = { id };
    const created = asNumber(record.created) ?? asNumber(record.created_at);
    if (created !== undefined) model.created = created;
    const name = asString(record.name) ?? asString(record.display_name);
    if (name !== undefined && name !== id) model.displayName = name;
    models.push(model);
  }
  return models;
}
