/**
 * The text of a JSON body that guardrails may read and redaction may rewrite, per client dialect.
 * A slot points into the parsed body, so a rewrite edits it in place and `JSON.stringify` keeps every
 * other field, and the order of all fields, as the client sent them.
 *
 * Never a slot: tool definitions, tool calls and tool results, images, documents, thinking blocks,
 * and any block carrying `cache_control` in the system prompt (Claude Code's cached prefix must stay
 * byte-identical, PRODUCT.md 8.4). Tool results are left alone for the same reason as tools: coding
 * clients replay them verbatim on every turn and providers check them against the calls.
 */

export type Json = Record<string, unknown>;

export interface TextSlot {
  readonly text: string;
  set(text: string): void;
}

export type BodyDialect = 'openai-chat' | 'openai-responses' | 'anthropic' | 'cursor';

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A slot on `holder[field]` when it is a string. */
function fieldSlot(holder: Json, field: string, out: TextSlot[]): void {
  const value = holder[field];
  if (typeof value !== 'string' || value === '') return;
  out.push({
    get text() {
      return typeof holder[field] === 'string' ? holder[field] : '';
    },
    set: (text) => {
      holder[field] = text;
    },
  });
}

/** `content` as a string or as an array of parts, of which those of `textTypes` hold text. */
function contentSlots(
  holder: Json,
  textTypes: ReadonlySet<string>,
  out: TextSlot[],
  skipCached = false,
): void {
  const content = holder['content'];
  if (typeof content === 'string') return fieldSlot(holder, 'content', out);
  if (!Array.isArray(content)) return;
  for (const part of content) {
    if (!isObject(part) || typeof part['type'] !== 'string' || !textTypes.has(part['type'])) continue;
    if (skipCached && part['cache_control'] !== undefined) continue;
    fieldSlot(part, 'text', out);
  }
}

const CHAT_TEXT = new Set(['text']);
const CHAT_ROLES = new Set(['system', 'developer', 'user', 'assistant']);
const RESPONSES_TEXT = new Set(['input_text', 'output_text', 'text']);

function chatMessageSlots(messages: unknown, out: TextSlot[]): void {
  if (!Array.isArray(messages)) return;
  for (const m of messages) {
    if (isObject(m) && typeof m['role'] === 'string' && CHAT_ROLES.has(m['role']))
      contentSlots(m, CHAT_TEXT, out);
  }
}

function responsesInputSlots(body: Json, out: TextSlot[]): void {
  fieldSlot(body, 'instructions', out);
  if (typeof body['input'] === 'string') return fieldSlot(body, 'input', out);
  if (!Array.isArray(body['input'])) return;
  for (const item of body['input']) {
    // Message items: `{type:"message", role, content}` or the short `{role, content}`.
    if (!isObject(item) || (item['type'] !== undefined && item['type'] !== 'message')) continue;
    if (typeof item['role'] === 'string' && CHAT_ROLES.has(item['role']))
      contentSlots(item, RESPONSES_TEXT, out);
  }
}

function anthropicSlots(body: Json, out: TextSlot[]): void {
  const system = body['system'];
  if (typeof system === 'string') fieldSlot(body, 'system', out);
  else if (Array.isArray(system)) {
    for (const block of system) {
      if (isObject(block) && block['type'] === 'text' && block['cache_control'] === undefined)
        fieldSlot(block, 'text', out);
    }
  }
  const messages = body['messages'];
  if (!Array.isArray(messages)) return;
  for (const m of messages) if (isObject(m)) contentSlots(m, CHAT_TEXT, out);
}

/** The prompt text of a request body in the client's dialect. */
export function requestTextSlots(dialect: BodyDialect, body: Json): TextSlot[] {
  const out: TextSlot[] = [];
  switch (dialect) {
    case 'openai-chat':
      chatMessageSlots(body['messages'], out);
      break;
    case 'openai-responses':
      responsesInputSlots(body, out);
      break;
    case 'anthropic':
      anthropicSlots(body, out);
      break;
    case 'cursor':
      // Hybrid bodies: Chat `messages`, Responses `input`/`instructions`, or both.
      chatMessageSlots(body['messages'], out);
      responsesInputSlots(body, out);
      if (typeof body['system'] === 'string') fieldSlot(body, 'system', out);
      break;
  }
  return out;
}

/** The answer text of a non-streamed response body in the client's dialect. */
export function responseTextSlots(dialect: BodyDialect, body: Json): TextSlot[] {
  const out: TextSlot[] = [];
  switch (dialect) {
    case 'openai-chat':
    case 'cursor': {
      const choices = body['choices'];
      if (!Array.isArray(choices)) break;
      for (const c of choices)
        if (isObject(c) && isObject(c['message'])) contentSlots(c['message'], CHAT_TEXT, out);
      break;
    }
    case 'anthropic':
      contentSlots(body, CHAT_TEXT, out);
      break;
    case 'openai-responses': {
      fieldSlot(body, 'output_text', out);
      const output = body['output'];
      if (!Array.isArray(output)) break;
      for (const item of output)
        if (isObject(item) && item['type'] === 'message') contentSlots(item, RESPONSES_TEXT, out);
      break;
    }
  }
  return out;
}
