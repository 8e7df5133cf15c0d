import { ProviderModel } from '@optscale/database';
import { In, type EntityManager } from 'typeorm';

/** What a discovery changed in a provider's model list. */
export interface DiscoveryChange {
  added: string[];
  removed: string[];
}

/** Longest model name the `provider_models.model` column holds; longer upstream ids are skipped. */
const MAX_MODEL_LENGTH = 255;

/**
 * Makes the provider's `discovered` rows equal to what the upstream listed: adds the new ones,
 * removes those it no longer lists. Manual rows are never touched; a model that is already manual
 * stays manual (the admin's choice outlives what the upstream says).
 */
export async function applyDiscoveredModels(
  m: EntityManager,
  providerId: string,
  listed: readonly string[],
): Promise<DiscoveryChange> {
  const repository = m.getRepository(ProviderModel);
  const existing = await repository.find({ where: { providerId } });
  const known = new Set(existing.map((row) => row.model));
  const wanted = new Set(listed.filter((id) => id.length > 0 && id.length <= MAX_MODEL_LENGTH));
  const added = [...wanted].filter((model) => !known.has(model));
  const stale = existing.filter((row) => row.source === 'discovered' && !wanted.has(row.model));
  if (added.length > 0) {
    await repository
      .createQueryBuilder()
      .insert()
      .values(added.map((model) => ({ providerId, model, source: 'discovered' as const })))
      .orIgnore()
      .execute();
  }
  if (stale.length > 0) await repository.delete({ id: In(stale.map((row) => row.id)) });
  return { added, removed: stale.map((row) => row.model) };
}

/** A provider's models, by name. */
export function modelsOf(m: EntityManager, providerId: string): Promise<ProviderModel[]> {
  return m.getRepository(ProviderModel).find({ where: { providerId }, order: { model: 'ASC' } });
}
