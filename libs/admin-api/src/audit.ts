import { AuditLog, redactSecrets } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { actorUserId, type Actor } from './actor';

export interface AuditEntry {
  organizationId: string;
  /** null: the system (config import). */
  actor: Actor | null;
  /** `<entity>.<verb>`, e.g. `virtual_key.revoke`. */
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Writes one audit row in the caller's transaction, so the change and its record commit together.
 * Snapshots go through `redactSecrets`: no password, token, credential or key hash is ever logged.
 */
export async function writeAudit(manager: EntityManager, entry: AuditEntry): Promise<void> {
  const row: AuditLog = Object.assign(new AuditLog(), {
    organizationId: entry.organizationId,
    actorUserId: entry.actor ? actorUserId(entry.actor) : null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before === undefined ? null : redactSecrets(entry.before),
    after: entry.after === undefined ? null : redactSecrets(entry.after),
  });
  await manager.getRepository(AuditLog).save(row, { reload: false });
}
