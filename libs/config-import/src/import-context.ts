import type { Keyring } from '@optscale/database';
import type { EntityManager } from 'typeorm';
import { writeImportAudit, type AuditedEntity } from './audit';
import { changedFields, type Snapshot } from './diff';
import type { EntityKind, ImportSummary, Outcome } from './summary';

/** What every step of one import shares: the transaction's manager (and nothing else). */
export interface ImportContext {
  /** The transaction. The embedded PGlite has a single connection: never use another manager. */
  manager: EntityManager;
  keyring: Keyring;
  now: Date;
  summary: ImportSummary;
}

export interface Reconciled {
  outcome: Outcome;
  changed: string[];
}

/**
 * Compares an entity's stored snapshot with the one the file asks for. `extraChanges` are changes
 * a snapshot cannot show (the credential). Returns what to do; `record` then counts and audits it.
 */
export function reconcile(
  before: Snapshot | null,
  after: Snapshot,
  extraChanges: readonly string[] = [],
): Reconciled {
  if (before === null) return { outcome: 'created', changed: [] };
  const changed = [...changedFields(before, after), ...extraChanges];
  return { outcome: changed.length > 0 ? 'updated' : 'unchanged', changed };
}

export interface RecordInput {
  kind: EntityKind;
  entityType: AuditedEntity;
  organizationId: string;
  entityId: string;
  before: Snapshot | null;
  after: Snapshot;
  result: Reconciled;
}

/** Counts the outcome and, for a creation or an update, writes its audit row. */
export async function record(ctx: ImportContext, input: RecordInput): Promise<void> {
  const { outcome, changed } = input.result;
  ctx.summary[input.kind][outcome] += 1;
  if (outcome === 'unchanged') return;
  await writeImportAudit(ctx.manager, {
    organizationId: input.organizationId,
    entityType: input.entityType,
    entityId: input.entityId,
    before: outcome === 'created' ? null : input.before,
    after: input.after,
    ...(outcome === 'updated' ? { changed } : {}),
  });
}
