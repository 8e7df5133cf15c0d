/** Chat Completions parameters Cursor may send beside the Responses ones. */
import type { ResponseFormat } from '../canonical/model';
import { at, expectObject, invalidType, invalidValue, optObject, reqString } from '../openai-responses/json';
import { decodeJsonSchemaFormat } from '../openai-responses/tools';

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
    case 'json_schema':
      return decodeJsonSchemaFormat(optObject(format, 'json_schema', param) ?? {}, at(param, 'json_schema'));
    default:
      throw invalidValue(at(param, 'type'), `unknown format type '${type}'.`);
  }
}
