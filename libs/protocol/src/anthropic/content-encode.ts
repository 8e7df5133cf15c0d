import type {
  ContentPart,
  DocumentPart,
  ImagePart,
  ReasoningPart,
  ToolCallPart,
  ToolResultPart,
} from '../canonical/model';
import { encodeCacheControl, isObject, tryParseJson, type JsonObject } from './json';
import type { ToolIdMap } from './tool-ids';

/**
 * Tool-call arguments (JSON text) → a `tool_use.input` object: `""` → `{}`; text that is not a JSON
 * object → `{"raw": text}` (Anthropic needs an object; rejecting the request would be worse).
 */
export function toolInput(args: string): JsonObject {
  if (args.trim() === '') return {};
  const parsed = tryParseJson(args);
  return isObject(parsed) ? parsed : { raw: args };
}

/** A reasoning part as an Anthropic block, or undefined when it has neither signature nor redaction. */
export function encodeReasoningForUpstream(part: ReasoningPart): JsonObject | undefined {
  if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted };
  // Unsigned (foreign or synthesized) thinking is rejected by Anthropic: never send it.
  if (!part.signature) return undefined;
  return { type: 'thinking', thinking: part.text, signature: part.signature };
}

export function encodeToolUse(part: ToolCallPart, ids: ToolIdMap): JsonObject {
  return {
    type: 'tool_use',
    id: ids.map(part.id),
    name: part.name,
    input: toolInput(part.arguments),
    ...encodeCacheControl(part.cacheControl),
  };
}

/**
 * One canonical part → an Anthropic request block, or undefined when it must be dropped (empty text,
 * unsigned reasoning, opaque parts of other dialects).
 */
export function encodePart(part: ContentPart, ids: ToolIdMap): JsonObject | undefined {
  switch (part.type) {
    case 'text':
      if (part.text === '') return undefined;
      return { type: 'text', text: part.text, ...encodeCacheControl(part.cacheControl) };
    case 'image':
      return encodeImage(part);
    case 'document':
      return encodeDocument(part);
    case 'tool_call':
      return encodeToolUse(part, ids);
    case 'tool_result':
      return encodeToolResult(part, ids);
    case 'reasoning':
      return encodeReasoningForUpstream(part);
    case 'opaque':
      return part.dialect === 'anthropic' ? part.value : undefined;
  }
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** A URL source; a `data:` URL (Anthropic takes only http(s) URLs) becomes a base64 source. */
function urlSource(url: string): JsonObject {
  const m = DATA_URL.exec(url);
  if (m) return { type: 'base64', media_type: m[1] ?? '', data: m[2] ?? '' };
  return { type: 'url', url };
}

function encodeImage(part: ImagePart): JsonObject {
  const source =
    part.source.kind === 'base64'
      ? { type: 'base64', media_type: part.source.mediaType, data: part.source.data }
      : urlSource(part.source.url);
  return { type: 'image', source, ...encodeCacheControl(part.cacheControl) };
}

function encodeDocument(part: DocumentPart): JsonObject {
  let source: JsonObject;
  switch (part.source.kind) {
    case 'base64':
      source = { type: 'base64', media_type: part.source.mediaType, data: part.source.data };
      break;
    case 'url':
      source = urlSource(part.source.url);
      break;
    case 'text':
      source = { type: 'text', media_type: 'text/plain', data: part.source.text };
      break;
    case 'file':
      source = { type: 'file', file_id: part.source.fileId };
      break;
  }
  const title = part.title ?? part.filename;
  return {
    type: 'document',
    source,
    ...(title !== undefined ? { title } : {}),
    ...encodeCacheControl(part.cacheControl),
  };
}

function encodeToolResult(part: ToolResultPart, ids: ToolIdMap): JsonObject {
  const content: JsonObject[] = [];
  for (const item of part.content) {
    const block = encodePart(item, ids);
    if (block) content.push(block);
  }
  // A single plain text block is sent in the string form (as clients write it).
  const only = content.length === 1 ? content[0] : undefined;
  const body = only && only.type === 'text' && only.cache_control === undefined ? only.text : content;
  return {
    type: 'tool_result',
    tool_use_id: ids.map(part.toolCallId),
    ...(content.length > 0 ? { content: body } : {}),
    ...(part.isError ? { is_error: true } : {}),
    ...encodeCacheControl(part.cacheControl),
  };
}
