/*
 * The values of the Chat UI's "Connect this model to external tools" dialog (PRODUCT.md 6 and 9):
 * ready-made per tool, so that nobody rewrites `/v1` into `/anthropic` or `/cursor` by hand. Pure:
 * the service gathers the user's models, this turns them into text.
 */

/** Stands where the user pastes their virtual key: the plaintext is never available again. */
export const KEY_PLACEHOLDER = '<YOUR_KEY>';
/** Used when the user can reach no model yet (no allowed, active provider with a model list). */
export const MODEL_PLACEHOLDER = '<MODEL>';

export interface ConnectBaseUrls {
  /** OpenAI-compatible: SDKs, OpenCode, LangChain, the Chat dialog's "Base URL". */
  openai: string;
  /** Claude Code and the Anthropic SDK (they append `/v1/messages` themselves). */
  anthropic: string;
  /** Cursor's "Override OpenAI Base URL". */
  cursor: string;
}

export function connectBaseUrls(publicUrl: string, organizationId: string): ConnectBaseUrls {
  const root = `${publicUrl.replace(/\/+$/, '')}/llm_proxy/${organizationId}`;
  return { openai: `${root}/v1`, anthropic: `${root}/anthropic`, cursor: `${root}/cursor` };
}

export interface ClaudeTiers {
  opus: string;
  sonnet: string;
  haiku: string;
}

/**
 * Claude Code asks for three tiers. Each gets the first allowed model whose name carries the tier
 * (`anthropic/claude-opus-4-1` for opus); a tier without one falls back to the selected model, so
 * every tier points at something the user may call.
 */
export function claudeTiers(models: readonly string[], selected: string): ClaudeTiers {
  const pick = (tier: string): string => models.find((m) => m.toLowerCase().includes(tier)) ?? selected;
  return { opus: pick('opus'), sonnet: pick('sonnet'), haiku: pick('haiku') };
}

export interface ConnectSnippets {
  curl: string;
  openai_python: string;
  /** `~/.claude/settings.json`. */
  claude_code_settings: string;
  /** `opencode.json`. */
  opencode: string;
  /** Where the values go in Cursor's settings. */
  cursor: string;
}

export function connectSnippets(
  urls: ConnectBaseUrls,
  models: readonly string[],
  selected: string,
): ConnectSnippets {
  const tiers = claudeTiers(models, selected);
  const curl = [
    `curl ${urls.openai}/chat/completions \\`,
    `  -H "Authorization: Bearer ${KEY_PLACEHOLDER}" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${JSON.stringify({ model: selected, messages: [{ role: 'user', content: 'Hello' }] })}'`,
  ].join('\n');
  const openaiPython = [
    'from openai import OpenAI',
    '',
    `client = OpenAI(base_url="${urls.openai}", api_key="${KEY_PLACEHOLDER}")`,
    'response = client.chat.completions.create(',
    `    model="${selected}",`,
    '    messages=[{"role": "user", "content": "Hello"}],',
    ')',
    'print(response.choices[0].message.content)',
  ].join('\n');
  const claudeCode = {
    env: {
      ANTHROPIC_BASE_URL: urls.anthropic,
      ANTHROPIC_AUTH_TOKEN: KEY_PLACEHOLDER,
      ANTHROPIC_DEFAULT_OPUS_MODEL: tiers.opus,
      ANTHROPIC_DEFAULT_SONNET_MODEL: tiers.sonnet,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: tiers.haiku,
    },
  };
  const listed = models.length > 0 ? models : [selected];
  const opencode = {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      optscale: {
        // The OpenAI-compatible package calls `{baseURL}/chat/completions`: the URL must end in /v1.
        npm: '@ai-sdk/openai-compatible',
        name: 'OptScale AI',
        options: { baseURL: urls.openai, apiKey: KEY_PLACEHOLDER },
        models: Object.fromEntries(listed.map((m) => [m, { name: `${m} (OptScale)` }])),
      },
    },
    model: `optscale/${selected}`,
  };
  const cursor = [
    'Cursor Settings → Models:',
    `- OpenAI API Key: ${KEY_PLACEHOLDER}`,
    `- Override OpenAI Base URL: ${urls.cursor}`,
    `- Add the model names: ${listed.join(', ')}`,
  ].join('\n');
  return {
    curl,
    openai_python: openaiPython,
    claude_code_settings: JSON.stringify(claudeCode, null, 2),
    opencode: JSON.stringify(opencode, null, 2),
    cursor,
  };
}
