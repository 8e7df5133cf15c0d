/**
 * Session affinity: session id → target id, so a conversation keeps hitting the same provider
 * (prompt caches are per provider and deployment). Entries expire `ttlMs` after their last use
 * (sliding: an active session stays pinned) and the least recently used are evicted past
 * `maxEntries`, which bounds memory whatever clients send as session ids.
 */
export class SessionAffinity {
  /** Map iteration order is insertion order: re-inserting on use makes the first entry the LRU. */
  private readonly entries = new Map<string, { targetId: string; expiresAt: number }>();

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number },
    private readonly now: () => number,
  ) {}

  get(sessionId: string): string | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    this.entries.delete(sessionId);
    const now = this.now();
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(sessionId, { targetId: entry.targetId, expiresAt: now + this.options.ttlMs });
    return entry.targetId;
  }

  set(sessionId: string, targetId: string): void {
    this.entries.delete(sessionId);
    this.entries.set(sessionId, { targetId, expiresAt: this.now() + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= Math.max(0, this.options.maxEntries)) break;
      this.entries.delete(oldest);
    }
  }

  delete(sessionId: string): void {
    this.entries.delete(sessionId);
  }
}
