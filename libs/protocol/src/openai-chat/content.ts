import type { ContentPart, DocumentPart, ImagePart, OpaquePart, TextPart } from '../canonical/model';
import { ProtocolError } from '../errors';
import { isObject, str } from './json';
import type { JsonObject } from './json';

/** A `data:<mime>;base64,<data>` URL split into its parts; undefined for anything else. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^,]*?);base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  const mediaType = (match[1] ?? '').split(';')[0]?.trim() ?? '';
  return { mediaType: mediaType || 'application/octet-stream', data: match[2] ?? '' };
}

export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

function opaque(value: JsonObject): OpaquePart {
  return { type: 'opaque', dialect: 'openai-chat', value };
}

function decodeImagePart(part: JsonObject, path: string): ImagePart {
  const raw = part.image_url;
  // Some clients send `image_url` as a bare string instead of `{url}`.
  const image = typeof raw === 'string' ? { url: raw } : raw;
  if (!isObject(image))
    throw new ProtocolError(`Invalid '${path}.image_url': expected an object.`, `${path}.image_url`);
  const url = str(image, 'url');
  if (url === undefined) throw new ProtocolError(`Missing '${path}.image_url.url'.`, `${path}.image_url.url`);
  const parsed = parseDataUrl(url);
  const result: ImagePart = {
    type: 'image',
    source: parsed
      ? { kind: 'base64', mediaType: parsed.mediaType, data: parsed.data }
      : { kind: 'url', url },
  };
  const detail = str(image, 'detail');
  if (detail !== undefined) result.detail = detail;
  return result;
}

function decodeFilePart(part: JsonObject, path: string): DocumentPart {
  const file = part.file;
  if (!isObject(file)) throw new ProtocolError(`Invalid '${path}.file': expected an object.`, `${path}.file`);
  const fileData = str(file, 'file_data');
  const fileId = str(file, 'file_id');
  const filename = str(file, 'filename');
  let result: DocumentPart;
  if (fileData !== undefined) {
    // OpenAI documents `file_data` as a data URL; raw base64 is accepted too (a PDF, by default).
    const parsed = parseDataUrl(fileData);
    result = {
      type: 'document',
      source: {
        kind: 'base64',
        mediaType: parsed?.mediaType ?? 'application/pdf',
        data: parsed?.data ?? fileData,
      },
    };
  } else if (fileId !== undefined) {
    result = { type: 'document', source: { kind: 'file', fileId } };
  } else {
    throw new ProtocolError(`'${path}.file' needs 'file_data' or 'file_id'.`, `${path}.file`);
  }
  if (filename !== undefined) result.filename = filename;
  return result;
}

/** One content part of a user (or tool) message. Unknown part types are kept as opaque parts. */
export function decodeContentPart(part: unknown, path: string): ContentPart {
  if (!isObject(part)) throw new ProtocolError(`Invalid '${path}': expected an object.`, path);
  const type = part.type;
  if (typeof type !== 'string') throw new ProtocolError(`Missing '${path}.type'.`, `${path}.type`);
  switch (type) {
    case 'text': {
      const text = part.text;
      if (typeof text !== 'string')
        throw new ProtocolError(`Invalid '${path}.text': expected a string.`, `${path}.text`);
      return { type: 'text', text };
    }
    case 'image_url':
      return decodeImagePart(part, path);
    case 'file':
      return decodeFilePart(part, path);
    default:
      // input_audio and parts from newer spec versions: only an OpenAI encoder can re-emit them.
      return opaque(part);
  }
}

/** `content` as a string or an array of parts; `null` is allowed only when `nullable`. */
export function decodeContent(value: unknown, path: string, nullable: boolean): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (Array.isArray(value)) return value.map((part, j) => decodeContentPart(part, `${path}[${j}]`));
  if ((value === null || value === undefined) && nullable) return [];
  throw new ProtocolError(`Invalid '${path}': expected a string or an array of content parts.`, path);
}

/** System/developer content: text only. Empty strings are dropped (they are a 400 on Anthropic). */
export function decodeTextContent(value: unknown, path: string): TextPart[] {
  if (typeof value === 'string') return value.length > 0 ? [{ type: 'text', text: value }] : [];
  if (!Array.isArray(value)) {
    throw new ProtocolError(`Invalid '${path}': expected a string or an array of text parts.`, path);
  }
  const parts: TextPart[] = [];
  value.forEach((raw, j) => {
    const part = decodeContentPart(raw, `${path}[${j}]`);
    if (part.type !== 'text') {
      throw new ProtocolError(
        `Invalid '${path}[${j}].type': only text parts are allowed here.`,
        `${path}[${j}].type`,
      );
    }
    if (part.text.length > 0) parts.push(part);
  });
  return parts;
}
