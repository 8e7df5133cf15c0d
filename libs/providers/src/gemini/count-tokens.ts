import type { ChatRequest } from '@optscale/protocol';
import type { UpstreamRequest, UpstreamTarget } from '../adapter';
import { toGeminiPrompt } from './contents';
import { geminiHeaders, geminiModelResource, geminiModelUrl } from './endpoint';
import { type JsonObject, asNumber, asRecord } from '../json';
import { toGeminiTools } from './request';

/**
 * `POST {base}/models/{model}:countTokens` in its `generateContentRequest` form: the bare
 * `contents` form of the Gemini API has no `systemInstruction` or `tools`, so it would under-count
 * exactly what agents send most of (long system prompts, many tools).
 */
export function buildCountTokensRequest(req: ChatRequest, target: UpstreamTarget): UpstreamRequest {
  const prompt = toGeminiPrompt(req);
  const generateContentRequest: JsonObject = {
    model: geminiModelResource(target.model),
    contents: prompt.contents,
  };
  if (prompt.systemInstruction) generateContentRequest.systemInstruction = prompt.systemInstruction;
  const tools = toGeminiTools(req.tools);
  if (tools) generateContentRequest.tools = tools;
  return {
    method: 'POST',
    url: geminiModelUrl(target, 'countTokens'),
    headers: geminiHeaders(target.apiKey),
    body: JSON.stringify({ generateContentRequest }),
  };
}

/** `{totalTokens}` (absent when 0). */
export function parseCountTokens(body: unknown): number {
  return asNumber(asRecord(body)?.totalTokens) ?? 0;
}
