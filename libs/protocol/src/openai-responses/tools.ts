/** Responses tools, tool_choice, `text.format` and `reasoning.effort` ↔ canonical. */
import type {
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '../canonical/model';
import type { JsonObject } from './json';
import {
  at,
  expectObject,
  invalidType,
  invalidValue,
  optBoolean,
  optObject,
  optString,
  reqString,
} from './json';

/** The schema of a function that takes no arguments (OpenAI lets `parameters` be omitted). */
export const EMPTY_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'object',
  properties: {},
});

/** A flat Responses function tool `{type:"function", name, description, parameters, strict}`. */
export function decodeFlatFunctionTool(tool: JsonObject, param: string): ToolDefinition {
  const def: ToolDefinition = {
    name: reqString(tool, 'name', param),
    parameters: optObject(tool, 'parameters', param) ?? { ...EMPTY_PARAMETERS },
  };
  const description = optString(tool, 'description', param);
  if (description !== undefined) def.description = description;
  const strict = optBoolean(tool, 'strict', param);
  if (strict !== undefined) def.strict = strict;
  return def;
}

/** Function tools become canonical; the rest (web_search, file_search, mcp, custom…) are returned as they are. */
export function decodeResponsesTools(
  value: unknown,
  param = 'tools',
): { tools: ToolDefinition[]; other: JsonObject[] } {
  const tools: ToolDefinition[] = [];
  const other: JsonObject[] = [];
  if (value === undefined || value === null) return { tools, other };
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  (value as unknown[]).forEach((entry, i) => {
    const p = at(param, i);
    const tool = expectObject(entry, p);
    if (tool.type === 'function') tools.push(decodeFlatFunctionTool(tool, p));
    else other.push(tool);
  });
  return { tools, other };
}

/** `tool_choice`; forms with no canonical equivalent (allowed_tools, hosted tools) come back as `other`. */
export function decodeResponsesToolChoice(
  value: unknown,
  param = 'tool_choice',
): { choice?: ToolChoice; other?: unknown } {
  if (value === undefined || value === null) return {};
  if (typeof value === 'string') {
    if (value === 'auto' || value === 'none' || value === 'required') return { choice: { type: value } };
    throw invalidValue(param, `unknown tool_choice '${value}'.`);
  }
  const choice = expectObject(value, param);
  if (choice.type === 'function') return { choice: { type: 'tool', name: reqString(choice, 'name', param) } };
  return { other: choice };
}

export function encodeFunctionTool(tool: ToolDefinition): JsonObject {
  const out: JsonObject = { type: 'function', name: tool.name };
  if (tool.description !== undefined) out.description = tool.description;
  out.parameters = tool.parameters;
  // The Responses API makes function tools strict by default, which rejects ordinary schemas
  // (strict needs additionalProperties:false and every key required): say false unless asked.
  out.strict = tool.strict ?? false;
  return out;
}

export function encodeToolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', name: choice.name };
  }
}

/** Responses `text.format` (flat: name/schema/strict beside `type`). */
export function decodeTextFormat(value: unknown, param: string): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, param);
  const type = reqString(format, 'type', param);
  switch (type) {
    case 'text':
    case 'json_object':
      return { type };
    case 'json_schema':
      return decodeJsonSchemaFormat(format, param);
    default:
      throw invalidValue(at(param, 'type'), `unknown format type '${type}'.`);
  }
}

export function encodeTextFormat(format: ResponseFormat): JsonObject {
  if (format.type !== 'json_schema') return { type: format.type };
  const out: JsonObject = { type: 'json_schema', name: format.name };
  if (format.description !== undefined) out.description = format.description;
  if (format.schema !== undefined) out.schema = format.schema;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}

const EFFORTS: ReadonlySet<string> = new Set<ReasoningEffort>([
  'none',
  'minimal',
  'low',
  'medium',
  'high',
  'xhigh',
  'max',
]);

/** A known effort value; unknown strings give undefined (the caller keeps them for passthrough). */
export function decodeEffort(value: unknown, param: string): ReasoningEffort | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return EFFORTS.has(value) ? (value as ReasoningEffort) : undefined;
}

export function reasoningFromEffort(effort: ReasoningEffort): ReasoningConfig {
  return { enabled: effort !== 'none', effort };
}

/**
 * The OpenAI effort for a canonical reasoning config. A thinking budget maps like LiteLLM's
 * `reasoning_effort_from_thinking_budget`; adaptive without effort is `medium`; disabled reasoning
 * gives undefined (omit the field: `none` is rejected by older reasoning models). `max` is not an
 * OpenAI value and becomes `xhigh`.
 */
export function openAiEffort(reasoning: ReasoningConfig | undefined): string | undefined {
  if (!reasoning || !reasoning.enabled) return undefined;
  if (reasoning.effort !== undefined) return reasoning.effort === 'max' ? 'xhigh' : reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget !== undefined) {
    if (budget >= 4096) return 'high';
    if (budget >= 2048) return 'medium';
    if (budget >= 1024) return 'low';
    return 'minimal';
  }
  return reasoning.adaptive ? 'medium' : undefined;
}

/** The fields of a `json_schema` format (name, schema, strict, description), wherever a dialect nests them. */
export function decodeJsonSchemaFormat(spec: JsonObject, param: string): ResponseFormat {
  const out: ResponseFormat = { type: 'json_schema', name: reqString(spec, 'name', param) };
  const schema = optObject(spec, 'schema', param);
  if (schema !== undefined) out.schema = schema;
  const strict = optBoolean(spec, 'strict', param);
  if (strict !== undefined) out.strict = strict;
  const description = optString(spec, 'description', param);
  if (description !== undefined) out.description = description;
  return out;
}
