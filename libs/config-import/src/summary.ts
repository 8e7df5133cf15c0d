/** What happened to one kind of entity during an import. */
export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export const ENTITY_KINDS = ['organizations', 'providers', 'users', 'virtualKeys'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/**
 * Counts per entity kind. A provider's manual models and a user's AI Access are part of the
 * provider and the user: changing them counts (and is audited) as an update of that entity.
 */
export type ImportSummary = Record<EntityKind, ImportCounts>;

export type Outcome = keyof ImportCounts;

export function emptySummary(): ImportSummary {
  return {
    organizations: { created: 0, updated: 0, unchanged: 0 },
    providers: { created: 0, updated: 0, unchanged: 0 },
    users: { created: 0, updated: 0, unchanged: 0 },
    virtualKeys: { created: 0, updated: 0, unchanged: 0 },
  };
}

const LABELS: Record<EntityKind, string> = {
  organizations: 'organizations',
  providers: 'providers',
  users: 'users',
  virtualKeys: 'virtual keys',
};

/** One line per kind, aligned, for the CLI: `providers      2 created, 1 updated, 0 unchanged`. */
export function formatSummary(summary: ImportSummary): string {
  const width = Math.max(...ENTITY_KINDS.map((kind) => LABELS[kind].length));
  return ENTITY_KINDS.map((kind) => {
    const { created, updated, unchanged } = summary[kind];
    return `${LABELS[kind].padEnd(width)}  ${created} created, ${updated} updated, ${unchanged} unchanged`;
  }).join('\n');
}

/** True when the import changed nothing at all. */
export function isNoop(summary: ImportSummary): boolean {
  return ENTITY_KINDS.every((kind) => summary[kind].created === 0 && summary[kind].updated === 0);
}
