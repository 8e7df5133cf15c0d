/** What to tell a person who just started the gateway: each client's base URL for an organization. */
export function connectionHelp(baseUrl: string, organizationId: string, key?: string): string {
  const root = `${baseUrl}/llm_proxy/${organizationId}`;
  const k = key ?? '<your key>';
  return [
    `  OpenAI-compatible (SDKs, OpenCode, LangChain):  ${root}/v1`,
    `  Anthropic (Claude Code, Anthropic SDK):          ${root}/anthropic`,
    `  Cursor ("Override OpenAI Base URL"):            ${root}/cursor`,
    '',
    '  Try it:',
    `    curl ${root}/v1/models -H "Authorization: Bearer ${k}"`,
    `    ANTHROPIC_BASE_URL=${root}/anthropic ANTHROPIC_AUTH_TOKEN=${k} claude`,
  ].join('\n');
}
