import { GatewayError } from './gateway-error';

/** Parse a JSON request body that must be an object; a clear 400 otherwise. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  if (raw.length === 0)
    throw new GatewayError('invalid_request', 'request body is empty; expected a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new GatewayError('invalid_request', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError('invalid_request', 'request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function requireModel(body: Record<string, unknown>): string {
  const model = body['model'];
  if (typeof model !== 'string' || model.trim() === '') {
    throw new GatewayError('invalid_request', '"model" is required and must be a non-empty string', 'model');
  }
  return model;
}
