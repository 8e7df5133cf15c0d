import type { Keyring } from '@optscale/database';
import type { ConfigFile } from '@optscale/gateway-service';
import type { DataSource } from 'typeorm';
import { checkFileUniqueness } from './check-file';
import type { ImportContext } from './import-context';
import { importOrganization } from './import-organization';
import { importProviders } from './import-providers';
import { importUsers } from './import-users';
import { emptySummary, type ImportSummary } from './summary';

export interface ImportOptions {
  /** Encrypts provider credentials; must be the platform's keyring, or they will not decrypt there. */
  keyring: Keyring;
  /** The time written as `revoked_at` of keys the file deactivates (default: now). */
  now?: Date;
}

/**
 * Applies the config file to the relational store, in one transaction: all of it or none of it.
 *
 * Entities are matched by natural key (organization id; provider proxy name and user email within
 * the organization; key hash) and created or updated to match the file; unchanged rows are not
 * written, so importing the same file twice changes nothing and adds no audit rows. Nothing absent
 * from the file is deleted: the file adds and updates, deletions happen in the admin API. Within an
 * entity the file is exact: a provider's manual models and a user's AI Access become the listed ones.
 */
export async function importConfig(
  dataSource: DataSource,
  config: ConfigFile,
  options: ImportOptions,
): Promise<ImportSummary> {
  checkFileUniqueness(config);
  return dataSource.transaction(async (manager) => {
    const ctx: ImportContext = {
      manager,
      keyring: options.keyring,
      now: options.now ?? new Date(),
      summary: emptySummary(),
    };
    for (const org of config.organizations) {
      const id = await importOrganization(ctx, org);
      const providerIds = await importProviders(ctx, id, org);
      await importUsers(ctx, { id, name: org.name, providerIds }, org);
    }
    return ctx.summary;
  });
}
