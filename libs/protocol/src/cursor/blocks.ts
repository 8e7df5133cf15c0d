/**
 * Content blocks in any of the shapes Cursor mixes into one body: Responses (`input_text`,
 * `input_image`, `input_file`, `output_text`), Chat (`text`, `image_url`, `file`) and Anthropic
 * (`image`, `document`, `tool_use`, `tool_result`, `thinking`). `cache_control` markers are
 * ignored: Cursor builds its prompt for OpenAI's automatic caching and places markers freely, and
 * forwarding them could exceed Anthropic's limit of four per request; the gateway decides caching.
 */
import type {
  ContentPart,
  DocumentPart,
  DocumentSource,
  ImagePart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from '../canonical/model';
import {
  decodeInputFile,
  decodeResponsesBlock,
  imageSourceFromUrl,
  parseDataUrl,
} from '../openai-responses/content';
import type { JsonObject } from '../openai-responses/json';
import {
  argumentsText,
  at,
  expectObject,
  invalidType,
  invalidValue,
  isObject,
  optBoolean,
  optObject,
  optString,
  reqString,
} from '../openai-responses/json';

export function decodeCursorBlock(value: unknown, param: string): ContentPart {
  const block = expectObject(value, param);
  const type = optString(block, 'type', param) ?? '';
  switch (type) {
    case 'text':
      return { type: 'text', text: optString(block, 'text', param) ?? '' };
    case 'image_url':
      return decodeImageUrl(block, param);
    case 'image':
      return decodeAnthropicImage(block, param);
    case 'file': {
      const file = optObject(block, 'file', param);
      return file ? decodeInputFile(file, at(param, 'file')) : decodeInputFile(block, param);
    }
    case 'document':
      return decodeAnthropicDocument(block, param);
    case 'tool_use':
      return decodeToolUse(block, param);
    case 'tool_result':
      return decodeToolResult(block, param);
    case 'thinking': {
      const signature = optString(block, 'signature', param);
      const part: ContentPart = { type: 'reasoning', text: optString(block, 'thinking', param) ?? '' };
      if (signature !== undefined && signature !== '') part.signature = signature;
      return part;
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: optString(block, 'data', param) ?? '' };
    default:
      return decodeResponsesBlock(block, param);
  }
}

/** Message content: a string, null, or an array of blocks. */
export function decodeCursorContent(value: unknown, param: string): ContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array', value);
  return (value as unknown[]).map((b, i) => decodeCursorBlock(b, at(param, i)));
}

/** Chat `image_url`: `{url, detail}` or (some clients) the URL string itself. */
function decodeImageUrl(block: JsonObject, param: string): ImagePart {
  const raw = block.image_url;
  const p = at(param, 'image_url');
  const image = typeof raw === 'string' ? { url: raw } : expectObject(raw, p);
  const part: ImagePart = { type: 'image', source: imageSourceFromUrl(reqString(image, 'url', p)) };
  const detail = optString(image, 'detail', p);
  if (detail !== undefined) part.detail = detail;
  return part;
}

function decodeAnthropicImage(block: JsonObject, param: string): ImagePart {
  const p = at(param, 'source');
  const source = expectObject(block.source, p);
  if (source.type === 'url')
    return { type: 'image', source: { kind: 'url', url: reqString(source, 'url', p) } };
  if (source.type === 'base64') {
    return {
      type: 'image',
      source: {
        kind: 'base64',
        mediaType: reqString(source, 'media_type', p),
        data: reqString(source, 'data', p),
      },
    };
  }
  throw invalidValue(at(p, 'type'), "expected 'base64' or 'url'.");
}

function decodeAnthropicDocument(block: JsonObject, param: string): DocumentPart {
  const p = at(param, 'source');
  const source = expectObject(block.source, p);
  let src: DocumentSource;
  switch (source.type) {
    case 'base64':
      src = {
        kind: 'base64',
        mediaType: reqString(source, 'media_type', p),
        data: reqString(source, 'data', p),
      };
      break;
    case 'url': {
      const url = reqString(source, 'url', p);
      const parsed = parseDataUrl(url);
      src = parsed ? { kind: 'base64', ...parsed } : { kind: 'url', url };
      break;
    }
    case 'text':
      src = { kind: 'text', text: reqString(source, 'data', p) };
      break;
    case 'file':
      src = { kind: 'file', fileId: reqString(source, 'file_id', p) };
      break;
    default:
      throw invalidValue(at(p, 'type'), "expected 'base64', 'url', 'text' or 'file'.");
  }
  const part: DocumentPart = { type: 'document', source: src };
  const title = optString(block, 'title', param);
  if (title !== undefined) part.title = title;
  return part;
}

/**
 * `tool_use` in Anthropic form (`id`, `name`, `input` object) or Cursor's OpenAI-flavoured form
 * (`tool_call_id`, `function:{name, arguments}`); non-empty `function.arguments` wins over `input`.
 */
function decodeToolUse(block: JsonObject, param: string): ToolCallPart {
  const fn = optObject(block, 'function', param);
  const id = optString(block, 'id', param) ?? optString(block, 'tool_call_id', param);
  if (id === undefined) throw invalidValue(at(param, 'id'), 'a tool_use block needs an id.');
  const name =
    optString(block, 'name', param) ?? (fn ? optString(fn, 'name', at(param, 'function')) : undefined);
  if (name === undefined) throw invalidValue(at(param, 'name'), 'a tool_use block needs a name.');
  const fnArgs = fn ? argumentsText(fn.arguments) : '';
  return { type: 'tool_call', id, name, arguments: fnArgs !== '' ? fnArgs : argumentsText(block.input) };
}

function decodeToolResult(block: JsonObject, param: string): ToolResultPart {
  const id = optString(block, 'tool_use_id', param) ?? optString(block, 'tool_call_id', param);
  if (id === undefined)
    throw invalidValue(at(param, 'tool_use_id'), 'a tool_result block needs a tool_use_id.');
  const part: ToolResultPart = {
    type: 'tool_result',
    toolCallId: id,
    content: decodeToolResultContent(block.content, at(param, 'content')),
  };
  if (optBoolean(block, 'is_error', param) === true) part.isError = true;
  return part;
}

/** Tool output (a `tool_result` block's or a `role:"tool"` message's content): text, images, documents. */
export function decodeToolResultContent(
  value: unknown,
  param: string,
): Array<TextPart | ImagePart | DocumentPart> {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (isObject(value)) return decodeToolResultContent([value], param);
  return decodeCursorContent(value, param).filter(
    (p): p is TextPart | ImagePart | DocumentPart =>
      p.type === 'text' || p.type === 'image' || p.type === 'document',
  );
}
