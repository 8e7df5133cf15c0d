import type {
  ChatRequest,
  Message,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from '../canonical/model';
import { decodeContent } from './content-decode';
import {
  decodeCacheControl,
  fail,
  isObject,
  join,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  requireArray,
  requireObject,
  requireString,
  type JsonObject,
} from './json';

/** Top-level Messages fields the canonical model holds; every other field goes to `passthrough`. */
const KNOWN_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'stop_sequences',
  'temperature',
  'top_p',
  'top_k',
  'metadata',
  'thinking',
  'stream',
]);

const EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

export interface DecodeAnthropicRequestOptions {
  /** `max_tokens` is required on `/v1/messages` (default true); count_tokens bodies have none. */
  requireMaxTokens?: boolean;
}

/**
 * A client's Messages body → canonical request. Throws `ProtocolError` (with the offending field as
 * `param`, e.g. `messages.1.content`) on malformed input; accepts everything current clients send.
 * Unknown top-level fields, and server tools (`tools[]` entries with a versioned `type`), are kept in
 * `passthrough` (dialect `anthropic`): server tools as `passthrough.fields.tools`.
 */
export function decodeAnthropicRequest(body: unknown, opts: DecodeAnthropicRequestOptions = {}): ChatRequest {
  if (!isObject(body)) fail(null, 'Request body must be a JSON object');
  const model = requireString(body.model, 'model');
  if (model === '') fail('model', 'model: must not be empty');

  const maxTokens = optionalInteger(body.max_tokens, 'max_tokens');
  if (maxTokens === undefined && opts.requireMaxTokens !== false) {
    fail('max_tokens', 'max_tokens: Field required');
  }
  const stream = optionalBoolean(body.stream, 'stream') ?? false;

  const req: ChatRequest = {
    model,
    system: decodeSystem(body.system),
    messages: decodeMessages(body.messages),
    stream,
  };
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  // Anthropic streams always carry usage, so an Anthropic client always "asked" for it.
  if (stream) req.includeUsage = true;

  const passthrough: JsonObject = {};
  const { tools, serverTools } = decodeTools(body.tools);
  if (tools.length > 0) req.tools = tools;
  if (serverTools.length > 0) passthrough.tools = serverTools;

  decodeToolChoice(body.tool_choice, req);

  const stop = decodeStopSequences(body.stop_sequences);
  if (stop) req.stop = stop;
  const temperature = optionalNumber(body.temperature, 'temperature');
  if (temperature !== undefined) req.temperature = temperature;
  const topP = optionalNumber(body.top_p, 'top_p');
  if (topP !== undefined) req.topP = topP;
  const topK = optionalInteger(body.top_k, 'top_k');
  if (topK !== undefined) req.topK = topK;

  if (body.metadata !== undefined && body.metadata !== null) {
    const metadata = requireObject(body.metadata, 'metadata');
    const user = optionalString(metadata.user_id, 'metadata.user_id');
    if (user !== undefined && user !== '') req.user = user;
  }

  const reasoning = decodeThinking(body.thinking, body.output_config);
  if (reasoning) req.reasoning = reasoning;
  const responseFormat = decodeOutputFormat(body.output_config);
  if (responseFormat) req.responseFormat = responseFormat;

  for (const [key, value] of Object.entries(body)) {
    if (!KNOWN_FIELDS.has(key)) passthrough[key] = value;
  }
  if (Object.keys(passthrough).length > 0) req.passthrough = { dialect: 'anthropic', fields: passthrough };
  return req;
}

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  const blocks = requireArray(value, 'system');
  return blocks.map((item, i) => {
    const param = join('system', i);
    const block = requireObject(item, param);
    if (block.type !== 'text') fail(join(param, 'type'), `${param}.type: expected "text"`);
    const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
    return {
      type: 'text',
      text: requireString(block.text, join(param, 'text')),
      ...(cacheControl ? { cacheControl } : {}),
    };
  });
}

function decodeMessages(value: unknown): Message[] {
  if (value === undefined || value === null) fail('messages', 'messages: Field required');
  const messages = requireArray(value, 'messages');
  return messages.map((item, i) => {
    const param = join('messages', i);
    const msg = requireObject(item, param);
    const role = msg.role;
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      fail(join(param, 'role'), `${param}.role: expected "user", "assistant" or "system"`);
    }
    if (msg.content === undefined || msg.content === null) {
      fail(join(param, 'content'), `${param}.content: Field required`);
    }
    return { role, content: decodeContent(msg.content, join(param, 'content')) };
  });
}

function decodeTools(value: unknown): { tools: ToolDefinition[]; serverTools: JsonObject[] } {
  const tools: ToolDefinition[] = [];
  const serverTools: JsonObject[] = [];
  if (value === undefined || value === null) return { tools, serverTools };
  requireArray(value, 'tools').forEach((item, i) => {
    const param = join('tools', i);
    const tool = requireObject(item, param);
    const type = optionalString(tool.type, join(param, 'type'));
    if (type !== undefined && type !== 'custom') {
      serverTools.push(tool);
      return;
    }
    const schema = requireObject(tool.input_schema, join(param, 'input_schema'));
    const description = optionalString(tool.description, join(param, 'description'));
    const strict = optionalBoolean(tool.strict, join(param, 'strict'));
    const cacheControl = decodeCacheControl(tool.cache_control, join(param, 'cache_control'));
    tools.push({
      name: requireString(tool.name, join(param, 'name')),
      parameters: schema,
      ...(description !== undefined ? { description } : {}),
      ...(strict !== undefined ? { strict } : {}),
      ...(cacheControl ? { cacheControl } : {}),
    });
  });
  return { tools, serverTools };
}

function decodeToolChoice(value: unknown, req: ChatRequest): void {
  if (value === undefined || value === null) return;
  const choice = requireObject(value, 'tool_choice');
  let toolChoice: ToolChoice;
  switch (choice.type) {
    case 'auto':
      toolChoice = { type: 'auto' };
      break;
    case 'any':
      toolChoice = { type: 'required' };
      break;
    case 'none':
      toolChoice = { type: 'none' };
      break;
    case 'tool':
      toolChoice = { type: 'tool', name: requireString(choice.name, 'tool_choice.name') };
      break;
    default:
      fail('tool_choice.type', 'tool_choice.type: expected "auto", "any", "tool" or "none"');
  }
  req.toolChoice = toolChoice;
  const disableParallel = optionalBoolean(
    choice.disable_parallel_tool_use,
    'tool_choice.disable_parallel_tool_use',
  );
  if (disableParallel !== undefined) req.parallelToolCalls = !disableParallel;
}

function decodeStopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = requireArray(value, 'stop_sequences');
  const stop = list.map((s, i) => requireString(s, join('stop_sequences', i)));
  return stop.length > 0 ? stop : undefined;
}

function decodeThinking(value: unknown, outputConfig: unknown): ReasoningConfig | undefined {
  let reasoning: ReasoningConfig | undefined;
  if (value !== undefined && value !== null) {
    const thinking = requireObject(value, 'thinking');
    switch (thinking.type) {
      case 'enabled': {
        const budget = optionalInteger(thinking.budget_tokens, 'thinking.budget_tokens');
        if (budget === undefined) fail('thinking.budget_tokens', 'thinking.budget_tokens: Field required');
        reasoning = { enabled: true, budgetTokens: budget };
        break;
      }
      case 'adaptive':
        reasoning = { enabled: true, adaptive: true };
        break;
      case 'disabled':
        reasoning = { enabled: false };
        break;
      default:
        fail('thinking.type', 'thinking.type: expected "enabled", "adaptive" or "disabled"');
    }
  }
  // `output_config.effort` refines an explicit thinking config (it also stays in passthrough).
  if (reasoning && isObject(outputConfig)) {
    const effort = EFFORTS.find((e) => e === outputConfig.effort);
    if (effort) reasoning.effort = effort;
  }
  return reasoning;
}

function decodeOutputFormat(outputConfig: unknown): ResponseFormat | undefined {
  if (outputConfig === undefined || outputConfig === null) return undefined;
  const config = requireObject(outputConfig, 'output_config');
  if (config.format === undefined || config.format === null) return undefined;
  const format = requireObject(config.format, 'output_config.format');
  if (format.type !== 'json_schema') return undefined;
  const schema = format.schema;
  if (schema !== undefined && !isObject(schema)) {
    fail('output_config.format.schema', 'output_config.format.schema: expected an object');
  }
  return { type: 'json_schema', name: 'output', ...(schema ? { schema } : {}) };
}
