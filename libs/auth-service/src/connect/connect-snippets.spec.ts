import { claudeTiers, connectBaseUrls, connectSnippets, KEY_PLACEHOLDER } from './connect-snippets';

const ORG = '00000000-0000-0000-0000-000000000001';

describe('connect snippets', () => {
  const urls = connectBaseUrls('https://ai.example.com/', ORG);
  const models = [
    'anthropic/claude-haiku-4-5',
    'anthropic/claude-opus-4-1',
    'anthropic/claude-sonnet-4-5',
    'openai/gpt-4.1',
  ];

  it('builds the three base URLs from the public URL, without a double slash', () => {
    expect(urls).toEqual({
      openai: `https://ai.example.com/llm_proxy/${ORG}/v1`,
      anthropic: `https://ai.example.com/llm_proxy/${ORG}/anthropic`,
      cursor: `https://ai.example.com/llm_proxy/${ORG}/cursor`,
    });
  });

  it('picks a model per Claude tier, falling back to the selected model', () => {
    expect(claudeTiers(models, 'openai/gpt-4.1')).toEqual({
      opus: 'anthropic/claude-opus-4-1',
      sonnet: 'anthropic/claude-sonnet-4-5',
      haiku: 'anthropic/claude-haiku-4-5',
    });
    expect(claudeTiers(['openai/gpt-4.1'], 'openai/gpt-4.1')).toEqual({
      opus: 'openai/gpt-4.1',
      sonnet: 'openai/gpt-4.1',
      haiku: 'openai/gpt-4.1',
    });
  });

  it('writes valid settings.json and opencode.json with the key placeholder', () => {
    const snippets = connectSnippets(urls, models, 'openai/gpt-4.1');
    expect(JSON.parse(snippets.claude_code_settings)).toEqual({
      env: {
        ANTHROPIC_BASE_URL: urls.anthropic,
        ANTHROPIC_AUTH_TOKEN: KEY_PLACEHOLDER,
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'anthropic/claude-opus-4-1',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'anthropic/claude-sonnet-4-5',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'anthropic/claude-haiku-4-5',
      },
    });
    const opencode = JSON.parse(snippets.opencode);
    expect(opencode.provider.optscale).toMatchObject({
      npm: '@ai-sdk/openai-compatible',
      options: { baseURL: urls.openai, apiKey: KEY_PLACEHOLDER },
    });
    expect(Object.keys(opencode.provider.optscale.models)).toEqual(models);
    expect(opencode.model).toBe('optscale/openai/gpt-4.1');
  });

  it('puts the right URL and model in curl, Python and Cursor', () => {
    const snippets = connectSnippets(urls, models, 'openai/gpt-4.1');
    expect(snippets.curl).toContain(`${urls.openai}/chat/completions`);
    expect(snippets.curl).toContain(`Bearer ${KEY_PLACEHOLDER}`);
    expect(snippets.curl).toContain('"model":"openai/gpt-4.1"');
    expect(snippets.openai_python).toContain(`base_url="${urls.openai}"`);
    expect(snippets.cursor).toContain(urls.cursor);
    expect(snippets.cursor).toContain(KEY_PLACEHOLDER);
  });
});
