import {
  openAIToolNameMap,
  restoreToolName,
  type ChatRequest,
  type ChatResponse,
  type StreamEvent,
} from '@optscale/protocol';
import type { ProviderConnection } from '../config/gateway-state';

/**
 * OpenAI-dialect providers refuse tool names over 64 characters or with `.`/`:` (Claude Code's MCP
 * tools: `mcp__server__tool…`); the encoder shortens them deterministically. This puts the client's
 * names back on the answer. Identity when nothing was renamed.
 */
export function toolNameRestorer(
  provider: ProviderConnection,
  request: ChatRequest,
): { event: (e: StreamEvent) => StreamEvent; response: (r: ChatResponse) => ChatResponse } | undefined {
  if (provider.adapter.dialect !== 'openai-chat') return undefined;
  const names = openAIToolNameMap(request.tools);
  if (names.size === 0) return undefined;
  return {
    event: (e) => (e.type === 'tool_call_start' ? { ...e, name: restoreToolName(e.name, names) } : e),
    response: (r) => ({
      ...r,
      content: r.content.map((part) =>
        part.type === 'tool_call' ? { ...part, name: restoreToolName(part.name, names) } : part,
      ),
    }),
  };
}
