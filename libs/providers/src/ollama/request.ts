import type {
  ChatRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '@optscale/protocol';
import type { UpstreamRequest, UpstreamTarget } from '../adapter';
import { ollamaBaseUrl, ollamaHeaders } from './endpoint';
import type { JsonObject } from '../json';
import { toOllamaMessages } from './messages';
import type { OllamaTool } from './wire';

/** Effort → Ollama `think` level (`false` = off). Levels beyond Ollama's are rounded to the nearest. */
const THINK_BY_EFFORT: Readonly<Record<ReasoningEffort, false | 'low' | 'medium' | 'high' | 'max'>> = {
  none: false,
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'high',
  max: 'max',
};

/** `POST {base}/api/chat`, with `stream` always explicit (Ollama streams unless told `false`). */
export function buildChatRequest(req: ChatRequest, target: UpstreamTarget): UpstreamRequest {
  return {
    method: 'POST',
    url: `${ollamaBaseUrl(target.baseUrl)}/api/chat`,
    headers: ollamaHeaders(target.apiKey),
    body: JSON.stringify(toOllamaChatBody(req, target.model)),
  };
}

export function toOllamaChatBody(req: ChatRequest, model: string): JsonObject {
  const body: JsonObject = { model, messages: toOllamaMessages(req), stream: req.stream };
  const tools = toOllamaTools(req.tools, req.toolChoice);
  if (tools) body.tools = tools;
  const format = toFormat(req.responseFormat);
  if (format !== undefined) body.format = format;
  const options = toOptions(req);
  if (Object.keys(options).length > 0) body.options = options;
  const think = toThink(req.reasoning);
  if (think !== undefined) body.think = think;

  // Native-dialect fields the canonical model has no place for (keep_alive, …); never overriding.
  if (req.passthrough?.dialect === 'ollama') {
    for (const [key, value] of Object.entries(req.passthrough.fields)) {
      if (!(key in body)) body[key] = value;
    }
  }
  return body;
}

/**
 * OpenAI-style function tools. Ollama has no `tool_choice`, so it is approximated with the tool
 * list: `none` sends no tools, a named tool sends only that one; `auto`/`required` send all.
 */
export function toOllamaTools(
  tools: readonly ToolDefinition[] | undefined,
  choice: ToolChoice | undefined,
): OllamaTool[] | undefined {
  if (!tools || tools.length === 0 || choice?.type === 'none') return undefined;
  const offered = choice?.type === 'tool' ? tools.filter((t) => t.name === choice.name) : tools;
  if (offered.length === 0) return undefined;
  return offered.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description !== undefined && tool.description.length > 0
        ? { description: tool.description }
        : {}),
      parameters: tool.parameters,
    },
  }));
}

function toFormat(format: ResponseFormat | undefined): string | JsonObject | undefined {
  if (!format) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return 'json';
    case 'json_schema':
      return format.schema ?? 'json';
  }
}

export function toOptions(req: ChatRequest): JsonObject {
  const options: JsonObject = {};
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.topP !== undefined) options.top_p = req.topP;
  if (req.topK !== undefined) options.top_k = req.topK;
  if (req.maxTokens !== undefined) options.num_predict = req.maxTokens;
  if (req.stop !== undefined && req.stop.length > 0) options.stop = req.stop;
  if (req.seed !== undefined) options.seed = req.seed;
  if (req.presencePenalty !== undefined) options.presence_penalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) options.frequency_penalty = req.frequencyPenalty;
  return options;
}

/** `think`: `false` when disabled, the effort level when one is given, else `true`. */
export function toThink(reasoning: ReasoningConfig | undefined): boolean | string | undefined {
  if (!reasoning) return undefined;
  if (!reasoning.enabled) return false;
  return reasoning.effort !== undefined ? THINK_BY_EFFORT[reasoning.effort] : true;
}
