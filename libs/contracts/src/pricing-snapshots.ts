import { z } from 'zod';

/*
 * `optscale.config.pricing.v1`, message key = `<organization id>/<provider proxy name>/<model>`
 * (`pricingOverrideMessageKey`), where the proxy name is `*` for a price that applies to the model
 * on every provider of the organization. `*` cannot be a proxy name (they match
 * `^[a-z0-9][a-z0-9._-]*$`), and the model may itself contain `/` or `:`, so a key is split at its
 * first two slashes only.
 *
 * Published by `router` (its `model_pricing_overrides` rows, PRODUCT.md 4.5 "optional per-model
 * pricing"): an organization's own price for a model, which the gateway uses instead of the built-in
 * catalog (libs/pricing) when it prices a request. Prices stay decimal strings, as in the NUMERIC
 * columns they come from (up to 10 decimals): money never passes through a binary float. Same
 * rolling-deploy rule as the other config snapshots: fields are only added, as optional.
 */

const id = z.string().min(1);

/** A price in USD per million tokens, as a non-negative decimal string with up to 12 decimals. */
export const pricePerMillionSchema = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,12})?$/, 'a non-negative decimal string such as "2.5" or "0.000125"');

/** The proxy-name segment of a key for a price that applies on every provider. */
export const ANY_PROVIDER = '*';

export const pricingOverrideSnapshotSchema = z.object({
  /** The override's row id in the router's store. */
  id,
  organizationId: id,
  /** The provider connection's proxy name; null: the price applies on every provider. */
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'a provider proxy_name')
    .nullable(),
  /** The model name the price is for, as the provider knows it (may contain `/` and `:`). */
  model: z.string().min(1),
  inputPerMtok: pricePerMillionSchema,
  outputPerMtok: pricePerMillionSchema,
  /** Null: cache reads cost the input price. */
  cacheReadPerMtok: pricePerMillionSchema.nullable(),
  /** Null: cache writes (any TTL) cost the input price. */
  cacheWritePerMtok: pricePerMillionSchema.nullable(),
  /** ISO 8601 with offset; when the price last changed. */
  updatedAt: z.iso.datetime({ offset: true }),
});
export type PricingOverrideSnapshot = z.infer<typeof pricingOverrideSnapshotSchema>;

export function pricingOverrideMessageKey(
  organizationId: string,
  provider: string | null,
  model: string,
): string {
  return `${organizationId}/${provider ?? ANY_PROVIDER}/${model}`;
}
