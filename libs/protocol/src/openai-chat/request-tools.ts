import type { ToolChoice, ToolDefinition } from '../canonical/model';
import { ProtocolError } from '../errors';
import { isObject, obj, str } from './json';
import type { JsonObject } from './json';

/** JSON Schema of a function that takes no arguments (OpenAI lets `parameters` be omitted). */
export const EMPTY_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({
  type: 'object',
  properties: {},
});

function decodeFunction(fn: JsonObject, path: string): ToolDefinition {
  const name = str(fn, 'name');
  if (name === undefined || name.length === 0)
    throw new ProtocolError(`Missing '${path}.name'.`, `${path}.name`);
  const tool: ToolDefinition = { name, parameters: { ...EMPTY_PARAMETERS } };
  const description = fn.description;
  if (typeof description === 'string') tool.description = description;
  const parameters = fn.parameters;
  if (isObject(parameters)) tool.parameters = parameters;
  else if (parameters !== undefined && parameters !== null) {
    throw new ProtocolError(
      `Invalid '${path}.parameters': expected a JSON Schema object.`,
      `${path}.parameters`,
    );
  }
  if (typeof fn.strict === 'boolean') tool.strict = fn.strict;
  return tool;
}

/**
 * `tools` (function tools; `custom` and other non-function tools have no canonical form and are
 * skipped) or, when absent, the legacy `functions`.
 */
export function decodeTools(tools: unknown, functions: unknown): ToolDefinition[] | undefined {
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) throw new ProtocolError("Invalid 'tools': expected an array.", 'tools');
    const result: ToolDefinition[] = [];
    tools.forEach((tool, i) => {
      const path = `tools[${i}]`;
      if (!isObject(tool)) throw new ProtocolError(`Invalid '${path}': expected an object.`, path);
      if (tool.type !== undefined && tool.type !== 'function') return;
      const fn = tool.function;
      if (!isObject(fn)) throw new ProtocolError(`Missing '${path}.function'.`, `${path}.function`);
      result.push(decodeFunction(fn, `${path}.function`));
    });
    return result;
  }
  if (functions !== undefined && functions !== null) {
    if (!Array.isArray(functions))
      throw new ProtocolError("Invalid 'functions': expected an array.", 'functions');
    return functions.map((fn, i) => {
      if (!isObject(fn))
        throw new ProtocolError(`Invalid 'functions[${i}]': expected an object.`, `functions[${i}]`);
      return decodeFunction(fn, `functions[${i}]`);
    });
  }
  return undefined;
}

function namedChoice(name: string | undefined, param: string): ToolChoice {
  if (name === undefined) throw new ProtocolError(`Missing '${param}'.`, param);
  return { type: 'tool', name };
}

/**
 * `tool_choice`, or the legacy `function_call` when it is absent. `allowed_tools` keeps only its
 * mode (the canonical model has no allow-list); a named custom tool is a named choice.
 */
export function decodeToolChoice(toolChoice: unknown, functionCall: unknown): ToolChoice | undefined {
  if (toolChoice !== undefined && toolChoice !== null) {
    if (toolChoice === 'auto' || toolChoice === 'required' || toolChoice === 'none')
      return { type: toolChoice };
    if (isObject(toolChoice)) {
      switch (toolChoice.type) {
        case 'function':
          return namedChoice(str(obj(toolChoice, 'function') ?? {}, 'name'), 'tool_choice.function.name');
        case 'custom':
          return namedChoice(str(obj(toolChoice, 'custom') ?? {}, 'name'), 'tool_choice.custom.name');
        case 'allowed_tools': {
          const mode = str(obj(toolChoice, 'allowed_tools') ?? {}, 'mode');
          return { type: mode === 'required' ? 'required' : 'auto' };
        }
        default:
          break;
      }
    }
    throw new ProtocolError(
      "Invalid 'tool_choice': expected 'none', 'auto', 'required' or a named function.",
      'tool_choice',
    );
  }
  if (functionCall !== undefined && functionCall !== null) {
    if (functionCall === 'auto' || functionCall === 'none') return { type: functionCall };
    if (isObject(functionCall)) return namedChoice(str(functionCall, 'name'), 'function_call.name');
    throw new ProtocolError("Invalid 'function_call': expected 'none', 'auto' or {name}.", 'function_call');
  }
  return undefined;
}
