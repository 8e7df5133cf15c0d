import { randomUUID } from 'node:crypto';
import { Provider, ProviderModel } from '@optscale/database';
import type { OrganizationConfig, ProviderConfig } from '@optscale/gateway-service';
import { In } from 'typeorm';
import { sortedList, type Snapshot } from './diff';
import { reconcile, record, type ImportContext } from './import-context';
import { credentialChange, newCredential } from './provider-credential';

type ProviderFields = Pick<
  Provider,
  'name' | 'apiType' | 'baseUrl' | 'apiVersion' | 'description' | 'status' | 'position'
>;

function fieldsOf(config: ProviderConfig, position: number): ProviderFields {
  return {
    name: config.name,
    apiType: config.api_type,
    baseUrl: config.base_url,
    apiVersion: config.api_version ?? null,
    description: config.description ?? null,
    status: config.status,
    // File order decides which provider wins a bare model name; the position keeps that order.
    position,
  };
}

/** Non-secret fields only: the credential is reported as a changed field name, never as a value. */
function snapshot(id: string, proxyName: string, fields: ProviderFields, models: string[]): Snapshot {
  return { id, proxyName, ...fields, models: sortedList(models) };
}

/**
 * Upserts the organization's providers by proxy name and their manual models. Returns the id of
 * every provider of the organization by proxy name, including ones only in the database (created
 * in the admin API), since AI Access may name those too.
 */
export async function importProviders(
  ctx: ImportContext,
  organizationId: string,
  org: OrganizationConfig,
): Promise<Map<string, string>> {
  const repo = ctx.manager.getRepository(Provider);
  const stored = await repo.findBy({ organizationId });
  const byProxyName = new Map(stored.map((p) => [p.proxyName, p]));
  const ids = new Map(stored.map((p) => [p.proxyName, p.id]));
  const models = await loadModels(ctx, stored);

  for (const [position, config] of org.providers.entries()) {
    const existing = byProxyName.get(config.proxy_name);
    const id = existing?.id ?? randomUUID();
    const fields = fieldsOf(config, position);
    const own = models.get(id) ?? { manual: [], discovered: new Set<string>() };
    // A model that discovery already lists stays a discovered row: the import never touches those.
    const wantedManual = [...new Set(config.models)].filter((model) => !own.discovered.has(model));
    const label = `organization "${org.name}", provider "${config.proxy_name}"`;

    const credential = existing
      ? credentialChange(existing, id, config.api_key, ctx.keyring, label)
      : newCredential(id, config.api_key, ctx.keyring);
    const before = existing ? snapshot(id, existing.proxyName, pick(existing), own.manual) : null;
    const after = snapshot(id, config.proxy_name, fields, wantedManual);
    const result = reconcile(before, after, existing && credential ? ['api_key'] : []);

    if (result.outcome === 'created') {
      await repo.insert({ id, organizationId, proxyName: config.proxy_name, ...fields, ...credential });
    } else if (result.outcome === 'updated') {
      await repo.update({ id }, { ...fields, ...credential });
    }
    if (result.outcome !== 'unchanged') await syncManualModels(ctx, id, own.manual, wantedManual);
    await record(ctx, {
      kind: 'providers',
      entityType: 'provider',
      organizationId,
      entityId: id,
      before,
      after,
      result,
    });
    ids.set(config.proxy_name, id);
  }
  return ids;
}

function pick(p: Provider): ProviderFields {
  const { name, apiType, baseUrl, apiVersion, description, status, position } = p;
  return { name, apiType, baseUrl, apiVersion, description, status, position };
}

interface ProviderModels {
  manual: string[];
  discovered: Set<string>;
}

async function loadModels(ctx: ImportContext, providers: Provider[]): Promise<Map<string, ProviderModels>> {
  const out = new Map<string, ProviderModels>();
  if (providers.length === 0) return out;
  const rows = await ctx.manager
    .getRepository(ProviderModel)
    .findBy({ providerId: In(providers.map((p) => p.id)) });
  for (const row of rows) {
    const entry = out.get(row.providerId) ?? { manual: [], discovered: new Set<string>() };
    if (row.source === 'manual') entry.manual.push(row.model);
    else entry.discovered.add(row.model);
    out.set(row.providerId, entry);
  }
  return out;
}

/** Adds the listed manual models that are missing and removes manual ones no longer listed. */
async function syncManualModels(
  ctx: ImportContext,
  providerId: string,
  current: readonly string[],
  wanted: readonly string[],
): Promise<void> {
  const repo = ctx.manager.getRepository(ProviderModel);
  const removed = current.filter((model) => !wanted.includes(model));
  const added = wanted.filter((model) => !current.includes(model));
  if (removed.length > 0) await repo.delete({ providerId, source: 'manual', model: In(removed) });
  if (added.length > 0)
    await repo.insert(added.map((model) => ({ providerId, model, source: 'manual' as const })));
}
