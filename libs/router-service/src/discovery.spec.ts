import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DiscoveryError, displayUrl, listUpstreamModels, nextPageUrl } from './discovery';

describe('discovery paging', () => {
  it('follows Anthropic has_more/last_id and Gemini nextPageToken; others have one page', () => {
    const anthropic = 'https://api.anthropic.com/v1/models?limit=1000';
    expect(nextPageUrl('anthropic', anthropic, { has_more: true, last_id: 'claude-b' })).toBe(
      'https://api.anthropic.com/v1/models?limit=1000&after_id=claude-b',
    );
    expect(nextPageUrl('anthropic', `${anthropic}&after_id=a`, { has_more: true, last_id: 'b' })).toContain(
      'after_id=b',
    );
    expect(nextPageUrl('anthropic', anthropic, { has_more: false, last_id: 'claude-b' })).toBeUndefined();
    expect(nextPageUrl('anthropic', anthropic, { has_more: true, last_id: null })).toBeUndefined();
    const gemini = 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000';
    expect(nextPageUrl('gemini', gemini, { models: [], nextPageToken: 'abc=' })).toBe(
      `${gemini}&pageToken=abc%3D`,
    );
    expect(nextPageUrl('gemini', gemini, { models: [] })).toBeUndefined();
    for (const apiType of ['openai', 'openai-compatible', 'azure-openai', 'ollama'] as const) {
      expect(
        nextPageUrl(apiType, 'http://x/models', { has_more: true, last_id: 'a', nextPageToken: 't' }),
      ).toBeUndefined();
    }
  });

  it('shows URLs without user-info or query', () => {
    expect(displayUrl('https://user:pass@host.test/v1/models?key=secret')).toBe(
      'https://host.test/v1/models',
    );
    expect(displayUrl('not a url')).toBe('(invalid URL)');
  });
});

describe('listUpstreamModels', () => {
  let server: Server;
  let url: string;
  let answer: 'hang' | 'html' | 'loop' = 'hang';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (answer === 'html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      } else if (answer === 'loop') {
        // A cursor that never ends: the page limit stops it.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: [{ id: `m-${req.url ?? ''}` }], has_more: true, last_id: 'same' }));
      }
      // 'hang': never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up at the deadline with a DiscoveryError that names the URL', async () => {
    answer = 'hang';
    const error = await listUpstreamModels(
      { apiType: 'openai', baseUrl: url, apiKey: 'k' },
      { timeoutMs: 150 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect((error as Error).message).toBe(`GET ${url}/models did not answer in time`);
  });

  it('refuses a body that is not JSON', async () => {
    answer = 'html';
    await expect(listUpstreamModels({ apiType: 'ollama', baseUrl: url, apiKey: '' })).rejects.toThrow(
      'not JSON',
    );
  });

  it('stops a cursor that repeats itself', async () => {
    answer = 'loop';
    const models = await listUpstreamModels({ apiType: 'anthropic', baseUrl: url, apiKey: 'k' });
    expect(models).toEqual(['m-/v1/models?limit=1000', 'm-/v1/models?limit=1000&after_id=same']);
  });
});
