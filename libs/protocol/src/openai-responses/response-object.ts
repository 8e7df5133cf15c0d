/**
 * The Responses `response` object and its output items, shared by the non-streaming encoder and
 * the stream encoder (whose `response.created` / `response.completed` events carry the object).
 * Request parameters are echoed the way OpenAI does, because SDKs type them as present.
 */
import type { ChatRequest, FinishReason, TranslateContext, Usage } from '../canonical/model';
import type { JsonObject } from './json';
import { isObject } from './json';
import { encodeFunctionTool, encodeTextFormat, encodeToolChoice } from './tools';
import { encodeResponsesUsage } from './usage';

/** What the encoders echo: the canonical request the response answers. */
export interface ResponsesEcho {
  request: ChatRequest;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';
export type IncompleteReason = 'max_output_tokens' | 'content_filter';

export interface ResponseState {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  status: ResponseStatus;
  output: JsonObject[];
  usage: Usage | null;
  incompleteReason?: IncompleteReason;
  error?: { code: string; message: string };
}

/** Upstream ids are kept when they already look like Responses ids; others get a fresh `resp_` id. */
export function responseId(id: string, ctx: TranslateContext): string {
  return id.startsWith('resp_') ? id : ctx.newId('resp_');
}

/** How a canonical finish ends a response: `length` and `content_filter` make it incomplete. */
export function terminalFor(reason: FinishReason): {
  status: 'completed' | 'incomplete';
  incompleteReason?: IncompleteReason;
} {
  switch (reason) {
    case 'length':
    case 'context_window_exceeded':
      return { status: 'incomplete', incompleteReason: 'max_output_tokens' };
    case 'content_filter':
      return { status: 'incomplete', incompleteReason: 'content_filter' };
    case 'stop':
    case 'tool_calls':
    case 'stop_sequence':
    case 'refusal':
    case 'pause_turn':
      return { status: 'completed' };
  }
}

export function outputTextPart(text: string): JsonObject {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function messageItem(id: string, status: string, content: JsonObject[]): JsonObject {
  return { id, type: 'message', status, role: 'assistant', content };
}

/** Reasoning goes out as summary text: what the SDKs and clients (Codex, AI SDK) display. */
export function reasoningItem(id: string, text: string | null): JsonObject {
  return { id, type: 'reasoning', summary: text === null ? [] : [{ type: 'summary_text', text }] };
}

export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: 'in_progress' | 'completed',
): JsonObject {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

function passthroughFields(req: ChatRequest): JsonObject {
  return req.passthrough?.dialect === 'openai-responses' ? req.passthrough.fields : {};
}

export function buildResponseObject(
  state: ResponseState,
  ctx: TranslateContext,
  echo: ResponsesEcho,
): JsonObject {
  const req = echo.request;
  const pt = passthroughFields(req);
  const ptReasoning = isObject(pt.reasoning) ? pt.reasoning : {};
  const ptText = isObject(pt.text) ? pt.text : {};
  const ptTools = Array.isArray(pt.tools) ? (pt.tools as unknown[]) : [];
  const instructions = req.system.map((p) => p.text).join('\n\n');
  return {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason ? { reason: state.incompleteReason } : null,
    instructions: instructions === '' ? null : instructions,
    max_output_tokens: req.maxTokens ?? null,
    max_tool_calls: pt.max_tool_calls ?? null,
    model: ctx.clientModel,
    output: state.output,
    parallel_tool_calls: req.parallelToolCalls ?? true,
    previous_response_id: pt.previous_response_id ?? null,
    prompt_cache_key: pt.prompt_cache_key ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: ptReasoning.summary ?? null },
    safety_identifier: req.user ?? null,
    service_tier: pt.service_tier ?? 'default',
    // The gateway keeps no response state, whatever the client asked for.
    store: false,
    temperature: req.temperature ?? 1,
    text: {
      ...ptText,
      format: encodeTextFormat(req.responseFormat ?? { type: 'text' }),
      verbosity: ptText.verbosity ?? 'medium',
    },
    tool_choice: req.toolChoice ? encodeToolChoice(req.toolChoice) : (pt.tool_choice ?? 'auto'),
    tools: [...(req.tools ?? []).map(encodeFunctionTool), ...ptTools],
    top_logprobs: pt.top_logprobs ?? 0,
    top_p: req.topP ?? 1,
    truncation: pt.truncation ?? 'disabled',
    usage: state.usage ? encodeResponsesUsage(state.usage) : null,
    metadata: isObject(pt.metadata) ? pt.metadata : {},
  };
}
