import type { DocumentSource, ImageSource } from '@optscale/protocol';
import type { GeminiPart } from './wire';

/*
 * Images and documents → Gemini parts (WIRE-FORMATS 5.6): base64 (and `data:` URLs) become
 * `inlineData`; `https://`, `http://` and `gs://` URLs become `fileData` (Gemini fetches them).
 */

const MIME_BY_EXTENSION: ReadonlyMap<string, string> = new Map(
  Object.entries({
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    webp: 'image/webp',
    heic: 'image/heic',
    heif: 'image/heif',
    pdf: 'application/pdf',
    txt: 'text/plain',
  }),
);

/** `data:<mime>[;base64],<payload>` → base64 payload; `undefined` when not a data URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match) return undefined;
  const mediaType = match[1] || 'application/octet-stream';
  const params = match[2] ?? '';
  const payload = match[3] ?? '';
  if (/;base64/i.test(params)) return { mediaType, data: payload };
  let decoded: string;
  try {
    decoded = decodeURIComponent(payload);
  } catch {
    decoded = payload;
  }
  return { mediaType, data: Buffer.from(decoded, 'utf8').toString('base64') };
}

function guessMimeType(url: string): string | undefined {
  const path = url.split(/[?#]/)[0] ?? '';
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : MIME_BY_EXTENSION.get(ext);
}

function urlPart(url: string, fallbackMime?: string): GeminiPart {
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
  const mimeType = guessMimeType(url) ?? fallbackMime;
  return { fileData: mimeType === undefined ? { fileUri: url } : { mimeType, fileUri: url } };
}

export function imagePart(source: ImageSource): GeminiPart {
  if (source.kind === 'base64') return { inlineData: { mimeType: source.mediaType, data: source.data } };
  return urlPart(source.url);
}

/**
 * A document: inline or by URL like images, plain text as a text part. A provider file id from
 * another vendor means nothing to Gemini; only a URI is passed on, anything else becomes a note.
 */
export function documentPart(source: DocumentSource): GeminiPart {
  switch (source.kind) {
    case 'base64':
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case 'url':
      return urlPart(source.url, 'application/pdf');
    case 'text':
      return { text: source.text };
    case 'file':
      return /^(https?|gs):\/\//.test(source.fileId)
        ? { fileData: { fileUri: source.fileId } }
        : { text: `[file: ${source.fileId}]` };
  }
}
