/**
 * Responses content blocks (`input_text`, `input_image`, `input_file`, `output_text`, `refusal`)
 * ↔ canonical parts, and data-URL helpers shared by the Cursor decoder.
 */
import type {
  ContentPart,
  DocumentPart,
  DocumentSource,
  ImagePart,
  ImageSource,
  OpaquePart,
  TextPart,
  ToolResultPart,
} from '../canonical/model';
import type { JsonObject } from './json';
import { at, expectObject, invalidType, optString } from './json';

/** Content-block types of the Responses API; an opaque part whose value has one of them is a block, not an item. */
export const RESPONSES_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'input_text',
  'input_image',
  'input_file',
  'input_audio',
  'output_text',
  'refusal',
  'summary_text',
  'reasoning_text',
]);

export function opaque(value: JsonObject): OpaquePart {
  return { type: 'opaque', dialect: 'openai-responses', value };
}

/** `data:<mime>;base64,<data>` → base64 source; anything else is a URL. */
export function imageSourceFromUrl(url: string): ImageSource {
  const parsed = parseDataUrl(url);
  return parsed ? { kind: 'base64', ...parsed } : { kind: 'url', url };
}

export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  if (!url.startsWith('data:')) return null;
  const comma = url.indexOf(',');
  if (comma === -1) return null;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return null;
  const mediaType = meta.slice(0, -';base64'.length).split(';')[0] ?? '';
  return { mediaType: mediaType || 'application/octet-stream', data: url.slice(comma + 1) };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

export function imageSourceToUrl(source: ImageSource): string {
  return source.kind === 'url' ? source.url : dataUrl(source.mediaType, source.data);
}

/** A Responses `input_file` block → document part (file_data is a data URL, or raw base64 in older SDKs). */
export function decodeInputFile(block: JsonObject, param: string): DocumentPart | OpaquePart {
  const filename = optString(block, 'filename', param);
  const fileData = optString(block, 'file_data', param);
  const fileId = optString(block, 'file_id', param);
  const fileUrl = optString(block, 'file_url', param);
  let source: DocumentSource;
  if (fileData !== undefined) {
    const parsed = parseDataUrl(fileData);
    source = parsed
      ? { kind: 'base64', ...parsed }
      : { kind: 'base64', mediaType: 'application/pdf', data: fileData };
  } else if (fileId !== undefined) {
    source = { kind: 'file', fileId };
  } else if (fileUrl !== undefined) {
    source = { kind: 'url', url: fileUrl };
  } else {
    return opaque(block);
  }
  const part: DocumentPart = { type: 'document', source };
  if (filename !== undefined) part.filename = filename;
  return part;
}

/** A Responses `input_image` block; a `file_id` image has no canonical source and stays opaque. */
export function decodeInputImage(block: JsonObject, param: string): ImagePart | OpaquePart {
  const url = optString(block, 'image_url', param);
  if (url === undefined) return opaque(block);
  const part: ImagePart = { type: 'image', source: imageSourceFromUrl(url) };
  const detail = optString(block, 'detail', param);
  if (detail !== undefined) part.detail = detail;
  return part;
}

/** One Responses content block → canonical part. Unknown block types are kept opaque. */
export function decodeResponsesBlock(value: unknown, param: string): ContentPart {
  const block = expectObject(value, param);
  const type = optString(block, 'type', param);
  switch (type ?? '') {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: optString(block, 'text', param) ?? '' };
    case 'refusal':
      return { type: 'text', text: optString(block, 'refusal', param) ?? '' };
    case 'input_image':
      return decodeInputImage(block, param);
    case 'input_file':
      return decodeInputFile(block, param);
    default:
      return opaque(block);
  }
}

/** Message content: a string or an array of blocks. */
export function decodeResponsesContent(value: unknown, param: string): ContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array', value);
  return (value as unknown[]).map((block, i) => decodeResponsesBlock(block, at(param, i)));
}

/** Canonical user/system part → Responses input block; null when it has no Responses form. */
export function encodeInputBlock(part: ContentPart): JsonObject | null {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text };
    case 'image': {
      const block: JsonObject = { type: 'input_image', image_url: imageSourceToUrl(part.source) };
      block.detail = part.detail ?? 'auto';
      return block;
    }
    case 'document':
      return encodeDocument(part);
    case 'opaque':
      return part.dialect === 'openai-responses' && isContentOpaque(part) ? part.value : null;
    case 'tool_call':
    case 'tool_result':
    case 'reasoning':
      return null;
  }
}

function encodeDocument(part: DocumentPart): JsonObject {
  const src = part.source;
  switch (src.kind) {
    case 'base64': {
      const block: JsonObject = { type: 'input_file', file_data: dataUrl(src.mediaType, src.data) };
      block.filename = part.filename ?? part.title ?? 'document.pdf';
      return block;
    }
    case 'url':
      return { type: 'input_file', file_url: src.url };
    case 'file':
      return { type: 'input_file', file_id: src.fileId };
    case 'text':
      return { type: 'input_text', text: part.title ? `${part.title}\n\n${src.text}` : src.text };
  }
}

export function isContentOpaque(part: OpaquePart): boolean {
  const type = part.value.type;
  return typeof type === 'string' && RESPONSES_CONTENT_TYPES.has(type);
}

/** A tool result's content as `function_call_output.output`: a string when all text, else blocks. */
export function encodeToolOutput(part: ToolResultPart): string | JsonObject[] {
  if (part.content.every((p): p is TextPart => p.type === 'text')) {
    return part.content.map((p) => p.text).join('');
  }
  const blocks: JsonObject[] = [];
  for (const p of part.content) {
    const block = encodeInputBlock(p);
    if (block) blocks.push(block);
  }
  return blocks;
}

/** `function_call_output.output` → tool-result content (string or input blocks). */
export function decodeToolOutput(value: unknown, param: string): Array<TextPart | ImagePart | DocumentPart> {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [{ type: 'text', text: value }];
  const parts = decodeResponsesContent(value, param);
  return parts.filter(
    (p): p is TextPart | ImagePart | DocumentPart =>
      p.type === 'text' || p.type === 'image' || p.type === 'document',
  );
}
