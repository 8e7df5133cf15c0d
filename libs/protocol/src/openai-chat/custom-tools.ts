import type { ToolDefinition } from '../canonical/model';
import type { JsonObject } from './json';

/** The argument that carries a custom tool's free-form text once it is a function. */
export const CUSTOM_TOOL_INPUT = 'input';

/** Names of the request's custom (free-form) tools. */
export function customToolNames(tools: readonly ToolDefinition[] | undefined): ReadonlySet<string> {
  return new Set((tools ?? []).filter((t) => t.custom === true).map((t) => t.name));
}

/** The raw input of a custom tool call from its function arguments, or undefined if they are not `{"input": string}`. */
export function customToolInput(args: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const input = (parsed as JsonObject)[CUSTOM_TOOL_INPUT];
      if (typeof input === 'string') return input;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** A custom tool call as OpenAI Chat writes it: `{id, type: "custom", custom: {name, input}}`. */
export function encodeCustomToolCall(id: string, name: string, args: string): JsonObject {
  return { id, type: 'custom', custom: { name, input: customToolInput(args) ?? args } };
}
