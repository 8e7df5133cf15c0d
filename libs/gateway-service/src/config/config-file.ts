import { z } from 'zod';
import { PROVIDER_API_TYPES } from '@optscale/providers';

/**
 * The declarative configuration file (`OPTSCALE_CONFIG`). Its field names are a contract that docs
 * (docs/configuration.md) and tests rely on: evolve it additively.
 */
const keySchema = z
  .object({
    name: z.string().min(1),
    /** A key to import, e.g. `${DEV_KEY}`; hashed on load, never kept in plaintext. */
    value: z.string().min(8).optional(),
    /** Alternatively the key's hash (`sha256:<hex>`), so the file holds no secret at all. */
    hash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional(),
    active: z.boolean().default(true),
    /** ISO 8601; the key is refused after it. */
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((k) => (k.value === undefined) !== (k.hash === undefined), {
    message: 'a key needs exactly one of value or hash',
  });

const userSchema = z.object({
  email: z.email(),
  name: z.string().optional(),
  role: z.enum(['admin', 'manager', 'member']).default('member'),
  /** Provider proxy names this user may reach. A user without any has no access. */
  allowed_providers: z.array(z.string()).default([]),
  keys: z.array(keySchema).default([]),
});

const providerSchema = z.object({
  name: z.string().min(1),
  /** The prefix in `<proxy_name>/<model>`: unique per organization, URL-safe. */
  proxy_name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
  api_type: z.enum(PROVIDER_API_TYPES),
  base_url: z.url(),
  api_key: z.string().default(''),
  /** Azure OpenAI `api-version`. */
  api_version: z.string().optional(),
  description: z.string().optional(),
  status: z.enum(['active', 'inactive']).default('active'),
  /** The models it serves. Empty: any model, reachable only as `<proxy_name>/<model>`. */
  models: z.array(z.string().min(1)).default([]),
});

const organizationSchema = z.object({
  id: z.uuid(),
  name: z.string().min(1),
  currency: z.string().length(3).default('USD'),
  providers: z.array(providerSchema).default([]),
  users: z.array(userSchema).default([]),
});

export const configFileSchema = z.object({
  organizations: z.array(organizationSchema).min(1),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type OrganizationConfig = z.infer<typeof organizationSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type UserConfig = z.infer<typeof userSchema>;
