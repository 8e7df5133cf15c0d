import type { z } from 'zod';
import type { ProviderApiType } from '@optscale/contracts';
import {
  credentialEnvelope,
  type ModelPricingOverride,
  type Provider,
  type ProviderModel,
} from '@optscale/database';
import { normalizeDecimal } from './decimal';
import type { pricingOverrideSchema } from './pricing.routes';
import type { providerModelSchema, providerSchema } from './provider.routes';

/*
 * Rows as the API returns them: snake_case, ISO dates, and for providers only whether a credential
 * exists. These are the only functions that turn rows into responses, so no credential column can
 * reach a response or an audit snapshot by accident.
 */

export type ProviderView = z.infer<typeof providerSchema>;
export type ProviderModelView = z.infer<typeof providerModelSchema>;
export type PricingOverrideView = z.infer<typeof pricingOverrideSchema>;

export function providerView(row: Provider, modelCount: number): ProviderView {
  return {
    id: row.id,
    name: row.name,
    proxy_name: row.proxyName,
    api_type: row.apiType as ProviderApiType,
    base_url: row.baseUrl,
    description: row.description,
    status: row.status,
    position: row.position,
    api_version: row.apiVersion,
    has_credential: credentialEnvelope(row) !== null,
    model_count: modelCount,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function modelView(row: ProviderModel): ProviderModelView {
  return { id: row.id, model: row.model, source: row.source, created_at: row.createdAt.toISOString() };
}

const decimalOrNull = (value: string | null): string | null =>
  value === null ? null : normalizeDecimal(value);

export function pricingView(row: ModelPricingOverride): PricingOverrideView {
  return {
    id: row.id,
    model: row.model,
    provider_id: row.providerId,
    input_per_mtok: normalizeDecimal(row.inputPerMtok),
    output_per_mtok: normalizeDecimal(row.outputPerMtok),
    cache_read_per_mtok: decimalOrNull(row.cacheReadPerMtok),
    cache_write_per_mtok: decimalOrNull(row.cacheWritePerMtok),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
