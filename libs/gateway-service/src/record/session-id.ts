/**
 * The client's session, for grouping a conversation's requests: the session headers of Claude Code
 * (`x-claude-code-session-id`) and OpenCode (`x-session-id`, `x-session-affinity`), else the session
 * Claude Code embeds in `metadata.user_id` — `user_<hex>_account_<uuid>_session_<uuid>` in older
 * builds, a JSON string with `session_id` in newer ones.
 */
export function sessionFromHeaders(header: (name: string) => string | undefined): string | undefined {
  return header('x-claude-code-session-id') ?? header('x-session-id') ?? header('x-session-affinity');
}

export function sessionFromBody(body: Record<string, unknown>): string | undefined {
  const metadata = body['metadata'];
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const userId = (metadata as Record<string, unknown>)['user_id'];
  if (typeof userId !== 'string') return undefined;
  const suffix = /_session_([0-9a-f-]{8,})$/i.exec(userId);
  if (suffix?.[1]) return suffix[1];
  if (userId.startsWith('{')) {
    try {
      const parsed = JSON.parse(userId) as { session_id?: unknown };
      if (typeof parsed.session_id === 'string' && parsed.session_id !== '') return parsed.session_id;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
