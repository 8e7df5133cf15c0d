/**
 * Policies and guardrails in the gateway (PRODUCT.md 4.7, 4.8, 8): real mock providers, a gateway
 * fed from the config topics, policies published as the policy service would.
 */
import type { PolicySnapshot } from '@optscale/contracts';
import { guardrail, startPolicyStack, type PolicyInput, type PolicyStack } from './support/policy-stack';

const CARD = '4111 1111 1111 1111';
const PROMPT = `My test card is ${CARD}, summarize this message.`;
const OPENAI_KEY = 'sk-proj-4fJ8kQ2mZx7LpR9tVb3NcW6yHd1SgA5eUo0iKjXqTr8w';

interface Reply {
  status: number;
  text: string;
  requestId: string;
}

describe('policies and guardrails', () => {
  let s: PolicyStack;
  const created: string[] = [];

  beforeAll(async () => {
    s = await startPolicyStack();
  });
  afterAll(async () => {
    await s.close();
  });
  afterEach(async () => {
    for (const id of created.splice(0)) await s.deletePolicy(id);
    s.openai.reset();
    s.anthropic.reset();
  });

  const put = async (input: PolicyInput): Promise<PolicySnapshot> => {
    created.push(input.id);
    return s.putPolicy(input);
  };
  const post = async (path: string, body: string, headers: Record<string, string>): Promise<Reply> => {
    const res = await fetch(`${s.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, text: await res.text(), requestId: res.headers.get('x-request-id') ?? '' };
  };
  const openaiChat = (body: object | string): Promise<Reply> =>
    post('/v1/chat/completions', typeof body === 'string' ? body : JSON.stringify(body), {
      authorization: `Bearer ${s.key}`,
    });
  const anthropicMessages = (body: object): Promise<Reply> =>
    post('/anthropic/v1/messages', JSON.stringify(body), {
      'x-api-key': s.key,
      'anthropic-version': '2023-06-01',
    });
  const chatBody = (content: string, stream = false): object => ({
    model: 'openai/gpt-4.1',
    messages: [{ role: 'user', content }],
    ...(stream ? { stream: true } : {}),
  });
  const messagesBody = (content: string, stream = false): object => ({
    model: 'anthropic/claude-sonnet-4-6',
    max_tokens: 100,
    messages: [{ role: 'user', content }],
    ...(stream ? { stream: true } : {}),
  });
  /** The answer text of an OpenAI chat stream. */
  const chatStreamText = (sse: string): string =>
    sse
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> })
      .map((c) => c.choices?.[0]?.delta?.content ?? '')
      .join('');
  const anthropicStreamText = (sse: string): string =>
    sse
      .split('\n\n')
      .map((e) => e.split('\ndata: ')[1])
      .filter((d): d is string => d !== undefined)
      .map((d) => JSON.parse(d) as { type: string; delta?: { type: string; text?: string } })
      .filter((d) => d.type === 'content_block_delta' && d.delta?.type === 'text_delta')
      .map((d) => d.delta?.text ?? '')
      .join('');
  const lastUserContent = (json: unknown): unknown =>
    (json as { messages: Array<{ content: unknown }> }).messages.at(-1)?.content;

  it('the documented example: a card is masked on the sampled ~60% of chat requests, the rest bypassed', async () => {
    await put({
      id: 'chat-pii-check',
      condition: 'request_type == "chat_completion"',
      stage: 'input',
      samplingRate: 0.6,
      timeoutMs: 1500,
      passOnTimeout: false,
      requestTypes: ['chat_completion'],
      guardrails: [
        guardrail({
          id: 'test-PII',
          stage: 'input',
          threshold: 0.7,
          action: 'redact',
          settings: { type: 'pii', entities: ['CREDIT_CARD'], customPatterns: [] },
        }),
      ],
    });
    const N = 200;
    const replies: Reply[] = [];
    for (let i = 0; i < N; i += 20) {
      replies.push(...(await Promise.all(Array.from({ length: 20 }, () => openaiChat(chatBody(PROMPT))))));
    }
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const contents = s.openai.received.map((r) => lastUserContent(r.json) as string);
    expect(contents).toHaveLength(N);
    const masked = contents.filter((c) => !c.includes(CARD));
    // Binomial(200, 0.6): mean 120, sd ≈ 6.9; these bounds are beyond 4 sd.
    expect(masked.length).toBeGreaterThan(90);
    expect(masked.length).toBeLessThan(150);
    // Only the card changed, and the same way every time (deterministic placeholders keep caching).
    expect(new Set(masked).size).toBe(1);
    expect(masked[0]?.startsWith('My test card is ')).toBe(true);
    expect(masked[0]?.endsWith(', summarize this message.')).toBe(true);

    const events = await Promise.all(replies.map((r) => s.event(r.requestId)));
    const evaluations = events.map((e) => e.policies?.[0]);
    expect(evaluations.every((e) => e?.policyName === 'chat-pii-check' && e.stage === 'input')).toBe(true);
    const sampled = evaluations.filter((e) => e?.sampled === true);
    expect(sampled).toHaveLength(masked.length);
    expect(sampled.every((e) => e?.violated === true && e.action === 'redact')).toBe(true);
    expect(sampled[0]?.guardrails).toEqual([
      expect.objectContaining({ guardrailName: 'test-PII', violated: true, entities: ['CREDIT_CARD'] }),
    ]);
    const bypassed = evaluations.filter((e) => e?.sampled === false);
    expect(bypassed).toHaveLength(N - masked.length);
    expect(bypassed.every((e) => e?.action === 'none' && e.guardrails.length === 0)).toBe(true);
    // Never the value in the record.
    expect(JSON.stringify(events)).not.toContain(CARD);
  });

  it('forwards a request no policy applies to byte-identical', async () => {
    await put({
      id: 'responses-only',
      requestTypes: ['responses'],
      guardrails: [
        guardrail({ id: 'pii', settings: { type: 'pii', entities: ['CREDIT_CARD'], customPatterns: [] } }),
      ],
    });
    const raw = `{ "messages":[{"content":"${PROMPT}","role":"user"}],  "model":"gpt-4.1", "temperature":0.5 }`;
    const reply = await openaiChat(raw);
    expect(reply.status).toBe(200);
    expect(s.openai.received.at(-1)?.body).toBe(raw);
    expect((await s.event(reply.requestId)).policies).toBeUndefined();
  });

  describe('secrets in a streamed answer are redacted even when split across chunks', () => {
    const chunks = [
      'Here it is: ',
      OPENAI_KEY.slice(0, 10),
      OPENAI_KEY.slice(10, 30),
      OPENAI_KEY.slice(30),
      ' — keep it safe.',
    ];
    beforeEach(async () => {
      await put({
        id: 'no-secrets-out',
        stage: 'output',
        guardrails: [
          guardrail({ id: 'secrets', stage: 'output', action: 'redact', settings: { type: 'secrets' } }),
        ],
      });
    });

    it('OpenAI client', async () => {
      s.openai.enqueue({ kind: 'text', text: chunks.join(''), chunks });
      const reply = await openaiChat(chatBody('give me a key', true));
      expect(reply.status).toBe(200);
      const text = chatStreamText(reply.text);
      expect(reply.text).not.toContain(OPENAI_KEY.slice(10, 30));
      expect(text.startsWith('Here it is: ')).toBe(true);
      expect(text.endsWith(' — keep it safe.')).toBe(true);
      expect(reply.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      const event = await s.event(reply.requestId);
      expect(event.policies?.[0]).toMatchObject({
        stage: 'output',
        sampled: true,
        violated: true,
        action: 'redact',
      });
      expect(event.policies?.[0]?.guardrails[0]?.entities).toContain('OPENAI_API_KEY');
    });

    it('Anthropic client', async () => {
      s.anthropic.enqueue({ kind: 'text', text: chunks.join(''), chunks });
      const reply = await anthropicMessages(messagesBody('give me a key', true));
      expect(reply.status).toBe(200);
      const text = anthropicStreamText(reply.text);
      expect(reply.text).not.toContain(OPENAI_KEY.slice(10, 30));
      expect(text.startsWith('Here it is: ')).toBe(true);
      expect(text.endsWith(' — keep it safe.')).toBe(true);
      expect(reply.text).toContain('event: message_stop');
    });
  });

  describe('blocking', () => {
    it('refuses a prompt in both dialects, naming policy, guardrail and entity but not the value', async () => {
      await put({
        id: 'no-secrets-in',
        stage: 'input',
        guardrails: [
          guardrail({ id: 'secret-scan', stage: 'input', action: 'block', settings: { type: 'secrets' } }),
        ],
      });
      const prompt = `please use ${OPENAI_KEY} for the call`;
      const o = await openaiChat(chatBody(prompt));
      expect(o.status).toBe(400);
      const oBody = JSON.parse(o.text) as { error: { message: string; type: string } };
      expect(oBody.error.type).toBe('invalid_request_error');
      expect(oBody.error.message).toMatch(/no-secrets-in.*secret-scan.*OPENAI_API_KEY/);
      expect(o.text).not.toContain(OPENAI_KEY);

      const a = await anthropicMessages(messagesBody(prompt));
      expect(a.status).toBe(400);
      const aBody = JSON.parse(a.text) as { type: string; error: { type: string; message: string } };
      expect(aBody).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
      expect(aBody.error.message).toMatch(/no-secrets-in.*secret-scan.*OPENAI_API_KEY/);
      expect(a.text).not.toContain(OPENAI_KEY);

      expect(s.openai.received).toHaveLength(0);
      expect(s.anthropic.received).toHaveLength(0);
      expect((await s.event(o.requestId)).policies?.[0]).toMatchObject({ violated: true, action: 'block' });
    });

    it('ends a stream mid-way with the dialect error event', async () => {
      await put({
        id: 'no-secrets-out',
        stage: 'output',
        guardrails: [
          guardrail({ id: 'secret-scan', stage: 'output', action: 'block', settings: { type: 'secrets' } }),
        ],
      });
      const chunks = ['Sure. ', OPENAI_KEY.slice(0, 20), OPENAI_KEY.slice(20), ' and more text after.'];
      s.openai.enqueue({ kind: 'text', text: chunks.join(''), chunks });
      const o = await openaiChat(chatBody('key?', true));
      expect(o.status).toBe(200);
      expect(o.text).toMatch(
        /data: \{"error":\{"message":"response blocked by policy \\"no-secrets-out\\": guardrail \\"secret-scan\\" found OPENAI_API_KEY"/,
      );
      expect(o.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(o.text).not.toContain(OPENAI_KEY.slice(20));
      expect(o.text).not.toContain('more text after');

      s.anthropic.enqueue({ kind: 'text', text: chunks.join(''), chunks });
      const a = await anthropicMessages(messagesBody('key?', true));
      expect(a.status).toBe(200);
      expect(a.text).toMatch(
        /event: error\ndata: \{"type":"error","error":\{"type":"invalid_request_error","message":"response blocked by policy/,
      );
      expect(a.text).not.toContain('more text after');
      expect(a.text).not.toContain('message_stop');
      expect((await s.event(a.requestId)).policies?.[0]).toMatchObject({ stage: 'output', action: 'block' });
    });
  });

  it('reversible redaction: the provider sees a placeholder, the user reads their own data back', async () => {
    await put({
      id: 'pii-reversible',
      stage: 'input',
      reversibleRedaction: true,
      guardrails: [
        guardrail({
          id: 'cards',
          stage: 'input',
          settings: { type: 'pii', entities: ['CREDIT_CARD'], customPatterns: [] },
        }),
      ],
    });
    // Placeholders are deterministic per value: learn this one from what the provider received.
    await openaiChat(chatBody(PROMPT));
    const sent = lastUserContent(s.openai.received.at(-1)?.json) as string;
    expect(sent).not.toContain(CARD);
    const placeholder = sent.slice(
      'My test card is '.length,
      sent.length - ', summarize this message.'.length,
    );

    s.openai.enqueue({ kind: 'text', text: `You shared the card ${placeholder}.` });
    const whole = await openaiChat(chatBody(PROMPT));
    expect(lastUserContent(s.openai.received.at(-1)?.json)).toBe(sent);
    const message = (JSON.parse(whole.text) as { choices: Array<{ message: { content: string } }> })
      .choices[0]?.message;
    expect(message?.content).toBe(`You shared the card ${CARD}.`);

    const half = Math.floor(placeholder.length / 2);
    const chunks = ['You shared the card ', placeholder.slice(0, half), placeholder.slice(half), '.'];
    s.openai.enqueue({ kind: 'text', text: chunks.join(''), chunks });
    const streamed = await openaiChat(chatBody(PROMPT, true));
    expect(chatStreamText(streamed.text)).toBe(`You shared the card ${CARD}.`);
  });
});
