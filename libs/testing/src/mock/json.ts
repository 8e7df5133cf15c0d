/** Narrowing helpers for untyped JSON request bodies. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? (value as unknown[]) : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Keys whose string values are not prompt text (ids, enums, base64 payloads, signatures). */
const NON_TEXT_KEYS = new Set([
  'role',
  'type',
  'id',
  'data',
  'url',
  'detail',
  'signature',
  'thoughtSignature',
  'tool_call_id',
  'tool_use_id',
  'mimeType',
  'media_type',
  'cache_control',
]);

/**
 * Concatenates the prompt-ish string leaves of a JSON value: the basis of the mocks' deterministic
 * token estimates (the same number for count_tokens and for the usage of a generation).
 */
export function collectText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (!value.startsWith('data:')) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, out);
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (!NON_TEXT_KEYS.has(key)) collectText(value[key], out);
    }
  }
  return out;
}

/** Total characters of the prompt text under the given top-level fields of a request body. */
export function promptChars(body: JsonObject, fields: readonly string[]): number {
  let chars = 0;
  for (const field of fields) {
    for (const text of collectText(body[field])) chars += text.length;
  }
  return chars;
}
