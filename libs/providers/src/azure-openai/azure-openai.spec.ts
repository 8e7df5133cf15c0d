import type { ChatRequest } from '@optscale/protocol';
import { azureOpenAIProvider } from './index';

const target = { baseUrl: 'https://myres.openai.azure.com/', apiKey: 'az-key', model: 'gpt4o-prod' };

function request(): ChatRequest {
  return {
    model: 'gpt-4o',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    maxTokens: 10,
    stream: true,
  };
}

describe('azureOpenAIProvider', () => {
  it('addresses the deployment with the default api-version and an api-key header', () => {
    const built = azureOpenAIProvider.buildChatRequest(request(), target);
    expect(azureOpenAIProvider.apiType).toBe('azure-openai');
    expect(built.url).toBe(
      'https://myres.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21',
    );
    expect(built.headers).toEqual({
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'api-key': 'az-key',
    });
    expect(built.headers.authorization).toBeUndefined();
    const body = JSON.parse(built.body ?? '') as Record<string, unknown>;
    expect(body.max_completion_tokens).toBe(10);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('honours a configured api-version and a base ending in /openai', () => {
    const built = azureOpenAIProvider.buildEmbeddingsRequest!(
      { model: 'emb', input: 'x' },
      {
        ...target,
        baseUrl: 'https://myres.openai.azure.com/openai',
        model: 'emb-deploy',
        apiVersion: '2025-01-01-preview',
      },
    );
    expect(built.url).toBe(
      'https://myres.openai.azure.com/openai/deployments/emb-deploy/embeddings?api-version=2025-01-01-preview',
    );
  });

  it('lists models and forwards chat bodies, but not /responses', () => {
    expect(azureOpenAIProvider.buildListModelsRequest!({ baseUrl: target.baseUrl, apiKey: 'k' })).toEqual({
      method: 'GET',
      url: 'https://myres.openai.azure.com/openai/models?api-version=2024-10-21',
      headers: { accept: 'application/json', 'api-key': 'k' },
    });
    const forwarded = azureOpenAIProvider.buildPassthroughRequest!('/chat/completions', '{}', target, {
      authorization: 'Bearer client',
    });
    expect(forwarded.url).toBe(
      'https://myres.openai.azure.com/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21',
    );
    expect(forwarded.headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'api-key': 'az-key',
    });
    expect(() => azureOpenAIProvider.buildPassthroughRequest!('/responses', '{}', target, {})).toThrow();
  });

  it('reads Azure created_at in the model list', () => {
    expect(
      azureOpenAIProvider.parseListModels!({ data: [{ id: 'gpt-4o', created_at: 1715558400 }] }),
    ).toEqual([{ id: 'gpt-4o', created: 1715558400 }]);
  });
});
