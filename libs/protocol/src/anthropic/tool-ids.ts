/**
 * Anthropic accepts tool ids matching `^[a-zA-Z0-9_-]+$` only; ids from other providers
 * (`functions.Bash:0`, ids with dots or colons) must be rewritten, the same way on `tool_use` and
 * on the paired `tool_result`.
 */
const INVALID = /[^a-zA-Z0-9_-]/g;

/** Stateless rewrite: every disallowed character becomes `_`; an empty id becomes `toolu_empty`. */
export function sanitizeToolId(id: string): string {
  const clean = id.replace(INVALID, '_');
  return clean === '' ? 'toolu_empty' : clean;
}

/**
 * Per-request mapping that is consistent (same original → same id) and collision-free (two
 * originals that sanitize alike get distinct ids). Valid ids map to themselves unless taken.
 */
export class ToolIdMap {
  private readonly byOriginal = new Map<string, string>();
  private readonly used = new Set<string>();

  map(id: string): string {
    const known = this.byOriginal.get(id);
    if (known !== undefined) return known;
    const base = sanitizeToolId(id);
    let candidate = base;
    for (let n = 1; this.used.has(candidate); n++) candidate = `${base}_${n}`;
    this.byOriginal.set(id, candidate);
    this.used.add(candidate);
    return candidate;
  }
}
