/**
 * A short client name from the user agent, for traces and usage by client. Ordered: the first
 * match wins, so more specific agents come before the SDKs they are built on.
 */
const CLIENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/claude-cli|claude-code/i, 'claude-code'],
  [/claude-desktop/i, 'claude-desktop'],
  [/opencode/i, 'opencode'],
  [/cursor/i, 'cursor'],
  [/langchain/i, 'langchain'],
  [/litellm/i, 'litellm'],
  [/^OpenAI\//i, 'openai-sdk'],
  [/^Anthropic\//i, 'anthropic-sdk'],
  [/ai-sdk|vercel/i, 'ai-sdk'],
  [/^curl\//i, 'curl'],
  [/python-requests|httpx|aiohttp/i, 'python'],
];

export function detectClient(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown';
  for (const [pattern, name] of CLIENTS) if (pattern.test(userAgent)) return name;
  return 'other';
}
