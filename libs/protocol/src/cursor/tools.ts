import { CUSTOM_TOOL_INPUT } from '../openai-chat/custom-tools';
/**
 * Cursor's tool shapes: Responses-flat `{type:"function", name, parameters}`, Chat-nested
 * `{type:"function", function:{…}}`, raw `{name, description, input_schema}`, and OpenAI custom
 * (free-form) tools `{type:"custom", name, format}`.
 */
import type { ToolChoice, ToolDefinition } from '../canonical/model';
import type { JsonObject } from '../openai-responses/json';
import {
  at,
  expectObject,
  invalidType,
  missing,
  optObject,
  optString,
  reqString,
} from '../openai-responses/json';
import { decodeFlatFunctionTool, EMPTY_PARAMETERS } from '../openai-responses/tools';

export interface CursorTools {
  tools: ToolDefinition[];
  /** Names of tools that were custom (free-form) tools, so a response encoder can map calls back. */
  customToolNames: string[];
  /** Hosted tools (web_search, file_search…), kept for an OpenAI Responses upstream. */
  other: JsonObject[];
}

export function decodeCursorTools(value: unknown, param = 'tools'): CursorTools {
  const out: CursorTools = { tools: [], customToolNames: [], other: [] };
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  (value as unknown[]).forEach((entry, i) => {
    const p = at(param, i);
    const tool = expectObject(entry, p);
    const type = optString(tool, 'type', p);
    const fn = optObject(tool, 'function', p);
    if (type === 'function' && fn) {
      out.tools.push(decodeFlatFunctionTool(fn, at(p, 'function')));
    } else if (type === 'function') {
      out.tools.push(decodeFlatFunctionTool(tool, p));
    } else if (tool.input_schema !== undefined || (type === undefined && typeof tool.name === 'string')) {
      // Cursor's raw form, and Anthropic's (`type:"custom"` there means an ordinary client tool).
      out.tools.push(decodeRawTool(tool, p));
    } else if (type === 'custom') {
      const custom = optObject(tool, 'custom', p);
      const def = decodeCustomTool(custom ?? tool, custom ? at(p, 'custom') : p);
      out.tools.push(def);
      out.customToolNames.push(def.name);
    } else if (type === undefined) {
      throw missing(at(p, 'name'));
    } else {
      out.other.push(tool);
    }
  });
  return out;
}

function decodeRawTool(tool: JsonObject, param: string): ToolDefinition {
  const def: ToolDefinition = {
    name: reqString(tool, 'name', param),
    parameters: optObject(tool, 'input_schema', param) ??
      optObject(tool, 'parameters', param) ?? { ...EMPTY_PARAMETERS },
  };
  const description = optString(tool, 'description', param);
  if (description !== undefined) def.description = description;
  return def;
}

/**
 * A custom tool takes raw text (optionally constrained by a grammar), which Chat-style function
 * calling and non-OpenAI providers cannot express. It becomes a function with one required string
 * argument `input`, so any provider can call it, and a call maps back losslessly
 * (`{"input": text}` ↔ text). The name is kept unchanged. A grammar is appended to the
 * description, since a provider without grammar-constrained decoding only learns the input
 * format from the prompt.
 */
function decodeCustomTool(tool: JsonObject, param: string): ToolDefinition {
  const name = reqString(tool, 'name', param);
  const parts: string[] = [];
  const description = optString(tool, 'description', param);
  if (description !== undefined && description !== '') parts.push(description);
  const format = optObject(tool, 'format', param);
  if (format && format.type === 'grammar') {
    const p = at(param, 'format');
    const nested = optObject(format, 'grammar', p);
    const grammar = nested ?? format;
    const syntax = optString(grammar, 'syntax', p) ?? 'lark';
    const definition = optString(grammar, 'definition', p);
    if (definition !== undefined) parts.push(`The input must match this ${syntax} grammar:\n${definition}`);
  }
  const def: ToolDefinition = {
    name,
    custom: true,
    parameters: {
      type: 'object',
      properties: { [CUSTOM_TOOL_INPUT]: { type: 'string' } },
      required: [CUSTOM_TOOL_INPUT],
    },
  };
  if (parts.length > 0) def.description = parts.join('\n\n');
  return def;
}

/**
 * `tool_choice` in Chat, Responses or Anthropic form. Forms with no canonical equivalent
 * (`allowed_tools`, hosted tools) are dropped: their shapes differ between the APIs Cursor mixes.
 */
export function decodeCursorToolChoice(value: unknown, param = 'tool_choice'): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    switch (value) {
      case 'auto':
      case 'none':
      case 'required':
        return { type: value };
      case 'any':
        return { type: 'required' };
      default:
        return undefined;
    }
  }
  const choice = expectObject(value, param);
  const type = optString(choice, 'type', param) ?? '';
  switch (type) {
    case 'auto':
    case 'none':
      return { type };
    case 'any':
    case 'required':
      return { type: 'required' };
    case 'function':
    case 'custom':
    case 'tool': {
      const nested = optObject(choice, type, param);
      const name =
        optString(choice, 'name', param) ?? (nested ? optString(nested, 'name', at(param, type)) : undefined);
      return name === undefined ? undefined : { type: 'tool', name };
    }
    default:
      return undefined;
  }
}
