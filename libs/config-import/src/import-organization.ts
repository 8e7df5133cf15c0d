import { Organization } from '@optscale/database';
import type { OrganizationConfig } from '@optscale/gateway-service';
import type { Snapshot } from './diff';
import { reconcile, record, type ImportContext } from './import-context';

function snapshot(org: Pick<Organization, 'id' | 'name' | 'currency'>): Snapshot {
  return { id: org.id, name: org.name, currency: org.currency };
}

/** Upserts the organization by its id (the id is in every gateway URL, so the file owns it). */
export async function importOrganization(ctx: ImportContext, config: OrganizationConfig): Promise<string> {
  const repo = ctx.manager.getRepository(Organization);
  // Postgres returns uuids lower-cased; compare and store them that way.
  const id = config.id.toLowerCase();
  const existing = await repo.findOneBy({ id });
  const desired = { id, name: config.name, currency: config.currency };
  const before = existing ? snapshot(existing) : null;
  const after = snapshot(desired);
  const result = reconcile(before, after);
  if (result.outcome === 'created') await repo.insert(desired);
  if (result.outcome === 'updated')
    await repo.update({ id }, { name: desired.name, currency: desired.currency });
  await record(ctx, {
    kind: 'organizations',
    entityType: 'organization',
    organizationId: id,
    entityId: id,
    before,
    after,
    result,
  });
  return id;
}
