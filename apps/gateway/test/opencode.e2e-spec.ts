/**
 * The real OpenCode CLI (`opencode run`, opencode-ai 1.18.33, a native binary) against the
 * gateway's OpenAI-compatible `/v1` surface, configured as PRODUCT.md 9.4 documents
 * (`@ai-sdk/openai-compatible`, provider `optscale`, model `optscale/openai/gpt-4.1`). A recording
 * proxy between the CLI and the gateway shows what OpenCode itself sent. The CLI runs offline: its
 * HTTP(S) proxy and npm registry refuse everything; loopback is direct.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, type ReceivedRequest } from '@optscale/testing';
import { parseOpenCodeOutput, runOpenCode, type OpenCodeOutput } from './support/cli-opencode';
import { OPENCODE_BIN, type CliResult } from './support/cli-process';
import { type ClientRequest } from './support/cli-proxy';
import { useCliHarness } from './support/cli-harness';
import type { TestStack } from './support/stack';

type RecordedEvent = ReturnType<TestStack['events']['all']>[number];

const CLI_DEADLINE_MS = 60_000;
const RUN_TIMEOUT_MS = CLI_DEADLINE_MS + 15_000;
const MODEL = 'openai/gpt-4.1';

const h = useCliHarness(OPENCODE_BIN, 'opencode-ai');

interface Outcome {
  cli: CliResult;
  out: OpenCodeOutput;
  sent: ClientRequest[];
  events: () => RecordedEvent[];
}

async function opencode(prompt: string, opts: { cwd?: string; title?: string } = {}): Promise<Outcome> {
  const sentFrom = h.clientSide.received.length;
  const eventsFrom = h.stack.events.all().length;
  const cli = await runOpenCode({
    baseUrl: `${h.clientSide.url}${new URL(h.stack.base).pathname}/v1`,
    key: h.stack.key,
    model: MODEL,
    prompt,
    home: h.dirs.make('opencode-home'),
    cwd: opts.cwd ?? h.dirs.make('opencode-project'),
    proxyUrl: h.offline.url,
    ...(opts.title ? { title: opts.title } : {}),
    timeoutMs: CLI_DEADLINE_MS,
  });
  return {
    cli,
    out: parseOpenCodeOutput(cli),
    sent: h.clientSide.received.slice(sentFrom),
    events: () => h.stack.events.all().slice(eventsFrom),
  };
}

/** Fails with everything OpenCode printed unless it finished a turn and said `expected`. */
function expectAnswered(o: Outcome, expected: string): void {
  const errors = o.out.events.filter((e) => e.type === 'error' || e.error !== undefined);
  if (o.cli.exitCode !== 0 || errors.length > 0 || !o.out.text.includes(expected)) {
    throw new Error(
      [
        `OpenCode did not print the scripted answer ${JSON.stringify(expected)}; its text was ${JSON.stringify(o.out.text)}`,
        `error events: ${JSON.stringify(errors)}`,
        `requests OpenCode sent: ${o.sent.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}`,
        `outside traffic refused: ${h.offline.attempts.join(', ') || 'none'}`,
        o.cli.describe(),
      ].join('\n'),
    );
  }
}

const isChatCall = (r: ReceivedRequest | ClientRequest): boolean =>
  r.method === 'POST' && /\/v1\/chat\/completions$/.test(r.path);
/** The agent loop's calls carry the tool list; the title call does not. */
const isAgentCall = (json: unknown): boolean =>
  Array.isArray((json as { tools?: unknown[] } | undefined)?.tools);

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p: { text?: unknown }) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

interface ChatBody {
  model: string;
  stream?: boolean;
  messages: Array<{
    role: string;
    content: unknown;
    tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string } }>;
}

describe('OpenCode → /v1 → an OpenAI provider (optscale/openai/gpt-4.1)', () => {
  const answer = `OpenCode route answer ${randomUUID()}`;
  const prompt = 'Reply with one short sentence about owls.';
  let run: Outcome;

  beforeAll(async () => {
    h.stack.mocks.openai.reset();
    // Every call (the title call as well as the agent's) gets the answer.
    h.stack.mocks.openai.setDefault({ kind: 'text', text: answer });
    run = await opencode(prompt);
  }, RUN_TIMEOUT_MS);

  it('prints the answer scripted on the provider', () => {
    expectAnswered(run, answer);
  });

  it('OpenCode calls {baseURL}/chat/completions with the gateway key, streaming', () => {
    expectAnswered(run, answer);
    const sent = run.sent.filter(isChatCall);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const r of sent) {
      expect(r.path).toBe(`${new URL(h.stack.base).pathname}/v1/chat/completions`);
      expect(r.headers.authorization).toBe(`Bearer ${h.stack.key}`);
      expect(r.headers['user-agent']).toMatch(/^opencode\/1\.18\.33 /);
      expect(r.json).toMatchObject({ model: MODEL, stream: true });
    }
  });

  it('the provider gets a streamed Chat Completions request with the prompt', () => {
    expectAnswered(run, answer);
    const got = h.stack.mocks.openai.received.filter((r) => isChatCall(r) && isAgentCall(r.json)).at(-1);
    expect(got).toBeDefined();
    expect(got!.path).toBe('/v1/chat/completions');
    const body = got!.json as ChatBody;
    expect(body.model).toBe('gpt-4.1');
    expect(body.stream).toBe(true);
    expect(body.messages[0]!.role).toBe('system');
    expect(
      body.messages.filter((m) => m.role === 'user').some((m) => textOf(m.content).includes(prompt)),
    ).toBe(true);
    expect(body.tools!.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['bash', 'read', 'glob', 'grep']),
    );
    expect(got!.headers.authorization).toBe('Bearer upstream-openai');
  });

  it('records opencode events with the session id OpenCode sends', async () => {
    expectAnswered(run, answer);
    const sessionId = run.out.sessionId;
    expect(sessionId).toMatch(/^ses_/);
    const sent = run.sent.filter(isChatCall);
    for (const r of sent) {
      expect(r.headers['x-session-id']).toBe(sessionId);
      expect(r.headers['x-session-affinity']).toBe(sessionId);
    }
    const events = await eventually(() => {
      const chat = run.events().filter((e) => e.operation === 'chat');
      if (chat.length < sent.length) throw new Error(`${chat.length} of ${sent.length} chat calls recorded`);
      return chat;
    });
    for (const e of events) {
      expect(e).toMatchObject({
        surface: 'openai',
        client: 'opencode',
        provider: 'openai',
        clientModel: MODEL,
        model: 'gpt-4.1',
        sessionId,
        stream: true,
        status: 200,
      });
    }
  });
});

describe('OpenCode tool round trip (read) through the gateway', () => {
  it(
    'tool_calls reach OpenCode, it runs read, and the tool result goes back to the provider',
    async () => {
      const cwd = h.dirs.make('opencode-tools');
      const marker = `note-${randomUUID()}`;
      const file = join(cwd, 'notes.txt');
      writeFileSync(file, `${marker}\n`);
      const answer = `The note was read ${randomUUID()}`;
      const mock = h.stack.mocks.openai;
      mock.reset();
      mock.enqueue({
        kind: 'tool_calls',
        calls: [{ id: 'call_e2e_read_1', name: 'read', arguments: { filePath: file } }],
      });
      mock.setDefault({ kind: 'text', text: answer });
      // A title given on the command line: no title call can take the scripted tool call.
      const run = await opencode('What does notes.txt say?', { cwd, title: 'e2e tool round trip' });
      expectAnswered(run, answer);
      const toolUse = run.out.events.find((e) => e.type === 'tool_use' && e.part?.tool === 'read');
      expect(toolUse?.part?.state).toMatchObject({ status: 'completed', input: { filePath: file } });
      expect(toolUse?.part?.state?.output).toContain(marker);
      const calls = mock.received.filter((r) => isChatCall(r) && isAgentCall(r.json));
      expect(calls.length).toBeGreaterThanOrEqual(2);
      const messages = (calls[1]!.json as ChatBody).messages;
      const assistant = messages.find((m) => m.role === 'assistant' && m.tool_calls?.length);
      expect(assistant).toBeDefined();
      const call = assistant!.tool_calls![0]!;
      expect(call.function.name).toBe('read');
      expect(JSON.parse(call.function.arguments)).toEqual({ filePath: file });
      const tool = messages.find((m) => m.role === 'tool');
      expect(tool).toBeDefined();
      expect(tool!.tool_call_id).toBe(call.id);
      expect(textOf(tool!.content)).toContain(marker);
    },
    RUN_TIMEOUT_MS,
  );
});
