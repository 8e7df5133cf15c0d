import type { ChatRequest, Message, ReasoningEffort, TextPart, ToolDefinition } from '../canonical/model';
import { encodePart } from './content-encode';
import { encodeCacheControl, isObject, type JsonObject } from './json';
import { ToolIdMap } from './tool-ids';

export interface EncodeAnthropicRequestOptions {
  /** `max_tokens` when the request has none (Anthropic requires it): the model's output limit. */
  defaultMaxTokens: number;
}

/** Thinking budget per effort when the request gives no budget (WIRE-FORMATS 5.2). */
const EFFORT_BUDGET: Record<Exclude<ReasoningEffort, 'none'>, number> = {
  minimal: 1024,
  low: 1024,
  medium: 2048,
  high: 4096,
  xhigh: 8192,
  max: 16384,
};

/** Anthropic's smallest accepted `thinking.budget_tokens`. */
const MIN_BUDGET = 1024;

/** The placeholder for a conversation that would otherwise be empty (Anthropic rejects empty text). */
const EMPTY_TURN_TEXT = '...';

/**
 * Canonical request → upstream Messages body (WIRE-FORMATS 5.2). System messages are folded into
 * `system`; empty text and unsigned reasoning are dropped; consecutive turns of one role are merged
 * with tool results first; tool ids are sanitized consistently; `passthrough` fields are re-emitted
 * only when they came from an Anthropic client.
 */
export function encodeAnthropicRequest(
  req: ChatRequest,
  opts: EncodeAnthropicRequestOptions,
): Record<string, unknown> {
  const ids = new ToolIdMap();
  const passthrough = req.passthrough?.dialect === 'anthropic' ? req.passthrough.fields : {};
  const maxTokens = req.maxTokens ?? opts.defaultMaxTokens;
  const out: JsonObject = { model: req.model, max_tokens: maxTokens };

  const system = encodeSystem(req);
  if (system.length > 0) out.system = system;
  out.messages = encodeMessages(req.messages, ids);

  const tools = (req.tools ?? []).map(encodeTool);
  const serverTools = passthrough.tools;
  if (Array.isArray(serverTools)) tools.push(...serverTools.filter(isObject));
  if (tools.length > 0) {
    out.tools = tools;
    const toolChoice = encodeToolChoice(req);
    if (toolChoice) out.tool_choice = toolChoice;
  }

  if (req.stop && req.stop.length > 0) out.stop_sequences = req.stop;

  const thinking = encodeThinking(req, maxTokens);
  if (!thinking.on) {
    if (req.temperature !== undefined) out.temperature = Math.min(1, Math.max(0, req.temperature));
    if (req.topP !== undefined) out.top_p = req.topP;
    if (req.topK !== undefined) out.top_k = req.topK;
  } else if (req.topP !== undefined && req.topP >= 0.95) {
    // With thinking on, Anthropic takes only the default temperature, no top_k, and top_p ≥ 0.95.
    out.top_p = req.topP;
  }
  if (thinking.thinking) out.thinking = thinking.thinking;

  const outputConfig: JsonObject = isObject(passthrough.output_config)
    ? { ...passthrough.output_config }
    : {};
  if (thinking.effort !== undefined && outputConfig.effort === undefined) {
    outputConfig.effort = thinking.effort;
  }
  const format = req.responseFormat;
  if (format?.type === 'json_schema' && format.schema && outputConfig.format === undefined) {
    outputConfig.format = { type: 'json_schema', schema: format.schema };
  }
  if (Object.keys(outputConfig).length > 0) out.output_config = outputConfig;

  if (req.user !== undefined && req.user !== '') out.metadata = { user_id: req.user };
  if (req.stream) out.stream = true;

  for (const [key, value] of Object.entries(passthrough)) {
    if (key === 'tools' || key === 'output_config' || key in out) continue;
    out[key] = value;
  }
  return out;
}

/** The leading system prompt and every system turn, in order, as text blocks; empty text dropped. */
function encodeSystem(req: ChatRequest): JsonObject[] {
  const parts: TextPart[] = [...req.system];
  for (const m of req.messages) {
    if (m.role !== 'system') continue;
    for (const p of m.content) if (p.type === 'text') parts.push(p);
  }
  return parts
    .filter((p) => p.text !== '')
    .map((p) => ({ type: 'text', text: p.text, ...encodeCacheControl(p.cacheControl) }));
}

interface Turn {
  role: 'user' | 'assistant';
  content: JsonObject[];
}

function encodeMessages(messages: Message[], ids: ToolIdMap): JsonObject[] {
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === 'system') continue;
    const blocks: JsonObject[] = [];
    for (const part of m.content) {
      // Reasoning belongs to assistant turns only.
      if (part.type === 'reasoning' && m.role !== 'assistant') continue;
      const block = encodePart(part, ids);
      if (block) blocks.push(block);
    }
    if (blocks.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.content.push(...blocks);
    else turns.push({ role: m.role, content: blocks });
  }
  if (turns.length === 0) turns.push({ role: 'user', content: [{ type: 'text', text: EMPTY_TURN_TEXT }] });
  return turns.map((t) => ({
    role: t.role,
    content: t.role === 'user' ? toolResultsFirst(t.content) : t.content,
  }));
}

/** Anthropic wants a user turn's tool_result blocks before anything else in it. */
function toolResultsFirst(blocks: JsonObject[]): JsonObject[] {
  const results = blocks.filter((b) => b.type === 'tool_result');
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
}

function encodeTool(tool: ToolDefinition): JsonObject {
  const params = tool.parameters;
  const schema =
    Object.keys(params).length === 0
      ? { type: 'object', properties: {} }
      : params.type === undefined
        ? { type: 'object', ...params }
        : params;
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    input_schema: schema,
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    ...encodeCacheControl(tool.cacheControl),
  };
}

function encodeToolChoice(req: ChatRequest): JsonObject | undefined {
  const disableParallel = req.parallelToolCalls === false;
  const choice = req.toolChoice;
  if (!choice) return disableParallel ? { type: 'auto', disable_parallel_tool_use: true } : undefined;
  const flag = disableParallel ? { disable_parallel_tool_use: true } : {};
  switch (choice.type) {
    case 'auto':
      return { type: 'auto', ...flag };
    case 'required':
      return { type: 'any', ...flag };
    case 'none':
      return { type: 'none' };
    case 'tool':
      return { type: 'tool', name: choice.name, ...flag };
  }
}

interface ThinkingPlan {
  /** Thinking is on: sampling parameters must be left at their defaults. */
  on: boolean;
  thinking?: JsonObject;
  /** `output_config.effort` for adaptive thinking. */
  effort?: string;
}

function encodeThinking(req: ChatRequest, maxTokens: number): ThinkingPlan {
  const r = req.reasoning;
  if (!r) return { on: false };
  if (!r.enabled || r.effort === 'none') return { on: false, thinking: { type: 'disabled' } };
  // Anthropic rejects thinking combined with a forced tool choice; the tool choice wins.
  const forced = req.toolChoice?.type === 'required' || req.toolChoice?.type === 'tool';
  if (forced) return { on: false };
  if (r.adaptive) {
    const effort = r.effort === 'minimal' ? 'low' : r.effort;
    return { on: true, thinking: { type: 'adaptive' }, ...(effort ? { effort } : {}) };
  }
  const wanted = r.budgetTokens ?? EFFORT_BUDGET[r.effort ?? 'medium'];
  // The budget must stay below max_tokens; too small a room means no thinking at all.
  const budget = Math.min(Math.max(wanted, MIN_BUDGET), maxTokens - 1);
  if (budget < MIN_BUDGET) return { on: false };
  return { on: true, thinking: { type: 'enabled', budget_tokens: budget } };
}
