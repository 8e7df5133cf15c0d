import type { JsonObject } from '../json';

/** The Ollama native wire shapes the gateway writes (`/api/chat` request). */

export interface OllamaToolCall {
  id?: string;
  function: { name: string; arguments: JsonObject };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Raw base64, no `data:` prefix. */
  images?: string[];
  thinking?: string;
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters: JsonObject };
}
