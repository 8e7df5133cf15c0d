/** Chat Completions parameters Cursor may send beside the Responses ones. */
import type { ResponseFormat } from '../canonical/model';
import {
  at,
  expectObject,
  invalidType,
  invalidValue,
  optBoolean,
  optObject,
  optString,
  reqString,
} from '../openai-responses/json';

/** `stop`: a string or an array of strings. */
export function decodeStop(value: unknown, param = 'stop'): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) throw invalidType(param, 'a string or an array', value);
  return (value as unknown[]).map((s, i) => {
    if (typeof s !== 'string') throw invalidType(at(param, i), 'a string', s);
    return s;
  });
}

/** Chat `response_format` (json_schema nested under `json_schema`). */
export function decodeChatResponseFormat(
  value: unknown,
  param = 'response_format',
): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, param);
  const type = reqString(format, 'type', param);
  switch (type) {
    case 'text':
    case 'json_object':
      return { type };
    case 'json_schema': {
      const p = at(param, 'json_schema');
      const spec = optObject(format, 'json_schema', param) ?? {};
      const out: ResponseFormat = { type: 'json_schema', name: reqString(spec, 'name', p) };
      const schema = optObject(spec, 'schema', p);
      if (schema !== undefined) out.schema = schema;
      const strict = optBoolean(spec, 'strict', p);
      if (strict !== undefined) out.strict = strict;
      const description = optString(spec, 'description', p);
      if (description !== undefined) out.description = description;
      return out;
    }
    default:
      throw invalidValue(at(param, 'type'), `unknown format type '${type}'.`);
  }
}
