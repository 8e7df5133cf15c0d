import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../canonical/model';

/** OpenAI accepts function names of at most 64 characters from this set (WIRE-FORMATS 1.2). */
const MAX_TOOL_NAME = 64;
const VALID_TOOL_NAME = /^[a-zA-Z0-9_-]+$/;
const PREFIX_LENGTH = 55;

/**
 * The name to send OpenAI for a tool. Valid names are unchanged; longer ones (MCP tools such as
 * `mcp__server__tool` often are) or ones with other characters become a 55-character prefix
 * (invalid characters replaced by `_`), `_`, and the first 8 hex digits of the SHA-256 of the
 * original name (WIRE-FORMATS 5.1, pitfall 4). Deterministic, so the same name always maps the same.
 */
export function openAIToolName(name: string): string {
  if (name.length <= MAX_TOOL_NAME && VALID_TOOL_NAME.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, PREFIX_LENGTH)}_${hash}`;
}

/** Wire name → original name, for the tools of a request whose names had to change. */
export function openAIToolNameMap(tools: readonly ToolDefinition[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const tool of tools ?? []) {
    const wire = openAIToolName(tool.name);
    if (wire !== tool.name) map.set(wire, tool.name);
  }
  return map;
}

/** The original name of a tool the upstream called by its wire name. */
export function restoreToolName(wireName: string, map: ReadonlyMap<string, string> | undefined): string {
  return map?.get(wireName) ?? wireName;
}
