import { extractKey, hashKey } from '../auth/key-hash';
import type { GatewayState, KeyRecord, OrganizationState } from '../config/gateway-state';
import { GatewayError } from './gateway-error';
import type { RequestContext } from './request-context';

/**
 * The authenticate stage: the key from any supported header, looked up by hash. A key of another
 * organization is as unknown as a made-up one: the answer never tells which organizations exist.
 */
export function authenticate(
  ctx: RequestContext,
  state: GatewayState,
): { key: KeyRecord; org: OrganizationState } {
  const presented = extractKey(ctx.headers);
  if (presented === undefined) {
    throw new GatewayError(
      'authentication',
      'missing API key: send it as "Authorization: Bearer <key>" or "x-api-key: <key>"',
    );
  }
  const key = state.keysByHash.get(hashKey(presented));
  if (!key || key.organization.id !== ctx.organizationId) {
    throw new GatewayError('authentication', 'invalid API key');
  }
  if (!key.active) throw new GatewayError('authentication', 'this API key has been revoked');
  if (key.expiresAt !== undefined && key.expiresAt <= Date.now()) {
    throw new GatewayError('authentication', 'this API key has expired');
  }
  ctx.key = key;
  return { key, org: key.organization };
}
