import type {
  ChatRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '@optscale/protocol';
import type { UpstreamRequest, UpstreamTarget } from '../adapter';
import { toGeminiPrompt } from './contents';
import { geminiHeaders, geminiModelUrl } from './endpoint';
import type { JsonObject } from '../json';
import { prepareJsonSchema, prepareToolParameters } from './schema';
import type { GeminiTool, GeminiToolConfig } from './wire';

/**
 * Thinking budgets for an effort level. low/medium/high follow Google's own OpenAI-compatible
 * endpoint (1024 / 8192 / 24576); 512 is the smallest budget every 2.5 model accepts, 24576 the
 * largest 2.5 Flash accepts. `none` turns thinking off (2.5 Pro cannot, and answers 400).
 */
const EFFORT_BUDGET: Readonly<Record<ReasoningEffort, number>> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
  max: 24576,
};
/** Gemini's "dynamic thinking": the model picks its budget. */
const DYNAMIC_BUDGET = -1;

/** `POST {base}/models/{model}:generateContent`, or `:streamGenerateContent?alt=sse` when streaming. */
export function buildChatRequest(req: ChatRequest, target: UpstreamTarget): UpstreamRequest {
  const url = req.stream
    ? geminiModelUrl(target, 'streamGenerateContent', 'alt=sse')
    : geminiModelUrl(target, 'generateContent');
  return {
    method: 'POST',
    url,
    headers: geminiHeaders(target.apiKey, req.stream ? 'text/event-stream' : undefined),
    body: JSON.stringify(toGenerateContentBody(req)),
  };
}

/** The `GenerateContentRequest` body (without `model`, which is in the URL). */
export function toGenerateContentBody(req: ChatRequest): JsonObject {
  const prompt = toGeminiPrompt(req);
  const body: JsonObject = { contents: prompt.contents };
  if (prompt.systemInstruction) body.systemInstruction = prompt.systemInstruction;

  const tools = toGeminiTools(req.tools);
  if (tools) {
    body.tools = tools;
    const toolConfig = toToolConfig(req.toolChoice);
    if (toolConfig) body.toolConfig = toolConfig;
  }

  const generationConfig = toGenerationConfig(req);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  // Fields a Gemini-dialect client sent that the canonical model has no place for
  // (safetySettings, cachedContent, …); never overriding what was built above.
  if (req.passthrough?.dialect === 'gemini') {
    for (const [key, value] of Object.entries(req.passthrough.fields)) {
      if (!(key in body)) body[key] = value;
    }
  }
  return body;
}

export function toGeminiTools(tools: readonly ToolDefinition[] | undefined): GeminiTool[] | undefined {
  if (!tools || tools.length === 0) return undefined;
  return [
    {
      functionDeclarations: tools.map((tool) => ({
        name: tool.name,
        ...(tool.description !== undefined && tool.description.length > 0
          ? { description: tool.description }
          : {}),
        parametersJsonSchema: prepareToolParameters(tool.parameters),
      })),
    },
  ];
}

export function toToolConfig(choice: ToolChoice | undefined): GeminiToolConfig | undefined {
  if (!choice) return undefined;
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

export function toGenerationConfig(req: ChatRequest): JsonObject {
  const config: JsonObject = {};
  if (req.maxTokens !== undefined) config.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) config.temperature = req.temperature;
  if (req.topP !== undefined) config.topP = req.topP;
  if (req.topK !== undefined) config.topK = req.topK;
  if (req.stop !== undefined && req.stop.length > 0) config.stopSequences = req.stop;
  if (req.seed !== undefined) config.seed = req.seed;
  if (req.presencePenalty !== undefined) config.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) config.frequencyPenalty = req.frequencyPenalty;
  Object.assign(config, responseFormatConfig(req.responseFormat));
  const thinking = toThinkingConfig(req.reasoning);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

function responseFormatConfig(format: ResponseFormat | undefined): JsonObject {
  if (!format) return {};
  switch (format.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema':
      return format.schema
        ? { responseMimeType: 'application/json', responseJsonSchema: prepareJsonSchema(format.schema) }
        : { responseMimeType: 'application/json' };
  }
}

/**
 * Canonical reasoning → `thinkingConfig`. An explicit budget wins, then the effort table, else
 * dynamic thinking. Thoughts are requested (`includeThoughts`) whenever thinking is on, so clients
 * see reasoning; disabled means budget 0. `thinkingBudget` is also understood by Gemini 3 models.
 */
export function toThinkingConfig(reasoning: ReasoningConfig | undefined): JsonObject | undefined {
  if (!reasoning) return undefined;
  if (!reasoning.enabled) return { thinkingBudget: 0 };
  const budget =
    reasoning.budgetTokens ?? (reasoning.effort ? EFFORT_BUDGET[reasoning.effort] : DYNAMIC_BUDGET);
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}
