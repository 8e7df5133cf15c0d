import { createHash } from 'node:crypto';
import type {
  ChatRequest,
  DocumentPart,
  ImagePart,
  Message,
  TextPart,
  ToolResultPart,
} from '../canonical/model';
import { dataUrl } from './content';
import { isObject } from './json';
import type { JsonObject } from './json';
import { openAIToolName } from './tool-names';

/** Claude Code's attribution block (WIRE-FORMATS 6.3): wasted tokens, and some upstreams 400 on it. */
const BILLING_HEADER = 'x-anthropic-billing-header:';
/** OpenAI Chat rejects tool-call ids longer than this (`string_above_max_length`). */
const MAX_TOOL_CALL_ID = 40;

function isBillingHeader(part: TextPart): boolean {
  return part.text.trimStart().startsWith(BILLING_HEADER);
}

function systemText(parts: readonly TextPart[]): string {
  return parts
    .filter((p) => p.text.length > 0 && !isBillingHeader(p))
    .map((p) => p.text)
    .join('\n\n');
}

/**
 * A tool-call id OpenAI accepts: unchanged up to 40 characters, else `call_` + 35 hex digits of its
 * SHA-256. Applied to both the assistant call and its tool message, so the pair still matches.
 */
export function openAIToolCallId(id: string): string {
  if (id.length <= MAX_TOOL_CALL_ID) return id;
  return `call_${createHash('sha256')
    .update(id)
    .digest('hex')
    .slice(0, MAX_TOOL_CALL_ID - 5)}`;
}

function imagePart(part: ImagePart): JsonObject {
  const url =
    part.source.kind === 'base64' ? dataUrl(part.source.mediaType, part.source.data) : part.source.url;
  const image: JsonObject = { url };
  if (part.detail !== undefined) image.detail = part.detail;
  return { type: 'image_url', image_url: image };
}

function defaultFilename(mediaType: string): string {
  return mediaType === 'application/pdf' ? 'document.pdf' : 'document';
}

/** Documents: base64 → `file_data` data URL, file id → `file_id`; text and URL sources become text. */
function documentPart(part: DocumentPart): JsonObject {
  const source = part.source;
  switch (source.kind) {
    case 'base64':
      return {
        type: 'file',
        file: {
          filename: part.filename ?? part.title ?? defaultFilename(source.mediaType),
          file_data: dataUrl(source.mediaType, source.data),
        },
      };
    case 'file':
      return { type: 'file', file: { file_id: source.fileId } };
    case 'text':
      return {
        type: 'text',
        text: part.title !== undefined ? `${part.title}\n\n${source.text}` : source.text,
      };
    case 'url':
      return { type: 'text', text: part.title !== undefined ? `${part.title}: ${source.url}` : source.url };
  }
}

/** One text part is sent as a plain string (what every OpenAI-compatible server understands). */
function userContent(parts: JsonObject[]): string | JsonObject[] {
  const only = parts[0];
  if (parts.length === 1 && only !== undefined && only.type === 'text' && typeof only.text === 'string') {
    return only.text;
  }
  return parts;
}

/**
 * A tool result as a `role:"tool"` message (text only: texts joined, an error marked in the text as
 * OpenAI has no error flag). Images and documents go to `media`, for a user message after the tools.
 */
function toolMessage(part: ToolResultPart, media: JsonObject[]): JsonObject {
  const texts: string[] = [];
  for (const c of part.content) {
    if (c.type === 'text') {
      if (c.text.length > 0) texts.push(c.text);
    } else if (c.type === 'image') media.push(imagePart(c));
    else media.push(documentPart(c));
  }
  const text = texts.join('\n');
  return {
    role: 'tool',
    tool_call_id: openAIToolCallId(part.toolCallId),
    content: part.isError === true ? `Error: ${text}` : text,
  };
}

/** A user turn: its tool results first as `tool` messages, then the rest as one user message. */
function userMessages(message: Message): JsonObject[] {
  const tools: JsonObject[] = [];
  const media: JsonObject[] = [];
  const rest: JsonObject[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'tool_result':
        tools.push(toolMessage(part, media));
        break;
      case 'text':
        if (part.text.length > 0) rest.push({ type: 'text', text: part.text });
        break;
      case 'image':
        rest.push(imagePart(part));
        break;
      case 'document':
        rest.push(documentPart(part));
        break;
      case 'opaque':
        if (part.dialect === 'openai-chat') rest.push(part.value);
        break;
      case 'tool_call':
      case 'reasoning':
        break;
    }
  }
  const content = [...media, ...rest];
  if (content.length === 0) return tools;
  const user: JsonObject = { role: 'user', content: userContent(content) };
  if (message.name !== undefined) user.name = message.name;
  return [...tools, user];
}

/** An assistant turn: texts concatenated, tool calls, reasoning dropped (meaningless off its provider). */
function assistantMessage(message: Message): JsonObject | undefined {
  const texts: string[] = [];
  const toolCalls: JsonObject[] = [];
  let audio: unknown;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'tool_call':
        toolCalls.push({
          id: openAIToolCallId(part.id),
          type: 'function',
          function: {
            name: openAIToolName(part.name),
            arguments: part.arguments.length > 0 ? part.arguments : '{}',
          },
        });
        break;
      case 'opaque':
        if (part.dialect !== 'openai-chat') break;
        if (isObject(part.value.tool_call)) toolCalls.push(part.value.tool_call);
        else if (isObject(part.value.audio)) audio = part.value.audio;
        break;
      case 'image':
      case 'document':
      case 'tool_result':
      case 'reasoning':
        break;
    }
  }
  const text = texts.join('');
  if (text.length === 0 && toolCalls.length === 0 && audio === undefined) return undefined;
  const result: JsonObject = {
    role: 'assistant',
    content: text.length > 0 ? text : toolCalls.length > 0 ? null : '',
  };
  if (toolCalls.length > 0) result.tool_calls = toolCalls;
  if (audio !== undefined) result.audio = audio;
  if (message.name !== undefined) result.name = message.name;
  return result;
}

/** Canonical system prompt and turns → OpenAI `messages` (WIRE-FORMATS 5.1). */
export function encodeMessages(req: ChatRequest): JsonObject[] {
  const out: JsonObject[] = [];
  const system = systemText(req.system);
  if (system.length > 0) out.push({ role: 'system', content: system });
  for (const message of req.messages) {
    switch (message.role) {
      case 'system': {
        const text = systemText(message.content.filter((p): p is TextPart => p.type === 'text'));
        if (text.length > 0) out.push({ role: 'system', content: text });
        break;
      }
      case 'user':
        out.push(...userMessages(message));
        break;
      case 'assistant': {
        const assistant = assistantMessage(message);
        if (assistant) out.push(assistant);
        break;
      }
    }
  }
  return out;
}
