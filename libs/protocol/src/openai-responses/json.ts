/**
 * Typed readers for untrusted JSON bodies. Each reader names the offending field in the
 * `ProtocolError` it throws, in OpenAI's `param` notation (`input[2].call_id`), so the edge can
 * answer with a precise `invalid_request_error`.
 */
import { ProtocolError } from '../errors';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export function invalidType(param: string, expected: string, value: unknown): ProtocolError {
  return new ProtocolError(
    `Invalid type for '${param}': expected ${expected}, but got ${typeName(value)} instead.`,
    param,
  );
}

export function missing(param: string): ProtocolError {
  return new ProtocolError(`Missing required parameter: '${param}'.`, param);
}

export function invalidValue(param: string, detail: string): ProtocolError {
  return new ProtocolError(`Invalid value for '${param}': ${detail}`, param);
}

/** Join a parent param path and a key: `join('input[0]', 'content')` → `input[0].content`. */
export function at(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function expectObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) throw invalidType(param, 'an object', value);
  return value;
}

/** A string field; absent or null gives undefined, any other type throws. */
export function optString(obj: JsonObject, key: string, parent = ''): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidType(at(parent, key), 'a string', v);
  return v;
}

export function reqString(obj: JsonObject, key: string, parent = ''): string {
  const v = optString(obj, key, parent);
  if (v === undefined) throw missing(at(parent, key));
  return v;
}

/** A finite number field; absent or null gives undefined. */
export function optNumber(obj: JsonObject, key: string, parent = ''): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidType(at(parent, key), 'a number', v);
  return v;
}

/** A non-negative integer field; absent or null gives undefined. */
export function optInteger(obj: JsonObject, key: string, parent = ''): number | undefined {
  const v = optNumber(obj, key, parent);
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
    throw invalidValue(at(parent, key), 'expected a non-negative integer.');
  }
  return v;
}

export function optBoolean(obj: JsonObject, key: string, parent = ''): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidType(at(parent, key), 'a boolean', v);
  return v;
}

export function optObject(obj: JsonObject, key: string, parent = ''): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  return expectObject(v, at(parent, key));
}

export function optArray(obj: JsonObject, key: string, parent = ''): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidType(at(parent, key), 'an array', v);
  return v as unknown[];
}

/** Lenient readers for upstream bodies (never throw: a wrong type reads as absent). */
export function str(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(obj: JsonObject, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function obj(o: JsonObject, key: string): JsonObject | undefined {
  const v = o[key];
  return isObject(v) ? v : undefined;
}

export function arr(o: JsonObject, key: string): unknown[] {
  const v = o[key];
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/** Tool-call arguments as JSON text: strings as they are, other values stringified. */
export function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
