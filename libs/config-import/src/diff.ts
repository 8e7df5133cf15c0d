/** A field of an audit snapshot: plain JSON-ish data, compared by value. */
export type SnapshotValue = string | number | boolean | null | readonly string[];
export type Snapshot = Readonly<Record<string, SnapshotValue>>;

/**
 * The fields whose values differ between two snapshots of one entity (keys of `after`, in order).
 * Arrays are compared as sorted sets: the order of `models` or `allowed_providers` in the file
 * carries no meaning, so reordering them must not count as a change.
 */
export function changedFields(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after).filter((key) => !sameValue(before[key], after[key]));
}

function sameValue(a: SnapshotValue | undefined, b: SnapshotValue | undefined): boolean {
  if (isList(a) || isList(b)) {
    if (!isList(a) || !isList(b) || a.length !== b.length) return false;
    const left = [...a].sort();
    const right = [...b].sort();
    return left.every((item, i) => item === right[i]);
  }
  return a === b;
}

function isList(value: SnapshotValue | undefined): value is readonly string[] {
  return Array.isArray(value);
}

/** Sorted copy, so that stored snapshots are stable whatever the row order the database returned. */
export function sortedList(values: Iterable<string>): string[] {
  return [...values].sort();
}
