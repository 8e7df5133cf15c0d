import { z } from 'zod';
import { PROVIDER_API_TYPES } from './provider-api-types';

/*
 * Snapshots the control plane publishes on compacted topics and every gateway replica folds into its
 * in-memory state (libs/gateway-service/src/config/gateway-state.ts). One message per entity, keyed
 * so that compaction keeps exactly its latest version; a null value (tombstone) deletes it.
 *
 * Rolling-deploy rule (all topics): a running consumer must parse what a newer producer writes, and a
 * newer consumer what an older producer wrote. So fields are only ever ADDED, and added as optional
 * (`.optional()`, with the old behaviour as the meaning of "absent"); nothing is renamed, retyped or
 * made stricter. zod objects strip unknown keys, so an older consumer ignores new fields. Anything
 * else is a breaking change and goes to a new topic version (`.v2`) that producers write in parallel
 * until every consumer has moved.
 */

/** `sha256:<64 hex>`: how a virtual key is known everywhere after creation (never the plaintext). */
export const keyHashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256:<64 hex digits>');

const id = z.string().min(1);
const isoDateTime = z.iso.datetime({ offset: true });

/**
 * `optscale.config.keys.v1`, message key = the key hash. Published by `auth` on every change to a
 * virtual key and in full at its startup; a tombstone means the key was deleted.
 */
export const keySnapshotSchema = z.object({
  keyId: id,
  organizationId: id,
  /** The owner; their AI Access arrives on `optscale.config.access.v1` under `<org id>/<user id>`. */
  userId: id,
  name: z.string(),
  /** The public start of the key, safe to show (`sk-os-Ab3…`). */
  displayPrefix: z.string(),
  /** A revoked key stays (inactive) so that traces and the admin list still name it. */
  active: z.boolean(),
  /** ISO 8601 with offset; the key is refused from then on. Null: no expiry. */
  expiresAt: isoDateTime.nullable(),
  /**
   * Proxy names this key is limited to, narrowing its owner's allowed providers (intersection).
   * Absent: the owner's AI Access applies unchanged.
   */
  allowedProviders: z.array(z.string().min(1)).optional(),
});
export type KeySnapshot = z.infer<typeof keySnapshotSchema>;

export const USER_ROLES = ['admin', 'manager', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * `optscale.config.access.v1`, message key = `<organization id>/<user id>` (see `accessMessageKey`).
 * Published by `auth`: one user's AI Access. A tombstone means the user was removed.
 *
 * There is no organizations topic (ARCHITECTURE.md lists none, and the gateway needs only two fields
 * of an organization). The organization's name and currency ride along here because `auth` owns
 * organizations and publishes this topic; putting them on the providers snapshot would make `router`
 * republish data it does not own. A rename therefore republishes the organization's access records;
 * the gateway takes the name and currency from the most recent record of that organization.
 */
export const accessSnapshotSchema = z.object({
  organizationId: id,
  userId: id,
  email: z.string().min(1),
  role: z.enum(USER_ROLES),
  teamIds: z.array(id),
  /** Provider proxy names this user may reach. Empty: no access to any provider. */
  allowedProviders: z.array(z.string().min(1)),
  organization: z.object({
    name: z.string().min(1),
    /** ISO 4217, e.g. `USD`. */
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as USD'),
    /**
     * The organization keeps request and response bodies with its traces (redacted by the
     * gateway). Absent (older publishers) or false: no content is recorded.
     */
    contentLogging: z.boolean().optional(),
  }),
});
export type AccessSnapshot = z.infer<typeof accessSnapshotSchema>;

export function accessMessageKey(organizationId: string, userId: string): string {
  return `${organizationId}/${userId}`;
}

/**
 * A credential encrypted with AES-256-GCM under a key-encryption key the gateways also hold
 * (`keyId` names which one, so keys can rotate). The plaintext never travels on the bus. All binary
 * fields are standard base64.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
export const encryptedSecretSchema = z.object({
  alg: z.literal('AES-256-GCM'),
  keyId: z.string().min(1),
  /** 12-byte nonce. */
  iv: base64.min(1),
  /** 16-byte authentication tag. */
  tag: base64.min(1),
  ciphertext: base64,
});
export type EncryptedSecret = z.infer<typeof encryptedSecretSchema>;

/**
 * `optscale.config.providers.v1`, message key = `<organization id>/<proxy name>` (see
 * `providerMessageKey`). Published by `router`: one provider connection of an organization. A
 * tombstone means it was deleted; deactivation is `status: 'inactive'`.
 */
export const providerSnapshotSchema = z.object({
  /** The catalog's id of the connection (stable across renames of its proxy name). */
  id,
  organizationId: id,
  name: z.string().min(1),
  /** The prefix in `<proxy_name>/<model>`: unique per organization, URL-safe. */
  proxyName: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
  apiType: z.enum(PROVIDER_API_TYPES),
  /** Without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseUrl: z.url(),
  status: z.enum(['active', 'inactive']),
  /** Models it serves. Empty: any model, reachable only as `<proxy_name>/<model>`. */
  models: z.array(z.string().min(1)),
  /**
   * Which connection wins a bare model name that several list (lower first). A snapshot stream has no
   * file order, so the order the admin set is carried explicitly.
   */
  position: z.number().int(),
  /** Azure OpenAI `api-version`. */
  apiVersion: z.string().min(1).optional(),
  /** Null: the provider needs no credential (a local Ollama). */
  credential: encryptedSecretSchema.nullable(),
});
export type ProviderSnapshot = z.infer<typeof providerSnapshotSchema>;

export function providerMessageKey(organizationId: string, proxyName: string): string {
  return `${organizationId}/${proxyName}`;
}
