import {
  createAnthropicStreamDecoder,
  decodeAnthropicModelList,
  decodeAnthropicResponse,
  encodeAnthropicRequest,
  type ChatRequest,
} from '@optscale/protocol';
import type { ProviderAdapter, ProviderModel, UpstreamTarget } from '../adapter';
import { anthropicHeaders, anthropicUrl, defaultMaxTokens } from './endpoint';
import { parseAnthropicError } from './errors';
import { buildAnthropicPassthrough } from './passthrough';

/** The fields `/v1/messages/count_tokens` takes: the Messages body minus generation parameters. */
const COUNT_TOKENS_FIELDS = [
  'model',
  'system',
  'messages',
  'tools',
  'tool_choice',
  'thinking',
  'output_config',
  'cache_control',
  'context_management',
  'mcp_servers',
] as const;

function messagesBody(req: ChatRequest, target: UpstreamTarget): Record<string, unknown> {
  return encodeAnthropicRequest(
    { ...req, model: target.model },
    { defaultMaxTokens: defaultMaxTokens(target.model) },
  );
}

/** Anthropic Messages API (`api_type: anthropic`). */
export const anthropicProvider: ProviderAdapter = {
  apiType: 'anthropic',
  dialect: 'anthropic',
  streamFraming: 'sse',

  buildChatRequest(req, target) {
    return {
      method: 'POST',
      url: anthropicUrl(target.baseUrl, '/v1/messages'),
      headers: anthropicHeaders(target.apiKey),
      body: JSON.stringify(messagesBody(req, target)),
    };
  },

  parseChatResponse: decodeAnthropicResponse,
  createStreamDecoder: createAnthropicStreamDecoder,
  parseError: parseAnthropicError,
  buildPassthroughRequest: buildAnthropicPassthrough,

  buildListModelsRequest(target) {
    return {
      method: 'GET',
      url: anthropicUrl(target.baseUrl, '/v1/models?limit=1000'),
      headers: anthropicHeaders(target.apiKey),
    };
  },

  parseListModels(body): ProviderModel[] {
    return decodeAnthropicModelList(body);
  },

  buildCountTokensRequest(req, target) {
    const full = messagesBody({ ...req, stream: false }, target);
    const body: Record<string, unknown> = {};
    for (const key of COUNT_TOKENS_FIELDS) if (full[key] !== undefined) body[key] = full[key];
    return {
      method: 'POST',
      url: anthropicUrl(target.baseUrl, '/v1/messages/count_tokens'),
      headers: anthropicHeaders(target.apiKey),
      body: JSON.stringify(body),
    };
  },

  parseCountTokens(body) {
    if (typeof body === 'object' && body !== null && 'input_tokens' in body) {
      const n = body.input_tokens;
      if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
    }
    throw new Error('Anthropic count_tokens response has no input_tokens');
  },
};
