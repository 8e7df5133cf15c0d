import { ProtocolError } from '../errors';
import type { CacheControl } from '../canonical/model';

/** Small, typed readers for untrusted JSON; the `param` path names the field in errors. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(param: string | null, message: string): never {
  throw new ProtocolError(message, param);
}

export function join(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}

export function requireObject(value: unknown, param: string): JsonObject {
  if (!isObject(value)) fail(param, `${param}: expected an object`);
  return value;
}

export function requireArray(value: unknown, param: string): unknown[] {
  if (!Array.isArray(value)) fail(param, `${param}: expected an array`);
  return value;
}

export function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') fail(param, `${param}: expected a string`);
  return value;
}

export function optionalString(value: unknown, param: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return requireString(value, param);
}

export function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(param, `${param}: expected a number`);
  return value;
}

export function optionalInteger(value: unknown, param: string, min = 0): number | undefined {
  const n = optionalNumber(value, param);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < min) fail(param, `${param}: expected an integer >= ${min}`);
  return n;
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(param, `${param}: expected a boolean`);
  return value;
}

/** A non-negative count from an upstream body, or undefined (lenient: upstream bodies are not validated). */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function decodeCacheControl(value: unknown, param: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = requireObject(value, param);
  if (obj.type !== 'ephemeral') fail(join(param, 'type'), `${param}.type: expected "ephemeral"`);
  const ttl = obj.ttl;
  if (ttl === undefined || ttl === null) return { type: 'ephemeral' };
  if (ttl !== '5m' && ttl !== '1h') fail(join(param, 'ttl'), `${param}.ttl: expected "5m" or "1h"`);
  return { type: 'ephemeral', ttl };
}

export function encodeCacheControl(cc: CacheControl | undefined): JsonObject {
  if (!cc) return {};
  return { cache_control: cc.ttl ? { type: 'ephemeral', ttl: cc.ttl } : { type: 'ephemeral' } };
}

/** Parse JSON text, or undefined when it is not valid JSON. */
export function tryParseJson(textValue: string): unknown {
  try {
    return JSON.parse(textValue) as unknown;
  } catch {
    return undefined;
  }
}
