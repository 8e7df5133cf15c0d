import type {
  ContentPart,
  DocumentPart,
  ImagePart,
  OpaquePart,
  TextPart,
  ToolResultPart,
} from '../canonical/model';
import {
  decodeCacheControl,
  fail,
  isObject,
  join,
  optionalBoolean,
  optionalString,
  requireObject,
  requireString,
  type JsonObject,
} from './json';

/** Anthropic request content (a string or blocks) → canonical parts. Strict: throws `ProtocolError`. */
export function decodeContent(value: unknown, param: string): ContentPart[] {
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  if (!Array.isArray(value)) fail(param, `${param}: expected a string or an array of content blocks`);
  return value.map((block, i) => decodeBlock(block, join(param, i)));
}

export function decodeBlock(value: unknown, param: string): ContentPart {
  const block = requireObject(value, param);
  const type = block.type;
  if (typeof type !== 'string') fail(join(param, 'type'), `${param}.type: expected a string`);
  switch (type) {
    case 'text':
      return decodeText(block, param);
    case 'image':
      return decodeImage(block, param);
    case 'document':
      return decodeDocument(block, param);
    case 'tool_use': {
      const input = block.input ?? {};
      if (!isObject(input)) fail(join(param, 'input'), `${param}.input: expected an object`);
      const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
      return {
        type: 'tool_call',
        id: requireString(block.id, join(param, 'id')),
        name: requireString(block.name, join(param, 'name')),
        arguments: JSON.stringify(input),
        ...(cacheControl ? { cacheControl } : {}),
      };
    }
    case 'tool_result':
      return decodeToolResult(block, param);
    case 'thinking': {
      const signature = optionalString(block.signature, join(param, 'signature'));
      return {
        type: 'reasoning',
        text: requireString(block.thinking, join(param, 'thinking')),
        ...(signature !== undefined ? { signature } : {}),
      };
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: requireString(block.data, join(param, 'data')) };
    default:
      return opaque(block);
  }
}

function opaque(block: JsonObject): OpaquePart {
  return { type: 'opaque', dialect: 'anthropic', value: block };
}

function decodeText(block: JsonObject, param: string): TextPart {
  const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
  return {
    type: 'text',
    text: requireString(block.text, join(param, 'text')),
    ...(cacheControl ? { cacheControl } : {}),
  };
}

function decodeImage(block: JsonObject, param: string): ImagePart | OpaquePart {
  const sourceParam = join(param, 'source');
  const source = requireObject(block.source, sourceParam);
  const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
  const cc = cacheControl ? { cacheControl } : {};
  switch (source.type) {
    case 'base64':
      return {
        type: 'image',
        source: {
          kind: 'base64',
          mediaType: requireString(source.media_type, join(sourceParam, 'media_type')),
          data: requireString(source.data, join(sourceParam, 'data')),
        },
        ...cc,
      };
    case 'url':
      return {
        type: 'image',
        source: { kind: 'url', url: requireString(source.url, join(sourceParam, 'url')) },
        ...cc,
      };
    default:
      // Files API references and future source kinds have no canonical form.
      return opaque(block);
  }
}

function decodeDocument(block: JsonObject, param: string): DocumentPart | OpaquePart {
  const sourceParam = join(param, 'source');
  const source = requireObject(block.source, sourceParam);
  const title = optionalString(block.title, join(param, 'title'));
  const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
  const rest = { ...(title !== undefined ? { title } : {}), ...(cacheControl ? { cacheControl } : {}) };
  switch (source.type) {
    case 'base64':
      return {
        type: 'document',
        source: {
          kind: 'base64',
          mediaType: requireString(source.media_type, join(sourceParam, 'media_type')),
          data: requireString(source.data, join(sourceParam, 'data')),
        },
        ...rest,
      };
    case 'text':
      return {
        type: 'document',
        source: { kind: 'text', text: requireString(source.data, join(sourceParam, 'data')) },
        ...rest,
      };
    case 'url':
      return {
        type: 'document',
        source: { kind: 'url', url: requireString(source.url, join(sourceParam, 'url')) },
        ...rest,
      };
    case 'file':
      return {
        type: 'document',
        source: { kind: 'file', fileId: requireString(source.file_id, join(sourceParam, 'file_id')) },
        ...rest,
      };
    default:
      // `content` sources (custom chunked documents) and future kinds stay Anthropic-only.
      return opaque(block);
  }
}

type ToolResultContent = ToolResultPart['content'][number];

function decodeToolResult(block: JsonObject, param: string): ToolResultPart {
  const contentParam = join(param, 'content');
  const raw = block.content;
  let content: ToolResultContent[] = [];
  if (typeof raw === 'string') {
    content = raw === '' ? [] : [{ type: 'text', text: raw }];
  } else if (Array.isArray(raw)) {
    content = raw.map((item, i) => decodeToolResultItem(item, join(contentParam, i)));
  } else if (raw !== undefined && raw !== null) {
    fail(contentParam, `${contentParam}: expected a string or an array of content blocks`);
  }
  const isError = optionalBoolean(block.is_error, join(param, 'is_error'));
  const cacheControl = decodeCacheControl(block.cache_control, join(param, 'cache_control'));
  return {
    type: 'tool_result',
    toolCallId: requireString(block.tool_use_id, join(param, 'tool_use_id')),
    content,
    ...(isError !== undefined ? { isError } : {}),
    ...(cacheControl ? { cacheControl } : {}),
  };
}

/**
 * Tool results hold text, images and documents. Other blocks (e.g. `search_result`) have no
 * canonical form inside a result; they become their JSON text so a translated upstream still sees them.
 */
function decodeToolResultItem(value: unknown, param: string): ToolResultContent {
  const part = decodeBlock(value, param);
  switch (part.type) {
    case 'text':
    case 'image':
    case 'document':
      return part;
    case 'opaque':
      return { type: 'text', text: JSON.stringify(part.value) };
    case 'tool_call':
    case 'tool_result':
    case 'reasoning':
      return fail(join(param, 'type'), `${param}.type: not allowed inside a tool_result`);
  }
}
