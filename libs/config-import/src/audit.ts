import { AuditLog, redactSecrets } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import type { Snapshot } from './diff';

export type AuditedEntity = 'organization' | 'provider' | 'user' | 'virtual_key';

export interface ImportAuditEntry {
  organizationId: string;
  entityType: AuditedEntity;
  entityId: string;
  /** null for a creation. */
  before: Snapshot | null;
  after: Snapshot;
  /**
   * For an update, the names of the fields that changed. It is the only trace of a credential
   * change, since snapshots never carry the credential (and `redactSecrets` would blank it).
   */
  changed?: string[];
}

/**
 * One audit row per created or updated entity, in the import's transaction so the change and its
 * record commit together. The actor is null: the system (config import), as for the bootstrap
 * token. Snapshots are built from non-secret fields only and still pass through `redactSecrets`.
 */
export async function writeImportAudit(manager: EntityManager, entry: ImportAuditEntry): Promise<void> {
  const verb = entry.before === null ? 'create' : 'update';
  const after = entry.changed ? { ...entry.after, changed: entry.changed } : entry.after;
  // `save` rather than `insert`: its DeepPartial typing accepts the `unknown` JSON columns.
  await manager.getRepository(AuditLog).save({
    organizationId: entry.organizationId,
    actorUserId: null,
    action: `${entry.entityType}.${verb}`,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before === null ? null : redactSecrets(entry.before),
    after: redactSecrets(after),
  });
}
