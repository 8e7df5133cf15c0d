/**
 * PRODUCT.md 8.1, the documented end-to-end example, exactly as an admin does it, on the embedded
 * platform (`npm start`): through the admin API, create the guardrail `test-PII` (PII, CREDIT_CARD,
 * input, threshold 0.7, redact) and the policy `chat-pii-check` (condition
 * `request_type == "chat_completion"`, input, sampling 60 %, timeout 1500 ms, pass on timeout off,
 * Chat Completion), send chat prompts with a card number through the gateway with the OpenAI SDK, and
 * check that the provider receives the card masked in about 60 % of them, and that the policy's
 * statistics (folded from the request events) show the evaluations and a bypass rate near 40 %.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { eventually, startMockProvider, type MockProvider } from '@optscale/testing';
import { freePort, startPlatform, stop, type Started } from './support/platform';

const CARD = '4111 1111 1111 1111';
const PROMPT = `My test card is ${CARD}, summarize this message.`;
const REQUESTS = 120;

describe('the documented PII example (PRODUCT.md 8.1) on the embedded platform', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'optscale-pii-'));
  let running: Started | undefined;
  let mock: MockProvider;

  afterAll(async () => {
    await stop(running);
    await mock?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('masks the card for about 60 % of chats before the provider sees it, and the statistics show it', async () => {
    mock = await startMockProvider('openai', { apiKey: 'sk-upstream-mock-0001', models: ['gpt-4.1'] });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    running = await startPlatform(dataDir, port);
    const out = running.output();
    const orgId = /Organization "[^"]+" \(([0-9a-f-]{36})\)/.exec(out)?.[1] ?? '';
    const key = /Virtual key: +(\S+)/.exec(out)?.[1] ?? '';
    const login = /"email":"([^"]+)","password":"([^"]+)"/.exec(out);

    const { token, user } = (await (
      await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: login?.[1], password: login?.[2] }),
      })
    ).json()) as { token: string; user: { id: string } };
    const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}/api/v1/organizations/${orgId}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    // A provider for the test, and the admin allowed to use it.
    await api('POST', '/providers', {
      name: 'Mock OpenAI',
      proxy_name: 'mock',
      api_type: 'openai',
      base_url: mock.url,
      api_key: 'sk-upstream-mock-0001',
      models: ['gpt-4.1'],
    });
    await api('PUT', `/users/${user.id}/allowed-providers`, {
      providers: ['openai', 'anthropic', 'ollama', 'mock'],
    });

    // Step 1 and 2 of the documented test.
    const guardrail = await api('POST', '/guardrails', {
      name: 'test-PII',
      type: 'pii',
      stage: 'input',
      threshold: 0.7,
      action: 'redact',
      settings: { entities: ['CREDIT_CARD'], custom_patterns: [] },
    });
    const policy = await api('POST', '/policies', {
      name: 'chat-pii-check',
      enabled: true,
      condition: 'request_type == "chat_completion"',
      stage: 'input',
      sampling_rate: 0.6,
      timeout_ms: 1500,
      pass_on_timeout: false,
      request_types: ['chat_completion'],
      guardrail_ids: [guardrail['id']],
    });

    // Step 3: chats through the gateway, with the real OpenAI SDK.
    const client = new OpenAI({ baseURL: `${base}/llm_proxy/${orgId}/v1`, apiKey: key, maxRetries: 0 });
    const cardOf = (i: number): string => mock.received[i]?.body ?? '';
    // The policy reaches the gateway over the bus within milliseconds; wait for its first effect.
    await eventually(async () => {
      await client.chat.completions.create({
        model: 'mock/gpt-4.1',
        messages: [{ role: 'user', content: PROMPT }],
      });
      expect(mock.received.some((_, i) => !cardOf(i).includes(CARD))).toBe(true);
    });
    const first = mock.received.length;
    for (let i = 0; i < REQUESTS; i++) {
      const answer = await client.chat.completions.create({
        model: 'mock/gpt-4.1',
        messages: [{ role: 'user', content: PROMPT }],
      });
      expect(answer.choices[0]?.message.content).toBeTruthy();
    }

    // Step 4: masked before it reaches the provider, for about 60 % (binomial n=120, p=0.6: sd 5.4).
    const bodies = mock.received.slice(first).map((_, i) => cardOf(first + i));
    const masked = bodies.filter((b) => !b.includes(CARD));
    expect(bodies).toHaveLength(REQUESTS);
    expect(masked.length).toBeGreaterThan(REQUESTS * 0.6 - 5 * 5.4);
    expect(masked.length).toBeLessThan(REQUESTS * 0.6 + 5 * 5.4);
    expect(masked.every((b) => /\[CREDIT_CARD_[0-9a-f]{8}\]/.test(b))).toBe(true);

    // The statistics, folded from the request events: every masked request was evaluated, bypass ≈ 40 %.
    const allMasked = mock.received.filter((_, i) => !cardOf(i).includes(CARD)).length;
    const stats = await eventually(async () => {
      const stats = await api('GET', `/policies/${policy['id'] as string}/stats?hours=24`);
      expect(stats['requests_evaluated']).toBe(allMasked);
      expect(stats['requests'] as number).toBeGreaterThanOrEqual(REQUESTS);
      expect(stats['bypass_rate'] as number).toBeGreaterThan(0.2);
      expect(stats['bypass_rate'] as number).toBeLessThan(0.6);
      expect(stats['violation_rate'] as number).toBeGreaterThan(0);
      return stats;
    });
    process.stdout.write(
      `PII example: ${masked.length}/${REQUESTS} masked at the provider; stats ${JSON.stringify(stats)}\n`,
    );
  }, 120_000);
});
