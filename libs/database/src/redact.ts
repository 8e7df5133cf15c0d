import type { JsonValue } from './entities';

/** Field names whose values never enter the audit log (compared without `_`/`-`, lower-cased). */
const SECRET_FIELD = /(password|secret|token|apikey|credential|keyhash|ciphertext|authorization|privatekey)/;

export const REDACTED = '[redacted]';

/**
 * A copy of `value` fit for the audit log's `before`/`after`: any field whose name looks secret
 * (password, token, api key, credential*, key hash, ...) is replaced by `[redacted]`, at any
 * depth. Dates become ISO strings; `undefined` fields and functions are dropped, as in JSON.
 */
export function redactSecrets(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item));
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object': {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, field] of Object.entries(value)) {
        if (field === undefined || typeof field === 'function') continue;
        out[key] = SECRET_FIELD.test(key.replace(/[_-]/g, '').toLowerCase())
          ? REDACTED
          : redactSecrets(field);
      }
      return out;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
  }
  return null;
}
